// Helpers for the speaker tests: polling with a deadline (never a fixed sleep), a thread-safe
// event log, and a raw BGP peer on a blocking socket that sends whatever bytes a test wants.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "cloudtwin/hybrid/bgp_message.h"
#include "cloudtwin/hybrid/speaker.h"

namespace cloudtwin::hybrid::testing {

using namespace std::chrono_literals;

// Polls `done` every 5 ms until it holds or `timeout` passes.
inline bool wait_for(const std::function<bool()>& done,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

inline bool wait_state(const Speaker& s, PeerId id, SessionState state,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  return wait_for([&] { return s.session(id)->state == state; }, timeout);
}

class EventLog {
 public:
  std::function<void(const Event&)> callback() {
    return [this](const Event& e) {
      std::lock_guard lock(mu_);
      events_.push_back(e);
    };
  }
  std::vector<Event> all() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::optional<Event> find(EventKind kind) const {
    std::lock_guard lock(mu_);
    for (const Event& e : events_) {
      if (e.kind == kind) return e;
    }
    return std::nullopt;
  }
  // The first transition into `to`.
  std::optional<Event> transition_to(SessionState to) const {
    std::lock_guard lock(mu_);
    for (const Event& e : events_) {
      if (e.kind == EventKind::kStateChanged && e.to == to) return e;
    }
    return std::nullopt;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Event> events_;
};

inline const IpAddress kLoopback = IpAddress::v4(0x7F000001);

// A BGP peer written by hand: a blocking client socket with a receive timeout.
class RawPeer {
 public:
  explicit RawPeer(std::uint16_t port, const IpAddress& to = kLoopback) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(static_cast<std::uint32_t>(to.bits()));
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0;
  }
  ~RawPeer() {
    if (fd_ >= 0) close(fd_);
  }
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }

  bool send_bytes(const std::vector<std::uint8_t>& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  bool send(const bgp::Message& m, const bgp::SessionOptions& options = {}) {
    auto bytes = bgp::encode(m, options);
    return bytes && send_bytes(*bytes);
  }

  // The next message, or nullopt on timeout, close or a broken stream.
  std::optional<bgp::Message> receive(const bgp::SessionOptions& options = {}) {
    for (;;) {
      auto m = framer_.next();
      if (!m.empty()) {
        auto r = bgp::decode(m, options);
        if (!r.ok()) return std::nullopt;
        return r.message;
      }
      if (framer_.error()) return std::nullopt;
      std::uint8_t buf[4096];
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return std::nullopt;
      framer_.feed(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)));
    }
  }

  // Skips messages until one of type T arrives (nullopt on timeout or close).
  template <typename T>
  std::optional<T> receive_until(const bgp::SessionOptions& options = {}) {
    for (int i = 0; i < 100; ++i) {
      auto m = receive(options);
      if (!m) return std::nullopt;
      if (auto* t = std::get_if<T>(&*m)) return *t;
    }
    return std::nullopt;
  }

  // True when the speaker closed the connection (EOF or reset) within the receive timeout.
  bool closed_by_speaker() {
    std::uint8_t buf[4096];
    for (;;) {
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

  // OPEN as a customer router sends it, and the KEEPALIVE that completes the handshake.
  bool establish(std::uint32_t asn, std::uint16_t hold_time, std::uint32_t identifier) {
    return establish(customer_open(asn, hold_time, identifier));
  }
  static bgp::Open customer_open(std::uint32_t asn, std::uint16_t hold_time,
                                 std::uint32_t identifier) {
    bgp::Open open;
    open.set_asn(asn);
    open.hold_time = hold_time;
    open.bgp_identifier = identifier;
    open.multiprotocol = {bgp::kIpv4Unicast};
    open.route_refresh = true;
    return open;
  }
  bool establish(const bgp::Open& open) {
    if (!send(open)) return false;
    if (!receive_until<bgp::Open>()) return false;
    if (!send(bgp::Keepalive{})) return false;
    return receive_until<bgp::Keepalive>().has_value();
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bgp::Framer framer_;
};

}  // namespace cloudtwin::hybrid::testing
