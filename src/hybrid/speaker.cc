#include "cloudtwin/hybrid/speaker.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <queue>
#include <thread>

#include "cloudtwin/hybrid/socket_options.h"

namespace cloudtwin::hybrid {

namespace {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
constexpr TimePoint kNever = TimePoint::max();
// RFC 4271 §8.2.2: "a large value" for the HoldTimer in OpenSent; 4 minutes is suggested.
constexpr auto kOpenSentHoldTime = std::chrono::minutes(4);
// How long a closed connection may take to deliver its NOTIFICATION and see the peer's FIN.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kReadBudget = 1024 * 1024;  // per readiness event, for fairness

// epoll data: two tag bits, then the object.
constexpr std::uint64_t kTagConnection = 0;
constexpr std::uint64_t kTagListener = 1;
constexpr std::uint64_t kTagWake = 2;
constexpr std::uint64_t kTagClosing = 3;
std::uint64_t tag_of(std::uint64_t data) { return data >> 62; }

enum class ConnState : std::uint8_t { kNone, kConnect, kOpenSent, kOpenConfirm, kEstablished };

SessionState session_state(ConnState s) {
  switch (s) {
    case ConnState::kConnect:
      return SessionState::kConnect;
    case ConnState::kOpenSent:
      return SessionState::kOpenSent;
    case ConnState::kOpenConfirm:
      return SessionState::kOpenConfirm;
    case ConnState::kEstablished:
      return SessionState::kEstablished;
    case ConnState::kNone:
      break;
  }
  return SessionState::kActive;
}

struct Timer {
  TimePoint due = kNever;
  TimePoint queued = kNever;  // the heap entry that is current for this timer
};

// Timer slots of a peer: ConnectRetry, then hold and keepalive per connection slot.
constexpr int kConnectRetryTimer = 0;
int hold_timer(int slot) { return 1 + 2 * slot; }
int keepalive_timer(int slot) { return 2 + 2 * slot; }
constexpr int kStaleTimer = 5;  // RFC 4724 §4.2: how long stale routes are kept
constexpr int kTimers = 6;

// Connection slots: the one this side opened, the one it accepted.
constexpr int kOutgoing = 0;
constexpr int kIncoming = 1;

struct Connection {
  int fd = -1;
  std::uint32_t generation = 0;
  ConnState state = ConnState::kNone;
  std::uint32_t interest = 0;  // events registered with epoll
  bgp::Framer framer;
  std::vector<std::uint8_t> out;
  std::size_t out_offset = 0;
  bgp::SessionOptions options;
  IpAddress local;
  std::optional<bgp::Open> peer_open;
  Negotiated negotiated;
};

struct Peer {
  PeerId id = 0;
  PeerConfig config;
  std::uint32_t local_id = 0;
  Connection conns[2];
  Timer timers[kTimers];
  SessionState state = SessionState::kIdle;
  bool started = false;
  bool enabled = true;     // false after disable_peer()
  bool idle_hold = false;  // held Idle after a prefix-limit trip
  int live = -1;           // the Established connection's slot
  AdjRibIn rib;
  // The peer's Graceful Restart capability on the live session, when both sides advertised it.
  std::optional<bgp::GracefulRestart> peer_graceful_restart;
  std::vector<Route> routes;  // Adj-RIB-Out
  SessionCounters counters;
  TimePoint established_at{};
  bool eor_ipv4 = false;
  bool eor_ipv6 = false;
  std::string last_reason;
  std::optional<bgp::Notification> last_sent;
  std::optional<bgp::Notification> last_received;
};

struct Listener {
  int fd = -1;
  IpAddress address;
  std::uint16_t port = 0;
  bool wildcard = false;
};

struct Closing {
  int fd = -1;
  TimePoint deadline;
};

struct HeapEntry {
  TimePoint when;
  PeerId peer;
  int slot;
  bool operator>(const HeapEntry& o) const { return when > o.when; }
};

std::string errno_text(int e) { return std::strerror(e); }

}  // namespace

struct Speaker::Impl {
  SpeakerOptions options;
  mutable std::mutex mu;
  std::vector<std::unique_ptr<Peer>> peers;
  std::vector<Listener> listeners;
  std::vector<Closing> closing;
  std::priority_queue<HeapEntry, std::vector<HeapEntry>, std::greater<>> heap;
  std::vector<Event> pending;
  int epoll_fd = -1;
  int wake_fd = -1;
  bool running = false;
  std::atomic<bool> stopping{false};
  std::thread thread;

  ~Impl() {
    for (Listener& l : listeners) close(l.fd);
    if (epoll_fd >= 0) close(epoll_fd);
    if (wake_fd >= 0) close(wake_fd);
  }

  bool events_wanted() const { return static_cast<bool>(options.on_event); }

  void emit(Event e) {
    if (events_wanted()) pending.push_back(std::move(e));
  }

  void wake() {
    if (wake_fd < 0) return;
    std::uint64_t one = 1;
    (void)!write(wake_fd, &one, sizeof one);
  }

  // ---- timers

  void arm(Peer& p, int slot, TimePoint due) {
    Timer& t = p.timers[slot];
    t.due = due;
    if (due < t.queued) {
      heap.push(HeapEntry{due, p.id, slot});
      t.queued = due;
    }
  }
  void cancel(Peer& p, int slot) { p.timers[slot].due = kNever; }

  int next_timeout_ms(TimePoint now) const {
    TimePoint next = heap.empty() ? kNever : heap.top().when;
    for (const Closing& c : closing) next = std::min(next, c.deadline);
    if (next == kNever) return 1000;
    if (next <= now) return 0;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
    return static_cast<int>(std::min<long long>(ms, 1000));
  }

  void run_timers(TimePoint now) {
    while (!heap.empty() && heap.top().when <= now) {
      HeapEntry e = heap.top();
      heap.pop();
      Peer& p = *peers[e.peer];
      Timer& t = p.timers[e.slot];
      if (e.when != t.queued) continue;  // superseded by an earlier entry
      t.queued = kNever;
      if (t.due == kNever) continue;  // cancelled
      if (t.due > now) {              // pushed back since (hold timer refreshes are lazy)
        heap.push(HeapEntry{t.due, p.id, e.slot});
        t.queued = t.due;
        continue;
      }
      t.due = kNever;
      fire(p, e.slot, now);
    }
  }

  void fire(Peer& p, int timer, TimePoint now) {
    if (timer == kStaleTimer) {
      sweep_stale(p, true, true, "graceful restart time over (RFC 4724 §4.2)");
      return;
    }
    if (timer == kConnectRetryTimer) {
      if (p.idle_hold) {
        p.idle_hold = false;
        update_state(p, "prefix-limit restart delay over");
        if (!p.config.passive && no_connections(p)) connect_out(p, now);
        return;
      }
      if (p.conns[kOutgoing].state == ConnState::kConnect) {
        close_fd(p, kOutgoing);
        connect_out(p, now);
        return;
      }
      if (!p.config.passive && no_connections(p)) connect_out(p, now);
      return;
    }
    int slot = (timer - 1) / 2;
    Connection& c = p.conns[slot];
    if (timer == hold_timer(slot)) {
      if (c.state >= ConnState::kOpenSent) {
        close_connection(p, slot, "hold timer expired",
                         bgp::Notification{bgp::error::kHoldTimerExpired, 0, {}});
      }
      return;
    }
    if (c.state == ConnState::kOpenConfirm || c.state == ConnState::kEstablished) {
      send_message(p, slot, bgp::Keepalive{});
      ++p.counters.keepalives_sent;
      arm(p, timer, now + std::chrono::seconds(c.negotiated.keepalive_time));
    }
  }

  // ---- state

  static bool no_connections(const Peer& p) {
    return p.conns[0].state == ConnState::kNone && p.conns[1].state == ConnState::kNone;
  }

  SessionState compute_state(const Peer& p) const {
    if (!p.started || p.idle_hold) return SessionState::kIdle;
    ConnState best = std::max(p.conns[0].state, p.conns[1].state);
    return session_state(best);
  }

  void set_state(Peer& p, SessionState to, const std::string& reason,
                 const std::optional<bgp::Notification>& notification = std::nullopt) {
    if (to == p.state) return;
    SessionState from = p.state;
    p.state = to;
    p.last_reason = reason;
    if (events_wanted()) {
      Event e;
      e.kind = EventKind::kStateChanged;
      e.peer = p.id;
      e.peer_name = p.config.display_name();
      e.from = from;
      e.to = to;
      e.reason = reason;
      e.notification = notification;
      emit(std::move(e));
    }
  }

  void update_state(Peer& p, const std::string& reason) { set_state(p, compute_state(p), reason); }

  // ---- sockets

  void register_fd(int fd, std::uint64_t data, std::uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = data;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  }

  static std::uint64_t connection_data(const Peer& p, int slot) {
    const Connection& c = p.conns[slot];
    return (kTagConnection << 62) | (std::uint64_t{c.generation} << 30) |
           (std::uint64_t{p.id} << 1) | static_cast<std::uint64_t>(slot);
  }

  void set_interest(Peer& p, int slot) {
    Connection& c = p.conns[slot];
    std::uint32_t want = EPOLLIN;
    if (c.state == ConnState::kConnect || c.out_offset < c.out.size()) want |= EPOLLOUT;
    if (want == c.interest) return;
    epoll_event ev{};
    ev.events = want;
    ev.data.u64 = connection_data(p, slot);
    epoll_ctl(epoll_fd, c.interest == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.fd, &ev);
    c.interest = want;
  }

  void flush(Peer& p, int slot) {
    Connection& c = p.conns[slot];
    while (c.out_offset < c.out.size()) {
      ssize_t n =
          send(c.fd, c.out.data() + c.out_offset, c.out.size() - c.out_offset, MSG_NOSIGNAL);
      if (n > 0) {
        c.out_offset += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      // The peer is gone; reading will see it (or the hold timer will).
      c.out.clear();
      c.out_offset = 0;
      break;
    }
    if (c.out_offset == c.out.size()) {
      c.out.clear();
      c.out_offset = 0;
    }
    set_interest(p, slot);
  }

  void send_message(Peer& p, int slot, const bgp::Message& m) {
    Connection& c = p.conns[slot];
    if (bgp::encode_to(m, c.options, c.out)) ++p.counters.messages_sent;
    flush(p, slot);
  }

  // Closes the socket without any message and clears the connection.
  void close_fd(Peer& p, int slot) {
    Connection& c = p.conns[slot];
    if (c.fd >= 0) {
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
      close(c.fd);
    }
    reset_connection(p, slot);
  }

  void reset_connection(Peer& p, int slot) {
    Connection& c = p.conns[slot];
    std::uint32_t generation = c.generation + 1;
    c = Connection{};
    c.generation = generation;
    cancel(p, hold_timer(slot));
    cancel(p, keepalive_timer(slot));
  }

  // Hands the socket to the closing list: what is queued (a NOTIFICATION) is sent, our side is
  // shut down, and the peer's remaining bytes are read until its FIN, so that the close does
  // not reset the connection and discard the NOTIFICATION (RFC 2525 §2.17).
  void linger(Peer& p, int slot, TimePoint now) {
    Connection& c = p.conns[slot];
    if (c.fd < 0) return;
    flush(p, slot);
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    shutdown(c.fd, SHUT_WR);
    register_fd(c.fd, (kTagClosing << 62) | static_cast<std::uint64_t>(c.fd), EPOLLIN);
    closing.push_back(Closing{c.fd, now + kLingerTime});
    c.fd = -1;
  }

  void drain_closing(int fd, TimePoint now) {
    auto it =
        std::find_if(closing.begin(), closing.end(), [&](const Closing& c) { return c.fd == fd; });
    if (it == closing.end()) return;
    char buf[4096];
    for (;;) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) continue;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      break;
    }
    (void)now;
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    closing.erase(it);
  }

  void reap_closing(TimePoint now) {
    for (auto it = closing.begin(); it != closing.end();) {
      if (it->deadline <= now) {
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, it->fd, nullptr);
        close(it->fd);
        it = closing.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Ends one connection: sends `notification` if given, flushes the Adj-RIB-In if it was the
  // Established one, and schedules the restart (ConnectRetry, or the prefix-limit delay).
  void close_connection(Peer& p, int slot, const std::string& reason,
                        std::optional<bgp::Notification> notification,
                        bool transport_lost = false) {
    TimePoint now = Clock::now();
    Connection& c = p.conns[slot];
    ConnState was = c.state;
    if (notification && c.fd >= 0 && was != ConnState::kConnect) {
      send_message(p, slot, *notification);
      ++p.counters.notifications_sent;
      p.last_sent = notification;
    }
    if (was == ConnState::kConnect) {
      close_fd(p, slot);
    } else {
      linger(p, slot, now);
      reset_connection(p, slot);
    }
    std::string why = reason;
    if (p.live == slot) {
      p.live = -1;
      // RFC 4724 §4.2: a peer that can restart gracefully and whose TCP connection simply ended
      // (no NOTIFICATION) keeps its routes, stale, for its restart time.
      if (transport_lost && p.peer_graceful_restart) {
        why += keep_stale(p, now);
      } else {
        flush_adj_rib_in(p);
      }
    }
    // A session that got as far as OpenSent passes through Idle (RFC 4271 §8.2.2: every error
    // goes to Idle) before restarting automatically.
    bool session_ended = was >= ConnState::kOpenSent && no_connections(p);
    if (session_ended) set_state(p, SessionState::kIdle, why, notification);
    if (p.idle_hold) {
      arm(p, kConnectRetryTimer, now + p.config.prefix_limit_restart);
    } else if (session_ended && !p.config.passive) {
      arm(p, kConnectRetryTimer, now + p.config.connect_retry);
    }
    update_state(p, session_ended ? std::string("automatic restart") : why);
  }

  // Marks the families the peer's capability lists stale and flushes the others; returns the
  // words added to the state change's reason.
  std::string keep_stale(Peer& p, TimePoint now) {
    const bgp::GracefulRestart& gr = *p.peer_graceful_restart;
    auto listed = [&](bgp::AfiSafi f) {
      return std::any_of(gr.families.begin(), gr.families.end(),
                         [&](const auto& x) { return x.family == f; });
    };
    bool v4 = listed(bgp::kIpv4Unicast);
    bool v6 = listed(bgp::kIpv6Unicast);
    if (gr.restart_time == 0 || (!v4 && !v6)) {
      flush_adj_rib_in(p);
      return "";
    }
    if (!v4) sweep_family(p, true, false);
    if (!v6) sweep_family(p, false, true);
    p.rib.mark_stale(v4, v6);
    ++p.counters.graceful_restarts;
    arm(p, kStaleTimer, now + std::chrono::seconds(gr.restart_time));
    return "; keeping " + std::to_string(p.rib.stale_ipv4() + p.rib.stale_ipv6()) +
           " routes stale for up to " + std::to_string(gr.restart_time) +
           " s (graceful restart, RFC 4724 §4.2)";
  }

  // Withdraws every route of the families (stale or not).
  void sweep_family(Peer& p, bool v4, bool v6) {
    p.rib.mark_stale(v4, v6);
    sweep_stale(p, v4, v6, "graceful restart: family not preserved");
  }

  void sweep_stale(Peer& p, bool v4, bool v6, const std::string& reason) {
    Event e;
    if (v4) e.withdrawn_ipv4 = p.rib.sweep_stale_ipv4();
    if (v6) e.withdrawn_ipv6 = p.rib.sweep_stale_ipv6();
    if (p.rib.stale_ipv4() == 0 && p.rib.stale_ipv6() == 0) cancel(p, kStaleTimer);
    if (events_wanted() && (!e.withdrawn_ipv4.empty() || !e.withdrawn_ipv6.empty())) {
      e.kind = EventKind::kRoutesChanged;
      e.peer = p.id;
      e.peer_name = p.config.display_name();
      e.reason = reason;
      emit(std::move(e));
    }
  }

  void flush_adj_rib_in(Peer& p) {
    if (events_wanted() && (p.rib.ipv4_size() > 0 || p.rib.ipv6_size() > 0)) {
      Event e;
      e.kind = EventKind::kRoutesChanged;
      e.peer = p.id;
      e.peer_name = p.config.display_name();
      e.reason = "session down";
      e.withdrawn_ipv4 = p.rib.ipv4_prefixes();
      e.withdrawn_ipv6 = p.rib.ipv6_prefixes();
      emit(std::move(e));
    }
    p.rib.clear();
    p.eor_ipv4 = false;
    p.eor_ipv6 = false;
    cancel(p, kStaleTimer);
  }

  void connect_out(Peer& p, TimePoint now) {
    arm(p, kConnectRetryTimer, now + p.config.connect_retry);
    const PeerConfig& cfg = p.config;
    int fd = socket(cfg.peer_address.is_v4() ? AF_INET : AF_INET6,
                    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0) {
      update_state(p, "socket: " + errno_text(errno));
      return;
    }
    Family family = cfg.peer_address.family();
    if (!cfg.md5_key.empty() && !set_tcp_md5(fd, cfg.peer_address, cfg.md5_key)) {
      std::string why = "TCP MD5: " + errno_text(errno);
      close(fd);
      update_state(p, why);
      return;
    }
    if (cfg.ttl_one) (void)set_ttl(fd, family, 1);
    sockaddr_storage local;
    socklen_t local_len = to_sockaddr(cfg.local_address, 0, local);
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), local_len) != 0) {
      std::string why = "bind " + cfg.local_address.str() + ": " + errno_text(errno);
      close(fd);
      update_state(p, why);
      return;
    }
    sockaddr_storage remote;
    socklen_t remote_len = to_sockaddr(cfg.peer_address, cfg.port, remote);
    Connection& c = p.conns[kOutgoing];
    c.fd = fd;
    c.local = cfg.local_address;
    int rc = connect(fd, reinterpret_cast<sockaddr*>(&remote), remote_len);
    if (rc != 0 && errno != EINPROGRESS) {
      std::string why = "connect: " + errno_text(errno);
      close_fd(p, kOutgoing);
      update_state(p, why);
      return;
    }
    c.state = ConnState::kConnect;
    set_interest(p, kOutgoing);
    update_state(p,
                 "connecting to " + cfg.peer_address.str() + " port " + std::to_string(cfg.port));
  }

  void connect_done(Peer& p) {
    Connection& c = p.conns[kOutgoing];
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      close_fd(p, kOutgoing);
      update_state(p, "connect: " + errno_text(err));
      return;
    }
    open_connection(p, kOutgoing);
  }

  // TCP is up: send OPEN (RFC 4271 §8.2.2 Connect/Active -> OpenSent).
  void open_connection(Peer& p, int slot) {
    Connection& c = p.conns[slot];
    c.state = ConnState::kOpenSent;
    c.options.external = p.config.external();
    c.options.local_address = c.local;
    send_message(p, slot, make_open(p.config));
    arm(p, hold_timer(slot), Clock::now() + kOpenSentHoldTime);
    set_interest(p, slot);
    update_state(p, slot == kOutgoing ? "connected, OPEN sent" : "accepted, OPEN sent");
  }

  void accept_from(Listener& l) {
    for (;;) {
      sockaddr_storage remote;
      socklen_t len = sizeof remote;
      int fd =
          accept4(l.fd, reinterpret_cast<sockaddr*>(&remote), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      sockaddr_storage local;
      socklen_t local_len = sizeof local;
      getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len);
      auto peer_address = from_sockaddr(remote);
      auto local_address = from_sockaddr(local);
      Peer* match = nullptr;
      // An enabled peer before a disabled one with the same ends (`serve bgp` keeps a session
      // removed by a reload disabled, and may add its successor).
      for (auto& p : peers) {
        if (peer_address && local_address && p->config.peer_address == *peer_address &&
            p->config.local_address == *local_address && (match == nullptr || !match->enabled)) {
          match = p.get();
          if (match->enabled) break;
        }
      }
      if (match == nullptr || !match->started || match->idle_hold) {
        close(fd);  // RFC 4271 §8.2.2: Idle refuses connections; unknown peers too
        continue;
      }
      Peer& p = *match;
      if (p.conns[kIncoming].state == ConnState::kEstablished) {
        // A second connection while one is established loses the collision (§6.8).
        bgp::Notification n =
            bgp::Notification{bgp::error::kCease, bgp::cease::kConnectionCollisionResolution, {}};
        std::vector<std::uint8_t> bytes;
        if (bgp::encode_to(n, bgp::SessionOptions{}, bytes)) {
          (void)!send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        }
        shutdown(fd, SHUT_WR);
        register_fd(fd, (kTagClosing << 62) | static_cast<std::uint64_t>(fd), EPOLLIN);
        closing.push_back(Closing{fd, Clock::now() + kLingerTime});
        ++p.counters.collisions;
        continue;
      }
      if (p.conns[kIncoming].state != ConnState::kNone) {
        close_fd(p, kIncoming);  // superseded by the peer's new attempt
      }
      if (p.config.ttl_one) (void)set_ttl(fd, p.config.peer_address.family(), 1);
      Connection& c = p.conns[kIncoming];
      c.fd = fd;
      c.local = *local_address;
      open_connection(p, kIncoming);
    }
  }

  // ---- receiving

  void readable(Peer& p, int slot) {
    std::size_t budget = kReadBudget;
    std::uint8_t buf[kReadChunk];
    std::uint32_t generation = p.conns[slot].generation;
    while (budget > 0) {
      Connection& c = p.conns[slot];
      if (c.generation != generation || c.fd < 0) return;
      ssize_t n = read(c.fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n <= 0) {
        close_connection(p, slot,
                         n == 0 ? "connection closed by peer" : "read: " + errno_text(errno),
                         std::nullopt, true);
        return;
      }
      budget -= std::min(budget, static_cast<std::size_t>(n));
      c.framer.feed(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)));
      for (;;) {
        Connection& cc = p.conns[slot];
        if (cc.generation != generation) return;
        std::span<const std::uint8_t> m = cc.framer.next();
        if (m.empty()) {
          if (cc.framer.error()) {
            bgp::Notification err = *cc.framer.error();
            close_connection(p, slot, "message header error: " + bgp::describe(err), err);
            return;
          }
          break;
        }
        handle_message(p, slot, m);
      }
    }
  }

  void handle_message(Peer& p, int slot, std::span<const std::uint8_t> bytes) {
    Connection& c = p.conns[slot];
    ++p.counters.messages_received;
    bgp::DecodeResult r = bgp::decode(bytes, c.options);
    if (!r.ok()) {
      std::string why = r.notes.empty() ? bgp::describe(*r.reset) : r.notes.front();
      close_connection(p, slot, "malformed message: " + why, r.reset);
      return;
    }
    if (c.state == ConnState::kOpenConfirm || c.state == ConnState::kEstablished) {
      // RFC 4271 §8.2.2: every KEEPALIVE or UPDATE restarts the hold timer (lazily).
      p.timers[hold_timer(slot)].due = Clock::now() + std::chrono::seconds(c.negotiated.hold_time);
    }
    std::visit(
        [&](auto& m) {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, bgp::Open>) {
            handle_open(p, slot, m);
          } else if constexpr (std::is_same_v<T, bgp::Update>) {
            handle_update(p, slot, m, r);
          } else if constexpr (std::is_same_v<T, bgp::Notification>) {
            ++p.counters.notifications_received;
            p.last_received = m;
            close_connection(p, slot, "received NOTIFICATION " + bgp::describe(m), std::nullopt);
          } else if constexpr (std::is_same_v<T, bgp::Keepalive>) {
            handle_keepalive(p, slot);
          } else {
            handle_route_refresh(p, slot, m);
          }
        },
        r.message);
  }

  // RFC 4271 §6.6 with RFC 6608's subcodes: 1 in OpenSent, 2 in OpenConfirm, 3 in Established.
  void fsm_error(Peer& p, int slot, std::string_view what) {
    ConnState s = p.conns[slot].state;
    std::uint8_t sub = s == ConnState::kOpenSent ? 1 : s == ConnState::kOpenConfirm ? 2 : 3;
    close_connection(
        p, slot,
        "unexpected " + std::string(what) + " in " + std::string(state_name(session_state(s))),
        bgp::Notification{bgp::error::kFiniteStateMachine, sub, {}});
  }

  void handle_open(Peer& p, int slot, const bgp::Open& open) {
    Connection& c = p.conns[slot];
    if (c.state != ConnState::kOpenSent) return fsm_error(p, slot, "OPEN");
    if (auto n = check_open(p.config, open)) {
      return close_connection(p, slot, "OPEN refused: " + bgp::describe(*n), n);
    }
    c.peer_open = open;
    c.negotiated = negotiate(p.config, open);
    c.options.four_octet_as = c.negotiated.four_octet_as;
    int other = 1 - slot;
    ConnState other_state = p.conns[other].state;
    bgp::Notification collision{bgp::error::kCease, bgp::cease::kConnectionCollisionResolution, {}};
    if (other_state == ConnState::kEstablished) {
      ++p.counters.collisions;
      return close_connection(p, slot, "connection collision: a session is already established",
                              collision);
    }
    if (other_state == ConnState::kOpenConfirm) {
      ++p.counters.collisions;
      bool keep_outgoing =
          collision_keeps_outgoing(p.local_id, p.config.local_asn, open.bgp_identifier, open.asn());
      int loser = keep_outgoing ? kIncoming : kOutgoing;
      close_connection(p, loser,
                       std::string("connection collision (RFC 4271 §6.8): kept the ") +
                           (keep_outgoing ? "outgoing" : "incoming") + " connection",
                       collision);
      if (loser == slot) return;
    }
    Connection& cc = p.conns[slot];
    cc.state = ConnState::kOpenConfirm;
    send_message(p, slot, bgp::Keepalive{});
    ++p.counters.keepalives_sent;
    TimePoint now = Clock::now();
    arm(p, hold_timer(slot), now + std::chrono::seconds(cc.negotiated.hold_time));
    arm(p, keepalive_timer(slot), now + std::chrono::seconds(cc.negotiated.keepalive_time));
    update_state(p, "OPEN received, hold time " + std::to_string(cc.negotiated.hold_time) + " s");
  }

  void handle_keepalive(Peer& p, int slot) {
    Connection& c = p.conns[slot];
    ++p.counters.keepalives_received;
    if (c.state == ConnState::kOpenSent) return fsm_error(p, slot, "KEEPALIVE");
    if (c.state != ConnState::kOpenConfirm) return;
    c.state = ConnState::kEstablished;
    p.live = slot;
    p.established_at = Clock::now();
    ++p.counters.established_transitions;
    p.eor_ipv4 = false;
    p.eor_ipv6 = false;
    const std::optional<bgp::GracefulRestart>& gr = c.peer_open->graceful_restart;
    if (p.rib.stale_ipv4() > 0 || p.rib.stale_ipv6() > 0) {
      // RFC 4724 §4.2: stale routes of a family the restarted peer no longer lists, or whose
      // forwarding state it did not keep (F bit clear), go now; the others wait for End-of-RIB.
      auto kept = [&](bgp::AfiSafi f) {
        return gr && std::any_of(gr->families.begin(), gr->families.end(), [&](const auto& x) {
                 return x.family == f && x.forwarding_state;
               });
      };
      bool drop4 = !kept(bgp::kIpv4Unicast);
      bool drop6 = !kept(bgp::kIpv6Unicast);
      if (drop4 || drop6) {
        sweep_stale(p, drop4, drop6, "graceful restart: forwarding state not kept");
      }
    } else {
      p.rib.clear();
    }
    p.peer_graceful_restart.reset();
    if (p.config.graceful_restart && gr) p.peer_graceful_restart = gr;
    update_state(p, "KEEPALIVE received");
    send_routes(p, slot, p.routes, c.negotiated.ipv4_unicast, c.negotiated.ipv6_unicast, true);
  }

  void handle_route_refresh(Peer& p, int slot, const bgp::RouteRefresh& rr) {
    Connection& c = p.conns[slot];
    ++p.counters.route_refreshes_received;
    if (c.state != ConnState::kEstablished) return fsm_error(p, slot, "ROUTE-REFRESH");
    // RFC 2918 §4: re-advertise the Adj-RIB-Out of the family; an unknown family is ignored.
    bool v4 = rr.family == bgp::kIpv4Unicast && c.negotiated.ipv4_unicast;
    bool v6 = rr.family == bgp::kIpv6Unicast && c.negotiated.ipv6_unicast;
    if (v4 || v6) send_routes(p, slot, p.routes, v4, v6, true);
  }

  void handle_update(Peer& p, int slot, bgp::Update& u, const bgp::DecodeResult& r) {
    Connection& c = p.conns[slot];
    if (c.state != ConnState::kEstablished) return fsm_error(p, slot, "UPDATE");
    ++p.counters.updates_received;
    bool want = events_wanted();
    Event e;
    auto withdraw4 = [&](const bgp::Ipv4Prefix& x) {
      if (p.rib.withdraw(x) && want) e.withdrawn_ipv4.push_back(x);
    };
    auto withdraw6 = [&](const bgp::Ipv6Prefix& x) {
      if (p.rib.withdraw(x) && want) e.withdrawn_ipv6.push_back(x);
    };
    for (const auto& x : u.withdrawn) withdraw4(x);
    if (u.mp_unreach) {
      for (const auto& x : u.mp_unreach->ipv4) withdraw4(x);
      for (const auto& x : u.mp_unreach->ipv6) withdraw6(x);
    }
    for (const auto& x : r.withdraw_ipv4) withdraw4(x);
    for (const auto& x : r.withdraw_ipv6) withdraw6(x);
    if (r.action == bgp::ErrorAction::kTreatAsWithdraw) {
      ++p.counters.treat_as_withdraw;
      if (want) {
        Event err;
        err.kind = EventKind::kUpdateError;
        err.peer = p.id;
        err.peer_name = p.config.display_name();
        for (const std::string& note : r.notes) {
          if (!err.reason.empty()) err.reason += "; ";
          err.reason += note;
        }
        emit(std::move(err));
      }
    }
    const Negotiated& n = c.negotiated;
    if (!u.nlri.empty() && n.ipv4_unicast) {
      std::uint32_t set = p.rib.intern(u.attributes);
      for (const auto& x : u.nlri) p.rib.announce(x, set);
      p.rib.release_set(set);
      if (want) e.announced_ipv4.insert(e.announced_ipv4.end(), u.nlri.begin(), u.nlri.end());
    }
    if (u.mp_reach) {
      bgp::PathAttributes attributes = u.attributes;
      attributes.next_hop = u.mp_reach->next_hop;
      if (!u.mp_reach->ipv4.empty() && n.ipv4_unicast) {
        std::uint32_t set = p.rib.intern(attributes);
        for (const auto& x : u.mp_reach->ipv4) p.rib.announce(x, set);
        p.rib.release_set(set);
        if (want) {
          e.announced_ipv4.insert(e.announced_ipv4.end(), u.mp_reach->ipv4.begin(),
                                  u.mp_reach->ipv4.end());
        }
      }
      if (!u.mp_reach->ipv6.empty() && n.ipv6_unicast) {
        std::uint32_t set = p.rib.intern(attributes);
        for (const auto& x : u.mp_reach->ipv6) p.rib.announce(x, set);
        p.rib.release_set(set);
        if (want) {
          e.announced_ipv6.insert(e.announced_ipv6.end(), u.mp_reach->ipv6.begin(),
                                  u.mp_reach->ipv6.end());
        }
      }
    }
    if (want && (!e.announced_ipv4.empty() || !e.withdrawn_ipv4.empty() ||
                 !e.announced_ipv6.empty() || !e.withdrawn_ipv6.empty())) {
      e.kind = EventKind::kRoutesChanged;
      e.peer = p.id;
      e.peer_name = p.config.display_name();
      emit(std::move(e));
    }
    if (r.action == bgp::ErrorAction::kNone) {
      if (auto family = u.end_of_rib()) {
        if (*family == bgp::kIpv4Unicast) p.eor_ipv4 = true;
        if (*family == bgp::kIpv6Unicast) p.eor_ipv6 = true;
        // RFC 4724 §4.2: End-of-RIB ends the family's stale routes not announced again.
        sweep_stale(p, *family == bgp::kIpv4Unicast, *family == bgp::kIpv6Unicast,
                    "End-of-RIB after a graceful restart");
        if (want) {
          Event eor;
          eor.kind = EventKind::kEndOfRib;
          eor.peer = p.id;
          eor.peer_name = p.config.display_name();
          eor.family = *family;
          emit(std::move(eor));
        }
      }
    }
    check_prefix_limit(p, slot, bgp::kIpv4Unicast, p.rib.ipv4_size(), p.config.max_prefixes_ipv4);
    if (p.live == slot) {
      check_prefix_limit(p, slot, bgp::kIpv6Unicast, p.rib.ipv6_size(), p.config.max_prefixes_ipv6);
    }
  }

  // RFC 4486 §4 and AWS's limit: more than `limit` prefixes ends the session with Cease 6/1 and
  // holds it Idle for `prefix_limit_restart`.
  void check_prefix_limit(Peer& p, int slot, bgp::AfiSafi family, std::size_t count,
                          std::uint32_t limit) {
    if (limit == 0 || count <= limit) return;
    ++p.counters.prefix_limit_trips;
    std::string reason = "received " + std::to_string(count) + " " +
                         (family == bgp::kIpv4Unicast ? "IPv4" : "IPv6") +
                         " prefixes, more than the limit of " + std::to_string(limit);
    if (events_wanted()) {
      Event e;
      e.kind = EventKind::kPrefixLimitExceeded;
      e.peer = p.id;
      e.peer_name = p.config.display_name();
      e.family = family;
      e.reason = reason;
      emit(std::move(e));
    }
    p.idle_hold = true;
    close_connection(p, slot, reason, bgp::maximum_prefixes_reached(family, limit));
  }

  // ---- sending routes

  void send_routes(Peer& p, int slot, const std::vector<Route>& routes, bool v4, bool v6,
                   bool end_of_rib) {
    Connection& c = p.conns[slot];
    struct Group4 {
      bgp::PathAttributes attributes;
      std::vector<bgp::Ipv4Prefix> prefixes;
    };
    struct Group6 {
      bgp::PathAttributes attributes;
      bgp::Ipv6NextHop next_hop;
      std::vector<bgp::Ipv6Prefix> prefixes;
    };
    std::vector<Group4> groups4;
    std::vector<Group6> groups6;
    for (const Route& route : routes) {
      bool is_v4 = route.prefix.family() == Family::kV4;
      if ((is_v4 && !v4) || (!is_v4 && !v6)) continue;
      auto ex = export_route(route, p.config, c.local);
      if (!ex) continue;
      if (is_v4) {
        auto it = std::find_if(groups4.begin(), groups4.end(),
                               [&](const Group4& g) { return g.attributes == ex->attributes; });
        if (it == groups4.end()) {
          groups4.push_back(Group4{ex->attributes, {}});
          it = groups4.end() - 1;
        }
        it->prefixes.push_back(bgp::Ipv4Prefix::from(route.prefix));
      } else {
        auto it = std::find_if(groups6.begin(), groups6.end(), [&](const Group6& g) {
          return g.attributes == ex->attributes && g.next_hop.global == ex->ipv6_next_hop->global;
        });
        if (it == groups6.end()) {
          groups6.push_back(Group6{ex->attributes, *ex->ipv6_next_hop, {}});
          it = groups6.end() - 1;
        }
        it->prefixes.push_back(bgp::Ipv6Prefix::from(route.prefix));
      }
    }
    std::size_t sent = 0;
    for (const Group4& g : groups4) {
      sent += bgp::pack_ipv4(g.attributes, g.prefixes, c.options, c.out).value_or(0);
    }
    for (const Group6& g : groups6) {
      sent += bgp::pack_ipv6(g.attributes, g.next_hop, g.prefixes, c.options, c.out).value_or(0);
    }
    if (end_of_rib) {
      // RFC 4724 §2: an empty UPDATE for IPv4, an empty MP_UNREACH_NLRI for other families.
      if (v4 && bgp::encode_to(bgp::Update{}, c.options, c.out)) ++sent;
      if (v6) {
        bgp::Update eor;
        eor.mp_unreach = bgp::MpUnreach{bgp::kIpv6Unicast, {}, {}};
        if (bgp::encode_to(eor, c.options, c.out)) ++sent;
      }
    }
    p.counters.updates_sent += sent;
    p.counters.messages_sent += sent;
    flush(p, slot);
  }

  void send_withdrawals(Peer& p, int slot, const std::vector<Prefix>& prefixes) {
    Connection& c = p.conns[slot];
    std::vector<bgp::Ipv4Prefix> v4;
    std::vector<bgp::Ipv6Prefix> v6;
    for (const Prefix& x : prefixes) {
      if (x.family() == Family::kV4 && c.negotiated.ipv4_unicast) {
        v4.push_back(bgp::Ipv4Prefix::from(x));
      } else if (x.family() == Family::kV6 && c.negotiated.ipv6_unicast) {
        v6.push_back(bgp::Ipv6Prefix::from(x));
      }
    }
    std::size_t sent = bgp::pack_withdrawals(v4, c.out) + bgp::pack_withdrawals(v6, c.out);
    p.counters.updates_sent += sent;
    p.counters.messages_sent += sent;
    flush(p, slot);
  }

  // ---- the loop

  void dispatch(const epoll_event& ev, TimePoint now) {
    std::uint64_t data = ev.data.u64;
    switch (tag_of(data)) {
      case kTagWake: {
        std::uint64_t v;
        (void)!read(wake_fd, &v, sizeof v);
        return;
      }
      case kTagListener: {
        std::size_t i = data & 0xFFFFFFFF;
        if (i < listeners.size()) accept_from(listeners[i]);
        return;
      }
      case kTagClosing:
        drain_closing(static_cast<int>(data & 0xFFFFFFFF), now);
        return;
      default:
        break;
    }
    int slot = static_cast<int>(data & 1);
    PeerId id = static_cast<PeerId>((data >> 1) & 0x1FFFFFFF);
    auto generation = static_cast<std::uint32_t>((data >> 30) & 0xFFFFFFFF);
    if (id >= peers.size()) return;
    Peer& p = *peers[id];
    Connection& c = p.conns[slot];
    if (c.generation != generation || c.fd < 0) return;  // closed earlier in this batch
    if (c.state == ConnState::kConnect) {
      if (ev.events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) connect_done(p);
      return;
    }
    if (ev.events & EPOLLOUT) flush(p, slot);
    if (ev.events & (EPOLLIN | EPOLLERR | EPOLLHUP)) readable(p, slot);
  }

  void run() {
    std::vector<epoll_event> ready(64);
    std::vector<Event> deliver;
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
        for (int i = 0; i < n; ++i) dispatch(ready[static_cast<std::size_t>(i)], now);
        now = Clock::now();
        run_timers(now);
        reap_closing(now);
        deliver.swap(pending);
      }
      for (const Event& e : deliver) options.on_event(e);
      deliver.clear();
    }
    {
      std::lock_guard lock(mu);
      shutdown_all();
      deliver.swap(pending);
    }
    for (const Event& e : deliver) options.on_event(e);
  }

  // Stop: Cease 6/2 to established peers (RFC 4486 §4), sent with a short bounded wait.
  void shutdown_all() {
    for (auto& pp : peers) {
      Peer& p = *pp;
      for (int slot = 0; slot < 2; ++slot) {
        Connection& c = p.conns[slot];
        if (c.fd < 0) continue;
        if (c.state == ConnState::kEstablished || c.state == ConnState::kOpenConfirm) {
          bgp::Notification n = bgp::administrative_cease(bgp::cease::kAdministrativeShutdown, "");
          send_message(p, slot, n);
          ++p.counters.notifications_sent;
          p.last_sent = n;
          TimePoint deadline = Clock::now() + std::chrono::milliseconds(500);
          while (c.out_offset < c.out.size() && Clock::now() < deadline) {
            pollfd pfd{c.fd, POLLOUT, 0};
            poll(&pfd, 1, 50);
            flush(p, slot);
          }
          shutdown(c.fd, SHUT_WR);
        }
        close_fd(p, slot);
      }
      p.live = -1;
      flush_adj_rib_in(p);  // stale routes too
      cancel(p, kConnectRetryTimer);
      p.started = false;
      set_state(p, SessionState::kIdle, "administrative shutdown",
                bgp::administrative_cease(bgp::cease::kAdministrativeShutdown, ""));
    }
    for (Closing& c : closing) close(c.fd);
    closing.clear();
  }

  // Ends the session on purpose (RFC 4486 §4: Cease 6/2 with an RFC 9003 communication) and
  // holds it Idle: no restart, incoming connections refused.
  void disable(Peer& p, const std::string& reason, const bgp::Notification& n) {
    TimePoint now = Clock::now();
    p.started = false;
    p.idle_hold = false;
    for (int slot = 0; slot < 2; ++slot) {
      Connection& c = p.conns[slot];
      if (c.fd < 0) continue;
      if (c.state == ConnState::kOpenConfirm || c.state == ConnState::kEstablished) {
        send_message(p, slot, n);
        ++p.counters.notifications_sent;
        p.last_sent = n;
      }
      if (c.state == ConnState::kConnect) {
        close_fd(p, slot);
      } else {
        linger(p, slot, now);
        reset_connection(p, slot);
      }
    }
    p.live = -1;
    flush_adj_rib_in(p);  // stale routes too
    p.peer_graceful_restart.reset();
    cancel(p, kConnectRetryTimer);
    set_state(p, SessionState::kIdle, reason, n);
  }

  void start_peer(Peer& p, TimePoint now) {
    p.started = true;
    update_state(p, "start");
    if (!p.config.passive) connect_out(p, now);
  }

  void install_md5(const Listener& l, const PeerConfig& cfg) {
    if (cfg.md5_key.empty() || cfg.peer_address.family() != l.address.family()) return;
    if (!l.wildcard && !(cfg.local_address == l.address)) return;
    (void)set_tcp_md5(l.fd, cfg.peer_address, cfg.md5_key);
  }

  SessionInfo info(const Peer& p) const {
    SessionInfo s;
    s.id = p.id;
    s.name = p.config.display_name();
    s.local_address = p.config.local_address;
    s.peer_address = p.config.peer_address;
    s.local_asn = p.config.local_asn;
    s.peer_asn = p.config.peer_asn;
    s.state = p.state;
    int slot = p.live;
    if (slot < 0) slot = p.conns[0].state >= p.conns[1].state ? 0 : 1;
    const Connection& c = p.conns[slot];
    if (p.live >= 0) s.uptime = Clock::now() - p.established_at;
    if (c.state >= ConnState::kOpenConfirm) {
      s.hold_time = c.negotiated.hold_time;
      s.keepalive_time = c.negotiated.keepalive_time;
      s.peer_bgp_identifier = c.peer_open ? c.peer_open->bgp_identifier : 0;
      s.ipv4_unicast = c.negotiated.ipv4_unicast;
      s.ipv6_unicast = c.negotiated.ipv6_unicast;
      s.outgoing = slot == kOutgoing;
    }
    s.end_of_rib_ipv4 = p.eor_ipv4;
    s.end_of_rib_ipv6 = p.eor_ipv6;
    s.prefixes_ipv4 = p.rib.ipv4_size();
    s.prefixes_ipv6 = p.rib.ipv6_size();
    s.attribute_sets = p.rib.attribute_sets();
    s.stale_prefixes = p.rib.stale_ipv4() + p.rib.stale_ipv6();
    s.advertised_routes = p.routes.size();
    s.counters = p.counters;
    s.last_reason = p.last_reason;
    s.last_notification_sent = p.last_sent;
    s.last_notification_received = p.last_received;
    return s;
  }
};

Speaker::Speaker(SpeakerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl_->epoll_fd >= 0 && impl_->wake_fd >= 0) {
    impl_->register_fd(impl_->wake_fd, kTagWake << 62, EPOLLIN);
  }
}

Speaker::~Speaker() {
  stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

Speaker::ListenResult Speaker::listen(const IpAddress& address, std::uint16_t port) {
  std::lock_guard lock(impl_->mu);
  ListenResult result;
  if (impl_->epoll_fd < 0) {
    result.error = "epoll unavailable";
    return result;
  }
  int fd = socket(address.is_v4() ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                  IPPROTO_TCP);
  if (fd < 0) {
    result.error = "socket: " + errno_text(errno);
    return result;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (address.is_v6()) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(address, port, ss);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 64) != 0) {
    result.error =
        "listen on " + address.str() + " port " + std::to_string(port) + ": " + errno_text(errno);
    close(fd);
    return result;
  }
  sockaddr_storage bound;
  socklen_t bound_len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  result.port = bound.ss_family == AF_INET
                    ? ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port)
                    : ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  Listener l{fd, address, result.port, address.bits() == 0};
  for (auto& p : impl_->peers) impl_->install_md5(l, p->config);
  impl_->register_fd(fd, (kTagListener << 62) | impl_->listeners.size(), EPOLLIN);
  impl_->listeners.push_back(l);
  return result;
}

Speaker::AddResult Speaker::add_peer(PeerConfig config) {
  AddResult result;
  result.errors = validate(config);
  if (!result.ok()) return result;
  std::lock_guard lock(impl_->mu);
  auto p = std::make_unique<Peer>();
  p->id = static_cast<PeerId>(impl_->peers.size());
  p->local_id = local_identifier(config);
  p->routes = config.routes;
  p->config = std::move(config);
  for (const Listener& l : impl_->listeners) impl_->install_md5(l, p->config);
  result.id = p->id;
  impl_->peers.push_back(std::move(p));
  if (impl_->running) {
    impl_->start_peer(*impl_->peers.back(), Clock::now());
    impl_->wake();
  }
  return result;
}

bool Speaker::set_routes(PeerId id, std::vector<Route> routes) {
  std::lock_guard lock(impl_->mu);
  if (id >= impl_->peers.size()) return false;
  Peer& p = *impl_->peers[id];
  if (p.live >= 0) {
    std::map<Prefix, const Route*> before;
    for (const Route& r : p.routes) before[r.prefix] = &r;
    std::map<Prefix, const Route*> after;
    for (const Route& r : routes) after[r.prefix] = &r;
    std::vector<Prefix> withdrawn;
    for (const auto& [prefix, r] : before) {
      if (!after.contains(prefix)) withdrawn.push_back(prefix);
    }
    std::vector<Route> changed;
    for (const auto& [prefix, r] : after) {
      auto it = before.find(prefix);
      if (it == before.end() || !(*it->second == *r)) changed.push_back(*r);
    }
    const Negotiated& n = p.conns[p.live].negotiated;
    if (!withdrawn.empty()) impl_->send_withdrawals(p, p.live, withdrawn);
    if (!changed.empty()) {
      impl_->send_routes(p, p.live, changed, n.ipv4_unicast, n.ipv6_unicast, false);
    }
  }
  p.routes = std::move(routes);
  impl_->wake();
  return true;
}

bool Speaker::disable_peer(PeerId id, std::string_view communication) {
  std::lock_guard lock(impl_->mu);
  if (id >= impl_->peers.size()) return false;
  Peer& p = *impl_->peers[id];
  if (!p.enabled) return true;
  p.enabled = false;
  if (impl_->running) {
    impl_->disable(p, "administrative shutdown",
                   bgp::administrative_cease(bgp::cease::kAdministrativeShutdown, communication));
    impl_->wake();
  }
  return true;
}

bool Speaker::enable_peer(PeerId id) {
  std::lock_guard lock(impl_->mu);
  if (id >= impl_->peers.size()) return false;
  Peer& p = *impl_->peers[id];
  if (p.enabled) return true;
  p.enabled = true;
  if (impl_->running) {
    impl_->start_peer(p, Clock::now());
    impl_->wake();
  }
  return true;
}

bool Speaker::start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->running || impl_->epoll_fd < 0 || impl_->wake_fd < 0) return false;
  impl_->running = true;
  TimePoint now = Clock::now();
  for (auto& p : impl_->peers) {
    if (p->enabled) impl_->start_peer(*p, now);
  }
  impl_->thread = std::thread([this] { impl_->run(); });
  return true;
}

void Speaker::stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->running) return;
    impl_->running = false;
    impl_->stopping = true;
    impl_->wake();
  }
  // From an event callback (the loop's own thread) the loop ends after it returns; the
  // destructor joins.
  if (impl_->thread.joinable() && impl_->thread.get_id() != std::this_thread::get_id()) {
    impl_->thread.join();
  }
}

std::vector<SessionInfo> Speaker::sessions() const {
  std::lock_guard lock(impl_->mu);
  std::vector<SessionInfo> out;
  out.reserve(impl_->peers.size());
  for (const auto& p : impl_->peers) out.push_back(impl_->info(*p));
  return out;
}

std::optional<SessionInfo> Speaker::session(PeerId id) const {
  std::lock_guard lock(impl_->mu);
  if (id >= impl_->peers.size()) return std::nullopt;
  return impl_->info(*impl_->peers[id]);
}

RibSnapshot Speaker::adj_rib_in(PeerId id) const {
  std::lock_guard lock(impl_->mu);
  if (id >= impl_->peers.size()) return {};
  return impl_->peers[id]->rib.snapshot();
}

}  // namespace cloudtwin::hybrid
