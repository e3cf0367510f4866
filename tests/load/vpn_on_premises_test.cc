// VPN connections imply their on-premises side in every input format: the customer gateway's
// address and the destinations of the connection's static routes are parties behind it (an
// implied on-premises network made by model::finalize()), usable as trace endpoints, without a
// native companion file.
//
// AWS: https://docs.aws.amazon.com/vpn/latest/s2svpn/how_it_works.html (customer gateway,
// static routing: "the routes (IP prefixes) for your on-premises network") and
// https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html (static routes of a VPN
// connection are the prefixes behind its customer gateway).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cloudtwin/load/cloudformation.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/load/terraform.h"
#include "terraform/trace_helpers.h"

namespace cloudtwin::load {
namespace {

namespace fs = std::filesystem;
using testing::dump_diagnostics;
using testing::trace_between;

// A probe interface at `ip` in `subnet` with a group that admits and sends everything, so the
// traces below test the path, not the groups.
void add_probe(model::Network& n, const std::string& subnet, const std::string& vpc,
               const std::string& ip) {
  model::SecurityGroup g;
  g.id = "sg-probe";
  g.vpc = {vpc, {}};
  model::SecurityGroupRule all;
  all.protocol = *Protocol::parse("-1");
  all.cidr = Prefix::parse("0.0.0.0/0");
  g.ingress.push_back(all);
  g.egress.push_back(all);
  n.security_groups.push_back(std::move(g));
  model::NetworkInterface e;
  e.id = "eni-probe";
  e.subnet = {subnet, {}};
  e.private_ips.push_back(*IpAddress::parse(ip));
  e.security_groups.push_back({"sg-probe", {}});
  n.network_interfaces.push_back(std::move(e));
}

const model::OnPremisesNetwork* implied(const model::Network& n) {
  for (const auto& o : n.on_premises_networks) {
    if (o.implied) return &o;
  }
  return nullptr;
}

void expect_round_trip(const model::Network& n, const std::string& onprem,
                       const std::string& instance, std::uint16_t port) {
  auto in = trace_between(n, onprem, instance, port);
  ASSERT_TRUE(in.ok) << in.error;
  EXPECT_TRUE(in.trace.reachable) << onprem << " -> " << instance << ": "
                                  << ::testing::PrintToString(in.codes);
  auto out = trace_between(n, instance, onprem, port);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_TRUE(out.trace.reachable) << instance << " -> " << onprem << ": "
                                   << ::testing::PrintToString(out.codes);
}

// The shared sample template: a static VPN (VPNConnectionRoute to OnPremiseCIDR, 10.0.0.0/16 by
// default) and a private subnet whose default route is the virtual private gateway.
TEST(VpnOnPremises, CloudFormationStaticRoutesAndCustomerGatewayArePartiesBehindTheVpn) {
  LoadOptions options;
  options.parameters["VPNAddress"] = "198.51.100.7";
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(read_cloudformation_file(
      std::string(CLOUDTWIN_SHARED_DIR) + "/data/cloudformation/VPC_With_VPN_Connection.template",
      options, n, d))
      << dump_diagnostics(d);
  add_probe(n, "PrivateSubnet", "VPC", "10.1.0.10");
  ASSERT_TRUE(model::finalize(n, d)) << dump_diagnostics(d);
  const auto* o = implied(n);
  ASSERT_NE(o, nullptr);
  ASSERT_EQ(o->cidrs.size(), 2u);
  EXPECT_EQ(o->cidrs[0].str(), "10.0.0.0/16");
  EXPECT_EQ(o->cidrs[1].str(), "198.51.100.7/32");
  // From an on-premises address to the subnet and back through the VPN.
  expect_round_trip(n, "10.0.5.5", "eni-probe", 22);
  // The implied network is an endpoint by its name.
  auto by_name = trace_between(n, o->name, "eni-probe", 22);
  ASSERT_TRUE(by_name.ok) << by_name.error;
  EXPECT_TRUE(by_name.trace.reachable) << ::testing::PrintToString(by_name.codes);
  // The customer gateway's own address enters through the virtual private gateway, but a static
  // VPN sends into the tunnel only its static routes (VPNRoutingTypes.html), so the reply to it
  // has no route at the gateway, as in AWS.
  auto cgw = trace_between(n, "198.51.100.7", "eni-probe", 22);
  ASSERT_TRUE(cgw.ok) << cgw.error;
  EXPECT_FALSE(cgw.trace.reachable);
  EXPECT_EQ(cgw.codes, std::vector<std::string>{"NO_ROUTE_TO_DESTINATION"});
  bool entered_vgw = false;
  for (const auto& h : cgw.trace.forward) entered_vgw = entered_vgw || h.component_type == "VPNGateway";
  EXPECT_TRUE(entered_vgw);
}

// aws_vpn_connection_route adds the static route; the route table sends it to the VGW.
TEST(VpnOnPremises, TerraformVpnConnectionRouteIsAPartyBehindTheVpn) {
  const std::string state = R"({"format_version": "1.0", "values": {"root_module": {"resources": [
  {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
   "values": {"id": "vpc-1", "cidr_block": "10.1.0.0/16"}},
  {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a",
   "values": {"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.1.0.0/24"}},
  {"address": "aws_vpn_gateway.vgw", "mode": "managed", "type": "aws_vpn_gateway", "name": "vgw",
   "values": {"id": "vgw-1", "vpc_id": "vpc-1"}},
  {"address": "aws_customer_gateway.cgw", "mode": "managed", "type": "aws_customer_gateway",
   "name": "cgw", "values": {"id": "cgw-1", "ip_address": "198.51.100.7", "bgp_asn": 65000}},
  {"address": "aws_vpn_connection.vpn", "mode": "managed", "type": "aws_vpn_connection",
   "name": "vpn", "values": {"id": "vpn-1", "vpn_gateway_id": "vgw-1",
   "customer_gateway_id": "cgw-1", "static_routes_only": true}},
  {"address": "aws_vpn_connection_route.office", "mode": "managed",
   "type": "aws_vpn_connection_route", "name": "office",
   "values": {"vpn_connection_id": "vpn-1", "destination_cidr_block": "172.16.0.0/16"}},
  {"address": "aws_route_table.private", "mode": "managed", "type": "aws_route_table",
   "name": "private", "values": {"id": "rtb-1", "vpc_id": "vpc-1",
   "route": [{"cidr_block": "172.16.0.0/16", "gateway_id": "vgw-1"}]}},
  {"address": "aws_route_table_association.a", "mode": "managed",
   "type": "aws_route_table_association", "name": "a",
   "values": {"id": "rtbassoc-1", "subnet_id": "subnet-1", "route_table_id": "rtb-1"}}]}}})";
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(read_terraform(state, "vpn_state.json", n, d)) << dump_diagnostics(d);
  add_probe(n, "subnet-1", "vpc-1", "10.1.0.10");
  ASSERT_TRUE(model::finalize(n, d)) << dump_diagnostics(d);
  const auto* o = implied(n);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->id, "onprem-1");
  expect_round_trip(n, "172.16.8.9", "eni-probe", 443);
  // Nothing else on premises: an address outside the static routes is the internet.
  auto other = trace_between(n, "eni-probe", "10.9.9.9", 443);
  EXPECT_FALSE(other.ok && other.trace.reachable);
}

// describe-vpn-connections: `Routes` of a static VPN; the implied network is not propagated
// into route tables as BGP routes (the customer gateway's address is not announced).
TEST(VpnOnPremises, AwsCliVpnRoutesArePartiesBehindTheVpn) {
  const fs::path root = fs::path(::testing::TempDir()) / "vpn_onprem_snapshot";
  fs::remove_all(root);
  const fs::path dir = root / "aws_configs/eu-west-1";
  fs::create_directories(dir);
  auto write = [&](const char* name, const char* text) { std::ofstream(dir / name) << text; };
  write("vpcs.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.1.0.0/16"}]})");
  write("subnets.json", R"({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1",
    "CidrBlock": "10.1.0.0/24", "AvailabilityZone": "eu-west-1a"}]})");
  write("sg.json", R"({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "app", "VpcId": "vpc-1",
    "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                       "IpRanges": [{"CidrIp": "192.168.0.0/16"}]}],
    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]})");
  write("enis.json", R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1",
    "SubnetId": "subnet-1", "InterfaceType": "interface", "Groups": [{"GroupId": "sg-1"}],
    "PrivateIpAddress": "10.1.0.10", "Status": "in-use"}]})");
  write("rt.json", R"({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
    "Associations": [{"Main": true}], "PropagatingVgws": [{"GatewayId": "vgw-1"}],
    "Routes": [{"DestinationCidrBlock": "192.168.0.0/16", "GatewayId": "vgw-1",
                "Origin": "EnableVgwRoutePropagation", "State": "active"}]}]})");
  write("vgw.json", R"({"VpnGateways": [{"VpnGatewayId": "vgw-1", "State": "available",
    "VpcAttachments": [{"VpcId": "vpc-1", "State": "attached"}]}]})");
  write("cgw.json", R"({"CustomerGateways": [{"CustomerGatewayId": "cgw-1",
    "IpAddress": "198.51.100.7", "BgpAsn": "65000", "State": "available"}]})");
  write("vpn.json", R"({"VpnConnections": [{"VpnConnectionId": "vpn-1", "State": "available",
    "VpnGatewayId": "vgw-1", "CustomerGatewayId": "cgw-1", "Options": {"StaticRoutesOnly": true},
    "Routes": [{"DestinationCidrBlock": "192.168.0.0/16", "Source": "Static",
                "State": "available"}]}]})");
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({root.string()}, n, d)) << dump_diagnostics(d);
  fs::remove_all(root);
  const auto* o = implied(n);
  ASSERT_NE(o, nullptr);
  expect_round_trip(n, "192.168.1.20", "eni-1", 22);
  // Only the written (propagated) route reaches the VGW: the customer gateway's /32 is not
  // invented as a propagated route.
  for (const auto& r : n.route_tables[0].effective) {
    EXPECT_NE(r.destination, Prefix::parse("198.51.100.7/32"));
  }
}

// A declared on-premises network that names the connection is the connection's on-premises side;
// nothing is implied beside it.
TEST(VpnOnPremises, DeclaredOnPremisesNetworkIsNotDuplicated) {
  const fs::path path = fs::path(::testing::TempDir()) / "vpn_onprem_declared.yaml";
  std::ofstream(path) << R"(vpcs:
  - id: vpc-1
    cidr_block: 10.1.0.0/16
vpn_gateways:
  - id: vgw-1
    vpc: vpc-1
customer_gateways:
  - id: cgw-1
    ip_address: 198.51.100.7
vpn_connections:
  - id: vpn-1
    vpn_gateway: vgw-1
    customer_gateway: cgw-1
    static_routes_only: true
    static_routes: [172.16.0.0/16]
  - id: vpn-2
    vpn_gateway: vgw-1
    customer_gateway: cgw-1
    static_routes_only: true
    static_routes: [172.17.0.0/16]
on_premises_networks:
  - id: onprem-office
    cidrs: [172.16.0.0/16]
    vpn_connections: [vpn-1]
)";
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({path.string()}, n, d)) << dump_diagnostics(d);
  fs::remove(path);
  ASSERT_EQ(n.on_premises_networks.size(), 2u);
  EXPECT_FALSE(n.on_premises_networks[0].implied);
  EXPECT_TRUE(n.on_premises_networks[1].implied);  // for vpn-2 only
  EXPECT_EQ(n.on_premises_networks[1].cidrs[0].str(), "172.17.0.0/16");
}

}  // namespace
}  // namespace cloudtwin::load
