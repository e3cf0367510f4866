// Compiled's pinned lookups (the security groups and network ACLs of one ENI with the peer's
// address fixed) are kept per cell of the partition the rules' address sets induce, not per
// address. Each answer must be the BDD the address itself gives: bdd_restrict of the unpinned
// predicate to the address, and the lookup of a fresh Compiled that has seen no other address.
#include "cloudtwin/verify/path_condition.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml.h"
#include "network_generator.h"
#include "test_networks.h"

namespace cloudtwin::verify {
namespace {

using testing::example_network;
using testing::yaml_network;

using model::Index;

// Dual stack, a prefix list per family, references to groups of this VPC, of a same-Region
// peered VPC and of a VPC of another Region (a referenced group matches the private addresses
// of its members in the VPC or a same-Region peered VPC: aws-vpc.md §1.2, §1.7), and network
// ACLs whose first matching entry decides (§1.3), over overlapping CIDRs.
constexpr const char* kDualStack = R"(
vpcs:
  - {name: a, cidr_block: 10.0.0.0/16, ipv6_cidr_blocks: [2600:1f18:a::/56]}
  - {name: b, cidr_block: 10.1.0.0/16}
  - {name: c, cidr_block: 10.2.0.0/16, region: eu-west-1}
subnets:
  - {name: a0, vpc: a, availability_zone: us-east-1a, cidr_block: 10.0.0.0/24, ipv6_cidr_block: 2600:1f18:a:0::/64, network_acl: a-acl}
  - {name: a1, vpc: a, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24, ipv6_cidr_block: 2600:1f18:a:1::/64}
  - {name: b0, vpc: b, availability_zone: us-east-1a, cidr_block: 10.1.0.0/24}
  - {name: c0, vpc: c, availability_zone: eu-west-1a, cidr_block: 10.2.0.0/24}
vpc_peering_connections:
  - {name: ab, requester_vpc: a, accepter_vpc: b}
  - {name: ac, requester_vpc: a, accepter_vpc: c}
prefix_lists:
  - {name: admins, entries: [10.0.1.0/28, 10.0.1.64/26, 192.0.2.0/24]}
  - {name: admins6, entries: ["2600:1f18:a:1::/120", "2001:db8::/32"]}
security_groups:
  - name: web
    vpc: a
    ingress:
      - {protocol: tcp, port: 443, cidr: 10.0.0.0/16}
      - {protocol: tcp, port: 443, cidr: "2600:1f18:a::/56"}
      - {protocol: tcp, port: 8080, security_group: clients}
      - {protocol: tcp, port: 22, prefix_list: admins}
      - {protocol: tcp, port: 22, prefix_list: admins6}
      - {protocol: icmp, icmp_type: 8, cidr: 10.0.0.128/25}
      - {protocol: udp, ports: 1000-2000, cidr: 0.0.0.0/0}
      - {protocol: all, cidr: "ffff::/16"}
      - {protocol: tcp, port: 6000, security_group: b-clients}
      - {protocol: tcp, port: 6001, security_group: c-clients}
    egress:
      - {protocol: tcp, ports: 5432, security_group: web}
      - {protocol: tcp, ports: 80-90, cidr: 10.1.0.0/24}
      - {protocol: all, cidr: "2600:1f18:a:1::/64"}
  - name: clients
    vpc: a
    ingress:
      - {protocol: tcp, port: 9000, security_group: web}
      - {protocol: tcp, port: 9001, cidr: 255.255.255.255/32}
  - name: b-clients
    vpc: b
    ingress:
      - {protocol: all, security_group: clients}
  - name: c-clients
    vpc: c
    ingress:
      - {protocol: all, security_group: clients}
network_acls:
  - name: a-acl
    vpc: a
    ingress:
      - {rule_number: 10, protocol: tcp, ports: 22, cidr: 10.0.1.0/28, rule_action: deny}
      - {rule_number: 20, protocol: all, cidr: 10.0.0.0/16, rule_action: allow}
      - {rule_number: 30, protocol: udp, ports: 53, cidr: 0.0.0.0/0, rule_action: allow}
      - {rule_number: 40, protocol: all, cidr: "2600:1f18:a:1::/64", rule_action: deny}
      - {rule_number: 50, protocol: tcp, ports: 443, cidr: "::/0", rule_action: allow}
    egress:
      - {rule_number: 10, protocol: all, cidr: 0.0.0.0/0, rule_action: allow}
      - {rule_number: 20, protocol: tcp, ports: 1024-65535, cidr: "ffff::/16", rule_action: allow}
instances:
  - {name: w0, subnet: a0, private_ip: 10.0.0.10, ipv6_addresses: ["2600:1f18:a:0::10"], security_groups: [web]}
  - {name: w1, subnet: a1, private_ip: 10.0.1.11, ipv6_addresses: ["2600:1f18:a:1::11"], security_groups: [web, clients]}
  - {name: c0, subnet: a1, private_ips: [10.0.1.20, 10.0.1.21], ipv6_addresses: ["2600:1f18:a:1::20"], security_groups: [clients]}
  - {name: c1, subnet: b0, private_ip: 10.1.0.20, security_groups: [b-clients]}
  - {name: c2, subnet: c0, private_ip: 10.2.0.20, security_groups: [c-clients]}
  - {name: c3, subnet: c0, private_ip: 10.2.0.21, security_groups: [c-clients]}
)";

IpAddress at(Family f, U128 bits) {
  return f == Family::kV4 ? IpAddress::v4(static_cast<std::uint32_t>(bits)) : IpAddress::v6(bits);
}

// Addresses on and next to every edge the network writes (rule, entry and prefix-list CIDRs,
// ENI addresses, the ends of each family), and a few random ones, shuffled.
std::vector<IpAddress> probes(const model::Network& n) {
  std::vector<IpAddress> out;
  auto around = [&](IpAddress a) {
    U128 max = a.is_v4() ? U128{0xffffffffu} : ~U128{0};
    out.push_back(a);
    if (a.bits() != 0) out.push_back(at(a.family(), a.bits() - 1));
    if (a.bits() != max) out.push_back(at(a.family(), a.bits() + 1));
  };
  auto edges = [&](const Prefix& p) {
    around(p.address());
    around(p.last());
  };
  for (const auto& g : n.security_groups) {
    for (const auto* rules : {&g.ingress, &g.egress}) {
      for (const auto& r : *rules) {
        if (r.cidr) edges(*r.cidr);
      }
    }
  }
  for (const auto& l : n.prefix_lists) {
    for (const auto& p : l.entries) edges(p);
  }
  for (const auto& acl : n.network_acls) {
    for (const auto* entries : {&acl.ingress, &acl.egress}) {
      for (const auto& e : *entries) edges(e.cidr);
    }
  }
  for (const auto& e : n.network_interfaces) {
    for (const auto& a : e.private_ips) around(a);
    for (const auto& a : e.ipv6_addresses) around(a);
  }
  edges(Prefix::any(Family::kV4));
  edges(Prefix::any(Family::kV6));
  std::mt19937_64 rng(20261127);
  for (int i = 0; i < 20; ++i) {
    out.push_back(IpAddress::v4(static_cast<std::uint32_t>(rng())));
    out.push_back(IpAddress::v6((U128{rng()} << 64) | rng()));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

// Every pinned lookup of `n` against the two references, for every ENI, network ACL,
// direction and probe address.
void expect_cells_exact(const model::Network& n, std::size_t probe_limit = ~std::size_t{0}) {
  auto addresses = probes(n);
  if (addresses.size() > probe_limit) addresses.resize(probe_limit);
  Compiled c(n);
  std::size_t checked = 0;
  for (bool ingress : {true, false}) {
    Block b = ingress ? Block::kSrc : Block::kDst;
    for (Index e = 0; e < n.network_interfaces.size(); ++e) {
      const bdd& whole = c.security_groups(e, ingress);
      for (IpAddress a : addresses) {
        bdd expected = bdd_restrict(whole, c.address_cube(b, a));
        ASSERT_TRUE(c.security_groups(e, ingress, a) == expected)
            << n.network_interfaces[e].id << (ingress ? " ingress " : " egress ") << a.str();
        ++checked;
      }
    }
    for (Index acl = 0; acl < n.network_acls.size(); ++acl) {
      const bdd& whole = c.network_acl(acl, ingress);
      for (IpAddress a : addresses) {
        bdd expected = bdd_restrict(whole, c.address_cube(b, a));
        ASSERT_TRUE(c.network_acl(acl, ingress, a) == expected)
            << n.network_acls[acl].id << (ingress ? " ingress " : " egress ") << a.str();
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0u);
}

TEST(PinnedLookup, EqualsTheAddressRestrictionOnADualStackNetwork) {
  expect_cells_exact(yaml_network(kDualStack));
}

TEST(PinnedLookup, EqualsTheAddressRestrictionOnTheExamples) {
  for (const char* name : {"microservices.yaml", "hybrid.yaml", "global-service.yaml"}) {
    SCOPED_TRACE(name);
    expect_cells_exact(example_network(name), 300);
  }
}

TEST(PinnedLookup, EqualsTheAddressRestrictionOnAGeneratedNetwork) {
  bench::GeneratorOptions g;
  g.subnets = 12;
  g.instances_per_subnet = 2;
  g.rules_per_group = 6;
  expect_cells_exact(yaml_network(bench::generate_network(g)), 200);
}

// A cell built from one address answers for another of the same cell as a Compiled that has
// seen only that other address: the group-reference members (hosts) and the CIDR edges cut
// the line so.
TEST(PinnedLookup, ACellAnswersAsEachOfItsAddresses) {
  auto n = yaml_network(kDualStack);
  auto addresses = probes(n);
  Compiled shared(n);
  for (IpAddress a : addresses) {
    Compiled fresh(n);
    for (bool ingress : {true, false}) {
      for (Index e = 0; e < n.network_interfaces.size(); ++e) {
        ASSERT_TRUE(shared.security_groups(e, ingress, a) == fresh.security_groups(e, ingress, a))
            << n.network_interfaces[e].id << " " << a.str();
      }
      for (Index acl = 0; acl < n.network_acls.size(); ++acl) {
        ASSERT_TRUE(shared.network_acl(acl, ingress, a) == fresh.network_acl(acl, ingress, a))
            << n.network_acls[acl].id << " " << a.str();
      }
    }
  }
}

Index find_eni(const model::Network& n, IpAddress a) {
  for (Index i = 0; i < n.network_interfaces.size(); ++i) {
    if (n.network_interfaces[i].has_address(a)) return i;
  }
  ADD_FAILURE() << a.str();
  return 0;
}

// The fixture's references decide both ways, so the tests above see cells that differ: a
// group of a same-Region peered VPC matches its members' addresses and nothing next to them;
// a group of another Region's VPC matches none (aws-vpc.md §1.2, §1.7).
TEST(PinnedLookup, AReferenceMatchesMembersOfSameRegionPeersOnly) {
  auto n = yaml_network(kDualStack);
  Compiled c(n);
  auto ip = [](const char* text) { return *IpAddress::parse(text); };
  auto tcp = [](std::uint16_t port) {
    return HeaderSpace::protocol(Protocol::kTcp) & HeaderSpace::port(Block::kDstPort, port);
  };
  Index w0 = find_eni(n, ip("10.0.0.10"));
  EXPECT_TRUE((c.security_groups(w0, true, ip("10.1.0.20")) & tcp(6000)) != bddfalse);
  EXPECT_TRUE((c.security_groups(w0, true, ip("10.1.0.21")) & tcp(6000)) == bddfalse);
  EXPECT_TRUE((c.security_groups(w0, true, ip("10.2.0.20")) & tcp(6001)) == bddfalse);
  EXPECT_TRUE((c.security_groups(w0, true, ip("10.0.1.20")) & tcp(8080)) != bddfalse);
  // A member's second address matches too.
  EXPECT_TRUE((c.security_groups(w0, true, ip("10.0.1.21")) & tcp(8080)) != bddfalse);
  EXPECT_TRUE((c.security_groups(w0, true, ip("10.0.1.22")) & tcp(8080)) == bddfalse);
  EXPECT_TRUE((c.security_groups(w0, true, ip("2600:1f18:a:1::20")) & tcp(8080)) != bddfalse);
  EXPECT_TRUE((c.security_groups(w0, true, ip("2600:1f18:a:1::21")) & tcp(8080)) == bddfalse);
  EXPECT_TRUE(c.security_groups(w0, true, ip("ffff::1")) == bddtrue);
  Index c1 = find_eni(n, ip("10.1.0.20"));
  EXPECT_TRUE(c.security_groups(c1, true, ip("10.0.1.20")) == bddtrue);
  Index c3 = find_eni(n, ip("10.2.0.21"));
  EXPECT_TRUE(c.security_groups(c3, true, ip("10.0.1.20")) == bddfalse);
}

Index find_group(const model::Network& n, const std::string& name) {
  for (Index i = 0; i < n.security_groups.size(); ++i) {
    if (n.security_groups[i].name == name) return i;
  }
  ADD_FAILURE() << name;
  return 0;
}

// The incremental path (incremental.h): after a group's rules change, forget_security_group()
// drops every cell built from them, and the lookups answer for the new rules, including new
// edges (a CIDR that cuts an old cell, a reference to another group).
TEST(PinnedLookup, ForgettingAGroupRebuildsItsCells) {
  auto n = yaml_network(kDualStack);
  Compiled c(n);
  auto addresses = probes(n);
  Index web = find_group(n, "web");
  for (bool ingress : {true, false}) {
    for (Index e = 0; e < n.network_interfaces.size(); ++e) {
      for (IpAddress a : addresses) (void)c.security_groups(e, ingress, a);
    }
  }
  model::SecurityGroupRule narrow = n.security_groups[web].ingress.front();
  narrow.cidr = *Prefix::parse("10.0.0.8/29");
  narrow.ports = PortRange{7000, 7000};
  n.security_groups[web].ingress.push_back(narrow);
  model::SecurityGroupRule reference = n.security_groups[web].ingress[2];  // references clients
  ASSERT_TRUE(reference.security_group.resolved());
  reference.security_group.index = find_group(n, "b-clients");
  reference.ports = PortRange{7001, 7001};
  n.security_groups[web].egress.push_back(reference);
  c.forget_security_group(web);
  for (bool ingress : {true, false}) {
    Block b = ingress ? Block::kSrc : Block::kDst;
    for (Index e = 0; e < n.network_interfaces.size(); ++e) {
      const bdd& whole = c.security_groups(e, ingress);
      for (IpAddress a : addresses) {
        ASSERT_TRUE(c.security_groups(e, ingress, a) == bdd_restrict(whole, c.address_cube(b, a)))
            << n.network_interfaces[e].id << " " << a.str();
      }
    }
  }
}

TEST(PinnedLookup, ForgettingANetworkAclRebuildsItsCells) {
  auto n = yaml_network(kDualStack);
  Compiled c(n);
  auto addresses = probes(n);
  for (bool ingress : {true, false}) {
    for (Index acl = 0; acl < n.network_acls.size(); ++acl) {
      for (IpAddress a : addresses) (void)c.network_acl(acl, ingress, a);
    }
  }
  for (Index acl = 0; acl < n.network_acls.size(); ++acl) {
    auto& entries = n.network_acls[acl].ingress;
    model::NetworkAclEntry deny = entries.front();
    deny.cidr = *Prefix::parse("10.0.0.10/32");
    deny.allow = false;
    entries.insert(entries.begin(), deny);
    c.forget_network_acl(acl);
  }
  for (bool ingress : {true, false}) {
    Block b = ingress ? Block::kSrc : Block::kDst;
    for (Index acl = 0; acl < n.network_acls.size(); ++acl) {
      const bdd& whole = c.network_acl(acl, ingress);
      for (IpAddress a : addresses) {
        ASSERT_TRUE(c.network_acl(acl, ingress, a) == bdd_restrict(whole, c.address_cube(b, a)))
            << n.network_acls[acl].id << " " << a.str();
      }
    }
  }
}

}  // namespace
}  // namespace cloudtwin::verify
