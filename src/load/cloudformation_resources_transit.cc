// Transit gateways (route tables, attachments, routes, associations, propagations) and hybrid
// connectivity (virtual private gateways, customer gateways, VPN connections and their routes).
#include "cloudformation_mapper.h"

namespace cloudtwin::load::cfn {
namespace {

using model::Kind;

constexpr auto kReq = Need::kRequired;

std::optional<bool> enable_flag(Props& p, std::string_view key) {
  auto s = p.text(key);
  if (!s) return std::nullopt;
  return *s == "enable";
}

}  // namespace

bool Mapper::transit_gateway(const ResourceDecl& r) {
  Props p(*this, r);
  auto asn = p.integer("AmazonSideAsn", 1, 4294967294);
  auto association = enable_flag(p, "DefaultRouteTableAssociation");
  auto propagation = enable_flag(p, "DefaultRouteTablePropagation");
  if (p.failed()) return p.skip();
  auto& tgw = add(r, n_.transit_gateways, Kind::kTransitGateway);
  tgw.account = s_.account();
  tgw.region = s_.region();
  if (asn) tgw.amazon_side_asn = static_cast<std::uint32_t>(*asn);
  if (association) tgw.default_route_table_association = *association;
  if (propagation) tgw.default_route_table_propagation = *propagation;
  return true;
}

bool Mapper::transit_gateway_route_table(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref tgw = p.ref("TransitGatewayId", {Kind::kTransitGateway}, kReq);
  if (p.failed()) return p.skip();
  add(r, n_.transit_gateway_route_tables, Kind::kTransitGatewayRouteTable).transit_gateway = tgw;
  return true;
}

bool Mapper::transit_gateway_attachment(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref tgw = p.ref("TransitGatewayId", {Kind::kTransitGateway}, kReq);
  model::Ref vpc = p.ref("VpcId", {Kind::kVpc}, kReq);
  Value subnet_ids = p.get("SubnetIds");
  std::vector<model::Ref> subnets;
  if (subnet_ids.is_unknown()) {
    p.unusable("SubnetIds", subnet_ids.text, kReq, subnet_ids.at);
  } else {
    for (const auto& item : subnet_ids.items) {
      model::Ref s = p.ref_value(item, "SubnetIds", {Kind::kSubnet}, kReq);
      if (!s.empty()) subnets.push_back(std::move(s));
    }
  }
  Value options = p.get("Options");
  if (p.failed()) return p.skip();
  auto& a = add(r, n_.transit_gateway_attachments, Kind::kTransitGatewayAttachment);
  a.transit_gateway = tgw;
  a.type = model::AttachmentType::kVpc;
  a.vpc = vpc;
  a.subnets = std::move(subnets);
  if (const Value* appliance = options.get("ApplianceModeSupport")) {
    a.appliance_mode_support = appliance->is_string() && appliance->text == "enable";
  }
  return true;
}

bool Mapper::transit_gateway_route(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref table = p.ref("TransitGatewayRouteTableId", {Kind::kTransitGatewayRouteTable}, kReq);
  auto destination = p.prefix("DestinationCidrBlock", std::nullopt, kReq);
  auto blackhole = p.boolean("Blackhole");
  model::Ref attachment;
  if (!blackhole.value_or(false)) {
    attachment = p.ref("TransitGatewayAttachmentId", {Kind::kTransitGatewayAttachment}, kReq);
  }
  if (p.failed()) return p.skip();
  model::TransitGatewayRoute route;
  route.destination = *destination;
  route.attachment = attachment;
  route.blackhole = blackhole.value_or(false);
  route.at = s_.at(*r.key);
  if (auto* t = target(n_.transit_gateway_route_tables, Kind::kTransitGatewayRouteTable, table, r))
    t->routes.push_back(std::move(route));
  return true;
}

bool Mapper::transit_gateway_association(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref table = p.ref("TransitGatewayRouteTableId", {Kind::kTransitGatewayRouteTable}, kReq);
  model::Ref attachment =
      p.ref("TransitGatewayAttachmentId", {Kind::kTransitGatewayAttachment}, kReq);
  if (p.failed()) return p.skip();
  if (auto* t =
          target(n_.transit_gateway_attachments, Kind::kTransitGatewayAttachment, attachment, r))
    t->association = table;
  return true;
}

bool Mapper::transit_gateway_propagation(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref table = p.ref("TransitGatewayRouteTableId", {Kind::kTransitGatewayRouteTable}, kReq);
  model::Ref attachment =
      p.ref("TransitGatewayAttachmentId", {Kind::kTransitGatewayAttachment}, kReq);
  if (p.failed()) return p.skip();
  if (auto* t =
          target(n_.transit_gateway_attachments, Kind::kTransitGatewayAttachment, attachment, r))
    t->propagations.push_back(table);
  return true;
}

bool Mapper::vpn_gateway(const ResourceDecl& r) {
  Props p(*this, r);
  auto asn = p.integer("AmazonSideAsn", 1, 4294967294);
  auto& vgw = add(r, n_.vpn_gateways, Kind::kVpnGateway);
  if (asn) vgw.amazon_side_asn = static_cast<std::uint32_t>(*asn);
  return true;
}

bool Mapper::vpn_gateway_route_propagation(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref vgw = p.ref("VpnGatewayId", {Kind::kVpnGateway}, kReq);
  auto tables = p.refs("RouteTableIds", {Kind::kRouteTable});
  if (p.failed()) return p.skip();
  for (const auto& table : tables) {
    if (auto* t = target(n_.route_tables, Kind::kRouteTable, table, r)) {
      t->propagating_vgws.push_back(vgw);
    }
  }
  return true;
}

bool Mapper::customer_gateway(const ResourceDecl& r) {
  Props p(*this, r);
  auto ip = p.address("IpAddress", Family::kV4, p.has("IpAddress") ? kReq : Need::kOptional);
  auto asn = p.integer("BgpAsn", 1, 4294967294);
  if (p.failed()) return p.skip();
  auto& cgw = add(r, n_.customer_gateways, Kind::kCustomerGateway);
  cgw.ip_address = ip;
  if (asn) cgw.bgp_asn = static_cast<std::uint32_t>(*asn);
  return true;
}

bool Mapper::vpn_connection(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref cgw = p.ref("CustomerGatewayId", {Kind::kCustomerGateway}, kReq);
  model::Ref vgw, tgw;
  if (p.has("TransitGatewayId")) {
    tgw = p.ref("TransitGatewayId", {Kind::kTransitGateway}, kReq);
  } else {
    vgw = p.ref("VpnGatewayId", {Kind::kVpnGateway}, kReq);
  }
  auto static_only = p.boolean("StaticRoutesOnly");
  Value tunnels = p.get("VpnTunnelOptionsSpecifications");
  if (p.failed()) return p.skip();
  auto& vpn = add(r, n_.vpn_connections, Kind::kVpnConnection);
  vpn.customer_gateway = cgw;
  vpn.vpn_gateway = vgw;
  vpn.transit_gateway = tgw;
  vpn.static_routes_only = static_only.value_or(false);
  // The tunnels' inside CIDRs and pre-shared keys, as configured (AWS picks what is left out).
  for (const auto& t : tunnels.items) {
    Props tp(*this, r, &t);
    model::VpnTunnel tunnel;
    tunnel.at = t.at;
    if (tp.has("TunnelInsideCidr")) {
      tunnel.inside_cidr = tp.prefix("TunnelInsideCidr", Family::kV4);
    } else if (tp.has("TunnelInsideIpv6Cidr")) {
      tunnel.inside_cidr = tp.prefix("TunnelInsideIpv6Cidr", Family::kV6);
    }
    if (auto k = tp.text("PreSharedKey")) tunnel.pre_shared_key = *k;
    vpn.tunnels.push_back(std::move(tunnel));
  }
  return true;
}

bool Mapper::vpn_connection_route(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref vpn = p.ref("VpnConnectionId", {Kind::kVpnConnection}, kReq);
  auto destination = p.prefix("DestinationCidrBlock", Family::kV4, kReq);
  if (p.failed()) return p.skip();
  if (auto* t = target(n_.vpn_connections, Kind::kVpnConnection, vpn, r))
    t->static_routes.push_back(*destination);
  return true;
}

}  // namespace cloudtwin::load::cfn
