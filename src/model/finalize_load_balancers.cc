// finalize() for Elastic Load Balancing and Auto Scaling: each load balancer's nodes get their
// network interfaces (as ELB makes them in every enabled subnet), each Auto Scaling group one
// representative instance per subnet, and listeners, rules and target groups are linked and
// checked as the ELB API checks them (shared/reference/aws-vpc-services.md §0-§3).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "finalize_context.h"

namespace cloudtwin::model {

namespace {

const char* node_interface_type(LoadBalancerType t) {
  switch (t) {
    case LoadBalancerType::kNetwork: return "network_load_balancer";
    case LoadBalancerType::kGateway: return "gateway_load_balancer";
    default: return "load_balancer";  // which value ALB and CLB ENIs carry is unconfirmed (§0)
  }
}

// The listener protocols each type takes (load-balancer-listeners.html for each type).
bool listener_protocol_allowed(LoadBalancerType t, LbProtocol p) {
  switch (t) {
    case LoadBalancerType::kApplication: return p == LbProtocol::kHttp || p == LbProtocol::kHttps;
    case LoadBalancerType::kNetwork:
      return p == LbProtocol::kTcp || p == LbProtocol::kTls || p == LbProtocol::kUdp ||
             p == LbProtocol::kTcpUdp;
    case LoadBalancerType::kGateway: return p == LbProtocol::kGeneve;
    case LoadBalancerType::kClassic:
      return p == LbProtocol::kHttp || p == LbProtocol::kHttps || p == LbProtocol::kTcp ||
             p == LbProtocol::kSsl;
  }
  return false;
}

// Which target group protocols an NLB listener forwards to (§2: TCP -> TCP|TCP_UDP, TLS ->
// TCP|TLS, UDP -> UDP|TCP_UDP, TCP_UDP -> TCP_UDP); ALB listeners forward to HTTP and HTTPS
// groups whatever their own protocol.
bool forwards_to(LoadBalancerType t, LbProtocol listener, LbProtocol group) {
  switch (t) {
    case LoadBalancerType::kApplication:
      return group == LbProtocol::kHttp || group == LbProtocol::kHttps;
    case LoadBalancerType::kNetwork:
      switch (listener) {
        case LbProtocol::kTcp: return group == LbProtocol::kTcp || group == LbProtocol::kTcpUdp;
        case LbProtocol::kTls: return group == LbProtocol::kTcp || group == LbProtocol::kTls;
        case LbProtocol::kUdp: return group == LbProtocol::kUdp || group == LbProtocol::kTcpUdp;
        case LbProtocol::kTcpUdp: return group == LbProtocol::kTcpUdp;
        default: return false;
      }
    case LoadBalancerType::kGateway: return group == LbProtocol::kGeneve;
    case LoadBalancerType::kClassic: return false;
  }
  return false;
}

// load-balancer-target-groups.html: ip targets outside the target group's VPC must be in
// 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10.
bool private_target_range(IpAddress a) {
  static const Prefix kRanges[] = {*Prefix::parse("10.0.0.0/8"), *Prefix::parse("172.16.0.0/12"),
                                   *Prefix::parse("192.168.0.0/16"),
                                   *Prefix::parse("100.64.0.0/10")};
  if (!a.is_v4()) return true;  // IPv6 targets: the group's VPC decides (checked by subnet)
  return std::any_of(std::begin(kRanges), std::end(kRanges),
                     [&](const Prefix& p) { return p.contains(a); });
}

}  // namespace

void resolve_load_balancing(FinalizeContext& c) {
  Network& n = c.network();
  for (auto& lb : n.load_balancers) {
    for (auto& node : lb.nodes) {
      c.resolve(lb, node.subnet, {Kind::kSubnet});
      c.resolve(lb, node.elastic_ip, {Kind::kElasticIp});
      c.resolve(lb, node.network_interface, {Kind::kNetworkInterface});
    }
    c.resolve_all(lb, lb.security_groups, {Kind::kSecurityGroup});
    c.resolve_all(lb, lb.instances, {Kind::kInstance});
  }
  auto resolve_rule = [&](const Resource& owner, ListenerRule& rule) {
    for (auto& w : rule.target_groups) c.resolve(owner, w.target_group, {Kind::kTargetGroup});
  };
  for (auto& l : n.listeners) {
    c.resolve(l, l.load_balancer, {Kind::kLoadBalancer});
    resolve_rule(l, l.default_rule);
  }
  for (auto& r : n.listener_rules) {
    c.resolve(r, r.listener, {Kind::kListener});
    resolve_rule(r, r);
  }
  for (auto& tg : n.target_groups) {
    c.resolve(tg, tg.vpc, {Kind::kVpc});
    for (auto& t : tg.targets) {
      c.resolve(tg, t.instance, {Kind::kInstance});
      c.resolve(tg, t.load_balancer, {Kind::kLoadBalancer});
    }
  }
  for (auto& lt : n.launch_templates) c.resolve_all(lt, lt.security_groups, {Kind::kSecurityGroup});
  for (auto& g : n.auto_scaling_groups) {
    c.resolve_all(g, g.subnets, {Kind::kSubnet});
    c.resolve(g, g.launch_template, {Kind::kLaunchTemplate});
    c.resolve_all(g, g.target_groups, {Kind::kTargetGroup});
    c.resolve_all(g, g.load_balancers, {Kind::kLoadBalancer});
  }
  for (auto& s : n.vpc_endpoint_services) {
    c.resolve_all(s, s.network_load_balancers, {Kind::kLoadBalancer});
    c.resolve_all(s, s.gateway_load_balancers, {Kind::kLoadBalancer});
  }
}

namespace {

void make_nodes(FinalizeContext& c, Index l) {
  Network& n = c.network();
  LoadBalancer& lb = n.load_balancers[l];
  if (lb.type == LoadBalancerType::kGateway) lb.internet_facing = false;  // no scheme (§4)
  std::map<std::string, Location> zones;
  for (std::size_t k = 0; k < lb.nodes.size(); ++k) {
    auto& node = n.load_balancers[l].nodes[k];
    if (!node.subnet.resolved()) continue;
    const Subnet& s = n.subnets[node.subnet.index];
    if (lb.vpc == kNone) lb.vpc = s.vpc.index;
    if (s.vpc.index != lb.vpc) {
      c.error(lb, node.at, "subnet " + s.id + " is in another VPC than the load balancer's other subnets");
      continue;
    }
    // CreateLoadBalancer: "You can specify only one subnet per Availability Zone."
    if (!s.availability_zone.empty()) {
      auto [it, fresh] = zones.emplace(s.availability_zone, node.at);
      if (!fresh) {
        c.error(lb, node.at, "two subnets of the load balancer are in availability zone " +
                                 s.availability_zone,
                "enable one subnet per availability zone");
        continue;
      }
    }
    if (node.network_interface.resolved()) {
      node.eni = node.network_interface.index;
      n.network_interfaces[node.eni].load_balancer = l;
      continue;
    }
    NetworkInterface eni;
    eni.id = "eni-" + made_id_part(lb.id) + "-" + made_id_part(s.id);
    eni.name = lb.name.empty() ? lb.id : lb.name;
    eni.name += " node in " + (s.availability_zone.empty() ? s.id : s.availability_zone);
    eni.at = node.at;
    eni.subnet = {s.id, node.at, node.subnet.index};
    if (node.private_ip) eni.private_ips.push_back(*node.private_ip);
    if (node.ipv6_address) eni.ipv6_addresses.push_back(*node.ipv6_address);
    eni.security_groups = lb.security_groups;
    eni.interface_type = node_interface_type(lb.type);
    eni.status = "in-use";
    eni.ephemeral_ports = {1024, 65535};  // REMAP_EPHEMERAL_PORT: 1024-65535
    eni.load_balancer = l;
    if (lb.internet_facing && !node.elastic_ip.resolved()) {
      eni.public_ip = node.public_ip ? *node.public_ip : c.stand_in_public_address();
    }
    n.network_interfaces.push_back(std::move(eni));
    const auto e = static_cast<Index>(n.network_interfaces.size() - 1);
    n.load_balancers[l].nodes[k].eni = e;
    c.add_key(Kind::kNetworkInterface, e);
    if (node.elastic_ip.resolved()) {
      // The node's Elastic IP (SubnetMappings.AllocationId) maps to its private address.
      auto& eip = n.elastic_ips[node.elastic_ip.index];
      eip.network_interface = {n.network_interfaces[e].id, node.at, e};
    }
  }
  const LoadBalancer& done = n.load_balancers[l];
  if (done.type == LoadBalancerType::kApplication && zones.size() == 1) {
    // CreateLoadBalancer: an Application Load Balancer needs subnets in two zones at least.
    c.error(done, done.at, "an Application Load Balancer needs subnets in at least two availability zones");
  }
  if (done.nodes.empty()) c.error(done, done.at, "a load balancer needs at least one subnet");
}

void make_representatives(FinalizeContext& c, Index g) {
  Network& n = c.network();
  for (std::size_t k = 0; k < n.auto_scaling_groups[g].subnets.size(); ++k) {
    const AutoScalingGroup& group = n.auto_scaling_groups[g];
    const Ref& sref = group.subnets[k];
    if (!sref.resolved()) continue;
    const Subnet& s = n.subnets[sref.index];
    const LaunchTemplate* lt =
        group.launch_template.resolved() ? &n.launch_templates[group.launch_template.index] : nullptr;
    Instance inst;
    inst.id = "i-" + made_id_part(group.id) + "-" + made_id_part(s.id);
    inst.name = (group.name.empty() ? group.id : group.name) + " in " +
                (s.availability_zone.empty() ? s.id : s.availability_zone);
    inst.at = group.at;
    inst.stand_in = group.stand_in;
    inst.auto_scaling_group = g;
    NetworkInterface eni;
    eni.id = "eni-" + made_id_part(group.id) + "-" + made_id_part(s.id);
    eni.name = inst.name;
    eni.at = group.at;
    eni.subnet = {s.id, sref.at, sref.index};
    eni.instance = {inst.id, group.at};
    if (lt) {
      eni.security_groups = lt->security_groups;
      if (lt->associate_public_ip.value_or(false)) eni.public_ip = c.stand_in_public_address();
    }
    n.instances.push_back(std::move(inst));
    const auto i = static_cast<Index>(n.instances.size() - 1);
    eni.instance.index = i;
    n.network_interfaces.push_back(std::move(eni));
    c.add_key(Kind::kInstance, i);
    c.add_key(Kind::kNetworkInterface, static_cast<Index>(n.network_interfaces.size() - 1));
    auto& grp = n.auto_scaling_groups[g];
    grp.instances.push_back(i);
    const auto& made = n.instances[i];
    for (const auto& tg : grp.target_groups) {
      if (!tg.resolved()) continue;
      Target t;
      t.instance = {made.id, tg.at, i};
      t.at = tg.at;
      n.target_groups[tg.index].targets.push_back(std::move(t));
    }
    for (const auto& lb : grp.load_balancers) {
      if (lb.resolved()) n.load_balancers[lb.index].instances.push_back({made.id, lb.at, i});
    }
  }
}

}  // namespace

void materialise_load_balancing(FinalizeContext& c) {
  Network& n = c.network();
  for (Index l = 0; l < n.load_balancers.size(); ++l) make_nodes(c, l);
  for (Index g = 0; g < n.auto_scaling_groups.size(); ++g) {
    if (n.auto_scaling_groups[g].subnets.empty()) {
      const auto& group = n.auto_scaling_groups[g];
      c.error(group, group.at, "an Auto Scaling group needs at least one subnet (VPCZoneIdentifier)");
    }
    make_representatives(c, g);
  }
}

namespace {

void link_rule(FinalizeContext& c, const Resource& owner, const ListenerRule& rule,
               const Listener& listener, Index lb_index) {
  Network& n = c.network();
  const LoadBalancer& lb = n.load_balancers[lb_index];
  for (const auto& w : rule.target_groups) {
    if (w.weight < 0 || w.weight > 999) {
      c.error(owner, rule.at, "target group weight " + std::to_string(w.weight) + " is outside 0-999");
    }
    if (!w.target_group.resolved()) continue;
    auto& tg = n.target_groups[w.target_group.index];
    if (std::find(tg.load_balancers.begin(), tg.load_balancers.end(), lb_index) ==
        tg.load_balancers.end())
      tg.load_balancers.push_back(lb_index);
    if (!forwards_to(lb.type, listener.protocol, tg.protocol) &&
        !(lb.type == LoadBalancerType::kApplication && tg.target_type == TargetType::kLambda) &&
        !(lb.type == LoadBalancerType::kNetwork && tg.target_type == TargetType::kAlb &&
          tg.protocol == LbProtocol::kTcp)) {
      c.error(owner, rule.at,
              std::string("a ") + lb_protocol_name(listener.protocol) + " listener of " +
                  load_balancer_type_name(lb.type) + " load balancer " + lb.id +
                  " cannot forward to " + lb_protocol_name(tg.protocol) + " target group " + tg.id);
    }
    if (tg.vpc.resolved() && lb.vpc != kNone && tg.vpc.index != lb.vpc) {
      c.error(owner, rule.at, "target group " + tg.id + " is in another VPC than load balancer " + lb.id);
    }
  }
}

void link_targets(FinalizeContext& c, TargetGroup& tg) {
  Network& n = c.network();
  for (auto& t : tg.targets) {
    switch (tg.target_type) {
      case TargetType::kInstance:
        if (!t.instance.resolved()) {
          if (t.instance.empty()) c.error(tg, t.at, "an instance target needs an instance id");
          continue;
        }
        if (const auto& inst = n.instances[t.instance.index]; !inst.network_interfaces.empty())
          t.eni = inst.network_interfaces.front();
        // Instances in a peered VPC are registered by IP (load-balancer-target-groups.html).
        if (t.eni != kNone && tg.vpc.resolved() && n.network_interfaces[t.eni].vpc != tg.vpc.index) {
          c.error(tg, t.at, "instance " + t.instance.text + " is in another VPC than target group " + tg.id,
                  "register it by IP address in an ip target group");
        }
        break;
      case TargetType::kIp: {
        if (!t.ip) {
          c.error(tg, t.at, "an ip target needs an address");
          continue;
        }
        Index vpc = tg.vpc.resolved() ? tg.vpc.index : kNone;
        bool inside = vpc != kNone && n.subnet_containing(vpc, *t.ip) != kNone;
        if (!inside && !private_target_range(*t.ip)) {
          c.error(tg, t.at, "ip target " + t.ip->str() + " is publicly routable",
                  "ip targets lie in the target group's VPC or in 10.0.0.0/8, 172.16.0.0/12, "
                  "192.168.0.0/16 or 100.64.0.0/10");
          continue;
        }
        if (vpc != kNone) t.eni = n.eni_with_private_ip(vpc, *t.ip);
        if (t.eni == kNone) {
          // An address in a peered VPC or on premises: the walk finds its holder by routing.
          auto holders = n.eni_by_private_ip.equal_range(*t.ip);
          if (holders.size() == 1) t.eni = holders.front().second;
        }
        break;
      }
      case TargetType::kAlb:
        if (!t.load_balancer.resolved()) {
          if (t.load_balancer.empty()) c.error(tg, t.at, "an alb target needs a load balancer");
          continue;
        }
        if (n.load_balancers[t.load_balancer.index].type != LoadBalancerType::kApplication)
          c.error(tg, t.at, t.load_balancer.text + " is not an Application Load Balancer");
        break;
      case TargetType::kLambda: break;
    }
    if (t.port && *t.port == 0) c.error(tg, t.at, "target port 0 is outside 1-65535");
  }
  if (tg.port == 0 && tg.target_type != TargetType::kLambda) {
    if (tg.protocol == LbProtocol::kGeneve)
      tg.port = 6081;  // target-groups.html: GENEVE on port 6081
    else
      c.error(tg, tg.at, "a target group needs a port");
  }
  if (tg.protocol == LbProtocol::kGeneve && tg.port != 6081) {
    c.error(tg, tg.at, "a GENEVE target group listens on port 6081, not " + std::to_string(tg.port));
  }
}

}  // namespace

void link_load_balancing(FinalizeContext& c) {
  Network& n = c.network();
  for (Index i = 0; i < n.listeners.size(); ++i) {
    auto& l = n.listeners[i];
    if (!l.load_balancer.resolved()) {
      if (l.load_balancer.empty()) c.error(l, l.at, "a listener needs a load balancer");
      continue;
    }
    auto& lb = n.load_balancers[l.load_balancer.index];
    lb.listeners.push_back(i);
    if (!listener_protocol_allowed(lb.type, l.protocol)) {
      c.error(l, l.at, std::string("a ") + load_balancer_type_name(lb.type) +
                           " load balancer has no " + lb_protocol_name(l.protocol) + " listeners");
    }
    if (lb.type == LoadBalancerType::kGateway) {
      l.port = 0;  // gateway-listeners.html: no port, every packet
    } else if (l.port == 0) {
      c.error(l, l.at, "a listener needs a port in 1-65535");
    }
    if (lb.type == LoadBalancerType::kClassic && l.instance_port == 0)
      c.error(l, l.at, "a Classic Load Balancer listener needs an instance port");
  }
  for (Index i = 0; i < n.listener_rules.size(); ++i) {
    auto& r = n.listener_rules[i];
    if (!r.listener.resolved()) {
      if (r.listener.empty()) c.error(r, r.at, "a listener rule needs a listener");
      continue;
    }
    if (r.priority < 1 || r.priority > 50000)
      c.error(r, r.at, "rule priority " + std::to_string(r.priority) + " is outside 1-50000");
    n.listeners[r.listener.index].rules.push_back(i);
  }
  for (auto& l : n.listeners) {
    std::stable_sort(l.rules.begin(), l.rules.end(), [&](Index a, Index b) {
      return n.listener_rules[a].priority < n.listener_rules[b].priority;
    });
    for (std::size_t k = 1; k < l.rules.size(); ++k) {
      const auto& a = n.listener_rules[l.rules[k - 1]];
      const auto& b = n.listener_rules[l.rules[k]];
      if (a.priority == b.priority)
        c.error(b, b.at, "listener " + l.id + " has two rules of priority " + std::to_string(b.priority));
    }
    if (!l.load_balancer.resolved()) continue;
    const Index lb = l.load_balancer.index;
    link_rule(c, l, l.default_rule, l, lb);
    for (Index r : l.rules) link_rule(c, n.listener_rules[r], n.listener_rules[r], l, lb);
  }
  for (auto& lb : n.load_balancers) {
    std::sort(lb.listeners.begin(), lb.listeners.end(),
              [&](Index a, Index b) { return n.listeners[a].port < n.listeners[b].port; });
    if (lb.type == LoadBalancerType::kNetwork || lb.type == LoadBalancerType::kGateway) continue;
    if (lb.type == LoadBalancerType::kClassic) {
      for (const auto& inst : lb.instances) {
        if (!inst.resolved()) continue;
        const auto& i = n.instances[inst.index];
        if (!i.network_interfaces.empty() &&
            n.network_interfaces[i.network_interfaces.front()].vpc != lb.vpc)
          c.error(lb, inst.at, "instance " + i.id + " is in another VPC than the load balancer");
      }
    }
  }
  for (auto& tg : n.target_groups) link_targets(c, tg);
}

}  // namespace cloudtwin::model
