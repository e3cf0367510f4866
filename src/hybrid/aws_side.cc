// AWS's side of the network's BGP sessions (aws_side.h).
#include "cloudtwin/hybrid/aws_side.h"

#include <algorithm>
#include <map>

namespace cloudtwin::hybrid {

namespace {

using model::Kind;
using model::kNone;

void add_unique(std::vector<Prefix>& out, const Prefix& p) {
  if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
}

// A VPC's CIDRs of one family.
std::vector<Prefix> vpc_cidrs(const model::Network& n, model::Index vpc, bool v6) {
  if (vpc == kNone) return {};
  const auto& v = n.vpcs[vpc];
  return v6 ? v.ipv6_cidr_blocks : v.cidr_blocks;
}

// The addresses of a tunnel's inside /30: AWS takes the first usable address, the customer
// gateway the second (the configuration AWS generates for the customer gateway says so).
std::pair<IpAddress, IpAddress> tunnel_addresses(const Prefix& inside) {
  const auto base = inside.address();
  if (base.is_v4()) {
    const auto bits = static_cast<std::uint32_t>(base.bits());
    return {IpAddress::v4(bits + 1), IpAddress::v4(bits + 2)};
  }
  return {IpAddress::v6(base.bits() + 1), IpAddress::v6(base.bits() + 2)};
}

}  // namespace

std::vector<Prefix> advertised_prefixes(const model::Network& n, const model::VirtualInterface& vif,
                                        std::string* because) {
  std::vector<Prefix> out;
  const bool v6 = vif.address_family == "ipv6";
  std::string why;
  switch (vif.type) {
    case model::VirtualInterfaceType::kPublic:
      why = "public virtual interface: AWS's public prefixes (ip-ranges.json)";
      break;
    case model::VirtualInterfaceType::kPrivate:
      if (vif.vpn_gateway.resolved()) {
        const auto& vgw = n.vpn_gateways[vif.vpn_gateway.index];
        for (const auto& p : vpc_cidrs(n, vgw.vpc.index, v6)) add_unique(out, p);
        why = "the CIDRs of " + vgw.id + "'s VPC";
        break;
      }
      [[fallthrough]];
    case model::VirtualInterfaceType::kTransit:
      if (!vif.direct_connect_gateway.resolved()) break;
      {
        const auto& g = n.direct_connect_gateways[vif.direct_connect_gateway.index];
        why = g.id + "'s associations";
        for (const auto& a : g.associations) {
          if (!a.gateway.resolved()) continue;
          if (a.gateway_kind == Kind::kTransitGateway) {
            if (vif.type != model::VirtualInterfaceType::kTransit) continue;
            // §2.6: a transit VIF advertises exactly the allowed prefixes.
            for (const auto& p : a.allowed_prefixes)
              if ((p.family() == Family::kV6) == v6) add_unique(out, p);
          } else if (vif.type == model::VirtualInterfaceType::kPrivate) {
            // §2.6: an allowed prefix equal to or wider than a VPC CIDR lets the CIDR through.
            const auto& vgw = n.vpn_gateways[a.gateway.index];
            for (const auto& cidr : vpc_cidrs(n, vgw.vpc.index, v6)) {
              const bool allowed = a.allowed_prefixes.empty() ||
                                   std::any_of(a.allowed_prefixes.begin(), a.allowed_prefixes.end(),
                                               [&](const Prefix& p) { return p.contains(cidr); });
              if (allowed) add_unique(out, cidr);
            }
          }
        }
      }
      break;
  }
  if (because) *because = why;
  return out;
}

std::vector<AwsSession> aws_sessions(const model::Network& n) {
  std::vector<AwsSession> out;
  for (model::Index i = 0; i < n.virtual_interfaces.size(); ++i) {
    const auto& vif = n.virtual_interfaces[i];
    AwsSession s;
    s.resource = {Kind::kVirtualInterface, i};
    PeerConfig& c = s.config;
    c.name = vif.id;
    c.local_asn = vif.amazon_side_asn;
    c.peer_asn = vif.customer_asn;
    c.md5_key = vif.auth_key;
    const bool v6 = vif.address_family == "ipv6";
    c.ipv4_unicast = !v6;
    c.ipv6_unicast = v6;
    const std::uint32_t limit =
        vif.type == model::VirtualInterfaceType::kPublic ? kPublicVifPrefixLimit : kPrivateVifPrefixLimit;
    (v6 ? c.max_prefixes_ipv6 : c.max_prefixes_ipv4) = limit;
    // An IPv6 session's BGP Identifier cannot be its address: a stable one from the VIF's id
    // (any non-zero 32-bit value does, RFC 6286 §2.1).
    if (v6) {
      std::uint32_t h = 2166136261u;
      for (char ch : vif.id) h = (h ^ static_cast<unsigned char>(ch)) * 16777619u;
      c.bgp_identifier = h | 1u;
    }
    if (vif.amazon_address && vif.customer_address) {
      c.local_address = *vif.amazon_address;
      c.peer_address = *vif.customer_address;
      (v6 ? c.next_hop_ipv6 : c.next_hop_ipv4) = *vif.amazon_address;
    } else {
      s.not_runnable = "no peer addresses (AWS would pick them; give amazon_address and customer_address)";
    }
    if (vif.state == "down" || vif.state == "deleted" || vif.state == "deleting")
      s.not_runnable = "the virtual interface is " + vif.state;
    for (const auto& p : advertised_prefixes(n, vif, &s.advertised_because)) c.routes.push_back({p, {}});
    out.push_back(std::move(s));
  }
  for (model::Index i = 0; i < n.vpn_connections.size(); ++i) {
    const auto& vpn = n.vpn_connections[i];
    if (vpn.static_routes_only) continue;  // no BGP on a static VPN
    std::uint32_t local_asn = 64512;
    std::vector<Prefix> advertise;
    std::string because;
    if (vpn.vpn_gateway.resolved()) {
      const auto& vgw = n.vpn_gateways[vpn.vpn_gateway.index];
      local_asn = vgw.amazon_side_asn;
      advertise = vpc_cidrs(n, vgw.vpc.index, false);
      because = "the CIDRs of " + vgw.id + "'s VPC";
    } else if (vpn.transit_gateway.resolved()) {
      local_asn = n.transit_gateways[vpn.transit_gateway.index].amazon_side_asn;
      // §2.6: the routes of the transit gateway route table the VPN attachment is associated with.
      for (const auto& a : n.transit_gateway_attachments) {
        if (a.vpn_connection.index != i || a.associated_table == kNone) continue;
        for (const auto& r : n.transit_gateway_route_tables[a.associated_table].effective)
          if (!r.blackhole && r.destination.family() == Family::kV4) add_unique(advertise, r.destination);
        because = "the routes of " + n.transit_gateway_route_tables[a.associated_table].id;
      }
    }
    const std::uint32_t peer_asn =
        vpn.customer_gateway.resolved() ? n.customer_gateways[vpn.customer_gateway.index].bgp_asn : 65000;
    for (int t = 0; t < static_cast<int>(vpn.tunnels.size()); ++t) {
      const auto& tunnel = vpn.tunnels[static_cast<std::size_t>(t)];
      AwsSession s;
      s.resource = {Kind::kVpnConnection, i};
      s.tunnel = t;
      PeerConfig& c = s.config;
      c.name = vpn.id + "/tunnel-" + std::to_string(t + 1);
      c.local_asn = local_asn;
      c.peer_asn = peer_asn;
      // §2.4: AWS's generated customer gateway configurations use keepalive 10 s, hold 30 s.
      c.hold_time = 30;
      c.max_prefixes_ipv4 = kVpnPrefixLimit;
      if (tunnel.inside_cidr && tunnel.inside_cidr->family() == Family::kV4) {
        const auto [aws, customer] = tunnel_addresses(*tunnel.inside_cidr);
        c.local_address = aws;
        c.peer_address = customer;
        c.next_hop_ipv4 = aws;
      } else {
        s.not_runnable = "the tunnel has no IPv4 inside CIDR";
      }
      if (vpn.state != "available") s.not_runnable = "the VPN connection is " + vpn.state;
      for (const auto& p : advertise) c.routes.push_back({p, {}});
      s.advertised_because = because;
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::string_view region_continent(std::string_view region) {
  const std::string_view area = region.substr(0, region.find('-'));
  static const std::pair<std::string_view, std::string_view> kAreas[] = {
      {"us", "North America"}, {"ca", "North America"}, {"mx", "North America"},
      {"sa", "South America"}, {"eu", "Europe"},        {"ap", "Asia Pacific"},
      {"cn", "Asia Pacific"},  {"me", "Middle East"},   {"il", "Middle East"},
      {"af", "Africa"},
  };
  for (const auto& [prefix, continent] : kAreas)
    if (area == prefix) return continent;
  return "";
}

std::vector<Route> public_vif_routes(std::span<const AmazonPrefix> prefixes, std::string_view home_region,
                                     bool ipv6) {
  // §2.2: the scope AWS tags: 8100 same Region, 8200 same continent, none for the rest. A prefix
  // listed in several Regions takes the narrowest scope.
  std::map<Prefix, int> scope;  // 0 global, 1 continent, 2 Region
  const std::string_view home_continent = region_continent(home_region);
  for (const auto& p : prefixes) {
    if ((p.prefix.family() == Family::kV6) != ipv6) continue;
    int s = 0;
    if (p.region == home_region) {
      s = 2;
    } else if (!home_continent.empty() && region_continent(p.region) == home_continent) {
      s = 1;
    }
    auto [it, fresh] = scope.emplace(p.prefix, s);
    if (!fresh) it->second = std::max(it->second, s);
  }
  std::vector<Route> out;
  out.reserve(scope.size());
  for (const auto& [prefix, s] : scope) {
    Route r;
    r.prefix = prefix;
    // AWS's backbone ASN twice after the session's 7224: the minimum AS_PATH length of 3.
    r.attributes.as_path = bgp::AsPath{{bgp::SegmentType::kSequence, {16509, 16509}}};
    r.attributes.communities.push_back(bgp::community::kNoExport);
    if (s == 2) r.attributes.communities.push_back(bgp::make_community(7224, 8100));
    if (s == 1) r.attributes.communities.push_back(bgp::make_community(7224, 8200));
    std::sort(r.attributes.communities.begin(), r.attributes.communities.end());
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace cloudtwin::hybrid
