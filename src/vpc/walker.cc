// The walker's core: what every path crosses. A walk from an instance's network interface,
// security groups (aws-vpc.md §1.2) and network ACLs (§1.3), the subnet route table and its
// dispatch on the route's target (§1.1, §1.13), delivery to a network interface inside a VPC;
// and the bookkeeping of drops, doubts and notes, and the address lists told to the observer.
#include "walker.h"

#include <algorithm>
#include <string>
#include <vector>

#include "cloudtwin/vpc/rules.h"

namespace cloudtwin::vpc::detail {

namespace {

std::string rule_text(const model::SecurityGroupRule& rule, bool ingress) {
  std::string peer = rule.cidr                      ? rule.cidr->str()
                     : rule.prefix_list.resolved()  ? rule.prefix_list.text
                     : !rule.security_group.empty() ? "sg " + rule.security_group.text
                                                    : "";
  if (!rule.unknown.empty()) {
    peer += (peer.empty() ? "" : " ") + std::string("[unknown: ") + rule.unknown + "]";
  }
  std::string ports = rule.protocol.has_ports() ? " " + rule.ports.str() : "";
  return "allow " + rule.protocol.str() + ports + (ingress ? " from " : " to ") + peer;
}

model::Kind target_kind_to_kind(TargetKind k) {
  switch (k) {
    case TargetKind::kInternetGateway:
      return model::Kind::kInternetGateway;
    case TargetKind::kEgressOnlyInternetGateway:
      return model::Kind::kEgressOnlyInternetGateway;
    case TargetKind::kNatGateway:
      return model::Kind::kNatGateway;
    case TargetKind::kTransitGateway:
      return model::Kind::kTransitGateway;
    case TargetKind::kVpcPeeringConnection:
      return model::Kind::kVpcPeeringConnection;
    case TargetKind::kNetworkInterface:
      return model::Kind::kNetworkInterface;
    case TargetKind::kInstance:
      return model::Kind::kInstance;
    case TargetKind::kVpcEndpoint:
      return model::Kind::kVpcEndpoint;
    case TargetKind::kVpnGateway:
      return model::Kind::kVpnGateway;
    default:
      return model::Kind::kVpc;
  }
}

}  // namespace

void Walker::from_interface(Index eni, Packet h) {
  const auto& iface = n_.network_interfaces[eni];
  if (!instance_running(iface)) {
    const auto& inst = n_.instances[iface.instance.index];
    drop("BAD_STATE", "Instance", inst.id, "egress", "instance " + inst.id + " is " + inst.state,
         "start the instance");
    return;
  }
  add_instance_hops(iface, "egress");
  if (!reply_ && iface.vpc_endpoint != kNone) {
    // vpce-interface.html: "An endpoint only returns responses" (and a Gateway Load Balancer
    // endpoint only forwards what is routed to it).
    const auto& ep = n_.vpc_endpoints[iface.vpc_endpoint];
    drop("VPCE_INTRA_VPC_TRAFFIC", "VPCEndpoint", ep.id, "egress",
         "endpoint " + ep.id + " starts no connection; it only answers those made to it", "");
    return;
  }
  if (!reply_ && iface.load_balancer != kNone && !to_own_target(iface.load_balancer, h)) return;
  if (!reply_ && iface.load_balancer != kNone &&
      n_.load_balancers[iface.load_balancer].type == model::LoadBalancerType::kGateway) {
    // A Gateway Load Balancer's node speaks GENEVE to its appliances, UDP to port 6081: what
    // Reachability Analyzer's separate GWLB-to-appliance analysis checks (aws-vpc-services.md §4).
    const auto& lb = n_.load_balancers[iface.load_balancer];
    if (!protocol_is(h, {Protocol::kUdp})) {
      drop("GWLB_PROTOCOL_RESTRICTION", "LoadBalancer", lb.id, "egress",
           "Gateway Load Balancer " + lb.id + " sends its appliances only GENEVE, udp 6081, not " +
               h.str(),
           "analyse udp to port 6081");
      return;
    }
    if (!port_is(h, PortField::kDst, PortRange::single(6081))) {
      drop("GWLB_DESTINATION_PORT_RESTRICTION", "LoadBalancer", lb.id, "egress",
           "Gateway Load Balancer " + lb.id + " sends its appliances GENEVE on udp port 6081, not " +
               h.str(),
           "analyse udp to port 6081");
      return;
    }
  }
  if (reply_ && !connection_.load_balancers.empty() && preserved_reply(eni, h)) return;
  if (auto service = built_in_service(n_.vpcs[iface.vpc], h, reply_ ? nullptr : obs_);
      service && !reply_) {
    if (!service->listens) {
      drop("NO_POSSIBLE_DESTINATION", service->name, h.dst.str(), "",
           "nothing answers " + h.str() + " at " + h.dst.str() + " (" + service->name + ")",
           "the Amazon DNS server answers tcp and udp 53, instance metadata tcp 80 and the "
           "Time Sync Service udp 123");
      return;
    }
    // Never filtered by security groups or network ACLs, and not routed.
    hop(service->name, h.dst.str(), "", "", std::nullopt, "built into the VPC");
    arrival = Arrival{EndpointKind::kAddress, kNone, h};
    return;
  }
  // A Network or Gateway Load Balancer created without security groups has none to filter.
  const bool unfiltered_node = iface.load_balancer != kNone && iface.security_groups.empty();
  if (!reply_ && !unfiltered_node && !security_group(eni, h, false)) return;
  leave_interface(eni, h);
}

// The NAT gateway of `vpc` whose private address is in field `f`.
Index Walker::nat_at(Index vpc, const Packet& p, AddressField f) {
  Index found = kNone;
  std::vector<Prefix> addresses;
  for (Index g = 0; g < n_.nat_gateways.size(); ++g) {
    const auto& nat = n_.nat_gateways[g];
    if (nat.vpc != vpc || !nat.private_ip) continue;
    if (addresses_) addresses.push_back(Prefix::host(*nat.private_ip));
    if (found == kNone && *nat.private_ip == field(p, f)) found = g;
  }
  tested(p, f, addresses);
  return found;
}

std::vector<Prefix> Walker::vpc_cidrs(Index vpc) const {
  std::vector<Prefix> out;
  if (!addresses_) return out;
  const auto& v = n_.vpcs[vpc];
  out.insert(out.end(), v.cidr_blocks.begin(), v.cidr_blocks.end());
  out.insert(out.end(), v.ipv6_cidr_blocks.begin(), v.ipv6_cidr_blocks.end());
  return out;
}

// Every prefix that the global address tests (on-premises networks, VPN routes, VPC CIDRs,
// transit gateway routes) compare with.
std::vector<Prefix> Walker::network_prefixes() const {
  std::vector<Prefix> out;
  if (!addresses_) return out;
  for (Index v = 0; v < n_.vpcs.size(); ++v) {
    auto c = vpc_cidrs(v);
    out.insert(out.end(), c.begin(), c.end());
  }
  for (const auto& o : n_.on_premises_networks)
    out.insert(out.end(), o.cidrs.begin(), o.cidrs.end());
  for (const auto& c : n_.vpn_connections) {
    out.insert(out.end(), c.static_routes.begin(), c.static_routes.end());
  }
  // What virtual private gateways choose among (model/hybrid_routes.h).
  if (n_.learned_routes.given) {
    for (const auto& r : n_.learned_routes.routes) out.push_back(r.prefix);
  }
  for (const auto& t : n_.transit_gateway_route_tables) {
    for (const auto& r : t.effective) out.push_back(r.destination);
  }
  return out;
}

void Walker::tested_route_table(const Packet& p, const model::RouteTable& rt) {
  if (!addresses_) return;
  std::vector<Prefix> prefixes;
  prefixes.reserve(rt.effective.size());
  for (const auto& r : rt.effective) {
    if (r.destination) prefixes.push_back(*r.destination);
  }
  tested(p, AddressField::kDst, prefixes);
}

void Walker::drop(std::string code, std::string type, std::string id, std::string direction,
                  std::string message, std::string hint) {
  why_.push_back({std::move(code), std::move(type), std::move(id), std::move(direction),
                  reply_ ? "return" : "forward", std::move(message), std::move(hint)});
}

// Something the verdict depends on that cloudtwin cannot know (see Doubts). A path doubt
// ends the walk (the caller returns); a filter doubt does not.
void Walker::unknown(bool path, std::string code, std::string type, std::string id,
                     std::string direction, std::string message, std::string hint) {
  (path ? doubts_.path : doubts_.filter) = true;
  doubts_.list.push_back({std::move(code), std::move(type), std::move(id), std::move(direction),
                          reply_ ? "return" : "forward", std::move(message), std::move(hint)});
}

void Walker::note(std::string code, std::string type, std::string id, std::string message) {
  notes_.push_back({std::move(code), std::move(type), std::move(id), "",
                    reply_ ? "return" : "forward", std::move(message), ""});
}

void Walker::add_instance_hops(const model::NetworkInterface& iface, std::string_view direction) {
  if (!full_) return;
  if (direction == "egress" && iface.instance.resolved()) {
    const auto& inst = n_.instances[iface.instance.index];
    hop("Instance", inst.id, inst.name, "", std::nullopt, "");
  }
  hop("NetworkInterface", iface.id, iface.name, direction, std::nullopt, "");
  if (direction == "ingress" && iface.instance.resolved()) {
    const auto& inst = n_.instances[iface.instance.index];
    hop("Instance", inst.id, inst.name, "", std::nullopt, "");
  }
}

bool Walker::security_group(Index eni, const Packet& h, bool ingress, Index relayed_by) {
  const auto& iface = n_.network_interfaces[eni];
  auto m = match_security_groups(n_, eni, h, ingress, relayed_by);
  if (obs_) obs_->security_groups(h, eni, ingress, relayed_by, m.decision());
  if (m.rule && !full_) return true;
  std::string dir = ingress ? "ingress" : "egress";
  if (!m.rule && m.maybe_rule) {
    const auto& sg = n_.security_groups[m.maybe_group];
    std::string text = rule_text(*m.maybe_rule, ingress);
    unknown(false, "SG_RULE_PEER_UNKNOWN", "SecurityGroup", sg.id, dir,
            "only rule `" + text + "` of " + sg.id + " could admit " + h.str() + ", and its " +
                (ingress ? "source" : "destination") + " is unknown (" + m.maybe_rule->unknown +
                ")",
            "give the rule's peer a known value");
    if (full_) {
      Rule r;
      r.kind = "security-group-rule";
      r.security_group = sg.id;
      r.action = "allow";
      r.text = text;
      hop("SecurityGroup", sg.id, sg.name, dir, r, "admits only if the unknown peer holds");
    }
    return true;
  }
  if (!m.rule) {
    std::string groups;
    bool any_rule = false;
    for (const auto& g : iface.security_groups) {
      if (!g.resolved()) continue;
      const auto& sg = n_.security_groups[g.index];
      groups += (groups.empty() ? "" : ", ") + sg.id;
      any_rule = any_rule || !(ingress ? sg.ingress : sg.egress).empty();
    }
    hop("SecurityGroup", groups, "", dir, std::nullopt, "no rule matches");
    std::string what =
        h.protocol.str() + (h.protocol.has_ports() ? " port " + std::to_string(h.dst_port) : "");
    if (relayed_by != kNone && match_security_groups(n_, eni, h, ingress).rule) {
      // A reference to the client's group would admit it, were the client's identity seen
      // through the load balancer (aws-vpc-services.md §2, target SG rules).
      const auto& lb = n_.load_balancers[n_.network_interfaces[relayed_by].load_balancer];
      drop("SG_REFERENCES_NOT_PRESERVED", "NetworkInterface", iface.id, dir,
           "only a reference to a security group of " + h.src.str() + " would admit " + what +
               " on " + iface.id + ", and load balancer " + lb.id +
               " keeps the client's address but not its security groups",
           !lb.security_groups.empty()
               ? "reference a security group of " + lb.id + " or admit the client's addresses"
               : "admit the client's addresses (" + lb.id +
                     " has no security group to reference, and cannot get one)");
      return false;
    }
    drop(any_rule ? "ENI_SG_RULES_MISMATCH" : "SG_HAS_NO_RULES", "NetworkInterface", iface.id, dir,
         "no " + dir + " rule of " + groups + " on " + iface.id + " allows " + what +
             (ingress ? " from " + h.src.str() : " to " + h.dst.str()),
         "add an " + dir + " rule for " + what + (ingress ? " from " : " to ") +
             (ingress ? h.src.str() : h.dst.str()) + " to " + groups);
    return false;
  }
  const auto& sg = n_.security_groups[m.group];
  Rule r;
  r.kind = "security-group-rule";
  r.security_group = sg.id;
  r.action = "allow";
  r.implicit = m.rule->implicit;
  r.text = rule_text(*m.rule, ingress);
  if (m.rule->implicit) r.text += " (AWS default)";
  hop("SecurityGroup", sg.id, sg.name, dir, r, "");
  return true;
}

bool Walker::network_acl(Index subnet, const Packet& h, bool ingress) {
  const auto& s = n_.subnets[subnet];
  const auto& acl = n_.network_acls[s.effective_network_acl];
  auto m = match_network_acl(acl, h, ingress);
  const auto* e = m.entry;
  if (obs_) obs_->network_acl(h, s.effective_network_acl, ingress, m.decision());
  if (m.decision() == Decision::kYes && !full_) return true;
  std::string dir = ingress ? "ingress" : "egress";
  auto entry_text = [](const model::NetworkAclEntry& x) {
    std::string num = x.rule_number == 32767 ? "*" : std::to_string(x.rule_number);
    std::string text = "rule " + num + " " + (x.allow ? "allow " : "deny ") + x.protocol.str() +
                       (x.protocol.has_ports() ? " " + x.ports.str() : "") + " " + x.cidr.str();
    if (!x.unknown.empty()) text += " [unknown: " + x.unknown + "]";
    return text;
  };
  Rule r;
  r.kind = "network-acl-entry";
  if (e) {
    r.rule_number = e->rule_number;
    r.action = e->allow ? "allow" : "deny";
    r.implicit = e->implicit;
    r.text = entry_text(*e);
  }
  if (m.maybe) {
    std::string text = entry_text(*m.maybe);
    unknown(false, "ACL_RULE_PEER_UNKNOWN", "NetworkAcl", acl.id, dir,
            "`" + text + "` of " + acl.id + " would " + (m.maybe->allow ? "allow " : "deny ") +
                h.str() + " before " + (e ? "`" + r.text + "`" : std::string("the default deny")) +
                " if its " + (ingress ? "source" : "destination") + " (" + m.maybe->unknown +
                ") holds the packet's",
            "give the entry's CIDR a known value");
    hop("NetworkAcl", acl.id, acl.name, dir, r,
        "subnet " + s.id + "; decided by rule " + std::to_string(m.maybe->rule_number) +
            " instead if its unknown peer holds");
    return true;
  }
  hop("NetworkAcl", acl.id, acl.name, dir, r, "subnet " + s.id);
  if (e && e->allow) return true;
  std::string port = h.protocol.has_ports() ? " port " + std::to_string(h.dst_port) : "";
  std::string hint =
      reply_
          ? "network ACLs are stateless: allow the reply's " + h.protocol.str() + port +
                (ingress ? " from " + h.src.str() + " inbound"
                         : " to " + h.dst.str() + " outbound") +
                " on " + acl.id + " (usually ephemeral ports)"
          : "allow " + h.protocol.str() + port +
                (ingress ? " from " + h.src.str() : " to " + h.dst.str()) + " in the " + dir +
                " rules of " + acl.id + " before rule " +
                (e ? (e->rule_number == 32767 ? std::string("*") : std::to_string(e->rule_number))
                   : "*");
  drop("SUBNET_ACL_RESTRICTION", "NetworkAcl", acl.id, dir,
       "network ACL " + acl.id + " of subnet " + s.id + " denies " + h.str() + " " + dir + " (" +
           (e ? r.text : "no rule") + ")",
       hint);
  return false;
}

void Walker::leave_interface(Index eni, Packet h) {
  if (!budget()) return;
  const auto& iface = n_.network_interfaces[eni];
  Index subnet = iface.subnet.index;
  // Traffic between ENIs of one subnet skips the route table and the network ACL.
  Index peer = eni_at(iface.vpc, h, AddressField::kDst);
  if (peer != kNone && n_.network_interfaces[peer].subnet.index == subnet) {
    deliver_to_interface(peer, h);
    return;
  }
  if (!network_acl(subnet, h, false)) return;
  route(subnet, h);
}

void Walker::route(Index subnet, Packet h) {
  if (!budget()) return;
  const auto& s = n_.subnets[subnet];
  const auto& rt = n_.route_tables[s.effective_route_table];
  const auto* r = select_route(rt, h.dst);
  tested_route_table(h, rt);
  if (!unknown_routes(rt, r)) return;
  if (!r) {
    hop("RouteTable", rt.id, rt.name, "", std::nullopt, "no route matches " + h.dst.str());
    drop("NO_ROUTE_TO_DESTINATION", "RouteTable", rt.id, "",
         "route table " + rt.id + " of subnet " + s.id + " has no route to " + h.dst.str(),
         "add a route for " + h.dst.str() + " to " + rt.id);
    return;
  }
  // Only a hop or an explanation reads the rule in words.
  const bool words = full_ || r->blackhole || r->target_kind == TargetKind::kInstance ||
                     r->target_kind == TargetKind::kUnsupported;
  Rule rule;
  if (words) {
    rule.kind = "route";
    rule.destination = r->destination ? r->destination->str() : "";
    if (r->destination_prefix_list.resolved())
      rule.destination += " (" + r->destination_prefix_list.text + ")";
    rule.target = r->target_kind == TargetKind::kLocal ? "local" : target_id(*r);
    rule.origin = route_origin_name(r->origin);
    rule.action = r->blackhole ? "blackhole" : "forward";
    rule.implicit = r->implicit;
    rule.text = rule.destination + " -> " + rule.target + (r->blackhole ? " (blackhole)" : "");
  }
  if (full_) hop("RouteTable", rt.id, rt.name, "", rule, "subnet " + s.id);
  if (r->blackhole) {
    drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "", "route " + rule.text + " is a blackhole",
         "point the route at a working target or delete it");
    return;
  }
  Index vpc = s.vpc.index;
  switch (r->target_kind) {
    case TargetKind::kLocal:
      deliver_local(vpc, h, subnet);
      return;
    case TargetKind::kInternetGateway:
      internet_gateway_egress(vpc, r->target.index, h, rt);
      return;
    case TargetKind::kEgressOnlyInternetGateway:
      egress_only_egress(vpc, r->target.index, h, rt);
      return;
    case TargetKind::kNatGateway:
      nat_gateway(subnet, r->target.index, h, rt);
      return;
    case TargetKind::kVpcPeeringConnection:
      peering(vpc, r->target.index, h, rt);
      return;
    case TargetKind::kTransitGateway:
      transit_gateway_from_vpc(subnet, r->target.index, h, rt);
      return;
    case TargetKind::kVpnGateway:
      vpn_gateway_egress(vpc, r->target.index, h, rt);
      return;
    case TargetKind::kVpcEndpoint:
      vpc_endpoint_route(subnet, r->target.index, h, rt);
      return;
    case TargetKind::kNetworkInterface:
      appliance(subnet, r->target.index, h, rt);
      return;
    case TargetKind::kInstance: {
      const auto& inst = n_.instances[r->target.index];
      if (inst.state != "running" || inst.network_interfaces.empty()) {
        drop("BAD_STATE_ROUTE", "RouteTable", rt.id, "",
             "route " + rule.text + " targets instance " + inst.id + " which is " + inst.state,
             "start the instance or retarget the route");
        return;
      }
      appliance(subnet, inst.network_interfaces.front(), h, rt);
      return;
    }
    case TargetKind::kUnsupported:
      unknown(true, "UNSUPPORTED_COMPONENT", "RouteTable", rt.id, "",
              "route " + rule.text + " of " + rt.id + " sends " + h.str() +
                  " to a component cloudtwin does not model",
              "the verdict depends on what that component does");
      return;
  }
}

// A route whose destination is unknown offline may be the one a lookup in `rt` selects: the
// walk cannot tell where the packet goes. False (and the walk ends) when one may be. Only a
// NAT gateway, network interface or endpoint may be more specific than the local route
// (route-tables.html), so against a local match (`selected`) the others cannot win.
bool Walker::unknown_routes(const model::RouteTable& rt, const model::Route* selected) {
  if (rt.unknown_routes.empty()) return true;
  const bool local = selected && selected->target_kind == TargetKind::kLocal;
  const model::Route* doubt = nullptr;
  std::size_t count = 0;
  for (auto i : rt.unknown_routes) {
    const auto& u = rt.routes[i];
    const bool middlebox =
        u.target_kind == TargetKind::kNatGateway ||
        u.target_kind == TargetKind::kNetworkInterface || u.target_kind == TargetKind::kInstance ||
        u.target_kind == TargetKind::kVpcEndpoint || u.target_kind == TargetKind::kUnsupported;
    if (local && !middlebox) continue;
    if (!doubt) doubt = &u;
    ++count;
  }
  if (!doubt) return true;
  const auto& route = *doubt;
  unknown(true, "ROUTE_DESTINATION_UNKNOWN", "RouteTable", rt.id, "",
          "route table " + rt.id + " has a route to " +
              (route.target.empty() ? std::string("a target") : route.target.text) +
              " whose destination is unknown (" + route.unknown + ")" +
              (count > 1 ? " and " + std::to_string(count - 1) + " more" : "") +
              ": it may be the route the packet takes",
          "give the route's destination a known value");
  return false;
}

std::string Walker::target_id(const model::Route& r) const {
  return r.target.resolved() ? n_.resource({target_kind_to_kind(r.target_kind), r.target.index}).id
                             : r.target.text;
}

// Delivers inside `vpc` a packet that has passed the network ACL of `from_subnet` (kNone when
// it comes from a gateway or a peering connection). Within one subnet no network ACL applies.
void Walker::deliver_local(Index vpc, Packet h, Index from_subnet) {
  const auto& v = n_.vpcs[vpc];
  Index eni = eni_at(vpc, h, AddressField::kDst);
  if (eni == kNone) {
    if (Index g = nat_at(vpc, h, AddressField::kDst); g != kNone) {
      nat_gateway_inbound(g, h, from_subnet);
      return;
    }
    Index s = n_.subnet_containing(vpc, h.dst);
    drop("NO_POSSIBLE_DESTINATION", s == kNone ? "VPC" : "Subnet",
         s == kNone ? v.id : n_.subnets[s].id, "",
         "no network interface in " + v.id + " holds " + h.dst.str(),
         "check the destination address");
    return;
  }
  const auto& iface = n_.network_interfaces[eni];
  if (from_subnet != iface.subnet.index && !network_acl(iface.subnet.index, h, true)) return;
  deliver_to_interface(eni, h);
}

// A load balancer's node opens connections only to the load balancer's targets (requests and
// health checks): a walk from a node to any other address ends at the node.
bool Walker::to_own_target(Index lb_index, const Packet& h) {
  const auto& lb = n_.load_balancers[lb_index];
  std::vector<Prefix> targets;
  auto add_interface = [&](Index eni) {
    if (eni == kNone) return;
    for (const auto& a : n_.network_interfaces[eni].private_ips) targets.push_back(Prefix::host(a));
  };
  for (const auto& tg : n_.target_groups) {
    if (std::find(tg.load_balancers.begin(), tg.load_balancers.end(), lb_index) ==
        tg.load_balancers.end())
      continue;
    for (const auto& t : tg.targets) {
      if (t.ip) targets.push_back(Prefix::host(*t.ip));
      add_interface(t.eni);
    }
  }
  for (const auto& i : lb.instances) {
    if (!i.resolved()) continue;
    for (Index e : n_.instances[i.index].network_interfaces) add_interface(e);
  }
  tested(h, AddressField::kDst, targets);
  if (std::any_of(targets.begin(), targets.end(), [&](const Prefix& p) { return p.contains(h.dst); }))
    return true;
  drop("NO_POSSIBLE_DESTINATION", "LoadBalancer", lb.id, "egress",
       "load balancer " + lb.id + " opens connections only to its targets, and " + h.dst.str() +
           " is none of them",
       "trace from a client to the load balancer instead");
  return false;
}

// Arrival at an ENI whose subnet's network ACL (if crossed) has been checked.
void Walker::deliver_to_interface(Index eni, Packet h) {
  const auto& iface = n_.network_interfaces[eni];
  if (!instance_running(iface)) {
    const auto& inst = n_.instances[iface.instance.index];
    drop("BAD_STATE", "Instance", inst.id, "ingress", "instance " + inst.id + " is " + inst.state,
         "start the instance");
    return;
  }
  if (iface.load_balancer != kNone) {
    load_balancer_node(eni, h);
    return;
  }
  if (iface.vpc_endpoint != kNone &&
      n_.vpc_endpoints[iface.vpc_endpoint].type == model::VpcEndpointType::kInterface) {
    interface_endpoint(eni, h);
    return;
  }
  if (!reply_ && !security_group(eni, h, true, relay_of(eni))) return;
  add_instance_hops(iface, "ingress");
  arrival = Arrival{EndpointKind::kNetworkInterface, eni, h};
}

}  // namespace cloudtwin::vpc::detail
