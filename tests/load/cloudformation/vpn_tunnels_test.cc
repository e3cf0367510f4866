// AWS::EC2::VPNConnection's VpnTunnelOptionsSpecifications: each tunnel's inside CIDR and
// pre-shared key, as the native format's `tunnels`
// (tests/load/export/networks/direct_connect.yaml); bad values located at the tunnel
// (aws-properties-ec2-vpnconnection-vpntunneloptionsspecification). The rest of that network, the
// AWS::DirectConnect:: types, is direct_connect_test.cc's.
#include <gtest/gtest.h>

#include <string>

#include "cloudtwin/load/load.h"
#include "template_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump;
using testing::load;

std::string stack(const std::string& tunnels) {
  return "Resources:\n"
         "  Prod: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.20.0.0/16}}\n"
         "  Vgw: {Type: AWS::EC2::VPNGateway, Properties: {Type: ipsec.1, AmazonSideAsn: 64600}}\n"
         "  Attach: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref Prod, "
         "VpnGatewayId: !Ref Vgw}}\n"
         "  Dc: {Type: AWS::EC2::CustomerGateway, Properties: {Type: ipsec.1, IpAddress: "
         "198.51.100.10, BgpAsn: 65010}}\n"
         "  Backup:\n"
         "    Type: AWS::EC2::VPNConnection\n"
         "    Properties:\n"
         "      Type: ipsec.1\n"
         "      CustomerGatewayId: !Ref Dc\n"
         "      VpnGatewayId: !Ref Vgw\n"
         "      VpnTunnelOptionsSpecifications:\n" +
         tunnels;
}

const std::string kTunnels =
    "        - {TunnelInsideCidr: 169.254.10.0/30, PreSharedKey: example_key_1}\n"
    "        - {TunnelInsideCidr: 169.254.11.0/30, PreSharedKey: example_key_2}\n";

// The tunnels of the native network's VPN connection (their outside addresses are AWS's, known
// only once created).
TEST(CloudFormationVpnTunnels, ReadAsTheNativeFormatsTunnels) {
  auto l = load(stack(kTunnels));
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  model::Network reference;
  Diagnostics d;
  ASSERT_TRUE(load_network(
      {std::string(CLOUDTWIN_SOURCE_DIR) + "/tests/load/export/networks/direct_connect.yaml"},
      reference, d));
  ASSERT_EQ(l.network.vpn_connections.size(), 1u);
  const auto& got = l.network.vpn_connections[0].tunnels;
  const auto& want = reference.vpn_connections.at(0).tunnels;
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].inside_cidr, want[i].inside_cidr);
    EXPECT_EQ(got[i].pre_shared_key, want[i].pre_shared_key);
    EXPECT_FALSE(got[i].outside_address);
    EXPECT_EQ(got[i].at.line, 13u + i);
  }
}

// An IPv6 tunnel (TunnelInsideIpVersion ipv6) takes its /126 from TunnelInsideIpv6Cidr.
TEST(CloudFormationVpnTunnels, Ipv6InsideCidr) {
  auto l = load(stack("        - {TunnelInsideIpv6Cidr: 'fd00:10::/126'}\n"));
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_EQ(l.network.vpn_connections.at(0).tunnels.at(0).inside_cidr,
            Prefix::parse("fd00:10::/126"));
}

struct BadCase {
  const char* name;
  std::string tunnels;
  const char* message;
  std::uint32_t line;
};

class CloudFormationVpnTunnelBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(CloudFormationVpnTunnelBadInput, IsALocatedErrorNamingTheConnection) {
  const auto& c = GetParam();
  auto l = load(stack(c.tunnels));
  EXPECT_FALSE(l.ok);
  bool found = false;
  for (const auto& item : l.diagnostics.items()) {
    if (item.severity != Severity::kError || item.message.find(c.message) == std::string::npos)
      continue;
    found = true;
    EXPECT_EQ(item.line, c.line) << item.str();
    EXPECT_GT(item.column, 0u) << item.str();
    EXPECT_FALSE(item.resource.empty()) << item.str();
  }
  EXPECT_TRUE(found) << dump(l.diagnostics);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CloudFormationVpnTunnelBadInput,
    ::testing::Values(
        BadCase{"InsideCidrWithoutLength", "        - {TunnelInsideCidr: 169.254.10.1}\n",
                "169.254.10.1", 13},
        // finalize() (vpn-limits.html): 169.254.0.0/30-169.254.5.0/30 are AWS's.
        BadCase{"ReservedInsideCidr", "        - {TunnelInsideCidr: 169.254.1.0/30}\n",
                "tunnel inside CIDR 169.254.1.0/30 is reserved by AWS", 13},
        BadCase{"ThreeTunnels", kTunnels + "        - {TunnelInsideCidr: 169.254.12.0/30}\n",
                "a VPN connection has two tunnels; 3 given", 15},
        BadCase{"ShortPreSharedKey",
                "        - {TunnelInsideCidr: 169.254.20.0/30, PreSharedKey: short}\n",
                "pre-shared key is 8-64", 13}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cloudtwin::load
