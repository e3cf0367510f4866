// Alias trees (shared/reference/route53.md §2.3, §2.9 rule 5, §3) on tests/dns/zones/alias-tree.yaml:
// an alias into another policy group of the zone chooses again there; with EvaluateTargetHealth
// the alias is healthy only while one set of its target group is, so latency backs out of an
// unhealthy Region; without it the branch answers whatever its targets' health.
#include <gtest/gtest.h>

#include <map>

#include "cloudtwin/dns/ask.h"
#include "cloudtwin/load/native_yaml.h"

namespace cloudtwin::dns {
namespace {

struct Tree {
  model::Network network;
  std::shared_ptr<const ZoneStore> store;
};

// The fixture with these checks forced unhealthy.
Tree tree(const std::vector<std::string>& unhealthy = {}) {
  Tree t;
  Diagnostics d;
  EXPECT_TRUE(load::read_native_yaml_file(CLOUDTWIN_SOURCE_DIR "/tests/dns/zones/alias-tree.yaml", t.network, d));
  EXPECT_TRUE(model::finalize(t.network, d));
  CompileOptions o;
  for (const auto& id : unhealthy) o.health[id] = false;
  t.store = compile_zones(t.network, d, o);
  for (const auto& item : d.items()) {
    if (item.severity == Severity::kError) ADD_FAILURE() << item.str();
  }
  return t;
}

// The addresses answered from inside `vpc` (located at its Region), over `draws` queries.
std::map<std::string, int> answers(const Tree& t, const std::string& name, const std::string& vpc, int draws = 1,
                                   AnswerInfo* last = nullptr) {
  Random random(42);
  PolicyContext p;
  p.view = t.store->view_of(vpc);
  p.health = t.store->health;
  p.random = &random;
  std::map<std::string, int> out;
  for (int i = 0; i < draws; ++i) {
    auto asked = ask(*t.store, name, kTypeA, p);
    std::string key;
    for (const auto& a : asked->addresses()) key += (key.empty() ? "" : ",") + a.str();
    ++out[key];
    if (last != nullptr) *last = asked->info;
  }
  return out;
}

// §3: the alias answers as its target group chooses; §2.2: equal weights, about half each.
TEST(AliasTree, LatencyAliasIntoWeightedGroupChoosesTwice) {
  auto t = tree();
  AnswerInfo info;
  auto got = answers(t, "www.example.net", "east", 10000, &info);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NEAR(got["192.0.2.1"], 5000, 300);
  EXPECT_NEAR(got["192.0.2.2"], 5000, 300);
  EXPECT_EQ(info.depth, 2);
  EXPECT_EQ(t.store->groups[info.path[0]].policy, Policy::kLatency);
  EXPECT_EQ(t.store->groups[info.path[1]].policy, Policy::kWeighted);
  // eu-west-1's VPC is nearest to eu-west-1's branch.
  EXPECT_EQ(answers(t, "www.example.net", "west"), (std::map<std::string, int>{{"192.0.2.3", 1}}));
}

// Where the client is unknown (no database, no VPC) latency still answers: the first healthy
// Region in SetIdentifier order (docs/dns-policies.md), here eu-west-1 and then us-east-1.
TEST(AliasTree, UnknownLocationAnswersTheFirstHealthyRegion) {
  AnswerInfo info;
  EXPECT_EQ(answers(tree(), "www.example.net", "", 1, &info), (std::map<std::string, int>{{"192.0.2.3", 1}}));
  EXPECT_EQ(info.choices[0].reason, Reason::kUnknownLocation);
  auto got = answers(tree({"euw1-a"}), "www.example.net", "", 100);
  EXPECT_EQ(got.count("192.0.2.3"), 0u);
  EXPECT_EQ(got["192.0.2.1"] + got["192.0.2.2"], 100);
}

// §2.9 rule 1: one unhealthy set of the target group: the other answers.
TEST(AliasTree, UnhealthyTargetSetIsSkipped) {
  auto t = tree({"use1-a"});
  EXPECT_EQ(answers(t, "www.example.net", "east", 200), (std::map<std::string, int>{{"192.0.2.2", 200}}));
}

// §2.3, §2.9 rule 5: every set of us-east-1's group unhealthy: the latency alias evaluating its
// target's health is unhealthy, and the next Region answers.
TEST(AliasTree, EvaluateTargetHealthBacksOutOfAnUnhealthyBranch) {
  auto t = tree({"use1-a", "use1-b"});
  AnswerInfo info;
  EXPECT_EQ(answers(t, "www.example.net", "east", 1, &info), (std::map<std::string, int>{{"192.0.2.3", 1}}));
  EXPECT_EQ(info.choices[0].reason, Reason::kUnhealthySkipped);
}

// §2.9 rule 5: "With ETH false the branch is used even if all targets fail"; the target group,
// all unhealthy, answers as if all were healthy (rule 3).
TEST(AliasTree, WithoutEvaluateTargetHealthTheBranchStays) {
  auto t = tree({"use1-a", "use1-b"});
  auto got = answers(t, "noeth.example.net", "east", 400);
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(got.count("192.0.2.3"), 0u);
}

// Both Regions' branches unhealthy: rule 3 at the latency level, the nearest answers.
TEST(AliasTree, EveryBranchUnhealthyAnswersTheBest) {
  auto t = tree({"use1-a", "use1-b", "euw1-a"});
  auto got = answers(t, "www.example.net", "east", 200);
  EXPECT_EQ(got.count("192.0.2.3"), 0u);
  EXPECT_EQ(got["192.0.2.1"] + got["192.0.2.2"], 200);
}

// §3: a simple alias onto a weighted group answers one set's values, as the group chooses.
TEST(AliasTree, SimpleAliasOntoAGroupChoosesOne) {
  auto t = tree();
  auto got = answers(t, "simple.example.net", "east", 1000);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_GT(got["192.0.2.1"], 350);
  EXPECT_GT(got["192.0.2.2"], 350);
}

// §2.9 rule 5: "A health check on the alias itself and ETH must both pass."
TEST(AliasTree, OwnCheckAndTargetHealthMustBothPass) {
  EXPECT_EQ(answers(tree(), "both.example.net", "east", 100).count("192.0.2.9"), 0u);
  EXPECT_EQ(answers(tree({"alias-own"}), "both.example.net", "east"), (std::map<std::string, int>{{"192.0.2.9", 1}}));
  EXPECT_EQ(answers(tree({"use1-a", "use1-b"}), "both.example.net", "east"),
            (std::map<std::string, int>{{"192.0.2.9", 1}}));
}

// serve dns --explain: one TXT record in the additional section, only when it fits.
TEST(AliasTree, ExplanationIsATxtRecordWhenItFits) {
  auto t = tree({"use1-a", "use1-b"});
  PolicyContext p;
  p.view = t.store->view_of("east");
  p.health = t.store->health;
  std::vector<std::uint8_t> q = {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p',
                                 'l', 'e', 3, 'n', 'e', 't', 0, 0, 1, 0, 1};
  Query query;
  const QueryStatus st = parse_query(q.data(), q.size(), query);
  std::vector<std::uint8_t> out(4096);
  AnswerInfo info;
  const std::size_t n = answer_query(*t.store, query, st, Transport::kUdp, out.data(), out.size(), info, p);
  ASSERT_GT(n, 12u);
  const std::uint16_t additional = get16(out.data() + 10);
  const std::size_t m = append_explanation(*t.store, info, p, out.data(), n, 4096);
  ASSERT_GT(m, n);
  EXPECT_EQ(get16(out.data() + 10), additional + 1);
  const std::string text(out.begin() + static_cast<std::ptrdiff_t>(n), out.begin() + static_cast<std::ptrdiff_t>(m));
  EXPECT_NE(text.find("\x07" "explain" "\x09" "cloudtwin"), std::string::npos);
  EXPECT_NE(text.find("latency chose eu-west-1: the policy's first choice is unhealthy"), std::string::npos);
  EXPECT_NE(text.find("then weighted chose a"), std::string::npos);
  // No room: the response stays as it was.
  EXPECT_EQ(append_explanation(*t.store, info, p, out.data(), n, n + 20), n);
}

// Bad input: aliases that lead back to their own group do not nest for ever; the member answers
// with its target's values merged, and a located warning says why.
TEST(AliasTree, AliasCycleIsAWarningNotAnEndlessTree) {
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load::read_native_yaml(R"(
hosted_zones:
  - id: ZC
    domain: cycle.example
    records:
      - {name: a, type: A, ttl: 60, values: [192.0.2.1], set_identifier: one, weight: 1}
      - {name: a, type: A, set_identifier: two, weight: 1,
         alias: {dns_name: b.cycle.example., hosted_zone_id: ZC, evaluate_target_health: true}}
      - {name: b, type: A, ttl: 60, values: [192.0.2.2], set_identifier: one, weight: 1}
      - {name: b, type: A, set_identifier: two, weight: 1,
         alias: {dns_name: a.cycle.example., hosted_zone_id: ZC, evaluate_target_health: true}}
)", "cycle.yaml", n, d));
  ASSERT_TRUE(model::finalize(n, d));
  auto store = compile_zones(n, d);
  bool warned = false;
  for (const auto& item : d.items()) {
    warned = warned || (item.message.find("leads back to itself") != std::string::npos && item.line > 0);
  }
  EXPECT_TRUE(warned);
  EXPECT_LT(store->groups.size(), 16u);
  Random random(3);
  PolicyContext p;
  p.random = &random;
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(ask(*store, "a.cycle.example", kTypeA, p)->addresses().empty());
}

TEST(AliasTree, MemberHealthFollowsTheTree) {
  auto t = tree({"use1-a", "use1-b"});
  PolicyContext p;
  p.health = t.store->health;
  unsigned evaluating = 0, unhealthy = 0;
  for (std::uint32_t m = 0; m < t.store->members.size(); ++m) {
    if (t.store->member_evaluates[m] == kNoTemplate) continue;
    ++evaluating;
    if (!member_healthy(*t.store, m, p)) ++unhealthy;
  }
  EXPECT_EQ(evaluating, 3u);  // www's two branches and both's primary
  EXPECT_EQ(unhealthy, 2u);   // www/us-east-1 and both/primary
}

}  // namespace
}  // namespace cloudtwin::dns
