// Route 53's selection rules (../shared/reference/route53.md §2), each test naming the rule it
// checks: the weighted zero-weight truth table row by row, failover's both-unhealthy rule,
// multivalue's eight, geolocation's walk-up, geoproximity's bias formula, latency's next-best and
// China rules, IP-based longest prefix and the shorter-query-prefix rule, and distributions over
// 10,000+ draws for the random ones.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "cloudtwin/dns/policy.h"

namespace cloudtwin::dns {
namespace {

// std::vector<bool> has no data(): health as a plain array.
struct Health {
  explicit Health(std::initializer_list<int> h) : flags(h.begin(), h.end()) {}
  std::vector<char> flags;
  std::span<const bool> span() const { return {reinterpret_cast<const bool*>(flags.data()), flags.size()}; }
};

ChoiceInput input(std::span<const Member> members, std::span<const bool> healthy) {
  ChoiceInput in;
  in.members = members;
  in.healthy = healthy;
  return in;
}

std::vector<Member> weights(std::initializer_list<std::uint32_t> w) {
  std::vector<Member> out;
  for (auto x : w) {
    Member m;
    m.weight = x;
    out.push_back(m);
  }
  return out;
}

// The members that answered at least once in `draws` draws.
std::set<int> answered(Policy p, const std::vector<Member>& members, const Health& h, int draws = 2000) {
  Random random(42);
  ChoiceInput in;
  in.members = members;
  in.healthy = h.span();
  std::set<int> out;
  for (int i = 0; i < draws; ++i) {
    Choice c = choose(p, in, random);
    for (unsigned k = 0; k < c.count; ++k) out.insert(c.members[k]);
  }
  return out;
}

// route53.md §2.2 truth table, weights (1, 1, 0); "no check" is modelled as healthy (§2.9 rule 2).
TEST(Weighted, ZeroWeightTruthTable) {
  const auto w = weights({1, 1, 0});
  // zero-weight set has a check:
  EXPECT_EQ(answered(Policy::kWeighted, w, Health{0, 0, 1}), (std::set<int>{2}));     // U,U,H
  EXPECT_EQ(answered(Policy::kWeighted, w, Health{0, 0, 0}), (std::set<int>{0, 1}));  // U,U,U
  EXPECT_EQ(answered(Policy::kWeighted, w, Health{0, 1, 0}), (std::set<int>{1}));     // U,H,U
  EXPECT_EQ(answered(Policy::kWeighted, w, Health{1, 1, 0}), (std::set<int>{0, 1}));  // H,H,U
  EXPECT_EQ(answered(Policy::kWeighted, w, Health{1, 1, 1}), (std::set<int>{0, 1}));  // H,H,H
  // zero-weight set without a check (healthy):
  EXPECT_EQ(answered(Policy::kWeighted, w, Health{1, 1, 1}), (std::set<int>{0, 1}));  // H,H,-
  EXPECT_EQ(answered(Policy::kWeighted, w, Health{0, 0, 1}), (std::set<int>{2}));     // U,U,-
  EXPECT_EQ(answered(Policy::kWeighted, w, Health{0, 1, 1}), (std::set<int>{1}));     // U,H,-
}

TEST(Weighted, ReasonsNameTheRule) {
  const auto w = weights({1, 1, 0});
  Random random(1);
  Health h{0, 0, 1};
  ChoiceInput in = input(w, h.span());
  EXPECT_EQ(choose(Policy::kWeighted, in, random).reason, Reason::kZeroWeight);
  Health all_down{0, 0, 0};
  in.healthy = all_down.span();
  EXPECT_EQ(choose(Policy::kWeighted, in, random).reason, Reason::kAllUnhealthy);
}

// §2.2: probability = weight / sum (1 vs 3 → 25 % / 75 %), checked over 40,000 draws: the expected
// count 10,000 has a standard deviation of about 87, so ±500 is over five deviations.
TEST(Weighted, ProbabilityIsWeightOverSum) {
  const auto w = weights({1, 3});
  Health h{1, 1};
  ChoiceInput in = input(w, h.span());
  Random random(7);
  int first = 0;
  for (int i = 0; i < 40000; ++i) first += choose(Policy::kWeighted, in, random).members[0] == 0;
  EXPECT_NEAR(first, 10000, 500);
}

// §2.2: 1 vs 255 → 1/256 for the first.
TEST(Weighted, OneAgainst255) {
  const auto w = weights({1, 255});
  Health h{1, 1};
  ChoiceInput in = input(w, h.span());
  Random random(9);
  int first = 0;
  for (int i = 0; i < 256000; ++i) first += choose(Policy::kWeighted, in, random).members[0] == 0;
  EXPECT_NEAR(first, 1000, 150);  // sd ≈ 31.6
}

// §2.2: every weight 0 → equally likely.
TEST(Weighted, AllZeroWeightsAreEquallyLikely) {
  const auto w = weights({0, 0, 0, 0});
  Health h{1, 1, 1, 1};
  ChoiceInput in = input(w, h.span());
  Random random(3);
  std::map<int, int> counts;
  for (int i = 0; i < 20000; ++i) ++counts[choose(Policy::kWeighted, in, random).members[0]];
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(counts[k], 5000, 350) << k;  // sd ≈ 61
  EXPECT_EQ(choose(Policy::kWeighted, in, random).reason, Reason::kAllZeroWeights);
}

// --seed: the same seed, the same sequence of answers.
TEST(Weighted, SeedReproduces) {
  const auto w = weights({10, 20, 30});
  Health h{1, 1, 1};
  ChoiceInput in = input(w, h.span());
  Random a(123), b(123);
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(choose(Policy::kWeighted, in, a).members[0], choose(Policy::kWeighted, in, b).members[0]);
}

std::vector<Member> failover_pair() {
  std::vector<Member> m(2);
  m[0].primary = true;
  m[1].primary = false;
  return m;
}

// §2.6: primary healthy → primary; primary unhealthy, secondary healthy → secondary; both
// unhealthy → primary. A secondary without a check counts healthy.
TEST(Failover, BothUnhealthyAnswersPrimary) {
  const auto m = failover_pair();
  Random random(1);
  auto pick = [&](Health h) {
    ChoiceInput in = input(m, h.span());
    return choose(Policy::kFailover, in, random);
  };
  EXPECT_EQ(pick(Health{1, 1}).members[0], 0);
  EXPECT_EQ(pick(Health{1, 0}).members[0], 0);
  Choice c = pick(Health{0, 1});
  EXPECT_EQ(c.members[0], 1);
  EXPECT_EQ(c.reason, Reason::kSecondary);
  c = pick(Health{0, 0});
  EXPECT_EQ(c.members[0], 0);
  EXPECT_EQ(c.reason, Reason::kPrimaryAllUnhealthy);
}

// §2.7: up to 8 healthy; exactly 8 when more are healthy; all unhealthy → up to 8 unhealthy.
TEST(Multivalue, EightOfTheHealthy) {
  std::vector<Member> m(12);
  Random random(5);
  Health h{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};  // ten healthy
  ChoiceInput in = input(m, h.span());
  std::map<int, int> seen;
  for (int i = 0; i < 10000; ++i) {
    Choice c = choose(Policy::kMultivalue, in, random);
    ASSERT_EQ(c.count, 8);
    std::set<int> distinct(c.members.begin(), c.members.begin() + c.count);
    ASSERT_EQ(distinct.size(), 8u);
    for (int x : distinct) {
      ASSERT_LT(x, 10) << "an unhealthy set answered while ten were healthy";
      ++seen[x];
    }
  }
  // Each healthy set is in 8/10 of the answers: 8,000 of 10,000 (sd 40).
  for (int k = 0; k < 10; ++k) EXPECT_NEAR(seen[k], 8000, 250) << k;
}

TEST(Multivalue, FewerThanEightHealthyAreAllReturned) {
  std::vector<Member> m(5);
  Random random(5);
  Health h{1, 0, 1, 0, 1};
  ChoiceInput in = input(m, h.span());
  Choice c = choose(Policy::kMultivalue, in, random);
  ASSERT_EQ(c.count, 3);
  EXPECT_EQ(std::vector<int>(c.members.begin(), c.members.begin() + 3), (std::vector<int>{0, 2, 4}));
}

TEST(Multivalue, AllUnhealthyAnswersUpToEightUnhealthy) {
  std::vector<Member> m(10);
  Random random(5);
  Health h{0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  ChoiceInput in = input(m, h.span());
  Choice c = choose(Policy::kMultivalue, in, random);
  EXPECT_EQ(c.count, 8);
  EXPECT_EQ(c.reason, Reason::kAllUnhealthy);
}

Member geo(GeoLevel level, std::string_view continent, std::string_view country = "",
           std::string_view subdivision = "") {
  Member m;
  m.geo_level = level;
  m.continent = continent;
  m.country = country;
  m.subdivision = subdivision;
  return m;
}

// §2.4: subdivision > country > continent > default; an unhealthy choice walks up; all
// applicable unhealthy → the smallest region's set; nothing applicable → no answer.
TEST(Geolocation, MostSpecificWinsAndWalksUp) {
  std::vector<Member> m = {geo(GeoLevel::kDefault, ""), geo(GeoLevel::kContinent, "NA"),
                           geo(GeoLevel::kCountry, "", "US"), geo(GeoLevel::kSubdivision, "", "US", "CA")};
  Random random(1);
  ClientLocation california{"NA", "US", "CA", std::nullopt, 16};
  ClientLocation texas{"NA", "US", "TX", std::nullopt, 16};
  ClientLocation mexico{"NA", "MX", "", std::nullopt, 12};
  ClientLocation germany{"EU", "DE", "", std::nullopt, 20};
  auto pick = [&](const ClientLocation& where, Health h) {
    ChoiceInput in = input(m, h.span());
    in.location = &where;
    return choose(Policy::kGeolocation, in, random);
  };
  EXPECT_EQ(pick(california, Health{1, 1, 1, 1}).members[0], 3);
  EXPECT_EQ(pick(texas, Health{1, 1, 1, 1}).members[0], 2);  // US without a set for TX: the US set
  EXPECT_EQ(pick(mexico, Health{1, 1, 1, 1}).members[0], 1);
  EXPECT_EQ(pick(germany, Health{1, 1, 1, 1}).members[0], 0);
  EXPECT_EQ(pick(germany, Health{1, 1, 1, 1}).scope, 20);  // the database network's length
  Choice c = pick(california, Health{1, 1, 0, 0});  // CA and US unhealthy: walk up to NA
  EXPECT_EQ(c.members[0], 1);
  EXPECT_EQ(c.reason, Reason::kUnhealthySkipped);
  c = pick(california, Health{0, 0, 0, 0});  // all unhealthy: the smallest region's set
  EXPECT_EQ(c.members[0], 3);
  EXPECT_EQ(c.reason, Reason::kAllUnhealthy);
}

TEST(Geolocation, NoMatchAndNoDefaultIsNoAnswer) {
  std::vector<Member> m = {geo(GeoLevel::kCountry, "", "US")};
  Random random(1);
  ClientLocation germany{"EU", "DE", "", std::nullopt, 20};
  Health h{1};
  ChoiceInput in = input(m, h.span());
  in.location = &germany;
  Choice c = choose(Policy::kGeolocation, in, random);
  EXPECT_EQ(c.count, 0);
  EXPECT_EQ(c.reason, Reason::kNoMatch);
  in.location = nullptr;  // an address the database does not know: only the default could answer
  EXPECT_EQ(choose(Policy::kGeolocation, in, random).count, 0);
}

// §2.5: a positive bias b scales the distance by (1 - b/100) (150 km → 75 km at 50), a negative one
// divides it by (1 + b/100) (bias -50 doubles it); the smallest biased distance wins.
TEST(Geoproximity, BiasFormula) {
  const GeoPoint client{50.0, 8.0};
  std::vector<Member> m(2);
  m[0].point = {50.0, 10.0};  // ~143 km east
  m[1].point = {50.0, 4.0};   // ~286 km west
  Random random(1);
  ClientLocation where{"EU", "DE", "", client, 24};
  auto pick = [&](int bias0, int bias1) {
    m[0].bias = bias0;
    m[1].bias = bias1;
    Health h{1, 1};
    ChoiceInput in = input(m, h.span());
    in.location = &where;
    return choose(Policy::kGeoproximity, in, random).members[0];
  };
  EXPECT_EQ(pick(0, 0), 0);
  EXPECT_EQ(pick(0, 60), 1);    // 286 * 0.4 = 114 < 143
  EXPECT_EQ(pick(0, 40), 0);    // 286 * 0.6 = 172 > 143
  EXPECT_EQ(pick(-60, 0), 1);   // 143 / 0.4 = 357 > 286
  EXPECT_EQ(pick(-40, 0), 0);   // 143 / 0.6 = 238 < 286
  EXPECT_NEAR(distance_km(client, m[0].point), 143.0, 1.5);
}

// §2.3: the lowest latency healthy Region; the best one unhealthy → the next best; all unhealthy →
// the best; a client in China → the cn-north-1 set.
TEST(Latency, NextBestAndChina) {
  std::vector<Member> m(3);
  m[0].region = "us-east-1";
  m[1].region = "eu-west-1";
  m[2].region = "cn-north-1";
  const std::vector<double> ms = {80, 20, 200};
  Random random(1);
  ClientLocation ireland{"EU", "IE", "", std::nullopt, 16};
  ClientLocation china{"AS", "CN", "", std::nullopt, 16};
  auto pick = [&](const ClientLocation& where, Health h) {
    ChoiceInput in = input(m, h.span());
    in.location = &where;
    in.latency = ms;
    return choose(Policy::kLatency, in, random);
  };
  EXPECT_EQ(pick(ireland, Health{1, 1, 1}).members[0], 1);
  EXPECT_EQ(pick(ireland, Health{1, 0, 1}).members[0], 0);
  EXPECT_EQ(pick(ireland, Health{0, 0, 0}).members[0], 1);
  Choice c = pick(china, Health{1, 1, 1});
  EXPECT_EQ(c.members[0], 2);
  EXPECT_EQ(c.reason, Reason::kChinaRegion);
}

CidrBlock v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t len, std::uint16_t loc) {
  CidrBlock x;
  x.bytes = {a, b, c, d};
  x.prefix = len;
  x.location = loc;
  return x;
}

ClientAddress addr4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t len) {
  ClientAddress x;
  x.bytes = {a, b, c, d};
  x.prefix = len;
  return x;
}

// §2.8: longest prefix; a query prefix longer than the block matches it; a query prefix shorter
// than every matching block gets the default "*", with SCOPE the block's length (§8 rule 3).
TEST(IpBased, LongestPrefixAndShorterQueryPrefix) {
  std::vector<Member> m(3);
  m[0].cidr_location = 0;  // "branch": 10.1.0.0/16
  m[1].cidr_location = 1;  // "office": 10.1.2.0/24
  m[2].cidr_location = kDefaultLocation;
  const std::vector<CidrBlock> blocks = {v4(10, 1, 0, 0, 16, 0), v4(10, 1, 2, 0, 24, 1)};
  Random random(1);
  auto pick = [&](ClientAddress a, Health h = Health{1, 1, 1}) {
    ChoiceInput in = input(m, h.span());
    in.address = &a;
    in.blocks = blocks;
    return choose(Policy::kIpBased, in, random);
  };
  Choice c = pick(addr4(10, 1, 2, 77, 32));
  EXPECT_EQ(c.members[0], 1);
  EXPECT_EQ(c.scope, 24);
  EXPECT_EQ(pick(addr4(10, 1, 9, 0, 24)).members[0], 0);  // /24 inside the /16
  c = pick(addr4(10, 1, 0, 0, 20));  // /20 holds the /24 block: the /16 answers, scope 24
  EXPECT_EQ(c.members[0], 0);
  EXPECT_EQ(c.scope, 24);
  c = pick(addr4(10, 0, 0, 0, 8));  // shorter than every block: the default
  EXPECT_EQ(c.members[0], 2);
  EXPECT_EQ(c.reason, Reason::kDefaultShorterPrefix);
  EXPECT_EQ(c.scope, 24);
  EXPECT_EQ(pick(addr4(192, 0, 2, 1, 32)).members[0], 2);  // no block: the default
  c = pick(addr4(10, 1, 2, 77, 32), Health{1, 0, 1});  // office unhealthy: the next longest match
  EXPECT_EQ(c.members[0], 0);
  EXPECT_EQ(c.reason, Reason::kUnhealthySkipped);
}

TEST(IpBased, NoBlockAndNoDefaultIsNoAnswer) {
  std::vector<Member> m(1);
  m[0].cidr_location = 0;
  const std::vector<CidrBlock> blocks = {v4(10, 1, 0, 0, 16, 0)};
  Random random(1);
  Health h{1};
  ClientAddress a = addr4(192, 0, 2, 1, 32);
  ChoiceInput in = input(m, h.span());
  in.address = &a;
  in.blocks = blocks;
  EXPECT_EQ(choose(Policy::kIpBased, in, random).count, 0);
}

TEST(Regions, CoordinatesAndDistances) {
  EXPECT_GE(aws_regions().size(), 30u);
  const Region* dublin = find_region("eu-west-1");
  const Region* frankfurt = find_region("eu-central-1");
  ASSERT_NE(dublin, nullptr);
  ASSERT_NE(frankfurt, nullptr);
  EXPECT_NEAR(distance_km(dublin->point, frankfurt->point), 1090, 30);  // Dublin-Frankfurt
  EXPECT_EQ(find_region("mars-north-1"), nullptr);
}

// Bad input: empty groups and health lists shorter than the members choose nothing, never crash.
TEST(Choose, BadInputChoosesNothing) {
  Random random(1);
  std::vector<Member> m(3);
  Health short_health{1};
  ChoiceInput in = input(m, short_health.span());
  for (Policy p : {Policy::kWeighted, Policy::kLatency, Policy::kGeolocation, Policy::kGeoproximity,
                   Policy::kFailover, Policy::kMultivalue, Policy::kIpBased}) {
    EXPECT_EQ(choose(p, in, random).count, 0);
    EXPECT_EQ(choose(p, ChoiceInput{}, random).count, 0);
  }
}

}  // namespace
}  // namespace cloudtwin::dns
