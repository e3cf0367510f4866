#include "cloudtwin/vpc/rules.h"

#include <algorithm>

namespace cloudtwin::vpc {

using model::Index;

namespace {

bool icmp_matches(int type, int code, const Header& h) {
  return (type == -1 || type == h.dst_port) && (code == -1 || code == h.src_port);
}

bool protocol_and_ports_match(Protocol rule_protocol, PortRange ports, int icmp_type, int icmp_code,
                              const Header& h) {
  if (!rule_protocol.matches(h.protocol)) return false;
  if (rule_protocol.is_all()) return true;
  if (h.protocol.has_ports()) return ports.contains(h.dst_port);
  if (h.protocol.is_icmp()) return icmp_matches(icmp_type, icmp_code, h);
  return true;
}

bool sg_reference_matches(const model::Network& n, Index group, Index from_vpc, IpAddress peer) {
  // An SG reference matches private IPs of ENIs carrying the group, never public IPs.
  const auto& members = n.security_groups[group].members;
  for (const auto& [address, e] : n.eni_by_private_ip.equal_range(peer)) {
    Index vpc = n.network_interfaces[e].vpc;
    if (vpc != from_vpc && !peered_same_region(n, vpc, from_vpc)) continue;
    if (std::find(members.begin(), members.end(), e) != members.end()) return true;
  }
  return false;
}

int origin_rank(model::RouteOrigin o) { return static_cast<int>(o); }

// how-transit-gateways-work.html, route evaluation order for one CIDR: static, then propagated
// from VPC, Direct Connect gateway, Connect and VPN attachments, in that order.
int tgw_route_rank(const model::Network& n, const model::TransitGatewayRoute& r) {
  if (!r.propagated) return 0;
  switch (n.transit_gateway_attachments[r.attachment.index].type) {
    case model::AttachmentType::kVpc:
      return 1;
    case model::AttachmentType::kDirectConnectGateway:
      return 2;
    case model::AttachmentType::kConnect:
      return 3;
    case model::AttachmentType::kVpn:
      return 4;
    case model::AttachmentType::kPeering:
      return 5;
  }
  return 5;
}

}  // namespace

bool peered_same_region(const model::Network& n, Index a, Index b) {
  for (const auto& p : n.vpc_peering_connections) {
    if (p.status != "active") continue;
    Index x = p.requester_vpc.index;
    Index y = p.accepter_vpc.index;
    if (!((x == a && y == b) || (x == b && y == a))) continue;
    if (n.vpcs[x].region == n.vpcs[y].region) return true;
  }
  return false;
}

bool carries_group(const model::Network& n, Index eni, Index group) {
  const auto& members = n.security_groups[group].members;
  return std::find(members.begin(), members.end(), eni) != members.end();
}

SecurityGroupMatch match_security_groups(const model::Network& n, Index eni, const Header& h,
                                         bool ingress, Index relayed_by) {
  const auto& iface = n.network_interfaces[eni];
  IpAddress peer = ingress ? h.src : h.dst;
  SecurityGroupMatch best;
  for (const auto& g : iface.security_groups) {
    if (!g.resolved()) continue;
    const auto& sg = n.security_groups[g.index];
    for (const auto& rule : ingress ? sg.ingress : sg.egress) {
      if (!protocol_and_ports_match(rule.protocol, rule.ports, rule.icmp_type, rule.icmp_code, h)) {
        continue;
      }
      if (!rule.unknown.empty()) {
        if (!best.maybe_rule) best = {model::kNone, nullptr, g.index, &rule};
        continue;
      }
      bool peer_ok = false;
      if (rule.cidr) {
        peer_ok = rule.cidr->contains(peer);
      } else if (rule.prefix_list.resolved()) {
        const auto& entries = n.prefix_lists[rule.prefix_list.index].entries;
        peer_ok = std::any_of(entries.begin(), entries.end(),
                              [&](const Prefix& p) { return p.contains(peer); });
      } else if (rule.security_group.resolved()) {
        peer_ok = relayed_by != model::kNone
                      ? carries_group(n, relayed_by, rule.security_group.index)
                      : sg_reference_matches(n, rule.security_group.index, iface.vpc, peer);
      }
      if (peer_ok) return {g.index, &rule};
    }
  }
  return best;
}

NetworkAclMatch match_network_acl(const model::NetworkAcl& acl, const Header& h, bool ingress) {
  IpAddress peer = ingress ? h.src : h.dst;
  const model::NetworkAclEntry* maybe_allow = nullptr;
  const model::NetworkAclEntry* maybe_deny = nullptr;
  for (const auto& e : ingress ? acl.ingress : acl.egress) {
    if (!protocol_and_ports_match(e.protocol, e.ports, e.icmp_type, e.icmp_code, h)) continue;
    if (!e.unknown.empty()) {
      auto& first = e.allow ? maybe_allow : maybe_deny;
      if (!first) first = &e;
      continue;
    }
    if (!e.cidr.contains(peer)) continue;
    return {&e, e.allow ? maybe_deny : maybe_allow};
  }
  return {nullptr, maybe_allow};
}

const model::Route* select_route(const model::RouteTable& rt, IpAddress dst) {
  // vpn-route-priority: the local route beats every overlapping propagated route, even a more
  // specific one, so a local match takes propagated routes out of the running.
  bool local_matches = false;
  rt.lookup.for_each_match(dst, [&](int, const std::vector<std::uint32_t>& at_length) {
    for (auto i : at_length) {
      local_matches = local_matches || rt.effective[i].target_kind == model::TargetKind::kLocal;
    }
    return !local_matches;
  });
  const model::Route* best = nullptr;
  rt.lookup.for_each_match(dst, [&](int, const std::vector<std::uint32_t>& at_length) {
    for (auto i : at_length) {
      const auto& r = rt.effective[i];
      if (local_matches && r.origin >= model::RouteOrigin::kPropagatedDirectConnect) continue;
      if (!best || origin_rank(r.origin) < origin_rank(best->origin)) best = &r;
    }
    return best == nullptr;  // longest prefix first: stop at the first length with a candidate
  });
  return best;
}

const model::TransitGatewayRoute* select_tgw_route(const model::Network& n,
                                                   const model::TransitGatewayRouteTable& rt,
                                                   IpAddress dst) {
  const auto* at = rt.lookup.longest_match(dst);
  if (!at) return nullptr;
  const model::TransitGatewayRoute* best = nullptr;
  for (auto i : *at) {
    const auto& r = rt.effective[i];
    if (!best || tgw_route_rank(n, r) < tgw_route_rank(n, *best)) best = &r;
  }
  return best;
}

}  // namespace cloudtwin::vpc
