#include "cloudtwin/vpc/rules.h"

#include <gtest/gtest.h>

#include "cloudtwin/load/native_yaml.h"

namespace cloudtwin::vpc {
namespace {

model::Network load(const char* text) {
  model::Network n;
  Diagnostics d;
  EXPECT_TRUE(load::read_native_yaml(text, "t.yaml", n, d));
  EXPECT_TRUE(model::finalize(n, d));
  for (const auto& x : d.items()) ADD_FAILURE() << x.str();
  return n;
}

const char* kRoutes = R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
subnets:
  - {name: a, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24, route_table: rt}
vpn_gateways:
  - {name: vgw, vpc: app}
internet_gateways:
  - {name: igw, vpc: app}
customer_gateways:
  - {name: cgw, ip_address: 198.51.100.7}
vpn_connections:
  - {name: vpn, vpn_gateway: vgw, customer_gateway: cgw, static_routes_only: true, static_routes: [172.16.0.0/16, 10.0.9.0/24]}
route_tables:
  - name: rt
    vpc: app
    propagating_vgws: [vgw]
    routes:
      - {destination: 0.0.0.0/0, gateway: igw}
      - {destination: 172.16.0.0/16, gateway: igw}
)";

TEST(RouteSelection, StaticBeatsPropagatedForTheSamePrefix) {
  // route-tables-priority.html: for identical prefixes, static routes win over propagated ones.
  auto n = load(kRoutes);
  const auto& rt = n.route_tables[*n.find("rt", model::Kind::kRouteTable)];
  const auto* r = select_route(rt, *IpAddress::parse("172.16.5.5"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->target_kind, model::TargetKind::kInternetGateway);
}

TEST(RouteSelection, LocalBeatsAMoreSpecificPropagatedRoute) {
  // vpn-route-priority: the local route wins over any overlapping propagated route.
  auto n = load(kRoutes);
  const auto& rt = n.route_tables[*n.find("rt", model::Kind::kRouteTable)];
  const auto* r = select_route(rt, *IpAddress::parse("10.0.9.5"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->target_kind, model::TargetKind::kLocal);
}

TEST(RouteSelection, LongestPrefixFirst) {
  auto n = load(kRoutes);
  const auto& rt = n.route_tables[*n.find("rt", model::Kind::kRouteTable)];
  EXPECT_EQ(select_route(rt, *IpAddress::parse("10.0.1.5"))->target_kind, model::TargetKind::kLocal);
  EXPECT_EQ(select_route(rt, *IpAddress::parse("8.8.8.8"))->target_kind, model::TargetKind::kInternetGateway);
  EXPECT_EQ(select_route(rt, *IpAddress::parse("2600::1")), nullptr);  // 0.0.0.0/0 is IPv4 only
}

TEST(NetworkAcl, FirstMatchByRuleNumberWins) {
  auto n = load(R"(
vpcs:
  - {name: app, cidr_block: 10.0.0.0/16}
network_acls:
  - name: acl
    vpc: app
    ingress:
      - {rule_number: 200, protocol: all, rule_action: allow, cidr: 0.0.0.0/0}
      - {rule_number: 100, protocol: tcp, port: 22, rule_action: deny, cidr: 0.0.0.0/0}
)");
  const auto& acl = n.network_acls[*n.find("acl", model::Kind::kNetworkAcl)];
  Header ssh{*IpAddress::parse("1.2.3.4"), *IpAddress::parse("10.0.0.9"), Protocol(6), 5000, 22};
  EXPECT_EQ(match_network_acl(acl, ssh, true).entry->rule_number, 100);
  Header web = ssh;
  web.dst_port = 443;
  EXPECT_EQ(match_network_acl(acl, web, true).entry->rule_number, 200);
  // No egress rule: the implicit "*" (32767) deny.
  EXPECT_EQ(match_network_acl(acl, web, false).entry->rule_number, 32767);
  EXPECT_FALSE(match_network_acl(acl, web, false).entry->allow);
}

}  // namespace
}  // namespace cloudtwin::vpc
