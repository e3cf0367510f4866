// The subnet matrix (matrix.h) and the incremental re-answer (incremental.h) against reach():
// every cell, and every packet of it, must be what reach(subnet A, subnet B) proves, on the
// examples, on generated networks and on networks made to split a subnet's ENIs into classes.
#include "cloudtwin/verify/matrix.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/verify/incremental.h"
#include "cloudtwin/verify/rows.h"
#include "network_generator.h"
#include "test_networks.h"

namespace cloudtwin::verify {
namespace {

using testing::example_network;
using testing::yaml_network;

using model::Index;

Party subnet_party(const model::Network& n, Index s) {
  Party p;
  p.label = n.subnets[s].id;
  for (Index e = 0; e < n.network_interfaces.size(); ++e) {
    if (n.network_interfaces[e].subnet.index == s) p.interfaces.push_back(e);
  }
  return p;
}

// Every cell and its packets equal reach() between the two subnets; the protocol-and-port
// view is those packets with the addresses projected away; the yes-or-no matrix has the same
// cells, each with a non-empty part of the packets.
void expect_matrix_matches_reach(const model::Network& n) {
  Compiled c(n);
  auto m = subnet_matrix(c);
  ASSERT_EQ(m.size(), n.subnets.size());
  Compiled cells_compiled(n);
  auto cells = subnet_matrix(cells_compiled, {.packets = false});
  const bdd addresses = HeaderSpace::variables(Block::kSrc) & HeaderSpace::variables(Block::kDst) &
                        bdd_ithvar(HeaderSpace::kFamilyVariable);
  Compiled fresh(n);
  for (Index a = 0; a < n.subnets.size(); ++a) {
    for (Index b = 0; b < n.subnets.size(); ++b) {
      auto r = reach(fresh, subnet_party(n, a), subnet_party(n, b));
      std::string pair = n.subnets[a].id + " -> " + n.subnets[b].id;
      EXPECT_EQ(m.reachable(a, b), r.reachable != bddfalse) << pair;
      EXPECT_TRUE(m.packets(a, b) == r.reachable) << pair;
      EXPECT_TRUE(m.protocols_and_ports(a, b) == bdd_exist(r.reachable, addresses)) << pair;
      EXPECT_EQ(cells.reachable(a, b), m.reachable(a, b)) << pair;
      bdd some = cells.packets(a, b);
      EXPECT_EQ(some != bddfalse, m.reachable(a, b)) << pair;
      EXPECT_TRUE((some & !r.reachable) == bddfalse) << pair << ": a packet that does not reach";
    }
  }
}

TEST(SubnetMatrix, MatchesReachOnTheExamples) {
  for (const char* name : {"microservices.yaml", "hybrid.yaml", "global-service.yaml"}) {
    SCOPED_TRACE(name);
    expect_matrix_matches_reach(example_network(name));
  }
}

// Load balancers' targets and nodes, interface endpoints and firewall endpoints are classes of
// their own, reached at several addresses (a target also at its load balancers' nodes): the
// matrix walks them one pair of addresses at a time (aws-vpc-services.md §0, §2, §4, §6).
TEST(SubnetMatrix, MatchesReachThroughLoadBalancersEndpointsAndFirewalls) {
  for (const char* name : {"load_balancers.yaml", "vpc_endpoints.yaml", "network_firewall.yaml"}) {
    SCOPED_TRACE(name);
    std::ifstream in(std::string(CLOUDTWIN_SOURCE_DIR) + "/tests/scenarios/" + name);
    std::stringstream text;
    text << in.rdbuf();
    std::string network = text.str().substr(0, text.str().find("\n---"));
    expect_matrix_matches_reach(yaml_network(network));
  }
  // The bench network's services (bench/network_generator.h): an ALB and an NLB, an endpoint,
  // an Auto Scaling group and a firewall per VPC, here one VPC of six subnets.
  SCOPED_TRACE("generate_network --services 6");
  expect_matrix_matches_reach(yaml_network(bench::generate_network(
      {.subnets = 6, .instances_per_subnet = 2, .rules_per_group = 3, .services = true})));
}

TEST(SubnetMatrix, MatchesReachOnAGeneratedNetwork) {
  // Two VPCs behind the transit gateway, four instances per subnet.
  auto n = yaml_network(
      bench::generate_network({.subnets = 104, .instances_per_subnet = 4, .rules_per_group = 4}));
  // Every pair of subnets would take minutes under sanitizers; the two VPCs' first and last
  // few subnets cover the public subnet, the transit gateway subnets and plain ones.
  Compiled c(n);
  auto m = subnet_matrix(c);
  Compiled fresh(n);
  for (Index a : {0u, 1u, 5u, 99u, 100u, 103u}) {
    for (Index b : {0u, 2u, 5u, 99u, 101u, 103u}) {
      auto r = reach(fresh, subnet_party(n, a), subnet_party(n, b));
      EXPECT_EQ(m.reachable(a, b), r.reachable != bddfalse) << a << " -> " << b;
      EXPECT_TRUE(m.packets(a, b) == r.reachable) << a << " -> " << b;
    }
  }
  // One class per subnet: its instances share a security group and no rule tells them apart.
  EXPECT_EQ(m.classes(), n.subnets.size());
}

// ENIs of one subnet that a rule tells apart (a /32 in a security group, a network ACL entry
// on half the subnet, different groups, a public IP) must land in different classes, and
// the matrix must still equal reach().
constexpr const char* kSplitSubnets = R"(
region: us-east-1
vpcs:
  - {id: vpc-a, cidr_block: 10.0.0.0/16}
internet_gateways:
  - {id: igw-a, vpc: vpc-a}
subnets:
  - {id: subnet-1, vpc: vpc-a, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24, network_acl: acl-1, route_table: rtb-a}
  - {id: subnet-2, vpc: vpc-a, availability_zone: us-east-1a, cidr_block: 10.0.2.0/24, network_acl: acl-2, route_table: rtb-a}
route_tables:
  - {id: rtb-a, vpc: vpc-a, routes: [{destination: 0.0.0.0/0, gateway: igw-a}]}
network_acls:
  - id: acl-1
    vpc: vpc-a
    ingress:
      - {rule_number: 10, protocol: tcp, ports: 22, rule_action: deny, cidr: 10.0.2.128/25}
      - {rule_number: 100, protocol: all, rule_action: allow, cidr: 0.0.0.0/0}
    egress:
      - {rule_number: 100, protocol: all, rule_action: allow, cidr: 0.0.0.0/0}
  - id: acl-2
    vpc: vpc-a
    ingress:
      - {rule_number: 100, protocol: all, rule_action: allow, cidr: 0.0.0.0/0}
    egress:
      - {rule_number: 10, protocol: udp, ports: 53, rule_action: deny, cidr: 10.0.1.12/32}
      - {rule_number: 100, protocol: all, rule_action: allow, cidr: 0.0.0.0/0}
security_groups:
  - id: sg-web
    vpc: vpc-a
    ingress:
      - {protocol: tcp, port: 443, cidr: 10.0.0.0/16}
      - {protocol: tcp, port: 22, cidr: 10.0.2.10/32}
      - {protocol: tcp, port: 5432, security_group: sg-db}
  - id: sg-db
    vpc: vpc-a
    ingress:
      - {protocol: tcp, port: 5432, security_group: sg-web}
      - {protocol: udp, port: 53, cidr: 10.0.1.0/24}
instances:
  - {id: i-1a, subnet: subnet-1, private_ip: 10.0.1.10, security_groups: [sg-web]}
  - {id: i-1b, subnet: subnet-1, private_ip: 10.0.1.11, security_groups: [sg-web]}
  - {id: i-1c, subnet: subnet-1, private_ip: 10.0.1.12, security_groups: [sg-web]}
  - {id: i-1d, subnet: subnet-1, private_ip: 10.0.1.13, security_groups: [sg-db]}
  - {id: i-1e, subnet: subnet-1, private_ip: 10.0.1.14, public_ip: 54.1.2.3, security_groups: [sg-web]}
  - {id: i-2a, subnet: subnet-2, private_ip: 10.0.2.10, security_groups: [sg-db]}
  - {id: i-2b, subnet: subnet-2, private_ip: 10.0.2.11, security_groups: [sg-db]}
  - {id: i-2c, subnet: subnet-2, private_ip: 10.0.2.200, security_groups: [sg-db]}
  - {id: i-2d, subnet: subnet-2, private_ip: 10.0.2.201, security_groups: [sg-web, sg-db]}
)";

// Classes leave rule peers out (interface_classes.h); the rules a pair's walks read split it
// into rectangles instead, and the matrix is still exactly reach().
TEST(SubnetMatrix, RulesThatTellEnisApartSplitTheirPairs) {
  auto n = yaml_network(kSplitSubnets);
  auto classes = interface_classes(n);
  auto eni = [&](const char* instance) {
    return n.instances[*n.find(instance, model::Kind::kInstance)].network_interfaces.front();
  };
  auto same = [&](const char* x, const char* y) {
    return classes.class_of[eni(x)] == classes.class_of[eni(y)];
  };
  EXPECT_TRUE(same("i-1a", "i-1b"));
  EXPECT_TRUE(same("i-1a", "i-1c"));   // acl-2 denies udp 53 to 10.0.1.12/32: a rule peer
  EXPECT_FALSE(same("i-1a", "i-1d"));  // other security group
  EXPECT_FALSE(same("i-1a", "i-1e"));  // public IP
  EXPECT_TRUE(same("i-2a", "i-2b"));   // sg-web admits ssh from 10.0.2.10/32 only: a rule peer
  EXPECT_TRUE(same("i-2b", "i-2c"));   // acl-1 denies ssh from 10.0.2.128/25: a rule peer
  expect_matrix_matches_reach(n);
}

// split_rectangle keeps the members that every list read puts in the representative's cell.
TEST(SubnetMatrix, SplitRectangleKeepsWhatAnswersAlike) {
  auto n = yaml_network(kSplitSubnets);
  Compiled c(n);
  auto eni = [&](const char* instance) {
    return n.instances[*n.find(instance, model::Kind::kInstance)].network_interfaces.front();
  };
  Index acl2 = *n.find("acl-2", model::Kind::kNetworkAcl);
  Rectangle r{{eni("i-1a"), eni("i-1b"), eni("i-1c")}, {eni("i-2a"), eni("i-2b"), eni("i-2c")}};
  std::vector<Rectangle> rest;
  // Nothing read: the whole rectangle answers alike.
  auto whole = split_rectangle(c, r, eni("i-1a"), eni("i-2a"), {}, 0, 0, rest);
  EXPECT_EQ(whole.sources.size(), 3u);
  EXPECT_EQ(whole.destinations.size(), 3u);
  EXPECT_TRUE(rest.empty());
  // acl-2 read: 10.0.1.12 (i-1c) is a cell of its own.
  auto part = split_rectangle(c, r, eni("i-1a"), eni("i-2a"), {{}, {acl2}}, 0, 0, rest);
  EXPECT_EQ(part.sources, (std::vector<Index>{eni("i-1a"), eni("i-1b")}));
  EXPECT_EQ(part.destinations.size(), 3u);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].sources, (std::vector<Index>{eni("i-1c")}));
  EXPECT_EQ(rest[0].destinations.size(), 3u);
  // A mask the query's headers depend on tells 10.0.1.10 from 10.0.1.11.
  rest.clear();
  auto masked = split_rectangle(c, r, eni("i-1a"), eni("i-2a"), {}, 1, 0, rest);
  EXPECT_EQ(masked.sources, (std::vector<Index>{eni("i-1a"), eni("i-1c")}));
  EXPECT_EQ(rest.size(), 1u);
}

// A network whose every subnet has its own network ACL and security group, with /32, /30 and
// /28 peers that cut subnets apart (bench/network_generator.h, issue 9 §4): the lazily split
// pairs of classes must give reach() exactly, for several seeds.
TEST(SubnetMatrix, MatchesReachOnVariedNetworks) {
  for (unsigned seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    auto n = yaml_network(bench::generate_network(
        {.subnets = 8, .instances_per_subnet = 5, .varied = true, .seed = seed}));
    expect_matrix_matches_reach(n);
  }
}

// After a rule changes, the incremental answer equals a fresh reach() on the changed network.
TEST(IncrementalReach, EqualsAFreshAnswerAfterEachChange) {
  auto n = yaml_network(kSplitSubnets);
  Compiled c(n);
  auto from = subnet_party(n, 0);
  auto to = subnet_party(n, 1);
  IncrementalReach q(c, from, to);
  auto expect_fresh = [&](const char* what) {
    Compiled fresh(n);
    auto r = reach(fresh, from, to);
    EXPECT_TRUE(q.result().reachable == r.reachable) << what;
    bdd covered = bddfalse;
    for (const auto& f : q.result().flows) {
      EXPECT_TRUE((covered & f.packets) == bddfalse) << what << ": flows overlap";
      covered |= f.packets;
    }
    EXPECT_TRUE(covered == q.result().queried) << what << ": flows do not cover the query";
  };
  expect_fresh("initial");
  Index db = *n.find("sg-db", model::Kind::kSecurityGroup);
  n.security_groups[db].ingress[0].ports = PortRange::single(5433);
  q.security_group_changed(db);
  expect_fresh("sg-db admits 5433 instead of 5432");
  n.security_groups[db].ingress[1].cidr = *Prefix::parse("10.0.1.8/29");
  q.security_group_changed(db);
  expect_fresh("sg-db admits dns from 10.0.1.8/29 only");
  Index acl = *n.find("acl-2", model::Kind::kNetworkAcl);
  n.network_acls[acl].ingress.front().allow = false;
  q.network_acl_changed(acl);
  expect_fresh("acl-2 denies everything inbound");
  n.network_acls[acl].ingress.front().allow = true;
  q.network_acl_changed(acl);
  expect_fresh("acl-2 allows again");
}

// On a varied network, rules that cut subnets apart appear and disappear: after each change the
// incremental answer (whose rectangles split, or are walked again) equals a fresh reach().
TEST(IncrementalReach, EqualsAFreshAnswerOnAVariedNetwork) {
  auto n = yaml_network(bench::generate_network(
      {.subnets = 6, .instances_per_subnet = 5, .varied = true, .seed = 7}));
  Compiled c(n);
  auto from = subnet_party(n, 1);
  auto to = subnet_party(n, 2);
  IncrementalReach q(c, from, to);
  auto expect_fresh = [&](const std::string& what) {
    SCOPED_TRACE(what);
    Compiled fresh(n);
    auto r = reach(fresh, from, to);
    EXPECT_TRUE(q.result().reachable == r.reachable) << what;
    EXPECT_TRUE(q.result().inconclusive == r.inconclusive) << what;
    bdd covered = bddfalse;
    for (const auto& f : q.result().flows) {
      EXPECT_TRUE((covered & f.packets) == bddfalse) << what << ": flows overlap";
      covered |= f.packets;
    }
    EXPECT_TRUE(covered == q.result().queried) << what << ": flows do not cover the query";
  };
  expect_fresh("initial");
  const auto& to_group = n.network_interfaces[to.interfaces.front()].security_groups.front();
  Index group = to_group.index;
  Index to_acl = n.subnets[2].effective_network_acl;
  Index from_acl = n.subnets[1].effective_network_acl;
  // Known rules where the test changes them, so each change matters: the destination's group
  // admits tcp/443 from the VPC, both subnets' network ACLs allow everything.
  model::SecurityGroupRule https;
  https.protocol = Protocol(Protocol::kTcp);
  https.ports = PortRange::single(443);
  https.cidr = *Prefix::parse("10.0.0.0/16");
  n.security_groups[group].ingress = {https};
  for (Index acl : {to_acl, from_acl}) {
    model::NetworkAclEntry all;
    all.rule_number = 100;
    all.protocol = Protocol(Protocol::kAll);
    all.cidr = *Prefix::parse("0.0.0.0/0");
    all.allow = true;
    n.network_acls[acl].ingress = {all};
    n.network_acls[acl].egress = {all};
  }
  // Several lists changed at once, then each one told, in any order.
  q.network_acl_changed(to_acl);
  q.network_acl_changed(from_acl);
  q.security_group_changed(group);
  expect_fresh("known rules");
  ASSERT_TRUE(q.result().reachable != bddfalse);
  // Admit everything from one instance of the source subnet, then from a /30 of it, then
  // nothing more; deny one source instance in the network ACL, then allow it again.
  auto one = n.network_interfaces[from.interfaces[2]].private_ips[0];
  model::SecurityGroupRule rule;
  rule.protocol = Protocol(Protocol::kAll);
  rule.cidr = Prefix::host(one);
  n.security_groups[group].ingress.push_back(rule);
  q.security_group_changed(group);
  expect_fresh("all from " + one.str());
  n.security_groups[group].ingress.back().cidr = Prefix(one, 30);
  q.security_group_changed(group);
  expect_fresh("all from its /30");
  n.security_groups[group].ingress.pop_back();
  q.security_group_changed(group);
  expect_fresh("rule removed");
  auto source = n.network_interfaces[from.interfaces[0]].private_ips[0];
  auto& entries = n.network_acls[to_acl].ingress;
  model::NetworkAclEntry deny = entries.front();
  deny.rule_number = 1;
  deny.allow = false;
  deny.cidr = Prefix::host(source);
  entries.insert(entries.begin(), deny);
  q.network_acl_changed(to_acl);
  expect_fresh("deny " + source.str());
  entries.erase(entries.begin());
  q.network_acl_changed(to_acl);
  expect_fresh("deny removed");
}

// Leaving out the flows of one verdict keeps the sets whole and counts what it left out.
TEST(ReachByClass, LeavesOutTheFlowsOfAVerdict) {
  auto n = yaml_network(bench::generate_network(
      {.subnets = 6, .instances_per_subnet = 5, .varied = true, .seed = 3}));
  Compiled c(n);
  for (const char* from : {"subnet/subnet-0-1", "vpc/vpc-0"}) {
    SCOPED_TRACE(from);
    auto f = *parse_party(n, from).party;
    auto t = *parse_party(n, "subnet/subnet-0-4").party;
    auto all = reach_by_class(c, f, t);
    auto some = reach_by_class(c, f, t, {}, vpc::Verdict::kBlocked);
    EXPECT_TRUE(some.reachable == all.reachable);
    EXPECT_TRUE(some.inconclusive == all.inconclusive);
    EXPECT_EQ(some.flows.size() + some.left_out, all.flows.size());
    for (const auto& flow : some.flows) EXPECT_NE(flow.trace.verdict, vpc::Verdict::kBlocked);
    EXPECT_GT(some.left_out, 0u);
  }
}

// reach_by_class gives reach()'s sets, its flows partition the query, and each trace is of a
// real pair whose verdict is the flow's.
void expect_by_class_matches_reach(const model::Network& n, const std::string& from_name,
                                   const std::string& to_name, const ReachOptions& options = {}) {
  SCOPED_TRACE(from_name + " -> " + to_name);
  auto from = *parse_party(n, from_name).party;
  auto to = *parse_party(n, to_name).party;
  Compiled c(n);
  auto by_class = reach_by_class(c, from, to, options);
  Compiled fresh(n);
  auto r = reach(fresh, from, to, options);
  EXPECT_TRUE(by_class.reachable == r.reachable);
  EXPECT_TRUE(by_class.queried == r.queried);
  EXPECT_LE(by_class.walks, r.walks);
  bdd covered = bddfalse;
  for (const auto& f : by_class.flows) {
    EXPECT_TRUE((covered & f.packets) == bddfalse) << "flows overlap";
    covered |= f.packets;
    EXPECT_EQ(f.trace.reachable, (f.packets & !r.reachable) == bddfalse);
  }
  EXPECT_TRUE(covered == r.queried) << "flows do not cover the query";
}

TEST(ReachByClass, EqualsReach) {
  auto split = yaml_network(kSplitSubnets);
  for (const auto& s : split.subnets) {
    for (const auto& t : split.subnets)
      expect_by_class_matches_reach(split, "subnet/" + s.id, "subnet/" + t.id);
  }
  auto micro = example_network("microservices.yaml");
  expect_by_class_matches_reach(micro, "vpc/vpc-orders", "vpc/vpc-payments");
  auto gen = yaml_network(
      bench::generate_network({.subnets = 104, .instances_per_subnet = 4, .rules_per_group = 4}));
  expect_by_class_matches_reach(gen, "subnet/subnet-0-5", "vpc/vpc-1");
  expect_by_class_matches_reach(gen, "sg/sg-5", "sg/sg-6");
  expect_by_class_matches_reach(gen, "vpc/vpc-1", "vpc/vpc-1");
  ReachOptions tcp;
  tcp.headers = HeaderSpace::protocol(Protocol::kTcp);
  expect_by_class_matches_reach(gen, "subnet/subnet-1-2", "subnet/subnet-0-3", tcp);
  // Headers that name addresses: members of a class are not interchangeable for the query, so
  // reach_by_class falls back to reach().
  ReachOptions one_host;
  one_host.headers = HeaderSpace::address(Block::kSrc, *IpAddress::parse("10.0.5.10"));
  expect_by_class_matches_reach(gen, "subnet/subnet-0-5", "subnet/subnet-0-6", one_host);
}

// Between two VPCs the rows of the pairs of classes merge into one per set of services: the
// generated network admits tcp/443 from 10.0.0.0/8 everywhere and its security group
// references stay inside their VPC, so VPC 0 reaches VPC 1 on tcp/443 alone, in one row whose
// box is exactly the reachable packets.
// Parties that share ENIs: the pairs of an ENI with itself are left out, whatever the order
// the network lists the ENIs in (here not the order of their addresses).
TEST(ReachByClass, OverlappingPartiesLeaveOutAnEniToItself) {
  auto n = yaml_network(R"(
region: us-east-1
vpcs:
  - {id: vpc-a, cidr_block: 10.0.0.0/16}
subnets:
  - {id: subnet-1, vpc: vpc-a, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}
security_groups:
  - id: sg-all
    vpc: vpc-a
    ingress:
      - {protocol: all, cidr: 10.0.0.0/16}
instances:
  - {id: i-40, subnet: subnet-1, private_ip: 10.0.1.40, security_groups: [sg-all]}
  - {id: i-10, subnet: subnet-1, private_ip: 10.0.1.10, security_groups: [sg-all]}
  - {id: i-20, subnet: subnet-1, private_ip: 10.0.1.20, security_groups: [sg-all]}
)");
  expect_by_class_matches_reach(n, "subnet/subnet-1", "10.0.1.0/27");
  expect_by_class_matches_reach(n, "10.0.1.0/27", "subnet/subnet-1");
}

TEST(ReachByClass, RowsMergeAcrossPairsOfClasses) {
  auto gen = yaml_network(
      bench::generate_network({.subnets = 104, .instances_per_subnet = 4, .rules_per_group = 4}));
  Compiled c(gen);
  auto r =
      reach_by_class(c, *parse_party(gen, "vpc/vpc-0").party, *parse_party(gen, "vpc/vpc-1").party);
  EXPECT_GE(r.flows.size(), 400u);  // 100 x 4 pairs of classes
  auto reachable = rows(r, true);
  ASSERT_EQ(reachable.size(), 1u);
  const auto& row = reachable.front();
  EXPECT_EQ(row.protocol, "tcp");
  EXPECT_TRUE(row.exact);
  EXPECT_EQ(row.source_interface, model::kNone);  // many, merged
  bdd ports = bddfalse;
  for (const auto& p : row.destination_ports) ports |= HeaderSpace::port(Block::kDstPort, p);
  bdd source_ports = bddfalse;
  for (const auto& p : row.source_ports) source_ports |= HeaderSpace::port(Block::kSrcPort, p);
  bdd box = HeaderSpace::protocol(Protocol::kTcp) & ports & source_ports &
            HeaderSpace::addresses(Block::kSrc, row.sources) &
            HeaderSpace::addresses(Block::kDst, row.destinations);
  EXPECT_TRUE((box & HeaderSpace::well_formed()) == r.reachable);
  // Blocked rows merge too: one per protocol group and destination class at most.
  EXPECT_LE(rows(r, false).size(), 4u * 4u);
}

}  // namespace
}  // namespace cloudtwin::verify
