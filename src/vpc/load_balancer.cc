// Elastic Load Balancing (shared/reference/aws-vpc-services.md §0-§3): a packet addressed to a
// load balancer node passes the node's security groups, picks a listener and, for an
// Application Load Balancer, the rules that may match, then leaves the node for one target as a
// new connection (Application and Classic Load Balancers, Network Load Balancers without client
// IP preservation) or with the client's address kept (Network Load Balancers with it). The
// reply comes back through the same node, which answers the client from the listener's address
// and port. Which target: the one the walk is aimed at (the trace's destination); the load
// balancer itself when the destination is the load balancer or a node.
#include "walker.h"

namespace cloudtwin::vpc::detail {

namespace {

bool classic(const model::LoadBalancer& lb) { return lb.type == model::LoadBalancerType::kClassic; }

std::string listener_code(const model::LoadBalancer& lb) {
  return classic(lb) ? "ELB_LISTENERS_MISMATCH" : "ELBV2_LISTENERS_MISMATCH";
}

// The zone of a target for its load balancer: as registered ("all" for any), else its
// subnet's (§0 "Target AZ").
std::string target_zone(const Network& n, const model::Target* t, Index eni) {
  return t && !t->availability_zone.empty() ? t->availability_zone : zone_of(n, eni);
}

bool has_node_in(const Network& n, const model::LoadBalancer& lb, const std::string& zone) {
  return std::any_of(lb.nodes.begin(), lb.nodes.end(),
                     [&](const auto& x) { return zone_of(n, x.eni) == zone; });
}

// Cross-zone (§0): an Application Load Balancer always spreads, unless the target group turns
// it off; the others by their own setting, which a target group may override.
bool cross_zone(const model::LoadBalancer& lb, const model::TargetGroup* tg) {
  return lb.type == model::LoadBalancerType::kApplication
             ? (!tg || tg->cross_zone.value_or(true))
             : (tg && tg->cross_zone ? *tg->cross_zone : lb.cross_zone_enabled());
}

// Whether the node in `node_zone` may send to the target.
bool may_send(const Network& n, const model::LoadBalancer& lb, const std::string& node_zone,
              const model::TargetGroup& tg, const model::Target& t) {
  if (t.eni == kNone || tg.target_type == model::TargetType::kLambda) return false;
  std::string zone = target_zone(n, &t, t.eni);
  if (zone == "all") return true;
  return has_node_in(n, lb, zone) && (zone == node_zone || cross_zone(lb, &tg));
}

// The address the node sends to for a target.
std::optional<IpAddress> target_address(const Network& n, const model::Target& t) {
  if (t.ip) return *t.ip;
  const auto& ips = n.network_interfaces[t.eni].private_ips;
  if (ips.empty()) return std::nullopt;
  return ips.front();
}

}  // namespace

std::optional<Endpoint> front_door(const Network& n, Index eni, std::uint16_t port) {
  std::optional<Endpoint> best;
  bool best_has_port = false;
  const std::string& zone = zone_of(n, eni);
  for (const auto& door : model::front_doors(n, eni)) {
    const auto& lb = n.load_balancers[door.load_balancer];
    if (!lb.internet_facing) continue;
    bool has_port = std::find(door.ports.begin(), door.ports.end(), port) != door.ports.end();
    if (best && (best_has_port || !has_port)) continue;
    Index node = kNone;
    for (const auto& x : lb.nodes) {
      if (x.eni == kNone) continue;
      if (node == kNone || zone_of(n, x.eni) == zone) node = x.eni;
      if (zone_of(n, x.eni) == zone) break;
    }
    if (node == kNone) continue;
    Endpoint e;
    e.kind = EndpointKind::kNetworkInterface;
    e.index = node;
    e.label = lb.name.empty() ? lb.id : lb.name;
    best = e;
    best_has_port = has_port;
  }
  return best;
}

void Walker::listener_notes(const model::Listener& l) {
  // ELBV2_LISTENER_HAS_NO_TG: the listener answers, but its target groups hold no target.
  bool any_group = false, any_target = false;
  auto look = [&](const model::ListenerRule& rule) {
    for (const auto& w : rule.target_groups) {
      if (!w.target_group.resolved()) continue;
      any_group = true;
      any_target = any_target || !n_.target_groups[w.target_group.index].targets.empty();
    }
  };
  look(l.default_rule);
  for (Index r : l.rules) look(n_.listener_rules[r]);
  if (any_group && !any_target)
    note("ELBV2_LISTENER_HAS_NO_TG", "LoadBalancerListener", l.id,
         "listener " + l.id + " forwards to target groups without targets");
}

const model::Listener* Walker::listener_for(const model::LoadBalancer& lb, const Packet& h) {
  for (Index l : lb.listeners) {
    const auto& listener = n_.listeners[l];
    bool carries;
    switch (listener.protocol) {
      case model::LbProtocol::kUdp: carries = protocol_is(h, {Protocol::kUdp}); break;
      case model::LbProtocol::kTcpUdp:
        carries = protocol_is(h, {Protocol::kTcp, Protocol::kUdp});
        break;
      default: carries = protocol_is(h, {Protocol::kTcp}); break;
    }
    if (!carries) continue;
    if (port_is(h, PortField::kDst, PortRange::single(listener.port))) return &listener;
  }
  return nullptr;
}

std::vector<Index> Walker::forwarded_groups(const model::Listener& l, const Packet& h,
                                            bool& answered_at_lb) {
  // aws-vpc-services.md §1: rules by ascending priority, the default last. Conditions a header
  // does not carry (host, path, ...) may match: such a rule's groups are candidates and the
  // scan goes on; a source-ip condition is decided exactly; the first rule certain to match
  // ends the scan.
  std::vector<Index> groups;
  answered_at_lb = false;
  auto take = [&](const model::ListenerRule& rule) {
    for (const auto& w : rule.target_groups) {
      if (w.weight > 0 && w.target_group.resolved()) groups.push_back(w.target_group.index);
    }
  };
  auto consider = [&](const model::ListenerRule& rule) {
    if (!rule.source_ips.empty()) {
      tested(h, AddressField::kSrc, rule.source_ips);
      bool in = std::any_of(rule.source_ips.begin(), rule.source_ips.end(),
                            [&](const Prefix& p) { return p.contains(h.src); });
      if (!in) return false;
    }
    if (rule.action == model::ListenerAction::kForward) take(rule);
    if (rule.other_conditions) return false;
    answered_at_lb = rule.action != model::ListenerAction::kForward;
    return true;
  };
  for (Index r : l.rules) {
    if (consider(n_.listener_rules[r])) return groups;
  }
  consider(l.default_rule);
  return groups;
}

void Walker::load_balancer_node(Index node, Packet h) {
  const auto& iface = n_.network_interfaces[node];
  const Index lb_index = iface.load_balancer;
  const auto& lb = n_.load_balancers[lb_index];
  if (reply_) {
    load_balancer_reply(node, h);
    return;
  }
  hop("LoadBalancer", lb.id, lb.name, "ingress", std::nullopt,
      std::string(model::load_balancer_type_name(lb.type)) +
          (lb.internet_facing ? ", internet-facing" : ", internal") + ", node in " +
          zone_of(n_, node));
  if (lb.state != "active" && lb.state != "active_impaired") {
    drop("BAD_STATE", "LoadBalancer", lb.id, "", "load balancer " + lb.id + " is " + lb.state,
         "");
    return;
  }
  // A Network Load Balancer created without security groups has none (§2); PrivateLink traffic
  // may be exempt from the groups it has (EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic).
  const bool filtered = !iface.security_groups.empty() &&
                        (via_endpoint_ == kNone || lb.enforce_security_groups_on_private_link);
  if (filtered && !security_group(node, h, true)) return;
  const model::Listener* l = listener_for(lb, h);
  if (!l) {
    std::string ports;
    for (Index x : lb.listeners) {
      ports += (ports.empty() ? "" : ", ") + std::string(model::lb_protocol_name(n_.listeners[x].protocol)) +
               " " + std::to_string(n_.listeners[x].port);
    }
    drop(listener_code(lb), "LoadBalancer", lb.id, "ingress",
         "load balancer " + lb.id + " has no listener for " + h.protocol.str() + " port " +
             std::to_string(h.dst_port) + (ports.empty() ? " (it has none)" : " (it listens on " + ports + ")"),
         "add a listener for port " + std::to_string(h.dst_port) + " or send to a listener's port");
    return;
  }
  hop("LoadBalancerListener", l->id, l->name, "", std::nullopt,
      std::string(model::lb_protocol_name(l->protocol)) + " " + std::to_string(l->port));
  // A walk aimed at the load balancer (its node), or at no interface, ends at the node.
  const bool goal_is_here = goal_ && goal_->kind == EndpointKind::kNetworkInterface &&
                            n_.network_interfaces[goal_->index].load_balancer == lb_index;
  if (goal_is_here || !goal_ || goal_->kind != EndpointKind::kNetworkInterface) {
    if (loopback(node, *l, h)) return;
    if (full_) listener_notes(*l);
    arrival = Arrival{EndpointKind::kNetworkInterface, node, h};
    return;
  }
  // The candidate targets: a Classic Load Balancer's instances, or the targets of the groups
  // the listener may forward to.
  struct Candidate {
    const model::TargetGroup* group;  // null: a Classic Load Balancer's instance
    const model::Target* target;
    Index eni;
  };
  std::optional<Candidate> chosen;
  bool answered_at_lb = false;
  if (classic(lb)) {
    for (const auto& inst : lb.instances) {
      if (!inst.resolved()) continue;
      const auto& i = n_.instances[inst.index];
      if (!i.network_interfaces.empty() && i.network_interfaces.front() == goal_->index) {
        chosen = Candidate{nullptr, nullptr, goal_->index};
        break;
      }
    }
  } else {
    for (Index g : forwarded_groups(*l, h, answered_at_lb)) {
      const auto& tg = n_.target_groups[g];
      for (const auto& t : tg.targets) {
        if (t.eni == goal_->index && tg.target_type != model::TargetType::kLambda) {
          chosen = Candidate{&tg, &t, t.eni};
          break;
        }
      }
      if (chosen) break;
    }
  }
  if (!chosen) {
    const auto& goal = n_.network_interfaces[goal_->index];
    drop("ELBV2_LISTENER_REQUIRES_TG_ACCEPT", "LoadBalancerListener", l->id, "",
         answered_at_lb && !classic(lb)
             ? "listener " + l->id + " answers at the load balancer (a redirect or a fixed "
                   "response): nothing behind it is reached"
             : "no target group listener " + l->id + " forwards to holds " + goal.id,
         "register " + goal.id + " in a target group the listener forwards to");
    return;
  }
  load_balancer_to_target(node, *l, chosen->group, chosen->target, chosen->eni, h);
}

void Walker::load_balancer_to_target(Index node, const model::Listener& l,
                                     const model::TargetGroup* tg, const model::Target* t,
                                     Index target_eni, Packet h) {
  const auto& iface = n_.network_interfaces[node];
  const Index lb_index = iface.load_balancer;
  const auto& lb = n_.load_balancers[lb_index];
  const auto& target_iface = n_.network_interfaces[target_eni];
  std::string zone = target_zone(n_, t, target_eni);
  const std::string& node_zone = zone_of(n_, node);
  if (zone != "all") {
    if (!has_node_in(n_, lb, zone)) {
      drop("ELB_INSTALLED_AZ_RESTRICTION", "LoadBalancer", lb.id, "",
           "target " + target_iface.id + " is in availability zone " + zone + ", where load balancer " +
               lb.id + " has no node, so it receives nothing",
           "enable a subnet in " + zone + " on the load balancer");
      return;
    }
    bool cross = cross_zone(lb, tg);
    if (!cross && zone != node_zone) {
      drop("ELB_NOT_CROSSZONE", "LoadBalancer", lb.id, "",
           "the node of " + lb.id + " in " + node_zone + " sends only to targets in " + node_zone +
               " (cross-zone load balancing is off), and target " + target_iface.id + " is in " + zone,
           "turn on cross-zone load balancing, or register a target in " + node_zone);
      return;
    }
    if (cross && zone != node_zone)
      note("AVAILABILITY_ZONE_CROSSED", "LoadBalancer", lb.id,
           "the node in " + node_zone + " sends to target " + target_iface.id + " in " + zone);
  }
  if (iface.private_ips.empty() || (target_iface.private_ips.empty() && !(t && t->ip))) {
    drop("NO_PATH", "LoadBalancer", lb.id, "",
         "load balancer " + lb.id + " or target " + target_iface.id + " has no IPv4 address",
         "give the subnets IPv4 CIDRs");
    return;
  }
  // The packet the node sends to the target (the table in §0).
  Packet out = h;
  out.dst = t && t->ip ? *t->ip : target_iface.private_ips.front();
  out.dst_origin = Origin::kConstant;
  out.dst_port = classic(lb) ? l.instance_port : (t && t->port ? *t->port : tg->port);
  out.dst_port_origin = Origin::kConstant;
  // Through PrivateLink the target sees the node's address whatever the group says (§5.3).
  const bool preserved = via_endpoint_ == kNone && lb.type == model::LoadBalancerType::kNetwork &&
                         tg && (tg->preserves_client_ip() || tg->target_type == model::TargetType::kAlb);
  std::string how;
  if (preserved) {
    tested(h, AddressField::kSrc, out.dst);
    if (h.src == out.dst) {
      drop("LOAD_BALANCER_LOOPBACK", "LoadBalancerTargetGroup", tg->id, "egress",
           "target " + target_iface.id + " is the client: with the client's address kept, the "
               "node sends it a packet from its own address, and the connection times out",
           "turn off client IP preservation on " + tg->id + " (preserve_client_ip.enabled)");
      return;
    }
    how = "client address kept (ELBV2_SOURCE_ADDRESS_PRESERVATION)";
  } else {
    out.src = iface.private_ips.front();
    out.src_origin = Origin::kConstant;
    // REMAP_EPHEMERAL_PORT: the node picks a port in 1024-65535; as for NAT gateways
    // (docs/semantics.md), the client's port when it is in that range, else 1024.
    if (!port_is(h, PortField::kSrc, {1024, 65535})) {
      out.src_port = 1024;
      out.src_port_origin = Origin::kConstant;
    }
    how = "new connection from the node's address " + out.src.str() + " (REMAP_EPHEMERAL_PORT)";
  }
  const std::string group_id = tg ? tg->id : lb.id;
  hop(tg ? "LoadBalancerTargetGroup" : "ClassicLoadBalancerListener", group_id, tg ? tg->name : "",
      "egress", std::nullopt,
      "to " + target_iface.id + " port " + std::to_string(out.dst_port) + "; " + how);
  translated(h, out);
  connection_.load_balancers.push_back(
      {lb_index, node, target_eni, h, out, preserved, via_endpoint_, via_packet_});
  if (!iface.security_groups.empty() && !security_group(node, out, false)) return;
  // ELB_ACL_RESTRICTION: a Classic Load Balancer applies its subnet's network ACL to outbound
  // traffic even to a target in the same subnet (§3).
  if (classic(lb) && target_iface.subnet.index == iface.subnet.index) {
    if (!network_acl(iface.subnet.index, out, false)) {
      why_.back().code = "ELB_ACL_RESTRICTION";
      return;
    }
  }
  leave_interface(node, out);
}

bool Walker::loopback(Index node, const model::Listener& l, const Packet& h) {
  // aws-vpc-services.md §2 "Hairpin/loopback": a target calling its own Network Load Balancer
  // that keeps client addresses gets through only when the node sends the flow to another
  // target; sent back to itself, source and destination are one address and it times out.
  // The node may pick any target it sends to, so the client is reached for certain only when
  // another target can be chosen.
  const auto& lb = n_.load_balancers[n_.network_interfaces[node].load_balancer];
  if (lb.type != model::LoadBalancerType::kNetwork || via_endpoint_ != kNone) return false;
  bool answered_at_lb = false;
  const std::string& node_zone = zone_of(n_, node);
  std::vector<Prefix> kept;  // the addresses of targets that see the client's address
  bool self = false, other = false;
  const model::TargetGroup* self_group = nullptr;
  for (Index g : forwarded_groups(l, h, answered_at_lb)) {
    const auto& tg = n_.target_groups[g];
    for (const auto& t : tg.targets) {
      if (!may_send(n_, lb, node_zone, tg, t)) continue;
      auto a = target_address(n_, t);
      if (!a) continue;
      if (!tg.preserves_client_ip()) {
        other = true;
        continue;
      }
      kept.push_back(Prefix::host(*a));
      if (*a == h.src) {
        self = true;
        self_group = &tg;
      } else {
        other = true;
      }
    }
  }
  if (!kept.empty()) tested(h, AddressField::kSrc, kept);
  if (!self) return false;
  if (other) {
    note("LOAD_BALANCER_LOOPBACK", "LoadBalancerTargetGroup", self_group->id,
         "the client " + h.src.str() + " is itself a target of " + self_group->id +
             ": the connections the node sends back to it time out");
    return false;
  }
  drop("LOAD_BALANCER_LOOPBACK", "LoadBalancerTargetGroup", self_group->id, "",
       "the only target node " + n_.network_interfaces[node].id + " can send to is the client " +
           h.src.str() + " itself: with the client's address kept, source and destination are "
           "one address and the connection times out",
       "register another target, or turn off client IP preservation on " + self_group->id);
  return true;
}

void Walker::load_balancer_reply(Index node, Packet h) {
  // The reply of a target to the node: the node answers its client on the front connection.
  const auto& lb = n_.load_balancers[n_.network_interfaces[node].load_balancer];
  auto it = std::find_if(connection_.load_balancers.begin(), connection_.load_balancers.end(),
                         [&](const LoadBalancerEntry& e) {
                           if (e.node != node) return false;
                           if (obs_) obs_->same_address(e.back.src_origin, e.back.src, h.dst_origin, h.dst);
                           return e.back.src == h.dst;
                         });
  if (it == connection_.load_balancers.end()) {
    hop("LoadBalancer", lb.id, lb.name, "ingress", std::nullopt, "");
    if (connection_.load_balancers.empty()) {
      // No client's connection passed a node: the node opened this one itself (a trace from the
      // load balancer to a target, or a Gateway Load Balancer's to an appliance).
      arrival = Arrival{EndpointKind::kNetworkInterface, node, h};
      return;
    }
    drop("NO_POSSIBLE_DESTINATION", "LoadBalancer", lb.id, "ingress",
         "load balancer " + lb.id + " accepts only replies to the connections it opened", "");
    return;
  }
  if (it->endpoint_eni != kNone) {
    // PrivateLink: the node answers through the consumer's endpoint, from its address (§5.3).
    const auto& iface = n_.network_interfaces[it->endpoint_eni];
    Packet out = it->consumer.reversed();
    hop("LoadBalancer", lb.id, lb.name, "", std::nullopt, "answers the client through PrivateLink");
    hop("VPCEndpoint", n_.vpc_endpoints[iface.vpc_endpoint].id, n_.vpc_endpoints[iface.vpc_endpoint].name,
        "egress", std::nullopt, "interface " + iface.id);
    translated(h, out);
    leave_interface(it->endpoint_eni, out);
    return;
  }
  Packet out = it->front.reversed();
  hop("LoadBalancer", lb.id, lb.name, "", std::nullopt, "answers the client");
  translated(h, out);
  leave_interface(node, out);
}

bool Walker::preserved_reply(Index eni, const Packet& h) {
  // A target's reply to a client whose address a Network Load Balancer kept returns through the
  // node whatever the target's route table says (the model of §2); its subnet's network ACL
  // still applies.
  for (const auto& e : connection_.load_balancers) {
    if (!e.preserved || e.target != eni) continue;
    const auto& target = n_.network_interfaces[eni];
    const auto& node = n_.network_interfaces[e.node];
    if (target.subnet.index != node.subnet.index) {
      if (!network_acl(target.subnet.index, h, false)) return true;
      if (!network_acl(node.subnet.index, h, true)) return true;
    }
    load_balancer_reply(e.node, h);
    return true;
  }
  return false;
}

}  // namespace cloudtwin::vpc::detail
