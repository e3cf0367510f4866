// BFD sessions over UDP (RFC 5880 asynchronous mode, RFC 5881 single hop over IPv4 and IPv6)
// on one thread of their own, beside the BGP speaker: `serve bgp` runs one per virtual interface
// and takes the BGP session down when `BfdStateChange::path_failed()`. Direct Connect's values
// are the defaults: 300 ms x 3 (../shared/reference/direct-connect.md §2.4).
//
// Each session receives on local_address:local_port (3784; every session of one address shares
// the socket) and sends from local_address and a port of its own in 49152-65535 (RFC 5881 §4)
// to peer_address:peer_port, with TTL / hop limit 255; packets received with another TTL are
// discarded (RFC 5881 §5, GTSM). The state machine is bfd_session.h's, the codec bfd_packet.h's.
// `multihop` sessions (RFC 5883) use port 4784 and skip the TTL check. Not implemented: Demand
// mode on our side, the Echo function, authentication (packets with the A bit are refused).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/core/ip.h"
#include "cloudtwin/hybrid/bfd_packet.h"
#include "cloudtwin/hybrid/bfd_session.h"

namespace cloudtwin::hybrid {

using BfdSessionId = std::uint32_t;

struct BfdConfig {
  std::string name;  // for logs and events, e.g. the virtual interface's id
  IpAddress local_address;
  IpAddress peer_address;  // same family; one session per local address, port and peer
  std::chrono::microseconds desired_min_tx{300'000};
  std::chrono::microseconds required_min_rx{300'000};
  std::uint8_t multiplier = 3;
  bool passive = false;  // wait for the peer's first packet (RFC 5880 §6.1)
  // RFC 5883: port 4784 and no TTL check (a multihop path cannot prove its hop count). Not
  // what Direct Connect runs; BIRD will not run single-hop BFD over loopback, its tests do.
  bool multihop = false;
  std::uint16_t local_port = 0;  // 0: 3784 (4784 multihop); others only for tests on one host
  std::uint16_t peer_port = 0;
};

// What add() refuses: mixed families, desired_min_tx below 1 ms, an interval past 32 bits of
// microseconds, multiplier 0.
[[nodiscard]] std::vector<std::string> validate(const BfdConfig& config);

struct BfdCounters {
  std::uint64_t packets_received = 0;  // accepted by the session
  std::uint64_t packets_sent = 0;
  std::uint64_t packets_discarded = 0;  // from the peer's address, refused (reason: last_discard)
  std::uint32_t up_transitions = 0;
  std::uint32_t detection_timeouts = 0;  // Down with diagnostic 1
  std::uint32_t polls_completed = 0;     // Poll Sequences ended by the peer's Final
};

// A session as `BfdSessions::sessions()` sees it at one instant.
struct BfdSessionInfo {
  BfdSessionId id = 0;
  std::string name;
  IpAddress local_address;
  IpAddress peer_address;
  bfd::State state = bfd::State::kDown;
  bfd::State remote_state = bfd::State::kDown;
  bfd::Diagnostic local_diagnostic = bfd::Diagnostic::kNone;
  bfd::Diagnostic remote_diagnostic = bfd::Diagnostic::kNone;
  std::uint32_t local_discriminator = 0;
  std::uint32_t remote_discriminator = 0;
  std::chrono::microseconds tx_interval{};     // negotiated, before jitter (0: not sending)
  std::chrono::microseconds detection_time{};  // 0 before the peer's first packet
  std::chrono::microseconds remote_min_tx{};
  std::chrono::microseconds remote_min_rx{};
  std::uint8_t remote_multiplier = 0;
  bool poll_active = false;
  std::uint16_t source_port = 0;
  std::chrono::steady_clock::duration uptime{};  // since Up; zero otherwise
  BfdCounters counters;
  std::string last_discard;  // why the last packet from the peer was refused
};

struct BfdStateChange {
  BfdSessionId id = 0;
  std::string name;
  bfd::State from = bfd::State::kDown;
  bfd::State to = bfd::State::kDown;
  bfd::Diagnostic diagnostic = bfd::Diagnostic::kNone;  // ours after the change
  bfd::State remote_state = bfd::State::kDown;
  // Up to Down other than by the peer's AdminDown: the forwarding path failed and the client
  // protocol goes down with it (RFC 5882 §3.2: a peer's AdminDown is not a failure).
  [[nodiscard]] bool path_failed() const {
    return from == bfd::State::kUp && to == bfd::State::kDown &&
           remote_state != bfd::State::kAdminDown;
  }
};

struct BfdOptions {
  // Called on the sessions' thread with no lock held (it may call `sessions()`).
  std::function<void(const BfdStateChange&)> on_state_change;
};

class BfdSessions {
 public:
  explicit BfdSessions(BfdOptions options = {});
  ~BfdSessions();  // stop()
  BfdSessions(const BfdSessions&) = delete;
  BfdSessions& operator=(const BfdSessions&) = delete;

  struct AddResult {
    BfdSessionId id = 0;
    std::vector<std::string> errors;  // validate(), a duplicate, or a socket that would not bind
    [[nodiscard]] bool ok() const { return errors.empty(); }
  };
  // Opens the session's sockets; before or after start() (a running set starts it at once).
  [[nodiscard]] AddResult add(BfdConfig config);

  // Starts the thread; false when already started or epoll is unavailable.
  [[nodiscard]] bool start();
  // With `admin_down`, each session first tells its peer AdminDown (diagnostic 7, RFC 5880
  // §6.8.16) so that the peer's client protocols stay up; without, it falls silent as a failed
  // path would. Then closes every socket and joins the thread. Idempotent; no restart.
  void stop(bool admin_down = true);

  // RFC 5880 §6.8.16: hold the session AdminDown, or let it come up again.
  bool set_admin_down(BfdSessionId id, bool admin_down);

  [[nodiscard]] std::vector<BfdSessionInfo> sessions() const;
  [[nodiscard]] std::optional<BfdSessionInfo> session(BfdSessionId id) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cloudtwin::hybrid
