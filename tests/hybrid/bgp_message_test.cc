// The BGP-4 codec: golden bytes built by hand from the RFC layouts, round trips, the RFC 6793
// AS4_PATH merge, one test per RFC 7606 rule (each names its section), framing and OPEN errors,
// and bad input that must not crash.
#include "cloudtwin/hybrid/bgp_message.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace cloudtwin;
using namespace cloudtwin::hybrid::bgp;
using Bytes = std::vector<std::uint8_t>;

Bytes hex(std::string_view text) {
  Bytes out;
  int high = -1;
  for (char c : text) {
    int v = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A whole message: marker, length, type, body.
Bytes message(std::uint8_t type, const Bytes& body) {
  Bytes out(16, 0xFF);
  std::size_t length = 19 + body.size();
  out.push_back(static_cast<std::uint8_t>(length >> 8));
  out.push_back(static_cast<std::uint8_t>(length));
  out.push_back(type);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes u16(std::size_t v) {
  return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

// An UPDATE from its three fields.
Bytes update(const Bytes& withdrawn, const Bytes& attributes, const Bytes& nlri) {
  return message(2,
                 cat({u16(withdrawn.size()), withdrawn, u16(attributes.size()), attributes, nlri}));
}

// Attributes as they appear on the wire (flags, type, length, value).
const Bytes kOriginIgp = hex("40 01 01 00");
const Bytes kAsPath64512 = hex("40 02 06 02 01 0000FC00");  // 4-octet AS_SEQUENCE [64512]
const Bytes kNextHop = hex("40 03 04 A9FEFF02");            // 169.254.255.2
const Bytes kMed0 = hex("80 04 04 00000000");
const Bytes kCommunity = hex("C0 08 04 1C38 1FA4");  // 7224:8100
const Bytes kNlri10 = hex("10 0A00");                // 10.0.0.0/16
const Bytes kMandatory = cat({kOriginIgp, kAsPath64512, kNextHop});

SessionOptions four_octet() { return SessionOptions{}; }
SessionOptions two_octet() {
  SessionOptions o;
  o.four_octet_as = false;
  return o;
}

const Update& as_update(const DecodeResult& r) { return std::get<Update>(r.message); }

bool mentions(const DecodeResult& r, std::string_view text) {
  for (const std::string& n : r.notes) {
    if (n.find(text) != std::string::npos) return true;
  }
  return false;
}

Ipv4Prefix v4(const char* text) { return Ipv4Prefix::from(*Prefix::parse(text)); }
Ipv6Prefix v6(const char* text) { return Ipv6Prefix::from(*Prefix::parse(text)); }
IpAddress ip(const char* text) { return *IpAddress::parse(text); }

// ---- golden messages

TEST(BgpGolden, Keepalive) {
  Bytes bytes = hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0013 04");
  DecodeResult r = decode(bytes, four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(std::holds_alternative<Keepalive>(r.message));
  EXPECT_EQ(encode(Keepalive{}, four_octet()), bytes);
}

// An OPEN like BIRD's: MP IPv4 unicast, route refresh, graceful restart (120 s, F for IPv4),
// 4-octet AS (RFC 4271 §4.2, RFC 5492 §4, RFC 4724 §3, RFC 6793 §3).
const Bytes kOpen =
    hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0035 01"
        "04 FC00 005A 0A000001 18"
        "02 16"
        "01 04 0001 00 01"
        "02 00"
        "40 06 0078 0001 01 80"
        "41 04 0000FC00");

TEST(BgpGolden, Open) {
  DecodeResult r = decode(kOpen, four_octet());
  ASSERT_TRUE(r.ok()) << describe(*r.reset);
  const Open& open = std::get<Open>(r.message);
  EXPECT_EQ(open.version, 4);
  EXPECT_EQ(open.asn(), 64512u);
  EXPECT_EQ(open.hold_time, 90);
  EXPECT_EQ(open.bgp_identifier, 0x0A000001u);
  EXPECT_EQ(open.multiprotocol, std::vector<AfiSafi>{kIpv4Unicast});
  EXPECT_TRUE(open.route_refresh);
  ASSERT_TRUE(open.graceful_restart);
  EXPECT_EQ(open.graceful_restart->restart_time, 120);
  EXPECT_FALSE(open.graceful_restart->restart_state);
  ASSERT_EQ(open.graceful_restart->families.size(), 1u);
  EXPECT_TRUE(open.graceful_restart->families[0].forwarding_state);

  Open built;
  built.set_asn(64512);
  built.hold_time = 90;
  built.bgp_identifier = 0x0A000001;
  built.multiprotocol = {kIpv4Unicast};
  built.route_refresh = true;
  built.graceful_restart = GracefulRestart{false, false, 120, {{kIpv4Unicast, true}}};
  EXPECT_EQ(encode(built, four_octet()), kOpen);
}

// RFC 6793 §4.2.1: an ASN above 65535 goes as AS_TRANS in My AS, the real one in capability 65.
TEST(BgpGolden, OpenWithFourOctetAsnUsesAsTrans) {
  Open open;
  open.set_asn(4200000000u);
  open.hold_time = 30;
  open.bgp_identifier = 0xA9FE0001;
  auto bytes = encode(open, four_octet());
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0025 01 04 5BA0 001E A9FE0001 08 02 06 "
                        "41 04 FA56EA00"));
  DecodeResult r = decode(*bytes, four_octet());
  EXPECT_EQ(std::get<Open>(r.message).asn(), 4200000000u);
  EXPECT_EQ(std::get<Open>(r.message).my_as, kAsTrans);
}

TEST(BgpGolden, OpenKeepsUnknownCapabilitiesRaw) {
  // Enhanced route refresh (70) and FQDN (73) are kept as bytes (RFC 5492 §3).
  Bytes bytes = message(1, hex("04 FC00 005A 0A000001 0B 02 09 46 00 49 05 03 61 62 63 00"));
  DecodeResult r = decode(bytes, four_octet());
  ASSERT_TRUE(r.ok());
  const Open& open = std::get<Open>(r.message);
  ASSERT_EQ(open.other_capabilities.size(), 2u);
  EXPECT_EQ(open.other_capabilities[1], (RawCapability{73, hex("03 616263 00")}));
  EXPECT_EQ(encode(open, four_octet()), bytes);
}

// The UPDATE of shared/reference/direct-connect.md §3.7 that BIRD accepted.
const Bytes kUpdate =
    update({}, cat({kOriginIgp, kAsPath64512, kNextHop, kMed0, kCommunity}), kNlri10);

TEST(BgpGolden, Update) {
  EXPECT_EQ(kUpdate.size(), 60u);
  DecodeResult r = decode(kUpdate, four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kNone);
  const Update& u = as_update(r);
  EXPECT_EQ(u.attributes.origin, Origin::kIgp);
  ASSERT_TRUE(u.attributes.as_path);
  EXPECT_EQ(*u.attributes.as_path, (AsPath{{SegmentType::kSequence, {64512}}}));
  EXPECT_EQ(u.attributes.next_hop, ip("169.254.255.2"));
  EXPECT_EQ(u.attributes.med, 0u);
  EXPECT_EQ(u.attributes.communities, std::vector<std::uint32_t>{make_community(7224, 8100)});
  EXPECT_EQ(u.nlri, std::vector<Ipv4Prefix>{v4("10.0.0.0/16")});

  Update built;
  built.attributes.origin = Origin::kIgp;
  built.attributes.as_path = AsPath{{SegmentType::kSequence, {64512}}};
  built.attributes.next_hop = ip("169.254.255.2");
  built.attributes.med = 0;
  built.attributes.communities = {make_community(7224, 8100)};
  built.nlri = {v4("10.0.0.0/16")};
  EXPECT_EQ(encode(built, four_octet()), kUpdate);
}

// RFC 4724 §2: End-of-RIB is an empty UPDATE for IPv4 unicast, an empty MP_UNREACH otherwise.
TEST(BgpGolden, EndOfRib) {
  Bytes ipv4 = hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0017 02 0000 0000");
  DecodeResult r = decode(ipv4, four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(as_update(r).end_of_rib(), kIpv4Unicast);
  EXPECT_EQ(encode(Update{}, four_octet()), ipv4);

  Bytes ipv6 = update({}, hex("80 0F 03 0002 01"), {});
  r = decode(ipv6, four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(as_update(r).end_of_rib(), kIpv6Unicast);
  Update eor;
  eor.mp_unreach = MpUnreach{kIpv6Unicast, {}, {}};
  EXPECT_EQ(encode(eor, four_octet()), ipv6);
}

// RFC 4760 §3 with the RFC 2545 §3 32-octet next hop (global, then link-local).
TEST(BgpGolden, MpReachIpv6WithLinkLocal) {
  Bytes mp =
      hex("80 0E 2C 0002 01 20"
          "20010DB8000000000000000000000001"
          "FE800000000000000000000000000001"
          "00 30 20010DB80001");
  Bytes bytes = update({}, cat({mp, kOriginIgp, kAsPath64512}), {});
  DecodeResult r = decode(bytes, four_octet());
  ASSERT_TRUE(r.ok()) << (r.notes.empty() ? "" : r.notes[0]);
  const Update& u = as_update(r);
  ASSERT_TRUE(u.mp_reach);
  EXPECT_EQ(u.mp_reach->next_hop, ip("2001:db8::1"));
  EXPECT_EQ(u.mp_reach->link_local, ip("fe80::1"));
  EXPECT_EQ(u.mp_reach->ipv6, std::vector<Ipv6Prefix>{v6("2001:db8:1::/48")});
  EXPECT_EQ(encode(u, four_octet()), bytes);  // MP_REACH first (RFC 7606 §5.1)
}

TEST(BgpGolden, NotificationMaximumPrefixes) {
  Notification n = maximum_prefixes_reached(kIpv4Unicast, 100);
  Bytes bytes = hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 001C 03 06 01 0001 01 00000064");
  EXPECT_EQ(encode(n, four_octet()), bytes);
  DecodeResult r = decode(bytes, four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<Notification>(r.message), n);
  EXPECT_EQ(describe(n), "Cease / Maximum Number of Prefixes Reached (6/1)");
}

TEST(BgpGolden, RouteRefresh) {
  Bytes bytes = hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0017 05 0002 00 01");
  DecodeResult r = decode(bytes, four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<RouteRefresh>(r.message), (RouteRefresh{kIpv6Unicast, 0}));
  EXPECT_EQ(encode(RouteRefresh{kIpv6Unicast, 0}, four_octet()), bytes);
}

TEST(BgpNames, NotificationsAndCommunities) {
  EXPECT_EQ(describe({3, 11, {}}), "UPDATE Message Error / Malformed AS_PATH (3/11)");
  EXPECT_EQ(describe({1, 2, {}}), "Message Header Error / Bad Message Length (1/2)");
  EXPECT_EQ(describe({6, 7, {}}), "Cease / Connection Collision Resolution (6/7)");
  EXPECT_EQ(describe({9, 9, {}}), "error 9 (9/9)");
  EXPECT_EQ(community_name(community::kNoExport), "NO_EXPORT");
  EXPECT_EQ(community_name(community::kNoAdvertise), "NO_ADVERTISE");
  EXPECT_EQ(community_name(make_community(7224, 7100)), "7224:7100");
  Notification shutdown = administrative_cease(cease::kAdministrativeShutdown, "maintenance");
  EXPECT_EQ(shutdown.data,
            cat({hex("0B"), Bytes{'m', 'a', 'i', 'n', 't', 'e', 'n', 'a', 'n', 'c', 'e'}}));
}

// ---- encoder rules

TEST(BgpEncode, ExtendedLengthAboveTwoHundredFiftyFiveOctets) {
  Update u;
  u.attributes.origin = Origin::kIgp;
  u.attributes.as_path = AsPath{{SegmentType::kSequence, {64512}}};
  u.attributes.next_hop = ip("169.254.255.2");
  for (std::uint32_t i = 0; i < 70; ++i)
    u.attributes.communities.push_back(make_community(7224, 1000 + i));
  u.nlri = {v4("10.0.0.0/16")};
  auto bytes = encode(u, four_octet());
  ASSERT_TRUE(bytes);
  // COMMUNITIES (280 octets): flags C0 | Extended Length, 2-octet length 0x0118.
  std::size_t at = 19 + 4 + kMandatory.size();
  EXPECT_EQ((*bytes)[at], 0xD0);
  EXPECT_EQ((*bytes)[at + 1], 8);
  EXPECT_EQ((*bytes)[at + 2], 0x01);
  EXPECT_EQ((*bytes)[at + 3], 0x18);
  DecodeResult r = decode(*bytes, four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(as_update(r), u);
}

TEST(BgpEncode, RefusesNlriWithoutMandatoryAttributes) {
  Update u;
  u.nlri = {v4("10.0.0.0/16")};
  u.attributes.origin = Origin::kIgp;
  u.attributes.as_path = AsPath{};
  EXPECT_FALSE(encode(u, four_octet()));  // no NEXT_HOP (RFC 4271 §5)
  u.attributes.next_hop = ip("2001:db8::1");
  EXPECT_FALSE(encode(u, four_octet()));  // NEXT_HOP is IPv4
  u.attributes.next_hop = ip("169.254.0.1");
  EXPECT_TRUE(encode(u, four_octet()));
}

TEST(BgpEncode, LocalPrefOnlyTowardInternalPeers) {
  Update u;
  u.attributes.local_pref = 200;
  Bytes external = *encode(u, four_octet());
  EXPECT_EQ(external.size(), 23u);  // RFC 4271 §5.1.5
  SessionOptions internal;
  internal.external = false;
  DecodeResult r = decode(*encode(u, internal), internal);
  EXPECT_EQ(as_update(r).attributes.local_pref, 200u);
}

TEST(BgpEncode, RefusesMoreThanFourKilobytes) {
  Update u;
  for (int i = 0; i < 1400; ++i)
    u.withdrawn.push_back(Ipv4Prefix::make(0x0A000000u + (static_cast<std::uint32_t>(i) << 8), 24));
  EXPECT_FALSE(encode(u, four_octet()));
}

// ---- RFC 6793: 4-octet ASNs on a 2-octet session

TEST(BgpAs4, TwoOctetSessionMergesAs4Path) {
  // AS_PATH [65001 AS_TRANS AS_TRANS], AS4_PATH [4200000000 4200000001] (RFC 6793 §4.2.3).
  Bytes bytes = update({},
                       cat({kOriginIgp, hex("40 02 08 02 03 FDE9 5BA0 5BA0"), kNextHop,
                            hex("C0 11 0A 02 02 FA56EA00 FA56EA01")}),
                       kNlri10);
  DecodeResult r = decode(bytes, two_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*as_update(r).attributes.as_path,
            (AsPath{{SegmentType::kSequence, {65001}},
                    {SegmentType::kSequence, {4200000000u, 4200000001u}}}));
  EXPECT_EQ(path_length(*as_update(r).attributes.as_path), 3u);
  // Sent back to a 2-octet peer: AS_TRANS in AS_PATH and the full path in AS4_PATH (§4.2.2).
  auto again = encode(as_update(r), two_octet());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, update({},
                           cat({kOriginIgp, hex("40 02 0A 02 01 FDE9 02 02 5BA0 5BA0"), kNextHop,
                                hex("C0 11 10 02 01 0000FDE9 02 02 FA56EA00 FA56EA01")}),
                           kNlri10));
  EXPECT_EQ(decode(*again, two_octet()).message, r.message);
}

TEST(BgpAs4, FourOctetSessionWritesFourOctetPath) {
  Update u;
  u.attributes.origin = Origin::kIgp;
  u.attributes.as_path = AsPath{{SegmentType::kSequence, {4200000000u, 64512}}};
  u.attributes.next_hop = ip("169.254.255.2");
  u.nlri = {v4("10.0.0.0/16")};
  EXPECT_EQ(
      encode(u, four_octet()),
      update({}, cat({kOriginIgp, hex("40 02 0A 02 02 FA56EA00 0000FC00"), kNextHop}), kNlri10));
}

TEST(BgpAs4, As4PathLongerThanAsPathIsIgnored) {
  Bytes bytes = update({},
                       cat({kOriginIgp, hex("40 02 04 02 01 5BA0"), kNextHop,
                            hex("C0 11 0A 02 02 FA56EA00 FA56EA01")}),
                       kNlri10);
  DecodeResult r = decode(bytes, two_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*as_update(r).attributes.as_path, (AsPath{{SegmentType::kSequence, {kAsTrans}}}));
  EXPECT_TRUE(mentions(r, "RFC 6793 §4.2.3"));
}

const Bytes kMandatory2 =
    cat({kOriginIgp, hex("40 02 04 02 01 FC00"), kNextHop});  // AS_PATH [64512], 2-octet

TEST(BgpAs4, As4AggregatorReplacesAsTransAggregator) {
  Bytes bytes = update(
      {}, cat({kMandatory2, hex("C0 07 06 5BA0 0A000001"), hex("C0 12 08 FA56EA00 0A000001")}),
      kNlri10);
  DecodeResult r = decode(bytes, two_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(as_update(r).attributes.aggregator, (Aggregator{4200000000u, 0x0A000001}));
  auto again = encode(as_update(r), two_octet());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, bytes);
}

// RFC 6793 §4.2.3: an AGGREGATOR that is not AS_TRANS means AS4_AGGREGATOR and AS4_PATH are
// ignored.
TEST(BgpAs4, RealAggregatorMeansAs4AttributesIgnored) {
  Bytes bytes =
      update({},
             cat({kOriginIgp, hex("40 02 04 02 01 5BA0"), kNextHop, hex("C0 07 06 FDE9 0A000001"),
                  hex("C0 11 06 02 01 FA56EA00"), hex("C0 12 08 FA56EA00 0A000001")}),
             kNlri10);
  DecodeResult r = decode(bytes, two_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(as_update(r).attributes.aggregator, (Aggregator{65001, 0x0A000001}));
  EXPECT_EQ(*as_update(r).attributes.as_path, (AsPath{{SegmentType::kSequence, {kAsTrans}}}));
}

// RFC 6793 §4.1: AS4_PATH between NEW speakers is discarded.
TEST(BgpAs4, As4PathOnFourOctetSessionDiscarded) {
  Bytes bytes = update({}, cat({kMandatory, hex("C0 11 06 02 01 FA56EA00")}), kNlri10);
  DecodeResult r = decode(bytes, four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kAttributeDiscard);
  EXPECT_EQ(*as_update(r).attributes.as_path, (AsPath{{SegmentType::kSequence, {64512}}}));
  EXPECT_EQ(as_update(r).nlri.size(), 1u);
}

// RFC 6793 §6: a malformed AS4_PATH is discarded; confederation segments in it are removed.
TEST(BgpAs4, MalformedAs4PathDiscardedConfedSegmentsRemoved) {
  DecodeResult r =
      decode(update({}, cat({kMandatory2, hex("C0 11 03 02 01 00")}), kNlri10), two_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kAttributeDiscard);
  EXPECT_TRUE(mentions(r, "RFC 6793 §6"));
  r = decode(update({},
                    cat({kOriginIgp, hex("40 02 06 02 02 FDE9 5BA0"), kNextHop,
                         hex("C0 11 0C 03 01 0000FDEA 02 01 FA56EA00")}),
                    kNlri10),
             two_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*as_update(r).attributes.as_path,
            (AsPath{{SegmentType::kSequence, {65001}}, {SegmentType::kSequence, {4200000000u}}}));
}

// ---- RFC 7606, one rule per test

TEST(Rfc7606, WithdrawnLengthOverrunResets_3b) {
  DecodeResult r = decode(message(2, hex("0010 0000")), four_octet());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.reset, (Notification{3, 1, {}}));
}

TEST(Rfc7606, TotalAttributeLengthOverrunResets_3b) {
  DecodeResult r = decode(message(2, hex("0000 0040 40 01 01 00")), four_octet());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.reset, (Notification{3, 1, {}}));
}

TEST(Rfc7606, UnparseableWithdrawnRoutesReset_3i) {
  DecodeResult r = decode(update(hex("21 0A000000 00"), {}, {}), four_octet());  // /33
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.reset, (Notification{3, 10, {}}));
}

TEST(Rfc7606, NlriOverrunResets_3j_5_3) {
  DecodeResult r =
      decode(update({}, kMandatory, hex("18 0A00")), four_octet());  // /24 needs 3 octets
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.reset, (Notification{3, 10, {}}));
}

TEST(Rfc7606, WrongOptionalBitIsTreatAsWithdraw_3c) {
  Bytes bytes = update(hex("08 0B"), cat({hex("C0 01 01 00"), kAsPath64512, kNextHop}), kNlri10);
  DecodeResult r = decode(bytes, four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
  EXPECT_EQ(r.withdraw_ipv4, std::vector<Ipv4Prefix>{v4("10.0.0.0/16")});
  const Update& u = as_update(r);
  EXPECT_TRUE(u.nlri.empty());
  EXPECT_EQ(u.attributes, PathAttributes{});
  EXPECT_EQ(u.withdrawn, std::vector<Ipv4Prefix>{v4("11.0.0.0/8")});  // its own withdrawals stay
  EXPECT_TRUE(mentions(r, "RFC 7606 §3.c"));
}

TEST(Rfc7606, WrongTransitiveBitOnMedIsTreatAsWithdraw_3c) {
  DecodeResult r =
      decode(update({}, cat({kMandatory, hex("C0 04 04 00000000")}), kNlri10), four_octet());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
  EXPECT_EQ(r.withdraw_ipv4.size(), 1u);
}

TEST(Rfc7606, MissingNextHopWithNlriIsTreatAsWithdraw_3d) {
  DecodeResult r = decode(update({}, cat({kOriginIgp, kAsPath64512}), kNlri10), four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
  EXPECT_EQ(r.withdraw_ipv4.size(), 1u);
  EXPECT_TRUE(mentions(r, "NEXT_HOP missing"));
}

TEST(Rfc7606, MissingOriginWithMpReachWithdrawsIpv6_3d) {
  Bytes mp = hex("80 0E 1C 0002 01 10 20010DB8000000000000000000000001 00 30 20010DB80001");
  DecodeResult r = decode(update({}, cat({mp, kAsPath64512}), {}), four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
  EXPECT_EQ(r.withdraw_ipv6, std::vector<Ipv6Prefix>{v6("2001:db8:1::/48")});
  EXPECT_FALSE(as_update(r).mp_reach);
}

TEST(Rfc7606, WithdrawalOnlyNeedsNoAttributes_3d) {
  DecodeResult r = decode(update(hex("10 0A00"), {}, {}), four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kNone);
  EXPECT_EQ(as_update(r).withdrawn.size(), 1u);
}

TEST(Rfc7606, RepeatedAttributeKeepsTheFirst_3g) {
  DecodeResult r = decode(
      update({}, cat({kMandatory, kCommunity, hex("C0 08 04 FFFFFF01")}), kNlri10), four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kAttributeDiscard);
  EXPECT_EQ(as_update(r).attributes.communities,
            std::vector<std::uint32_t>{make_community(7224, 8100)});
  EXPECT_EQ(as_update(r).nlri.size(), 1u);
}

TEST(Rfc7606, RepeatedMpReachResets_3g) {
  Bytes mp = hex("80 0E 15 0002 01 10 20010DB8000000000000000000000001 00");
  DecodeResult r = decode(update({}, cat({mp, mp, kOriginIgp, kAsPath64512}), {}), four_octet());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.reset, (Notification{3, 1, {}}));
}

TEST(Rfc7606, RepeatedMpUnreachResets_3g) {
  Bytes mp = hex("80 0F 03 0002 01");
  DecodeResult r = decode(update({}, cat({mp, mp}), {}), four_octet());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.reset, (Notification{3, 1, {}}));
}

TEST(Rfc7606, StrongestActionWins_3h) {
  // A discard (ATOMIC_AGGREGATE with a value) and a treat-as-withdraw (MED of 2 octets).
  DecodeResult r =
      decode(update({}, cat({kMandatory, hex("80 04 02 0000"), hex("40 06 01 00")}), kNlri10),
             four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
  EXPECT_EQ(r.notes.size(), 2u);
  // ... and a reset over both.
  r = decode(update({}, cat({kMandatory, hex("80 04 02 0000"), hex("C0 0E 01 00")}), kNlri10),
             four_octet());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kSessionReset);
}

TEST(Rfc7606, AttributePastTotalLengthIsTreatAsWithdraw_4) {
  // COMMUNITIES says 8 octets where 4 remain; the NLRI is still found by the total length.
  DecodeResult r =
      decode(update({}, cat({kMandatory, hex("C0 08 08 1C38 1FA4")}), kNlri10), four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
  EXPECT_EQ(r.withdraw_ipv4, std::vector<Ipv4Prefix>{v4("10.0.0.0/16")});
  EXPECT_TRUE(mentions(r, "RFC 7606 §4"));
}

TEST(Rfc7606, AttributeHeaderCutShortIsTreatAsWithdraw_4) {
  DecodeResult r = decode(update({}, cat({kMandatory, hex("C0 08")}), kNlri10), four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
}

TEST(Rfc7606, ZeroLengthAttributeIsMalformed_4) {
  DecodeResult r =
      decode(update({}, cat({hex("40 01 00"), kAsPath64512, kNextHop}), kNlri10), four_octet());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
}

TEST(Rfc7606, ErrorWithoutReachableNlriResets_5_2) {
  // Withdrawals and a bad ORIGIN but nothing announced: the reset carries ORIGIN's NOTIFICATION.
  DecodeResult r = decode(update(hex("10 0A00"), hex("40 01 01 05"), {}), four_octet());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.reset, (Notification{3, 6, hex("40 01 01 05")}));
  EXPECT_TRUE(mentions(r, "RFC 7606 §5.2"));
}

TEST(Rfc7606, DiscardWithoutReachableNlriDoesNotReset_5_2) {
  DecodeResult r = decode(update(hex("10 0A00"), hex("40 06 01 00"), {}), four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kAttributeDiscard);
}

TEST(Rfc7606, MpReachTooShortResets_5_3) {
  DecodeResult r = decode(
      update({}, cat({hex("80 0E 04 0002 01 00"), kOriginIgp, kAsPath64512}), {}), four_octet());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.reset, (Notification{3, 9, hex("80 0E 04 0002 01 00")}));
}

TEST(Rfc7606, MpUnreachTooShortResets_5_3) {
  DecodeResult r = decode(update({}, hex("80 0F 02 0002"), {}), four_octet());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.reset->subcode, 9);
}

TEST(Rfc7606, MpReachWrongFlagsResets_5_3) {
  Bytes mp = hex("C0 0E 15 0002 01 10 20010DB8000000000000000000000001 00");
  DecodeResult r = decode(update({}, cat({mp, kOriginIgp, kAsPath64512}), {}), four_octet());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.reset->subcode, 4);
}

TEST(Rfc7606, MpReachPrefixTooLongResets_5_3) {
  Bytes mp = hex("80 0E 16 0002 01 10 20010DB8000000000000000000000001 00 81");
  DecodeResult r = decode(update({}, cat({mp, kOriginIgp, kAsPath64512}), {}), four_octet());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.reset, (Notification{3, 10, {}}));
}

TEST(Rfc7606, MpReachNextHopLengthResets_7_11) {
  Bytes mp = hex("80 0E 0D 0002 01 08 20010DB800000000 00");
  DecodeResult r = decode(update({}, cat({mp, kOriginIgp, kAsPath64512}), {}), four_octet());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(mentions(r, "RFC 7606 §7.11"));
}

TEST(Rfc7606, OriginUndefinedValueIsTreatAsWithdraw_7_1) {
  DecodeResult r =
      decode(update({}, cat({hex("40 01 01 03"), kAsPath64512, kNextHop}), kNlri10), four_octet());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
  EXPECT_TRUE(mentions(r, "RFC 7606 §7.1"));
}

TEST(Rfc7606, AsPathZeroLengthSegmentIsTreatAsWithdraw_7_2) {
  DecodeResult r =
      decode(update({}, cat({kOriginIgp, hex("40 02 02 02 00"), kNextHop}), kNlri10), four_octet());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
  EXPECT_TRUE(mentions(r, "RFC 7606 §7.2"));
}

TEST(Rfc7606, AsPathBadSegmentTypeIsTreatAsWithdraw_7_2) {
  DecodeResult r =
      decode(update({}, cat({kOriginIgp, hex("40 02 06 05 01 0000FC00"), kNextHop}), kNlri10),
             four_octet());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
}

TEST(Rfc7606, AsPathOverrunAndUnderrunAreTreatAsWithdraw_7_2) {
  EXPECT_EQ(decode(update({}, cat({kOriginIgp, hex("40 02 06 02 02 0000FC00"), kNextHop}), kNlri10),
                   four_octet())
                .action,
            ErrorAction::kTreatAsWithdraw);
  EXPECT_EQ(
      decode(update({}, cat({kOriginIgp, hex("40 02 07 02 01 0000FC00 02"), kNextHop}), kNlri10),
             four_octet())
          .action,
      ErrorAction::kTreatAsWithdraw);
}

TEST(Rfc7606, NextHopWrongLengthIsTreatAsWithdraw_7_3) {
  DecodeResult r =
      decode(update({}, cat({kOriginIgp, kAsPath64512, hex("40 03 05 A9FEFF0200")}), kNlri10),
             four_octet());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
  EXPECT_TRUE(mentions(r, "RFC 7606 §7.3"));
}

// RFC 4271 §6.3: not a valid host address (syntactic) or the receiver's own (semantic): the
// routes are not used, no NOTIFICATION.
TEST(Rfc7606, NextHopNotAHostAddressIsTreatAsWithdraw_Rfc4271_6_3) {
  for (const char* bad :
       {"40 03 04 00000000", "40 03 04 7F000001", "40 03 04 E0000005", "40 03 04 FFFFFFFF"}) {
    DecodeResult r =
        decode(update({}, cat({kOriginIgp, kAsPath64512, hex(bad)}), kNlri10), four_octet());
    ASSERT_TRUE(r.ok()) << bad;
    EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw) << bad;
    EXPECT_EQ(r.withdraw_ipv4.size(), 1u) << bad;
  }
  SessionOptions own;
  own.local_address = ip("169.254.255.2");
  DecodeResult r = decode(kUpdate, own);
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
  EXPECT_TRUE(mentions(r, "own address"));
  // Without IPv4 NLRI the NEXT_HOP is not used, so its value is not judged (RFC 4760 §3).
  r = decode(update(hex("10 0A00"), {}, {}), four_octet());
  EXPECT_EQ(r.action, ErrorAction::kNone);
}

TEST(Rfc7606, MedWrongLengthIsTreatAsWithdraw_7_4) {
  DecodeResult r =
      decode(update({}, cat({kMandatory, hex("80 04 03 000000")}), kNlri10), four_octet());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
  EXPECT_TRUE(mentions(r, "RFC 7606 §7.4"));
}

TEST(Rfc7606, LocalPrefFromExternalPeerDiscarded_7_5) {
  Bytes bytes = update({}, cat({kMandatory, hex("40 05 04 00000064")}), kNlri10);
  DecodeResult r = decode(bytes, four_octet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.action, ErrorAction::kAttributeDiscard);
  EXPECT_FALSE(as_update(r).attributes.local_pref);
  EXPECT_EQ(as_update(r).nlri.size(), 1u);
  SessionOptions internal;
  internal.external = false;
  r = decode(bytes, internal);
  EXPECT_EQ(r.action, ErrorAction::kNone);
  EXPECT_EQ(as_update(r).attributes.local_pref, 100u);
  r = decode(update({}, cat({kMandatory, hex("40 05 03 000064")}), kNlri10), internal);
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
}

TEST(Rfc7606, AtomicAggregateWithValueDiscarded_7_6) {
  DecodeResult r = decode(update({}, cat({kMandatory, hex("40 06 01 00")}), kNlri10), four_octet());
  EXPECT_EQ(r.action, ErrorAction::kAttributeDiscard);
  EXPECT_FALSE(as_update(r).attributes.atomic_aggregate);
  EXPECT_EQ(as_update(r).nlri.size(), 1u);
}

TEST(Rfc7606, AggregatorWrongLengthDiscarded_7_7) {
  // 6 octets is the 2-octet form: wrong on a 4-octet session.
  DecodeResult r =
      decode(update({}, cat({kMandatory, hex("C0 07 06 FDE9 0A000001")}), kNlri10), four_octet());
  EXPECT_EQ(r.action, ErrorAction::kAttributeDiscard);
  EXPECT_FALSE(as_update(r).attributes.aggregator);
  r = decode(update({}, cat({kMandatory2, hex("C0 07 06 FDE9 0A000001")}), kNlri10), two_octet());
  EXPECT_EQ(r.action, ErrorAction::kNone);
  EXPECT_EQ(as_update(r).attributes.aggregator, (Aggregator{65001, 0x0A000001}));
}

TEST(Rfc7606, CommunitiesBadLengthIsTreatAsWithdraw_7_8) {
  EXPECT_EQ(decode(update({}, cat({kMandatory, hex("C0 08 05 1C381FA400")}), kNlri10), four_octet())
                .action,
            ErrorAction::kTreatAsWithdraw);
  EXPECT_EQ(decode(update({}, cat({kMandatory, hex("C0 08 00")}), kNlri10), four_octet()).action,
            ErrorAction::kTreatAsWithdraw);
}

TEST(Rfc7606, ExtendedCommunitiesBadLengthIsTreatAsWithdraw_7_14) {
  DecodeResult r = decode(update({}, cat({kMandatory, hex("C0 10 07 00020000FC000001")}), kNlri10),
                          four_octet());
  EXPECT_EQ(r.action, ErrorAction::kTreatAsWithdraw);
  r = decode(update({}, cat({kMandatory, hex("C0 10 08 0002FC0000000001")}), kNlri10),
             four_octet());
  ASSERT_EQ(r.action, ErrorAction::kNone);
  ASSERT_EQ(as_update(r).attributes.other.size(), 1u);
  EXPECT_EQ(as_update(r).attributes.other[0].flags, 0xC0);  // recognised: Partial not set
}

TEST(Rfc7606, OriginatorIdFromExternalPeerDiscarded_7_9) {
  DecodeResult r =
      decode(update({}, cat({kMandatory, hex("80 09 04 0A000001")}), kNlri10), four_octet());
  EXPECT_EQ(r.action, ErrorAction::kAttributeDiscard);
}

// RFC 4271 §5 and §9: unrecognised optional transitive attributes are passed on with the Partial
// bit set; non-transitive ones are dropped; an unrecognised well-known one resets (§6.3).
TEST(Rfc7606, UnrecognisedAttributes_Rfc4271_5) {
  DecodeResult r =
      decode(update({}, cat({kMandatory, hex("C0 63 02 ABCD"), hex("80 64 01 00")}), kNlri10),
             four_octet());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(as_update(r).attributes.other.size(), 1u);
  EXPECT_EQ(as_update(r).attributes.other[0], (RawAttribute{0xE0, 99, hex("ABCD")}));
  auto again = encode(as_update(r), four_octet());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, update({}, cat({kMandatory, hex("E0 63 02 ABCD")}), kNlri10));
  r = decode(update({}, cat({kMandatory, hex("40 63 02 ABCD")}), kNlri10), four_octet());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(*r.reset, (Notification{3, 2, hex("40 63 02 ABCD")}));
}

// ---- framing (RFC 4271 §6.1) and OPEN errors (§6.2)

TEST(BgpFraming, HeaderErrors) {
  Bytes bad_marker = hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00 0013 04");
  EXPECT_EQ(*next_frame(bad_marker).error, (Notification{1, 1, {}}));
  EXPECT_EQ(next_frame(hex("FFFF00")).status, FrameStatus::kError);  // as soon as it arrives
  EXPECT_EQ(*next_frame(hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0012 04")).error,
            (Notification{1, 2, hex("0012")}));
  EXPECT_EQ(*next_frame(hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 1001 02")).error,
            (Notification{1, 2, hex("1001")}));
  EXPECT_EQ(*next_frame(hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0013 06")).error,
            (Notification{1, 3, hex("06")}));
  EXPECT_EQ(*next_frame(hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0014 04 00")).error,
            (Notification{1, 2, hex("0014")}));
  EXPECT_EQ(*next_frame(hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 001C 01")).error,
            (Notification{1, 2, hex("001C")}));
  EXPECT_EQ(*next_frame(hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0016 02")).error,
            (Notification{1, 2, hex("0016")}));
  EXPECT_EQ(next_frame(hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0017")).status,
            FrameStatus::kNeedMore);
}

TEST(BgpFraming, FramerYieldsWholeMessagesFromAStream) {
  Bytes stream = cat({kOpen, hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0013 04"), kUpdate});
  Framer framer;
  std::vector<Bytes> got;
  for (std::uint8_t b : stream) {
    framer.feed(std::span<const std::uint8_t>(&b, 1));
    for (auto m = framer.next(); !m.empty(); m = framer.next())
      got.emplace_back(m.begin(), m.end());
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], kOpen);
  EXPECT_EQ(got[2], kUpdate);
  EXPECT_EQ(framer.buffered(), 0u);
  framer.feed(hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0013 09"));
  EXPECT_TRUE(framer.next().empty());
  EXPECT_EQ(*framer.error(), (Notification{1, 3, hex("09")}));
}

TEST(BgpFraming, DecodeChecksTheLengthFieldAgainstTheBytes) {
  Bytes longer = cat({hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0013 04"), hex("00")});
  EXPECT_EQ(*decode(longer, four_octet()).reset, (Notification{1, 2, hex("0013")}));
  Bytes route_refresh = hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF 0018 05 0001 00 01 00");
  DecodeResult r = decode(route_refresh, four_octet());
  EXPECT_EQ(*r.reset, (Notification{7, 1, route_refresh}));  // RFC 7313 §5
}

TEST(BgpOpenErrors, RejectedAsRfc4271Says) {
  auto open_with = [](const char* body) { return decode(message(1, hex(body)), four_octet()); };
  EXPECT_EQ(*open_with("03 FC00 005A 0A000001 00").reset, (Notification{2, 1, hex("0004")}));
  EXPECT_EQ(*open_with("04 FC00 0002 0A000001 00").reset, (Notification{2, 6, {}}));
  EXPECT_TRUE(open_with("04 FC00 0000 0A000001 00").ok());  // hold time 0: no keepalives
  EXPECT_EQ(*open_with("04 FC00 005A 00000000 00").reset, (Notification{2, 3, {}}));
  EXPECT_EQ(*open_with("04 FC00 005A 0A000001 03 01 01 00").reset, (Notification{2, 4, {}}));
  EXPECT_EQ(*open_with("04 FC00 005A 0A000001 05 02 03 01 01 00").reset, (Notification{2, 0, {}}));
  EXPECT_EQ(*open_with("04 FC00 005A 0A000001 04 02 03 01 04").reset, (Notification{2, 0, {}}));
  EXPECT_EQ(open_with("04 FC00 005A 0A000001 05 02 02 02 00").reset->code,
            1);  // params length vs message
}

// ---- bad input: nothing crashes (the debug build runs ASan and UBSan)

TEST(BgpRobustness, EveryTruncationAndCorruptionIsHandled) {
  Bytes mp =
      hex("80 0E 2C 0002 01 20 20010DB8000000000000000000000001 FE800000000000000000000000000001 "
          "00 30 20010DB80001");
  std::vector<Bytes> goldens = {kOpen, kUpdate, update({}, cat({mp, kOriginIgp, kAsPath64512}), {}),
                                maximum_prefixes_reached(kIpv4Unicast, 100).data};
  std::mt19937 random(7);
  for (const Bytes& g : goldens) {
    for (std::size_t n = 0; n <= g.size(); ++n) {
      Bytes cut(g.begin(), g.begin() + static_cast<std::ptrdiff_t>(n));
      (void)decode(cut, four_octet());
      (void)decode(cut, two_octet());
      // The same bytes with the length field telling the truth about the cut.
      if (n >= 19) {
        cut[16] = static_cast<std::uint8_t>(n >> 8);
        cut[17] = static_cast<std::uint8_t>(n);
        (void)decode(cut, four_octet());
      }
    }
    for (int round = 0; round < 3000; ++round) {
      Bytes bent = g;
      for (int k = 0; k < 3; ++k) {
        std::size_t at =
            bent.size() > 19 ? 19 + random() % (bent.size() - 19) : random() % bent.size();
        bent[at] = static_cast<std::uint8_t>(random());
      }
      for (const SessionOptions& o : {four_octet(), two_octet()}) {
        DecodeResult r = decode(bent, o);
        if (!r.ok()) continue;
        auto again = encode(r.message, o);
        if (again) {
          EXPECT_EQ(decode(*again, o).message, r.message);
        }
      }
    }
  }
}

TEST(BgpRobustness, AbsurdCounts) {
  // An AS_PATH segment claiming 255 ASNs in 6 octets, a prefix of length 255, a capability
  // claiming 255 octets.
  EXPECT_EQ(decode(update({}, cat({kOriginIgp, hex("40 02 06 02 FF 0000FC00"), kNextHop}), kNlri10),
                   four_octet())
                .action,
            ErrorAction::kTreatAsWithdraw);
  EXPECT_FALSE(decode(update({}, kMandatory, hex("FF 0A")), four_octet()).ok());
  EXPECT_FALSE(decode(message(1, hex("04 FC00 005A 0A000001 04 02 02 01 FF")), four_octet()).ok());
}

}  // namespace
