// Readers for hybrid connectivity: virtual private gateways, customer gateways, Site-to-Site VPN
// connections and their tunnels, Direct Connect gateways, connections, LAGs and virtual
// interfaces, and the on-premises networks behind them.
#include <algorithm>

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
                          "static_routes_only", "static_routes", "tunnels", "state"});
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
  for (Value& t : f.get("tunnels").items()) {
    Fields tf = t.fields({"inside_cidr", "pre_shared_key", "outside_address"});
    auto& tunnel = vpn.tunnels.emplace_back();
    tunnel.at = tf.at();
    if (!tf.is_mapping()) continue;
    tunnel.inside_cidr = tf.get("inside_cidr").prefix();
    if (auto k = tf.get("pre_shared_key").text()) tunnel.pre_shared_key = *k;
    tunnel.outside_address = tf.get("outside_address").address(Family::kV4);
    tf.check();
  }
}

void read_direct_connect_gateway(Context& cx, Value& item) {
  Fields f = item.fields(
      {"id", "name", "amazon_side_asn", "vpn_gateways", "allowed_prefixes", "associations"});
  auto& dxgw = add_resource(f, cx.network.direct_connect_gateways, "dxgw-");
  if (!f.is_mapping()) return;
  if (f.has("amazon_side_asn")) dxgw.asn_at = f.key_at("amazon_side_asn");
  if (auto asn = read_asn(f.get("amazon_side_asn"))) dxgw.amazon_side_asn = *asn;
  dxgw.vpn_gateways = f.refs("vpn_gateways");
  dxgw.allowed_prefixes = f.prefixes("allowed_prefixes");
  for (Value& a : f.get("associations").items()) {
    Fields af = a.fields({"gateway", "allowed_prefixes"});
    auto& assoc = dxgw.associations.emplace_back();
    assoc.at = af.at();
    if (!af.is_mapping()) continue;
    assoc.gateway = af.require("gateway").ref();
    assoc.allowed_prefixes = af.prefixes("allowed_prefixes");
    af.check();
  }
}

namespace {

// MACsec settings shared by connections and LAGs (direct-connect.md §6).
template <class R>
void read_macsec(Fields& f, R& r) {
  if (auto b = f.get("macsec_capable").boolean()) r.macsec_capable = *b;
  if (f.has("encryption_mode")) r.encryption_at = f.key_at("encryption_mode");
  if (auto m = f.get("encryption_mode").choice({"no_encrypt", "should_encrypt", "must_encrypt"})) {
    r.encryption_mode = *m;
  }
  for (Value& k : f.get("macsec_keys").items()) {
    Fields kf = k.fields({"ckn", "cak", "secret_arn", "state"});
    auto& key = r.macsec_keys.emplace_back();
    key.at = kf.at();
    if (!kf.is_mapping()) continue;
    if (auto x = kf.get("ckn").text()) key.ckn = *x;
    if (auto x = kf.get("cak").text()) key.cak = *x;
    if (auto x = kf.get("secret_arn").text()) key.secret_arn = *x;
    if (auto x = kf.get("state").choice({"associating", "associated", "disassociating", "disassociated"})) {
      key.state = *x;
    }
    if (!kf.has("secret_arn") && (!kf.has("ckn") || !kf.has("cak"))) {
      kf.error("a MACsec key needs `ckn` and `cak`, or `secret_arn`");
    }
    kf.check();
  }
}

// "169.254.255.1/30": an interface address and its link's prefix length.
std::optional<std::pair<IpAddress, int>> read_interface_address(Value v) {
  auto text = v.text();
  if (!text) return std::nullopt;
  const auto parsed = parse_interface_address(*text);
  if (!parsed) {
    v.error("`" + *text + "` is not an address with its prefix length",
            "like 169.254.255.1/30 or 2001:db8::1/125");
    return std::nullopt;
  }
  return std::pair{parsed->address, parsed->length};
}

}  // namespace

void read_direct_connect_connection(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "location", "bandwidth", "hosted", "vlan", "lag",
                          "macsec_capable", "encryption_mode", "macsec_keys", "state"});
  auto& x = add_resource(f, cx.network.direct_connect_connections, "dxcon-");
  if (!f.is_mapping()) return;
  if (auto l = f.require("location").text()) x.location = *l;
  if (f.has("bandwidth")) x.bandwidth_at = f.key_at("bandwidth");
  if (auto b = f.require("bandwidth").text()) x.bandwidth = *b;
  if (auto h = f.get("hosted").boolean()) x.hosted = *h;
  if (auto v = f.get("vlan").integer(1, 4094)) x.vlan = static_cast<std::uint32_t>(*v);
  x.lag = f.get("lag").ref();
  read_macsec(f, x);
  if (auto s = f.get("state").choice({"ordering", "requested", "pending", "available", "down",
                                      "deleting", "deleted", "rejected", "unknown"})) {
    x.state = *s;
  }
}

void read_direct_connect_lag(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "location", "bandwidth", "minimum_links", "connections",
                          "macsec_capable", "encryption_mode", "macsec_keys", "state"});
  auto& lag = add_resource(f, cx.network.direct_connect_lags, "dxlag-");
  if (!f.is_mapping()) return;
  if (auto l = f.require("location").text()) lag.location = *l;
  if (f.has("bandwidth")) lag.bandwidth_at = f.key_at("bandwidth");
  if (auto b = f.require("bandwidth").text()) lag.bandwidth = *b;
  if (auto m = f.get("minimum_links").integer(0, 4)) lag.minimum_links = static_cast<std::uint32_t>(*m);
  lag.connections = f.refs("connections");
  read_macsec(f, lag);
  if (auto s = f.get("state").choice({"requested", "pending", "available", "down", "deleting",
                                      "deleted", "unknown"})) {
    lag.state = *s;
  }
}

void read_virtual_interface(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "type", "connection", "vlan", "customer_asn",
                          "address_family", "amazon_address", "customer_address", "auth_key",
                          "mtu", "vpn_gateway", "direct_connect_gateway", "route_filter_prefixes",
                          "state"});
  auto& v = add_resource(f, cx.network.virtual_interfaces, "dxvif-");
  if (!f.is_mapping()) return;
  if (auto t = f.require("type").choice({"private", "transit", "public"})) {
    v.type = *t == "private"   ? model::VirtualInterfaceType::kPrivate
             : *t == "transit" ? model::VirtualInterfaceType::kTransit
                               : model::VirtualInterfaceType::kPublic;
  }
  v.connection = f.require("connection").ref();
  if (f.has("vlan")) v.vlan_at = f.key_at("vlan");
  if (auto n = f.require("vlan").integer(1, 4094)) v.vlan = static_cast<std::uint32_t>(*n);
  if (f.has("customer_asn")) v.asn_at = f.key_at("customer_asn");
  if (auto asn = read_asn(f.require("customer_asn"))) v.customer_asn = *asn;
  if (auto a = f.get("address_family").choice({"ipv4", "ipv6"})) v.address_family = *a;
  if (f.has("amazon_address")) v.address_at = f.key_at("amazon_address");
  if (auto a = read_interface_address(f.get("amazon_address"))) {
    v.amazon_address = a->first;
    v.peer_prefix_length = a->second;
  }
  if (auto c = read_interface_address(f.get("customer_address"))) {
    v.customer_address = c->first;
    if (v.amazon_address && c->second != v.peer_prefix_length) {
      f.error_at("customer_address", "the peer addresses have different prefix lengths (/" +
                                         std::to_string(v.peer_prefix_length) + " and /" +
                                         std::to_string(c->second) + ")");
    }
    v.peer_prefix_length = c->second;
  }
  if (auto k = f.get("auth_key").text()) v.auth_key = *k;
  if (f.has("mtu")) v.mtu_at = f.key_at("mtu");
  if (auto m = f.get("mtu").integer(68, 9216)) v.mtu = static_cast<std::uint32_t>(*m);
  v.vpn_gateway = f.get("vpn_gateway").ref();
  v.direct_connect_gateway = f.get("direct_connect_gateway").ref();
  v.route_filter_prefixes = f.prefixes("route_filter_prefixes");
  if (auto s = f.get("state").choice({"confirming", "verifying", "pending", "available", "down",
                                      "deleting", "deleted", "rejected", "unknown"})) {
    v.state = *s;
  }
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
