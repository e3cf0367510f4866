// Receiving a full table over one session (issue 14's bench: BIRD 2 takes ~7 s and ~94 MB for
// 1,000,000 IPv4 prefixes on these machines). Measurements, not checks of behaviour, so they run
// only with CLOUDTWIN_BGP_SCALE=N (the number of /24s, e.g. 1000000) and print time and memory;
// use a release build for numbers. Two senders: our own packer through a raw socket (the
// speaker's cost alone) and a real BIRD 2 (end to end, as the issue measures).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "cloudtwin/hybrid/speaker.h"
#include "cloudtwin/hybrid/update_packer.h"
#include "interop_util.h"
#include "speaker_test_util.h"

namespace {

using namespace cloudtwin;
using namespace cloudtwin::hybrid;
using namespace cloudtwin::hybrid::testing;
using Clock = std::chrono::steady_clock;

std::size_t scale() {
  const char* v = std::getenv("CLOUDTWIN_BGP_SCALE");
  return v == nullptr ? 0 : std::strtoul(v, nullptr, 10);
}

// VmRSS in kB.
long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

TEST(SpeakerScale, FullTableFromRawSender) {
  std::size_t n = scale();
  if (n == 0) GTEST_SKIP() << "set CLOUDTWIN_BGP_SCALE=1000000 to measure";
  bgp::PathAttributes a;
  a.origin = bgp::Origin::kIgp;
  a.as_path = bgp::AsPath{{bgp::SegmentType::kSequence, {65000}}};
  a.next_hop = *IpAddress::parse("169.254.255.1");
  std::vector<bgp::Ipv4Prefix> prefixes;
  prefixes.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    prefixes.push_back(
        bgp::Ipv4Prefix::make(0x14000000u + (static_cast<std::uint32_t>(i) << 8), 24));
  }
  std::vector<std::uint8_t> feed;
  ASSERT_TRUE(bgp::pack_ipv4(a, prefixes, {}, feed));
  prefixes = {};

  Speaker speaker;
  auto l = speaker.listen(kLoopback, 0);
  PeerConfig c;
  c.local_address = kLoopback;
  c.peer_address = kLoopback;
  c.passive = true;
  PeerId id = speaker.add_peer(c).id;
  ASSERT_TRUE(speaker.start());
  RawPeer raw(l.port);
  ASSERT_TRUE(raw.establish(65000, 90, 0x0A000009));
  long before = rss_kb();
  auto t0 = Clock::now();
  ASSERT_TRUE(raw.send_bytes(feed));
  ASSERT_TRUE(wait_for([&] { return speaker.session(id)->prefixes_ipv4 == n; }, 120s));
  auto elapsed = Clock::now() - t0;
  long after = rss_kb();
  std::printf("raw sender: %zu prefixes in %zu bytes: %.2f s, RSS +%ld MB (%ld MB total)\n", n,
              feed.size(), seconds(elapsed), (after - before) / 1024, after / 1024);
}

TEST(SpeakerScale, FullTableFromBird) {
  std::size_t n = scale();
  if (n == 0) GTEST_SKIP() << "set CLOUDTWIN_BGP_SCALE=1000000 to measure";
  if (!executable("/usr/sbin/bird")) GTEST_SKIP() << "BIRD 2 not installed";
  TempDir dir;
  std::uint16_t bird_port = free_port();
  Speaker speaker;
  auto l = speaker.listen(kLoopback, 0);
  {
    std::ofstream conf(dir.file("bird.conf"));
    conf << "router id 192.0.2.254;\nprotocol device { }\nprotocol static onprem { ipv4;\n";
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t net = 0x14000000u + (static_cast<std::uint32_t>(i) << 8);
      conf << "route " << (net >> 24) << '.' << ((net >> 16) & 255) << '.' << ((net >> 8) & 255)
           << ".0/24 blackhole;\n";
    }
    conf << "}\nprotocol bgp aws_vif {\n  local 127.0.0.1 port " << bird_port
         << " as 65000;\n  neighbor 127.0.0.1 port " << l.port
         << " as 64512;\n  multihop; strict bind on; hold time 90;\n"
            "  connect delay time 1; connect retry time 1;\n"
            "  ipv4 { import none; export filter { bgp_next_hop = 169.254.255.1; accept; }; };\n"
            "}\n";
  }
  PeerConfig c;
  c.local_address = kLoopback;
  c.peer_address = kLoopback;
  c.port = bird_port;
  c.connect_retry = std::chrono::milliseconds(200);
  PeerId id = speaker.add_peer(c).id;
  long before = rss_kb();
  auto t0 = Clock::now();
  ChildProcess bird;
  ASSERT_TRUE(bird.start({"/usr/sbin/bird", "-c", dir.file("bird.conf"), "-s", dir.file("bird.ctl"),
                          "-P", dir.file("bird.pid"), "-f"},
                         dir.file("bird.out")));
  ASSERT_TRUE(speaker.start());
  ASSERT_TRUE(wait_state(speaker, id, SessionState::kEstablished, 60s)) << dir.read("bird.out");
  auto t_up = Clock::now();
  ASSERT_TRUE(wait_for(
      [&] {
        auto s = speaker.session(id);
        return s->prefixes_ipv4 == n && s->end_of_rib_ipv4;
      },
      120s));
  auto t_done = Clock::now();
  long after = rss_kb();
  std::printf(
      "BIRD sender: %zu prefixes: %.2f s from BIRD's start (%.2f s to Established, %.2f s "
      "Established to End-of-RIB), RSS +%ld MB (%ld MB total)\n",
      n, seconds(t_done - t0), seconds(t_up - t0), seconds(t_done - t_up), (after - before) / 1024,
      after / 1024);
  speaker.stop();
  bird.stop();
}

}  // namespace
