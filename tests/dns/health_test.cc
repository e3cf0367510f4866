// Route 53's health evaluation (../shared/reference/route53.md §5): FailureThreshold consecutive
// results flip a checker, more than 18 % of checkers make a check healthy, a new check is healthy
// (inverted: unhealthy), Disabled is healthy, a calculated check counts its children against
// HealthThreshold, and a forced state wins. Each test names the rule it checks.
#include <gtest/gtest.h>

#include "cloudtwin/dns/health.h"
#include "cloudtwin/load/native_yaml.h"

namespace cloudtwin::dns {
namespace {

model::Network network() {
  model::Network n;
  Diagnostics d;
  EXPECT_TRUE(load::read_native_yaml(R"(health_checks:
  - {name: web, type: HTTP, ip_address: 127.0.0.1, port: 80, failure_threshold: 3}
  - {name: inverted, type: TCP, ip_address: 127.0.0.1, port: 81, inverted: true, failure_threshold: 1}
  - {name: off, type: TCP, ip_address: 127.0.0.1, port: 82, disabled: true, failure_threshold: 1}
  - {name: three, type: TCP, ip_address: 127.0.0.1, port: 83, failure_threshold: 1, regions: [us-east-1, eu-west-1, ap-southeast-1]}
  - {name: both, type: CALCULATED, children: [web, three], health_threshold: 2}
  - {name: any, type: CALCULATED, children: [web, three], health_threshold: 0}
  - {name: too-many, type: CALCULATED, children: [web], health_threshold: 2}
  - {name: alarm, type: CLOUDWATCH_METRIC, insufficient_data_health_status: Unhealthy}
)", "checks.yaml", n, d));
  EXPECT_TRUE(model::finalize(n, d));
  for (const auto& item : d.items()) {
    if (item.severity == Severity::kError) ADD_FAILURE() << item.str();
  }
  return n;
}

constexpr std::size_t kWeb = 0, kInverted = 1, kOff = 2, kThree = 3, kBoth = 4, kAny = 5, kTooMany = 6, kAlarm = 7;

// §5: a new check is healthy until enough data; inverted, unhealthy. Eight default checkers.
TEST(Health, NewChecksAndDefaultCheckers) {
  HealthEvaluator h(network());
  EXPECT_EQ(h.checkers(kWeb), 8u);
  EXPECT_EQ(h.checkers(kThree), 3u);
  EXPECT_TRUE(h.healthy(kWeb));
  EXPECT_FALSE(h.healthy(kInverted));
  EXPECT_FALSE(h.healthy(kAlarm));  // InsufficientDataHealthStatus: Unhealthy
}

// §5: FailureThreshold consecutive failures flip one checker; a pass in between resets the count.
TEST(Health, FailureThresholdCountsConsecutiveResults) {
  HealthEvaluator h(network());
  h.record(kWeb, 0, false);
  h.record(kWeb, 0, false);
  h.record(kWeb, 0, true);  // the streak starts again
  h.record(kWeb, 0, false);
  h.record(kWeb, 0, false);
  EXPECT_EQ(h.healthy_checkers(kWeb), 8u);
  h.record(kWeb, 0, false);
  EXPECT_EQ(h.healthy_checkers(kWeb), 7u);
  // Back to healthy takes FailureThreshold consecutive passes too.
  h.record(kWeb, 0, true);
  h.record(kWeb, 0, true);
  EXPECT_EQ(h.healthy_checkers(kWeb), 7u);
  h.record(kWeb, 0, true);
  EXPECT_EQ(h.healthy_checkers(kWeb), 8u);
}

// §5: healthy when more than 18 % of checkers say so: of eight, two are enough, one is not.
TEST(Health, MoreThanEighteenPercentOfCheckers) {
  HealthEvaluator h(network());
  for (unsigned c = 0; c < 6; ++c) {
    for (int k = 0; k < 3; ++k) h.record(kWeb, c, false);
  }
  EXPECT_EQ(h.healthy_checkers(kWeb), 2u);
  EXPECT_TRUE(h.healthy(kWeb));  // 2/8 = 25 %
  bool changed = false;
  for (int k = 0; k < 3; ++k) changed = h.record(kWeb, 6, false) || changed;
  EXPECT_TRUE(changed);
  EXPECT_FALSE(h.healthy(kWeb));  // 1/8 = 12.5 %
  // Three checkers: one healthy is 33 % > 18 %.
  h.record(kThree, 0, false);
  h.record(kThree, 1, false);
  EXPECT_TRUE(h.healthy(kThree));
  h.record(kThree, 2, false);
  EXPECT_FALSE(h.healthy(kThree));
}

// §5: Inverted flips the status; Disabled is always healthy.
TEST(Health, InvertedAndDisabled) {
  HealthEvaluator h(network());
  for (unsigned c = 0; c < 8; ++c) h.record(kInverted, c, false);
  EXPECT_TRUE(h.healthy(kInverted));  // the endpoint fails: inverted, healthy
  for (unsigned c = 0; c < 8; ++c) h.record(kOff, c, false);
  EXPECT_TRUE(h.healthy(kOff));
}

// §5: CALCULATED is healthy when at least HealthThreshold children are; 0 = always; more than
// the children = never.
TEST(Health, CalculatedCountsChildren) {
  HealthEvaluator h(network());
  EXPECT_TRUE(h.healthy(kBoth));
  EXPECT_FALSE(h.healthy(kTooMany));
  for (unsigned c = 0; c < 3; ++c) h.record(kThree, c, false);
  EXPECT_FALSE(h.healthy(kBoth));  // one of two children healthy, threshold 2
  EXPECT_TRUE(h.healthy(kAny));
  std::vector<std::uint8_t> states;
  h.snapshot(states);
  ASSERT_EQ(states.size(), 8u);
  EXPECT_EQ(states[kThree], 0);
  EXPECT_EQ(states[kBoth], 0);
  EXPECT_EQ(states[kWeb], 1);
}

// A forced state (--health) wins over probes, and lifts again.
TEST(Health, ForcedStateWins) {
  HealthEvaluator h(network());
  h.force(kWeb, false);
  EXPECT_FALSE(h.healthy(kWeb));
  EXPECT_FALSE(h.healthy(kBoth));  // a calculated parent sees it
  h.force(kWeb, std::nullopt);
  EXPECT_TRUE(h.healthy(kWeb));
}

// Bad input: out-of-range checks and checkers change nothing.
TEST(Health, OutOfRangeIsIgnored) {
  HealthEvaluator h(network());
  EXPECT_FALSE(h.record(99, 0, false));
  EXPECT_FALSE(h.record(kWeb, 99, false));
  EXPECT_FALSE(h.record(kBoth, 0, false));  // a calculated check has no checkers
  EXPECT_TRUE(h.healthy(99));
}

}  // namespace
}  // namespace cloudtwin::dns
