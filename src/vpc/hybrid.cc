// Hybrid connectivity (aws-vpc.md §1.12, direct-connect.md §1.2): virtual private gateways,
// Site-to-Site VPN connections and their customer gateways, Direct Connect gateways, and the
// on-premises networks behind them, both ways.
#include <algorithm>
#include <string>
#include <vector>

#include "cloudtwin/model/hybrid_routes.h"
#include "walker.h"

namespace cloudtwin::vpc::detail {

namespace {

bool contains_any(const std::vector<Prefix>& list, IpAddress a) {
  return std::any_of(list.begin(), list.end(), [&](const Prefix& p) { return p.contains(a); });
}

// RA names a VPN that is down BAD_STATE_VPN behind a virtual private gateway and
// TGW_BAD_STATE_VPN behind a transit gateway attachment.
const char* vpn_down_code(bool via_transit_gateway) {
  return via_transit_gateway ? "TGW_BAD_STATE_VPN" : "BAD_STATE_VPN";
}

}  // namespace

void Walker::from_on_premises(Index onprem, Packet h) {
  const auto& net = n_.on_premises_networks[onprem];
  hop("OnPremisesNetwork", net.id, net.name, "", std::nullopt, "sends " + h.str());
  on_premises_egress(onprem, h);
}

void Walker::vpn_gateway_egress(Index vpc, Index g, Packet h, const model::RouteTable& rt) {
  const auto& vgw = n_.vpn_gateways[g];
  if (vgw.vpc.index != vpc) {
    drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "",
         "virtual private gateway " + vgw.id + " is not attached to " + n_.vpcs[vpc].id,
         "attach it to the VPC");
    return;
  }
  bool own_address =
      eni_at(vpc, h, AddressField::kSrc) != kNone || nat_at(vpc, h, AddressField::kSrc) != kNone;
  if (!own_address) {
    drop("VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS", "VPNGateway", vgw.id, "egress",
         "source " + h.src.str() + " is not a private IP of a network interface in " +
             n_.vpcs[vpc].id,
         "");
    return;
  }
  hop("VPNGateway", vgw.id, vgw.name, "egress", std::nullopt, "");
  tested(h, AddressField::kDst, network_prefixes());
  if (n_.learned_routes.given) {
    vpn_gateway_learned_egress(g, h);
    return;
  }
  // direct-connect.md §1.2: the longest prefix the gateway learned, then Direct Connect over
  // VPN static routes over VPN BGP routes. A VPN that is down has withdrawn its routes.
  struct Choice {
    int length = -1;
    int rank = 0;
    Index direct_connect_gateway = kNone;
    Index vpn_connection = kNone;
  };
  Choice best;
  Index down = kNone;
  auto offer = [&](const Prefix& p, Choice c) {
    if (!p.contains(h.dst)) return;
    c.length = p.length();
    if (c.length > best.length || (c.length == best.length && c.rank < best.rank)) best = c;
  };
  for (Index d = 0; d < n_.direct_connect_gateways.size(); ++d) {
    if (!n_.direct_connect_gateways[d].associated_with_vpn_gateway(g)) continue;
    for (const auto& net : n_.on_premises_networks) {
      bool behind =
          std::any_of(net.direct_connect_gateways.begin(), net.direct_connect_gateways.end(),
                      [&](const model::Ref& r) { return r.index == d; });
      if (!behind) continue;
      for (const auto& p : net.cidrs) offer(p, {-1, 0, d, kNone});
    }
  }
  for (Index c = 0; c < n_.vpn_connections.size(); ++c) {
    const auto& vpn = n_.vpn_connections[c];
    if (vpn.vpn_gateway.index != g) continue;
    if (vpn.state != "available") {
      if (on_premises_behind_vpn(c, h.dst) != kNone) down = c;
      continue;
    }
    for (const auto& p : vpn.static_routes) offer(p, {-1, 1, kNone, c});
    if (vpn.static_routes_only) continue;
    for (const auto& net : n_.on_premises_networks) {
      bool behind = std::any_of(net.vpn_connections.begin(), net.vpn_connections.end(),
                                [&](const model::Ref& r) { return r.index == c; });
      // An implied network's CIDRs are not announced over BGP (model::OnPremisesNetwork).
      if (!behind || net.implied) continue;
      for (const auto& p : net.cidrs) offer(p, {-1, 2, kNone, c});
    }
  }
  if (best.direct_connect_gateway != kNone) {
    direct_connect_to_on_premises(best.direct_connect_gateway, h);
  } else if (best.vpn_connection != kNone) {
    vpn_to_on_premises(best.vpn_connection, h, false);
  } else if (down != kNone) {
    vpn_to_on_premises(down, h, false);  // explains BAD_STATE_VPN
  } else {
    drop("NO_ROUTE_TO_DESTINATION", "VPNGateway", vgw.id, "egress",
         "no VPN connection or Direct Connect gateway of " + vgw.id + " leads to " + h.dst.str(),
         "");
  }
}

// direct-connect.md §1.2, §1.4, §2.1 over the routes the gateway learned (model/hybrid_routes.h):
// the trace names the session the packet leaves on and why it won.
void Walker::vpn_gateway_learned_egress(Index g, Packet h) {
  const auto& vgw = n_.vpn_gateways[g];
  auto d = model::select_vpn_gateway_route(n_, g, h.dst);
  if (!d) {
    // A VPN connection that is down has withdrawn its routes (and static routes).
    for (Index c = 0; c < n_.vpn_connections.size(); ++c) {
      const auto& vpn = n_.vpn_connections[c];
      if (vpn.vpn_gateway.index == g && vpn.state != "available" &&
          on_premises_behind_vpn(c, h.dst) != kNone) {
        vpn_to_on_premises(c, h, false);  // explains BAD_STATE_VPN
        return;
      }
    }
    drop("NO_ROUTE_TO_DESTINATION", "VPNGateway", vgw.id, "egress",
         "virtual private gateway " + vgw.id + " has no route to " + h.dst.str() +
             ": no route covering it was learned on its virtual interfaces or VPN tunnels, and no "
             "static VPN route covers it",
         "announce a prefix that covers " + h.dst.str() + " from the customer router");
    return;
  }
  const auto& r = d->route;
  std::string why = r.prefix.str() + " from " + model::hybrid_route_source_name(r.source);
  if (d->candidates > 1) why += "; " + d->why;
  if (r.source == model::HybridRouteSource::kDirectConnect) {
    const auto& vif = n_.virtual_interfaces[r.session.index];
    std::string peer = vif.customer_address ? " (" + vif.customer_address->str() + ")" : "";
    hop("VirtualInterface", vif.id, vif.name, "", std::nullopt,
        "session " + vif.id + peer + ": " + why);
    Index o = kNone;
    if (r.direct_connect_gateway != kNone) {
      const auto& dx = n_.direct_connect_gateways[r.direct_connect_gateway];
      hop("DirectConnectGateway", dx.id, dx.name, "", std::nullopt, "");
      o = on_premises_behind_dx(r.direct_connect_gateway, h.dst);
    } else {
      // No on-premises network names a virtual interface attached to the gateway itself: any
      // that holds the address (docs/hybrid-routing.md).
      for (Index i = 0; i < n_.on_premises_networks.size() && o == kNone; ++i) {
        if (contains_any(n_.on_premises_networks[i].cidrs, h.dst)) o = i;
      }
    }
    if (o == kNone) {
      beyond_customer_router("VirtualInterface", vif.id, "virtual interface " + vif.id, h);
      return;
    }
    arrive_on_premises(o, h);
    return;
  }
  const auto& vpn = n_.vpn_connections[r.session.index];
  std::string note = "static route " + why;
  if (r.tunnel >= 0) {
    std::string peer;
    if (r.learned && r.learned->next_hop) {
      peer = " (" + r.learned->next_hop->str() + ")";
    } else if (static_cast<std::size_t>(r.tunnel) < vpn.tunnels.size() &&
               vpn.tunnels[static_cast<std::size_t>(r.tunnel)].inside_cidr) {
      // The customer gateway's inside address: the second of the tunnel's /30.
      const auto& inside = *vpn.tunnels[static_cast<std::size_t>(r.tunnel)].inside_cidr;
      if (inside.family() == Family::kV4)
        peer = " (" + IpAddress::v4(static_cast<std::uint32_t>(inside.address().bits()) + 2).str() +
               ")";
    }
    note = "tunnel " + std::to_string(r.tunnel + 1) + peer + ": " + why;
  }
  hop("VPNConnection", vpn.id, vpn.name, "", std::nullopt, note);
  if (vpn.customer_gateway.resolved()) {
    const auto& cgw = n_.customer_gateways[vpn.customer_gateway.index];
    hop("CustomerGateway", cgw.id, cgw.name, "", std::nullopt, "");
  }
  Index o = on_premises_behind_vpn(r.session.index, h.dst);
  if (o == kNone) {
    beyond_customer_router("VPNConnection", vpn.id, "VPN connection " + vpn.id, h);
    return;
  }
  arrive_on_premises(o, h);
}

// A learned route leads out of AWS to an address no on-premises network behind the session holds:
// the customer's router announced it, but what is beyond is not in the model, so the verdict is
// inconclusive rather than a guess (docs/hybrid-routing.md).
void Walker::beyond_customer_router(const char* type, const std::string& id,
                                    const std::string& what, const Packet& h) {
  unknown(true, "UNSUPPORTED_COMPONENT", type, id, "",
          "the packet leaves AWS on " + what +
              " to the customer router, which announced a route to " + h.dst.str() +
              ", but no on-premises network behind it holds " + h.dst.str(),
          "describe the network that holds " + h.dst.str() + " in on_premises_networks");
}

Index Walker::on_premises_behind_vpn(Index vpn, IpAddress a) const {
  for (Index o = 0; o < n_.on_premises_networks.size(); ++o) {
    const auto& net = n_.on_premises_networks[o];
    bool via = std::any_of(net.vpn_connections.begin(), net.vpn_connections.end(),
                           [&](const model::Ref& r) { return r.index == vpn; });
    if (via && contains_any(net.cidrs, a)) return o;
  }
  return kNone;
}

Index Walker::on_premises_behind_dx(Index dx, IpAddress a) const {
  for (Index o = 0; o < n_.on_premises_networks.size(); ++o) {
    const auto& net = n_.on_premises_networks[o];
    bool via = std::any_of(net.direct_connect_gateways.begin(), net.direct_connect_gateways.end(),
                           [&](const model::Ref& r) { return r.index == dx; });
    if (via && contains_any(net.cidrs, a)) return o;
  }
  return kNone;
}

void Walker::vpn_to_on_premises(Index c, Packet h, bool via_transit_gateway) {
  const auto& vpn = n_.vpn_connections[c];
  tested(h, AddressField::kDst, network_prefixes());
  if (vpn.state != "available") {
    drop(vpn_down_code(via_transit_gateway), "VPNConnection", vpn.id, "",
         "VPN connection " + vpn.id + " is " + vpn.state, "bring the tunnels up");
    return;
  }
  hop("VPNConnection", vpn.id, vpn.name, "", std::nullopt, "");
  if (vpn.customer_gateway.resolved()) {
    const auto& cgw = n_.customer_gateways[vpn.customer_gateway.index];
    hop("CustomerGateway", cgw.id, cgw.name, "", std::nullopt, "");
  }
  Index o = on_premises_behind_vpn(c, h.dst);
  if (o == kNone) {
    drop("NO_ROUTE_TO_DESTINATION", "VPNConnection", vpn.id, "",
         "no on-premises network behind " + vpn.id + " holds " + h.dst.str(), "");
    return;
  }
  arrive_on_premises(o, h);
}

void Walker::direct_connect_to_on_premises(Index d, Packet h) {
  const auto& dx = n_.direct_connect_gateways[d];
  tested(h, AddressField::kDst, network_prefixes());
  hop("DirectConnectGateway", dx.id, dx.name, "", std::nullopt, "");
  Index o = on_premises_behind_dx(d, h.dst);
  if (o == kNone) {
    drop("NO_ROUTE_TO_DESTINATION", "DirectConnectGateway", dx.id, "",
         "no on-premises network behind " + dx.id + " holds " + h.dst.str(), "");
    return;
  }
  arrive_on_premises(o, h);
}

void Walker::arrive_on_premises(Index o, Packet h) {
  const auto& net = n_.on_premises_networks[o];
  hop("OnPremisesNetwork", net.id, net.name, "", std::nullopt, h.dst.str());
  arrival = Arrival{EndpointKind::kOnPremises, o, h};
}

// On-premises routers send every AWS prefix they learned towards the connection that
// announced it; Direct Connect is preferred over VPN.
void Walker::on_premises_egress(Index o, Packet h) {
  const auto& net = n_.on_premises_networks[o];
  tested(h, AddressField::kDst, network_prefixes());
  std::string tried;
  for (const auto& ref : net.direct_connect_gateways) {
    if (!ref.resolved()) continue;
    const auto& dx = n_.direct_connect_gateways[ref.index];
    for (Index g : dx.associated_vpn_gateways()) {
      const auto& vgw = n_.vpn_gateways[g];
      if (vgw.vpc.resolved() && n_.vpcs[vgw.vpc.index].contains(h.dst)) {
        hop("DirectConnectGateway", dx.id, dx.name, "", std::nullopt, "");
        vpn_gateway_ingress(g, h);
        return;
      }
    }
    for (Index a = 0; a < n_.transit_gateway_attachments.size(); ++a) {
      const auto& att = n_.transit_gateway_attachments[a];
      if (att.type == model::AttachmentType::kDirectConnectGateway &&
          att.direct_connect_gateway.index == ref.index && tgw_routes(att, h.dst)) {
        hop("DirectConnectGateway", dx.id, dx.name, "", std::nullopt, "");
        hop("TransitGatewayAttachment", att.id, att.name, "ingress", std::nullopt, "");
        transit_gateway(a, h, "");
        return;
      }
    }
  }
  const char* down_code = nullptr;
  for (const auto& ref : net.vpn_connections) {
    if (!ref.resolved()) continue;
    const auto& vpn = n_.vpn_connections[ref.index];
    bool leads = false;
    Index via_att = kNone;
    if (vpn.vpn_gateway.resolved()) {
      const auto& vgw = n_.vpn_gateways[vpn.vpn_gateway.index];
      leads = vgw.vpc.resolved() && n_.vpcs[vgw.vpc.index].contains(h.dst);
    } else {
      for (Index a = 0; a < n_.transit_gateway_attachments.size(); ++a) {
        const auto& att = n_.transit_gateway_attachments[a];
        if (att.type == model::AttachmentType::kVpn && att.vpn_connection.index == ref.index &&
            tgw_routes(att, h.dst)) {
          leads = true;
          via_att = a;
        }
      }
    }
    if (!leads) continue;
    if (vpn.state != "available") {
      down_code = vpn_down_code(via_att != kNone);
      tried = vpn.id;
      continue;
    }
    hop("VPNConnection", vpn.id, vpn.name, "", std::nullopt, "");
    if (via_att != kNone) {
      hop("TransitGatewayAttachment", n_.transit_gateway_attachments[via_att].id, "", "ingress",
          std::nullopt, "");
      transit_gateway(via_att, h, "");
    } else {
      vpn_gateway_ingress(vpn.vpn_gateway.index, h);
    }
    return;
  }
  if (down_code) {
    drop(down_code, "VPNConnection", tried, "", "VPN connection " + tried + " is down",
         "bring the tunnels up");
    return;
  }
  drop("NO_ROUTE_TO_DESTINATION", "OnPremisesNetwork", net.id, "",
       "no Direct Connect gateway or VPN connection of " + net.id + " leads to " + h.dst.str(),
       "connect the on-premises network to the VPC that holds " + h.dst.str());
}

void Walker::vpn_gateway_ingress(Index g, Packet h) {
  const auto& vgw = n_.vpn_gateways[g];
  hop("VPNGateway", vgw.id, vgw.name, "ingress", std::nullopt, "");
  Index vpc = vgw.vpc.index;
  Index eni = eni_at(vpc, h, AddressField::kDst);
  bool attached_eni = (eni != kNone && n_.network_interfaces[eni].status != "available") ||
                      (eni == kNone && nat_at(vpc, h, AddressField::kDst) != kNone);
  if (!attached_eni) {
    drop("VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", "VPNGateway", vgw.id, "ingress",
         h.dst.str() + " is not the private IP of an attached network interface in " +
             n_.vpcs[vpc].id,
         "");
    return;
  }
  gateway_ingress(vpc, h, model::Kind::kVpnGateway, g);
}

}  // namespace cloudtwin::vpc::detail
