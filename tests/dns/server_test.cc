// The server on loopback, in process: UDP and TCP (RFC 7766 pipelining), a snapshot swap under
// load without a lost query, response rate limiting, and a flood of valid and malformed packets
// during which valid queries keep being answered and memory stays flat. Every socket is on
// 127.0.0.1 with a kernel-chosen port; every phase is bounded in packets and time.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <chrono>
#include <fstream>
#include <thread>

#include "cloudtwin/dns/server.h"
#include "cloudtwin/load/zone_file.h"
#include "cloudtwin/model/record_data.h"

namespace cloudtwin::dns {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const ZoneStore> zone(const std::string& address) {
  model::Network n;
  Diagnostics d;
  const std::string text = "$ORIGIN example.com.\n@ 900 IN SOA ns1 hostmaster 1 7200 900 1209600 86400\n"
                           "@ IN NS ns1\nns1 IN A 192.0.2.53\nwww 300 IN A " + address + "\n";
  EXPECT_TRUE(load::read_zone_text(text, "t.zone", n, d));
  EXPECT_TRUE(model::finalize(n, d));
  return compile_zones(n, d);
}

std::vector<std::uint8_t> query(const std::string& name, std::uint16_t type, std::uint16_t id) {
  std::vector<std::uint8_t> q(12, 0);
  put16(q.data(), id);
  put16(q.data() + 4, 1);
  auto wire = model::dname_from_text(name, "");
  q.insert(q.end(), wire->begin(), wire->end());
  q.insert(q.end(), {static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type), 0, 1});
  return q;
}

// The last four octets of the first answer: the A record's address.
std::string first_address(const std::uint8_t* r, std::size_t n) {
  if (n < 16 || get16(r + 6) == 0) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", r[n - 4], r[n - 3], r[n - 2], r[n - 1]);
  return buf;
}

struct Running {
  explicit Running(std::shared_ptr<const ZoneStore> z, unsigned rrl = 0, unsigned threads = 2) {
    ServerOptions o;
    std::string error;
    o.listen.push_back(*parse_endpoint("127.0.0.1:0", error));
    o.threads = threads;
    o.rrl = rrl;
    server = std::make_unique<Server>(o, std::move(z), [](const std::string&) {});
    EXPECT_TRUE(server->start(error)) << error;
    const std::string bound = server->bound().front();
    port = static_cast<std::uint16_t>(std::stoi(bound.substr(bound.rfind(':') + 1)));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }
  ~Running() { server->stop(); }

  std::unique_ptr<Server> server;
  std::uint16_t port = 0;
  sockaddr_in addr{};
};

// One UDP query with retries; the response's bytes, or empty after `tries` timeouts.
std::vector<std::uint8_t> udp(const sockaddr_in& to, const std::vector<std::uint8_t>& q, int tries = 5,
                              int timeout_ms = 200) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  std::vector<std::uint8_t> r(4096);
  for (int t = 0; t < tries; ++t) {
    sendto(fd, q.data(), q.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) == 1) {
      ssize_t n = recv(fd, r.data(), r.size(), 0);
      if (n >= 12 && get16(r.data()) == get16(q.data())) {
        r.resize(static_cast<std::size_t>(n));
        close(fd);
        return r;
      }
    }
  }
  close(fd);
  return {};
}

TEST(Server, AnswersOverUdp) {
  Running s(zone("192.0.2.10"));
  auto r = udp(s.addr, query("www.example.com.", kTypeA, 7));
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(first_address(r.data(), r.size()), "192.0.2.10");
  EXPECT_TRUE(get16(r.data() + 2) & kFlagAa);
}

TEST(Server, TcpPipelinedQueriesAreAllAnswered) {
  // RFC 7766 §6.2.1.1: several queries in one write, each answered on the same connection.
  Running s(zone("192.0.2.10"));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect(fd, reinterpret_cast<const sockaddr*>(&s.addr), sizeof s.addr), 0);
  std::vector<std::uint8_t> out;
  for (std::uint16_t id = 1; id <= 3; ++id) {
    auto q = query(id == 2 ? "nx.example.com." : "www.example.com.", kTypeA, id);
    out.push_back(static_cast<std::uint8_t>(q.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(q.size()));
    out.insert(out.end(), q.begin(), q.end());
  }
  ASSERT_EQ(send(fd, out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
  std::vector<std::uint8_t> in;
  std::vector<std::uint16_t> ids;
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  while (ids.size() < 3) {
    std::uint8_t buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0) << "the connection closed or timed out with " << ids.size() << " answers";
    in.insert(in.end(), buf, buf + n);
    while (in.size() >= 2 && in.size() >= 2u + get16(in.data())) {
      ids.push_back(get16(in.data() + 2));
      if (ids.back() == 2) {
        EXPECT_EQ(get16(in.data() + 4) & 0xF, 3) << "NXDOMAIN for the second";
      }
      in.erase(in.begin(), in.begin() + 2 + get16(in.data()));
    }
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::uint16_t>{1, 2, 3}));
  close(fd);
}

TEST(Server, SwapUnderLoadLosesNoQuery) {
  // DESIGN.md: a reload swaps the snapshot; every query gets an answer from the old or the new.
  Running s(zone("192.0.2.1"));
  std::atomic<bool> done{false};
  std::atomic<int> lost{0}, answered{0}, odd{0};
  std::thread client([&] {
    std::uint16_t id = 0;
    while (!done) {
      auto r = udp(s.addr, query("www.example.com.", kTypeA, ++id), 10, 500);
      if (r.empty()) {
        ++lost;
        continue;
      }
      ++answered;
      auto a = first_address(r.data(), r.size());
      if (a.rfind("192.0.2.", 0) != 0) ++odd;
    }
  });
  for (int i = 2; i <= 21; ++i) {
    std::this_thread::sleep_for(20ms);
    s.server->swap(zone("192.0.2." + std::to_string(i)));
  }
  std::this_thread::sleep_for(50ms);
  done = true;
  client.join();
  EXPECT_EQ(lost.load(), 0);
  EXPECT_EQ(odd.load(), 0);
  EXPECT_GT(answered.load(), 20);
  EXPECT_EQ(first_address(udp(s.addr, query("www.example.com.", kTypeA, 1)).data(),
                          udp(s.addr, query("www.example.com.", kTypeA, 1)).size()),
            "192.0.2.21");
}

TEST(Server, RateLimitingSlipsAndDrops) {
  // RRL: over the rate, every second response is truncated (TC, so real clients retry over
  // TCP), the rest dropped.
  Running s(zone("192.0.2.10"), /*rrl=*/5, /*threads=*/1);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  for (std::uint16_t id = 1; id <= 60; ++id) {
    auto q = query("www.example.com.", kTypeA, id);
    sendto(fd, q.data(), q.size(), 0, reinterpret_cast<const sockaddr*>(&s.addr), sizeof s.addr);
  }
  int full = 0, truncated = 0;
  std::uint8_t buf[4096];
  pollfd p{fd, POLLIN, 0};
  // A generous wait: on a busy machine the server may be descheduled between answers.
  while (poll(&p, 1, 2000) == 1) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 12) break;
    (get16(buf + 2) & kFlagTc) ? ++truncated : ++full;
  }
  close(fd);
  // The 60 queries may straddle a second boundary: at most two buckets' worth pass.
  EXPECT_GE(full, 5);
  EXPECT_LE(full, 10);
  EXPECT_GE(truncated, 20);
  EXPECT_LE(truncated, 30);
  EXPECT_GT(s.server->metrics().render().find("cloudtwin_dns_rrl_dropped_total"), 0u);
}

std::size_t rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  }
  return 0;
}

TEST(Server, FloodOfValidAndMalformedPacketsKeepsAnswering) {
  // Bounded: 3 seconds of flood on loopback. A probe sends a valid query every 50 ms (with
  // retries): each must be answered, and memory must stay flat.
  Running s(zone("192.0.2.10"), 0, 1);
  for (int i = 0; i < 200; ++i) ASSERT_FALSE(udp(s.addr, query("www.example.com.", kTypeA, 1)).empty());
  const std::size_t rss_before = rss_kib();
  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> sent{0};
  std::thread flooder([&] {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    std::vector<std::vector<std::uint8_t>> packets = {
        query("www.example.com.", kTypeA, 1), query("nx.example.com.", kTypeAaaa, 2), {0xff, 0xff, 0x01},
        {0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1},
        std::vector<std::uint8_t>(1400, 0x3f)};
    connect(fd, reinterpret_cast<const sockaddr*>(&s.addr), sizeof s.addr);
    // Batches of 64 per system call: the flood outruns the server many times over.
    std::array<mmsghdr, 64> msgs{};
    std::array<iovec, 64> iov{};
    for (std::size_t i = 0; i < msgs.size(); ++i) {
      const auto& p = packets[i % packets.size()];
      iov[i] = {const_cast<std::uint8_t*>(p.data()), p.size()};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    while (!done) {
      int n = sendmmsg(fd, msgs.data(), msgs.size(), MSG_DONTWAIT);
      if (n > 0) sent += static_cast<std::uint64_t>(n);
    }
    close(fd);
  });
  int probes = 0, unanswered = 0;
  const auto end = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < end) {
    ++probes;
    if (udp(s.addr, query("www.example.com.", kTypeA, static_cast<std::uint16_t>(probes)), 20, 100).empty()) {
      ++unanswered;
    }
    std::this_thread::sleep_for(50ms);
  }
  done = true;
  flooder.join();
  const std::size_t rss_after = rss_kib();
  std::uint64_t answered = 0;
  const std::string text = s.server->metrics().render();
  for (std::size_t at = text.find("cloudtwin_dns_responses_total{"); at != std::string::npos;
       at = text.find("cloudtwin_dns_responses_total{", at + 1)) {
    answered += std::stoull(text.substr(text.find("} ", at) + 2));
  }
  // What the flood was, in multiples of what the server could answer meanwhile.
  std::printf("flood: %llu packets sent, %llu answered: %.1fx the server's capacity\n",
              static_cast<unsigned long long>(sent.load()), static_cast<unsigned long long>(answered),
              answered ? static_cast<double>(sent.load()) / static_cast<double>(answered) : 0.0);
  EXPECT_EQ(unanswered, 0) << "of " << probes << " probes during " << sent.load() << " flood packets";
  EXPECT_GT(sent.load(), 10000u);
  // Flat: no growth with the number of packets (allow the allocator 8 MiB of noise).
  EXPECT_LT(rss_after, rss_before + 8192) << "RSS grew from " << rss_before << " to " << rss_after << " KiB";
  const std::string metrics = s.server->metrics().render();
  EXPECT_NE(metrics.find("cloudtwin_dns_responses_total{rcode=\"FORMERR\"}"), std::string::npos);
}

TEST(Server, ListenAddressesAreAddrPort) {
  std::string error;
  EXPECT_TRUE(parse_endpoint("127.0.0.1:5300", error));
  EXPECT_TRUE(parse_endpoint("[::1]:5300", error));
  EXPECT_FALSE(parse_endpoint("127.0.0.1", error));
  EXPECT_FALSE(parse_endpoint("localhost:53", error));
  EXPECT_FALSE(parse_endpoint("[::1]53", error));
  EXPECT_FALSE(parse_endpoint("127.0.0.1:70000", error));
  EXPECT_FALSE(parse_endpoint("127.0.0.1:53x", error));
}

}  // namespace
}  // namespace cloudtwin::dns
