#include "cloudtwin/hybrid/bfd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>

#include "cloudtwin/hybrid/socket_options.h"

namespace cloudtwin::hybrid {

namespace {

using bfd::Clock;
using bfd::TimePoint;

constexpr std::uint64_t kWakeTag = ~std::uint64_t{0};
constexpr auto kMaxInterval = std::chrono::microseconds(0xFFFFFFFFLL);  // 32 bits on the wire

std::string errno_text(int e) { return std::strerror(e); }

// A receive socket: one per local address and port, shared by the sessions on it.
struct Receiver {
  int fd = -1;
  IpAddress address;
  std::uint16_t port = 0;
};

struct Entry {
  BfdSessionId id = 0;
  BfdConfig config;
  bfd::Session session;
  std::size_t receiver = 0;
  int tx_fd = -1;
  std::uint16_t source_port = 0;
  BfdCounters counters;
  std::string last_discard;
  TimePoint up_since{};

  Entry(BfdSessionId i, BfdConfig c, std::uint32_t discriminator)
      : id(i),
        config(std::move(c)),
        session(bfd::Parameters{config.desired_min_tx, config.required_min_rx, config.multiplier,
                                config.passive},
                discriminator) {}
};

}  // namespace

std::vector<std::string> validate(const BfdConfig& c) {
  std::vector<std::string> errors;
  if (c.local_address.family() != c.peer_address.family()) {
    errors.push_back("local and peer addresses of different families");
  }
  // RFC 5880 §6.8.1: bfd.DesiredMinTxInterval must be nonzero; both travel in 32 bits. Below
  // 1 ms a user-space timer cannot keep it (and jitter would round it to nothing).
  if (c.desired_min_tx < std::chrono::milliseconds(1) || c.desired_min_tx > kMaxInterval) {
    errors.push_back("desired_min_tx must be 1 ms to 4294.967295 s");
  }
  if (c.required_min_rx.count() < 0 || c.required_min_rx > kMaxInterval) {
    errors.push_back("required_min_rx must be 0 to 4294.967295 s");
  }
  if (c.multiplier == 0) errors.push_back("multiplier must be at least 1 (RFC 5880 §6.8.1)");
  return errors;
}

struct BfdSessions::Impl {
  BfdOptions options;
  mutable std::mutex mu;
  std::vector<std::unique_ptr<Entry>> entries;
  std::vector<Receiver> receivers;
  std::vector<BfdStateChange> pending;
  std::mt19937_64 random{std::random_device{}()};
  int epoll_fd = -1;
  int wake_fd = -1;
  bool running = false;
  bool stopped = false;
  bool admin_down_on_stop = true;
  std::atomic<bool> stopping{false};
  std::thread thread;

  ~Impl() {
    for (auto& e : entries) {
      if (e->tx_fd >= 0) close(e->tx_fd);
    }
    for (Receiver& r : receivers) {
      if (r.fd >= 0) close(r.fd);
    }
    if (epoll_fd >= 0) close(epoll_fd);
    if (wake_fd >= 0) close(wake_fd);
  }

  void wake() {
    if (wake_fd < 0) return;
    std::uint64_t one = 1;
    (void)!write(wake_fd, &one, sizeof one);
  }

  double fraction() { return std::uniform_real_distribution<double>(0.0, 1.0)(random); }

  // RFC 5880 §6.8.1: a local discriminator unique on this system, nonzero; random (§6.8.1
  // "SHOULD be random") so a restarted session is not mistaken for its predecessor.
  std::uint32_t new_discriminator() {
    for (;;) {
      auto d = static_cast<std::uint32_t>(random());
      if (d == 0) continue;
      bool used = std::any_of(entries.begin(), entries.end(),
                              [&](const auto& e) { return e->session.local_discriminator() == d; });
      if (!used) return d;
    }
  }

  // The shared receive socket of `address`:`port`, opened on first use.
  std::optional<std::size_t> receiver(const IpAddress& address, std::uint16_t port,
                                      std::string& error) {
    for (std::size_t i = 0; i < receivers.size(); ++i) {
      if (receivers[i].address == address && receivers[i].port == port) return i;
    }
    bool v4 = address.is_v4();
    int fd = socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      error = "socket: " + errno_text(errno);
      return std::nullopt;
    }
    int one = 1;
    // Beside a router on the same host bound to the wildcard address (BIRD is, with
    // SO_REUSEADDR); the kernel gives packets for our address to the more specific socket.
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bool ttl_ok = v4 ? setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof one) == 0
                     : setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one) == 0;
    if (!v4) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    sockaddr_storage ss;
    socklen_t len = to_sockaddr(address, port, ss);
    if (!ttl_ok || bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
      error = "receive on " + address.str() + " port " + std::to_string(port) + ": " +
              errno_text(errno);
      close(fd);
      return std::nullopt;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = receivers.size();
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
    receivers.push_back(Receiver{fd, address, port});
    return receivers.size() - 1;
  }

  // RFC 5881 §4: a source port in 49152-65535, the same for the session's life, unique on the
  // system (the bind makes it so); TTL 255 (§5).
  bool open_transmitter(Entry& e, std::string& error) {
    bool v4 = e.config.local_address.is_v4();
    int fd = socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      error = "socket: " + errno_text(errno);
      return false;
    }
    int one = 1;
    if (!v4) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (!set_ttl(fd, e.config.local_address.family(), bfd::kSingleHopTtl)) {
      error = "TTL 255: " + errno_text(errno);
      close(fd);
      return false;
    }
    constexpr int kPorts = 65536 - bfd::kSourcePortMin;
    int start = static_cast<int>(random() % kPorts);
    for (int i = 0; i < kPorts; ++i) {
      auto port = static_cast<std::uint16_t>(bfd::kSourcePortMin + (start + i) % kPorts);
      sockaddr_storage ss;
      socklen_t len = to_sockaddr(e.config.local_address, port, ss);
      if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0) {
        e.tx_fd = fd;
        e.source_port = port;
        return true;
      }
      if (errno != EADDRINUSE) break;
    }
    error = "no source port in 49152-65535 on " + e.config.local_address.str() + ": " +
            errno_text(errno);
    close(fd);
    return false;
  }

  void note(Entry& e, std::optional<bfd::Transition> t) {
    if (!t) return;
    if (t->to == bfd::State::kUp) {
      ++e.counters.up_transitions;
      e.up_since = Clock::now();
    }
    if (t->diagnostic == bfd::Diagnostic::kControlDetectionTimeExpired &&
        t->to == bfd::State::kDown) {
      ++e.counters.detection_timeouts;
    }
    if (options.on_state_change) {
      pending.push_back(BfdStateChange{e.id, e.config.name, t->from, t->to, t->diagnostic,
                                       e.session.remote_state()});
    }
  }

  void send(Entry& e, const bfd::ControlPacket& packet) {
    auto bytes = bfd::encode(packet);
    sockaddr_storage ss;
    socklen_t len = to_sockaddr(e.config.peer_address, e.config.peer_port, ss);
    // A failed send is a lost packet: the detection time is what BFD has for that.
    if (sendto(e.tx_fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&ss), len) ==
        static_cast<ssize_t>(bytes.size())) {
      ++e.counters.packets_sent;
    }
  }

  void discard(Entry* e, std::string why) {
    if (e == nullptr) return;
    ++e->counters.packets_discarded;
    e->last_discard = std::move(why);
  }

  void read_from(std::size_t r, TimePoint now) {
    const Receiver& rx = receivers[r];
    for (int budget = 0; budget < 256; ++budget) {
      std::uint8_t buffer[512];
      iovec iov{buffer, sizeof buffer};
      sockaddr_storage from{};
      alignas(cmsghdr) char control[256];
      msghdr msg{};
      msg.msg_name = &from;
      msg.msg_namelen = sizeof from;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      ssize_t n = recvmsg(rx.fd, &msg, MSG_DONTWAIT);
      if (n < 0) return;  // EAGAIN, or an error: nothing to read now
      int ttl = -1;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
            (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
          std::memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
        }
      }
      auto source = from_sockaddr(from);
      if (!source) continue;
      // RFC 5881 §3: without a discriminator, the session is the one of these addresses; with
      // one, it must be that session's (and it is checked below).
      Entry* e = nullptr;
      for (auto& candidate : entries) {
        if (candidate->receiver == r && candidate->config.peer_address == *source) {
          e = candidate.get();
          break;
        }
      }
      if (e == nullptr) continue;  // no session with this peer: silently dropped
      if ((msg.msg_flags & MSG_TRUNC) != 0) {
        discard(e, "larger than any BFD Control packet");
        continue;
      }
      // RFC 5881 §5: without authentication, only TTL / hop limit 255 proves one hop.
      if (!e->config.multihop && ttl != bfd::kSingleHopTtl) {
        discard(e, "TTL " + std::to_string(ttl) + ", not 255 (RFC 5881 §5)");
        continue;
      }
      bfd::DecodeResult d = bfd::decode({buffer, static_cast<std::size_t>(n)});
      if (!d.ok()) {
        discard(e, std::string(bfd::describe(d.error)));
        continue;
      }
      // RFC 5880 §6.8.6: a nonzero Your Discriminator selects the session; not ours, discard.
      if (d.packet.your_discriminator != 0 &&
          d.packet.your_discriminator != e->session.local_discriminator()) {
        discard(e, "Your Discriminator not this session's (RFC 5880 §6.8.6)");
        continue;
      }
      if (d.packet.final && e->session.poll_active()) ++e->counters.polls_completed;
      ++e->counters.packets_received;
      note(*e, e->session.receive(d.packet, now));
    }
  }

  void run_sessions(TimePoint now) {
    for (auto& e : entries) {
      note(*e, e->session.expire(now));
      if (auto p = e->session.transmit(now, fraction())) send(*e, *p);
    }
  }

  int next_timeout_ms(TimePoint now) const {
    TimePoint next = TimePoint::max();
    for (const auto& e : entries) next = std::min(next, e->session.next_event());
    if (next == TimePoint::max()) return -1;
    if (next <= now) return 0;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
    return static_cast<int>(std::min<std::int64_t>(ms, 60'000));
  }

  void run() {
    std::vector<epoll_event> ready(16);
    std::vector<BfdStateChange> deliver;
    while (!stopping.load()) {
      int timeout;
      {
        std::lock_guard lock(mu);
        timeout = next_timeout_ms(Clock::now());
      }
      int n = epoll_wait(epoll_fd, ready.data(), static_cast<int>(ready.size()), timeout);
      {
        std::lock_guard lock(mu);
        TimePoint now = Clock::now();
        for (int i = 0; i < n; ++i) {
          std::uint64_t tag = ready[static_cast<std::size_t>(i)].data.u64;
          if (tag == kWakeTag) {
            std::uint64_t v;
            (void)!read(wake_fd, &v, sizeof v);
          } else if (tag < receivers.size()) {
            read_from(static_cast<std::size_t>(tag), now);
          }
        }
        run_sessions(Clock::now());
        deliver.swap(pending);
      }
      for (const BfdStateChange& c : deliver) options.on_state_change(c);
      deliver.clear();
    }
    {
      std::lock_guard lock(mu);
      // RFC 5880 §6.8.16: AdminDown tells the peer this is not a failure of the path.
      if (admin_down_on_stop) {
        for (auto& e : entries) {
          note(*e, e->session.set_admin_down(true));
          if (auto p = e->session.transmit(Clock::now(), fraction())) send(*e, *p);
        }
      }
      close_sockets();
      deliver.swap(pending);
    }
    for (const BfdStateChange& c : deliver) options.on_state_change(c);
  }

  void close_sockets() {
    for (auto& e : entries) {
      if (e->tx_fd >= 0) close(e->tx_fd);
      e->tx_fd = -1;
    }
    for (Receiver& r : receivers) {
      if (r.fd >= 0) close(r.fd);
      r.fd = -1;
    }
  }

  BfdSessionInfo info(const Entry& e) const {
    const bfd::Session& s = e.session;
    BfdSessionInfo i;
    i.id = e.id;
    i.name = e.config.name;
    i.local_address = e.config.local_address;
    i.peer_address = e.config.peer_address;
    i.state = s.state();
    i.remote_state = s.remote_state();
    i.local_diagnostic = s.local_diagnostic();
    i.remote_diagnostic = s.remote_diagnostic();
    i.local_discriminator = s.local_discriminator();
    i.remote_discriminator = s.remote_discriminator();
    i.tx_interval = s.transmitting_periodically() ? s.tx_interval() : std::chrono::microseconds{0};
    i.detection_time = s.detection_time();
    i.remote_min_tx = s.remote_min_tx();
    i.remote_min_rx = s.remote_min_rx();
    i.remote_multiplier = s.remote_detect_mult();
    i.poll_active = s.poll_active();
    i.source_port = e.source_port;
    if (s.state() == bfd::State::kUp) i.uptime = Clock::now() - e.up_since;
    i.counters = e.counters;
    i.last_discard = e.last_discard;
    return i;
  }
};

BfdSessions::BfdSessions(BfdOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl_->epoll_fd >= 0 && impl_->wake_fd >= 0) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeTag;
    epoll_ctl(impl_->epoll_fd, EPOLL_CTL_ADD, impl_->wake_fd, &ev);
  }
}

BfdSessions::~BfdSessions() {
  stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

BfdSessions::AddResult BfdSessions::add(BfdConfig config) {
  AddResult result;
  result.errors = validate(config);
  if (!result.ok()) return result;
  std::uint16_t port = config.multihop ? bfd::kMultihopControlPort : bfd::kControlPort;
  if (config.local_port == 0) config.local_port = port;
  if (config.peer_port == 0) config.peer_port = port;
  std::lock_guard lock(impl_->mu);
  if (impl_->epoll_fd < 0 || impl_->wake_fd < 0 || impl_->stopped) {
    result.errors.push_back(impl_->stopped ? "stopped" : "epoll unavailable");
    return result;
  }
  for (const auto& e : impl_->entries) {
    if (e->config.local_address == config.local_address &&
        e->config.local_port == config.local_port &&
        e->config.peer_address == config.peer_address) {
      result.errors.push_back("a session from " + config.local_address.str() + " to " +
                              config.peer_address.str() + " exists (" + e->config.name + ")");
      return result;
    }
  }
  std::string error;
  auto r = impl_->receiver(config.local_address, config.local_port, error);
  if (!r) {
    result.errors.push_back(error);
    return result;
  }
  auto id = static_cast<BfdSessionId>(impl_->entries.size());
  auto e = std::make_unique<Entry>(id, std::move(config), impl_->new_discriminator());
  e->receiver = *r;
  if (!impl_->open_transmitter(*e, error)) {
    result.errors.push_back(error);
    return result;
  }
  result.id = id;
  impl_->entries.push_back(std::move(e));
  if (impl_->running) impl_->wake();
  return result;
}

bool BfdSessions::start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->running || impl_->stopped || impl_->epoll_fd < 0 || impl_->wake_fd < 0) {
    return false;
  }
  impl_->running = true;
  impl_->thread = std::thread([this] { impl_->run(); });
  return true;
}

void BfdSessions::stop(bool admin_down) {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
    impl_->admin_down_on_stop = admin_down;
    if (!impl_->running) {
      impl_->close_sockets();
      return;
    }
    impl_->running = false;
    impl_->stopping = true;
    impl_->wake();
  }
  // From a callback (the loop's own thread) the loop ends after it returns; the destructor
  // joins.
  if (impl_->thread.joinable() && impl_->thread.get_id() != std::this_thread::get_id()) {
    impl_->thread.join();
  }
}

bool BfdSessions::set_admin_down(BfdSessionId id, bool admin_down) {
  std::lock_guard lock(impl_->mu);
  if (id >= impl_->entries.size()) return false;
  Entry& e = *impl_->entries[id];
  impl_->note(e, e.session.set_admin_down(admin_down));
  impl_->wake();
  return true;
}

std::vector<BfdSessionInfo> BfdSessions::sessions() const {
  std::lock_guard lock(impl_->mu);
  std::vector<BfdSessionInfo> out;
  out.reserve(impl_->entries.size());
  for (const auto& e : impl_->entries) out.push_back(impl_->info(*e));
  return out;
}

std::optional<BfdSessionInfo> BfdSessions::session(BfdSessionId id) const {
  std::lock_guard lock(impl_->mu);
  if (id >= impl_->entries.size()) return std::nullopt;
  return impl_->info(*impl_->entries[id]);
}

}  // namespace cloudtwin::hybrid
