// Readers for Elastic Load Balancing and Auto Scaling: load balancers with their listeners and
// rules inline, target groups with their targets, launch templates and Auto Scaling groups
// (docs/format.md, "Load balancers").
#include "native_yaml_readers.h"

namespace cloudtwin::load::yaml {
namespace {

std::optional<model::LbProtocol> read_lb_protocol(Value v) {
  auto text = v.choice({"HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE", "SSL"});
  if (!text) return std::nullopt;
  return model::parse_lb_protocol(*text);
}

std::optional<std::uint16_t> read_port(Value v) {
  auto p = v.integer(1, 65535);
  if (!p) return std::nullopt;
  return static_cast<std::uint16_t>(*p);
}

// `target_groups:` of a forward action: names, or mappings of `target_group` and `weight`.
std::vector<model::WeightedTargetGroup> read_weighted(Fields& f) {
  std::vector<model::WeightedTargetGroup> out;
  for (auto& item : f.get("target_groups").items()) {
    model::WeightedTargetGroup w;
    if (item.is_mapping()) {
      Fields g = item.fields({"target_group", "weight"});
      g.set_resource(f.resource());
      g.check();
      w.target_group = g.require("target_group").ref();
      if (auto weight = g.get("weight").integer(0, 999)) w.weight = static_cast<int>(*weight);
    } else {
      w.target_group = item.ref();
    }
    out.push_back(std::move(w));
  }
  return out;
}

// The action of a rule or of a listener's default rule.
void read_action(Fields& f, model::ListenerRule& rule) {
  if (auto a = f.get("action").choice({"forward", "redirect", "fixed-response"})) {
    rule.action = *a == "forward"    ? model::ListenerAction::kForward
                  : *a == "redirect" ? model::ListenerAction::kRedirect
                                     : model::ListenerAction::kFixedResponse;
  }
  rule.target_groups = read_weighted(f);
  if (rule.action == model::ListenerAction::kForward && rule.target_groups.empty()) {
    f.error("a forward action needs `target_groups`",
            "name the target groups it forwards to, or set `action: redirect` or "
            "`action: fixed-response`");
  } else if (rule.action != model::ListenerAction::kForward && !rule.target_groups.empty()) {
    f.error_at("target_groups", "only a forward action has `target_groups`");
  }
}

void read_rule(Context& cx, Value& item, const std::string& listener_id, Location listener_at) {
  Fields f = item.fields({"id", "name", "priority", "action", "target_groups", "source_ips",
                          "conditions"});
  auto& rule = cx.network.listener_rules.emplace_back();
  rule.at = f.at();
  rule.listener = {listener_id, listener_at};
  if (!f.is_mapping()) {
    f.check();
    return;
  }
  if (auto p = f.require("priority").integer(1, 50000)) rule.priority = static_cast<int>(*p);
  if (auto id = f.get("id").text()) {
    rule.id = *id;
  } else {
    rule.id = listener_id + "/rule/" + std::to_string(rule.priority);
  }
  if (auto name = f.get("name").text()) rule.name = *name;
  f.set_resource(rule.id);
  f.check();
  read_action(f, rule);
  rule.source_ips = f.prefixes("source_ips");
  // Conditions on what a packet's header does not carry (host-header, path-pattern,
  // http-header, http-request-method, query-string): the rule may match any request.
  for (auto& c : f.get("conditions").items()) {
    if (c.choice({"host-header", "path-pattern", "http-header", "http-request-method",
                  "query-string"}))
      rule.other_conditions = true;
  }
}

void read_listener(Context& cx, Value& item, const model::LoadBalancer& lb) {
  Fields f = item.fields({"id", "name", "port", "protocol", "action", "target_groups",
                          "instance_port", "instance_protocol", "rules"});
  auto& l = cx.network.listeners.emplace_back();
  l.at = f.at();
  l.load_balancer = {lb.id, lb.at};
  if (!f.is_mapping()) {
    f.check();
    return;
  }
  const bool gateway = lb.type == model::LoadBalancerType::kGateway;
  if (!gateway) {
    if (auto p = read_port(f.require("port"))) l.port = *p;
  }
  if (auto p = read_lb_protocol(f.get("protocol"))) {
    l.protocol = *p;
  } else if (!f.has("protocol")) {
    // The protocol ELB's console proposes for each type.
    l.protocol = gateway ? model::LbProtocol::kGeneve
                 : lb.type == model::LoadBalancerType::kNetwork ? model::LbProtocol::kTcp
                                                                : model::LbProtocol::kHttp;
  }
  if (auto id = f.get("id").text()) {
    l.id = *id;
  } else {
    l.id = lb.id + ":" + (gateway ? std::string("all") : std::to_string(l.port));
  }
  if (auto name = f.get("name").text()) l.name = *name;
  f.set_resource(l.id);
  f.check();
  if (lb.type == model::LoadBalancerType::kClassic) {
    if (auto p = read_port(f.get("instance_port"))) l.instance_port = *p;
    l.instance_protocol = l.protocol;
    if (auto p = read_lb_protocol(f.get("instance_protocol"))) l.instance_protocol = *p;
    if (!f.has("instance_port")) l.instance_port = l.port;
    for (auto key : {"action", "target_groups", "rules"}) {
      if (f.has(key))
        f.error_at(key, "a Classic Load Balancer's listeners send to its `instances`",
                   "list the instances on the load balancer");
    }
  } else {
    for (auto key : {"instance_port", "instance_protocol"}) {
      if (f.has(key)) f.error_at(key, "only Classic Load Balancer listeners have `" + std::string(key) + "`");
    }
    l.default_rule.id = l.id + "/default";
    l.default_rule.at = l.at;
    read_action(f, l.default_rule);
    if (f.has("rules") && lb.type != model::LoadBalancerType::kApplication) {
      f.error_at("rules", "only Application Load Balancer listeners have rules");
    }
    const std::string id = l.id;
    const Location at = l.at;
    for (auto& r : f.get("rules").items()) read_rule(cx, r, id, at);
  }
}

}  // namespace

void read_load_balancer(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "type", "scheme", "subnets", "subnet_mappings",
                          "security_groups", "cross_zone", "ip_address_type",
                          "enforce_security_groups_on_private_link", "state", "dns_name",
                          "instances", "listeners"});
  auto& lb = add_resource(f, cx.network.load_balancers, "lb-");
  if (!f.is_mapping()) return;
  if (auto t = f.get("type").choice({"application", "network", "gateway", "classic"})) {
    lb.type = *t == "application" ? model::LoadBalancerType::kApplication
              : *t == "network"   ? model::LoadBalancerType::kNetwork
              : *t == "gateway"   ? model::LoadBalancerType::kGateway
                                  : model::LoadBalancerType::kClassic;
  }
  if (auto s = f.get("scheme").choice({"internet-facing", "internal"})) {
    lb.internet_facing = *s == "internet-facing";
    if (lb.type == model::LoadBalancerType::kGateway)
      f.error_at("scheme", "a Gateway Load Balancer has no scheme");
  }
  if (f.has("subnets") && f.has("subnet_mappings")) {
    f.error_at("subnet_mappings", "write either `subnets` or `subnet_mappings`, not both");
  }
  for (auto& ref : f.refs("subnets")) {
    model::LoadBalancerNode node;
    node.at = ref.at;
    node.subnet = std::move(ref);
    lb.nodes.push_back(std::move(node));
  }
  for (auto& m : f.get("subnet_mappings").items()) {
    Fields g = m.fields({"subnet", "private_ip", "elastic_ip", "public_ip", "ipv6_address",
                         "network_interface"});
    g.set_resource(lb.id);
    g.check();
    model::LoadBalancerNode node;
    node.at = g.at();
    if (!g.is_mapping()) continue;
    node.subnet = g.require("subnet").ref();
    node.private_ip = g.get("private_ip").address(Family::kV4);
    node.elastic_ip = g.get("elastic_ip").ref();
    node.public_ip = g.get("public_ip").address(Family::kV4);
    node.ipv6_address = g.get("ipv6_address").address(Family::kV6);
    node.network_interface = g.get("network_interface").ref();
    lb.nodes.push_back(std::move(node));
  }
  if (lb.nodes.empty() && !f.has("subnets") && !f.has("subnet_mappings"))
    f.error("a load balancer needs `subnets` (one per availability zone)");
  lb.security_groups = f.refs("security_groups");
  if (auto b = f.get("cross_zone").boolean()) lb.cross_zone = *b;
  if (auto t = f.get("ip_address_type").choice({"ipv4", "dualstack", "dualstack-without-public-ipv4"}))
    lb.dualstack = *t != "ipv4";
  if (auto b = f.get("enforce_security_groups_on_private_link").boolean())
    lb.enforce_security_groups_on_private_link = *b;
  if (auto s = f.get("state").choice({"active", "provisioning", "active_impaired", "failed"}))
    lb.state = *s;
  if (auto d = f.get("dns_name").text()) lb.dns_name = *d;
  lb.instances = f.refs("instances");
  if (!lb.instances.empty() && lb.type != model::LoadBalancerType::kClassic) {
    f.error_at("instances", "only a Classic Load Balancer has `instances`",
               "register targets in a target group");
  }
  // (read_listener grows listeners and listener_rules, never load_balancers: `lb` stays put.)
  for (auto& l : f.get("listeners").items()) read_listener(cx, l, lb);
}

void read_target_group(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "target_type", "protocol", "port", "vpc", "targets",
                          "preserve_client_ip", "cross_zone", "health_check_port",
                          "ip_address_type"});
  auto& tg = add_resource(f, cx.network.target_groups, "tg-");
  if (!f.is_mapping()) return;
  if (auto t = f.get("target_type").choice({"instance", "ip", "lambda", "alb"})) {
    tg.target_type = *t == "instance" ? model::TargetType::kInstance
                     : *t == "ip"     ? model::TargetType::kIp
                     : *t == "lambda" ? model::TargetType::kLambda
                                      : model::TargetType::kAlb;
  }
  if (auto p = read_lb_protocol(f.get("protocol"))) tg.protocol = *p;
  if (auto p = read_port(f.get("port"))) tg.port = *p;
  tg.vpc = f.get("vpc").ref();
  if (auto b = f.get("preserve_client_ip").boolean()) tg.preserve_client_ip = *b;
  if (auto b = f.get("cross_zone").boolean()) tg.cross_zone = *b;
  if (auto v = f.get("health_check_port"); v.present()) {
    if (v.is_scalar() && v.text() == "traffic-port") {
      tg.health_check_port.reset();
    } else if (auto p = read_port(v)) {
      tg.health_check_port = *p;
    }
  }
  if (auto t = f.get("ip_address_type").choice({"ipv4", "ipv6"})) tg.ipv6 = *t == "ipv6";
  for (auto& t : f.get("targets").items()) {
    model::Target target;
    target.at = t.at();
    if (!t.is_mapping()) {
      // A bare name: an instance, an address or a load balancer, by the group's type.
      if (tg.target_type == model::TargetType::kIp) {
        target.ip = t.address();
      } else if (tg.target_type == model::TargetType::kAlb) {
        target.load_balancer = t.ref();
      } else {
        target.instance = t.ref();
      }
      tg.targets.push_back(std::move(target));
      continue;
    }
    Fields g = t.fields({"instance", "ip", "load_balancer", "port", "availability_zone", "health"});
    g.set_resource(tg.id);
    g.check();
    target.instance = g.get("instance").ref();
    target.ip = g.get("ip").address();
    target.load_balancer = g.get("load_balancer").ref();
    const int given = int(g.has("instance")) + int(g.has("ip")) + int(g.has("load_balancer"));
    if (given != 1) g.error("a target is one of `instance`, `ip` or `load_balancer`");
    if (auto p = read_port(g.get("port"))) target.port = *p;
    if (auto z = g.get("availability_zone").text()) target.availability_zone = *z;
    if (auto h = g.get("health").choice({"initial", "healthy", "unhealthy", "unused", "draining",
                                          "unavailable"}))
      target.health = *h;
    tg.targets.push_back(std::move(target));
  }
}

void read_launch_template(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "security_groups", "associate_public_ip"});
  auto& lt = add_resource(f, cx.network.launch_templates, "lt-");
  if (!f.is_mapping()) return;
  lt.security_groups = f.refs("security_groups");
  if (auto b = f.get("associate_public_ip").boolean()) lt.associate_public_ip = *b;
}

void read_auto_scaling_group(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "subnets", "launch_template", "target_groups",
                          "load_balancers"});
  auto& g = add_resource(f, cx.network.auto_scaling_groups, "asg-");
  if (!f.is_mapping()) return;
  f.require("subnets");
  g.subnets = f.refs("subnets");
  g.launch_template = f.get("launch_template").ref();
  g.target_groups = f.refs("target_groups");
  g.load_balancers = f.refs("load_balancers");
}

void read_vpc_endpoint_service(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "service_name", "network_load_balancers",
                          "gateway_load_balancers", "acceptance_required", "allowed_principals"});
  auto& s = add_resource(f, cx.network.vpc_endpoint_services, "vpce-svc-");
  if (!f.is_mapping()) return;
  // The name consumers' endpoints give: com.amazonaws.vpce.<region>.<id> unless written.
  if (auto name = f.get("service_name").text())
    s.service_name = *name;
  else
    s.service_name = "com.amazonaws.vpce." + (cx.region.empty() ? cx.network.default_region : cx.region) + "." + s.id;
  s.network_load_balancers = f.refs("network_load_balancers");
  s.gateway_load_balancers = f.refs("gateway_load_balancers");
  if (s.network_load_balancers.empty() == s.gateway_load_balancers.empty()) {
    f.error_at(f.has("network_load_balancers") ? "gateway_load_balancers" : "id",
               "an endpoint service has Network Load Balancers or Gateway Load Balancers",
               "give `network_load_balancers` or `gateway_load_balancers`, not both");
  }
  if (auto b = f.get("acceptance_required").boolean()) s.acceptance_required = *b;
  for (auto& p : f.get("allowed_principals").items()) {
    if (auto t = p.text()) s.allowed_principals.emplace_back(*t);
  }
}

}  // namespace cloudtwin::load::yaml
