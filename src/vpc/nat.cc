// NAT gateways (aws-vpc.md §1.5): the source translated to the gateway's private IPv4 address
// on the way out, the mapping kept in the Connection, and on the way back only the replies to
// those flows, translated back.
#include <algorithm>

#include "walker.h"

namespace cloudtwin::vpc::detail {

// Peering and virtual private gateways deliver only to addresses inside the VPC, so a packet
// from across them never gets here (NGW_REQUIRES_SOURCE_IN_VPC shows as
// PCX_REQUIRES_ADDRESS_IN_VPC_CIDR or VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS first); one
// from a transit gateway attachment is served, as in AWS's centralised egress design.
void Walker::nat_gateway(Index from_subnet, Index g, Packet h, const model::RouteTable& rt) {
  const auto& nat = n_.nat_gateways[g];
  if (nat.state != "available") {
    drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "",
         "NAT gateway " + nat.id + " is " + nat.state + ", so the route is a blackhole",
         "recreate the NAT gateway and point the route at it");
    return;
  }
  if (nat.private_ip) tested(h, AddressField::kSrc, *nat.private_ip);
  if (h.src == nat.private_ip) {
    // Its own subnet routed the translated packet back to it: the NAT gateway sits in a
    // subnet without a route to an internet gateway (or onward network).
    drop("NO_ROUTE_TO_DESTINATION", "RouteTable", rt.id, "",
         "route table " + rt.id + " of NAT gateway " + nat.id + "'s own subnet sends " +
             h.dst.str() + " back to " + nat.id,
         "put " + nat.id +
             " in a public subnet, one whose route table sends 0.0.0.0/0 to an "
             "internet gateway");
    return;
  }
  if (!nat.private_ip) {
    drop("BAD_STATE", "NatGateway", nat.id, "",
         "NAT gateway " + nat.id + " has no private IPv4 address (its subnet has no IPv4 CIDR)",
         "create the NAT gateway in a subnet with an IPv4 CIDR");
    return;
  }
  Index nat_subnet = nat.subnet.index;
  if (nat_subnet != from_subnet && !network_acl(nat_subnet, h, true)) return;
  last_nat = g;
  hop("NatGateway", nat.id, nat.name, "", std::nullopt,
      "source translated to the NAT gateway's private IP (NGW_SOURCE_ADDRESS_REASSIGN)");
  if (!protocol_is(h, {Protocol::kTcp, Protocol::kUdp, Protocol::kIcmp})) {
    drop("PROTOCOL_RESTRICTION", "NatGateway", nat.id, "",
         "NAT gateways translate only TCP, UDP and ICMP, not " + h.protocol.str(), "");
    return;
  }
  tested_family(h);
  if (h.dst.is_v6()) {
    drop("PROTOCOL_RESTRICTION", "NatGateway", nat.id, "",
         "NAT gateways do not translate IPv6 (" + h.dst.str() + ")",
         "route IPv6 to an egress-only internet gateway");
    return;
  }
  Packet out = h;
  out.src = *nat.private_ip;
  out.src_origin = Origin::kConstant;
  // REMAP_EPHEMERAL_PORT: the NAT gateway picks a source port in 1024-65535. cloudtwin keeps
  // the sender's port when it is in that range and gives every lower one port 1024
  // (docs/semantics.md), so the choice is deterministic and the symbolic engine needs no
  // class per low port.
  if (protocol_is(h, {Protocol::kTcp, Protocol::kUdp}) &&
      !port_is(h, PortField::kSrc, {1024, 65535})) {
    out.src_port = 1024;
    out.src_port_origin = Origin::kConstant;
  }
  connection_.nat.push_back({g, h.src, h.src_port, out.src, out.src_port, h.src_origin,
                             h.src_port_origin, out.src_port_origin});
  translated(h, out);
  if (!network_acl(nat_subnet, out, false)) return;
  route(nat_subnet, out);
}

// A packet addressed to a NAT gateway's private IP: only replies to its own flows pass.
void Walker::nat_gateway_inbound(Index g, Packet h, Index from_subnet) {
  const auto& nat = n_.nat_gateways[g];
  Index nat_subnet = nat.subnet.index;
  if (from_subnet != nat_subnet && !network_acl(nat_subnet, h, true)) return;
  bool ports = protocol_is(h, {Protocol::kTcp, Protocol::kUdp});
  auto it = std::find_if(connection_.nat.begin(), connection_.nat.end(), [&](const NatEntry& e) {
    if (e.nat_gateway != g) return false;
    if (obs_) obs_->same_address(Origin::kConstant, e.mapped_src, h.dst_origin, h.dst);
    if (e.mapped_src != h.dst) return false;
    if (!ports) return true;
    if (obs_) obs_->same_port(e.mapped_port_origin, e.mapped_port, h.dst_port_origin, h.dst_port);
    return e.mapped_port == h.dst_port;
  });
  if (!reply_ || it == connection_.nat.end()) {
    last_nat = g;
    hop("NatGateway", nat.id, nat.name, "ingress", std::nullopt, "");
    drop("NO_POSSIBLE_DESTINATION", "NatGateway", nat.id, "ingress",
         "NAT gateways accept only replies to connections initiated from inside; " + h.src.str() +
             " cannot open a connection to " + h.dst.str(),
         "to accept inbound connections use a load balancer or an instance with a public IP");
    return;
  }
  Packet out = h;
  out.dst = it->original_src;
  out.dst_origin = it->original_src_origin;
  if (ports) {  // ICMP keeps its type and code; only TCP and UDP ports were remapped
    out.dst_port = it->original_port;
    out.dst_port_origin = it->original_port_origin;
  }
  last_nat = g;
  Hop& x = hop("NatGateway", nat.id, nat.name, "ingress", std::nullopt, "reply translated back");
  x.inbound_header = h;
  x.outbound_header = out;
  Index vpc = nat.vpc;
  Index eni = eni_at(vpc, out, AddressField::kDst);
  if (eni != kNone && n_.network_interfaces[eni].subnet.index == nat_subnet) {
    deliver_to_interface(eni, out);
    return;
  }
  if (!network_acl(nat_subnet, out, false)) return;
  route(nat_subnet, out);
}

}  // namespace cloudtwin::vpc::detail
