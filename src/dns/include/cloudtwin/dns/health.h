// Route 53's health evaluation (../shared/reference/route53.md §5) as a pure state machine:
// checker results in, each check's status out. Several checkers (one per checker Region) probe an
// endpoint on their own; each flips its view after FailureThreshold consecutive results of the
// other kind; a check is healthy when more than 18 % of its checkers say so. Inverted flips the
// status, Disabled pins it healthy, a calculated check counts its healthy children against
// HealthThreshold. The probes themselves (HTTP, HTTPS, TCP) feed record(); forced states (the
// CLI's --health) override everything.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cloudtwin/model/network.h"

namespace cloudtwin::dns {

// Route 53's default checker Regions (route53.md §5, the 2022 list): eight.
inline constexpr unsigned kDefaultCheckers = 8;

class HealthEvaluator {
 public:
  // The checks of a finalized network, in its order (the index is the check's index).
  explicit HealthEvaluator(const model::Network& network);

  [[nodiscard]] std::size_t size() const { return checks_.size(); }
  // How many checkers probe check `i` (its Regions, else eight; none for calculated and
  // CloudWatch checks, which have no endpoint).
  [[nodiscard]] unsigned checkers(std::size_t i) const { return static_cast<unsigned>(checks_[i].views.size()); }

  // One probe's result from checker `checker` of check `i`. Returns true when the check's status
  // changed (a calculated parent's may have too: read status() of every check after a change).
  bool record(std::size_t i, unsigned checker, bool passed);
  // Pins check `i` healthy or unhealthy whatever the probes say (nullopt: the probes decide).
  void force(std::size_t i, std::optional<bool> healthy);

  [[nodiscard]] bool healthy(std::size_t i) const;
  // How many of check `i`'s checkers see it healthy.
  [[nodiscard]] unsigned healthy_checkers(std::size_t i) const;
  // Every check's status, 1 healthy / 0 unhealthy, for the answer path.
  void snapshot(std::vector<std::uint8_t>& out) const;

 private:
  struct View {
    bool healthy = true;  // a new checker says healthy until it has seen FailureThreshold failures
    std::uint8_t streak = 0;  // consecutive results disagreeing with `healthy`
  };
  struct Check {
    std::string type;
    std::uint8_t threshold = 3;
    bool inverted = false;
    bool disabled = false;
    std::vector<View> views;
    std::vector<std::size_t> children;  // calculated
    std::int64_t health_threshold = 0;
    bool insufficient_data_healthy = true;  // CloudWatch: InsufficientDataHealthStatus
    std::optional<bool> forced;
  };
  [[nodiscard]] bool endpoint_healthy(const Check& c) const;
  std::vector<Check> checks_;
};

}  // namespace cloudtwin::dns
