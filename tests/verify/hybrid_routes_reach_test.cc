// reach() with routes learned over BGP (docs/hybrid-routing.md): the symbolic answer follows the
// virtual private gateway's selection exactly as traces do, because both come from the walker
// (shared/reference/direct-connect.md §1.2: the VGW routes only to prefixes it knows).
#include <gtest/gtest.h>

#include "cloudtwin/model/hybrid_routes.h"
#include "cloudtwin/verify/reach.h"
#include "test_networks.h"

namespace cloudtwin::verify {
namespace {

using testing::yaml_network;

const char* kNetwork = R"(
vpcs: [{name: corp, cidr_block: 10.0.0.0/16}]
subnets: [{name: app, vpc: corp, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24, route_table: app}]
vpn_gateways: [{name: vgw, vpc: corp}]
direct_connect_gateways: [{name: dxgw, associations: [{gateway: vgw}]}]
direct_connect_connections: [{name: eqdc2, location: EqDC2, bandwidth: 10Gbps}]
virtual_interfaces:
  - {name: a, type: private, connection: eqdc2, vlan: 101, customer_asn: 65000, direct_connect_gateway: dxgw}
on_premises_networks: [{name: dc, cidrs: [192.168.0.0/16], direct_connect_gateways: [dxgw]}]
route_tables: [{name: app, vpc: corp, propagating_vgws: [vgw]}]
instances: [{name: app, subnet: app, private_ip: 10.0.1.10}]
)";

Party party(const model::Network& n, const std::string& text) {
  auto p = parse_party(n, text);
  EXPECT_TRUE(p.party) << p.error;
  return *p.party;
}

TEST(ReachLearnedRoutes, OnlyTheLearnedPrefixIsReachable) {
  const Prefix learned = *Prefix::parse("192.168.5.0/24");
  const bdd to_learned = HeaderSpace::address(Block::kDst, learned);

  // Without learned routes the on-premises CIDR stands in for the announcement: all of it.
  auto stand_in = yaml_network(kNetwork);
  Compiled c0(stand_in);
  auto all = reach(c0, party(stand_in, "app"), party(stand_in, "dc"));
  EXPECT_TRUE((all.reachable & !to_learned) != bddfalse);

  auto n = yaml_network(kNetwork);
  model::LearnedRoute r;
  r.session = {model::Kind::kVirtualInterface, 0};
  r.prefix = learned;
  r.as_path = {65000};
  model::attach_learned_routes(n, {r});
  Compiled c(n);
  auto got = reach(c, party(n, "app"), party(n, "dc"));
  EXPECT_FALSE(got.truncated);
  EXPECT_TRUE((got.reachable & to_learned) != bddfalse);
  EXPECT_TRUE((got.reachable & !to_learned) == bddfalse);
}

}  // namespace
}  // namespace cloudtwin::verify
