// Sockets and threads around answer_query(): the only part of src/dns that touches the kernel.
#include "cloudtwin/dns/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <list>
#include <optional>
#include <random>
#include <unordered_map>

#include "cloudtwin/dns/answer.h"

namespace cloudtwin::dns {

std::optional<Endpoint> parse_endpoint(const std::string& text, std::string& error) {
  Endpoint e;
  e.text = text;
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      error = "`" + text + "` is not [IPV6]:PORT";
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) {
      error = "`" + text + "` is not ADDRESS:PORT";
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  char* end = nullptr;
  long p = port.empty() ? -1 : std::strtol(port.c_str(), &end, 10);
  if (p < 0 || p > 65535 || (end != nullptr && *end != '\0')) {
    error = "`" + port + "` in `" + text + "` is not a port (0-65535)";
    return std::nullopt;
  }
  auto* v4 = reinterpret_cast<sockaddr_in*>(&e.address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&e.address);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(p));
    e.length = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(p));
    e.length = sizeof(sockaddr_in6);
  } else {
    error = "`" + host + "` in `" + text + "` is not an IPv4 or IPv6 address (IPv6 in brackets)";
    return std::nullopt;
  }
  return e;
}

namespace {

std::uint16_t port_of(const sockaddr_storage& a) {
  return ntohs(a.ss_family == AF_INET ? reinterpret_cast<const sockaddr_in&>(a).sin_port
                                      : reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
}

void set_port(sockaddr_storage& a, std::uint16_t port) {
  if (a.ss_family == AF_INET)
    reinterpret_cast<sockaddr_in&>(a).sin_port = htons(port);
  else
    reinterpret_cast<sockaddr_in6&>(a).sin6_port = htons(port);
}

std::string address_text(const sockaddr_storage& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (a.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(port_of(a));
  }
  inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, buf, sizeof buf);
  return "[" + std::string(buf) + "]:" + std::to_string(port_of(a));
}

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

int open_socket(const Endpoint& e, int type, std::string& error) {
  // UDP sockets block in recvmmsg without a timeout (no timer armed per wait; stop() wakes them
  // with shutdown()): two system calls per batch.
  int fd = socket(e.address.ss_family,
                  type | (type == SOCK_DGRAM ? 0 : SOCK_NONBLOCK) | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = "cannot open a socket for " + e.text + ": " + std::strerror(errno);
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (e.address.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (type == SOCK_DGRAM) {
    int size = 4 << 20;  // absorbs bursts while a worker is busy
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    // Answers are never fragmented (RFC 9715 section 3.1: DF set on IPv4; no fragments on IPv6):
    // they fit in 1,232 octets (kDefaultEdnsSize) or are truncated. PROBE sets DF and ignores
    // path-MTU estimates that ICMP could forge; it also spares the kernel an IP ID per packet.
    int probe = IP_PMTUDISC_PROBE;
    if (e.address.ss_family == AF_INET)
      setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &probe, sizeof probe);
    else
      setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &one, sizeof one);
  }
  if (bind(fd, reinterpret_cast<const sockaddr*>(&e.address), e.length) != 0) {
    error = "cannot listen on " + e.text + (type == SOCK_DGRAM ? " (udp)" : " (tcp)") + ": " +
            std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

// Response rate limiting (in the spirit of BIND's RRL): a token bucket per client network
// (/24, /56) per worker; over the rate, every second response is a truncated one (a real
// client retries over TCP) and the others are dropped, so the server cannot be used to
// amplify a flood at a spoofed address.
class RateLimiter {
 public:
  explicit RateLimiter(unsigned rate)
      : rate_(static_cast<std::int32_t>(rate)), table_(rate ? 4096 : 0) {}

  enum class Verdict { kPass, kSlip, kDrop };

  Verdict check(const sockaddr_storage& a, std::uint64_t second) {
    if (rate_ == 0) return Verdict::kPass;
    std::uint64_t key = 0;
    if (a.ss_family == AF_INET) {
      key = ntohl(reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr) >> 8;
    } else {
      const auto* b = reinterpret_cast<const sockaddr_in6&>(a).sin6_addr.s6_addr;
      for (int i = 0; i < 7; ++i) key = key << 8 | b[i];
      key |= std::uint64_t{1} << 63;
    }
    Bucket& bucket = table_[(key * 0x9E3779B97F4A7C15ull) >> 52];
    if (bucket.key != key || bucket.second != second) {
      bucket = {key, second, rate_, 0};
    }
    if (bucket.tokens > 0) {
      --bucket.tokens;
      return Verdict::kPass;
    }
    return (++bucket.over % 2 == 0) ? Verdict::kSlip : Verdict::kDrop;
  }

 private:
  struct Bucket {
    std::uint64_t key = ~std::uint64_t{0};
    std::uint64_t second = 0;
    std::int32_t tokens = 0;
    std::uint32_t over = 0;
  };
  std::int32_t rate_;
  std::vector<Bucket> table_;
};

// The states a snapshot's policies read: the checkers' when they are for its checks.
std::span<const std::uint8_t> health_for(const ZoneStore& zones, const std::vector<std::uint8_t>* checked) {
  if (checked != nullptr && checked->size() == zones.health.size()) return *checked;
  return zones.health;
}

// The client as routing policies see it: the source address, all of it.
ClientAddress client_address(const sockaddr_storage& a) {
  ClientAddress c;
  if (a.ss_family == AF_INET) {
    std::memcpy(c.bytes.data(), &reinterpret_cast<const sockaddr_in&>(a).sin_addr, 4);
    c.prefix = 32;
  } else {
    std::memcpy(c.bytes.data(), &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, 16);
    c.v6 = true;
    c.prefix = 128;
  }
  return c;
}

// A header and the question with TC set: "ask again over TCP".
std::size_t truncated_reply(const std::uint8_t* query, const Query& q, std::uint8_t* out) {
  put16(out, q.id);
  put16(out + 2,
        static_cast<std::uint16_t>(kFlagQr | kFlagTc | (q.flags & (0x7800 | kFlagRd | kFlagCd))));
  put16(out + 4, q.question_size ? 1 : 0);
  std::memset(out + 6, 0, 6);
  std::memcpy(out + kHeaderSize, query + kHeaderSize, q.question_size);
  return kHeaderSize + q.question_size;
}

// Which view a query sees, against one snapshot: the VPCs --vpc-listen and --vpc-source name
// become view indices once per snapshot, so a packet costs a prefix match over the --vpc-source
// blocks and no string comparison.
struct ViewMap {
  static constexpr std::uint32_t kBySource = 0xfffffffeu;
  std::vector<std::uint32_t> endpoints;  // per listen address: its VPC's view, or kBySource
  std::vector<std::uint32_t> sources;    // per --vpc-source block

  ViewMap(const ServerOptions& o, const ZoneStore& zones) {
    for (const auto& e : o.listen) endpoints.push_back(e.vpc.empty() ? kBySource : zones.view_of(e.vpc));
    for (const auto& source : o.vpc_sources) sources.push_back(zones.view_of(source.vpc));
  }
  // A query to listen address `endpoint` from `client`: the address's VPC, else the longest
  // --vpc-source block holding the client, else none (the public view).
  [[nodiscard]] std::uint32_t of(const ServerOptions& o, std::size_t endpoint, const ClientAddress& client) const {
    if (endpoints[endpoint] != kBySource) return endpoints[endpoint];
    std::uint32_t view = kNoView;
    int longest = -1;
    for (std::size_t i = 0; i < sources.size(); ++i) {
      const CidrBlock& b = o.vpc_sources[i].block;
      if (b.prefix > longest && block_contains(b, client)) {
        longest = b.prefix;
        view = sources[i];
      }
    }
    return view;
  }
  // True when the view does not depend on the client.
  [[nodiscard]] bool fixed(std::size_t endpoint) const { return endpoints[endpoint] != kBySource || sources.empty(); }
};

}  // namespace

Server::Server(ServerOptions options, std::shared_ptr<const ZoneStore> zones, Log log)
    : options_(std::move(options)), zones_(std::move(zones)), log_(std::move(log)) {
  options_.threads = std::max(1u, options_.threads);
  metrics_.resize(options_.threads * std::max<std::size_t>(1, options_.listen.size()) + 1);
}

Server::~Server() { stop(); }

bool Server::start(std::string& error) {
  stop_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  udp_fds_.clear();
  for (auto& e : options_.listen) {
    for (unsigned t = 0; t < options_.threads; ++t) {
      int fd = open_socket(e, SOCK_DGRAM, error);
      if (fd < 0) return false;
      udp_fds_.push_back(fd);
      if (port_of(e.address) == 0) {  // the kernel's port, for the other sockets too
        sockaddr_storage bound{};
        socklen_t len = sizeof bound;
        getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
        set_port(e.address, port_of(bound));
      }
    }
    int fd = open_socket(e, SOCK_STREAM, error);
    if (fd < 0) return false;
    if (listen(fd, 1024) != 0) {
      error = "cannot listen on " + e.text + " (tcp): " + std::strerror(errno);
      close(fd);
      return false;
    }
    tcp_fds_.push_back(fd);
  }
  for (unsigned t = 0; t < udp_fds_.size(); ++t)
    threads_.emplace_back([this, t] { udp_worker(t); });
  threads_.emplace_back([this] { tcp_worker(); });
  return true;
}

std::vector<std::string> Server::bound() const {
  std::vector<std::string> out;
  for (const auto& e : options_.listen) out.push_back(address_text(e.address));
  return out;
}

void Server::set_health(std::shared_ptr<const std::vector<std::uint8_t>> states) {
  health_.store(std::move(states));
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

void Server::swap(std::shared_ptr<const ZoneStore> zones) {
  zones_.store(std::move(zones));
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

void Server::stop() {
  if (stop_fd_ < 0) return;
  stopping_ = true;
  std::uint64_t one = 1;
  (void)!write(stop_fd_, &one, sizeof one);
  for (int fd : udp_fds_) shutdown(fd, SHUT_RDWR);  // wakes a worker blocked in recvmmsg
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  for (int fd : udp_fds_) close(fd);
  udp_fds_.clear();
  for (int fd : tcp_fds_) close(fd);
  tcp_fds_.clear();
  close(stop_fd_);
  stop_fd_ = -1;
}

void Server::udp_worker(unsigned index) {
  constexpr unsigned kBatch = 32;
  constexpr std::size_t kQueryBuffer = 4096;
  constexpr std::size_t kAnswerBuffer = 4096;
  WorkerCounters& counters = metrics_.worker(index);
  RateLimiter rrl(options_.rrl);
  std::vector<std::uint8_t> in(kBatch * kQueryBuffer), out(kBatch * kAnswerBuffer);
  std::array<sockaddr_storage, kBatch> peers{};
  std::array<iovec, kBatch> in_iov{}, out_iov{};
  std::array<mmsghdr, kBatch> in_msgs{}, out_msgs{};
  Query q;
  AnswerInfo info;
  // Routing policies: the source address (ECS when the query has it), the health states given,
  // and this worker's own random sequence (--seed N makes it N + worker index).
  Random random(options_.seed ? *options_.seed + index : std::random_device{}());
  ClientAddress client;
  PolicyContext policy;
  policy.address = &client;
  policy.random = &random;
  policy.geo = options_.geo;
  policy.latency = options_.latency;
  auto geo_cache = std::make_unique<GeoCache>();
  policy.geo_cache = geo_cache.get();

  const int fd = udp_fds_[index];
  const std::size_t endpoint = index / options_.threads;

  for (unsigned i = 0; i < kBatch; ++i) {
    in_iov[i] = {in.data() + i * kQueryBuffer, kQueryBuffer};
    in_msgs[i].msg_hdr.msg_iov = &in_iov[i];
    in_msgs[i].msg_hdr.msg_iovlen = 1;
    in_msgs[i].msg_hdr.msg_name = &peers[i];
    in_msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
  }
  std::shared_ptr<const ZoneStore> zones = zones_.load(std::memory_order_acquire);
  std::shared_ptr<const std::vector<std::uint8_t>> health = health_.load(std::memory_order_acquire);
  std::uint64_t generation = generation_.load(std::memory_order_acquire);
  policy.health = health_for(*zones, health.get());
  // A listen address of one VPC has one view per snapshot; otherwise each source is looked up.
  ViewMap views(options_, *zones);
  policy.view = views.of(options_, endpoint, client);
  while (!stopping_) {
    // Blocks for the first datagram, then takes what else is there (two system calls per batch).
    int got = recvmmsg(fd, in_msgs.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (got <= 0) continue;
    const std::uint64_t start = now_ns();
    // The snapshot for this batch: a reload takes effect at the next one. Only a reload pays for
    // the shared pointer's copy; a batch pays one load of the generation.
    if (const std::uint64_t g = generation_.load(std::memory_order_acquire); g != generation) {
      zones = zones_.load(std::memory_order_acquire);
      health = health_.load(std::memory_order_acquire);
      generation = g;
      policy.health = health_for(*zones, health.get());
      views = ViewMap(options_, *zones);
      policy.view = views.of(options_, endpoint, client);
    }
    unsigned replies = 0;
    for (int i = 0; i < got; ++i) {
      const std::uint8_t* packet = in.data() + static_cast<std::size_t>(i) * kQueryBuffer;
      const std::size_t size = in_msgs[i].msg_len;
      bump(counters.udp);
      QueryStatus status = (in_msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
                               ? QueryStatus::kDrop
                               : parse_query(packet, size, q);
      if (status == QueryStatus::kDrop) {
        bump(counters.dropped);
        continue;
      }
      std::uint8_t* answer = out.data() + static_cast<std::size_t>(replies) * kAnswerBuffer;
      std::size_t length = 0;
      switch (rrl.check(peers[i], start / 1000000000u)) {
        case RateLimiter::Verdict::kDrop:
          bump(counters.rrl_dropped);
          continue;
        case RateLimiter::Verdict::kSlip:
          bump(counters.rrl_slipped);
          length = truncated_reply(packet, q, answer);
          info = AnswerInfo{};
          info.truncated = true;
          break;
        case RateLimiter::Verdict::kPass:
          client = client_address(peers[i]);
          if (!views.fixed(endpoint)) policy.view = views.of(options_, endpoint, client);
          length = answer_query(*zones, q, status, Transport::kUdp, answer, kAnswerBuffer, info, policy);
          if (options_.explain && length > 0)
            length = append_explanation(*zones, info, policy, answer, length,
                                        std::min(kAnswerBuffer, response_limit(q, Transport::kUdp)));
          break;
      }
      if (length == 0) continue;
      counters.count(q.qtype, info.rcode, info.truncated);
      out_iov[replies] = {answer, length};
      out_msgs[replies].msg_hdr = {};
      out_msgs[replies].msg_hdr.msg_iov = &out_iov[replies];
      out_msgs[replies].msg_hdr.msg_iovlen = 1;
      out_msgs[replies].msg_hdr.msg_name = &peers[i];
      out_msgs[replies].msg_hdr.msg_namelen = in_msgs[i].msg_hdr.msg_namelen;
      ++replies;
    }
    unsigned sent = 0;
    while (sent < replies) {
      int s = sendmmsg(fd, out_msgs.data() + sent, replies - sent, 0);
      if (s <= 0) {
        if (s < 0 && errno == EINTR) continue;
        bump(counters.dropped, replies - sent);
        break;
      }
      sent += static_cast<unsigned>(s);
    }
    if (replies > 0) counters.observe(now_ns() - start, replies);
    for (int i = 0; i < got; ++i) in_msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
  }
}

void Server::tcp_worker() {
  WorkerCounters& counters = metrics_.worker(options_.threads);
  struct Connection {
    std::vector<std::uint8_t> in;
    std::string out;
    std::uint64_t last = 0;
    ClientAddress client;
    std::size_t endpoint = 0;  // the listen address it came in by
  };
  std::unordered_map<int, Connection> conns;
  std::vector<std::uint8_t> answer(kMaxMessage + 2);
  Query q;
  AnswerInfo info;
  Random tcp_random(options_.seed ? *options_.seed + 1000003 : std::random_device{}());
  PolicyContext policy;
  policy.random = &tcp_random;
  policy.geo = options_.geo;
  policy.latency = options_.latency;
  auto geo_cache = std::make_unique<GeoCache>();
  policy.geo_cache = geo_cache.get();
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = stop_fd_;
  epoll_ctl(ep, EPOLL_CTL_ADD, stop_fd_, &ev);
  for (int fd : tcp_fds_) {
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  auto drop = [&](int fd) {
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    conns.erase(fd);
  };
  auto flush = [&](int fd, Connection& c) {
    while (!c.out.empty()) {
      ssize_t w = send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (w < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        return false;
      }
      c.out.erase(0, static_cast<std::size_t>(w));
    }
    epoll_event e{};
    e.events = EPOLLIN | (c.out.empty() ? 0u : static_cast<std::uint32_t>(EPOLLOUT));
    e.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
    return true;
  };
  epoll_event ready[64];
  std::uint64_t last_sweep = now_ns();
  const std::uint64_t idle_ns = static_cast<std::uint64_t>(options_.tcp_idle.count()) * 1000000u;
  while (!stopping_) {
    int n = epoll_wait(ep, ready, 64, 500);
    const std::uint64_t now = now_ns();
    for (int k = 0; k < n && !stopping_; ++k) {
      int fd = ready[k].data.fd;
      if (fd == stop_fd_) break;
      if (std::find(tcp_fds_.begin(), tcp_fds_.end(), fd) != tcp_fds_.end()) {
        while (true) {
          sockaddr_storage peer{};
          socklen_t peer_size = sizeof peer;
          int c = accept4(fd, reinterpret_cast<sockaddr*>(&peer), &peer_size, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (c < 0) break;
          if (conns.size() >= options_.tcp_max_connections) {
            close(c);
            continue;
          }
          metrics_.tcp_connections.fetch_add(1, std::memory_order_relaxed);
          epoll_event e{};
          e.events = EPOLLIN;
          e.data.fd = c;
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
          conns[c].last = now;
          conns[c].client = client_address(peer);
          conns[c].endpoint = static_cast<std::size_t>(
              std::find(tcp_fds_.begin(), tcp_fds_.end(), fd) - tcp_fds_.begin());
        }
        continue;
      }
      auto it = conns.find(fd);
      if (it == conns.end()) continue;
      Connection& c = it->second;
      c.last = now;
      bool closed = false;
      if (ready[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        std::uint8_t buf[16384];
        while (true) {
          ssize_t r = recv(fd, buf, sizeof buf, 0);
          if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
            closed = true;
            break;
          }
          if (r < 0) break;
          c.in.insert(c.in.end(), buf, buf + r);
        }
        // RFC 7766 §6.2.1.1: every complete query in the buffer is answered, in the order read.
        std::size_t pos = 0;
        const std::shared_ptr<const ZoneStore> zones = zones_.load(std::memory_order_acquire);
        const std::shared_ptr<const std::vector<std::uint8_t>> health = health_.load(std::memory_order_acquire);
        const ViewMap views(options_, *zones);
        while (c.in.size() - pos >= 2) {
          const std::size_t len = get16(c.in.data() + pos);
          if (c.in.size() - pos - 2 < len) break;
          const std::uint8_t* packet = c.in.data() + pos + 2;
          bump(counters.tcp);
          QueryStatus status = parse_query(packet, len, q);
          policy.address = &c.client;
          policy.health = health_for(*zones, health.get());
          policy.view = views.of(options_, c.endpoint, c.client);
          std::size_t size = answer_query(*zones, q, status, Transport::kTcp, answer.data() + 2,
                                          kMaxMessage, info, policy);
          if (options_.explain && size > 0)
            size = append_explanation(*zones, info, policy, answer.data() + 2, size, kMaxMessage);
          pos += 2 + len;
          if (size == 0) {
            bump(counters.dropped);
            continue;
          }
          counters.count(q.qtype, info.rcode, info.truncated);
          put16(answer.data(), static_cast<std::uint16_t>(size));
          c.out.append(reinterpret_cast<const char*>(answer.data()), size + 2);
        }
        c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(pos));
      }
      if (!closed && !flush(fd, c)) closed = true;
      // A peer that only sends and never reads is cut off rather than buffered without end.
      if (closed || c.out.size() > (1u << 20)) drop(fd);
    }
    if (now - last_sweep > 500000000u) {
      last_sweep = now;
      std::vector<int> idle;
      for (const auto& [fd, c] : conns) {
        if (now - c.last > idle_ns) idle.push_back(fd);
      }
      for (int fd : idle) drop(fd);
    }
  }
  for (const auto& [fd, c] : conns) close(fd);
  close(ep);
}

}  // namespace cloudtwin::dns
