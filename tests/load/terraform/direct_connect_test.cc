// The Terraform reader's Direct Connect types (aws_dx_connection, _hosted_connection, _lag,
// _connection_association, _macsec_key_association, the private, transit and public virtual
// interfaces and the hosted ones' accepters, aws_dx_gateway_association with a transit gateway)
// and aws_vpn_connection's tunnels: the network of direct_connect_equivalent.h as a state, read
// field by field; a plan's unknown values; what the state names outside it left out; bad input
// located (shared/reference/direct-connect.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "cloudtwin/load/load.h"
#include "cloudtwin/load/terraform.h"
#include "direct_connect_equivalent.h"
#include "trace_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump_diagnostics;

struct Loaded {
  model::Network network;
  Diagnostics diagnostics;
  bool ok = false;
};

Loaded load_text(const std::string& json, const std::string& name) {
  Loaded l;
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << json;
  l.ok = load_network({path.string()}, l.network, l.diagnostics);
  return l;
}

std::string res(const std::string& address, const std::string& values) {
  const std::string type = address.substr(0, address.find('.'));
  const std::string name = address.substr(address.find('.') + 1);
  return R"({"address": ")" + address + R"(", "mode": "managed", "type": ")" + type +
         R"(", "name": ")" + name + R"(", "values": {)" + values + "}}";
}

std::string state(const std::string& resources) {
  return R"({"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": [
)" + resources +
         "]}}}";
}

std::uint32_t line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  return static_cast<std::uint32_t>(
             std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')) +
         1;
}

const std::string kCkn = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kCak = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

// tests/load/export/networks/direct_connect.yaml as `terraform show -json` prints its state.
std::string network_resources(const std::string& private_vif_extra = "") {
  return res("aws_vpc.prod",
             R"("id": "vpc-0dc000000000000a1", "cidr_block": "10.20.0.0/16", "tags": {"Name": "prod"})") +
         ",\n" +
         res("aws_vpn_gateway.prod",
             R"("id": "vgw-0dc000000000000a1", "vpc_id": "vpc-0dc000000000000a1", "amazon_side_asn": "64600", "tags": {"Name": "prod-vgw"})") +
         ",\n" +
         res("aws_ec2_transit_gateway.hub",
             R"("id": "tgw-0dc000000000000a1", "amazon_side_asn": 64700, "tags": {"Name": "hub"})") +
         ",\n" +
         res("aws_customer_gateway.dc",
             R"("id": "cgw-0dc000000000000a1", "ip_address": "198.51.100.10", "bgp_asn": "65010", "type": "ipsec.1", "tags": {"Name": "dc-router"})") +
         ",\n" +
         res("aws_vpn_connection.backup",
             R"("id": "vpn-0dc000000000000a1", "vpn_gateway_id": "vgw-0dc000000000000a1", "customer_gateway_id": "cgw-0dc000000000000a1", "type": "ipsec.1", "static_routes_only": false,
             "tunnel1_inside_cidr": "169.254.10.0/30", "tunnel1_preshared_key": "example_key_1", "tunnel1_address": "203.0.113.1",
             "tunnel2_inside_cidr": "169.254.11.0/30", "tunnel2_preshared_key": "example_key_2", "tunnel2_address": "203.0.113.2",
             "tunnel1_inside_ipv6_cidr": "", "tunnel2_inside_ipv6_cidr": "", "tags": {"Name": "backup"})") +
         ",\n" +
         res("aws_dx_gateway.private",
             R"("id": "dxgw-0dc000000000000a1", "name": "dxgw-private", "amazon_side_asn": "64800")") +
         ",\n" +
         res("aws_dx_gateway.transit",
             R"("id": "dxgw-0dc000000000000a2", "name": "dxgw-transit", "amazon_side_asn": "64900")") +
         ",\n" +
         res("aws_dx_gateway_association.private",
             R"("id": "ga-1", "dx_gateway_id": "dxgw-0dc000000000000a1", "associated_gateway_id": "vgw-0dc000000000000a1", "associated_gateway_type": "virtualPrivateGateway", "allowed_prefixes": ["10.20.0.0/16"])") +
         ",\n" +
         res("aws_dx_gateway_association.transit",
             R"("id": "ga-2", "dx_gateway_id": "dxgw-0dc000000000000a2", "associated_gateway_id": "tgw-0dc000000000000a1", "associated_gateway_type": "transitGateway", "allowed_prefixes": ["10.0.0.0/8"])") +
         ",\n" +
         res("aws_dx_lag.eqdc2",
             R"("id": "dxlag-0dc00001", "arn": "arn:aws:directconnect:us-east-1:111122223333:dxlag/dxlag-0dc00001", "name": "eqdc2-lag", "location": "EqDC2", "connections_bandwidth": "10Gbps", "force_destroy": false, "connection_id": null)") +
         ",\n" +
         res("aws_dx_connection.a",
             R"("id": "dxcon-0dc00001", "name": "eqdc2-a", "location": "EqDC2", "bandwidth": "10Gbps", "request_macsec": true, "macsec_capable": true, "encryption_mode": "", "vlan_id": "")") +
         ",\n" +
         res("aws_dx_connection.b",
             R"("id": "dxcon-0dc00002", "name": "eqdc2-b", "location": "EqDC2", "bandwidth": "10Gbps", "request_macsec": true, "macsec_capable": true)") +
         ",\n" +
         res("aws_dx_connection_association.a",
             R"("id": "dxcon-0dc00001", "connection_id": "dxcon-0dc00001", "lag_id": "dxlag-0dc00001")") +
         ",\n" +
         res("aws_dx_connection_association.b",
             R"("id": "dxcon-0dc00002", "connection_id": "dxcon-0dc00002", "lag_id": "dxlag-0dc00001")") +
         ",\n" +
         res("aws_dx_macsec_key_association.one",
             R"("id": "k1", "connection_id": "dxlag-0dc00001", "ckn": ")" + kCkn +
                 R"(", "cak": ")" + kCak + R"(", "secret_arn": null, "state": "associated")") +
         ",\n" +
         res("aws_dx_macsec_key_association.two",
             R"("id": "k2", "connection_id": "dxlag-0dc00001", "ckn": null, "cak": null, "secret_arn": "arn:aws:secretsmanager:us-east-1:111122223333:secret:macsec-2", "state": "associating")") +
         ",\n" +
         res("aws_dx_hosted_connection.partner",
             R"("id": "dxcon-0dc00003", "name": "partner", "connection_id": "dxcon-interconnect", "owner_account_id": "111122223333", "bandwidth": "500Mbps", "vlan": 300, "location": "CSVA1", "state": "down", "lag_id": "dxlag-partner")") +
         ",\n" +
         res("aws_dx_private_virtual_interface.primary",
             R"("id": "dxvif-0dc00001", "name": "private-primary", "connection_id": "dxlag-0dc00001", "vlan": 101, "bgp_asn": 65010, "address_family": "ipv4",
             "amazon_address": "169.254.100.1/30", "customer_address": "169.254.100.2/30", "bgp_auth_key": "md5secret", "mtu": 9001, "dx_gateway_id": "dxgw-0dc000000000000a1", "vpn_gateway_id": "", "sitelink_enabled": false)" +
                 private_vif_extra) +
         ",\n" +
         res("aws_dx_transit_virtual_interface.transit",
             R"("id": "dxvif-0dc00002", "name": "transit", "connection_id": "dxlag-0dc00001", "vlan": 102, "bgp_asn": 4200000001, "address_family": "ipv6",
             "amazon_address": "2001:db8:dc::1/125", "customer_address": "2001:db8:dc::2/125", "bgp_auth_key": "", "mtu": 8500, "dx_gateway_id": "dxgw-0dc000000000000a2")") +
         ",\n" +
         res("aws_dx_private_virtual_interface.hosted",
             R"("id": "dxvif-0dc00003", "name": "hosted-private", "connection_id": "dxcon-0dc00003", "vlan": 300, "bgp_asn": 65010, "address_family": "ipv4",
             "mtu": 1500, "vpn_gateway_id": "vgw-0dc000000000000a1", "dx_gateway_id": null)") +
         ",\n" +
         res("aws_dx_public_virtual_interface.public",
             R"("id": "dxvif-0dc00004", "name": "public", "connection_id": "dxlag-0dc00001", "vlan": 103, "bgp_asn": 65010, "address_family": "ipv4",
             "amazon_address": "198.51.100.1/30", "customer_address": "198.51.100.2/30", "route_filter_prefixes": ["203.0.113.0/24"])");
}

// The whole network, field by field, as the native format reads it. The provider has no
// attribute for a LAG's minimum links or encryption mode, nor for a virtual interface's state.
TEST(TerraformDirectConnect, StateReadsAsTheNativeNetwork) {
  auto l = load_text(state(network_resources()), "dx_state.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  testing::Gaps gaps;
  gaps.lag_minimum_links = gaps.lag_encryption_mode = gaps.vif_state = true;
  testing::expect_direct_connect_network(l.network, "terraform", gaps);
  // The association with the transit gateway is also its attachment on the TGW (routes use it).
  bool attachment = false;
  for (const auto& a : l.network.transit_gateway_attachments)
    attachment = attachment || a.type == model::AttachmentType::kDirectConnectGateway;
  EXPECT_TRUE(attachment);
}

// AssociateMacSecKey needs a MACsec-capable port: a LAG with keys is one (aws_dx_lag says nothing).
TEST(TerraformDirectConnect, LagWithMacsecKeysIsMacsecCapable) {
  auto l = load_text(state(network_resources()), "dx_state_macsec.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  auto i = l.network.find("dxlag-0dc00001", model::Kind::kDirectConnectLag);
  ASSERT_TRUE(i);
  EXPECT_TRUE(l.network.direct_connect_lags[*i].macsec_capable);
  EXPECT_EQ(l.network.direct_connect_lags[*i].macsec_keys.size(), 2u);
}

// Terraform names existing infrastructure by id: a virtual interface on a connection outside the
// state is left out with a located warning, not an error.
TEST(TerraformDirectConnect, VirtualInterfaceOnAConnectionOutsideTheStateIsLeftOut) {
  const std::string text = state(
      res("aws_dx_gateway.g", R"("id": "dxgw-1", "name": "g", "amazon_side_asn": "64800")") +
      ",\n" +
      res("aws_dx_private_virtual_interface.v",
          R"("id": "dxvif-1", "name": "v", "connection_id": "dxcon-elsewhere", "vlan": 10, "bgp_asn": 65010, "address_family": "ipv4", "dx_gateway_id": "dxgw-1")"));
  auto l = load_text(text, "dx_outside.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_TRUE(l.network.virtual_interfaces.empty());
  bool warned = false;
  for (const auto& d : l.diagnostics.items()) {
    warned = warned || (d.message.find("dxcon-elsewhere") != std::string::npos && d.line == 3 &&
                        d.severity == Severity::kWarning);
  }
  EXPECT_TRUE(warned) << dump_diagnostics(l.diagnostics);
}

// A hosted virtual interface and, in the same input, the accepter naming its gateway.
TEST(TerraformDirectConnect, HostedVirtualInterfaceTakesItsAcceptersGateway) {
  const std::string text = state(
      res("aws_vpc.v", R"("id": "vpc-1", "cidr_block": "10.0.0.0/16")") + ",\n" +
      res("aws_vpn_gateway.g", R"("id": "vgw-1", "vpc_id": "vpc-1", "amazon_side_asn": "64600")") +
      ",\n" +
      res("aws_dx_connection.c",
          R"("id": "dxcon-1", "name": "c", "location": "EqDC2", "bandwidth": "1Gbps")") +
      ",\n" +
      res("aws_dx_hosted_private_virtual_interface.h",
          R"("id": "dxvif-1", "name": "h", "connection_id": "dxcon-1", "owner_account_id": "222233334444", "vlan": 10, "bgp_asn": 65010, "address_family": "ipv4")") +
      ",\n" +
      res("aws_dx_hosted_private_virtual_interface_accepter.a",
          R"("id": "dxvif-1", "virtual_interface_id": "dxvif-1", "vpn_gateway_id": "vgw-1")"));
  auto l = load_text(text, "dx_hosted.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  ASSERT_EQ(l.network.virtual_interfaces.size(), 1u);
  EXPECT_EQ(l.network.virtual_interfaces[0].vpn_gateway.text, "vgw-1");
  EXPECT_EQ(l.network.virtual_interfaces[0].amazon_side_asn, 64600u);
}

// Without its accepter (the other account's), a hosted VIF has no gateway here: left out.
TEST(TerraformDirectConnect, HostedVirtualInterfaceWithoutAccepterIsLeftOut) {
  const std::string text = state(
      res("aws_dx_connection.c",
          R"("id": "dxcon-1", "name": "c", "location": "EqDC2", "bandwidth": "1Gbps")") +
      ",\n" +
      res("aws_dx_hosted_private_virtual_interface.h",
          R"("id": "dxvif-1", "name": "h", "connection_id": "dxcon-1", "owner_account_id": "222233334444", "vlan": 10, "bgp_asn": 65010, "address_family": "ipv4")"));
  auto l = load_text(text, "dx_hosted_alone.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_TRUE(l.network.virtual_interfaces.empty());
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "hosted for another account"), 1u);
}

// What the readers fill, finalize() checks (direct-connect.md §2.4): a transit gateway and the
// Direct Connect gateway it is associated with need different ASNs; located at the association.
TEST(TerraformDirectConnect, FinalizeChecksTheTransitAssociationAtItsLocation) {
  std::string text = state(network_resources());
  const std::string from =
      R"("id": "dxgw-0dc000000000000a2", "name": "dxgw-transit", "amazon_side_asn": "64900")";
  text.replace(
      text.find(from), from.size(),
      R"("id": "dxgw-0dc000000000000a2", "name": "dxgw-transit", "amazon_side_asn": "64700")");
  auto l = load_text(text, "dx_same_asn.json");
  EXPECT_FALSE(l.ok);
  bool found = false;
  for (const auto& d : l.diagnostics.items()) {
    if (d.message.find("both have ASN 64700") == std::string::npos) continue;
    found = true;
    EXPECT_EQ(d.line, line_of(text, "aws_dx_gateway_association.transit")) << d.str();
  }
  EXPECT_TRUE(found) << dump_diagnostics(l.diagnostics);
}

// A plan: ids and AWS's tunnel addresses are unknown until apply; references follow the
// configuration, and the virtual interface lands on the LAG and the gateway it names.
TEST(TerraformDirectConnect, PlanFollowsTheConfiguration) {
  const std::string text =
      R"({"format_version": "1.2", "terraform_version": "1.9.5", "planned_values": {"root_module": {"resources": [
)" +
      res("aws_dx_lag.l",
          R"("name": "lag", "location": "EqDC2", "connections_bandwidth": "10Gbps")") +
      ",\n" + res("aws_dx_gateway.g", R"("name": "g", "amazon_side_asn": "64800")") + ",\n" +
      res("aws_dx_private_virtual_interface.v",
          R"("name": "v", "vlan": 101, "bgp_asn": 65010, "address_family": "ipv4", "mtu": 1500)") +
      R"(]}},
  "resource_changes": [
    {"address": "aws_dx_lag.l", "mode": "managed", "type": "aws_dx_lag", "change": {"actions": ["create"], "after_unknown": {"id": true}}},
    {"address": "aws_dx_gateway.g", "mode": "managed", "type": "aws_dx_gateway", "change": {"actions": ["create"], "after_unknown": {"id": true}}},
    {"address": "aws_dx_private_virtual_interface.v", "mode": "managed", "type": "aws_dx_private_virtual_interface", "change": {"actions": ["create"], "after_unknown": {"id": true, "connection_id": true, "dx_gateway_id": true, "amazon_address": true, "customer_address": true}}}],
  "configuration": {"root_module": {"resources": [
    {"address": "aws_dx_private_virtual_interface.v", "mode": "managed", "type": "aws_dx_private_virtual_interface", "name": "v", "expressions": {
      "connection_id": {"references": ["aws_dx_lag.l.id", "aws_dx_lag.l"]},
      "dx_gateway_id": {"references": ["aws_dx_gateway.g.id", "aws_dx_gateway.g"]}}}]}}})";
  auto l = load_text(text, "dx_plan.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  ASSERT_EQ(l.network.virtual_interfaces.size(), 1u);
  const auto& v = l.network.virtual_interfaces[0];
  EXPECT_EQ(v.connection_kind, model::Kind::kDirectConnectLag);
  ASSERT_TRUE(v.connection.resolved());
  EXPECT_EQ(l.network.direct_connect_lags[v.connection.index].name, "lag");
  ASSERT_TRUE(v.direct_connect_gateway.resolved());
  EXPECT_EQ(v.amazon_side_asn, 64800u);
  EXPECT_FALSE(v.amazon_address);  // AWS picks the peer addresses
}

// ---- bad input --------------------------------------------------------------------------------

struct BadCase {
  const char* name;
  std::string text;
  const char* message;
  std::uint32_t line;
};

class TerraformDirectConnectBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(TerraformDirectConnectBadInput, IsALocatedErrorNamingTheResource) {
  const auto& c = GetParam();
  Loaded l;
  l.ok = read_terraform(c.text, std::string(c.name) + ".json", l.network, l.diagnostics) &&
         model::finalize(l.network, l.diagnostics);
  EXPECT_FALSE(l.ok);
  bool found = false;
  for (const auto& item : l.diagnostics.items()) {
    if (item.severity == Severity::kError && item.message.find(c.message) != std::string::npos) {
      found = true;
      EXPECT_EQ(item.line, c.line) << item.str();
      EXPECT_GT(item.column, 0u) << item.str();
      EXPECT_FALSE(item.resource.empty()) << item.str();
    }
  }
  EXPECT_TRUE(found) << dump_diagnostics(l.diagnostics);
}

// One resource on line 2 (its values on line 3) after the header.
std::string one(const std::string& type, const std::string& values) {
  return "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {\"resources\": [\n"
         "{\"address\": \"" +
         type + ".x\", \"type\": \"" + type +
         "\", \"name\": \"x\",\n"
         " \"values\": {" +
         values + "}}]}}}";
}

const std::string kGateway = R"("id": "dxgw-1", "name": "g", "amazon_side_asn": "64800")";

INSTANTIATE_TEST_SUITE_P(
    Cases, TerraformDirectConnectBadInput,
    ::testing::Values(
        BadCase{
            "PeerAddressWithoutLength",
            one("aws_dx_public_virtual_interface",
                R"("id": "dxvif-1", "connection_id": "dxcon-1", "vlan": 5, "bgp_asn": 65010, "address_family": "ipv4", "amazon_address": "169.254.1.1", "customer_address": "169.254.1.2/30")"),
            "`amazon_address`: `169.254.1.1` is not an address with its prefix length", 3},
        BadCase{
            "RouteFilterPrefixNotACidr",
            one("aws_dx_public_virtual_interface",
                R"("id": "dxvif-1", "connection_id": "dxcon-1", "vlan": 5, "bgp_asn": 65010, "route_filter_prefixes": ["203.0.113.0"])"),
            "`route_filter_prefixes`: `203.0.113.0` is not a CIDR block", 3},
        BadCase{
            "VlanOutOfRange",
            one("aws_dx_private_virtual_interface",
                R"("id": "dxvif-1", "connection_id": "dxcon-1", "vlan": 4095, "bgp_asn": 65010)"),
            "`vlan`", 3},
        BadCase{
            "UnknownAddressFamily",
            one("aws_dx_transit_virtual_interface",
                R"("id": "dxvif-1", "connection_id": "dxcon-1", "vlan": 5, "bgp_asn": 65010, "address_family": "ipv5")"),
            "`address_family`: `ipv5` is not ipv4 or ipv6", 3},
        BadCase{
            "TunnelInsideCidrNotACidr",
            one("aws_vpn_connection",
                R"("id": "vpn-1", "customer_gateway_id": "cgw-1", "vpn_gateway_id": "vgw-1", "tunnel1_inside_cidr": "169.254.10.1")"),
            "`tunnel1_inside_cidr`: `169.254.10.1` is not a CIDR block", 3},
        BadCase{"MacsecKeyWithoutKeys",
                one("aws_dx_macsec_key_association",
                    R"("id": "k", "connection_id": "dxcon-1", "ckn": "ab")"),
                "needs `ckn` and `cak`, or `secret_arn`", 2},
        // finalize() checks what the reader filled, at the reader's locations.
        BadCase{
            "LagBandwidthFinalize",
            one("aws_dx_lag",
                R"("id": "dxlag-1", "name": "l", "location": "EqDC2", "connections_bandwidth": "3Gbps")"),
            "`3Gbps` is not a bandwidth LAG members can have", 3},
        BadCase{"TransitVifMtuFinalize",
                "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {\"resources\": [\n"
                "{\"address\": \"aws_dx_gateway.g\", \"type\": \"aws_dx_gateway\", \"name\": "
                "\"g\", \"values\": {" +
                    kGateway +
                    "}},\n"
                    "{\"address\": \"aws_dx_connection.c\", \"type\": \"aws_dx_connection\", "
                    "\"name\": \"c\", \"values\": {\"id\": \"dxcon-1\", \"location\": \"EqDC2\", "
                    "\"bandwidth\": \"10Gbps\"}},\n"
                    "{\"address\": \"aws_dx_transit_virtual_interface.t\", \"type\": "
                    "\"aws_dx_transit_virtual_interface\", \"name\": \"t\",\n"
                    " \"values\": {\"id\": \"dxvif-1\", \"connection_id\": \"dxcon-1\", \"vlan\": "
                    "5, \"bgp_asn\": 65010, \"dx_gateway_id\": \"dxgw-1\",\n"
                    " \"mtu\": 9001}}]}}}",
                "MTU 9001 is not one a transit virtual interface can have", 6}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cloudtwin::load
