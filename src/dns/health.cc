// HealthEvaluator (health.h): route53.md §5, rule by rule.
#include "cloudtwin/dns/health.h"

#include <algorithm>

namespace cloudtwin::dns {

HealthEvaluator::HealthEvaluator(const model::Network& network) {
  for (const auto& h : network.health_checks) {
    Check c;
    c.type = h.type;
    c.threshold = static_cast<std::uint8_t>(std::clamp<std::int64_t>(h.failure_threshold, 1, 10));
    c.inverted = h.inverted;
    c.disabled = h.disabled;
    const bool endpoint = h.type.starts_with("HTTP") || h.type == "TCP";
    if (endpoint) c.views.resize(h.regions.empty() ? kDefaultCheckers : h.regions.size());
    for (const auto& child : h.children) {
      if (child.resolved()) c.children.push_back(child.index);
    }
    c.health_threshold = h.health_threshold;
    c.insufficient_data_healthy = h.insufficient_data_health_status != "Unhealthy";
    checks_.push_back(std::move(c));
  }
}

bool HealthEvaluator::record(std::size_t i, unsigned checker, bool passed) {
  if (i >= checks_.size() || checker >= checks_[i].views.size()) return false;
  const bool before = healthy(i);
  Check& c = checks_[i];
  View& v = c.views[checker];
  // FailureThreshold consecutive results of the other kind flip a checker's view (both ways).
  if (passed == v.healthy) {
    v.streak = 0;
  } else if (++v.streak >= c.threshold) {
    v.healthy = passed;
    v.streak = 0;
  }
  return healthy(i) != before;
}

void HealthEvaluator::force(std::size_t i, std::optional<bool> healthy) {
  if (i < checks_.size()) checks_[i].forced = healthy;
}

unsigned HealthEvaluator::healthy_checkers(std::size_t i) const {
  const auto& views = checks_[i].views;
  return static_cast<unsigned>(std::count_if(views.begin(), views.end(), [](const View& v) { return v.healthy; }));
}

// "Healthy if more than 18 % of the checkers say healthy": with eight, two or more.
bool HealthEvaluator::endpoint_healthy(const Check& c) const {
  const auto n = c.views.size();
  const auto up = std::count_if(c.views.begin(), c.views.end(), [](const View& v) { return v.healthy; });
  return static_cast<double>(up) > 0.18 * static_cast<double>(n);
}

bool HealthEvaluator::healthy(std::size_t i) const {
  if (i >= checks_.size()) return true;
  const Check& c = checks_[i];
  if (c.forced) return *c.forced;
  if (c.disabled) return true;  // "Route 53 considers the status of a disabled check healthy"
  bool status = true;
  if (c.type == "CALCULATED") {
    // healthy when at least HealthThreshold children are; 0 = always; more than the children =
    // never. Disabled children count healthy (they are).
    std::int64_t up = 0;
    for (std::size_t child : c.children) up += (child != i && healthy(child)) ? 1 : 0;
    status = c.health_threshold == 0 || up >= c.health_threshold;
  } else if (c.views.empty()) {
    status = c.insufficient_data_healthy;  // CloudWatch and recovery-control checks: no probe here
  } else {
    status = endpoint_healthy(c);
  }
  return c.inverted ? !status : status;
}

void HealthEvaluator::snapshot(std::vector<std::uint8_t>& out) const {
  out.resize(checks_.size());
  for (std::size_t i = 0; i < checks_.size(); ++i) out[i] = healthy(i) ? 1 : 0;
}

}  // namespace cloudtwin::dns
