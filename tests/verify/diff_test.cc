// Differential reachability is exact (issue 15): on random small networks and random changes to
// them, what diff_reach() says opened is reach(after) minus reach(before), what it says closed
// is reach(before) minus reach(after), its flows partition those sets, and each flow's packet
// reaches in the network it is listed for and not in the other. diff_networks() leaves out only
// questions whose answers are equal.
#include "cloudtwin/verify/diff.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/load/network_changes.h"
#include "cloudtwin/verify/matrix.h"
#include "random_network.h"
#include "test_networks.h"

namespace cloudtwin::verify {
namespace {

using model::Index;
using testing::yaml_network;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// A random change of a rule, an entry or a route: a peer CIDR or ports replaced, a network ACL
// entry's action flipped, a security group rule added, a peering route moved.
std::string random_change(const std::string& yaml, std::mt19937& rng) {
  auto lines = split_lines(yaml);
  auto num = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const char* cidrs[] = {"0.0.0.0/0",   "10.0.0.0/16",     "10.1.0.0/16",
                         "10.0.1.0/24", "198.51.100.0/24", "10.1.2.0/24"};
  std::vector<std::size_t> rules, acl_entries, ingress, routes;
  bool in_groups = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    if (!l.starts_with(" ")) in_groups = l == "security_groups:";
    if (l.find("cidr: ") != std::string::npos && l.starts_with("      - {")) {
      (l.find("rule_action") != std::string::npos ? acl_entries : rules).push_back(i);
    }
    if (in_groups && l == "    ingress:") ingress.push_back(i);
    if (l.find(".0/24, vpc_peering_connection: ab") != std::string::npos &&
        l.find("10.1.") != std::string::npos)
      routes.push_back(i);
  }
  switch (num(0, 3)) {
    case 0:
      if (!rules.empty()) {
        auto& l = lines[rules[num(0, static_cast<int>(rules.size()) - 1)]];
        auto at = l.find("cidr: ");
        auto end = l.find_first_of(",}", at);
        l = l.substr(0, at) + "cidr: " + cidrs[num(0, 5)] + l.substr(end);
        break;
      }
      [[fallthrough]];
    case 1:
      if (!acl_entries.empty()) {
        auto& l = lines[acl_entries[num(0, static_cast<int>(acl_entries.size()) - 1)]];
        if (auto at = l.find("rule_action: allow"); at != std::string::npos) {
          l.replace(at, 18, "rule_action: deny");
        } else if (auto deny = l.find("rule_action: deny"); deny != std::string::npos) {
          l.replace(deny, 17, "rule_action: allow");
        }
        break;
      }
      [[fallthrough]];
    case 2:
      if (!ingress.empty()) {
        auto at = ingress[num(0, static_cast<int>(ingress.size()) - 1)];
        const char* ports[] = {"22", "443", "5432", "0-65535", "1000-2000"};
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at) + 1,
                     std::string("      - {protocol: tcp, ports: ") + ports[num(0, 4)] +
                         ", cidr: " + cidrs[num(0, 5)] + "}");
        break;
      }
      [[fallthrough]];
    default:
      if (!routes.empty()) {
        auto& l = lines[routes[num(0, static_cast<int>(routes.size()) - 1)]];
        auto at = l.find("10.1.");
        l[at + 5] = static_cast<char>('0' + num(0, 3));
      }
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// Between `fewest` and `most` random changes.
std::string random_changes(std::string yaml, std::mt19937& rng, int fewest, int most) {
  for (int k = std::uniform_int_distribution<int>(fewest, most)(rng); k > 0; --k)
    yaml = random_change(yaml, rng);
  return yaml;
}

std::optional<Party> party(const model::Network& n, const std::string& name) {
  return parse_party(n, name).party;
}

// The packets of a change's flows, and that they are disjoint.
bdd union_of_flows(const Change& c) {
  bdd all = bddfalse;
  for (const auto& f : c.result.flows) {
    EXPECT_EQ(all & f.packets, bddfalse) << "flows of a change overlap";
    all |= f.packets;
  }
  return all;
}

void expect_traces(const Change& c, vpc::Verdict here, const char* what) {
  ASSERT_EQ(c.other.size(), c.result.flows.size());
  for (std::size_t i = 0; i < c.result.flows.size(); ++i) {
    const auto& f = c.result.flows[i];
    EXPECT_TRUE(HeaderSpace::contains(f.packets, f.trace.header))
        << what << ": traced packet outside its flow";
    EXPECT_EQ(f.trace.verdict, here) << what;
    if (c.other[i]) {
      EXPECT_EQ(c.other[i]->header.src, f.trace.header.src);
      EXPECT_NE(c.other[i]->verdict, vpc::Verdict::kReachable)
          << what << ": the packet reaches in the other network too";
    }
  }
}

// The difference is exactly reach(after) minus reach(before) and the reverse (and likewise for
// the packets in doubt), its flows partition each set, and each flow's packet does what the
// change says in its network and not in the other.
void expect_exact(const PairDiff& d, const ReachResult& rb, const ReachResult& ra) {
  EXPECT_EQ(d.opened.packets, ra.reachable & !rb.reachable);
  EXPECT_EQ(d.closed.packets, rb.reachable & !ra.reachable);
  EXPECT_EQ(d.maybe_opened.packets, ra.inconclusive & !rb.reachable & !rb.inconclusive);
  EXPECT_EQ(d.maybe_closed.packets, rb.inconclusive & !ra.reachable & !ra.inconclusive);
  EXPECT_EQ(union_of_flows(d.opened), d.opened.packets);
  EXPECT_EQ(union_of_flows(d.closed), d.closed.packets);
  expect_traces(d.opened, vpc::Verdict::kReachable, "opened");
  expect_traces(d.closed, vpc::Verdict::kReachable, "closed");
}

TEST(DiffReach, RowsAreReachAfterMinusReachBeforeOnRandomChanges) {
  std::mt19937 rng(20261205);
  const char* names[] = {"internet",  "subnet/a0", "subnet/a1", "subnet/a2",
                         "subnet/b0", "subnet/b1", "subnet/b3"};
  int changed = 0, compared = 0;
  for (int round = 0; round < 40; ++round) {
    const std::string yaml = testing::random_network(rng);
    const std::string mutated = random_changes(yaml, rng, 2, 5);
    auto before = yaml_network(yaml);
    auto after = yaml_network(mutated);
    Compiled cb(before), ca(after);
    for (int q = 0; q < 4; ++q) {
      const std::string from = names[std::uniform_int_distribution<int>(0, 6)(rng)];
      std::string to = names[std::uniform_int_distribution<int>(1, 6)(rng)];
      if (to == from) continue;
      DiffSide sb{&cb, party(before, from), party(before, to)};
      DiffSide sa{&ca, party(after, from), party(after, to)};
      ASSERT_TRUE(sb.from && sb.to && sa.from && sa.to) << from << " " << to;
      // Independent answers: reach() pair by pair, not by classes as diff_reach.
      auto rb = reach(cb, *sb.from, *sb.to);
      auto ra = reach(ca, *sa.from, *sa.to);
      auto d = diff_reach(sb, sa);
      SCOPED_TRACE("round " + std::to_string(round) + ": " + from + " -> " + to);
      ASSERT_FALSE(d.truncated);
      expect_exact(d, rb, ra);
      expect_traces(d.maybe_opened, vpc::Verdict::kInconclusive, "maybe opened");
      // Rows cover the change: every flow is the example of some row.
      EXPECT_EQ(d.opened.rows().empty(), d.opened.empty());
      ++compared;
      changed += d.changed() ? 1 : 0;
    }
  }
  // Many questions do change (most random changes touch a few of them): the property is not
  // checked on empty differences only.
  EXPECT_GE(changed, 15) << changed << " of " << compared;
}

TEST(DiffNetworks, LeavesOutOnlyQuestionsWhoseAnswersAreEqual) {
  std::mt19937 rng(7);
  int checked = 0;
  for (int round = 0; round < 6; ++round) {
    const std::string yaml = testing::random_network(rng);
    const std::string mutated = random_change(random_change(yaml, rng), rng);
    auto before = yaml_network(yaml);
    auto after = yaml_network(mutated);
    Compiled cb(before), ca(after);
    auto sections = diff_networks(cb, ca);
    std::map<std::pair<std::string, std::string>, const PairDiff*> listed;
    for (const auto& s : sections) {
      EXPECT_TRUE(s.diff.changed()) << s.kind << " " << s.from << " -> " << s.to;
      if (s.kind == "subnets") listed.emplace(std::pair(s.from, s.to), &s.diff);
    }
    for (const auto& a : before.subnets) {
      for (const auto& b : before.subnets) {
        if (a.id == b.id) continue;
        auto pa = party(before, a.id), pb = party(before, b.id);
        auto qa = party(after, a.id), qb = party(after, b.id);
        auto rb = reach(cb, *pa, *pb);
        auto ra = reach(ca, *qa, *qb);
        const bool equal = rb.reachable == ra.reachable && rb.inconclusive == ra.inconclusive;
        const auto it = listed.find({pa->label, pb->label});
        if (it == listed.end()) {
          EXPECT_TRUE(equal) << "round " << round << ": " << a.id << " -> " << b.id
                             << " changed but is not listed";
          continue;
        }
        // A listed cell (answered by the matrices when nothing is in doubt, else by reach())
        // says exactly what reach() says changed, with traced packets that do.
        const PairDiff& d = *it->second;
        SCOPED_TRACE("round " + std::to_string(round) + ": " + a.id + " -> " + b.id);
        expect_exact(d, rb, ra);
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 3) << "no listed cell was checked";
}

// Whether only security groups' rules and network ACLs' entries changed, as the command asks
// load::network_changes(), and which lists (changed_rule_lists()).
std::optional<RuleListChanges> rules_only(const model::Network& before,
                                          const model::Network& after) {
  for (const auto& c : load::network_changes(before, after)) {
    if (c.action != load::ResourceChange::Action::kChanged ||
        (c.section != "security_groups" && c.section != "network_acls"))
      return std::nullopt;
  }
  return changed_rule_lists(before, after);
}

// The matrix brought up to date after rule changes (SubnetMatrix::updated: only the pairs of
// classes whose walks read a changed list walked again) is the matrix built afresh: every
// cell, its packets and its doubt; and a cell it did not walk again is the one before.
TEST(SubnetMatrixUpdated, EqualsTheMatrixBuiltAfresh) {
  std::mt19937 rng(11);
  int rounds = 0, walked_fewer = 0;
  for (int round = 0; round < 40 && rounds < 15; ++round) {
    const std::string yaml = testing::random_network(rng);
    const std::string mutated = random_changes(yaml, rng, 1, 3);
    auto before = yaml_network(yaml);
    auto after = yaml_network(mutated);
    const auto lists = rules_only(before, after);
    if (!lists) continue;  // a route moved: not a rules-only change
    ++rounds;
    SCOPED_TRACE("round " + std::to_string(round));
    Compiled cb(before), ca(after), fresh_compiled(after);
    const auto mb = subnet_matrix(cb, {.keep_reads = true});
    std::vector<std::size_t> walked;
    const auto mu = mb.updated(ca, lists->security_groups, lists->network_acls, &walked);
    const auto fresh = subnet_matrix(fresh_compiled);
    ASSERT_EQ(mu.size(), fresh.size());
    for (Index a = 0; a < fresh.size(); ++a) {
      for (Index b = 0; b < fresh.size(); ++b) {
        const std::string pair = after.subnets[a].id + " -> " + after.subnets[b].id;
        EXPECT_EQ(mu.reachable(a, b), fresh.reachable(a, b)) << pair;
        EXPECT_EQ(mu.doubtful(a, b), fresh.doubtful(a, b)) << pair;
        EXPECT_EQ(mu.inconclusive(a, b), fresh.inconclusive(a, b)) << pair;
        EXPECT_TRUE(mu.packets(a, b) == fresh.packets(a, b)) << pair;
        EXPECT_TRUE(mu.protocols_and_ports(a, b) == fresh.protocols_and_ports(a, b)) << pair;
        if (!std::binary_search(walked.begin(), walked.end(), a * fresh.size() + b)) {
          EXPECT_TRUE(mb.same_cell(a, b, mu, a, b)) << pair << " was not walked again";
          EXPECT_EQ(mb.doubtful(a, b), mu.doubtful(a, b)) << pair;
        }
      }
    }
    EXPECT_LE(mu.walks(), fresh.walks());
    walked_fewer += mu.walks() < fresh.walks() ? 1 : 0;
  }
  EXPECT_GE(rounds, 8);
  EXPECT_GE(walked_fewer, rounds / 2) << "updated() walks every pair again";
}

// diff_networks() told that only rule lists changed (the matrix brought up to date, cells
// answered over the protocols and ports that differ) finds exactly what it finds comparing two
// matrices built afresh.
TEST(DiffNetworks, RulesOnlyPathFindsWhatTheFullComparisonFinds) {
  std::mt19937 rng(5);
  int rounds = 0, changed = 0;
  for (int round = 0; round < 40 && rounds < 10; ++round) {
    const std::string yaml = testing::random_network(rng);
    const std::string mutated = random_change(random_change(yaml, rng), rng);
    auto before = yaml_network(yaml);
    auto after = yaml_network(mutated);
    auto lists = rules_only(before, after);
    if (!lists) continue;
    ++rounds;
    SCOPED_TRACE("round " + std::to_string(round));
    Compiled cb(before), ca(after), cb2(before), ca2(after);
    const auto full = diff_networks(cb, ca);
    const auto fast = diff_networks(cb2, ca2, {}, {.rule_changes = std::move(lists)});
    ASSERT_EQ(fast.size(), full.size());
    for (std::size_t i = 0; i < full.size(); ++i) {
      EXPECT_EQ(fast[i].kind, full[i].kind);
      EXPECT_EQ(fast[i].from, full[i].from);
      EXPECT_EQ(fast[i].to, full[i].to);
      EXPECT_TRUE(fast[i].diff.opened.packets == full[i].diff.opened.packets)
          << full[i].from << " -> " << full[i].to;
      EXPECT_TRUE(fast[i].diff.closed.packets == full[i].diff.closed.packets);
      EXPECT_TRUE(fast[i].diff.maybe_opened.packets == full[i].diff.maybe_opened.packets);
      EXPECT_TRUE(fast[i].diff.maybe_closed.packets == full[i].diff.maybe_closed.packets);
    }
    changed += full.empty() ? 0 : 1;
  }
  EXPECT_GE(rounds, 6);
  EXPECT_GE(changed, 3);
}

// What a reviewer reads: the security group rule that opened PostgreSQL to the world is the
// change named on the new exposure, with the line it is written on.
TEST(DiffNetworks, NewExposureNamesTheRuleThatOpenedIt) {
  const std::string base = R"(vpcs:
  - {name: v, cidr_block: 10.0.0.0/16}
subnets:
  - {name: public, vpc: v, availability_zone: us-east-1a, cidr_block: 10.0.0.0/24, route_table: rt}
internet_gateways:
  - {name: igw, vpc: v}
route_tables:
  - name: rt
    vpc: v
    routes:
      - {destination: 0.0.0.0/0, gateway: igw}
security_groups:
  - name: db
    vpc: v
    ingress:
      - {protocol: tcp, port: 5432, cidr: 10.0.0.0/16}
instances:
  - {name: db1, subnet: public, private_ip: 10.0.0.10, public_ip: 198.18.0.10, security_groups: [db]}
)";
  std::string open = base;
  open.replace(open.find("cidr: 10.0.0.0/16}"), 18, "cidr: 0.0.0.0/0}");
  auto before = yaml_network(base);
  auto after = yaml_network(open);
  Compiled cb(before), ca(after);
  auto sections = diff_networks(cb, ca);
  ASSERT_FALSE(sections.empty());
  EXPECT_EQ(sections.front().kind, "exposure");
  const auto& d = sections.front().diff;
  ASSERT_FALSE(d.opened.empty());
  EXPECT_TRUE(d.closed.empty());
  EXPECT_TRUE(d.certain());
  // Exactly tcp 5432 from the public internet to the instance's public address.
  bdd expected = HeaderSpace::protocol(Protocol::kTcp) & HeaderSpace::port(Block::kDstPort, 5432) &
                 HeaderSpace::address(Block::kDst, *IpAddress::parse("198.18.0.10")) &
                 internet_addresses(Block::kSrc);
  EXPECT_EQ(d.opened.packets & HeaderSpace::port(Block::kDstPort, 5432), d.opened.packets);
  EXPECT_NE(d.opened.packets & expected, bddfalse);
  ASSERT_EQ(d.opened.result.flows.size(), d.opened.other.size());
  ASSERT_TRUE(d.opened.other.front());
  EXPECT_EQ(d.opened.other.front()->explanations.front().code, "ENI_SG_RULES_MISMATCH");

  auto changes = load::network_changes(before, after);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].section, "security_groups");
  EXPECT_EQ(changes[0].name, "db");
  EXPECT_EQ(changes[0].action, load::ResourceChange::Action::kChanged);
  ASSERT_EQ(changes[0].added.size(), 1u);
  EXPECT_NE(changes[0].added[0].find("0.0.0.0/0"), std::string::npos);
  EXPECT_EQ(changes[0].at_after.line, 13u);  // `- name: db` in the text above
}

TEST(DiffNetworks, EqualNetworksHaveNoDifference) {
  auto a = testing::example_network("hybrid.yaml");
  auto b = testing::example_network("hybrid.yaml");
  Compiled ca(a), cb(b);
  EXPECT_TRUE(diff_networks(ca, cb).empty());
  EXPECT_TRUE(load::network_changes(a, b).empty());
}

}  // namespace
}  // namespace cloudtwin::verify
