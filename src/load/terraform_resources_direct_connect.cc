// Direct Connect connections (dedicated and hosted), LAGs and their members, MACsec keys, and
// virtual interfaces (private, transit, public; hosted ones and their accepters) from the AWS
// provider's aws_dx_* types (shared/reference/direct-connect.md). Direct Connect gateways and
// their associations are in terraform_resources_transit.cc. What AWS checks is finalize()'s:
// these functions record what the state or plan says, each value located.
#include <algorithm>

#include "terraform_mapper.h"

namespace cloudtwin::load::terraform {

using model::Index;
using model::Kind;
using model::Ref;

namespace {

// What a virtual interface or a connection's `connection_id` may name.
const std::vector<std::string_view> kConnectionTypes = {"aws_dx_connection", "aws_dx_lag",
                                                        "aws_dx_hosted_connection"};

template <class R>
void set_state(Mapper& m, Mapper::Res& res, R& r) {
  if (auto s = m.str(res, "state"); s && !s->empty()) r.state = *s;
}

}  // namespace

// The provider's Direct Connect resources have `name` (their tags carry no Name).
void Mapper::dx_connection(Res& res, bool hosted) {
  add(res, net.direct_connect_connections, Kind::kDirectConnectConnection);
  auto& x = net.direct_connect_connections.back();
  if (auto n = str(res, "name"); n && !n->empty()) x.name = *n;
  x.hosted = hosted;
  if (auto l = str(res, "location")) x.location = *l;
  if (Value b = res.v.get("bandwidth"); !b.absent()) {
    x.bandwidth_at = at(b);
    if (auto s = rd.str(b, "bandwidth")) x.bandwidth = *s;
  }
  if (hosted) {
    if (auto v = rd.integer(res.v.get("vlan"), "vlan", 1, 4094))
      x.vlan = static_cast<std::uint32_t>(*v);
  }
  // aws_dx_connection_association and a hosted connection's computed lag_id name the LAG.
  if (!hosted) x.lag = ref(res, "lag_id", {"aws_dx_lag"});
  // `request_macsec` asks for a MACsec-capable port; the state's `macsec_capable` says AWS gave
  // one.
  auto requested = rd.boolean(res.v.get("request_macsec"), "request_macsec");
  auto capable = rd.boolean(res.v.get("macsec_capable"), "macsec_capable");
  x.macsec_capable = requested.value_or(false) || capable.value_or(false);
  if (Value m = res.v.get("encryption_mode"); !m.absent()) {
    x.encryption_at = at(m);
    if (auto s = rd.str(m, "encryption_mode")) x.encryption_mode = *s;
  }
  set_state(*this, res, x);
}

void Mapper::dx_lag(Res& res) {
  add(res, net.direct_connect_lags, Kind::kDirectConnectLag);
  auto& lag = net.direct_connect_lags.back();
  if (auto n = str(res, "name"); n && !n->empty()) lag.name = *n;
  if (auto l = str(res, "location")) lag.location = *l;
  if (Value b = res.v.get("connections_bandwidth"); !b.absent()) {
    lag.bandwidth_at = at(b);
    if (auto s = rd.str(b, "connections_bandwidth")) lag.bandwidth = *s;
  }
  // An existing dedicated connection migrated into the LAG when it is created.
  Ref first = ref(res, "connection_id", {"aws_dx_connection"});
  if (!first.empty()) lag.connections.push_back(first);
  if (auto m = rd.integer(res.v.get("minimum_links"), "minimum_links", 0, 4))
    lag.minimum_links = static_cast<std::uint32_t>(*m);
  // Not in every provider version: read when the state has them.
  auto requested = rd.boolean(res.v.get("request_macsec"), "request_macsec");
  auto capable = rd.boolean(res.v.get("macsec_capable"), "macsec_capable");
  lag.macsec_capable = requested.value_or(false) || capable.value_or(false);
  if (Value m = res.v.get("encryption_mode"); !m.absent()) {
    lag.encryption_at = at(m);
    if (auto s = rd.str(m, "encryption_mode")) lag.encryption_mode = *s;
  }
  set_state(*this, res, lag);
}

void Mapper::dx_connection_association(Res& res) {
  rd.set_resource(res.address);
  Ref connection = ref(res, "connection_id", {"aws_dx_connection"});
  Ref lag = ref(res, "lag_id", {"aws_dx_lag"});
  if (connection.empty() || lag.empty()) return;
  pending.push_back([this, connection, lag, address = res.address] {
    auto i = find(Kind::kDirectConnectConnection, connection, address);
    if (!i) return;
    auto& x = net.direct_connect_connections[*i];
    if (x.lag.empty()) x.lag = lag;
  });
}

// §6: a CKN/CAK pair, or the Secrets Manager secret holding one, on a connection or a LAG
// (`connection_id` is either). AssociateMacSecKey needs a MACsec-capable port; the provider's
// aws_dx_lag has no attribute saying so, so a LAG with keys is taken to be capable.
void Mapper::dx_macsec_key_association(Res& res) {
  rd.set_resource(res.address);
  Ref target = ref(res, "connection_id", {"aws_dx_connection", "aws_dx_lag"});
  model::MacsecKey key;
  key.at = res.at;
  if (auto s = str(res, "ckn")) key.ckn = *s;
  if (auto s = str(res, "cak")) key.cak = *s;
  if (auto s = str(res, "secret_arn")) key.secret_arn = *s;
  if (auto s = str(res, "state"); s && !s->empty()) key.state = *s;
  if (key.secret_arn.empty() && (key.ckn.empty() || key.cak.empty()) && !plan.is_plan) {
    rd.error(res.offset, res.address,
             "a MACsec key association needs `ckn` and `cak`, or `secret_arn`");
  }
  if (target.empty()) return;
  pending.push_back([this, target, key, address = res.address] {
    const bool lag =
        target.text.starts_with("dxlag-") || target.text.find("aws_dx_lag.") != std::string::npos;
    auto add_key = [&](auto& r) {
      if (std::none_of(r.macsec_keys.begin(), r.macsec_keys.end(), [&](const model::MacsecKey& k) {
            return !k.ckn.empty() ? k.ckn == key.ckn : k.secret_arn == key.secret_arn;
          })) {
        r.macsec_keys.push_back(key);
      }
    };
    if (lag) {
      if (auto i = find(Kind::kDirectConnectLag, target, address)) {
        auto& l = net.direct_connect_lags[*i];
        l.macsec_capable = true;
        add_key(l);
      }
    } else if (auto i = find(Kind::kDirectConnectConnection, target, address)) {
      add_key(net.direct_connect_connections[*i]);
    }
  });
}

// "169.254.255.1/30": the BGP peer's address and the length of the link's prefix.
std::optional<std::pair<IpAddress, int>> Mapper::interface_address(Res& res,
                                                                   std::string_view attr) {
  Value v = res.v.get(attr);
  auto text = rd.str(v, attr);
  if (!text || text->empty()) return std::nullopt;
  const auto parsed = parse_interface_address(*text);
  if (!parsed) {
    rd.error(v.offset(), rd.resource(),
             "`" + std::string(attr) + "`: `" + std::string(*text) +
                 "` is not an address with its prefix length",
             "like 169.254.255.1/30 or 2001:db8::1/125");
    return std::nullopt;
  }
  return std::pair{parsed->address, parsed->length};
}

// aws_dx_{private,transit,public}_virtual_interface and the hosted_* ones a connection's owner
// makes for another account (`gateway`: false, the accepter names the gateway).
void Mapper::dx_virtual_interface(Res& res, model::VirtualInterfaceType type, bool gateway) {
  using model::VirtualInterfaceType;
  add(res, net.virtual_interfaces, Kind::kVirtualInterface);
  auto& v = net.virtual_interfaces.back();
  if (auto n = str(res, "name"); n && !n->empty()) v.name = *n;
  v.type = type;
  v.connection = ref(res, "connection_id", kConnectionTypes);
  if (Value x = res.v.get("vlan"); !x.absent()) {
    v.vlan_at = at(x);
    if (auto n = rd.integer(x, "vlan", 1, 4094)) v.vlan = static_cast<std::uint32_t>(*n);
  }
  if (Value x = res.v.get("bgp_asn"); !x.absent()) {
    v.asn_at = at(x);
    if (auto n = rd.integer(x, "bgp_asn", 1, 4294967294))
      v.customer_asn = static_cast<std::uint32_t>(*n);
  }
  if (Value f = res.v.get("address_family"); !f.absent()) {
    auto s = rd.str(f, "address_family");
    if (s && (*s == "ipv4" || *s == "ipv6")) {
      v.address_family = *s;
    } else if (s) {
      rd.error(f.offset(), rd.resource(),
               "`address_family`: `" + std::string(*s) + "` is not ipv4 or ipv6");
    }
  }
  if (Value a = res.v.get("amazon_address"); !a.absent()) v.address_at = at(a);
  if (auto a = interface_address(res, "amazon_address")) {
    v.amazon_address = a->first;
    v.peer_prefix_length = a->second;
  }
  if (auto c = interface_address(res, "customer_address")) {
    v.customer_address = c->first;
    if (v.amazon_address && c->second != v.peer_prefix_length) {
      rd.error(res.v.get("customer_address").offset(), rd.resource(),
               "the peer addresses have different prefix lengths (/" +
                   std::to_string(v.peer_prefix_length) + " and /" + std::to_string(c->second) +
                   ")");
    }
    v.peer_prefix_length = c->second;
    if (v.address_at.line == 0) v.address_at = at(res.v.get("customer_address"));
  }
  if (auto k = str(res, "bgp_auth_key")) v.auth_key = *k;
  if (Value m = res.v.get("mtu"); !m.absent()) {
    v.mtu_at = at(m);
    if (auto n = rd.integer(m, "mtu", 68, 9216)) v.mtu = static_cast<std::uint32_t>(*n);
  }
  if (gateway && type != VirtualInterfaceType::kPublic) {
    if (type == VirtualInterfaceType::kPrivate)
      v.vpn_gateway = ref(res, "vpn_gateway_id", {"aws_vpn_gateway"});
    v.direct_connect_gateway = ref(res, "dx_gateway_id", {"aws_dx_gateway"});
  }
  for (const auto& p : res.v.get("route_filter_prefixes").items()) {
    if (auto x = rd.prefix(p, "route_filter_prefixes")) v.route_filter_prefixes.push_back(*x);
  }
  set_state(*this, res, v);
  if (!gateway) hosted_vifs.insert(v.id);
}

// The accepting account's side of a hosted virtual interface: the gateway it attaches to.
void Mapper::dx_hosted_vif_accepter(Res& res, model::VirtualInterfaceType type) {
  rd.set_resource(res.address);
  const std::vector<std::string_view> vif_types = {
      type == model::VirtualInterfaceType::kPrivate   ? "aws_dx_hosted_private_virtual_interface"
      : type == model::VirtualInterfaceType::kTransit ? "aws_dx_hosted_transit_virtual_interface"
                                                      : "aws_dx_hosted_public_virtual_interface"};
  Ref vif = ref(res, "virtual_interface_id", vif_types);
  Ref vgw, dxgw;
  if (type == model::VirtualInterfaceType::kPrivate)
    vgw = ref(res, "vpn_gateway_id", {"aws_vpn_gateway"});
  if (type != model::VirtualInterfaceType::kPublic)
    dxgw = ref(res, "dx_gateway_id", {"aws_dx_gateway"});
  if (vif.empty()) return;
  pending.push_back([this, vif, vgw, dxgw, address = res.address] {
    auto i = find(Kind::kVirtualInterface, vif, address);
    if (!i) return;
    auto& v = net.virtual_interfaces[*i];
    if (!vgw.empty()) v.vpn_gateway = vgw;
    if (!dxgw.empty()) v.direct_connect_gateway = dxgw;
  });
}

std::span<const Handler> direct_connect_types() {
  using Res = Mapper::Res;
  using T = model::VirtualInterfaceType;
  static constexpr Handler kTypes[] = {
      {"aws_dx_connection", [](Mapper& m, Res& r) { m.dx_connection(r, false); }},
      {"aws_dx_hosted_connection", [](Mapper& m, Res& r) { m.dx_connection(r, true); }},
      {"aws_dx_lag", [](Mapper& m, Res& r) { m.dx_lag(r); }},
      {"aws_dx_connection_association", [](Mapper& m, Res& r) { m.dx_connection_association(r); }},
      {"aws_dx_macsec_key_association", [](Mapper& m, Res& r) { m.dx_macsec_key_association(r); }},
      {"aws_dx_private_virtual_interface",
       [](Mapper& m, Res& r) { m.dx_virtual_interface(r, T::kPrivate, true); }},
      {"aws_dx_transit_virtual_interface",
       [](Mapper& m, Res& r) { m.dx_virtual_interface(r, T::kTransit, true); }},
      {"aws_dx_public_virtual_interface",
       [](Mapper& m, Res& r) { m.dx_virtual_interface(r, T::kPublic, true); }},
      {"aws_dx_hosted_private_virtual_interface",
       [](Mapper& m, Res& r) { m.dx_virtual_interface(r, T::kPrivate, false); }},
      {"aws_dx_hosted_transit_virtual_interface",
       [](Mapper& m, Res& r) { m.dx_virtual_interface(r, T::kTransit, false); }},
      {"aws_dx_hosted_public_virtual_interface",
       [](Mapper& m, Res& r) { m.dx_virtual_interface(r, T::kPublic, false); }},
      {"aws_dx_hosted_private_virtual_interface_accepter",
       [](Mapper& m, Res& r) { m.dx_hosted_vif_accepter(r, T::kPrivate); }},
      {"aws_dx_hosted_transit_virtual_interface_accepter",
       [](Mapper& m, Res& r) { m.dx_hosted_vif_accepter(r, T::kTransit); }},
      {"aws_dx_hosted_public_virtual_interface_accepter",
       [](Mapper& m, Res& r) { m.dx_hosted_vif_accepter(r, T::kPublic); }},
  };
  return kTypes;
}

}  // namespace cloudtwin::load::terraform
