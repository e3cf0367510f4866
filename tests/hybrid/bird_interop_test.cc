// The speaker against a real BIRD 2 as the customer router, on 127.0.0.1 with two ports and
// TCP MD5 (the loopback layout of ../shared/reference/direct-connect.md §4.1): the session comes
// up, BIRD's routes arrive with their communities and prepended AS path, ours appear in
// `birdc show route`, and 101 prefixes trip AWS's limit of 100 (Cease 6/1, which BIRD logs).
// BIRD runs in the foreground as our child and is stopped by its pid; skipped when BIRD is absent.
#include <gtest/gtest.h>

#include "cloudtwin/hybrid/socket_options.h"
#include "cloudtwin/hybrid/speaker.h"
#include "interop_util.h"
#include "speaker_test_util.h"

namespace {

using namespace cloudtwin;
using namespace cloudtwin::hybrid;
using namespace cloudtwin::hybrid::testing;

constexpr const char* kBird = "/usr/sbin/bird";
constexpr const char* kBirdc = "/usr/sbin/birdc";

IpAddress A(const char* text) { return *IpAddress::parse(text); }
Prefix P(const char* text) { return *Prefix::parse(text); }

// BIRD as the customer router (AS 65000) peering with our AWS side (AS 64512).
struct BirdPeer {
  TempDir dir;
  ChildProcess bird;
  std::uint16_t bird_port = 0;

  bool start(std::uint16_t our_port, const std::string& static_routes) {
    bird_port = free_port();
    std::string conf = "log \"" + dir.file("bird.log") + "\" all;\n" +
                       "router id 192.0.2.254;\n"
                       "protocol device { }\n"
                       "protocol static onprem { ipv4; " +
                       static_routes +
                       " }\n"
                       "protocol bgp aws_vif {\n"
                       "  local 127.0.0.1 port " +
                       std::to_string(bird_port) +
                       " as 65000;\n"
                       "  neighbor 127.0.0.1 port " +
                       std::to_string(our_port) +
                       " as 64512;\n"
                       "  multihop; strict bind on;\n"
                       "  password \"s3cret\";\n"
                       "  hold time 9; keepalive time 3;\n"
                       "  connect delay time 1; connect retry time 1; error wait time 1, 2;\n"
                       "  ipv4 {\n"
                       "    import all;\n"
                       "    export filter {\n"
                       "      if proto = \"onprem\" then {\n"
                       "        bgp_community.add((7224,7300));\n"
                       "        bgp_path.prepend(65000);\n"
                       "        bgp_next_hop = 169.254.255.1;\n"
                       "        accept;\n"
                       "      }\n"
                       "      reject;\n"
                       "    };\n"
                       "  };\n"
                       "}\n";
    dir.write("bird.conf", conf);
    return bird.start({kBird, "-c", dir.file("bird.conf"), "-s", dir.file("bird.ctl"), "-P",
                       dir.file("bird.pid"), "-f"},
                      dir.file("bird.out"));
  }
  std::string birdc(const std::string& command) {
    return command_output(std::string(kBirdc) + " -s " + dir.file("bird.ctl") + " " + command);
  }
  std::string log() { return dir.read("bird.log") + dir.read("bird.out"); }
};

struct AwsSide {
  EventLog log;
  Speaker speaker{SpeakerOptions{log.callback()}};
  std::uint16_t port = 0;
  PeerId id = 0;
  PeerConfig config;

  AwsSide() {
    auto l = speaker.listen(kLoopback, 0);
    EXPECT_TRUE(l.ok()) << l.error;
    port = l.port;
    config.local_asn = 64512;
    config.peer_asn = 65000;
    config.local_address = kLoopback;
    config.peer_address = kLoopback;
    config.bgp_identifier = 0xA9FEFF02;
    config.md5_key = "s3cret";
    config.hold_time = 9;
    config.connect_retry = std::chrono::milliseconds(500);
    config.max_prefixes_ipv4 = 100;  // AWS: private and transit VIFs
    config.prefix_limit_restart = std::chrono::seconds(60);
  }
  void start(std::uint16_t bird_port) {
    config.port = bird_port;
    id = speaker.add_peer(config).id;
    ASSERT_TRUE(speaker.start());
  }
};

bool bird_usable(std::string& why) {
  if (!executable(kBird) || !executable(kBirdc)) {
    why = "BIRD 2 not installed (Debian package bird2; scripts/install-deps installs it)";
    return false;
  }
  if (!tcp_md5_supported()) {
    why = "kernel without TCP_MD5SIG; the BIRD test runs with MD5 as Direct Connect does";
    return false;
  }
  return true;
}

TEST(BirdInterop, SessionWithMd5ExchangesRoutesBothWays) {
  std::string why;
  if (!bird_usable(why)) GTEST_SKIP() << why;
  AwsSide aws;
  bgp::PathAttributes vpc;
  vpc.next_hop = A("169.254.255.2");  // BIRD and GoBGP want a non-loopback next hop
  vpc.communities = {bgp::make_community(7224, 8100)};
  aws.config.routes = {{P("10.0.0.0/16"), vpc}, {P("10.1.0.0/16"), vpc}};
  BirdPeer bird;
  ASSERT_TRUE(
      bird.start(aws.port, "route 198.51.100.0/24 blackhole; route 203.0.113.0/24 blackhole;"));
  aws.start(bird.bird_port);
  ASSERT_TRUE(wait_state(aws.speaker, aws.id, SessionState::kEstablished, 10s)) << bird.log();
  ASSERT_TRUE(wait_for([&] { return aws.speaker.session(aws.id)->prefixes_ipv4 == 2; }, 5s));

  SessionInfo info = *aws.speaker.session(aws.id);
  EXPECT_EQ(info.hold_time, 9);
  EXPECT_EQ(info.peer_bgp_identifier, 0xC00002FEu);  // 192.0.2.254
  RibSnapshot rib = aws.speaker.adj_rib_in(aws.id);
  ASSERT_EQ(rib.ipv4.size(), 2u);
  for (const auto& route : rib.ipv4) {
    const bgp::PathAttributes& a = rib.attribute_sets[route.attributes];
    // The export filter's prepend, then BIRD's own ASN (RFC 4271 §5.1.2).
    ASSERT_TRUE(a.as_path);
    EXPECT_EQ(bgp::path_length(*a.as_path), 2u);
    EXPECT_EQ(a.as_path->front().asns, (std::vector<std::uint32_t>{65000, 65000}));
    EXPECT_EQ(a.communities, (std::vector<std::uint32_t>{bgp::make_community(7224, 7300)}));
    EXPECT_EQ(a.next_hop, A("169.254.255.1"));
  }
  EXPECT_EQ(rib.ipv4[0].prefix.str(), "198.51.100.0/24");
  EXPECT_EQ(rib.ipv4[1].prefix.str(), "203.0.113.0/24");

  // Ours, in BIRD's table, with the AS path and community we sent.
  std::string shown;
  ASSERT_TRUE(wait_for(
      [&] {
        shown = bird.birdc("show route all protocol aws_vif");
        return shown.find("10.0.0.0/16") != std::string::npos &&
               shown.find("10.1.0.0/16") != std::string::npos;
      },
      5s))
      << shown;
  EXPECT_NE(shown.find("BGP.as_path: 64512"), std::string::npos) << shown;
  EXPECT_NE(shown.find("(7224,8100)"), std::string::npos) << shown;

  // A withdrawal reaches BIRD.
  ASSERT_TRUE(aws.speaker.set_routes(aws.id, {{P("10.0.0.0/16"), vpc}}));
  ASSERT_TRUE(wait_for(
      [&] {
        shown = bird.birdc("show route protocol aws_vif");
        return shown.find("10.1.0.0/16") == std::string::npos &&
               shown.find("10.0.0.0/16") != std::string::npos;
      },
      5s))
      << shown;

  // Stopping tells BIRD why (Cease 6/2).
  aws.speaker.stop();
  ASSERT_TRUE(wait_for(
      [&] {
        shown = bird.birdc("show protocols all aws_vif");
        return shown.find("Administrative shutdown") != std::string::npos;
      },
      5s))
      << shown << bird.log();
}

// AWS: more than 100 prefixes on a private VIF takes the session down; BIRD is told 6/1.
TEST(BirdInterop, OneHundredAndOnePrefixesTripTheLimit) {
  std::string why;
  if (!bird_usable(why)) GTEST_SKIP() << why;
  AwsSide aws;
  std::string routes;
  for (int i = 0; i < 101; ++i) routes += "route 100.64." + std::to_string(i) + ".0/24 blackhole; ";
  BirdPeer bird;
  ASSERT_TRUE(bird.start(aws.port, routes));
  aws.start(bird.bird_port);
  ASSERT_TRUE(
      wait_for([&] { return aws.log.find(EventKind::kPrefixLimitExceeded).has_value(); }, 10s))
      << bird.log();
  ASSERT_TRUE(wait_state(aws.speaker, aws.id, SessionState::kIdle));
  SessionInfo info = *aws.speaker.session(aws.id);
  ASSERT_TRUE(info.last_notification_sent);
  EXPECT_EQ(*info.last_notification_sent, bgp::maximum_prefixes_reached(bgp::kIpv4Unicast, 100));
  EXPECT_EQ(info.prefixes_ipv4, 0u);
  std::string log;
  ASSERT_TRUE(wait_for(
      [&] {
        log = bird.log();
        return log.find("Maximum number of prefixes reached") != std::string::npos;
      },
      5s))
      << log;
}

}  // namespace

namespace {

// RFC 2385: a key BIRD does not share means the kernel drops the segments: no session at all.
TEST(BirdInterop, WrongMd5KeyFormsNoSession) {
  std::string why;
  if (!bird_usable(why)) GTEST_SKIP() << why;
  AwsSide aws;
  aws.config.md5_key = "not-the-key";
  BirdPeer bird;
  ASSERT_TRUE(bird.start(aws.port, "route 198.51.100.0/24 blackhole;"));
  aws.start(bird.bird_port);
  EXPECT_FALSE(wait_for(
      [&] { return aws.speaker.session(aws.id)->state >= SessionState::kOpenSent; }, 2500ms));
  std::string shown = bird.birdc("show protocols aws_vif");
  EXPECT_EQ(shown.find("Established"), std::string::npos) << shown;
}

}  // namespace
