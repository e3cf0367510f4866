// The CloudFormation reader's AWS::DirectConnect:: types (Connection, Lag, PrivateVirtualInterface,
// TransitVirtualInterface, PublicVirtualInterface, DirectConnectGateway,
// DirectConnectGatewayAssociation): the network of direct_connect_equivalent.h as a template
// (data/direct-connect.yaml), read field by field as the native and Terraform readers read it;
// Ref's ARNs and the ids they end with; what the model has no place for warned at its location;
// bad input located at the value, naming the logical id (shared/reference/direct-connect.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "../terraform/direct_connect_equivalent.h"
#include "cloudtwin/load/load.h"
#include "template_helpers.h"

namespace cloudtwin::load {
namespace {

using model::Kind;
using testing::dump;
using testing::load;

const std::string kData = std::string(CLOUDTWIN_SOURCE_DIR) + "/tests/load/cloudformation/data/";

std::uint32_t line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return static_cast<std::uint32_t>(
             std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')) +
         1;
}

struct Loaded {
  model::Network network;
  Diagnostics diagnostics;
  bool ok = false;
};

// The partner's hosted connection (native), then the template: as `cloudtwin validate` reads them.
Loaded load_equivalent() {
  Loaded l;
  l.ok = load_network({kData + "direct-connect-partner.yaml", kData + "direct-connect.yaml"},
                      l.network, l.diagnostics);
  return l;
}

std::size_t warnings_containing(const Diagnostics& d, const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(d.items().begin(), d.items().end(), [&](const Diagnostic& i) {
        return i.severity == Severity::kWarning && i.message.find(text) != std::string::npos;
      }));
}

// Every connection, LAG, virtual interface, Direct Connect gateway (with its associations) and
// VPN connection of the native network, field by field. CloudFormation makes the ids up, and has
// no type for MACsec keys (AssociateMacSecKey), nor a LAG's encryption mode or a virtual
// interface's state; AWS allocates IPv6 peer addresses (CreateBGPPeer) and tunnel outside
// addresses.
TEST(CloudFormationDirectConnect, TemplateReadsAsTheNativeNetwork) {
  auto l = load_equivalent();
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_EQ(warnings_containing(l.diagnostics, "ignored"), 0u) << dump(l.diagnostics);
  load::testing::Gaps gaps;
  gaps.ids_made_up = true;
  gaps.macsec_keys = gaps.lag_encryption_mode = gaps.vif_state = true;
  gaps.ipv6_peer_addresses = gaps.tunnel_outside_addresses = true;
  load::testing::expect_direct_connect_network(l.network, "cloudformation", gaps);
}

// As the Terraform and AWS CLI readers: the association with a transit gateway is also its
// attachment of type direct-connect-gateway on the TGW (what routes use), and the one with a
// virtual private gateway is the gateway's `vpn_gateways` entry (what traces read), its allowed
// prefixes the gateway's.
TEST(CloudFormationDirectConnect, AssociationsAreWhatRoutesAndTracesRead) {
  auto l = load_equivalent();
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  auto transit = n.find("dxgw-transit", Kind::kDirectConnectGateway);
  ASSERT_TRUE(transit);
  const auto& dxgw = n.direct_connect_gateways[*transit];
  std::size_t attachments = 0;
  for (const auto& a : n.transit_gateway_attachments) {
    if (a.type != model::AttachmentType::kDirectConnectGateway) continue;
    ++attachments;
    EXPECT_EQ(a.direct_connect_gateway.text, dxgw.id);
    ASSERT_TRUE(a.transit_gateway.resolved());
    EXPECT_EQ(n.transit_gateways[a.transit_gateway.index].name, "hub");
  }
  EXPECT_EQ(attachments, 1u);
  auto priv = n.find("dxgw-private", Kind::kDirectConnectGateway);
  ASSERT_TRUE(priv);
  const auto& g = n.direct_connect_gateways[*priv];
  ASSERT_EQ(g.vpn_gateways.size(), 1u);
  ASSERT_TRUE(g.vpn_gateways[0].resolved());
  EXPECT_EQ(n.vpn_gateways[g.vpn_gateways[0].index].name, "prod-vgw");
  ASSERT_EQ(g.allowed_prefixes.size(), 1u);
  EXPECT_EQ(g.allowed_prefixes[0], *Prefix::parse("10.20.0.0/16"));
}

// Ref of a connection, LAG, virtual interface or Direct Connect gateway is its ARN, and
// Fn::GetAtt ConnectionId, LagId, ... the id it ends with (AWS::DirectConnect::Connection etc.,
// Return values); a gateway's id is a UUID. The model keeps the id, with the ARN and the logical
// id as aliases, so `--to Eqdc2Lag` and the ARN both name the LAG.
TEST(CloudFormationDirectConnect, RefIsTheArnEndingWithTheId) {
  auto l = load_equivalent();
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  auto lag = n.find("eqdc2-lag", Kind::kDirectConnectLag);
  ASSERT_TRUE(lag);
  const std::string& id = n.direct_connect_lags[*lag].id;
  EXPECT_TRUE(id.starts_with("dxlag-")) << id;
  EXPECT_EQ(n.find("Eqdc2Lag", Kind::kDirectConnectLag), lag);
  EXPECT_EQ(n.find("arn:aws:directconnect:us-east-1:" + n.default_account + ":dxlag/" + id,
                   Kind::kDirectConnectLag),
            lag);
  auto a = n.find("eqdc2-a", Kind::kDirectConnectConnection);
  ASSERT_TRUE(a);
  EXPECT_TRUE(n.direct_connect_connections[*a].id.starts_with("dxcon-"));
  auto vif = n.find("transit", Kind::kVirtualInterface);
  ASSERT_TRUE(vif);
  EXPECT_TRUE(n.virtual_interfaces[*vif].id.starts_with("dxvif-"));
  auto g = n.find("dxgw-private", Kind::kDirectConnectGateway);
  ASSERT_TRUE(g);
  const std::string& uuid = n.direct_connect_gateways[*g].id;
  ASSERT_EQ(uuid.size(), 36u) << uuid;
  EXPECT_EQ(uuid[8], '-');
  EXPECT_EQ(uuid[23], '-');
}

const std::string kBase =
    "Resources:\n"
    "  Prod: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.20.0.0/16}}\n"
    "  Vgw: {Type: AWS::EC2::VPNGateway, Properties: {Type: ipsec.1, AmazonSideAsn: 64600}}\n"
    "  Attach: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref Prod, "
    "VpnGatewayId: !Ref Vgw}}\n"
    "  Hub: {Type: AWS::EC2::TransitGateway, Properties: {AmazonSideAsn: 64700}}\n"
    "  Dxgw: {Type: AWS::DirectConnect::DirectConnectGateway, Properties: "
    "{DirectConnectGatewayName: g, AmazonSideAsn: '64800'}}\n"
    "  Lag: {Type: AWS::DirectConnect::Lag, Properties: {LagName: l, Location: EqDC2, "
    "ConnectionsBandwidth: 10Gbps}}\n"
    "  Member: {Type: AWS::DirectConnect::Connection, Properties: {ConnectionName: m, Location: "
    "EqDC2, Bandwidth: 10Gbps, LagId: !Ref Lag}}\n";

// A private virtual interface on the LAG to the Direct Connect gateway, with `peers` and more.
std::string private_vif(const std::string& extra, const std::string& peers) {
  return "  Vif:\n"
         "    Type: AWS::DirectConnect::PrivateVirtualInterface\n"
         "    Properties:\n"
         "      VirtualInterfaceName: v\n"
         "      ConnectionId: !Ref Lag\n"
         "      DirectConnectGatewayId: !Ref Dxgw\n" +
         extra + "      BgpPeers:\n" + peers;
}

const std::string kPeer =
    "        - {AddressFamily: ipv4, Asn: '65010', AmazonAddress: 169.254.100.1/30, "
    "CustomerAddress: 169.254.100.2/30}\n";

// A virtual private gateway's association written without allowed prefixes is still the
// gateway's `vpn_gateways` entry (traces take its path), as in the Terraform reader; AWS then
// advertises the VPC's CIDRs (allowed-to-prefixes.html).
TEST(CloudFormationDirectConnect, VgwAssociationWithoutAllowedPrefixes) {
  auto l = load(kBase +
                "  Assoc: {Type: AWS::DirectConnect::DirectConnectGatewayAssociation, Properties: "
                "{DirectConnectGatewayId: !Ref Dxgw, AssociatedGatewayId: !Ref Vgw}}\n" +
                private_vif("      Vlan: 101\n", kPeer));
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& g = l.network.direct_connect_gateways.at(0);
  ASSERT_EQ(g.vpn_gateways.size(), 1u);
  EXPECT_TRUE(g.vpn_gateways[0].resolved());
  EXPECT_TRUE(g.allowed_prefixes.empty());
  const auto& v = l.network.virtual_interfaces.at(0);
  EXPECT_EQ(v.amazon_side_asn, 64800u);  // the Direct Connect gateway's
  EXPECT_EQ(v.peer_prefix_length, 30);
  EXPECT_EQ(v.connection_kind, Kind::kDirectConnectLag);
}

// "The ID or ARN of the connection or LAG": an ARN written out names the connection an input
// read before the template describes by id.
TEST(CloudFormationDirectConnect, ArnWrittenOutNamesAnEarlierInputsConnection) {
  Loaded two;
  const std::string path = ::testing::TempDir() + "/dx-arn.yaml";
  std::ofstream(path)
      << "Resources:\n"
         "  Vgw: {Type: AWS::EC2::VPNGateway, Properties: {Type: ipsec.1}}\n"
         "  Hosted:\n"
         "    Type: AWS::DirectConnect::PrivateVirtualInterface\n"
         "    Properties:\n"
         "      VirtualInterfaceName: hosted\n"
         "      ConnectionId: arn:aws:directconnect:us-east-1:111122223333:dxcon/dxcon-0dc00003\n"
         "      Vlan: 300\n"
         "      VirtualGatewayId: !Ref Vgw\n"
         "      BgpPeers: [{AddressFamily: ipv4, Asn: '65010'}]\n";
  two.ok =
      load_network({kData + "direct-connect-partner.yaml", path}, two.network, two.diagnostics);
  ASSERT_TRUE(two.ok) << dump(two.diagnostics);
  ASSERT_EQ(two.network.virtual_interfaces.size(), 1u);
  const auto& v = two.network.virtual_interfaces[0];
  ASSERT_TRUE(v.connection.resolved());
  EXPECT_EQ(two.network.direct_connect_connections[v.connection.index].name, "partner");
}

// The model has one BGP session per virtual interface; BgpPeers may hold one per address family
// (dual stack, §2.5). The second is read (its errors reported) and warned at its location.
TEST(CloudFormationDirectConnect, SecondBgpPeerIsAWarningAtItsLocation) {
  const std::string text =
      kBase +
      private_vif("      Vlan: 101\n", kPeer + "        - {AddressFamily: ipv6, Asn: '65010'}\n");
  auto l = load(text);
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  ASSERT_EQ(l.network.virtual_interfaces.size(), 1u);
  EXPECT_EQ(l.network.virtual_interfaces[0].address_family, "ipv4");
  bool found = false;
  for (const auto& d : l.diagnostics.items()) {
    if (d.message.find("`BgpPeers[1]` (ipv6) of Vif is not modelled") == std::string::npos)
      continue;
    found = true;
    EXPECT_EQ(d.severity, Severity::kWarning);
    EXPECT_EQ(d.gap, Gap::kLeftOut);
    EXPECT_EQ(d.line, line_of(text, "AddressFamily: ipv6"));
    EXPECT_EQ(d.resource, "Vif");
  }
  EXPECT_TRUE(found) << dump(l.diagnostics);
}

// SiteLink (EnableSiteLink) routes between Direct Connect locations; the model has no such path.
TEST(CloudFormationDirectConnect, SiteLinkIsAWarningAtItsLocation) {
  const std::string text =
      kBase + private_vif("      Vlan: 101\n      EnableSiteLink: true\n", kPeer);
  auto l = load(text);
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  bool found = false;
  for (const auto& d : l.diagnostics.items()) {
    if (d.message.find("`EnableSiteLink` of Vif is not modelled") == std::string::npos) continue;
    found = true;
    EXPECT_EQ(d.line, line_of(text, "EnableSiteLink"));
  }
  EXPECT_TRUE(found) << dump(l.diagnostics);
}

// A connection named by an id no input describes may exist in AWS: the interface is left out
// with a located warning, not an error (as for every reference of the reader).
TEST(CloudFormationDirectConnect, ConnectionOutsideTheInputsIsLeftOut) {
  const std::string text =
      "Resources:\n"
      "  Dxgw: {Type: AWS::DirectConnect::DirectConnectGateway, Properties: "
      "{DirectConnectGatewayName: g}}\n"
      "  Vif:\n"
      "    Type: AWS::DirectConnect::TransitVirtualInterface\n"
      "    Properties:\n"
      "      VirtualInterfaceName: v\n"
      "      ConnectionId: dxcon-elsewhere\n"
      "      Vlan: 10\n"
      "      DirectConnectGatewayId: !Ref Dxgw\n"
      "      BgpPeers: [{AddressFamily: ipv4, Asn: '65010'}]\n";
  auto l = load(text);
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_TRUE(l.network.virtual_interfaces.empty());
  bool warned = false;
  for (const auto& d : l.diagnostics.items()) {
    warned = warned || (d.severity == Severity::kWarning && d.gap == Gap::kLeftOut &&
                        d.message.find("dxcon-elsewhere") != std::string::npos &&
                        d.resource == "Vif" && d.line == 3);
  }
  EXPECT_TRUE(warned) << dump(l.diagnostics);
}

// ---- bad input --------------------------------------------------------------------------------

struct BadCase {
  const char* name;
  std::string extra;    // resources after kBase
  const char* message;  // part of the error
  const char* at;       // text on the line the error is at
  // The logical id the reader's errors name; finalize()'s name the model id of the resource
  // of this name.
  const char* resource;
};

// The id of the Direct Connect resource named `name`, or "".
std::string id_named(const model::Network& n, const std::string& name) {
  auto in = [&](const auto& list) -> std::string {
    for (const auto& r : list) {
      if (r.name == name) return r.id;
    }
    return "";
  };
  for (const std::string& id : {in(n.direct_connect_connections), in(n.direct_connect_lags),
                                in(n.virtual_interfaces), in(n.direct_connect_gateways)}) {
    if (!id.empty()) return id;
  }
  return "";
}

class CloudFormationDirectConnectBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(CloudFormationDirectConnectBadInput, IsALocatedErrorNamingTheResource) {
  const auto& c = GetParam();
  const std::string text = kBase + c.extra;
  auto l = load(text);
  EXPECT_FALSE(l.ok);
  bool found = false;
  for (const auto& item : l.diagnostics.items()) {
    if (item.severity != Severity::kError || item.message.find(c.message) == std::string::npos)
      continue;
    found = true;
    EXPECT_EQ(item.line, line_of(text, c.at)) << item.str();
    EXPECT_GT(item.column, 0u) << item.str();
    EXPECT_TRUE(item.resource == c.resource ||
                (!item.resource.empty() && item.resource == id_named(l.network, c.resource)))
        << item.str();
  }
  EXPECT_TRUE(found) << dump(l.diagnostics);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CloudFormationDirectConnectBadInput,
    ::testing::Values(
        // §2.5: 802.1Q VLAN ids are 1-4094 (the property's schema allows 0-4095).
        BadCase{"VlanOutOfRange", private_vif("      Vlan: 4095\n", kPeer),
                "`Vlan` must be a whole number from 1 to 4094, not `4095`", "Vlan: 4095", "Vif"},
        // §2.4: customer ASN 1-4294967294, written as a string "to support long ASNs".
        BadCase{"AsnNotANumber",
                private_vif("      Vlan: 101\n", "        - {AddressFamily: ipv4, Asn: AS65010}\n"),
                "`Asn` must be a whole number from 1 to 4294967294", "AS65010", "Vif"},
        BadCase{"AsnTooLarge",
                private_vif("      Vlan: 101\n",
                            "        - {AddressFamily: ipv4, Asn: '4294967295'}\n"),
                "`Asn` must be a whole number", "4294967295", "Vif"},
        BadCase{"AddressFamilyUnknown",
                private_vif("      Vlan: 101\n", "        - {AddressFamily: ipv5, Asn: '1'}\n"),
                "`AddressFamily`: `ipv5` is not ipv4 or ipv6", "ipv5", "Vif"},
        // §2.5: peer addresses are written "169.254.255.1/30" (core parse_interface_address).
        BadCase{"PeerAddressWithoutLength",
                private_vif("      Vlan: 101\n",
                            "        - {AddressFamily: ipv4, Asn: '65010', AmazonAddress: "
                            "169.254.1.1, CustomerAddress: 169.254.1.2/30}\n"),
                "`AmazonAddress`: `169.254.1.1` is not an address with its prefix length",
                "AmazonAddress: 169.254.1.1,", "Vif"},
        BadCase{"PeerPrefixLengthsDiffer",
                private_vif("      Vlan: 101\n",
                            "        - {AddressFamily: ipv4, Asn: '65010', AmazonAddress: "
                            "169.254.1.1/30, CustomerAddress: 169.254.1.2/29}\n"),
                "the peer addresses have different prefix lengths (/30 and /29)", "169.254.1.2/29",
                "Vif"},
        // The finalize() check of the same rule, at the reader's location of the addresses.
        BadCase{"PeerAddressesInDifferentLinks",
                private_vif("      Vlan: 101\n",
                            "        - {AddressFamily: ipv4, Asn: '65010', AmazonAddress: "
                            "169.254.1.1/30, CustomerAddress: 169.254.2.2/30}\n"),
                "are not in one /30 link prefix", "169.254.2.2/30", "v"},
        BadCase{"NoBgpPeers",
                "  Vif:\n"
                "    Type: AWS::DirectConnect::PrivateVirtualInterface\n"
                "    Properties: {VirtualInterfaceName: v, ConnectionId: !Ref Lag, Vlan: 101, "
                "DirectConnectGatewayId: !Ref Dxgw}\n",
                "needs `BgpPeers`", "  Vif:", "Vif"},
        BadCase{"ThreeBgpPeers",
                private_vif("      Vlan: 101\n",
                            kPeer + "        - {AddressFamily: ipv6, Asn: '65010'}\n" +
                                "        - {AddressFamily: ipv6, Asn: '65011'}\n"),
                "at most two BGP peers", "Asn: '65011'", "Vif"},
        // A reference to nothing, or to a resource of another type.
        BadCase{"ConnectionNamesNothing",
                "  Vif:\n"
                "    Type: AWS::DirectConnect::PrivateVirtualInterface\n"
                "    Properties:\n"
                "      VirtualInterfaceName: v\n"
                "      ConnectionId: !Ref Lagg\n"
                "      Vlan: 101\n"
                "      DirectConnectGatewayId: !Ref Dxgw\n"
                "      BgpPeers: [{AddressFamily: ipv4, Asn: '65010'}]\n",
                "Ref names `Lagg`, which is neither a resource nor a parameter", "!Ref Lagg",
                "Vif"},
        BadCase{"ConnectionIsAVpc",
                "  Vif:\n"
                "    Type: AWS::DirectConnect::PrivateVirtualInterface\n"
                "    Properties:\n"
                "      VirtualInterfaceName: v\n"
                "      ConnectionId: !Ref Prod\n"
                "      Vlan: 101\n"
                "      DirectConnectGatewayId: !Ref Dxgw\n"
                "      BgpPeers: [{AddressFamily: ipv4, Asn: '65010'}]\n",
                "`ConnectionId` names Prod, a AWS::EC2::VPC", "ConnectionId: !Ref Prod", "Vif"},
        BadCase{"LagWithoutLocation",
                "  Lag2: {Type: AWS::DirectConnect::Lag, Properties: {LagName: l2, "
                "ConnectionsBandwidth: 10Gbps}}\n",
                "AWS::DirectConnect::Lag needs the property `Location`", "  Lag2:", "Lag2"},
        BadCase{"RouteFilterPrefixNotACidr",
                "  Pub:\n"
                "    Type: AWS::DirectConnect::PublicVirtualInterface\n"
                "    Properties:\n"
                "      VirtualInterfaceName: p\n"
                "      ConnectionId: !Ref Lag\n"
                "      Vlan: 103\n"
                "      RouteFilterPrefixes: [203.0.113.0]\n"
                "      BgpPeers: [{AddressFamily: ipv4, Asn: '65010', AmazonAddress: "
                "198.51.100.1/30, CustomerAddress: 198.51.100.2/30}]\n",
                "`RouteFilterPrefixes`: `203.0.113.0` is not a CIDR block", "203.0.113.0]", "Pub"},
        BadCase{"AllowedPrefixNotACidr",
                "  Assoc:\n"
                "    Type: AWS::DirectConnect::DirectConnectGatewayAssociation\n"
                "    Properties:\n"
                "      DirectConnectGatewayId: !Ref Dxgw\n"
                "      AssociatedGatewayId: !Ref Vgw\n"
                "      AllowedPrefixesToDirectConnectGateway: [10.20.0.0/33]\n",
                "`AllowedPrefixesToDirectConnectGateway`: `10.20.0.0/33` is not a CIDR block",
                "10.20.0.0/33", "Assoc"},
        BadCase{"GatewayAsnNotANumber",
                "  Dxgw2: {Type: AWS::DirectConnect::DirectConnectGateway, Properties: "
                "{DirectConnectGatewayName: g2, AmazonSideAsn: sixty}}\n",
                "`AmazonSideAsn` must be a whole number", "sixty", "Dxgw2"},
        // finalize() checks what the reader filled, at the reader's locations.
        // §2.4: an Amazon-side ASN is private (64512-65534, 4200000000-4294967294).
        BadCase{"GatewayAsnNotPrivate",
                "  Dxgw2: {Type: AWS::DirectConnect::DirectConnectGateway, Properties: "
                "{DirectConnectGatewayName: g2, AmazonSideAsn: '65535'}}\n",
                "Amazon-side ASN 65535 is not a private ASN", "'65535'", "g2"},
        // §2.4 (bgp-specific-settings.html): an associated TGW and DXGW need different ASNs.
        BadCase{"TransitAssociationSameAsn",
                "  Dxgw2: {Type: AWS::DirectConnect::DirectConnectGateway, Properties: "
                "{DirectConnectGatewayName: g2, AmazonSideAsn: '64700'}}\n"
                "  Assoc:\n"
                "    Type: AWS::DirectConnect::DirectConnectGatewayAssociation\n"
                "    Properties:\n"
                "      DirectConnectGatewayId: !Ref Dxgw2\n"
                "      AssociatedGatewayId: !Ref Hub\n"
                "      AllowedPrefixesToDirectConnectGateway: [10.0.0.0/8]\n",
                "both have ASN 64700", "  Assoc:", "g2"},
        // §2.5 (set-jumbo-frames-vif.html): a transit VIF's MTU is 1500 or 8500.
        BadCase{"TransitVifMtu",
                "  Vif:\n"
                "    Type: AWS::DirectConnect::TransitVirtualInterface\n"
                "    Properties:\n"
                "      VirtualInterfaceName: t\n"
                "      ConnectionId: !Ref Lag\n"
                "      Vlan: 102\n"
                "      Mtu: 9001\n"
                "      DirectConnectGatewayId: !Ref Dxgw\n"
                "      BgpPeers: [{AddressFamily: ipv4, Asn: '65010'}]\n",
                "MTU 9001 is not one a transit virtual interface can have", "Mtu: 9001", "t"},
        // §2.5: a VLAN is unique per connection or LAG.
        BadCase{"VlanUsedTwiceOnTheLag",
                private_vif("      Vlan: 101\n", kPeer) +
                    "  Vif2:\n"
                    "    Type: AWS::DirectConnect::PrivateVirtualInterface\n"
                    "    Properties:\n"
                    "      VirtualInterfaceName: v2\n"
                    "      ConnectionId: !Ref Lag\n"
                    "      Vlan: 101 # again\n"
                    "      VirtualGatewayId: !Ref Vgw\n"
                    "      BgpPeers: [{AddressFamily: ipv4, Asn: '65010'}]\n",
                "VLAN 101 is already used", "Vlan: 101 # again", "v2"},
        // lags.html: members have the LAG's bandwidth.
        BadCase{"MemberBandwidthDiffers",
                "  Member2: {Type: AWS::DirectConnect::Connection, Properties: {ConnectionName: "
                "m2, Location: EqDC2, Bandwidth: 1Gbps, LagId: !GetAtt Lag.LagId}}\n",
                "is 1Gbps, the LAG's members are 10Gbps", "!GetAtt Lag.LagId", "l"},
        // MACsec.html: 10, 100 or 400 Gbps dedicated connections only.
        BadCase{"MacsecOnOneGbps",
                "  Slow: {Type: AWS::DirectConnect::Connection, Properties: {ConnectionName: s, "
                "Location: EqDC2, Bandwidth: 1Gbps, RequestMACSec: true}}\n",
                "MACsec needs a dedicated connection of 10, 100 or 400 Gbps", "  Slow:", "s"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cloudtwin::load
