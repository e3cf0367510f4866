// The native format's Direct Connect lists (docs/format.md, "Direct Connect") and what
// model::finalize() checks of them, as the Direct Connect and EC2 APIs do
// (shared/reference/direct-connect.md §N): every rejected input is an error at its own line.
#include <gtest/gtest.h>

#include <string>

#include "cloudtwin/load/load.h"
#include "cloudtwin/model/network.h"
#include "read_helpers.h"

namespace cloudtwin::load::testing {
namespace {

const std::string kNetwork =
    std::string(CLOUDTWIN_SOURCE_DIR) + "/tests/load/export/networks/direct_connect.yaml";

Prefix P(std::string_view s) { return *Prefix::parse(s); }

TEST(NativeYamlDirectConnect, EveryFieldIsRead) {
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({kNetwork}, n, d)) << dump(d);
  ASSERT_EQ(n.direct_connect_connections.size(), 3u);
  ASSERT_EQ(n.direct_connect_lags.size(), 1u);
  ASSERT_EQ(n.virtual_interfaces.size(), 4u);

  const auto& lag = n.direct_connect_lags[0];
  EXPECT_EQ(lag.location, "EqDC2");
  EXPECT_EQ(lag.minimum_links, 1u);
  EXPECT_EQ(lag.encryption_mode, "must_encrypt");
  ASSERT_EQ(lag.macsec_keys.size(), 2u);
  EXPECT_EQ(lag.macsec_keys[1].state, "associating");
  // Members that name the LAG join its list.
  ASSERT_EQ(lag.connections.size(), 2u);
  EXPECT_EQ(lag.connections[0].index, 0u);
  EXPECT_EQ(lag.connections[1].index, 1u);

  const auto& hosted = n.direct_connect_connections[2];
  EXPECT_TRUE(hosted.hosted);
  EXPECT_EQ(hosted.vlan, 300u);
  EXPECT_EQ(hosted.state, "down");

  const auto& primary = n.virtual_interfaces[0];
  EXPECT_EQ(primary.type, model::VirtualInterfaceType::kPrivate);
  EXPECT_EQ(primary.connection_kind, model::Kind::kDirectConnectLag);
  EXPECT_EQ(primary.amazon_address, IpAddress::parse("169.254.100.1"));
  EXPECT_EQ(primary.customer_address, IpAddress::parse("169.254.100.2"));
  EXPECT_EQ(primary.peer_prefix_length, 30);
  EXPECT_EQ(primary.mtu, 9001u);
  EXPECT_EQ(primary.auth_key, "md5secret");
  EXPECT_EQ(primary.amazon_side_asn, 64800u);  // its Direct Connect gateway's

  const auto& transit = n.virtual_interfaces[1];
  EXPECT_EQ(transit.customer_asn, 4200000001u);
  EXPECT_EQ(transit.address_family, "ipv6");
  EXPECT_EQ(transit.peer_prefix_length, 125);
  EXPECT_EQ(n.virtual_interfaces[2].amazon_side_asn, 64600u);  // the virtual private gateway's
  EXPECT_EQ(n.virtual_interfaces[3].amazon_side_asn, 7224u);   // public VIF (§2.4)
  EXPECT_EQ(n.virtual_interfaces[3].route_filter_prefixes, std::vector<Prefix>{P("203.0.113.0/24")});

  const auto& transit_gw = n.direct_connect_gateways[1];
  ASSERT_EQ(transit_gw.associations.size(), 1u);
  EXPECT_EQ(transit_gw.associations[0].gateway_kind, model::Kind::kTransitGateway);
  EXPECT_EQ(transit_gw.associations[0].allowed_prefixes, std::vector<Prefix>{P("10.0.0.0/8")});

  const auto& vpn = n.vpn_connections[0];
  ASSERT_EQ(vpn.tunnels.size(), 2u);
  EXPECT_EQ(vpn.tunnels[0].inside_cidr, P("169.254.10.0/30"));
  EXPECT_EQ(vpn.tunnels[1].outside_address, IpAddress::parse("203.0.113.2"));
}

// The old shape, `vpn_gateways` with gateway-wide `allowed_prefixes`, becomes associations.
TEST(NativeYamlDirectConnect, VpnGatewaysListBecomesAssociations) {
  auto r = read(R"(
vpcs: [{id: vpc-1, cidr_block: 10.1.0.0/16}]
vpn_gateways: [{id: vgw-1, vpc: vpc-1}]
direct_connect_gateways: [{id: dxgw-1, vpn_gateways: [vgw-1], allowed_prefixes: [10.1.0.0/16]}]
)");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  Diagnostics d;
  ASSERT_TRUE(model::finalize(r.network, d)) << dump(d);
  const auto& g = r.network.direct_connect_gateways[0];
  ASSERT_EQ(g.associations.size(), 1u);
  EXPECT_TRUE(g.associations[0].implied);
  EXPECT_EQ(g.associations[0].gateway_kind, model::Kind::kVpnGateway);
  EXPECT_EQ(g.associations[0].allowed_prefixes, std::vector<Prefix>{P("10.1.0.0/16")});
}

struct Case {
  const char* name;
  const char* yaml;     // appended to a base network
  const char* message;  // a part of the error
  int line;             // where it points (1-based, in the whole text)
};

// Lines 1-9: a VPC, a virtual private gateway, a transit gateway, a Direct Connect gateway, a
// dedicated 1 Gbps and a 10 Gbps connection; the cases start at line 10.
constexpr const char* kBase = R"(vpcs: [{id: vpc-1, cidr_block: 10.1.0.0/16}]
vpn_gateways: [{id: vgw-1, vpc: vpc-1}]
transit_gateways: [{id: tgw-1, amazon_side_asn: 64512}]
customer_gateways: [{id: cgw-1, ip_address: 198.51.100.1}]
direct_connect_gateways:
  - {id: dxgw-1, amazon_side_asn: 64513, vpn_gateways: [vgw-1]}
direct_connect_connections:
  - {id: dxcon-1, location: EqDC2, bandwidth: 1Gbps}
  - {id: dxcon-10, location: EqDC2, bandwidth: 10Gbps}
)";

const Case kCases[] = {
    // §2.5: a VLAN is unique per connection.
    {"vlan twice", R"(virtual_interfaces:
  - {id: dxvif-1, type: private, connection: dxcon-1, vlan: 100, customer_asn: 65000, vpn_gateway: vgw-1}
  - {id: dxvif-2, type: private, connection: dxcon-1, vlan: 100, customer_asn: 65000, vpn_gateway: vgw-1}
)", "VLAN 100 is already used on dxcon-1 by dxvif-1", 12},
    // §2.5: MTU 1500 or 9001 on a private VIF, 1500 or 8500 on a transit VIF.
    {"transit mtu", R"(virtual_interfaces:
  - {id: dxvif-1, type: transit, connection: dxcon-1, vlan: 100, customer_asn: 65000, mtu: 9001, direct_connect_gateway: dxgw-1}
)", "MTU 9001 is not one a transit virtual interface can have", 11},
    // §2.4: an associated transit gateway and Direct Connect gateway need different ASNs.
    {"same asn", R"(  - id: dxgw-2
    amazon_side_asn: 64512
    associations:
      - {gateway: tgw-1, allowed_prefixes: [10.0.0.0/8]}
)", "both have ASN 64512", 10},
    // §2.4: Amazon-side ASNs are private.
    {"public asn", R"(  - {id: dxgw-2, amazon_side_asn: 16509}
)", "Amazon-side ASN 16509 is not a private ASN", 7},
    // §6: MACsec needs a dedicated 10/100/400 Gbps connection.
    {"macsec on 1G", R"(  - {id: dxcon-m, location: EqDC2, bandwidth: 1Gbps, macsec_capable: true}
)", "MACsec needs a dedicated connection of 10, 100 or 400 Gbps", 10},
    {"macsec hosted", R"(  - {id: dxcon-h, location: EqDC2, bandwidth: 500Mbps, hosted: true, macsec_capable: true}
)", "this is a hosted connection", 10},
    // §6: CKN and CAK are 64 hex characters.
    {"short cak", R"(  - id: dxcon-m
    location: EqDC2
    bandwidth: 10Gbps
    macsec_capable: true
    macsec_keys:
      - {ckn: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, cak: abc}
)", "a MACsec CAK is 64 hexadecimal characters", 15},
    {"must_encrypt without macsec", R"(  - {id: dxcon-m, location: EqDC2, bandwidth: 10Gbps, encryption_mode: must_encrypt}
)", "needs a MACsec-capable connection", 10},
    // §2.5 (lags.html): LAG members share bandwidth and location.
    {"lag bandwidth", R"(direct_connect_lags:
  - {id: dxlag-1, location: EqDC2, bandwidth: 10Gbps, connections: [dxcon-1, dxcon-10]}
)", "member dxcon-1 is 1Gbps, the LAG's members are 10Gbps", 11},
    {"lag minimum links", R"(direct_connect_lags:
  - {id: dxlag-1, location: EqDC2, bandwidth: 10Gbps, minimum_links: 2, connections: [dxcon-10]}
)", "minimum links 2 is more than the LAG's 1 member(s)", 11},
    // A hosted connection carries one VIF, on the partner's VLAN.
    {"hosted second vif", R"(  - {id: dxcon-h, location: EqDC2, bandwidth: 500Mbps, hosted: true, vlan: 300}
virtual_interfaces:
  - {id: dxvif-1, type: private, connection: dxcon-h, vlan: 300, customer_asn: 65000, vpn_gateway: vgw-1}
  - {id: dxvif-2, type: private, connection: dxcon-h, vlan: 301, customer_asn: 65000, vpn_gateway: vgw-1}
)", "already has its one virtual interface", 13},
    // Private: exactly one gateway; transit: a Direct Connect gateway; public: none.
    {"private two gateways", R"(virtual_interfaces:
  - {id: dxvif-1, type: private, connection: dxcon-1, vlan: 100, customer_asn: 65000, vpn_gateway: vgw-1, direct_connect_gateway: dxgw-1}
)", "exactly one of a virtual private gateway or a Direct Connect gateway", 11},
    {"public without prefixes", R"(virtual_interfaces:
  - {id: dxvif-1, type: public, connection: dxcon-1, vlan: 100, customer_asn: 65000, amazon_address: 198.51.100.5/30, customer_address: 198.51.100.6/30}
)", "needs the customer's prefixes to advertise", 11},
    // §2.5: the peer addresses share one link prefix.
    {"peer addresses apart", R"(virtual_interfaces:
  - {id: dxvif-1, type: private, connection: dxcon-1, vlan: 100, customer_asn: 65000, vpn_gateway: vgw-1, amazon_address: 169.254.1.1/30, customer_address: 169.254.2.2/30}
)", "are not in one /30 link prefix", 11},
    {"peer address syntax", R"(virtual_interfaces:
  - {id: dxvif-1, type: private, connection: dxcon-1, vlan: 100, customer_asn: 65000, vpn_gateway: vgw-1, amazon_address: 169.254.1.1, customer_address: 169.254.1.2/30}
)", "is not an address with its prefix length", 11},
    {"same asn both sides", R"(virtual_interfaces:
  - {id: dxvif-1, type: private, connection: dxcon-1, vlan: 100, customer_asn: 64512, vpn_gateway: vgw-1}
)", "is the Amazon side's own", 11},
    {"vlan out of range", R"(virtual_interfaces:
  - {id: dxvif-1, type: private, connection: dxcon-1, vlan: 4095, customer_asn: 65000, vpn_gateway: vgw-1}
)", "4095", 11},
    // A Direct Connect gateway serves private or transit VIFs, not both.
    {"dxgw both kinds", R"(virtual_interfaces:
  - {id: dxvif-1, type: private, connection: dxcon-1, vlan: 100, customer_asn: 65000, direct_connect_gateway: dxgw-1}
  - {id: dxvif-2, type: transit, connection: dxcon-1, vlan: 101, customer_asn: 65000, direct_connect_gateway: dxgw-1}
)", "has both private (dxvif-1) and transit (dxvif-2) virtual interfaces", 12},
    // CreateVpnConnection: inside CIDRs are /30s of 169.254.0.0/16, not the reserved ones.
    {"reserved tunnel cidr", R"(vpn_connections:
  - id: vpn-1
    vpn_gateway: vgw-1
    customer_gateway: cgw-1
    tunnels:
      - {inside_cidr: 169.254.169.252/30}
)", "is reserved by AWS", 15},
    {"tunnel cidr size", R"(vpn_connections:
  - id: vpn-1
    vpn_gateway: vgw-1
    customer_gateway: cgw-1
    tunnels:
      - {inside_cidr: 169.254.20.0/29}
)", "is not a /30 of 169.254.0.0/16", 15},
    {"unknown bandwidth", R"(  - {id: dxcon-x, location: EqDC2, bandwidth: 3Gbps}
)", "`3Gbps` is not a bandwidth of a dedicated connection", 10},
};

TEST(NativeYamlDirectConnect, WhatAwsRejectsIsAnErrorAtItsLine) {
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    std::string text = kBase;
    const std::string extra = c.yaml;
    // Items of the base's last list (connections) or of direct_connect_gateways continue it.
    if (extra.starts_with("  - {id: dxgw") || extra.starts_with("  - id: dxgw")) {
      const auto at = text.find("direct_connect_connections:");
      text.insert(at, extra);
      // The inserted lines take the place of line 7 on.
    } else {
      text += extra;
    }
    auto r = read(text);
    Diagnostics d = r.diagnostics;
    bool ok = r.ok && model::finalize(r.network, d);
    EXPECT_FALSE(ok);
    const Diagnostic* hit = nullptr;
    for (const auto& i : d.items())
      if (i.message.find(c.message) != std::string::npos) hit = &i;
    ASSERT_NE(hit, nullptr) << dump(d);
    EXPECT_EQ(hit->line, static_cast<std::uint32_t>(c.line)) << hit->str();
    EXPECT_EQ(hit->file, "net.yaml");
  }
}

}  // namespace
}  // namespace cloudtwin::load::testing
