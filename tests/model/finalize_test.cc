// finalize(): AWS's implicit defaults and validation (aws-vpc.md §1).
#include <gtest/gtest.h>

#include <set>

#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::model {
namespace {

struct Loaded {
  Network n;
  Diagnostics d;
  bool ok = false;
};

std::unique_ptr<Loaded> load(const char* text) {
  auto l = std::make_unique<Loaded>();
  bool read = load::read_native_yaml(text, "net.yaml", l->n, l->d);
  l->ok = read && finalize(l->n, l->d);
  return l;
}

std::string all(const Diagnostics& d) {
  std::string s;
  for (const auto& x : d.items()) s += x.str() + "\n";
  return s;
}

TEST(Defaults, MainRouteTableLocalRoutesDefaultGroupAndAcl) {
  auto l = load(R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16, ipv6_cidr_blocks: ["2600:1f18:1::/56"]}
subnets:
  - {name: a, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}
)");
  ASSERT_TRUE(l->ok) << all(l->d);
  const auto& v = l->n.vpcs[0];
  ASSERT_NE(v.main_route_table, kNone);
  const auto& rt = l->n.route_tables[v.main_route_table];
  EXPECT_TRUE(rt.main);
  // One local route per VPC CIDR block, IPv4 and IPv6.
  ASSERT_EQ(rt.effective.size(), 2u);
  EXPECT_EQ(rt.effective[0].target_kind, TargetKind::kLocal);
  EXPECT_TRUE(rt.effective[0].implicit);
  // Default SG: inbound from itself, all outbound (default-security-group.html).
  const auto& sg = l->n.security_groups[v.default_security_group];
  EXPECT_EQ(sg.group_name, "default");
  ASSERT_EQ(sg.ingress.size(), 1u);
  EXPECT_TRUE(sg.ingress[0].security_group.resolved());
  EXPECT_EQ(sg.egress.size(), 2u);
  // Default NACL: 100 allow all, 101 for ::/0, then "*" deny for each family.
  const auto& acl = l->n.network_acls[v.default_network_acl];
  ASSERT_EQ(acl.ingress.size(), 4u);
  EXPECT_EQ(acl.ingress[0].rule_number, 100);
  EXPECT_EQ(acl.ingress[1].rule_number, 101);
  EXPECT_EQ(acl.ingress[2].rule_number, 32767);
  const auto& s = l->n.subnets[0];
  EXPECT_EQ(s.effective_route_table, v.main_route_table);
  EXPECT_EQ(s.effective_network_acl, v.default_network_acl);
  // The resolver sits at the primary block's base + 2.
  EXPECT_EQ(v.resolver()->str(), "10.0.0.2");
}

TEST(Routes, WholeSubnetRouteToAnApplianceIsAllowed) {
  // route-tables.html (middlebox routing): a route for an entire subnet CIDR may target an ENI.
  auto l = load(R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
subnets:
  - {name: a, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}
  - {name: b, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.2.0/24}
instances:
  - {name: fw, subnet: a, private_ip: 10.0.1.10, source_dest_check: false}
route_tables:
  - name: rt
    vpc: app
    routes:
      - {destination: 10.0.2.0/24, instance: fw}
      - {destination: 0.0.0.0/0, gateway: igw-deleted, state: blackhole}
)");
  EXPECT_TRUE(l->ok) << all(l->d);
  // The blackhole route to a deleted gateway is kept, with a warning, as AWS shows it.
  ASSERT_EQ(l->d.items().size(), 1u) << all(l->d);
  EXPECT_EQ(l->d.items()[0].severity, Severity::kWarning);
}

TEST(Defaults, ReservedAddresses) {
  auto l = load(R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
subnets:
  - {name: a, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}
)");
  ASSERT_TRUE(l->ok);
  const auto& s = l->n.subnets[0];
  for (const char* a : {"10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.255"}) {
    EXPECT_TRUE(s.is_reserved(*IpAddress::parse(a))) << a;
  }
  EXPECT_FALSE(s.is_reserved(*IpAddress::parse("10.0.1.4")));
}

struct BadCase {
  const char* name;
  const char* yaml;
  const char* expect;  // substring of the error
  int line;
};

// Internet-facing load balancer nodes without an address of their own get distinct stand-in
// public addresses however many there are: 192.0.2.0/24 first, then 198.18.0.0/15 (docs/format.md,
// "Load balancers"). 300 load balancers in two subnets each need 600.
TEST(Defaults, StandInPublicAddressesNeverRunOut) {
  std::string y = "vpcs: [{id: vpc-1, cidr_block: 10.0.0.0/16}]\n"
                  "internet_gateways: [{id: igw-1, vpc: vpc-1}]\n"
                  "route_tables: [{id: rtb-1, vpc: vpc-1, main: true, routes: [{destination: "
                  "0.0.0.0/0, gateway: igw-1}]}]\n"
                  "subnets:\n"
                  "  - {id: subnet-a, vpc: vpc-1, availability_zone: us-east-1a, cidr_block: 10.0.0.0/20}\n"
                  "  - {id: subnet-b, vpc: vpc-1, availability_zone: us-east-1b, cidr_block: 10.0.16.0/20}\n"
                  "load_balancers:\n";
  for (int i = 0; i < 300; ++i) {
    y += "  - {id: lb-" + std::to_string(i) +
         ", type: application, subnets: [subnet-a, subnet-b], listeners: [{port: 80, action: redirect}]}\n";
  }
  auto l = load(y.c_str());
  ASSERT_TRUE(l->ok) << all(l->d);
  std::set<IpAddress> seen;
  int in_test_net = 0;
  for (const auto& e : l->n.network_interfaces) {
    ASSERT_TRUE(e.public_ip) << e.id;
    EXPECT_TRUE(seen.insert(*e.public_ip).second) << e.public_ip->str() << " twice";
    if (Prefix::parse("192.0.2.0/24")->contains(*e.public_ip)) {
      ++in_test_net;
    } else {
      EXPECT_TRUE(Prefix::parse("198.18.0.0/15")->contains(*e.public_ip)) << e.public_ip->str();
    }
  }
  EXPECT_EQ(seen.size(), 600u);
  EXPECT_EQ(in_test_net, 254);
}

class Invalid : public ::testing::TestWithParam<BadCase> {};

TEST_P(Invalid, IsReportedWithItsLocation) {
  auto l = load(GetParam().yaml);
  EXPECT_FALSE(l->ok);
  bool found = false;
  for (const auto& d : l->d.items()) {
    if (d.message.find(GetParam().expect) != std::string::npos) {
      found = true;
      EXPECT_EQ(d.file, "net.yaml");
      EXPECT_EQ(static_cast<int>(d.line), GetParam().line) << d.str();
    }
  }
  EXPECT_TRUE(found) << "want `" << GetParam().expect << "` in:\n" << all(l->d);
}

INSTANTIATE_TEST_SUITE_P(
    Table, Invalid,
    ::testing::Values(
        BadCase{"subnet_outside_vpc", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
subnets:
  - {name: a, vpc: app, availability_zone: us-east-1a, cidr_block: 10.1.1.0/24}
)", "outside its VPC", 5},
        BadCase{"overlapping_subnets", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
subnets:
  - {name: a, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}
  - {name: b, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.128/25}
)", "overlaps subnet", 6},
        BadCase{"dangling_vpc", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
subnets:
  - {name: a, vpc: ap, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}
)", "no VPC `ap`", 5},
        BadCase{"two_main_tables", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
route_tables:
  - {name: one, vpc: app, main: true}
  - {name: two, vpc: app, main: true}
)", "two main route tables", 6},
        BadCase{"route_to_missing_target", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
route_tables:
  - name: rt
    vpc: app
    routes:
      - {destination: 0.0.0.0/0, nat_gateway: nat-missing}
)", "no NatGateway `nat-missing`", 8},
        BadCase{"vpc_block_too_large", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/8}
)", "not between /16 and /28", 3},
        BadCase{"eni_outside_subnet", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
subnets:
  - {name: a, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}
instances:
  - {name: web, subnet: a, private_ip: 10.0.2.9}
)", "outside subnet", 7},
        BadCase{"eni_reserved_address", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
subnets:
  - {name: a, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}
instances:
  - {name: web, subnet: a, private_ip: 10.0.1.2}
)", "reserved by AWS", 7},
        BadCase{"peering_overlap", R"(
vpcs:
  - {name: a, cidr_block: 10.0.0.0/16}
  - {name: b, cidr_block: 10.0.0.0/16}
vpc_peering_connections:
  - {name: p, requester_vpc: a, accepter_vpc: b}
)", "overlapping CIDR blocks", 6},
        BadCase{"duplicate_ip", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
subnets:
  - {name: a, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}
instances:
  - {name: web, subnet: a, private_ip: 10.0.1.9}
  - {name: web2, subnet: a, private_ip: 10.0.1.9}
)", "is also used by", 8},
        BadCase{"two_igws", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
internet_gateways:
  - {name: one, vpc: app}
  - {name: two, vpc: app}
)", "already has internet gateway", 6},
        BadCase{"public_nat_without_eip", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
subnets:
  - {name: a, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}
nat_gateways:
  - {name: nat, subnet: a}
)", "needs an elastic IP", 7},
        BadCase{"route_more_specific_than_local", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
internet_gateways:
  - {name: igw, vpc: app}
route_tables:
  - name: rt
    vpc: app
    routes:
      - {destination: 10.0.5.0/24, gateway: igw}
)", "more specific than the local route", 10},
        BadCase{"gateway_table_bad_target", R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
internet_gateways:
  - {name: igw, vpc: app}
nat_gateways:
  - {name: nat, subnet: a, connectivity_type: private}
subnets:
  - {name: a, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24}
route_tables:
  - name: edge
    vpc: app
    gateways: [igw]
    routes:
      - {destination: 10.0.1.0/24, nat_gateway: nat}
)", "gateway route table can only target", 15},
        BadCase{"duplicate_ids", R"(
vpcs:
  - {id: vpc-1, cidr_block: 10.0.0.0/16}
  - {id: vpc-1, cidr_block: 10.1.0.0/16}
)", "duplicate VPC id", 4}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cloudtwin::model
