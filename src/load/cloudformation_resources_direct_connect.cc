// Direct Connect (shared/reference/direct-connect.md): AWS::DirectConnect::Connection, Lag,
// PrivateVirtualInterface, TransitVirtualInterface, PublicVirtualInterface, DirectConnectGateway
// and DirectConnectGatewayAssociation, read into the model as the Terraform reader reads aws_dx_*
// (terraform_resources_direct_connect.cc, terraform_resources_transit.cc). Ref gives these types'
// ARNs; the model keeps the ids they end with (dxcon-…, dxlag-…, dxvif-…, a gateway's UUID), the
// ARN and the logical id as aliases. What AWS checks is finalize()'s: these functions record what
// the template says, each value located, and warn of what the model has no place for.
#include <cstdio>

#include "cloudformation_mapper.h"

namespace cloudtwin::load::cfn {
namespace {

using model::Kind;
using model::VirtualInterfaceType;

constexpr auto kReq = Need::kRequired;
constexpr auto kOpt = Need::kOptional;

// add() under the id the ARN ends with, named as the template names it: Direct Connect
// resources have a name of their own (ConnectionName, LagName, ...) besides their tags.
template <class R>
R& add_direct_connect(Mapper& m, const ResourceDecl& r, std::vector<R>& list, Kind kind,
                      const std::optional<std::string>& name) {
  ResourceDecl by_id = r;
  by_id.physical_id = direct_connect_id(r.physical_id);
  R& out = m.add(by_id, list, kind);
  auto& aliases = m.network().aliases;
  if (name && !name->empty() && *name != out.name) {
    // add() made the logical id an alias only when the name was another.
    if (out.name == r.logical_id) aliases.push_back({r.logical_id, kind, out.id, out.at});
    out.name = *name;
  }
  if (r.physical_id != out.id) aliases.push_back({r.physical_id, kind, out.id, out.at});
  return out;
}

// A property that takes "the ID or ARN" of a resource: an ARN written out names the resource
// whose id it ends with (an input read before this one may know only the id).
model::Ref id_or_arn(Props& p, std::string_view key, std::initializer_list<Kind> kinds, Need need) {
  Value v = p.get(key);
  if (v.resource.empty() && v.is_string() && v.stand_in.empty() && v.text.starts_with("arn:"))
    v.text = direct_connect_id(v.text);
  return p.ref_value(v, key, kinds, need);
}

// RequestMACSec asks for a MACsec-capable port (MACsec.html); the model keeps that it has one.
bool macsec_requested(Props& p) { return p.boolean("RequestMACSec").value_or(false); }

// One item of BgpPeers (AWS::DirectConnect::*VirtualInterface BgpPeer).
struct BgpPeer {
  std::string address_family;
  std::uint32_t asn = 0;
  Location asn_at;
  std::optional<InterfaceAddress> amazon, customer;
  Location address_at;
  std::string auth_key;
};

// "169.254.255.1/30": the BGP peer's address and the length of the link's prefix (§2.5).
std::optional<InterfaceAddress> interface_address(Mapper& m, Props& tp, std::string_view key,
                                                  bool& failed) {
  Value v = tp.get(key);
  auto text = tp.text(key);
  if (!text || text->empty()) return std::nullopt;
  auto parsed = parse_interface_address(*text);
  if (parsed) return parsed;
  if (!v.stand_in.empty()) {
    tp.unusable(key, "parameter `" + v.stand_in + "` has no value", kOpt, v.at);
    return std::nullopt;
  }
  m.stack().error(
      v.at, tp.resource().logical_id,
      "`" + std::string(key) + "`: `" + *text + "` is not an address with its prefix length",
      "like 169.254.255.1/30 or 2001:db8::1/125");
  failed = true;
  return std::nullopt;
}

// nullopt when the peer cannot be used (reported).
std::optional<BgpPeer> read_bgp_peer(Mapper& m, const ResourceDecl& r, const Value& item) {
  Props tp(m, r, &item);
  BgpPeer peer;
  bool failed = false;
  Value family = tp.get("AddressFamily");
  if (auto f = tp.text("AddressFamily", kReq)) {
    if (*f == "ipv4" || *f == "ipv6") {
      peer.address_family = *f;
    } else {
      m.stack().error(family.at, r.logical_id, "`AddressFamily`: `" + *f + "` is not ipv4 or ipv6");
      failed = true;
    }
  }
  peer.asn_at = tp.get("Asn").at;
  // A string "to support long ASNs": 1-4294967294 (§2.4).
  if (auto asn = tp.integer("Asn", 1, 4294967294, kReq))
    peer.asn = static_cast<std::uint32_t>(*asn);
  peer.amazon = interface_address(m, tp, "AmazonAddress", failed);
  peer.customer = interface_address(m, tp, "CustomerAddress", failed);
  peer.address_at = tp.get(tp.has("AmazonAddress") ? "AmazonAddress" : "CustomerAddress").at;
  if (peer.amazon && peer.customer && peer.amazon->length != peer.customer->length) {
    m.stack().error(tp.get("CustomerAddress").at, r.logical_id,
                    "the peer addresses have different prefix lengths (/" +
                        std::to_string(peer.amazon->length) + " and /" +
                        std::to_string(peer.customer->length) + ")");
    failed = true;
  }
  if (auto k = tp.text("AuthKey")) peer.auth_key = *k;
  if (tp.failed()) {
    left_out(m, tp);
    return std::nullopt;
  }
  if (failed) return std::nullopt;
  return peer;
}

}  // namespace

bool Mapper::direct_connect_connection(const ResourceDecl& r) {
  Props p(*this, r);
  auto name = p.text("ConnectionName", kReq);
  auto location = p.text("Location", kReq);
  auto bandwidth = p.text("Bandwidth", kReq);
  // CreateConnection's lagId: the connection is made a member of that LAG.
  model::Ref lag = id_or_arn(p, "LagId", {Kind::kDirectConnectLag}, kOpt);
  const bool macsec = macsec_requested(p);
  if (p.failed()) return p.skip();
  auto& x = add_direct_connect(*this, r, n_.direct_connect_connections,
                               Kind::kDirectConnectConnection, name);
  x.location = *location;
  x.bandwidth = *bandwidth;
  x.bandwidth_at = p.get("Bandwidth").at;
  x.lag = lag;
  x.macsec_capable = macsec;
  return true;
}

bool Mapper::direct_connect_lag(const ResourceDecl& r) {
  Props p(*this, r);
  auto name = p.text("LagName", kReq);
  auto location = p.text("Location", kReq);
  auto bandwidth = p.text("ConnectionsBandwidth", kReq);
  // At most the 4 members a LAG can have (§2.5); finalize() checks it against the members.
  auto minimum_links = p.integer("MinimumLinks", 0, 4);
  const bool macsec = macsec_requested(p);
  if (p.failed()) return p.skip();
  auto& lag = add_direct_connect(*this, r, n_.direct_connect_lags, Kind::kDirectConnectLag, name);
  lag.location = *location;
  lag.bandwidth = *bandwidth;
  lag.bandwidth_at = p.get("ConnectionsBandwidth").at;
  if (minimum_links) lag.minimum_links = static_cast<std::uint32_t>(*minimum_links);
  lag.macsec_capable = macsec;
  return true;
}

bool Mapper::private_virtual_interface(const ResourceDecl& r) {
  return virtual_interface(r, VirtualInterfaceType::kPrivate);
}
bool Mapper::transit_virtual_interface(const ResourceDecl& r) {
  return virtual_interface(r, VirtualInterfaceType::kTransit);
}
bool Mapper::public_virtual_interface(const ResourceDecl& r) {
  return virtual_interface(r, VirtualInterfaceType::kPublic);
}

bool Mapper::virtual_interface(const ResourceDecl& r, VirtualInterfaceType type) {
  Props p(*this, r);
  auto name = p.text("VirtualInterfaceName", kReq);
  model::Ref connection =
      id_or_arn(p, "ConnectionId", {Kind::kDirectConnectConnection, Kind::kDirectConnectLag}, kReq);
  // 802.1Q VLAN ids are 1-4094 (§2.5); the property's schema allows 0-4095.
  auto vlan = p.integer("Vlan", 1, 4094, kReq);
  model::Ref vgw, dxgw;
  if (type == VirtualInterfaceType::kPrivate)
    vgw = id_or_arn(p, "VirtualGatewayId", {Kind::kVpnGateway}, kOpt);
  if (type != VirtualInterfaceType::kPublic) {
    dxgw = id_or_arn(p, "DirectConnectGatewayId", {Kind::kDirectConnectGateway},
                     type == VirtualInterfaceType::kTransit ? kReq : kOpt);
  }
  std::optional<std::int64_t> mtu;
  if (type != VirtualInterfaceType::kPublic) mtu = p.integer("Mtu", 68, 9216);
  std::vector<Prefix> filters;
  if (type == VirtualInterfaceType::kPublic) {
    Value list = p.get("RouteFilterPrefixes");
    if (list.is_unknown()) {
      p.unusable("RouteFilterPrefixes", list.text, kOpt, list.at);
    } else if (!list.is_null() && !list.is_list()) {
      s_.error(list.at, r.logical_id, "`RouteFilterPrefixes` must be a list");
    }
    for (const auto& item : list.items) {
      auto prefix = item.is_string() ? Prefix::parse(item.text) : std::nullopt;
      if (prefix) {
        filters.push_back(*prefix);
      } else if (item.is_unknown() || !item.stand_in.empty()) {
        p.unusable("RouteFilterPrefixes",
                   item.is_unknown() ? item.text : "parameter `" + item.stand_in + "` has no value",
                   kOpt, item.at);
      } else {
        s_.error(item.at, r.logical_id,
                 "`RouteFilterPrefixes`: `" + item.text + "` is not a CIDR block");
      }
    }
  }
  // SiteLink sends traffic between Direct Connect locations over the gateway; the model has no
  // path for it.
  if (p.boolean("EnableSiteLink").value_or(false)) {
    s_.gap(Gap::kLeftOut, r.type, p.get("EnableSiteLink").at, r.logical_id,
           "`EnableSiteLink` of " + r.logical_id +
               " is not modelled: traffic between Direct Connect locations over SiteLink is not "
               "traced");
  }
  // BgpPeers: one or two peers, one per address family (§2.5).
  Value peers = p.get("BgpPeers");
  std::optional<BgpPeer> peer;
  bool peers_failed = false;
  if (peers.is_unknown()) {
    p.unusable("BgpPeers", peers.text, kReq, peers.at);
  } else if (!peers.is_list() || peers.items.empty()) {
    s_.error(peers.at, r.logical_id, r.type + " needs `BgpPeers`, a list of one or two BGP peers",
             "- {AddressFamily: ipv4, Asn: '65000'}");
    peers_failed = true;
  } else {
    for (std::size_t i = 0; i < peers.items.size(); ++i) {
      const Value& item = peers.items[i];
      if (i == 2) {
        s_.error(item.at, r.logical_id,
                 "a virtual interface has at most two BGP peers, one per address family; " +
                     std::to_string(peers.items.size()) + " given");
        peers_failed = true;
        break;
      }
      auto read = read_bgp_peer(*this, r, item);
      if (!read) {
        peers_failed = true;
        continue;
      }
      if (i == 0) {
        peer = std::move(read);
      } else {
        s_.gap(Gap::kLeftOut, r.type, item.at, r.logical_id,
               "`BgpPeers[1]` (" + read->address_family + ") of " + r.logical_id +
                   " is not modelled: a virtual interface has one BGP peer here, the first (" +
                   (peer ? peer->address_family : std::string("?")) + ")",
               "describe the other address family's session as its own virtual interface");
      }
    }
  }
  if (p.failed() || peers_failed) return p.skip();
  auto& v = add_direct_connect(*this, r, n_.virtual_interfaces, Kind::kVirtualInterface, name);
  v.type = type;
  v.connection = connection;
  v.vlan = static_cast<std::uint32_t>(*vlan);
  v.vlan_at = p.get("Vlan").at;
  if (mtu) {
    v.mtu = static_cast<std::uint32_t>(*mtu);
    v.mtu_at = p.get("Mtu").at;
  }
  v.vpn_gateway = vgw;
  v.direct_connect_gateway = dxgw;
  v.route_filter_prefixes = std::move(filters);
  if (peer) {
    v.address_family = peer->address_family;
    v.customer_asn = peer->asn;
    v.asn_at = peer->asn_at;
    if (peer->amazon) v.amazon_address = peer->amazon->address;
    if (peer->customer) v.customer_address = peer->customer->address;
    if (peer->amazon || peer->customer) {
      v.peer_prefix_length = peer->amazon ? peer->amazon->length : peer->customer->length;
      v.address_at = peer->address_at;
    }
    v.auth_key = peer->auth_key;
  }
  return true;
}

bool Mapper::direct_connect_gateway(const ResourceDecl& r) {
  Props p(*this, r);
  auto name = p.text("DirectConnectGatewayName", kReq);
  // A string; finalize() checks it is a private ASN (§2.4).
  auto asn = p.integer("AmazonSideAsn", 1, 4294967294);
  if (p.failed()) return p.skip();
  auto& g =
      add_direct_connect(*this, r, n_.direct_connect_gateways, Kind::kDirectConnectGateway, name);
  if (asn) {
    g.amazon_side_asn = static_cast<std::uint32_t>(*asn);
    g.asn_at = p.get("AmazonSideAsn").at;
  }
  return true;
}

// As the Terraform and AWS CLI readers: a transit gateway's association is an entry of
// `associations`, with its allowed prefixes (what the transit VIFs advertise, §2.6), and the
// attachment of type direct-connect-gateway AWS makes on the transit gateway (what routes and
// traces use); a virtual private gateway's is an entry of `vpn_gateways`, its prefixes the
// gateway's `allowed_prefixes`, which routes and traces read.
bool Mapper::direct_connect_gateway_association(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref dxgw = id_or_arn(p, "DirectConnectGatewayId", {Kind::kDirectConnectGateway}, kReq);
  model::Ref gateway =
      id_or_arn(p, "AssociatedGatewayId", {Kind::kVpnGateway, Kind::kTransitGateway}, kReq);
  std::vector<Prefix> allowed;
  Value list = p.get("AllowedPrefixesToDirectConnectGateway");
  if (list.is_unknown()) {
    p.unusable("AllowedPrefixesToDirectConnectGateway", list.text, kReq, list.at);
  } else if (!list.is_null() && !list.is_list()) {
    s_.error(list.at, r.logical_id, "`AllowedPrefixesToDirectConnectGateway` must be a list");
  }
  for (const auto& item : list.items) {
    auto prefix = item.is_string() ? Prefix::parse(item.text) : std::nullopt;
    if (prefix) {
      allowed.push_back(*prefix);
    } else if (item.is_unknown() || !item.stand_in.empty()) {
      // A prefix that cannot be known would change what the association advertises.
      p.unusable("AllowedPrefixesToDirectConnectGateway",
                 item.is_unknown() ? item.text : "parameter `" + item.stand_in + "` has no value",
                 kReq, item.at);
    } else {
      s_.error(item.at, r.logical_id,
               "`AllowedPrefixesToDirectConnectGateway`: `" + item.text + "` is not a CIDR block");
    }
  }
  if (p.failed()) return p.skip();
  auto* g = target(n_.direct_connect_gateways, Kind::kDirectConnectGateway, dxgw, r);
  if (!g) return false;
  if (locate(Kind::kTransitGateway, gateway.text) != model::kNone) {
    g->associations.push_back({gateway, allowed, s_.at(*r.key)});
    model::TransitGatewayAttachment a;
    char suffix[20];
    std::snprintf(suffix, sizeof suffix, "%016llx",
                  static_cast<unsigned long long>(stable_hash(r.physical_id + "/attachment")));
    a.id = "tgw-attach-0" + std::string(suffix);
    a.name = r.logical_id;
    a.at = s_.at(*r.key);
    a.type = model::AttachmentType::kDirectConnectGateway;
    a.transit_gateway = gateway;
    a.direct_connect_gateway = {g->id, dxgw.at};
    n_.transit_gateway_attachments.push_back(std::move(a));
    return true;
  }
  g->vpn_gateways.push_back(gateway);
  g->allowed_prefixes.insert(g->allowed_prefixes.end(), allowed.begin(), allowed.end());
  return true;
}

}  // namespace cloudtwin::load::cfn
