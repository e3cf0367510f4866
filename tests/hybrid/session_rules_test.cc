// The session decisions that need no socket: OPEN checks and negotiation (RFC 4271 §4.2, §6.2,
// AWS bgp-specific-settings), collision resolution (RFC 4271 §6.8, RFC 6286 §2.3) and the
// attributes a route is exported with (RFC 4271 §5.1).
#include "cloudtwin/hybrid/session_rules.h"

#include <gtest/gtest.h>

namespace {

using namespace cloudtwin;
using namespace cloudtwin::hybrid;

PeerConfig aws_side() {
  PeerConfig c;
  c.local_asn = 64512;
  c.peer_asn = 65000;
  c.local_address = *IpAddress::parse("169.254.255.1");
  c.peer_address = *IpAddress::parse("169.254.255.2");
  return c;
}

bgp::Open customer_open(std::uint32_t asn = 65000, std::uint16_t hold = 90) {
  bgp::Open o;
  o.set_asn(asn);
  o.hold_time = hold;
  o.bgp_identifier = 0xC0000201;
  o.multiprotocol = {bgp::kIpv4Unicast};
  return o;
}

TEST(SessionRules, OpenCarriesFamiliesRouteRefreshAndFourOctetAs) {
  PeerConfig c = aws_side();
  c.local_asn = 4200000001;
  c.ipv6_unicast = true;
  c.graceful_restart = true;
  bgp::Open o = make_open(c);
  EXPECT_EQ(o.my_as, bgp::kAsTrans);  // RFC 6793 §4.2.1
  EXPECT_EQ(o.asn(), 4200000001u);
  EXPECT_EQ(o.hold_time, 90);
  EXPECT_EQ(o.bgp_identifier, 0xA9FEFF01u);  // the local IPv4 address
  EXPECT_EQ(o.multiprotocol, (std::vector<bgp::AfiSafi>{bgp::kIpv4Unicast, bgp::kIpv6Unicast}));
  EXPECT_TRUE(o.route_refresh);
  ASSERT_TRUE(o.graceful_restart);
  EXPECT_EQ(o.graceful_restart->restart_time, 120);  // AWS's restart time
}

struct OpenCheck {
  const char* name;
  bgp::Open open;
  bool internal;
  std::optional<std::uint8_t> subcode;  // 2/x, or accepted
};

TEST(SessionRules, CheckOpenTable) {
  bgp::Open zero_id = customer_open();
  zero_id.bgp_identifier = 0;
  bgp::Open same_id = customer_open(64512);
  same_id.bgp_identifier = 0xA9FEFF01;
  bgp::Open same_id_ebgp = customer_open();
  same_id_ebgp.bgp_identifier = 0xA9FEFF01;
  const OpenCheck cases[] = {
      {"acceptable", customer_open(), false, std::nullopt},
      {"bad peer AS (2/2)", customer_open(65001), false, 2},
      {"hold time 0: AWS does not support it (2/6)", customer_open(65000, 0), false, 6},
      {"hold time 3 is the minimum", customer_open(65000, 3), false, std::nullopt},
      {"identifier 0 (2/3)", zero_id, false, 3},
      {"our identifier on an internal session (2/3, RFC 6286 §2.2)", same_id, true, 3},
      {"our identifier on an external session is allowed", same_id_ebgp, false, std::nullopt},
  };
  for (const OpenCheck& t : cases) {
    PeerConfig c = aws_side();
    if (t.internal) c.peer_asn = c.local_asn;
    auto n = check_open(c, t.open);
    if (!t.subcode) {
      EXPECT_FALSE(n) << t.name;
      continue;
    }
    ASSERT_TRUE(n) << t.name;
    EXPECT_EQ(n->code, bgp::error::kOpenMessage) << t.name;
    EXPECT_EQ(n->subcode, *t.subcode) << t.name;
  }
}

// AWS: timers negotiate down to the lower value; keepalive is a third of the hold time.
TEST(SessionRules, NegotiationTakesTheLowerHoldTimeAndCommonFamilies) {
  PeerConfig c = aws_side();
  c.ipv6_unicast = true;
  bgp::Open peer = customer_open(65000, 30);
  peer.four_octet_as = 65000;
  Negotiated n = negotiate(c, peer);
  EXPECT_EQ(n.hold_time, 30);
  EXPECT_EQ(n.keepalive_time, 10);
  EXPECT_TRUE(n.ipv4_unicast);
  EXPECT_FALSE(n.ipv6_unicast);
  EXPECT_TRUE(n.four_octet_as);

  bgp::Open legacy = customer_open(65000, 240);
  legacy.multiprotocol.clear();  // RFC 4760 §8: IPv4 unicast implied
  legacy.four_octet_as.reset();
  n = negotiate(c, legacy);
  EXPECT_EQ(n.hold_time, 90);
  EXPECT_EQ(n.keepalive_time, 30);
  EXPECT_TRUE(n.ipv4_unicast);
  EXPECT_FALSE(n.ipv6_unicast);
  EXPECT_FALSE(n.four_octet_as);
}

TEST(SessionRules, CollisionKeepsTheConnectionOfTheHigherIdentifierThenHigherAsn) {
  EXPECT_TRUE(collision_keeps_outgoing(2, 64512, 1, 65000));
  EXPECT_FALSE(collision_keeps_outgoing(1, 64512, 2, 65000));
  EXPECT_FALSE(collision_keeps_outgoing(7, 64512, 7, 65000));  // RFC 6286 §2.3
  EXPECT_TRUE(collision_keeps_outgoing(7, 65000, 7, 64512));
}

TEST(SessionRules, ExportPrependsOurAsnSetsNextHopAndDropsLocalPrefOnEbgp) {
  PeerConfig c = aws_side();
  Route r;
  r.prefix = *Prefix::parse("10.0.0.0/16");
  r.attributes.local_pref = 200;
  auto ex = export_route(r, c, c.local_address);
  ASSERT_TRUE(ex);
  EXPECT_EQ(ex->attributes.origin, bgp::Origin::kIgp);
  ASSERT_EQ(ex->attributes.as_path->size(), 1u);
  EXPECT_EQ(ex->attributes.as_path->front().asns, (std::vector<std::uint32_t>{64512}));
  EXPECT_EQ(ex->attributes.next_hop, c.local_address);
  EXPECT_FALSE(ex->attributes.local_pref);

  // A leading AS_SET gets a new sequence in front (RFC 4271 §5.1.2).
  r.attributes.as_path = bgp::AsPath{{bgp::SegmentType::kSet, {1, 2}}};
  ex = export_route(r, c, c.local_address);
  ASSERT_EQ(ex->attributes.as_path->size(), 2u);
  EXPECT_EQ(ex->attributes.as_path->front().type, bgp::SegmentType::kSequence);

  // IPv6 needs an IPv6 next hop: none on an IPv4 session without next_hop_ipv6.
  Route r6;
  r6.prefix = *Prefix::parse("2001:db8::/32");
  EXPECT_FALSE(export_route(r6, c, c.local_address));
  c.next_hop_ipv6 = *IpAddress::parse("2001:db8::1");
  ex = export_route(r6, c, c.local_address);
  ASSERT_TRUE(ex && ex->ipv6_next_hop);
  EXPECT_EQ(ex->ipv6_next_hop->global, *c.next_hop_ipv6);
  EXPECT_FALSE(ex->attributes.next_hop);
}

TEST(SessionRules, ValidateNamesEveryProblem) {
  PeerConfig c = aws_side();
  EXPECT_TRUE(validate(c).empty());
  c.hold_time = 0;
  c.md5_key = std::string(81, 'k');
  c.ipv4_unicast = false;
  EXPECT_EQ(validate(c).size(), 3u);
}

}  // namespace
