// The speaker against GoBGP 3 as the customer router, on 127.0.0.1 with two ports and TCP MD5
// (../shared/reference/direct-connect.md §4.4): routes added with `gobgp global rib add` arrive
// with their community and AS path, ours show in `gobgp neighbor ... adj-in`. gobgpd runs in the
// foreground as our child (its gRPC API on 127.0.0.1 only) and is stopped by its pid; skipped
// when GoBGP is absent.
#include <gtest/gtest.h>

#include "cloudtwin/hybrid/socket_options.h"
#include "cloudtwin/hybrid/speaker.h"
#include "interop_util.h"
#include "speaker_test_util.h"

namespace {

using namespace cloudtwin;
using namespace cloudtwin::hybrid;
using namespace cloudtwin::hybrid::testing;

constexpr const char* kGobgpd = "/usr/bin/gobgpd";
constexpr const char* kGobgp = "/usr/bin/gobgp";

TEST(GobgpInterop, SessionWithMd5ExchangesRoutesBothWays) {
  if (!executable(kGobgpd) || !executable(kGobgp)) {
    GTEST_SKIP() << "GoBGP not installed (Debian package gobgpd; scripts/install-deps installs it)";
  }
  if (!tcp_md5_supported()) GTEST_SKIP() << "kernel without TCP_MD5SIG";

  EventLog log;
  Speaker speaker{SpeakerOptions{log.callback()}};
  auto l = speaker.listen(kLoopback, 0);
  ASSERT_TRUE(l.ok()) << l.error;

  TempDir dir;
  std::uint16_t gobgp_port = free_port();
  std::uint16_t api_port = free_port();
  dir.write("gobgpd.toml",
            "[global.config]\n"
            "  as = 65000\n"
            "  router-id = \"192.0.2.253\"\n"
            "  port = " +
                std::to_string(gobgp_port) +
                "\n"
                "  local-address-list = [\"127.0.0.1\"]\n"
                "[[neighbors]]\n"
                "  [neighbors.config]\n"
                "    neighbor-address = \"127.0.0.1\"\n"
                "    peer-as = 64512\n"
                "    auth-password = \"s3cret\"\n"
                "  [neighbors.transport.config]\n"
                "    local-address = \"127.0.0.1\"\n"
                "    remote-port = " +
                std::to_string(l.port) +
                "\n"
                "  [neighbors.timers.config]\n"
                "    connect-retry = 1\n"
                "    hold-time = 9\n"
                "    keepalive-interval = 3\n"
                "  [[neighbors.afi-safis]]\n"
                "    [neighbors.afi-safis.config]\n"
                "      afi-safi-name = \"ipv4-unicast\"\n");
  ChildProcess gobgpd;
  std::string api = "127.0.0.1:" + std::to_string(api_port);
  ASSERT_TRUE(gobgpd.start(
      {kGobgpd, "-f", dir.file("gobgpd.toml"), "--api-hosts", api, "--pprof-disable", "-p"},
      dir.file("gobgpd.log")));
  auto gobgp = [&](const std::string& args) {
    return command_output(std::string(kGobgp) + " -u 127.0.0.1 -p " +
                          std::to_string(api_port) + " " + args);
  };

  PeerConfig c;
  c.local_asn = 64512;
  c.peer_asn = 65000;
  c.local_address = kLoopback;
  c.peer_address = kLoopback;
  c.port = gobgp_port;
  c.bgp_identifier = 0xA9FEFF02;
  c.md5_key = "s3cret";
  c.hold_time = 9;
  c.connect_retry = std::chrono::milliseconds(500);
  bgp::PathAttributes vpc;
  vpc.next_hop = *IpAddress::parse("169.254.255.2");  // GoBGP refuses loopback next hops
  c.routes = {{*Prefix::parse("10.0.0.0/16"), vpc}};
  PeerId id = speaker.add_peer(c).id;
  ASSERT_TRUE(speaker.start());
  ASSERT_TRUE(wait_state(speaker, id, SessionState::kEstablished, 10s)) << dir.read("gobgpd.log");

  std::string out = gobgp(
      "global rib add -a ipv4 198.51.100.0/24 nexthop 169.254.255.1 community 7224:7300 "
      "aspath 65000");
  ASSERT_TRUE(wait_for([&] { return speaker.session(id)->prefixes_ipv4 == 1; }, 5s)) << out;
  RibSnapshot rib = speaker.adj_rib_in(id);
  ASSERT_EQ(rib.ipv4.size(), 1u);
  const bgp::PathAttributes& a = rib.attribute_sets[rib.ipv4[0].attributes];
  EXPECT_EQ(rib.ipv4[0].prefix.str(), "198.51.100.0/24");
  EXPECT_EQ(a.as_path->front().asns, (std::vector<std::uint32_t>{65000, 65000}));
  EXPECT_EQ(a.communities, (std::vector<std::uint32_t>{bgp::make_community(7224, 7300)}));

  std::string adj_in;
  ASSERT_TRUE(wait_for(
      [&] {
        adj_in = gobgp("neighbor 127.0.0.1 adj-in");
        return adj_in.find("10.0.0.0/16") != std::string::npos;
      },
      5s))
      << adj_in;
  EXPECT_NE(adj_in.find("64512"), std::string::npos) << adj_in;

  (void)gobgp("global rib del -a ipv4 198.51.100.0/24");
  ASSERT_TRUE(wait_for([&] { return speaker.session(id)->prefixes_ipv4 == 0; }, 5s));
  speaker.stop();
  gobgpd.stop();
}

}  // namespace
