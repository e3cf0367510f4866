// The AWS CLI snapshot's Direct Connect answers (`aws directconnect describe-connections`,
// `describe-lags`, `describe-virtual-interfaces`, `describe-direct-connect-gateways`,
// `describe-direct-connect-gateway-associations`) and `aws ec2 describe-vpn-connections`' tunnel
// options: the network of direct_connect_equivalent.h as a snapshot, read field by field; bad
// input located (shared/reference/direct-connect.md; the Direct Connect API Reference's shapes).
#include <gtest/gtest.h>

#include <string>

#include "direct_connect_equivalent.h"
#include "snapshot_folder.h"
#include "trace_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump_diagnostics;
using Snapshot = testing::SnapshotFolder;

const std::string kDir = "aws_configs/us-east-1/";
const std::string kCkn = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string connections_answer() {
  return R"({"connections": [
  {"ownerAccount": "111122223333", "connectionId": "dxcon-0dc00001", "connectionName": "eqdc2-a", "connectionState": "available",
   "region": "us-east-1", "location": "EqDC2", "bandwidth": "10Gbps", "vlan": 0, "lagId": "dxlag-0dc00001",
   "jumboFrameCapable": true, "hasLogicalRedundancy": "no", "tags": [], "macSecCapable": true, "portEncryptionStatus": "Encryption Up",
   "macSecKeys": []},
  {"ownerAccount": "111122223333", "connectionId": "dxcon-0dc00002", "connectionName": "eqdc2-b", "connectionState": "available",
   "region": "us-east-1", "location": "EqDC2", "bandwidth": "10Gbps", "vlan": 0, "lagId": "dxlag-0dc00001", "macSecCapable": true},
  {"ownerAccount": "111122223333", "connectionId": "dxcon-0dc00003", "connectionName": "partner", "connectionState": "down",
   "region": "us-east-1", "location": "CSVA1", "bandwidth": "500Mbps", "vlan": 300, "partnerName": "Example Partner", "macSecCapable": false}
]})";
}

std::string lags_answer(const std::string& members) {
  return R"({"lags": [
  {"connectionsBandwidth": "10Gbps", "numberOfConnections": 2, "lagId": "dxlag-0dc00001", "ownerAccount": "111122223333",
   "lagName": "eqdc2-lag", "lagState": "available", "location": "EqDC2", "region": "us-east-1", "minimumLinks": 1,
   "connections": [)" +
         members +
         R"(], "allowsHostedConnections": false, "macSecCapable": true, "encryptionMode": "must_encrypt",
   "macSecKeys": [
     {"secretARN": "arn:aws:secretsmanager:us-east-1:111122223333:secret:macsec-1", "ckn": ")" +
         kCkn + R"(", "state": "associated", "startOn": "2026-01-01T00:00:00Z"},
     {"secretARN": "arn:aws:secretsmanager:us-east-1:111122223333:secret:macsec-2", "state": "associating"}]}
]})";
}

std::string vifs_answer(const std::string& public_amazon_address = "198.51.100.1/30",
                        const std::string& transit_type = "transit") {
  return R"({"virtualInterfaces": [
  {"ownerAccount": "111122223333", "virtualInterfaceId": "dxvif-0dc00001", "location": "EqDC2", "connectionId": "dxlag-0dc00001",
   "virtualInterfaceType": "private", "virtualInterfaceName": "private-primary", "vlan": 101, "asn": 65010, "asnLong": 65010,
   "amazonSideAsn": 64800, "authKey": "md5secret", "amazonAddress": "169.254.100.1/30", "customerAddress": "169.254.100.2/30",
   "addressFamily": "ipv4", "virtualInterfaceState": "available", "mtu": 9001, "jumboFrameCapable": true,
   "virtualGatewayId": "", "directConnectGatewayId": "dxgw-0dc000000000000a1", "routeFilterPrefixes": [], "bgpPeers": []},
  {"ownerAccount": "111122223333", "virtualInterfaceId": "dxvif-0dc00002", "location": "EqDC2", "connectionId": "dxlag-0dc00001",
   "virtualInterfaceType": ")" +
         transit_type +
         R"(", "virtualInterfaceName": "transit", "vlan": 102, "asn": 0, "asnLong": 4200000001,
   "amazonSideAsn": 64900, "amazonAddress": "2001:db8:dc::1/125", "customerAddress": "2001:db8:dc::2/125",
   "addressFamily": "ipv6", "virtualInterfaceState": "available", "mtu": 8500,
   "virtualGatewayId": "", "directConnectGatewayId": "dxgw-0dc000000000000a2", "routeFilterPrefixes": []},
  {"ownerAccount": "111122223333", "virtualInterfaceId": "dxvif-0dc00003", "location": "CSVA1", "connectionId": "dxcon-0dc00003",
   "virtualInterfaceType": "private", "virtualInterfaceName": "hosted-private", "vlan": 300, "asn": 65010,
   "amazonSideAsn": 64600, "addressFamily": "ipv4", "virtualInterfaceState": "down", "mtu": 1500,
   "virtualGatewayId": "vgw-0dc000000000000a1", "directConnectGatewayId": ""},
  {"ownerAccount": "111122223333", "virtualInterfaceId": "dxvif-0dc00004", "location": "EqDC2", "connectionId": "dxlag-0dc00001",
   "virtualInterfaceType": "public", "virtualInterfaceName": "public", "vlan": 103, "asn": 65010,
   "amazonAddress": ")" +
         public_amazon_address + R"(", "customerAddress": "198.51.100.2/30",
   "addressFamily": "ipv4", "virtualInterfaceState": "available", "mtu": 1500,
   "routeFilterPrefixes": [{"cidr": "203.0.113.0/24"}]},
  {"ownerAccount": "111122223333", "virtualInterfaceId": "dxvif-gone", "connectionId": "dxcon-0dc00001",
   "virtualInterfaceType": "private", "vlan": 999, "asn": 65010, "virtualInterfaceState": "deleted"}
]})";
}

// tests/load/export/networks/direct_connect.yaml as the answers of a snapshot.
Snapshot network(const std::string& name, const std::string& vifs = vifs_answer(),
                 const std::string& lag_members = "") {
  Snapshot s(name);
  s.write(
      kDir + "vpcs.json",
      R"({"Vpcs": [{"VpcId": "vpc-0dc000000000000a1", "CidrBlock": "10.20.0.0/16", "State": "available",
    "Tags": [{"Key": "Name", "Value": "prod"}]}]})");
  s.write(
      kDir + "vpn-gateways.json",
      R"({"VpnGateways": [{"VpnGatewayId": "vgw-0dc000000000000a1", "State": "available", "Type": "ipsec.1",
    "AmazonSideAsn": 64600, "VpcAttachments": [{"VpcId": "vpc-0dc000000000000a1", "State": "attached"}], "Tags": [{"Key": "Name", "Value": "prod-vgw"}]}]})");
  s.write(
      kDir + "transit-gateways.json",
      R"({"TransitGateways": [{"TransitGatewayId": "tgw-0dc000000000000a1", "State": "available",
    "Options": {"AmazonSideAsn": 64700, "DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"},
    "Tags": [{"Key": "Name", "Value": "hub"}]}]})");
  s.write(
      kDir + "transit-gateway-attachments.json",
      R"({"TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-0dc0000000000dx",
    "TransitGatewayId": "tgw-0dc000000000000a1", "ResourceType": "direct-connect-gateway", "ResourceId": "dxgw-0dc000000000000a2", "State": "available"}]})");
  s.write(
      kDir + "customer-gateways.json",
      R"({"CustomerGateways": [{"CustomerGatewayId": "cgw-0dc000000000000a1", "State": "available",
    "IpAddress": "198.51.100.10", "BgpAsn": "65010", "Type": "ipsec.1", "Tags": [{"Key": "Name", "Value": "dc-router"}]}]})");
  s.write(kDir + "vpn-connections.json",
          R"({"VpnConnections": [{"VpnConnectionId": "vpn-0dc000000000000a1", "State": "available",
    "CustomerGatewayId": "cgw-0dc000000000000a1", "VpnGatewayId": "vgw-0dc000000000000a1", "Type": "ipsec.1", "Category": "VPN",
    "Options": {"StaticRoutesOnly": false, "TunnelInsideIpVersion": "ipv4", "TunnelOptions": [
      {"OutsideIpAddress": "203.0.113.1", "TunnelInsideCidr": "169.254.10.0/30", "PreSharedKey": "example_key_1"},
      {"OutsideIpAddress": "203.0.113.2", "TunnelInsideCidr": "169.254.11.0/30", "PreSharedKey": "example_key_2"}]},
    "Routes": [], "Tags": [{"Key": "Name", "Value": "backup"}]}]})");
  s.write(kDir + "directconnect-gateways.json", R"({"directConnectGateways": [
    {"directConnectGatewayId": "dxgw-0dc000000000000a1", "directConnectGatewayName": "dxgw-private", "amazonSideAsn": 64800, "ownerAccount": "111122223333", "directConnectGatewayState": "available"},
    {"directConnectGatewayId": "dxgw-0dc000000000000a2", "directConnectGatewayName": "dxgw-transit", "amazonSideAsn": 64900, "ownerAccount": "111122223333", "directConnectGatewayState": "available"}]})");
  s.write(kDir + "directconnect-gateway-associations.json",
          R"({"directConnectGatewayAssociations": [
    {"directConnectGatewayId": "dxgw-0dc000000000000a1", "associationState": "associated",
     "associatedGateway": {"id": "vgw-0dc000000000000a1", "type": "virtualPrivateGateway", "ownerAccount": "111122223333", "region": "us-east-1"},
     "allowedPrefixesToDirectConnectGateway": [{"cidr": "10.20.0.0/16"}]},
    {"directConnectGatewayId": "dxgw-0dc000000000000a2", "associationState": "associated",
     "associatedGateway": {"id": "tgw-0dc000000000000a1", "type": "transitGateway", "ownerAccount": "111122223333", "region": "us-east-1"},
     "allowedPrefixesToDirectConnectGateway": [{"cidr": "10.0.0.0/8"}]}]})");
  if (lag_members.empty()) s.write(kDir + "directconnect-connections.json", connections_answer());
  s.write(kDir + "directconnect-lags.json", lags_answer(lag_members));
  s.write(kDir + "directconnect-virtual-interfaces.json", vifs);
  return s;
}

// DescribeConnections and DescribeLags give each MACsec key's CKN and secret, never its CAK.
testing::Gaps cli_gaps() {
  testing::Gaps g;
  g.macsec_cak = true;
  g.macsec_secret_arn = true;
  return g;
}

// The whole network, field by field, as the native format reads it. The API never returns a
// MACsec CAK, and keeps every key in Secrets Manager.
TEST(AwsCliDirectConnect, SnapshotReadsAsTheNativeNetwork) {
  auto s = network("dx_snapshot");
  auto l = testing::load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  testing::expect_direct_connect_network(l.network, "aws-cli", cli_gaps());
  // `asn` is 0 above 2,147,483,647; `asnLong` holds it.
  auto v = l.network.find("dxvif-0dc00002", model::Kind::kVirtualInterface);
  ASSERT_TRUE(v);
  EXPECT_EQ(l.network.virtual_interfaces[*v].customer_asn, 4200000001u);
  // A deleted interface (listed for 15 minutes) is not read.
  EXPECT_FALSE(l.network.find("dxvif-gone", model::Kind::kVirtualInterface));
}

// A snapshot with describe-lags but no describe-connections: the members come from the LAG.
TEST(AwsCliDirectConnect, LagMembersWithoutDescribeConnections) {
  const std::string members =
      R"({"connectionId": "dxcon-0dc00001", "connectionName": "eqdc2-a", "connectionState": "available", "location": "EqDC2",
          "bandwidth": "10Gbps", "vlan": 0, "lagId": "dxlag-0dc00001", "macSecCapable": true},
         {"connectionId": "dxcon-0dc00002", "connectionName": "eqdc2-b", "connectionState": "available", "location": "EqDC2",
          "bandwidth": "10Gbps", "vlan": 0, "macSecCapable": true})";
  auto s = network("dx_lag_members", vifs_answer(), members);
  // The hosted connection is not a member of anything: without describe-connections, its VIF
  // would name nothing, so this snapshot lists it in a file of its own.
  s.write(kDir + "directconnect-hosted.json", R"({"connections": [
  {"connectionId": "dxcon-0dc00003", "connectionName": "partner", "connectionState": "down", "location": "CSVA1",
   "bandwidth": "500Mbps", "vlan": 300, "partnerName": "Example Partner"}]})");
  auto l = testing::load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  testing::expect_direct_connect_network(l.network, "aws-cli lags", cli_gaps());
}

// ---- bad input --------------------------------------------------------------------------------

struct BadCase {
  const char* name;
  std::string vifs;
  const char* message;
  std::string resource;
};

class AwsCliDirectConnectBadInput : public ::testing::TestWithParam<BadCase> {};

// Each error is at the value's line and column in its file, and names the interface.
TEST_P(AwsCliDirectConnectBadInput, IsALocatedError) {
  const auto& c = GetParam();
  auto s = network(std::string("dx_bad_") + c.name, c.vifs);
  auto l = testing::load(s.str());
  EXPECT_FALSE(l.ok);
  bool found = false;
  for (const auto& item : l.diagnostics.items()) {
    if (item.severity != Severity::kError || item.message.find(c.message) == std::string::npos)
      continue;
    found = true;
    EXPECT_NE(item.file.find("directconnect-virtual-interfaces.json"), std::string::npos)
        << item.str();
    EXPECT_GT(item.line, 1u) << item.str();
    EXPECT_GT(item.column, 0u) << item.str();
    EXPECT_EQ(item.resource, c.resource) << item.str();
  }
  EXPECT_TRUE(found) << dump_diagnostics(l.diagnostics);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AwsCliDirectConnectBadInput,
    ::testing::Values(
        BadCase{"UnknownType", vifs_answer("198.51.100.1/30", "hosted"),
                "unknown virtual interface type `hosted`", "dxvif-0dc00002"},
        BadCase{"AddressWithoutLength", vifs_answer("198.51.100.1"),
                "`amazonAddress`: `198.51.100.1` is not an address with its prefix length",
                "dxvif-0dc00004"},
        BadCase{"BadRouteFilterCidr",
                R"({"virtualInterfaces": [
  {"virtualInterfaceId": "dxvif-x", "connectionId": "dxlag-0dc00001", "virtualInterfaceType": "public", "vlan": 5, "asn": 65010,
   "routeFilterPrefixes": [{"cidr": "203.0.113.0/33"}]}]})",
                "`cidr`: `203.0.113.0/33` is not a CIDR block", "dxvif-x"},
        // finalize() checks what the reader filled, at the reader's locations.
        BadCase{"VlanTakenOnTheLag",
                R"({"virtualInterfaces": [
  {"virtualInterfaceId": "dxvif-1", "connectionId": "dxlag-0dc00001", "virtualInterfaceType": "private", "vlan": 5, "asn": 65010,
   "directConnectGatewayId": "dxgw-0dc000000000000a1"},
  {"virtualInterfaceId": "dxvif-2", "connectionId": "dxlag-0dc00001", "virtualInterfaceType": "private", "vlan": 5, "asn": 65010,
   "directConnectGatewayId": "dxgw-0dc000000000000a1"}]})",
                "VLAN 5 is already used on dxlag-0dc00001 by dxvif-1", "dxvif-2"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cloudtwin::load
