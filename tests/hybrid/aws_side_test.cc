// AWS's side of the sessions a network describes (aws_side.h): addresses, ASNs, MD5, limits and
// what AWS advertises on each virtual interface and VPN tunnel
// (shared/reference/direct-connect.md §2.3, §2.4, §2.6).
#include <gtest/gtest.h>

#include <algorithm>

#include "cloudtwin/hybrid/aws_side.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml.h"

namespace cloudtwin::hybrid {
namespace {

Prefix P(std::string_view s) { return *Prefix::parse(s); }

std::vector<Prefix> prefixes(const PeerConfig& c) {
  std::vector<Prefix> out;
  for (const auto& r : c.routes) out.push_back(r.prefix);
  std::sort(out.begin(), out.end());
  return out;
}

const AwsSession& named(const std::vector<AwsSession>& all, std::string_view name) {
  for (const auto& s : all)
    if (s.config.name == name) return s;
  ADD_FAILURE() << "no session " << name;
  return all.front();
}

model::Network load(const std::string& yaml) {
  model::Network n;
  Diagnostics d;
  EXPECT_TRUE(load::read_native_yaml(yaml, "net.yaml", n, d));
  EXPECT_TRUE(model::finalize(n, d));
  for (const auto& i : d.items()) ADD_FAILURE() << i.str();
  return n;
}

TEST(AwsSide, TheExampleNetworksSessions) {
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load::load_network(
      {std::string(CLOUDTWIN_SOURCE_DIR) + "/tests/load/export/networks/direct_connect.yaml"}, n, d));
  const auto all = aws_sessions(n);
  ASSERT_EQ(all.size(), 6u);  // four VIFs, two tunnels

  const auto& primary = named(all, "dxvif-0dc00001").config;
  EXPECT_EQ(primary.local_asn, 64800u);  // the Direct Connect gateway's (§2.4)
  EXPECT_EQ(primary.peer_asn, 65010u);
  EXPECT_EQ(primary.local_address, *IpAddress::parse("169.254.100.1"));
  EXPECT_EQ(primary.peer_address, *IpAddress::parse("169.254.100.2"));
  EXPECT_EQ(primary.md5_key, "md5secret");
  EXPECT_EQ(primary.hold_time, 90);
  EXPECT_EQ(primary.max_prefixes_ipv4, 100u);  // §2.3
  // §2.6: the allowed prefix 10.20.0.0/16 equals the VPC's CIDR: the CIDR is advertised.
  EXPECT_EQ(prefixes(primary), std::vector<Prefix>{P("10.20.0.0/16")});

  // §2.6: a transit VIF advertises exactly the allowed prefixes (IPv6 session: none are IPv6).
  const auto& transit = named(all, "dxvif-0dc00002").config;
  EXPECT_TRUE(transit.ipv6_unicast);
  EXPECT_FALSE(transit.ipv4_unicast);
  EXPECT_EQ(transit.max_prefixes_ipv6, 100u);
  EXPECT_TRUE(transit.routes.empty());

  // A VIF without peer addresses, or down, cannot run.
  EXPECT_FALSE(named(all, "dxvif-0dc00003").not_runnable.empty());
  // Public VIF: 7224, 1,000 prefixes (§2.3, §2.4).
  const auto& pub = named(all, "dxvif-0dc00004").config;
  EXPECT_EQ(pub.local_asn, 7224u);
  EXPECT_EQ(pub.max_prefixes_ipv4, 1000u);

  // VPN tunnels: AWS takes the first address of the inside /30, the customer gateway the second.
  const auto& t1 = named(all, "vpn-0dc000000000000a1/tunnel-1");
  EXPECT_EQ(t1.tunnel, 0);
  EXPECT_EQ(t1.config.local_address, *IpAddress::parse("169.254.10.1"));
  EXPECT_EQ(t1.config.peer_address, *IpAddress::parse("169.254.10.2"));
  EXPECT_EQ(t1.config.local_asn, 64600u);
  EXPECT_EQ(t1.config.peer_asn, 65010u);
  EXPECT_EQ(t1.config.hold_time, 30);
  EXPECT_EQ(prefixes(t1.config), std::vector<Prefix>{P("10.20.0.0/16")});
  for (const auto& s : all) {
    if (!s.not_runnable.empty()) continue;
    const auto problems = validate(s.config);
    EXPECT_TRUE(problems.empty()) << s.config.name << ": " << (problems.empty() ? "" : problems.front());
  }
}

// §2.6: allowed prefixes filter VPC CIDRs; a narrower allowed prefix lets nothing through; a
// wider one lets the VPC's own CIDR through, not itself.
TEST(AwsSide, AllowedPrefixesFilterVpcCidrsOnPrivateVifs) {
  const auto n = load(R"(
vpcs:
  - {id: vpc-a, cidr_block: 10.0.0.0/16}
  - {id: vpc-b, cidr_block: 10.1.0.0/16}
  - {id: vpc-c, cidr_block: 172.16.0.0/16}
vpn_gateways: [{id: vgw-a, vpc: vpc-a}, {id: vgw-b, vpc: vpc-b}, {id: vgw-c, vpc: vpc-c}]
direct_connect_gateways:
  - id: dxgw-1
    associations:
      - {gateway: vgw-a, allowed_prefixes: [10.0.0.0/15]}
      - {gateway: vgw-b, allowed_prefixes: [10.1.128.0/17]}
      - {gateway: vgw-c}
direct_connect_connections: [{id: dxcon-1, location: EqDC2, bandwidth: 1Gbps}]
virtual_interfaces:
  - {id: dxvif-1, type: private, connection: dxcon-1, vlan: 10, customer_asn: 65001, direct_connect_gateway: dxgw-1,
     amazon_address: 169.254.0.9/30, customer_address: 169.254.0.10/30}
)");
  std::string because;
  const auto out = advertised_prefixes(n, n.virtual_interfaces[0], &because);
  std::vector<Prefix> sorted = out;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<Prefix>{P("10.0.0.0/16"), P("172.16.0.0/16")}));
  EXPECT_NE(because.find("dxgw-1"), std::string::npos);
}

// §2.6: a transit VIF advertises the allowed prefixes themselves (10.0.0.0/8, not VPC CIDRs).
TEST(AwsSide, TransitVifsAdvertiseTheAllowedPrefixes) {
  const auto n = load(R"(
transit_gateways: [{id: tgw-1, amazon_side_asn: 64700}]
direct_connect_gateways:
  - id: dxgw-1
    amazon_side_asn: 64800
    associations: [{gateway: tgw-1, allowed_prefixes: [10.0.0.0/8, 192.168.0.0/16]}]
direct_connect_connections: [{id: dxcon-1, location: EqDC2, bandwidth: 10Gbps}]
virtual_interfaces:
  - {id: dxvif-1, type: transit, connection: dxcon-1, vlan: 10, customer_asn: 65001, direct_connect_gateway: dxgw-1,
     amazon_address: 169.254.0.9/30, customer_address: 169.254.0.10/30, mtu: 8500}
)");
  EXPECT_EQ(advertised_prefixes(n, n.virtual_interfaces[0]),
            (std::vector<Prefix>{P("10.0.0.0/8"), P("192.168.0.0/16")}));
  const auto all = aws_sessions(n);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].not_runnable.empty());
  EXPECT_TRUE(validate(all[0].config).empty());
}

// §2.2: on a public VIF AWS advertises its public prefixes, each with NO_EXPORT; 7224:8100 on the
// VIF's Region's, 7224:8200 on its continent's, none on the rest; AS_PATH at least 3 long (the
// session's 7224, then 16509 16509). A prefix listed in two Regions takes the narrowest scope.
TEST(AwsSide, PublicVifAdvertisesAmazonPrefixesWithScopeCommunities) {
  const std::vector<AmazonPrefix> amazon = {
      {P("3.2.0.0/24"), "us-east-1"},     {P("3.5.0.0/24"), "us-west-2"},
      {P("15.0.0.0/24"), "ca-central-1"}, {P("18.0.0.0/24"), "eu-west-1"},
      {P("13.32.0.0/15"), "GLOBAL"},      {P("52.0.0.0/24"), "eu-west-1"},
      {P("52.0.0.0/24"), "us-east-1"},    {P("2600:1f00::/40"), "us-east-1"},
  };
  const auto routes = public_vif_routes(amazon, "us-east-1", false);
  ASSERT_EQ(routes.size(), 6u);  // IPv4 only, 52.0.0.0/24 once
  auto scope = [&](std::string_view prefix) {
    for (const auto& r : routes) {
      if (r.prefix != P(prefix)) continue;
      EXPECT_TRUE(std::find(r.attributes.communities.begin(), r.attributes.communities.end(),
                            bgp::community::kNoExport) != r.attributes.communities.end())
          << prefix;
      EXPECT_EQ(bgp::path_length(*r.attributes.as_path), 2u) << "plus the session's 7224";
      for (auto c : r.attributes.communities)
        if (c != bgp::community::kNoExport) return c;
      return 0u;
    }
    ADD_FAILURE() << "no route " << prefix;
    return 0u;
  };
  EXPECT_EQ(scope("3.2.0.0/24"), bgp::make_community(7224, 8100));
  EXPECT_EQ(scope("52.0.0.0/24"), bgp::make_community(7224, 8100));   // narrowest scope
  EXPECT_EQ(scope("3.5.0.0/24"), bgp::make_community(7224, 8200));    // same continent
  EXPECT_EQ(scope("15.0.0.0/24"), bgp::make_community(7224, 8200));   // Canada: North America
  EXPECT_EQ(scope("18.0.0.0/24"), 0u);                                // global
  EXPECT_EQ(scope("13.32.0.0/15"), 0u);                               // CloudFront's, GLOBAL
  EXPECT_EQ(public_vif_routes(amazon, "us-east-1", true).size(), 1u);
  EXPECT_EQ(region_continent("eu-central-1"), "Europe");
  EXPECT_EQ(region_continent("GLOBAL"), "");
}

}  // namespace
}  // namespace cloudtwin::hybrid
