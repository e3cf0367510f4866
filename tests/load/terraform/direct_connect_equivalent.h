// The Direct Connect network of tests/load/export/networks/direct_connect.yaml (a MACsec LAG of two
// 10 Gbps connections, a hosted connection, private, transit and public virtual interfaces, a
// Direct Connect gateway associated with a virtual private gateway and one with a transit gateway,
// a VPN connection's two tunnels), the reference each reader's version of it is compared with,
// field by field, after finalize(). Ids are the same in every version; references are compared
// by the ids they resolve to (by names where a format makes its own ids up). What a format cannot
// say is named in `Gaps`, each with its reason.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cloudtwin/load/load.h"

namespace cloudtwin::load::testing {

// What a format's version leaves out, so the comparison skips exactly that.
struct Gaps {
  // The AWS provider's aws_dx_lag has no minimum_links, encryption_mode or state, and its virtual
  // interfaces no state.
  bool lag_minimum_links = false;
  bool lag_encryption_mode = false;
  bool vif_state = false;
  // DescribeConnections and DescribeLags list each MACsec key's CKN and Secrets Manager secret,
  // never the CAK (AWS keeps every pair in Secrets Manager).
  bool macsec_cak = false;
  bool macsec_secret_arn = false;
  // CloudFormation makes its own ids up (Ref of a connection is an ARN ending with a made-up
  // dxcon- id): resources are found, and references compared, by name.
  bool ids_made_up = false;
  // CloudFormation has no type for a MACsec key association (AssociateMacSecKey) nor a LAG's
  // encryption mode; AWS picks IPv6 BGP peer addresses (CreateBGPPeer: "omit the Amazon address
  // and customer address"), and a VPN tunnel's outside addresses once the connection exists.
  bool macsec_keys = false;
  bool ipv6_peer_addresses = false;
  bool tunnel_outside_addresses = false;
};

inline const model::Network& direct_connect_reference() {
  static const model::Network n = [] {
    model::Network net;
    Diagnostics d;
    const bool ok = load_network(
        {std::string(CLOUDTWIN_SOURCE_DIR) + "/tests/load/export/networks/direct_connect.yaml"},
        net, d);
    EXPECT_TRUE(ok) << "the reference network does not load";
    return net;
  }();
  return n;
}

namespace dx_detail {

inline std::string id_of(const model::Network& n, const model::Ref& r, model::Kind kind,
                         bool by_name = false) {
  if (!r.resolved()) return "-";
  const auto& res = n.resource({kind, r.index});
  return by_name ? res.name : res.id;
}

inline std::string prefixes(std::vector<Prefix> ps) {
  std::sort(ps.begin(), ps.end());
  std::string s;
  for (const auto& p : ps) s += p.str() + " ";
  return s;
}

inline std::string opt(const std::optional<IpAddress>& a) { return a ? a->str() : "-"; }

inline std::string keys(const std::vector<model::MacsecKey>& ks, const Gaps& g) {
  std::string s;
  for (const auto& k : ks) {
    s += "[" + k.ckn + (g.macsec_cak ? "" : " cak=" + k.cak) +
         (g.macsec_secret_arn && !k.ckn.empty() ? "" : " secret=" + k.secret_arn) + " " + k.state +
         "]";
  }
  return s;
}

inline std::string associations(const model::Network& n, const model::DirectConnectGateway& g,
                                bool by_name = false) {
  std::vector<std::string> out;
  for (const auto& a : g.associations)
    out.push_back(id_of(n, a.gateway, a.gateway_kind, by_name) + ":" +
                  prefixes(a.allowed_prefixes));
  std::sort(out.begin(), out.end());
  std::string s;
  for (const auto& x : out) s += "[" + x + "]";
  return s;
}

}  // namespace dx_detail

// Every Direct Connect connection, LAG, virtual interface, Direct Connect gateway and VPN
// connection of the reference, in `n` with the same fields.
inline void expect_direct_connect_network(const model::Network& n, const std::string& format,
                                          const Gaps& gaps = {}) {
  using namespace dx_detail;
  using model::Kind;
  const model::Network& ref = direct_connect_reference();
  const bool by_name = gaps.ids_made_up;
  // The resource of `n` that stands for the reference's `want`.
  auto find = [&](const model::Resource& want, Kind kind) {
    return n.find(by_name ? want.name : want.id, kind);
  };
  // What a reference names, comparable across the two networks.
  auto named = [&](const model::Network& net, const model::Ref& r, Kind kind) {
    return id_of(net, r, kind, by_name);
  };
  EXPECT_EQ(n.direct_connect_connections.size(), ref.direct_connect_connections.size()) << format;
  EXPECT_EQ(n.direct_connect_lags.size(), ref.direct_connect_lags.size()) << format;
  EXPECT_EQ(n.virtual_interfaces.size(), ref.virtual_interfaces.size()) << format;
  EXPECT_EQ(n.direct_connect_gateways.size(), ref.direct_connect_gateways.size()) << format;
  EXPECT_EQ(n.vpn_connections.size(), ref.vpn_connections.size()) << format;
  for (const auto& want : ref.direct_connect_connections) {
    SCOPED_TRACE(format + " " + want.id);
    auto i = find(want, Kind::kDirectConnectConnection);
    ASSERT_TRUE(i);
    const auto& got = n.direct_connect_connections[*i];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.location, want.location);
    EXPECT_EQ(got.bandwidth, want.bandwidth);
    EXPECT_EQ(got.hosted, want.hosted);
    EXPECT_EQ(got.vlan, want.vlan);
    EXPECT_EQ(named(n, got.lag, Kind::kDirectConnectLag),
              named(ref, want.lag, Kind::kDirectConnectLag));
    EXPECT_EQ(got.macsec_capable, want.macsec_capable);
    EXPECT_EQ(got.encryption_mode, want.encryption_mode);
    if (!gaps.macsec_keys) {
      EXPECT_EQ(keys(got.macsec_keys, gaps), keys(want.macsec_keys, gaps));
    }
    EXPECT_EQ(got.state, want.state);
  }
  for (const auto& want : ref.direct_connect_lags) {
    SCOPED_TRACE(format + " " + want.id);
    auto i = find(want, Kind::kDirectConnectLag);
    ASSERT_TRUE(i);
    const auto& got = n.direct_connect_lags[*i];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.location, want.location);
    EXPECT_EQ(got.bandwidth, want.bandwidth);
    if (!gaps.lag_minimum_links) {
      EXPECT_EQ(got.minimum_links, want.minimum_links);
    }
    auto members = [&](const model::Network& net, const model::DirectConnectLag& lag) {
      std::vector<std::string> m;
      for (const auto& r : lag.connections)
        m.push_back(named(net, r, Kind::kDirectConnectConnection));
      std::sort(m.begin(), m.end());
      m.erase(std::unique(m.begin(), m.end()), m.end());
      return m;
    };
    EXPECT_EQ(members(n, got), members(ref, want));
    EXPECT_EQ(got.macsec_capable, want.macsec_capable);
    if (!gaps.lag_encryption_mode) {
      EXPECT_EQ(got.encryption_mode, want.encryption_mode);
    }
    if (!gaps.macsec_keys) {
      EXPECT_EQ(keys(got.macsec_keys, gaps), keys(want.macsec_keys, gaps));
    }
    EXPECT_EQ(got.state, want.state);
  }
  for (const auto& want : ref.virtual_interfaces) {
    SCOPED_TRACE(format + " " + want.id);
    auto i = find(want, Kind::kVirtualInterface);
    ASSERT_TRUE(i);
    const auto& got = n.virtual_interfaces[*i];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.type, want.type);
    EXPECT_EQ(named(n, got.connection, got.connection_kind),
              named(ref, want.connection, want.connection_kind));
    EXPECT_EQ(got.vlan, want.vlan);
    EXPECT_EQ(got.customer_asn, want.customer_asn);
    EXPECT_EQ(got.amazon_side_asn, want.amazon_side_asn);
    EXPECT_EQ(got.address_family, want.address_family);
    if (!gaps.ipv6_peer_addresses || want.address_family != "ipv6") {
      EXPECT_EQ(opt(got.amazon_address), opt(want.amazon_address));
      EXPECT_EQ(opt(got.customer_address), opt(want.customer_address));
      EXPECT_EQ(got.peer_prefix_length, want.peer_prefix_length);
    }
    EXPECT_EQ(got.auth_key, want.auth_key);
    EXPECT_EQ(got.mtu, want.mtu);
    EXPECT_EQ(named(n, got.vpn_gateway, Kind::kVpnGateway),
              named(ref, want.vpn_gateway, Kind::kVpnGateway));
    EXPECT_EQ(named(n, got.direct_connect_gateway, Kind::kDirectConnectGateway),
              named(ref, want.direct_connect_gateway, Kind::kDirectConnectGateway));
    EXPECT_EQ(prefixes(got.route_filter_prefixes), prefixes(want.route_filter_prefixes));
    if (!gaps.vif_state) {
      EXPECT_EQ(got.state, want.state);
    }
  }
  for (const auto& want : ref.direct_connect_gateways) {
    SCOPED_TRACE(format + " " + want.id);
    auto i = find(want, Kind::kDirectConnectGateway);
    ASSERT_TRUE(i);
    const auto& got = n.direct_connect_gateways[*i];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.amazon_side_asn, want.amazon_side_asn);
    // A virtual private gateway's association may be written as `vpn_gateways` (what routes and
    // traces read; finalize() makes it an association): the associations compared are the same.
    EXPECT_EQ(associations(n, got, by_name), associations(ref, want, by_name));
  }
  for (const auto& want : ref.vpn_connections) {
    SCOPED_TRACE(format + " " + want.id);
    auto i = find(want, Kind::kVpnConnection);
    ASSERT_TRUE(i);
    const auto& got = n.vpn_connections[*i];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(named(n, got.vpn_gateway, Kind::kVpnGateway),
              named(ref, want.vpn_gateway, Kind::kVpnGateway));
    EXPECT_EQ(named(n, got.customer_gateway, Kind::kCustomerGateway),
              named(ref, want.customer_gateway, Kind::kCustomerGateway));
    ASSERT_EQ(got.tunnels.size(), want.tunnels.size());
    for (std::size_t t = 0; t < want.tunnels.size(); ++t) {
      EXPECT_EQ(got.tunnels[t].inside_cidr, want.tunnels[t].inside_cidr);
      EXPECT_EQ(got.tunnels[t].pre_shared_key, want.tunnels[t].pre_shared_key);
      if (!gaps.tunnel_outside_addresses) {
        EXPECT_EQ(opt(got.tunnels[t].outside_address), opt(want.tunnels[t].outside_address));
      }
    }
  }
}

}  // namespace cloudtwin::load::testing
