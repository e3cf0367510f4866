#include "cloudtwin/hybrid/bfd_session.h"

#include <algorithm>

namespace cloudtwin::hybrid::bfd {

namespace {

std::uint32_t wire(Micros m) {
  return static_cast<std::uint32_t>(std::clamp<Micros::rep>(m.count(), 0, 0xFFFFFFFF));
}

}  // namespace

Micros jittered(Micros interval, std::uint8_t detect_mult, double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  // §6.8.7: 75-100 % of the interval; at most 90 % when Detect Mult is 1.
  double share = detect_mult == 1 ? 0.75 + 0.15 * fraction : 0.75 + 0.25 * fraction;
  return Micros{static_cast<Micros::rep>(static_cast<double>(interval.count()) * share)};
}

Session::Session(Parameters parameters, std::uint32_t local_discriminator)
    : parameters_(parameters), local_discr_(local_discriminator) {
  advertised_tx_ = std::max(parameters_.desired_min_tx, kSlowStartInterval);
  advertised_rx_ = parameters_.required_min_rx;
  tx_in_use_ = advertised_tx_;
  rx_in_use_ = advertised_rx_;
}

Micros Session::tx_interval() const {
  if (remote_min_rx_ == 0) return Micros{0};
  return std::max(tx_in_use_, Micros{remote_min_rx_});
}

Micros Session::detection_time() const {
  return remote_detect_mult_ * std::max(rx_in_use_, Micros{remote_desired_tx_});
}

bool Session::transmitting_periodically() const {
  if (parameters_.passive && remote_discr_ == 0) return false;  // §6.8.7
  if (remote_min_rx_ == 0) return false;                        // §6.8.7
  // §6.8.7: Demand mode active on the remote system.
  if (remote_demand_ && state_ == State::kUp && remote_state_ == State::kUp) return false;
  return true;
}

void Session::start_poll() {
  if (poll_active_) {
    poll_again_ = true;  // §6.5: no new Poll Sequence while one is active
    return;
  }
  poll_active_ = true;
  send_now_ = true;
}

// §6.8.3: the advertised Desired Min TX is at least 1 s until Up. A larger one while Up takes
// effect after the Poll Sequence; a smaller Required Min RX while Up keeps the old one for the
// detection time until then. Any change is announced with a Poll.
void Session::update_intervals() {
  Micros tx = state_ == State::kUp ? parameters_.desired_min_tx
                                   : std::max(parameters_.desired_min_tx, kSlowStartInterval);
  Micros rx = parameters_.required_min_rx;
  if (tx == advertised_tx_ && rx == advertised_rx_) return;
  advertised_tx_ = tx;
  advertised_rx_ = rx;
  if (!(state_ == State::kUp && tx > tx_in_use_)) tx_in_use_ = tx;
  if (!(state_ == State::kUp && rx < rx_in_use_)) rx_in_use_ = rx;
  start_poll();
}

std::optional<Transition> Session::enter(State to, Diagnostic diagnostic) {
  if (to == state_) return std::nullopt;
  Transition t{state_, to, diagnostic};
  state_ = to;
  local_diag_ = diagnostic;
  send_now_ = true;
  update_intervals();
  return t;
}

std::optional<Transition> Session::receive(const ControlPacket& p, TimePoint now) {
  // §6.8.6, after the checks `decode` makes and the session lookup.
  if (p.final && poll_active_) {
    poll_active_ = false;
    tx_in_use_ = advertised_tx_;
    rx_in_use_ = advertised_rx_;
    if (poll_again_) {
      poll_again_ = false;
      start_poll();
    }
  }
  remote_discr_ = p.my_discriminator;
  remote_state_ = p.state;
  remote_diag_ = p.diagnostic;
  remote_demand_ = p.demand;
  remote_min_rx_ = p.required_min_rx_us;
  remote_desired_tx_ = p.desired_min_tx_us;
  remote_detect_mult_ = p.detect_mult;
  detect_deadline_ = now + detection_time();

  if (state_ == State::kAdminDown) return std::nullopt;
  std::optional<Transition> t;
  if (p.state == State::kAdminDown) {
    if (state_ != State::kDown) t = enter(State::kDown, Diagnostic::kNeighborSignaledSessionDown);
  } else if (state_ == State::kDown) {
    if (p.state == State::kDown) {
      t = enter(State::kInit, local_diag_);
    } else if (p.state == State::kInit) {
      t = enter(State::kUp, Diagnostic::kNone);
    }
  } else if (state_ == State::kInit) {
    if (p.state == State::kInit || p.state == State::kUp) t = enter(State::kUp, Diagnostic::kNone);
  } else if (p.state == State::kDown) {  // Up
    t = enter(State::kDown, Diagnostic::kNeighborSignaledSessionDown);
  }
  // §6.8.6: a Poll is answered with a Final at once, whatever the timers and states.
  if (p.poll) owe_final_ = true;
  return t;
}

std::optional<Transition> Session::expire(TimePoint now) {
  if (!detect_deadline_ || now < *detect_deadline_) return std::nullopt;
  detect_deadline_.reset();
  // §6.8.1: no packet for a detection time: the peer's discriminator is forgotten, and its
  // state with it (our packets then carry Your Discriminator 0, as §6.8.6 expects in Down).
  remote_discr_ = 0;
  remote_state_ = State::kDown;
  remote_demand_ = false;
  if (state_ == State::kInit || state_ == State::kUp) {
    return enter(State::kDown, Diagnostic::kControlDetectionTimeExpired);  // §6.8.4
  }
  return std::nullopt;
}

ControlPacket Session::make_packet(bool final) const {
  ControlPacket p;
  p.diagnostic = local_diag_;
  p.state = state_;
  p.poll = poll_active_ && !final;  // §6.5: never both
  p.final = final;
  p.detect_mult = parameters_.detect_mult;
  p.my_discriminator = local_discr_;
  p.your_discriminator = remote_discr_;
  p.desired_min_tx_us = wire(advertised_tx_);
  p.required_min_rx_us = wire(advertised_rx_);
  p.required_min_echo_rx_us = 0;  // no Echo function
  return p;
}

std::optional<ControlPacket> Session::transmit(TimePoint now, double fraction) {
  bool periodic_due = transmitting_periodically() && now >= next_tx_;
  // §6.8.7: nothing at all from a passive system that has not heard its peer.
  bool may_send = !(parameters_.passive && remote_discr_ == 0);
  bool change_due = send_now_ && may_send && remote_min_rx_ != 0;
  if (!owe_final_ && !periodic_due && !change_due) {
    if (!may_send) send_now_ = false;
    return std::nullopt;
  }
  ControlPacket p = make_packet(owe_final_);
  owe_final_ = false;
  send_now_ = false;
  Micros interval = tx_interval();
  if (interval.count() > 0) next_tx_ = now + jittered(interval, parameters_.detect_mult, fraction);
  return p;
}

TimePoint Session::next_event() const {
  bool may_send = !(parameters_.passive && remote_discr_ == 0);
  if (owe_final_ || (send_now_ && may_send && remote_min_rx_ != 0)) return TimePoint::min();
  TimePoint next = TimePoint::max();
  if (transmitting_periodically()) next = next_tx_;
  if (detect_deadline_) next = std::min(next, *detect_deadline_);
  return next;
}

std::optional<Transition> Session::set_admin_down(bool admin_down) {
  if (admin_down) return enter(State::kAdminDown, Diagnostic::kAdministrativelyDown);
  if (state_ != State::kAdminDown) return std::nullopt;
  return enter(State::kDown, Diagnostic::kNone);
}

void Session::set_intervals(Micros desired_min_tx, Micros required_min_rx) {
  parameters_.desired_min_tx = desired_min_tx;
  parameters_.required_min_rx = required_min_rx;
  update_intervals();
}

}  // namespace cloudtwin::hybrid::bfd
