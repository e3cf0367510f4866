// Transit gateways with their route tables, attachments, routes, associations and
// propagations; virtual private and customer gateways, VPN connections with their tunnels and
// routes; Direct Connect gateways and their associations (as cloudformation_resources_transit.cc;
// connections, LAGs and virtual interfaces are in terraform_resources_direct_connect.cc).
#include <algorithm>

#include "terraform_mapper.h"

namespace cloudtwin::load::terraform {

using model::Index;
using model::Kind;
using model::Ref;

namespace {

std::string id_suffix(const std::string& id) {
  auto dash = id.find('-');
  return dash == std::string::npos ? id : id.substr(dash + 1);
}

}  // namespace

void Mapper::transit_gateway(Res& res) {
  auto& t = add(res, net.transit_gateways, Kind::kTransitGateway);
  const Index self = static_cast<Index>(net.transit_gateways.size() - 1);
  if (auto arn = str(res, "arn")) {
    auto parts = segments_of(*arn, ':');
    if (parts.size() >= 5) {
      t.region = std::string(parts[3]);
      t.account = std::string(parts[4]);
    }
  }
  if (net.transit_gateways[self].region.empty()) net.transit_gateways[self].region = plan.region;
  if (auto asn = rd.integer(res.v.get("amazon_side_asn"), "amazon_side_asn", 1, 4294967294)) {
    net.transit_gateways[self].amazon_side_asn = static_cast<std::uint32_t>(*asn);
  }
  auto& x = net.transit_gateways[self];
  if (auto s = str(res, "default_route_table_association"))
    x.default_route_table_association = *s == "enable";
  if (auto s = str(res, "default_route_table_propagation"))
    x.default_route_table_propagation = *s == "enable";
  if (auto s = str(res, "association_default_route_table_id"))
    x.association_default_route_table = {std::string(*s),
                                         at(res.v.get("association_default_route_table_id"))};
  if (auto s = str(res, "propagation_default_route_table_id"))
    x.propagation_default_route_table = {std::string(*s),
                                         at(res.v.get("propagation_default_route_table_id"))};
}

void Mapper::tgw_route_table(Res& res) {
  auto& t = add(res, net.transit_gateway_route_tables, Kind::kTransitGatewayRouteTable);
  t.transit_gateway = ref(res, "transit_gateway_id", {"aws_ec2_transit_gateway"});
}

void Mapper::tgw_attachment(Res& res, model::AttachmentType type) {
  auto& a = add(res, net.transit_gateway_attachments, Kind::kTransitGatewayAttachment);
  const Index self = static_cast<Index>(net.transit_gateway_attachments.size() - 1);
  a.type = type;
  Ref tgw = ref(res, "transit_gateway_id", {"aws_ec2_transit_gateway"});
  Ref vpc, peer;
  std::vector<Ref> subnets;
  if (type == model::AttachmentType::kVpc) {
    vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
    subnets = refs(res, "subnet_ids", {"aws_subnet"}, true);
  }
  auto appliance = str(res, "appliance_mode_support");
  auto& x = net.transit_gateway_attachments[self];
  x.transit_gateway = tgw;
  x.vpc = vpc;
  x.subnets = std::move(subnets);
  if (appliance) x.appliance_mode_support = *appliance == "enable";
}

void Mapper::tgw_association(Res& res, bool propagation) {
  rd.set_resource(res.address);
  Ref att =
      ref(res, "transit_gateway_attachment_id",
          {"aws_ec2_transit_gateway_vpc_attachment", "aws_ec2_transit_gateway_peering_attachment"});
  Ref table = ref(res, "transit_gateway_route_table_id", {"aws_ec2_transit_gateway_route_table"});
  if (att.empty() || table.empty()) return;
  pending.push_back([this, att, table, propagation, address = res.address] {
    auto i = find(Kind::kTransitGatewayAttachment, att, address);
    if (!i) return;
    auto& a = net.transit_gateway_attachments[*i];
    if (!propagation) {
      a.association = table;
    } else if (std::none_of(a.propagations.begin(), a.propagations.end(),
                            [&](const Ref& r) { return r.text == table.text; })) {
      a.propagations.push_back(table);
    }
  });
}

void Mapper::tgw_route(Res& res) {
  rd.set_resource(res.address);
  Ref table = ref(res, "transit_gateway_route_table_id", {"aws_ec2_transit_gateway_route_table"});
  model::TransitGatewayRoute r;
  r.at = res.at;
  auto dest = rd.prefix(res.v.get("destination_cidr_block"), "destination_cidr_block");
  if (!dest) {
    if (!plan.is_plan)
      rd.error(res.offset, res.address, "a transit gateway route needs `destination_cidr_block`");
    return;
  }
  r.destination = *dest;
  if (auto b = rd.boolean(res.v.get("blackhole"), "blackhole")) r.blackhole = *b;
  if (!r.blackhole)
    r.attachment = ref(
        res, "transit_gateway_attachment_id",
        {"aws_ec2_transit_gateway_vpc_attachment", "aws_ec2_transit_gateway_peering_attachment"});
  if (table.empty()) return;
  pending.push_back([this, table, r, address = res.address] {
    auto i = find(Kind::kTransitGatewayRouteTable, table, address);
    if (!i) return;
    auto& routes = net.transit_gateway_route_tables[*i].routes;
    if (std::none_of(routes.begin(), routes.end(),
                     [&](const auto& x) { return x.destination == r.destination; })) {
      routes.push_back(r);
    }
  });
}

void Mapper::vpn_gateway(Res& res) {
  auto& g = add(res, net.vpn_gateways, Kind::kVpnGateway);
  const Index self = static_cast<Index>(net.vpn_gateways.size() - 1);
  Ref vpc = ref(res, "vpc_id", {"aws_vpc", "aws_default_vpc"});
  auto asn = rd.integer(res.v.get("amazon_side_asn"), "amazon_side_asn", 1, 4294967294);
  net.vpn_gateways[self].vpc = vpc;
  if (asn) net.vpn_gateways[self].amazon_side_asn = static_cast<std::uint32_t>(*asn);
  (void)g;
}

void Mapper::vgw_route_propagation(Res& res) {
  rd.set_resource(res.address);
  Ref vgw = ref(res, "vpn_gateway_id", {"aws_vpn_gateway"});
  Ref table = ref(res, "route_table_id", {"aws_route_table", "aws_default_route_table"});
  if (vgw.empty() || table.empty()) return;
  pending.push_back([this, vgw, table, address = res.address] {
    auto i = find(Kind::kRouteTable, table, address);
    if (!i) return;
    auto& list = net.route_tables[*i].propagating_vgws;
    if (std::none_of(list.begin(), list.end(), [&](const Ref& r) { return r.text == vgw.text; }))
      list.push_back(vgw);
  });
}

void Mapper::customer_gateway(Res& res) {
  auto& g = add(res, net.customer_gateways, Kind::kCustomerGateway);
  const Index self = static_cast<Index>(net.customer_gateways.size() - 1);
  auto ip = rd.address(res.v.get("ip_address"), "ip_address", Family::kV4);
  auto asn = rd.integer(res.v.get("bgp_asn"), "bgp_asn", 1, 4294967294);
  net.customer_gateways[self].ip_address = ip;
  if (asn) net.customer_gateways[self].bgp_asn = static_cast<std::uint32_t>(*asn);
  (void)g;
}

void Mapper::vpn_connection(Res& res) {
  auto& c = add(res, net.vpn_connections, Kind::kVpnConnection);
  const Index self = static_cast<Index>(net.vpn_connections.size() - 1);
  const std::string id = c.id;
  Ref vgw = ref(res, "vpn_gateway_id", {"aws_vpn_gateway"});
  Ref tgw = ref(res, "transit_gateway_id", {"aws_ec2_transit_gateway"});
  Ref cgw = ref(res, "customer_gateway_id", {"aws_customer_gateway"});
  auto static_only = rd.boolean(res.v.get("static_routes_only"), "static_routes_only");
  std::vector<Prefix> routes;
  for (const auto& r : res.v.get("routes").items()) {
    if (auto p = rd.prefix(r.get("destination_cidr_block"), "destination_cidr_block"))
      routes.push_back(*p);
  }
  auto& x = net.vpn_connections[self];
  x.vpn_gateway = vgw;
  x.transit_gateway = tgw;
  x.customer_gateway = cgw;
  if (static_only) x.static_routes_only = *static_only;
  x.static_routes = std::move(routes);
  vpn_tunnels(res, x);
  // On a transit gateway the connection's attachment has an id routes and associations use.
  if (auto att = str(res, "transit_gateway_attachment_id"); att && !tgw.empty()) {
    model::TransitGatewayAttachment a;
    a.id = *att;
    a.at = res.at;
    a.type = model::AttachmentType::kVpn;
    a.transit_gateway = tgw;
    a.vpn_connection = {id, res.at};
    net.transit_gateway_attachments.push_back(std::move(a));
  }
}

// The two tunnels' inside CIDRs, pre-shared keys and AWS's outside addresses (the provider's
// tunnel1_* and tunnel2_* attributes; the state holds what AWS chose when not configured).
void Mapper::vpn_tunnels(Res& res, model::VpnConnection& vpn) {
  for (const std::string n : {"1", "2"}) {
    const std::string t = "tunnel" + n + "_";
    const Value v4 = res.v.get(t + "inside_cidr"), v6 = res.v.get(t + "inside_ipv6_cidr");
    const Value key = res.v.get(t + "preshared_key"), outside = res.v.get(t + "address");
    if (v4.absent() && v6.absent() && key.absent() && outside.absent()) continue;
    model::VpnTunnel tunnel;
    tunnel.at = !v4.absent()   ? at(v4)
                : !v6.absent() ? at(v6)
                               : at_or(key.absent() ? outside : key, res);
    if (!v4.absent()) {
      tunnel.inside_cidr = rd.prefix(v4, t + "inside_cidr", Family::kV4);
    } else if (!v6.absent()) {
      tunnel.inside_cidr = rd.prefix(v6, t + "inside_ipv6_cidr", Family::kV6);
    }
    if (auto k = rd.str(key, t + "preshared_key")) tunnel.pre_shared_key = *k;
    tunnel.outside_address = rd.address(outside, t + "address", Family::kV4);
    vpn.tunnels.push_back(std::move(tunnel));
  }
}

void Mapper::vpn_connection_route(Res& res) {
  rd.set_resource(res.address);
  Ref vpn = ref(res, "vpn_connection_id", {"aws_vpn_connection"});
  auto p = rd.prefix(res.v.get("destination_cidr_block"), "destination_cidr_block");
  if (vpn.empty() || !p) return;
  pending.push_back([this, vpn, p, address = res.address] {
    if (auto i = find(Kind::kVpnConnection, vpn, address)) {
      auto& r = net.vpn_connections[*i].static_routes;
      if (std::find(r.begin(), r.end(), *p) == r.end()) r.push_back(*p);
    }
  });
}

void Mapper::dx_gateway(Res& res) {
  auto& g = add(res, net.direct_connect_gateways, Kind::kDirectConnectGateway);
  const Index self = static_cast<Index>(net.direct_connect_gateways.size() - 1);
  // The provider has no tags for a Direct Connect gateway: its `name` is its name.
  if (auto n = str(res, "name"); n && !n->empty()) net.direct_connect_gateways[self].name = *n;
  auto asn = rd.integer(res.v.get("amazon_side_asn"), "amazon_side_asn", 1, 4294967294);
  if (asn) net.direct_connect_gateways[self].amazon_side_asn = static_cast<std::uint32_t>(*asn);
  (void)g;
}

void Mapper::dx_gateway_association(Res& res) {
  rd.set_resource(res.address);
  Ref dx = ref(res, "dx_gateway_id", {"aws_dx_gateway"});
  Ref gw = ref(res, "associated_gateway_id", {"aws_vpn_gateway", "aws_ec2_transit_gateway"});
  if (gw.empty()) gw = ref(res, "vpn_gateway_id", {"aws_vpn_gateway"});
  std::vector<Prefix> allowed;
  for (const auto& p : res.v.get("allowed_prefixes").items()) {
    if (auto x = rd.prefix(p, "allowed_prefixes")) allowed.push_back(*x);
  }
  if (dx.empty() || gw.empty()) return;
  auto type = str(res, "associated_gateway_type");
  const bool tgw = (type && *type == "transitGateway") || gw.text.starts_with("tgw-") ||
                   gw.text.find("aws_ec2_transit_gateway.") != std::string::npos;
  if (tgw) {
    // The association, with the prefixes it advertises on the transit VIFs (§2.6), and the
    // attachment of type direct-connect-gateway it makes on the TGW (what routes and traces use).
    pending.push_back([this, dx, gw, allowed, at = res.at, address = res.address] {
      auto i = find(Kind::kDirectConnectGateway, dx, address);
      if (!i) return;
      net.direct_connect_gateways[*i].associations.push_back({gw, allowed, at});
    });
    model::TransitGatewayAttachment a;
    a.id = "tgw-attach-" + id_suffix(dx.text) + "-" + id_suffix(gw.text);
    a.at = res.at;
    a.type = model::AttachmentType::kDirectConnectGateway;
    a.transit_gateway = gw;
    a.direct_connect_gateway = dx;
    aliases.push_back({res.address, Kind::kTransitGatewayAttachment, a.id, res.at});
    net.transit_gateway_attachments.push_back(std::move(a));
    return;
  }
  pending.push_back([this, dx, gw, allowed, address = res.address] {
    auto i = find(Kind::kDirectConnectGateway, dx, address);
    if (!i) return;
    auto& g = net.direct_connect_gateways[*i];
    g.vpn_gateways.push_back(gw);
    g.allowed_prefixes.insert(g.allowed_prefixes.end(), allowed.begin(), allowed.end());
  });
}

std::span<const Handler> transit_types() {
  using Res = Mapper::Res;
  static constexpr Handler kTypes[] = {
      {"aws_ec2_transit_gateway", [](Mapper& m, Res& r) { m.transit_gateway(r); }},
      {"aws_ec2_transit_gateway_route_table", [](Mapper& m, Res& r) { m.tgw_route_table(r); }},
      {"aws_ec2_transit_gateway_vpc_attachment",
       [](Mapper& m, Res& r) { m.tgw_attachment(r, model::AttachmentType::kVpc); }},
      {"aws_ec2_transit_gateway_peering_attachment",
       [](Mapper& m, Res& r) { m.tgw_attachment(r, model::AttachmentType::kPeering); }},
      {"aws_ec2_transit_gateway_route_table_association",
       [](Mapper& m, Res& r) { m.tgw_association(r, false); }},
      {"aws_ec2_transit_gateway_route_table_propagation",
       [](Mapper& m, Res& r) { m.tgw_association(r, true); }},
      {"aws_ec2_transit_gateway_route", [](Mapper& m, Res& r) { m.tgw_route(r); }},
      {"aws_vpn_gateway", [](Mapper& m, Res& r) { m.vpn_gateway(r); }},
      {"aws_vpn_gateway_attachment",
       [](Mapper& m, Res& r) {
         m.gateway_attachment(r, Kind::kVpnGateway, "vpn_gateway_id", {"aws_vpn_gateway"});
       }},
      {"aws_vpn_gateway_route_propagation", [](Mapper& m, Res& r) { m.vgw_route_propagation(r); }},
      {"aws_customer_gateway", [](Mapper& m, Res& r) { m.customer_gateway(r); }},
      {"aws_vpn_connection", [](Mapper& m, Res& r) { m.vpn_connection(r); }},
      {"aws_vpn_connection_route", [](Mapper& m, Res& r) { m.vpn_connection_route(r); }},
      {"aws_dx_gateway", [](Mapper& m, Res& r) { m.dx_gateway(r); }},
      {"aws_dx_gateway_association", [](Mapper& m, Res& r) { m.dx_gateway_association(r); }},
  };
  return kTypes;
}

}  // namespace cloudtwin::load::terraform
