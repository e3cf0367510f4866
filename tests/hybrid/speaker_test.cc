// The speaker over 127.0.0.1 on ephemeral ports: two Speakers peering (routes both ways,
// withdrawals, IPv6 over MP-BGP, collisions, MD5), and hand-written peers for what a real router
// would not send (silence until the hold timer expires, a wrong AS, malformed UPDATEs, garbage).
// Every wait is a poll with a deadline.
#include "cloudtwin/hybrid/speaker.h"

#include <gtest/gtest.h>

#include <atomic>

#include "cloudtwin/hybrid/socket_options.h"
#include "speaker_test_util.h"

namespace {

using namespace cloudtwin;
using namespace cloudtwin::hybrid;
using namespace cloudtwin::hybrid::testing;
using Bytes = std::vector<std::uint8_t>;

Prefix P(const char* text) { return *Prefix::parse(text); }
IpAddress A(const char* text) { return *IpAddress::parse(text); }

bgp::PathAttributes attributes(std::vector<std::uint32_t> path, const char* next_hop,
                               std::vector<std::uint32_t> communities = {}) {
  bgp::PathAttributes a;
  a.origin = bgp::Origin::kIgp;
  a.as_path = bgp::AsPath{};
  if (!path.empty()) a.as_path->push_back({bgp::SegmentType::kSequence, std::move(path)});
  a.next_hop = A(next_hop);
  a.communities = std::move(communities);
  return a;
}

PeerConfig config(std::uint32_t local_asn, std::uint32_t peer_asn, std::uint16_t port) {
  PeerConfig c;
  c.local_asn = local_asn;
  c.peer_asn = peer_asn;
  c.local_address = kLoopback;
  c.peer_address = kLoopback;
  c.port = port;
  c.connect_retry = std::chrono::milliseconds(300);
  return c;
}

// A speaker with one passive peer (the raw test peer connects to it).
struct Passive {
  EventLog log;
  Speaker speaker{SpeakerOptions{log.callback()}};
  PeerId id = 0;
  std::uint16_t port = 0;

  explicit Passive(PeerConfig c) {
    auto l = speaker.listen(kLoopback, 0);
    EXPECT_TRUE(l.ok()) << l.error;
    port = l.port;
    c.passive = true;
    auto added = speaker.add_peer(c);
    EXPECT_TRUE(added.ok());
    id = added.id;
    EXPECT_TRUE(speaker.start());
  }
};

// Two speakers on 127.0.0.1: `a` (AS 64512, the AWS side) and `b` (AS 65000, the customer).
struct Pair {
  EventLog log_a, log_b;
  Speaker a{SpeakerOptions{log_a.callback()}};
  Speaker b{SpeakerOptions{log_b.callback()}};
  PeerId id_a = 0, id_b = 0;
  PeerConfig config_a, config_b;

  Pair() {
    auto la = a.listen(kLoopback, 0);
    auto lb = b.listen(kLoopback, 0);
    EXPECT_TRUE(la.ok() && lb.ok());
    config_a = config(64512, 65000, lb.port);
    config_a.bgp_identifier = 0x0A000001;
    config_b = config(65000, 64512, la.port);
    config_b.bgp_identifier = 0x0A000002;
  }
  void start() {
    id_a = a.add_peer(config_a).id;
    id_b = b.add_peer(config_b).id;
    EXPECT_TRUE(b.start());
    EXPECT_TRUE(a.start());
  }
  bool established() {
    return wait_state(a, id_a, SessionState::kEstablished) &&
           wait_state(b, id_b, SessionState::kEstablished);
  }
};

std::optional<bgp::PathAttributes> find(const RibSnapshot& rib, const Prefix& p) {
  for (const auto& r : rib.ipv4) {
    if (r.prefix.prefix() == p) return rib.attribute_sets[r.attributes];
  }
  for (const auto& r : rib.ipv6) {
    if (r.prefix.prefix() == p) return rib.attribute_sets[r.attributes];
  }
  return std::nullopt;
}

TEST(Speaker, TwoSpeakersEstablishAndExchangeRoutesBothWays) {
  Pair pair;
  pair.config_b.passive = true;
  pair.config_b.hold_time = 30;
  pair.config_a.routes = {{P("10.0.0.0/16"), attributes({}, "169.254.255.1")}};
  pair.config_b.routes = {
      {P("192.0.2.0/24"), attributes({65000}, "169.254.255.2", {bgp::make_community(7224, 7300)})}};
  pair.start();
  ASSERT_TRUE(pair.established());
  ASSERT_TRUE(wait_for([&] { return pair.a.session(pair.id_a)->end_of_rib_ipv4; }));
  ASSERT_TRUE(wait_for([&] { return pair.b.session(pair.id_b)->end_of_rib_ipv4; }));

  SessionInfo sa = *pair.a.session(pair.id_a);
  EXPECT_EQ(sa.hold_time, 30);  // RFC 4271 §4.2: the lower of the two
  EXPECT_EQ(sa.keepalive_time, 10);
  EXPECT_EQ(sa.peer_bgp_identifier, 0x0A000002u);
  EXPECT_TRUE(sa.outgoing);  // b is passive
  EXPECT_EQ(sa.prefixes_ipv4, 1u);

  // AS_PATH gains the sender's ASN on eBGP (RFC 4271 §5.1.2); communities pass unchanged.
  auto learned = find(pair.a.adj_rib_in(pair.id_a), P("192.0.2.0/24"));
  ASSERT_TRUE(learned);
  EXPECT_EQ(bgp::path_length(*learned->as_path), 2u);
  EXPECT_EQ(learned->as_path->front().asns, (std::vector<std::uint32_t>{65000, 65000}));
  EXPECT_EQ(learned->communities, (std::vector<std::uint32_t>{bgp::make_community(7224, 7300)}));
  EXPECT_EQ(learned->next_hop, A("169.254.255.2"));
  auto sent = find(pair.b.adj_rib_in(pair.id_b), P("10.0.0.0/16"));
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->as_path->front().asns, (std::vector<std::uint32_t>{64512}));

  ASSERT_TRUE(wait_for([&] { return pair.log_a.find(EventKind::kRoutesChanged).has_value(); }));
  auto up = pair.log_a.transition_to(SessionState::kEstablished);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->reason, "KEEPALIVE received");
  auto routes = pair.log_a.find(EventKind::kRoutesChanged);
  ASSERT_TRUE(routes);
  ASSERT_EQ(routes->announced_ipv4.size(), 1u);
  EXPECT_EQ(routes->announced_ipv4[0].str(), "192.0.2.0/24");
}

TEST(Speaker, SetRoutesSendsWithdrawalsAndChanges) {
  Pair pair;
  pair.config_b.passive = true;
  pair.config_a.routes = {{P("10.0.0.0/16"), attributes({}, "169.254.255.1")},
                          {P("10.1.0.0/16"), attributes({}, "169.254.255.1")}};
  pair.start();
  ASSERT_TRUE(pair.established());
  ASSERT_TRUE(wait_for([&] { return pair.b.session(pair.id_b)->prefixes_ipv4 == 2; }));

  // Withdraw 10.1.0.0/16, change 10.0.0.0/16's MED, add 10.2.0.0/16.
  bgp::PathAttributes med = attributes({}, "169.254.255.1");
  med.med = 50;
  ASSERT_TRUE(pair.a.set_routes(
      pair.id_a, {{P("10.0.0.0/16"), med}, {P("10.2.0.0/16"), attributes({}, "169.254.255.1")}}));
  ASSERT_TRUE(wait_for([&] {
    auto rib = pair.b.adj_rib_in(pair.id_b);
    auto changed = find(rib, P("10.0.0.0/16"));
    return rib.ipv4.size() == 2 && !find(rib, P("10.1.0.0/16")) && changed && changed->med == 50u;
  }));
  ASSERT_TRUE(pair.a.set_routes(pair.id_a, {}));
  ASSERT_TRUE(wait_for([&] { return pair.b.session(pair.id_b)->prefixes_ipv4 == 0; }));
  bool saw_withdrawal = false;
  for (const Event& e : pair.log_b.all()) {
    for (const auto& w : e.withdrawn_ipv4) saw_withdrawal |= w.str() == "10.1.0.0/16";
  }
  EXPECT_TRUE(saw_withdrawal);
}

TEST(Speaker, Ipv6RoutesTravelInMpReach) {
  Pair pair;
  pair.config_b.passive = true;
  pair.config_a.ipv6_unicast = true;
  pair.config_b.ipv6_unicast = true;
  pair.config_a.next_hop_ipv6 = A("2001:db8::1");
  bgp::PathAttributes a6;
  a6.communities = {bgp::make_community(7224, 8100)};
  pair.config_a.routes = {{P("2001:db8:100::/40"), a6}};
  pair.start();
  ASSERT_TRUE(pair.established());
  ASSERT_TRUE(wait_for([&] { return pair.b.session(pair.id_b)->end_of_rib_ipv6; }));
  SessionInfo sb = *pair.b.session(pair.id_b);
  EXPECT_TRUE(sb.ipv6_unicast);
  EXPECT_EQ(sb.prefixes_ipv6, 1u);
  auto got = find(pair.b.adj_rib_in(pair.id_b), P("2001:db8:100::/40"));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->next_hop, A("2001:db8::1"));
  EXPECT_EQ(got->communities, a6.communities);
}

// One BGP session per address family per VIF (AWS): an IPv6 session over ::1, identifiers set
// by hand since an IPv6 end has no IPv4 address to take one from.
TEST(Speaker, SessionOverIpv6Transport) {
  Speaker a, b;
  const IpAddress v6 = A("::1");
  auto la = a.listen(v6, 0);
  auto lb = b.listen(v6, 0);
  ASSERT_TRUE(la.ok() && lb.ok()) << la.error << lb.error;
  PeerConfig ca = config(64512, 65000, lb.port);
  ca.local_address = ca.peer_address = v6;
  ca.ipv4_unicast = false;
  ca.ipv6_unicast = true;
  PeerConfig cb = ca;
  cb.local_asn = 65000;
  cb.peer_asn = 64512;
  cb.port = la.port;
  cb.passive = true;
  EXPECT_FALSE(a.add_peer(ca).ok());  // no BGP Identifier
  ca.bgp_identifier = 1;
  cb.bgp_identifier = 2;
  ca.next_hop_ipv6 = A("2001:db8::1");  // ::1 is no next hop (RFC 4271 §6.3): withdrawn
  ca.routes = {{P("2001:db8:1::/48"), {}}};
  PeerId ida = a.add_peer(ca).id;
  PeerId idb = b.add_peer(cb).id;
  ASSERT_TRUE(b.start());
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(wait_state(a, ida, SessionState::kEstablished));
  ASSERT_TRUE(wait_for([&] { return b.session(idb)->prefixes_ipv6 == 1; }));
  EXPECT_EQ(find(b.adj_rib_in(idb), P("2001:db8:1::/48"))->next_hop, A("2001:db8::1"));
}

// RFC 4486 §4 / RFC 9003: taking a session down on purpose tells the peer why (6/2 with the
// communication); the session stays Idle until enabled again.
TEST(Speaker, DisablePeerSendsCease6_2AndEnableBringsItBack) {
  Pair pair;
  pair.config_b.passive = true;
  pair.config_b.routes = {{P("192.0.2.0/24"), attributes({}, "169.254.255.2")}};
  pair.start();
  ASSERT_TRUE(pair.established());
  ASSERT_TRUE(wait_for([&] { return pair.a.session(pair.id_a)->prefixes_ipv4 == 1; }));
  ASSERT_TRUE(pair.a.disable_peer(pair.id_a, "VIF deleted"));
  EXPECT_EQ(pair.a.session(pair.id_a)->state, SessionState::kIdle);
  EXPECT_EQ(pair.a.session(pair.id_a)->prefixes_ipv4, 0u);
  ASSERT_TRUE(wait_for([&] {
    return pair.b.session(pair.id_b)->last_notification_received ==
           bgp::administrative_cease(bgp::cease::kAdministrativeShutdown, "VIF deleted");
  }));
  ASSERT_TRUE(wait_state(pair.b, pair.id_b, SessionState::kActive));
  EXPECT_EQ(pair.a.session(pair.id_a)->state, SessionState::kIdle);
  ASSERT_TRUE(pair.a.enable_peer(pair.id_a));
  ASSERT_TRUE(pair.established());
  ASSERT_TRUE(wait_for([&] { return pair.a.session(pair.id_a)->prefixes_ipv4 == 1; }));
}

// RFC 4271 §6.8: both sides connect at once; one connection survives, the same one on both.
TEST(Speaker, ConnectionCollisionLeavesOneSession) {
  Pair pair;
  pair.start();
  ASSERT_TRUE(pair.established());
  ASSERT_TRUE(wait_for([&] {
    auto sa = pair.a.session(pair.id_a);
    auto sb = pair.b.session(pair.id_b);
    return sa->state == SessionState::kEstablished && sb->state == SessionState::kEstablished &&
           sa->outgoing != sb->outgoing;
  }));
  SessionInfo sa = *pair.a.session(pair.id_a);
  SessionInfo sb = *pair.b.session(pair.id_b);
  EXPECT_GE(sa.counters.collisions + sb.counters.collisions, 1u);
}

// AWS: hold time 3 s is the minimum; a silent peer is declared dead with 4/0.
TEST(Speaker, HoldTimerExpirySendsNotification4_0) {
  PeerConfig c = config(64512, 65000, 179);
  c.hold_time = 3;
  Passive s(c);
  RawPeer raw(s.port);
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.establish(65000, 3, 0x0A000009));
  ASSERT_TRUE(wait_state(s.speaker, s.id, SessionState::kEstablished));
  auto start = std::chrono::steady_clock::now();
  // Keepalives arrive every second (hold / 3), then the NOTIFICATION.
  std::optional<bgp::Notification> n;
  for (int i = 0; i < 20 && !n; ++i) {
    auto m = raw.receive();
    if (!m) break;
    if (auto* x = std::get_if<bgp::Notification>(&*m)) n = *x;
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(n);
  EXPECT_EQ(n->code, bgp::error::kHoldTimerExpired);
  EXPECT_GE(elapsed, std::chrono::milliseconds(2500));
  EXPECT_LE(elapsed, std::chrono::milliseconds(4500));
  ASSERT_TRUE(wait_for([&] { return s.log.transition_to(SessionState::kIdle).has_value(); }));
  auto down = s.log.transition_to(SessionState::kIdle);
  EXPECT_EQ(down->reason, "hold timer expired");
  ASSERT_TRUE(wait_state(s.speaker, s.id, SessionState::kActive));
}

// AWS: more than 100 prefixes on a private VIF takes the session down (Cease 6/1, RFC 4486).
TEST(Speaker, PrefixLimitSendsCease6_1AndHoldsIdle) {
  PeerConfig c = config(64512, 65000, 179);
  c.max_prefixes_ipv4 = 100;
  c.prefix_limit_restart = std::chrono::milliseconds(400);
  Passive s(c);
  RawPeer raw(s.port);
  ASSERT_TRUE(raw.establish(65000, 90, 0x0A000009));
  std::vector<bgp::Ipv4Prefix> prefixes;
  for (std::uint32_t i = 0; i < 101; ++i) {
    prefixes.push_back(bgp::Ipv4Prefix::make(0xC6330000 + (i << 8), 24));
  }
  Bytes out;
  ASSERT_TRUE(bgp::pack_ipv4(attributes({65000}, "169.254.255.2"), prefixes, {}, out));
  ASSERT_TRUE(raw.send_bytes(out));
  auto n = raw.receive_until<bgp::Notification>();
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, bgp::maximum_prefixes_reached(bgp::kIpv4Unicast, 100));
  EXPECT_TRUE(raw.closed_by_speaker());
  ASSERT_TRUE(wait_state(s.speaker, s.id, SessionState::kIdle));
  SessionInfo info = *s.speaker.session(s.id);
  EXPECT_EQ(info.prefixes_ipv4, 0u);  // the Adj-RIB-In goes with the session
  EXPECT_EQ(info.counters.prefix_limit_trips, 1u);
  ASSERT_TRUE(wait_for([&] { return s.log.find(EventKind::kPrefixLimitExceeded).has_value(); }));
  auto trip = s.log.find(EventKind::kPrefixLimitExceeded);
  EXPECT_EQ(trip->reason, "received 101 IPv4 prefixes, more than the limit of 100");
  // After the restart delay the session accepts connections again.
  ASSERT_TRUE(wait_state(s.speaker, s.id, SessionState::kActive));
  RawPeer again(s.port);
  ASSERT_TRUE(again.establish(65000, 90, 0x0A000009));
}

struct OpenErrorCase {
  const char* name;
  std::uint32_t peer_asn_sent;
  std::uint16_t hold_time;
  std::uint32_t identifier;
  bool internal;
  std::uint8_t subcode;
};

class OpenErrors : public ::testing::TestWithParam<OpenErrorCase> {};

// RFC 4271 §6.2 and AWS's hold-time rule.
TEST_P(OpenErrors, PeerOpenIsRefusedWithItsNotification) {
  const OpenErrorCase& t = GetParam();
  PeerConfig c = config(t.internal ? 65000 : 64512, 65000, 179);
  c.bgp_identifier = 0x0A000001;
  Passive s(c);
  RawPeer raw(s.port);
  bgp::Open open;
  open.set_asn(t.peer_asn_sent);
  open.hold_time = t.hold_time;
  open.bgp_identifier = t.identifier;
  ASSERT_TRUE(raw.send(open));
  auto n = raw.receive_until<bgp::Notification>();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->code, bgp::error::kOpenMessage);
  EXPECT_EQ(n->subcode, t.subcode);
  EXPECT_TRUE(raw.closed_by_speaker());
  EXPECT_NE(s.speaker.session(s.id)->state, SessionState::kEstablished);
}

INSTANTIATE_TEST_SUITE_P(
    Speaker, OpenErrors,
    ::testing::Values(OpenErrorCase{"BadPeerAs", 65001, 90, 0x0A000009, false, 2},
                      OpenErrorCase{"HoldTimeZeroUnsupportedByAws", 65000, 0, 0x0A000009, false, 6},
                      OpenErrorCase{"SameIdentifierOnInternalSession", 65000, 90, 0x0A000001, true,
                                    3}),
    [](const auto& info) { return std::string(info.param.name); });

Bytes hex(std::string_view text) {
  Bytes out;
  int high = -1;
  for (char ch : text) {
    int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
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

Bytes update_message(const Bytes& attrs, const Bytes& nlri) {
  Bytes body = {0, 0, static_cast<std::uint8_t>(attrs.size() >> 8),
                static_cast<std::uint8_t>(attrs.size())};
  body.insert(body.end(), attrs.begin(), attrs.end());
  body.insert(body.end(), nlri.begin(), nlri.end());
  Bytes m(16, 0xFF);
  std::size_t length = 19 + body.size();
  m.push_back(static_cast<std::uint8_t>(length >> 8));
  m.push_back(static_cast<std::uint8_t>(length));
  m.push_back(2);
  m.insert(m.end(), body.begin(), body.end());
  return m;
}

// RFC 7606 §7.1: a bad ORIGIN withdraws the routes and keeps the session; §3.j / §5.3: an NLRI
// field that cannot be parsed resets it with 3/10.
TEST(Speaker, MalformedUpdateIsTreatedAsWithdrawOrResetsAsTheCodecSays) {
  Passive s(config(64512, 65000, 179));
  RawPeer raw(s.port);
  ASSERT_TRUE(raw.establish(65000, 90, 0x0A000009));
  const Bytes good = hex("40 01 01 00  40 02 06 02 01 0000FDE8  40 03 04 A9FEFF02");
  const Bytes bad_origin = hex("40 01 01 05  40 02 06 02 01 0000FDE8  40 03 04 A9FEFF02");
  const Bytes nlri = hex("18 C6 33 64");  // 198.51.100.0/24
  ASSERT_TRUE(raw.send_bytes(update_message(good, nlri)));
  ASSERT_TRUE(wait_for([&] { return s.speaker.session(s.id)->prefixes_ipv4 == 1; }));

  ASSERT_TRUE(raw.send_bytes(update_message(bad_origin, nlri)));
  ASSERT_TRUE(wait_for([&] { return s.speaker.session(s.id)->prefixes_ipv4 == 0; }));
  SessionInfo info = *s.speaker.session(s.id);
  EXPECT_EQ(info.state, SessionState::kEstablished);
  EXPECT_EQ(info.counters.treat_as_withdraw, 1u);
  ASSERT_TRUE(wait_for([&] { return s.log.find(EventKind::kUpdateError).has_value(); }));

  ASSERT_TRUE(raw.send_bytes(update_message(good, hex("21 C6 33 64 00 00"))));  // /33
  auto n = raw.receive_until<bgp::Notification>();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->code, bgp::error::kUpdateMessage);
  EXPECT_EQ(n->subcode, bgp::update_error::kInvalidNetworkField);
  ASSERT_TRUE(wait_for([&] { return s.log.transition_to(SessionState::kIdle).has_value(); }));
}

// RFC 4271 §6.1: bytes that are not BGP get 1/1 and a close; the speaker keeps serving.
TEST(Speaker, GarbageBytesGetNotificationAndCloseWithoutCrashing) {
  Passive s(config(64512, 65000, 179));
  {
    RawPeer raw(s.port);
    ASSERT_TRUE(raw.send_bytes(Bytes(64, 0x5A)));
    auto n = raw.receive_until<bgp::Notification>();
    ASSERT_TRUE(n);
    EXPECT_EQ(n->code, bgp::error::kMessageHeader);
    EXPECT_EQ(n->subcode, bgp::header_error::kConnectionNotSynchronized);
    EXPECT_TRUE(raw.closed_by_speaker());
  }
  {
    RawPeer raw(s.port);  // a valid marker with a length of 5000
    Bytes m(16, 0xFF);
    m.insert(m.end(), {0x13, 0x88, 0x02});
    ASSERT_TRUE(raw.send_bytes(m));
    auto n = raw.receive_until<bgp::Notification>();
    ASSERT_TRUE(n);
    EXPECT_EQ(n->subcode, bgp::header_error::kBadMessageLength);
  }
  ASSERT_TRUE(wait_state(s.speaker, s.id, SessionState::kActive));
  RawPeer good(s.port);
  ASSERT_TRUE(good.establish(65000, 90, 0x0A000009));
  ASSERT_TRUE(wait_state(s.speaker, s.id, SessionState::kEstablished));
}

// RFC 6608: an UPDATE before the session is established is an FSM error (5/1 in OpenSent).
TEST(Speaker, UpdateBeforeOpenIsFsmError) {
  Passive s(config(64512, 65000, 179));
  RawPeer raw(s.port);
  ASSERT_TRUE(raw.send(bgp::Keepalive{}));
  auto n = raw.receive_until<bgp::Notification>();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->code, bgp::error::kFiniteStateMachine);
  EXPECT_EQ(n->subcode, 1);
}

// RFC 2918 §4: a ROUTE-REFRESH is answered with the Adj-RIB-Out again.
TEST(Speaker, RouteRefreshResendsAdjRibOut) {
  PeerConfig c = config(64512, 65000, 179);
  c.routes = {{P("10.0.0.0/16"), attributes({}, "169.254.255.1")}};
  Passive s(c);
  RawPeer raw(s.port);
  ASSERT_TRUE(raw.establish(65000, 90, 0x0A000009));
  auto first = raw.receive_until<bgp::Update>();
  ASSERT_TRUE(first);
  ASSERT_EQ(first->nlri.size(), 1u);
  ASSERT_TRUE(raw.receive_until<bgp::Update>());  // End-of-RIB
  ASSERT_TRUE(raw.send(bgp::RouteRefresh{bgp::kIpv4Unicast, 0}));
  auto again = raw.receive_until<bgp::Update>();
  ASSERT_TRUE(again);
  ASSERT_EQ(again->nlri.size(), 1u);
  EXPECT_EQ(again->nlri[0].str(), "10.0.0.0/16");
  EXPECT_EQ(s.speaker.session(s.id)->counters.route_refreshes_received, 1u);
}

bgp::Open graceful_open(std::uint16_t restart_time, bool forwarding_state) {
  bgp::Open open = RawPeer::customer_open(65000, 90, 0x0A000009);
  bgp::GracefulRestart gr;
  gr.restart_time = restart_time;
  gr.families = {{bgp::kIpv4Unicast, forwarding_state}};
  open.graceful_restart = gr;
  return open;
}

bool announce(RawPeer& raw, std::vector<const char*> prefixes) {
  std::vector<bgp::Ipv4Prefix> v;
  for (const char* p : prefixes) v.push_back(bgp::Ipv4Prefix::from(P(p)));
  Bytes out;
  return bgp::pack_ipv4(attributes({65000}, "169.254.255.2"), v, {}, out) && raw.send_bytes(out);
}

// RFC 4724 §4.2 (AWS advertises graceful restart, 120 s): when the TCP connection of a peer
// that can restart gracefully ends without a NOTIFICATION, its routes stay, stale; when it is
// back, End-of-RIB withdraws those it did not announce again.
TEST(Speaker, GracefulRestartKeepsRoutesStaleUntilEndOfRib) {
  PeerConfig c = config(64512, 65000, 179);
  c.graceful_restart = true;
  Passive s(c);
  {
    RawPeer raw(s.port);
    ASSERT_TRUE(raw.establish(graceful_open(120, true)));
    ASSERT_TRUE(announce(raw, {"198.51.100.0/24", "203.0.113.0/24"}));
    ASSERT_TRUE(wait_for([&] { return s.speaker.session(s.id)->prefixes_ipv4 == 2; }));
  }  // closed without a NOTIFICATION
  ASSERT_TRUE(wait_state(s.speaker, s.id, SessionState::kActive));
  SessionInfo info = *s.speaker.session(s.id);
  EXPECT_EQ(info.prefixes_ipv4, 2u);
  EXPECT_EQ(info.stale_prefixes, 2u);
  EXPECT_EQ(info.counters.graceful_restarts, 1u);
  EXPECT_EQ(s.speaker.adj_rib_in(s.id).stale_ipv4.size(), 2u);

  bgp::Open restarted = graceful_open(120, true);
  restarted.graceful_restart->restart_state = true;
  RawPeer raw(s.port);
  ASSERT_TRUE(raw.establish(restarted));
  EXPECT_EQ(s.speaker.session(s.id)->stale_prefixes, 2u);
  ASSERT_TRUE(announce(raw, {"198.51.100.0/24"}));
  ASSERT_TRUE(raw.send(bgp::Update{}));  // End-of-RIB
  ASSERT_TRUE(wait_for([&] { return s.speaker.session(s.id)->end_of_rib_ipv4; }));
  info = *s.speaker.session(s.id);
  EXPECT_EQ(info.prefixes_ipv4, 1u);
  EXPECT_EQ(info.stale_prefixes, 0u);
  EXPECT_TRUE(find(s.speaker.adj_rib_in(s.id), P("198.51.100.0/24")));
}

// RFC 4724 §4.2: stale routes go when the restart time passes without the peer.
TEST(Speaker, GracefulRestartTimeBoundsStaleRoutes) {
  PeerConfig c = config(64512, 65000, 179);
  c.graceful_restart = true;
  Passive s(c);
  {
    RawPeer raw(s.port);
    ASSERT_TRUE(raw.establish(graceful_open(1, true)));
    ASSERT_TRUE(announce(raw, {"198.51.100.0/24"}));
    ASSERT_TRUE(wait_for([&] { return s.speaker.session(s.id)->prefixes_ipv4 == 1; }));
  }
  ASSERT_TRUE(wait_for([&] { return s.speaker.session(s.id)->stale_prefixes == 1; }));
  ASSERT_TRUE(wait_for([&] { return s.speaker.session(s.id)->prefixes_ipv4 == 0; }, 3s));
}

// Without graceful restart on our side, or after a NOTIFICATION, routes go at once.
TEST(Speaker, NotificationOrNoCapabilityFlushesRoutesAtOnce) {
  for (bool ours : {false, true}) {
    PeerConfig c = config(64512, 65000, 179);
    c.graceful_restart = ours;
    Passive s(c);
    {
      RawPeer raw(s.port);
      ASSERT_TRUE(raw.establish(graceful_open(120, true)));
      ASSERT_TRUE(announce(raw, {"198.51.100.0/24"}));
      ASSERT_TRUE(wait_for([&] { return s.speaker.session(s.id)->prefixes_ipv4 == 1; }));
      if (ours) {
        ASSERT_TRUE(raw.send(bgp::Notification{bgp::error::kCease, 4, {}}));
      }
    }
    ASSERT_TRUE(wait_state(s.speaker, s.id, SessionState::kActive));
    EXPECT_EQ(s.speaker.session(s.id)->prefixes_ipv4, 0u) << ours;
  }
}

// RFC 4486: stopping the speaker tells established peers why (Cease 6/2).
TEST(Speaker, StopSendsAdministrativeShutdown) {
  Passive s(config(64512, 65000, 179));
  RawPeer raw(s.port);
  ASSERT_TRUE(raw.establish(65000, 90, 0x0A000009));
  ASSERT_TRUE(wait_state(s.speaker, s.id, SessionState::kEstablished));
  s.speaker.stop();
  auto n = raw.receive_until<bgp::Notification>();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->code, bgp::error::kCease);
  EXPECT_EQ(n->subcode, bgp::cease::kAdministrativeShutdown);
  EXPECT_EQ(s.speaker.session(s.id)->state, SessionState::kIdle);
}

// A callback may stop the speaker (the loop ends after the callback; the destructor joins).
TEST(Speaker, StopFromEventCallbackDoesNotDeadlock) {
  Speaker* self = nullptr;
  std::atomic<bool> stopped{false};
  Speaker s{SpeakerOptions{[&](const Event& e) {
    if (e.kind == EventKind::kStateChanged && e.to == SessionState::kEstablished) {
      self->stop();
      stopped = true;
    }
  }}};
  self = &s;
  auto l = s.listen(kLoopback, 0);
  PeerConfig c = config(64512, 65000, 179);
  c.passive = true;
  PeerId id = s.add_peer(c).id;
  ASSERT_TRUE(s.start());
  RawPeer raw(l.port);
  ASSERT_TRUE(raw.establish(65000, 90, 0x0A000009));
  ASSERT_TRUE(wait_for([&] { return stopped.load(); }));
  ASSERT_TRUE(raw.receive_until<bgp::Notification>());
  EXPECT_EQ(s.session(id)->state, SessionState::kIdle);
}

TEST(Speaker, AddPeerRefusesHoldTimeZero) {
  Speaker s;
  PeerConfig c = config(64512, 65000, 179);
  c.hold_time = 0;
  auto r = s.add_peer(c);
  EXPECT_FALSE(r.ok());
}

// RFC 2385: with a key on both ends the session comes up; with different keys the kernel drops
// the segments and no session forms.
TEST(Speaker, Md5SameKeyEstablishes) {
  if (!tcp_md5_supported()) GTEST_SKIP() << "kernel without TCP_MD5SIG (CONFIG_TCP_MD5SIG)";
  Pair pair;
  pair.config_b.passive = true;
  pair.config_a.md5_key = "s3cret";
  pair.config_b.md5_key = "s3cret";
  pair.start();
  ASSERT_TRUE(pair.established());
}

TEST(Speaker, Md5MismatchFormsNoSession) {
  if (!tcp_md5_supported()) GTEST_SKIP() << "kernel without TCP_MD5SIG (CONFIG_TCP_MD5SIG)";
  Pair pair;
  pair.config_b.passive = true;
  pair.config_a.md5_key = "s3cret";
  pair.config_b.md5_key = "other";
  pair.start();
  EXPECT_FALSE(wait_for([&] { return pair.b.session(pair.id_b)->state >= SessionState::kOpenSent; },
                        std::chrono::milliseconds(1500)));
  EXPECT_NE(pair.a.session(pair.id_a)->state, SessionState::kEstablished);
}

}  // namespace
