// A BGP speaker: many sessions on one epoll thread, each running the RFC 4271 FSM over
// non-blocking TCP (MD5, TTL 1), with ConnectRetry, hold and keepalive timers, collision
// handling (§6.8), RFC 7606 error actions, End-of-RIB, route refresh, a per-family receive
// prefix limit (Cease 6/1) and a compact Adj-RIB-In per session. Independent of the AWS model:
// the caller says whom to peer with and what to advertise, and reads back sessions, routes and
// events.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/hybrid/adj_rib_in.h"
#include "cloudtwin/hybrid/bgp_message.h"
#include "cloudtwin/hybrid/peer_config.h"
#include "cloudtwin/hybrid/session_rules.h"

namespace cloudtwin::hybrid {

using PeerId = std::uint32_t;

struct SessionCounters {
  std::uint64_t messages_received = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t updates_received = 0;
  std::uint64_t updates_sent = 0;
  std::uint64_t keepalives_received = 0;
  std::uint64_t keepalives_sent = 0;
  std::uint64_t notifications_received = 0;
  std::uint64_t notifications_sent = 0;
  std::uint64_t route_refreshes_received = 0;
  std::uint64_t treat_as_withdraw = 0;  // UPDATEs handled as RFC 7606 treat-as-withdraw
  std::uint32_t established_transitions = 0;
  std::uint32_t collisions = 0;  // connections closed by RFC 4271 §6.8
  std::uint32_t prefix_limit_trips = 0;
  std::uint32_t graceful_restarts = 0;  // sessions lost with routes kept stale (RFC 4724)
};

// A session as `Speaker::sessions()` sees it at one instant.
struct SessionInfo {
  PeerId id = 0;
  std::string name;
  IpAddress local_address;
  IpAddress peer_address;
  std::uint32_t local_asn = 0;
  std::uint32_t peer_asn = 0;
  SessionState state = SessionState::kIdle;
  std::chrono::steady_clock::duration uptime{};  // since Established; zero otherwise
  std::uint16_t hold_time = 0;                   // negotiated (OpenConfirm, Established)
  std::uint16_t keepalive_time = 0;              // negotiated
  std::uint32_t peer_bgp_identifier = 0;
  bool outgoing = false;      // the live connection was opened by this side
  bool ipv4_unicast = false;  // negotiated families
  bool ipv6_unicast = false;
  bool end_of_rib_ipv4 = false;  // received
  bool end_of_rib_ipv6 = false;
  std::size_t prefixes_ipv4 = 0;  // in the Adj-RIB-In
  std::size_t prefixes_ipv6 = 0;
  std::size_t attribute_sets = 0;
  std::size_t stale_prefixes = 0;     // kept across the peer's restart (RFC 4724 §4.2)
  std::size_t advertised_routes = 0;  // Adj-RIB-Out
  SessionCounters counters;
  std::string last_reason;  // why the state last changed
  std::optional<bgp::Notification> last_notification_sent;
  std::optional<bgp::Notification> last_notification_received;
};

enum class EventKind : std::uint8_t {
  kStateChanged,         // from, to, reason, the NOTIFICATION sent or received if any
  kRoutesChanged,        // one UPDATE's effect (or the Adj-RIB-In flushed when a session ends)
  kPrefixLimitExceeded,  // family, reason; a kStateChanged to Idle follows
  kEndOfRib,             // family (RFC 4724 §2)
  kUpdateError,          // an RFC 7606 treat-as-withdraw; reason holds the codec's notes
};

struct Event {
  EventKind kind = EventKind::kStateChanged;
  PeerId peer = 0;
  std::string peer_name;
  SessionState from = SessionState::kIdle;
  SessionState to = SessionState::kIdle;
  std::string reason;
  std::optional<bgp::Notification> notification;
  bgp::AfiSafi family;
  std::vector<bgp::Ipv4Prefix> announced_ipv4;
  std::vector<bgp::Ipv4Prefix> withdrawn_ipv4;
  std::vector<bgp::Ipv6Prefix> announced_ipv6;
  std::vector<bgp::Ipv6Prefix> withdrawn_ipv6;
};

struct SpeakerOptions {
  // Called on the speaker's thread, never with its lock held (it may call `sessions()`); no
  // events are built when empty.
  std::function<void(const Event&)> on_event;
};

class Speaker {
 public:
  explicit Speaker(SpeakerOptions options = {});
  ~Speaker();  // stop()
  Speaker(const Speaker&) = delete;
  Speaker& operator=(const Speaker&) = delete;

  struct ListenResult {
    std::uint16_t port = 0;  // the bound port (the kernel's choice when 0 was asked)
    std::string error;
    [[nodiscard]] bool ok() const { return error.empty(); }
  };
  // Accepts sessions on `address`:`port` for every peer whose local address it is (or any peer
  // of the family, for a wildcard address); MD5 keys are installed per peer address.
  [[nodiscard]] ListenResult listen(const IpAddress& address, std::uint16_t port = 179);

  struct AddResult {
    PeerId id = 0;
    std::vector<std::string> errors;  // validate(); the peer is not added when not empty
    [[nodiscard]] bool ok() const { return errors.empty(); }
  };
  // Before or after start(); a running speaker starts the session at once.
  [[nodiscard]] AddResult add_peer(PeerConfig config);
  // Replaces the Adj-RIB-Out; an established session is sent the withdrawals and changes.
  bool set_routes(PeerId peer, std::vector<Route> routes);

  // Ends the session with Cease 6/2 Administrative Shutdown (the RFC 9003 communication, at
  // most 255 bytes, says why) and holds it Idle, refusing the peer, until enable_peer().
  bool disable_peer(PeerId peer, std::string_view communication = {});
  bool enable_peer(PeerId peer);

  // Starts the thread and every enabled session; false when already running or epoll is
  // unavailable.
  [[nodiscard]] bool start();
  // Sends Cease 6/2 (Administrative Shutdown) on established sessions, closes every socket and
  // joins the thread (from an event callback: the thread ends after the callback). Idempotent.
  void stop();

  [[nodiscard]] std::vector<SessionInfo> sessions() const;
  [[nodiscard]] std::optional<SessionInfo> session(PeerId peer) const;
  [[nodiscard]] RibSnapshot adj_rib_in(PeerId peer) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cloudtwin::hybrid
