// One BFD session in asynchronous mode (RFC 5880 §6.8) as a pure state machine: the caller
// passes the time and a random fraction for jitter, hands it packets that passed `decode` and
// the session lookup, and sends the packets it returns. `BfdSessions` (bfd.h) puts it on sockets.
//
// Implemented: the state machine (§6.8.6), transmission intervals with jitter (§6.8.7),
// detection time (§6.8.4), the Poll Sequence for parameter changes (§6.5, §6.8.3), slow start at
// 1 s until Up (§6.8.3), the passive role, honouring a peer in Demand mode (§6.8.7) and
// AdminDown (§6.8.16). Not implemented: Demand mode on our side, the Echo function,
// authentication.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "cloudtwin/hybrid/bfd_packet.h"

namespace cloudtwin::hybrid::bfd {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Micros = std::chrono::microseconds;

// §6.8.3: bfd.DesiredMinTxInterval is at least one second while the session is not Up.
inline constexpr Micros kSlowStartInterval{1'000'000};

struct Parameters {
  Micros desired_min_tx{300'000};  // AWS: 300 ms x 3 (direct-connect.md §2.4)
  Micros required_min_rx{300'000};
  std::uint8_t detect_mult = 3;
  bool passive = false;  // §6.8.1 bfd.Passive: send nothing until the peer has spoken
};

// §6.8.7: a transmission interval reduced by 0-25 % at random (10-25 % with Detect Mult 1, so
// that a single packet still arrives within the detection time); `fraction` in [0, 1).
[[nodiscard]] Micros jittered(Micros interval, std::uint8_t detect_mult, double fraction);

struct Transition {
  State from = State::kDown;
  State to = State::kDown;
  Diagnostic diagnostic = Diagnostic::kNone;  // bfd.LocalDiag after the change
  friend bool operator==(const Transition&, const Transition&) = default;
};

class Session {
 public:
  Session(Parameters parameters, std::uint32_t local_discriminator);

  // A packet that passed `decode` and whose Your Discriminator, when not zero, is ours
  // (§6.8.6 from "Set bfd.RemoteDiscr" on). Restarts the detection timer.
  std::optional<Transition> receive(const ControlPacket& packet, TimePoint now);
  // The detection timer (§6.8.4): Init or Up go Down with diagnostic 1; in Down, the remote
  // discriminator is forgotten (§6.8.1).
  std::optional<Transition> expire(TimePoint now);
  // The packet to send at `now`, if one is due: a Final owed to a Poll, one after a state or
  // parameter change, or the periodic one; schedules the next periodic packet with `fraction`.
  [[nodiscard]] std::optional<ControlPacket> transmit(TimePoint now, double fraction);
  // When `expire` or `transmit` next has something to do (TimePoint::min(): at once).
  [[nodiscard]] TimePoint next_event() const;

  // §6.8.16: AdminDown (diagnostic 7) and back to Down.
  std::optional<Transition> set_admin_down(bool admin_down);
  // New intervals, announced with a Poll Sequence (§6.8.3).
  void set_intervals(Micros desired_min_tx, Micros required_min_rx);

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] State remote_state() const { return remote_state_; }
  [[nodiscard]] Diagnostic local_diagnostic() const { return local_diag_; }
  [[nodiscard]] Diagnostic remote_diagnostic() const { return remote_diag_; }
  [[nodiscard]] std::uint32_t local_discriminator() const { return local_discr_; }
  [[nodiscard]] std::uint32_t remote_discriminator() const { return remote_discr_; }
  [[nodiscard]] const Parameters& parameters() const { return parameters_; }
  // bfd.DesiredMinTxInterval as sent now (1 s or more until Up).
  [[nodiscard]] Micros advertised_min_tx() const { return advertised_tx_; }
  // The periodic interval before jitter: the larger of ours in use and the peer's Required Min
  // RX (§6.8.7); zero when the peer asked for none.
  [[nodiscard]] Micros tx_interval() const;
  // §6.8.4, asynchronous mode: the peer's Detect Mult times the larger of our Required Min RX
  // in use and its Desired Min TX; zero before the first packet.
  [[nodiscard]] Micros detection_time() const;
  [[nodiscard]] bool poll_active() const { return poll_active_; }
  [[nodiscard]] Micros remote_min_tx() const { return Micros{remote_desired_tx_}; }
  [[nodiscard]] Micros remote_min_rx() const { return Micros{remote_min_rx_}; }
  [[nodiscard]] std::uint8_t remote_detect_mult() const { return remote_detect_mult_; }
  [[nodiscard]] bool remote_demand() const { return remote_demand_; }
  // Whether periodic packets go out now (§6.8.7: passive without a peer, a peer asking for
  // none, or a peer in Demand mode with both Up stop them).
  [[nodiscard]] bool transmitting_periodically() const;

 private:
  std::optional<Transition> enter(State to, Diagnostic diagnostic);
  void update_intervals();
  void start_poll();
  [[nodiscard]] ControlPacket make_packet(bool final) const;

  Parameters parameters_;
  State state_ = State::kDown;
  State remote_state_ = State::kDown;
  std::uint32_t local_discr_;
  std::uint32_t remote_discr_ = 0;
  Diagnostic local_diag_ = Diagnostic::kNone;
  Diagnostic remote_diag_ = Diagnostic::kNone;
  Micros advertised_tx_;             // bfd.DesiredMinTxInterval
  Micros advertised_rx_;             // bfd.RequiredMinRxInterval
  Micros tx_in_use_;                 // differs from advertised_tx_ during a Poll after an increase
  Micros rx_in_use_;                 // differs from advertised_rx_ during a Poll after a decrease
  std::uint32_t remote_min_rx_ = 1;  // §6.8.1: bfd.RemoteMinRxInterval starts at 1
  std::uint32_t remote_desired_tx_ = 0;
  std::uint8_t remote_detect_mult_ = 0;
  bool remote_demand_ = false;
  bool poll_active_ = false;
  bool poll_again_ = false;  // parameters changed during a Poll: another follows it
  bool owe_final_ = false;
  bool send_now_ = false;
  TimePoint next_tx_ = TimePoint::min();
  std::optional<TimePoint> detect_deadline_;
};

}  // namespace cloudtwin::hybrid::bfd
