// Readers for hybrid connectivity: virtual private gateways, customer gateways, Site-to-Site VPN
// connections, Direct Connect gateways and the on-premises networks behind them.
#include "native_yaml_readers.h"

namespace cloudtwin::load::yaml {

void read_vpn_gateway(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "vpc", "amazon_side_asn"});
  auto& vgw = add_resource(f, cx.network.vpn_gateways, "vgw-");
  if (!f.is_mapping()) return;
  vgw.vpc = f.get("vpc").ref();  // empty: detached
  if (auto asn = read_asn(f.get("amazon_side_asn"))) vgw.amazon_side_asn = *asn;
}

void read_customer_gateway(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "ip_address", "bgp_asn"});
  auto& cgw = add_resource(f, cx.network.customer_gateways, "cgw-");
  if (!f.is_mapping()) return;
  cgw.ip_address = f.get("ip_address").address(Family::kV4);
  if (auto asn = read_asn(f.get("bgp_asn"))) cgw.bgp_asn = *asn;
}

void read_vpn_connection(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "vpn_gateway", "transit_gateway", "customer_gateway",
                          "static_routes_only", "static_routes", "state"});
  auto& vpn = add_resource(f, cx.network.vpn_connections, "vpn-");
  if (!f.is_mapping()) return;
  if (f.has("vpn_gateway") && f.has("transit_gateway")) {
    f.error_at("transit_gateway",
               "a VPN connection ends on a `vpn_gateway` or a `transit_gateway`, not both");
  } else if (!f.has("vpn_gateway") && !f.has("transit_gateway")) {
    f.error("a VPN connection needs a `vpn_gateway` or a `transit_gateway`");
  }
  vpn.vpn_gateway = f.get("vpn_gateway").ref();
  vpn.transit_gateway = f.get("transit_gateway").ref();
  vpn.customer_gateway = f.require("customer_gateway").ref();
  if (auto b = f.get("static_routes_only").boolean()) vpn.static_routes_only = *b;
  vpn.static_routes = f.prefixes("static_routes");
  if (auto s = f.get("state").choice({"pending", "available", "deleting", "deleted"})) {
    vpn.state = *s;
  }
}

void read_direct_connect_gateway(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "amazon_side_asn", "vpn_gateways", "allowed_prefixes"});
  auto& dxgw = add_resource(f, cx.network.direct_connect_gateways, "dxgw-");
  if (!f.is_mapping()) return;
  if (auto asn = read_asn(f.get("amazon_side_asn"))) dxgw.amazon_side_asn = *asn;
  dxgw.vpn_gateways = f.refs("vpn_gateways");
  dxgw.allowed_prefixes = f.prefixes("allowed_prefixes");
}

void read_on_premises_network(Context& cx, Value& item) {
  Fields f = item.fields(
      {"id", "name", "cidrs", "vpn_connections", "direct_connect_gateways", "ephemeral_ports"});
  auto& net = add_resource(f, cx.network.on_premises_networks, "onprem-");
  if (!f.is_mapping()) return;
  f.require("cidrs");
  net.cidrs = f.prefixes("cidrs");
  net.vpn_connections = f.refs("vpn_connections");
  net.direct_connect_gateways = f.refs("direct_connect_gateways");
  if (auto p = f.get("ephemeral_ports").port_range()) net.ephemeral_ports = *p;
}

}  // namespace cloudtwin::load::yaml
