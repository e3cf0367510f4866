// Elastic Load Balancing (aws_lb / aws_alb and their listeners, rules and target groups, target
// group attachments; Classic aws_elb and its attachments), launch templates and configurations,
// Auto Scaling groups and their attachments, and PrivateLink endpoint services with their allowed
// principals (as cloudformation_resources_elb.cc; shared/reference/aws-vpc-services.md §7.2).
// A value that is wrong is a located error and the resource is still read, so that nothing that
// names it is lost too. Ids are those the state holds: ELBv2 ARNs, a Classic load balancer's,
// an Auto Scaling group's and a launch configuration's name (also in a plan, where the name is
// known before apply), lt-, vpce-svc-.
#include <algorithm>
#include <set>

#include "terraform_mapper.h"

namespace cloudtwin::load::terraform {

using json::Value;
using model::Index;
using model::Kind;
using model::LbProtocol;
using model::LoadBalancerType;
using model::Ref;
using Res = Mapper::Res;
using Types = std::vector<std::string_view>;

namespace {

const Types kLbTypes = {"aws_lb", "aws_alb"};
const Types kListenerTypes = {"aws_lb_listener", "aws_alb_listener"};
const Types kTargetGroupTypes = {"aws_lb_target_group", "aws_alb_target_group"};
const Types kSubnetTypes = {"aws_subnet", "aws_default_subnet"};
const Types kSgTypes = {"aws_security_group", "aws_default_security_group"};
const Types kVpcTypes = {"aws_vpc", "aws_default_vpc"};

std::string join(std::initializer_list<std::string_view> options) {
  std::string s;
  std::size_t i = 0;
  for (auto o : options) {
    s += (i == 0 ? "" : i + 1 == options.size() ? " or " : ", ") + std::string(o);
    ++i;
  }
  return s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out;
}

// The value of `v` when it is one of `options` (any case when `any_case`, as the provider
// validates protocols); nullopt when absent, or wrong (a located error naming the options).
std::optional<std::string> choice(Mapper& m, const Value& v, std::string_view field,
                                  std::initializer_list<std::string_view> options,
                                  bool any_case = false) {
  auto s = m.rd.str(v, field);
  if (!s) return std::nullopt;
  const std::string text = any_case ? upper(*s) : std::string(*s);
  for (auto o : options) {
    if (text == o) return text;
  }
  m.rd.error(
      v.offset(), m.rd.resource(),
      "`" + std::string(field) + "` must be " + join(options) + ", not `" + std::string(*s) + "`");
  return std::nullopt;
}

std::optional<LbProtocol> protocol(Mapper& m, const Value& v, std::string_view field,
                                   std::initializer_list<std::string_view> options) {
  auto p = choice(m, v, field, options, true);
  return p ? model::parse_lb_protocol(*p) : std::nullopt;
}

const std::initializer_list<std::string_view> kV2Protocols = {"HTTP", "HTTPS",   "TCP",   "TLS",
                                                              "UDP",  "TCP_UDP", "GENEVE"};
const std::initializer_list<std::string_view> kClassicProtocols = {"HTTP", "HTTPS", "TCP", "SSL"};

std::optional<std::uint16_t> port(Mapper& m, const Value& v, std::string_view field) {
  auto n = m.rd.integer(v, field, 1, 65535);
  if (!n) return std::nullopt;
  return static_cast<std::uint16_t>(*n);
}

bool was_unknown(const Res& res, std::string_view attr) {
  return std::find(res.unknown.begin(), res.unknown.end(), attr) != res.unknown.end();
}

// The references `attr` of block `item` (its configuration path `path`, as
// "default_action.target_group_arn"): as written, or in a plan, when apply computes them, the
// configuration's references. Blocks of one kind share the configuration's references: block `k`
// of `n` takes the k-th when there is one per block.
std::vector<Ref> nested_refs(Mapper& m, Res& res, const Value& item, std::string_view attr,
                             const std::string& path, const Types& types, std::size_t k = 0,
                             std::size_t n = 1) {
  std::vector<Ref> out;
  Value v = item.get(attr);
  if (!v.absent()) {
    if (v.is_array()) {
      for (const auto& x : v.items()) {
        if (auto s = m.rd.str(x, attr)) out.push_back({std::string(*s), m.rd.at(x)});
      }
    } else if (auto s = m.rd.str(v, attr)) {
      out.push_back({std::string(*s), m.rd.at(v)});
    }
    return out;
  }
  if (!m.plan.is_plan || !m.configured(res, path)) return out;
  auto found = m.from_configuration(res, path, types, n != 1);
  if (!was_unknown(res, path)) res.unknown.push_back(path);
  const Location at = m.at_or(item, res);
  if (found.size() == n && n > 1) {
    out.push_back({found[k], at});
  } else if (n == 1 || found.size() == 1) {
    for (auto& a : found) out.push_back({std::move(a), at});
  }
  if (out.empty()) {
    m.rd.gap(Gap::kUnknownValue, path, res.offset, res.address,
             "`" + path + "` is unknown until apply and names no resource of the configuration " +
                 "cloudtwin can follow; left unset");
  }
  return out;
}

Ref nested_ref(Mapper& m, Res& res, const Value& item, std::string_view attr,
               const std::string& path, const Types& types, std::size_t k = 0, std::size_t n = 1) {
  auto all = nested_refs(m, res, item, attr, path, types, k, n);
  return all.empty() ? Ref{} : all.front();
}

// The name written (`name`), else the Name tag.
std::string name_written(Mapper& m, Res& res) {
  if (auto n = m.str(res, "name"); n && !n->empty()) return std::string(*n);
  return m.name_of(res);
}

// A resource whose id is its name (a Classic load balancer, an Auto Scaling group, a launch
// configuration): the state's id, else in a plan the name, which is known before apply.
template <class R>
R& add_named(Mapper& m, Res& res, std::vector<R>& list, Kind kind) {
  auto name = m.str(res, "name");
  if (!m.str(res, "id") && name && !name->empty()) {
    R& r = list.emplace_back();
    r.id = std::string(*name);
    r.name = r.id;
    r.at = res.at;
    m.rd.set_resource(r.id);
    if (r.id != res.address) m.aliases.push_back({res.address, kind, r.id, res.at});
    return r;
  }
  R& r = m.add(res, list, kind);
  if (name && !name->empty()) r.name = std::string(*name);
  return r;
}

// The resource is left out: what it needs is not known before apply.
void left_out(Mapper& m, Res& res, const std::string& why) {
  m.rd.gap(Gap::kLeftOut, res.type, res.offset, res.address,
           res.address + " (" + res.type + ") is left out: " + why);
}

// The load balancer `ref` names, once the file is read (pending), if it is in the network.
const model::LoadBalancer* load_balancer_of(Mapper& m, const Ref& ref) {
  if (ref.empty()) return nullptr;
  auto& index = m.index[Kind::kLoadBalancer];
  auto it = index.find(ref.text);
  return it == index.end() ? nullptr : &m.net.load_balancers[it->second];
}

// `default_action` of a listener, `action` of a rule (load-balancer-listeners.html): in `order`
// (else as listed), authenticate-oidc and authenticate-cognito actions first, then exactly one of
// forward, redirect or fixed-response. A forward action names its target groups by
// `target_group_arn` or `forward.target_group` [{arn, weight 0-999, default 1}].
void read_actions(Mapper& m, Res& res, std::string_view key, model::ListenerRule& rule) {
  Value actions = res.v.get(key);
  if (actions.absent()) {
    m.rd.error(res.offset, m.rd.resource(), res.type + " needs a `" + std::string(key) + "` block",
               "add a forward, redirect or fixed-response action");
    return;
  }
  auto list = blocks(m, actions, key);
  if (actions.is_array() && list.empty()) {
    m.rd.error(actions.offset(), m.rd.resource(), "`" + std::string(key) + "` must hold an action",
               "add a forward, redirect or fixed-response action");
    return;
  }
  struct Ordered {
    std::int64_t order;
    std::size_t k;
    Value action;
  };
  std::vector<Ordered> ordered;
  for (std::size_t k = 0; k < list.size(); ++k) {
    auto order = m.rd.integer(list[k].get("order"), "order", 1, 50000);
    ordered.push_back({order.value_or(50001), k, list[k]});
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Ordered& a, const Ordered& b) { return a.order < b.order; });
  const std::string path(key);
  bool terminal = false, undecided = false;
  for (const auto& [order, k, a] : ordered) {
    auto type = choice(
        m, a.get("type"), "type",
        {"forward", "redirect", "fixed-response", "authenticate-oidc", "authenticate-cognito"});
    if (a.get("type").absent()) m.rd.error(a.offset(), m.rd.resource(), "an action needs a `type`");
    undecided = undecided || !type;
    if (!type || type->starts_with("authenticate-")) continue;
    if (terminal) {
      m.rd.error(a.offset(), m.rd.resource(),
                 "a second " + *type +
                     " action: a rule ends in exactly one forward, redirect or fixed-response "
                     "action");
      continue;
    }
    terminal = true;
    rule.action = *type == "forward"    ? model::ListenerAction::kForward
                  : *type == "redirect" ? model::ListenerAction::kRedirect
                                        : model::ListenerAction::kFixedResponse;
    if (rule.action != model::ListenerAction::kForward) continue;
    // The state lists the target group of `target_group_arn` in `forward` too (and the
    // reverse): `forward` is the fuller of the two.
    auto forward = blocks(m, a.get("forward"), "forward");
    if (!forward.empty()) {
      auto groups = blocks(m, forward.front().get("target_group"), "target_group");
      for (std::size_t g = 0; g < groups.size(); ++g) {
        model::WeightedTargetGroup w;
        w.target_group = nested_ref(m, res, groups[g], "arn", path + ".forward.target_group.arn",
                                    kTargetGroupTypes, g, groups.size());
        if (w.target_group.empty() && groups[g].get("arn").absent() && !m.plan.is_plan) {
          m.rd.error(groups[g].offset(), m.rd.resource(), "a `target_group` needs an `arn`");
        }
        if (auto weight = m.rd.integer(groups[g].get("weight"), "weight", 0, 999))
          w.weight = static_cast<int>(*weight);
        if (!w.target_group.empty()) rule.target_groups.push_back(std::move(w));
      }
    }
    if (rule.target_groups.empty()) {
      Ref tg = nested_ref(m, res, a, "target_group_arn", path + ".target_group_arn",
                          kTargetGroupTypes, k, list.size());
      if (!tg.empty()) {
        rule.target_groups.push_back({tg, 1});
      } else if (!m.plan.is_plan) {
        m.rd.error(a.offset(), m.rd.resource(),
                   "a forward action needs `target_group_arn` or `forward.target_group`");
      }
    }
  }
  if (!terminal && !undecided && !list.empty()) {
    m.rd.error(actions.offset(), m.rd.resource(),
               "`" + std::string(key) + "` has no forward, redirect or fixed-response action",
               "authenticate actions precede one of those");
  }
}

// ---- Elastic Load Balancing v2 -----------------------------------------------------------------

void load_balancer(Mapper& m, Res& res) {
  auto type_text = choice(m, res.v.get("load_balancer_type"), "load_balancer_type",
                          {"application", "network", "gateway"});
  const LoadBalancerType type = !type_text                ? LoadBalancerType::kApplication
                                : *type_text == "network" ? LoadBalancerType::kNetwork
                                : *type_text == "gateway" ? LoadBalancerType::kGateway
                                                          : LoadBalancerType::kApplication;
  auto internal = m.rd.boolean(res.v.get("internal"), "internal");
  // The state lists the subnets both in `subnets` and in `subnet_mapping`; the mappings say more
  // (an Elastic IP and the addresses of an NLB's nodes).
  std::vector<model::LoadBalancerNode> nodes;
  auto mappings = blocks(m, res.v.get("subnet_mapping"), "subnet_mapping");
  for (std::size_t k = 0; k < mappings.size(); ++k) {
    const Value& item = mappings[k];
    model::LoadBalancerNode node;
    node.at = m.rd.at(item);
    node.subnet = nested_ref(m, res, item, "subnet_id", "subnet_mapping.subnet_id", kSubnetTypes, k,
                             mappings.size());
    node.elastic_ip = nested_ref(m, res, item, "allocation_id", "subnet_mapping.allocation_id",
                                 {"aws_eip"}, k, mappings.size());
    node.private_ip =
        m.rd.address(item.get("private_ipv4_address"), "private_ipv4_address", Family::kV4);
    node.ipv6_address = m.rd.address(item.get("ipv6_address"), "ipv6_address", Family::kV6);
    if (!node.subnet.empty()) nodes.push_back(std::move(node));
  }
  if (nodes.empty()) {
    for (auto& subnet : m.refs(res, "subnets", kSubnetTypes, true)) {
      model::LoadBalancerNode node;
      node.at = subnet.at;
      node.subnet = std::move(subnet);
      nodes.push_back(std::move(node));
    }
  }
  if (nodes.empty()) {
    if (was_unknown(res, "subnets") || was_unknown(res, "subnet_mapping.subnet_id")) {
      left_out(m, res, "its subnets are unknown until apply");
      return;
    }
    m.rd.error(res.offset, m.rd.resource(), "a load balancer needs `subnets` or `subnet_mapping`",
               "enable one subnet per availability zone");
  }
  auto groups = m.refs(res, "security_groups", kSgTypes, true);
  if (type == LoadBalancerType::kGateway && !groups.empty()) {
    m.rd.error(res.v.get("security_groups").offset(), m.rd.resource(),
               "a Gateway Load Balancer has no security groups");
    groups.clear();
  }
  auto ip_type = choice(m, res.v.get("ip_address_type"), "ip_address_type",
                        {"ipv4", "dualstack", "dualstack-without-public-ipv4"});
  // enable_cross_zone_load_balancing: NLB and GWLB, default false; an ALB's is always on
  // (API_LoadBalancerAttribute), whatever the attribute says (the provider's default is false).
  auto cross_zone = m.rd.boolean(res.v.get("enable_cross_zone_load_balancing"),
                                 "enable_cross_zone_load_balancing");
  auto enforce =
      choice(m, res.v.get("enforce_security_group_inbound_rules_on_private_link_traffic"),
             "enforce_security_group_inbound_rules_on_private_link_traffic", {"on", "off"});
  auto dns = m.str(res, "dns_name");
  const std::string name = name_written(m, res);
  auto& lb = m.add(res, m.net.load_balancers, Kind::kLoadBalancer);
  if (!name.empty()) lb.name = name;
  lb.type = type;
  // CreateLoadBalancer: internet-facing unless internal; a Gateway Load Balancer has no scheme.
  lb.internet_facing = type != LoadBalancerType::kGateway && !internal.value_or(false);
  lb.nodes = std::move(nodes);
  lb.security_groups = std::move(groups);
  if (type != LoadBalancerType::kApplication) lb.cross_zone = cross_zone;
  lb.dualstack = ip_type && *ip_type != "ipv4";
  if (enforce) lb.enforce_security_groups_on_private_link = *enforce == "on";
  if (dns) lb.dns_name = *dns;
}

void listener(Mapper& m, Res& res) {
  Ref lb = m.ref(res, "load_balancer_arn", kLbTypes);
  if (lb.empty() && !was_unknown(res, "load_balancer_arn")) {
    m.rd.error(res.offset, m.rd.resource(), "a listener needs `load_balancer_arn`");
    return;
  }
  const Value port_v = res.v.get("port");
  const Value protocol_v = res.v.get("protocol");
  auto listener_port = port(m, port_v, "port");
  auto p = protocol(m, protocol_v, "protocol", kV2Protocols);
  model::ListenerRule action;
  read_actions(m, res, "default_action", action);
  if (lb.empty()) {
    left_out(m, res, "its load balancer is unknown until apply");
    return;
  }
  auto& l = m.add(res, m.net.listeners, Kind::kListener);
  const auto self = static_cast<Index>(m.net.listeners.size() - 1);
  l.load_balancer = lb;
  if (listener_port) l.port = *listener_port;
  action.id = l.id + "/default";
  action.at = l.at;
  l.default_rule = std::move(action);
  // What the listener's load balancer decides: its protocol when none is written, and what a
  // Classic or Gateway Load Balancer refuses.
  m.pending.push_back([&m, self, lb, p,
                       port_offset = port_v.absent() ? std::size_t{0} : port_v.offset(),
                       protocol_offset = protocol_v.absent() ? std::size_t{0} : protocol_v.offset(),
                       offset = res.offset, id = l.id] {
    auto& x = m.net.listeners[self];
    const auto* target = load_balancer_of(m, lb);
    const auto type = target ? target->type : LoadBalancerType::kApplication;
    if (type == LoadBalancerType::kClassic) {
      m.rd.error(offset, id, "load_balancer_arn names a Classic Load Balancer",
                 "a Classic Load Balancer's listeners are its `listener` blocks");
    }
    if (type == LoadBalancerType::kGateway) {
      // gateway-listeners.html: a Gateway Load Balancer's listener has no port or protocol.
      if (port_offset)
        m.rd.error(port_offset, id, "a Gateway Load Balancer's listener has no port");
      if (protocol_offset)
        m.rd.error(protocol_offset, id, "a Gateway Load Balancer's listener has no protocol");
    }
    if (p && type != LoadBalancerType::kGateway) {
      x.protocol = *p;
    } else {
      // The provider's defaults: HTTP for an ALB, TCP for an NLB; GENEVE is a GWLB's only one.
      x.protocol = type == LoadBalancerType::kGateway   ? LbProtocol::kGeneve
                   : type == LoadBalancerType::kNetwork ? LbProtocol::kTcp
                                                        : LbProtocol::kHttp;
    }
  });
}

void listener_rule(Mapper& m, Res& res) {
  Ref listener = m.ref(res, "listener_arn", kListenerTypes);
  if (listener.empty() && !was_unknown(res, "listener_arn")) {
    m.rd.error(res.offset, m.rd.resource(), "a listener rule needs `listener_arn`");
    return;
  }
  auto priority = m.rd.integer(res.v.get("priority"), "priority", 1, 50000);
  model::ListenerRule rule;
  // Conditions (listener-update-rules.html): source-ip is decided from the packet; host-header,
  // path-pattern, http-header, http-request-method and query-string are not, so such a rule may
  // match any request. The state lists every kind in every block, those unused empty.
  Value conditions = res.v.get("condition");
  auto list = blocks(m, conditions, "condition");
  if (list.empty() && (conditions.absent() || conditions.is_array())) {
    m.rd.error(conditions.absent() ? res.offset : conditions.offset(), m.rd.resource(),
               "a listener rule needs at least one `condition`",
               "a rule without conditions is the listener's default action");
  }
  bool source_ip = false, unknown_source = false;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Value& c = list[k];
    bool any = false;
    for (const char* field :
         {"host_header", "http_header", "http_request_method", "path_pattern", "query_string"}) {
      Value f = c.get(field);
      if (f.absent() || (f.is_array() && f.items().empty())) continue;
      any = true;
      rule.other_conditions = true;
    }
    Value src = c.get("source_ip");
    auto src_blocks = blocks(m, src, "source_ip");
    if (src_blocks.empty()) {
      if (!any) {
        m.rd.error(c.offset(), m.rd.resource(),
                   "a condition needs one of host_header, http_header, http_request_method, "
                   "path_pattern, query_string or source_ip");
      }
      continue;
    }
    if (source_ip) {
      m.rd.error(c.offset(), m.rd.resource(), "a rule has at most one source_ip condition");
      continue;
    }
    source_ip = true;
    Value values = src_blocks.front().get("values");
    if (values.absent()) {
      if (m.plan.is_plan) {
        unknown_source = true;
      } else {
        m.rd.error(src_blocks.front().offset(), m.rd.resource(),
                   "a source_ip condition needs `values`");
      }
      continue;
    }
    if (!m.rd.expect(values, json::Type::kArray, "values")) continue;
    if (values.items().empty()) {
      m.rd.error(values.offset(), m.rd.resource(),
                 "a source_ip condition needs at least one CIDR block");
    }
    for (const auto& v : values.items()) {
      auto s = m.rd.str(v, "values");
      if (!s) continue;
      auto prefix = Prefix::parse(*s);
      if (!prefix) {
        m.rd.error(v.offset(), m.rd.resource(),
                   "source_ip `" + std::string(*s) + "` is not a CIDR block",
                   "write addresses in CIDR form, 192.0.2.0/24 or 2001:db8::/32");
        continue;
      }
      rule.source_ips.push_back(*prefix);
    }
  }
  if (unknown_source) {
    // The widest reading: the rule may match any source (leaving it out would send its
    // traffic to lower rules instead).
    rule.source_ips.clear();
    rule.other_conditions = true;
    m.rd.gap(Gap::kUnknownValue, "condition.source_ip.values", res.offset, res.address,
             "the source_ip condition of " + res.address +
                 " is unknown until apply: the rule may match any request");
  }
  read_actions(m, res, "action", rule);
  if (listener.empty()) {
    left_out(m, res, "its listener is unknown until apply");
    return;
  }
  auto& out = m.add(res, m.net.listener_rules, Kind::kListenerRule);
  const auto self = static_cast<Index>(m.net.listener_rules.size() - 1);
  out.listener = listener;
  out.action = rule.action;
  out.target_groups = std::move(rule.target_groups);
  out.source_ips = std::move(rule.source_ips);
  out.other_conditions = rule.other_conditions;
  if (priority) {
    out.priority = static_cast<int>(*priority);
  } else if (res.v.get("priority").absent()) {
    // aws_lb_listener_rule: without `priority` the rule takes the next one after the listener's
    // highest, in the order the rules are created.
    m.pending.push_back([&m, self, text = listener.text, offset = res.offset,
                         address = res.address] {
      int highest = 0;
      for (const auto& r : m.net.listener_rules) {
        if (r.listener.text == text && r.priority != model::ListenerRule::kDefaultRule)
          highest = std::max(highest, r.priority);
      }
      m.net.listener_rules[self].priority = highest + 1;
      m.rd.gap(Gap::kUnknownValue, "priority", offset, address,
               "`priority` is unknown until apply; taking the next after the listener's highest, " +
                   std::to_string(highest + 1));
    });
  }
}

void target_group(Mapper& m, Res& res) {
  auto type_text =
      choice(m, res.v.get("target_type"), "target_type", {"instance", "ip", "lambda", "alb"});
  const model::TargetType type = !type_text               ? model::TargetType::kInstance
                                 : *type_text == "ip"     ? model::TargetType::kIp
                                 : *type_text == "lambda" ? model::TargetType::kLambda
                                 : *type_text == "alb"    ? model::TargetType::kAlb
                                                          : model::TargetType::kInstance;
  const bool lambda = type == model::TargetType::kLambda;
  auto p = protocol(m, res.v.get("protocol"), "protocol", kV2Protocols);
  auto group_port = port(m, res.v.get("port"), "port");
  Ref vpc = m.ref(res, "vpc_id", kVpcTypes);
  // aws_lb_target_group: port, protocol and vpc_id are required except for Lambda functions.
  if (!lambda) {
    for (const char* attr : {"protocol", "port", "vpc_id"}) {
      if (res.v.get(attr).absent() && !m.unknown(res, attr) && !was_unknown(res, attr))
        m.rd.error(res.offset, m.rd.resource(),
                   std::string("a target group of target_type ") +
                       (type_text ? *type_text : "instance") + " needs `" + attr + "`");
    }
  }
  std::optional<std::uint16_t> health_port;
  auto checks = blocks(m, res.v.get("health_check"), "health_check");
  if (!checks.empty()) {
    Value hp = checks.front().get("port");
    if (!(hp.is_string() && hp.text() == "traffic-port")) health_port = port(m, hp, "port");
  }
  auto ip_type = choice(m, res.v.get("ip_address_type"), "ip_address_type", {"ipv4", "ipv6"});
  auto preserve = m.rd.boolean(res.v.get("preserve_client_ip"), "preserve_client_ip");
  std::optional<bool> cross_zone;
  if (auto c = choice(m, res.v.get("load_balancing_cross_zone_enabled"),
                      "load_balancing_cross_zone_enabled",
                      {"true", "false", "use_load_balancer_configuration"})) {
    if (*c != "use_load_balancer_configuration") cross_zone = *c == "true";
  }
  const std::string name = name_written(m, res);
  auto& tg = m.add(res, m.net.target_groups, Kind::kTargetGroup);
  if (!name.empty()) tg.name = name;
  tg.target_type = type;
  if (p) tg.protocol = *p;
  if (group_port) tg.port = *group_port;
  tg.vpc = vpc;
  tg.preserve_client_ip = preserve;
  tg.cross_zone = cross_zone;
  tg.health_check_port = health_port;
  tg.ipv6 = ip_type == "ipv6";
}

// aws_lb_target_group_attachment: `target_id` is an instance id, an address, a Lambda function's
// ARN or an ALB's ARN, as the group's target_type says (read once the file is read).
void target_group_attachment(Mapper& m, Res& res) {
  Ref tg = m.ref(res, "target_group_arn", kTargetGroupTypes);
  Ref target = m.ref(res, "target_id", {"aws_instance", "aws_lb", "aws_alb"});
  const Value port_v = res.v.get("port");
  auto target_port = port(m, port_v, "port");
  auto zone = m.str(res, "availability_zone");
  for (const auto& [attr, r] : {std::pair{"target_group_arn", &tg}, {"target_id", &target}}) {
    if (r->empty() && !was_unknown(res, attr))
      m.rd.error(res.offset, m.rd.resource(),
                 std::string("a target group attachment needs `") + attr + "`");
  }
  if (tg.empty() || target.empty()) return;
  model::Target t;
  t.at = target.at;
  t.port = target_port;
  if (zone) t.availability_zone = *zone;
  m.pending.push_back([&m, tg, target, t, offset = res.offset, address = res.address]() mutable {
    auto i = m.find(Kind::kTargetGroup, tg, address);
    if (!i) return;
    auto& group = m.net.target_groups[*i];
    switch (group.target_type) {
      case model::TargetType::kInstance:
        t.instance = target;
        break;
      case model::TargetType::kAlb:
        t.load_balancer = target;
        break;
      case model::TargetType::kLambda:
        break;  // a function: the path ends at the load balancer
      case model::TargetType::kIp:
        t.ip = IpAddress::parse(target.text);
        if (!t.ip && m.plan.is_plan && m.index[Kind::kInstance].contains(target.text)) {
          m.rd.gap(Gap::kLeftOut, "target_id", offset, address,
                   address + " is left out: its `target_id` is the address of " + target.text +
                       ", unknown until apply");
          return;
        }
        if (!t.ip) {
          m.rd.error(offset, address, "`target_id` `" + target.text + "` is not an IP address",
                     "the targets of an ip target group are addresses");
          return;
        }
        break;
    }
    const auto same = [&](const model::Target& x) {
      return x.instance.text == t.instance.text && x.ip == t.ip &&
             x.load_balancer.text == t.load_balancer.text && x.port == t.port;
    };
    if (group.target_type == model::TargetType::kLambda ||
        std::none_of(group.targets.begin(), group.targets.end(), same))
      group.targets.push_back(std::move(t));
  });
}

// ---- Classic Load Balancers --------------------------------------------------------------------

void classic_load_balancer(Mapper& m, Res& res) {
  auto subnets = m.refs(res, "subnets", kSubnetTypes, true);
  if (subnets.empty()) {
    // aws_elb: `availability_zones` alone place it in the default VPC (or EC2-Classic).
    left_out(m, res,
             was_unknown(res, "subnets")
                 ? "its subnets are unknown until apply"
                 : "without `subnets` the load balancer is in the default VPC, which the " +
                       std::string(m.source_word()) + " does not describe");
    return;
  }
  auto internal = m.rd.boolean(res.v.get("internal"), "internal");
  auto groups = m.refs(res, "security_groups", kSgTypes, true);
  auto instances = m.refs(res, "instances", {"aws_instance"}, true);
  auto cross_zone =
      m.rd.boolean(res.v.get("cross_zone_load_balancing"), "cross_zone_load_balancing");
  auto dns = m.str(res, "dns_name");
  struct ClassicListener {
    std::uint16_t port, instance_port;
    LbProtocol protocol, instance_protocol;
    Location at;
  };
  std::vector<ClassicListener> listeners;
  Value written = res.v.get("listener");
  if (written.absent()) {
    m.rd.error(res.offset, m.rd.resource(), "aws_elb needs a `listener` block");
  }
  std::set<std::uint16_t> ports;
  for (const auto& l : blocks(m, written, "listener")) {
    auto front = port(m, l.get("lb_port"), "lb_port");
    auto back = port(m, l.get("instance_port"), "instance_port");
    auto p = protocol(m, l.get("lb_protocol"), "lb_protocol", kClassicProtocols);
    auto ip = protocol(m, l.get("instance_protocol"), "instance_protocol", kClassicProtocols);
    for (const char* attr : {"lb_port", "instance_port", "lb_protocol", "instance_protocol"}) {
      if (l.get(attr).absent())
        m.rd.error(l.offset(), m.rd.resource(), std::string("a listener needs `") + attr + "`");
    }
    if (!front || !back || !p || !ip) continue;
    ClassicListener cl{*front, *back, *p, *ip, m.rd.at(l)};
    // elb-listener-config.html: a TCP or SSL front end needs a TCP or SSL back end, an HTTP or
    // HTTPS one an HTTP or HTTPS back end.
    auto layer4 = [](LbProtocol x) { return x == LbProtocol::kTcp || x == LbProtocol::kSsl; };
    if (layer4(cl.protocol) != layer4(cl.instance_protocol)) {
      m.rd.error(l.offset(), m.rd.resource(),
                 std::string("a ") + model::lb_protocol_name(cl.protocol) +
                     " listener cannot use " + model::lb_protocol_name(cl.instance_protocol) +
                     " to instances",
                 "TCP and SSL go with TCP and SSL, HTTP and HTTPS with HTTP and HTTPS");
    }
    if (!ports.insert(cl.port).second) {
      m.rd.error(l.offset(), m.rd.resource(), "two listeners on port " + std::to_string(cl.port));
      continue;
    }
    listeners.push_back(cl);
  }
  auto& lb = add_named(m, res, m.net.load_balancers, Kind::kLoadBalancer);
  if (auto tag = m.name_of(res); !tag.empty() && lb.name.empty()) lb.name = tag;
  lb.type = LoadBalancerType::kClassic;
  lb.internet_facing = !internal.value_or(false);
  for (auto& subnet : subnets) {
    model::LoadBalancerNode node;
    node.at = subnet.at;
    node.subnet = std::move(subnet);
    lb.nodes.push_back(std::move(node));
  }
  lb.security_groups = std::move(groups);
  lb.instances = std::move(instances);
  // aws_elb.cross_zone_load_balancing defaults to true, unlike the ELB API's false
  // (aws-vpc-services.md §3, §9.17).
  lb.cross_zone = cross_zone.value_or(true);
  if (dns) lb.dns_name = *dns;
  const std::string id = lb.id;
  const Location at = lb.at;
  for (const auto& cl : listeners) {
    auto& l = m.net.listeners.emplace_back();
    l.id = id + ":" + std::to_string(cl.port);
    l.at = cl.at;
    l.load_balancer = {id, at};
    l.port = cl.port;
    l.protocol = cl.protocol;
    l.instance_port = cl.instance_port;
    l.instance_protocol = cl.instance_protocol;
  }
}

void classic_attachment(Mapper& m, Res& res) {
  Ref lb = m.ref(res, "elb", {"aws_elb"});
  Ref instance = m.ref(res, "instance", {"aws_instance"});
  for (const auto& [attr, r] : {std::pair{"elb", &lb}, {"instance", &instance}}) {
    if (r->empty() && !was_unknown(res, attr))
      m.rd.error(res.offset, m.rd.resource(),
                 std::string("aws_elb_attachment needs `") + attr + "`");
  }
  if (lb.empty() || instance.empty()) return;
  m.pending.push_back([&m, lb, instance, address = res.address] {
    auto i = m.find(Kind::kLoadBalancer, lb, address);
    if (!i) return;
    auto& list = m.net.load_balancers[*i].instances;
    if (std::none_of(list.begin(), list.end(),
                     [&](const Ref& r) { return r.text == instance.text; }))
      list.push_back(instance);
  });
}

// ---- launch templates, configurations and Auto Scaling groups ----------------------------------

void launch_template(Mapper& m, Res& res) {
  auto groups = m.refs(res, "vpc_security_group_ids", kSgTypes, true);
  // security_group_names names groups of the default VPC by name.
  for (auto& g : m.refs(res, "security_group_names", kSgTypes, true)) groups.push_back(g);
  // The primary interface (device_index 0, or the only one written) sets the instance's groups
  // and public address. Its subnet_id is not used: an Auto Scaling group launches into its own
  // vpc_zone_identifier.
  auto nics = blocks(m, res.v.get("network_interfaces"), "network_interfaces");
  std::optional<bool> public_ip;
  const Value* primary = nics.size() == 1 ? &nics.front() : nullptr;
  for (const auto& n : nics) {
    if (m.rd.integer(n.get("device_index"), "device_index", 0, 1024) == 0) primary = &n;
    m.rd.str(n.get("subnet_id"), "subnet_id");
  }
  if (primary) {
    for (auto& g : nested_refs(m, res, *primary, "security_groups",
                               "network_interfaces.security_groups", kSgTypes))
      groups.push_back(g);
    // The provider keeps associate_public_ip_address as "true", "false" or "".
    public_ip =
        m.rd.boolean(primary->get("associate_public_ip_address"), "associate_public_ip_address");
  }
  const std::string name = name_written(m, res);
  auto& lt = m.add(res, m.net.launch_templates, Kind::kLaunchTemplate);
  if (!name.empty()) lt.name = name;
  lt.security_groups = std::move(groups);
  lt.associate_public_ip = public_ip;
}

void launch_configuration(Mapper& m, Res& res) {
  auto groups = m.refs(res, "security_groups", kSgTypes, true);
  auto public_ip =
      m.rd.boolean(res.v.get("associate_public_ip_address"), "associate_public_ip_address");
  auto& lt = add_named(m, res, m.net.launch_templates, Kind::kLaunchTemplate);
  lt.security_groups = std::move(groups);
  lt.associate_public_ip = public_ip;
}

void auto_scaling_group(Mapper& m, Res& res) {
  auto subnets = m.refs(res, "vpc_zone_identifier", kSubnetTypes, true);
  if (subnets.empty()) {
    // aws_autoscaling_group: availability_zones alone launch into the default VPC.
    left_out(m, res,
             was_unknown(res, "vpc_zone_identifier")
                 ? "its subnets are unknown until apply"
                 : "without `vpc_zone_identifier` the group launches instances in the default "
                   "VPC, which the " +
                       std::string(m.source_word()) + " does not describe");
    return;
  }
  // launch_template {id | name}, launch_configuration, or the template of a
  // mixed_instances_policy.
  const Types lt_types = {"aws_launch_template"};
  Ref launch;
  auto from_specification = [&](const Value& spec, const std::string& path, const char* id_key,
                                const char* name_key) {
    launch = nested_ref(m, res, spec, id_key, path + "." + id_key, lt_types);
    if (launch.empty())
      launch = nested_ref(m, res, spec, name_key, path + "." + name_key, lt_types);
    if (launch.empty() && !m.plan.is_plan) {
      m.rd.error(spec.offset(), m.rd.resource(),
                 std::string("a launch template needs `") + id_key + "` or `" + name_key + "`");
    }
  };
  auto templates = blocks(m, res.v.get("launch_template"), "launch_template");
  auto policy = blocks(m, res.v.get("mixed_instances_policy"), "mixed_instances_policy");
  if (!templates.empty()) {
    from_specification(templates.front(), "launch_template", "id", "name");
  } else if (!res.v.get("launch_configuration").absent() ||
             m.configured(res, "launch_configuration")) {
    launch = m.ref(res, "launch_configuration", {"aws_launch_configuration"});
  } else if (!policy.empty()) {
    auto lt = blocks(m, policy.front().get("launch_template"), "launch_template");
    auto spec = lt.empty() ? std::vector<Value>{}
                           : blocks(m, lt.front().get("launch_template_specification"),
                                    "launch_template_specification");
    if (spec.empty()) {
      m.rd.error(policy.front().offset(), m.rd.resource(),
                 "mixed_instances_policy needs launch_template.launch_template_specification");
    } else {
      from_specification(spec.front(),
                         "mixed_instances_policy.launch_template.launch_template_specification",
                         "launch_template_id", "launch_template_name");
    }
  }
  auto target_groups = m.refs(res, "target_group_arns", kTargetGroupTypes, true);
  auto load_balancers = m.refs(res, "load_balancers", {"aws_elb"}, true);
  auto& g = add_named(m, res, m.net.auto_scaling_groups, Kind::kAutoScalingGroup);
  g.subnets = std::move(subnets);
  g.launch_template = launch;
  g.target_groups = std::move(target_groups);
  g.load_balancers = std::move(load_balancers);
}

void auto_scaling_attachment(Mapper& m, Res& res) {
  Ref group = m.ref(res, "autoscaling_group_name", {"aws_autoscaling_group"});
  Ref tg = m.ref(res, "lb_target_group_arn", kTargetGroupTypes);
  if (tg.empty()) tg = m.ref(res, "alb_target_group_arn", kTargetGroupTypes);  // provider < 5
  Ref elb = m.ref(res, "elb", {"aws_elb"});
  if (group.empty() && !was_unknown(res, "autoscaling_group_name")) {
    m.rd.error(res.offset, m.rd.resource(),
               "aws_autoscaling_attachment needs `autoscaling_group_name`");
  }
  if (tg.empty() && elb.empty() && res.unknown.empty()) {
    m.rd.error(res.offset, m.rd.resource(),
               "aws_autoscaling_attachment needs `lb_target_group_arn` or `elb`");
  }
  if (group.empty() || (tg.empty() && elb.empty())) return;
  m.pending.push_back([&m, group, tg, elb, address = res.address] {
    auto i = m.find(Kind::kAutoScalingGroup, group, address);
    if (!i) return;
    auto& g = m.net.auto_scaling_groups[*i];
    auto& list = tg.empty() ? g.load_balancers : g.target_groups;
    const Ref& r = tg.empty() ? elb : tg;
    if (std::none_of(list.begin(), list.end(), [&](const Ref& x) { return x.text == r.text; }))
      list.push_back(r);
  });
}

// ---- endpoint services -------------------------------------------------------------------------

void endpoint_service(Mapper& m, Res& res) {
  auto network = m.refs(res, "network_load_balancer_arns", kLbTypes, true);
  auto gateway = m.refs(res, "gateway_load_balancer_arns", kLbTypes, true);
  if (network.empty() && gateway.empty() && res.unknown.empty()) {
    m.rd.error(res.offset, m.rd.resource(),
               "an endpoint service needs `network_load_balancer_arns` or "
               "`gateway_load_balancer_arns`");
  }
  auto acceptance = m.rd.boolean(res.v.get("acceptance_required"), "acceptance_required");
  if (res.v.get("acceptance_required").absent()) {
    m.rd.error(res.offset, m.rd.resource(), "aws_vpc_endpoint_service needs `acceptance_required`");
  }
  std::vector<std::string> allowed;
  for (auto p : m.rd.strings(res.v.get("allowed_principals"), "allowed_principals"))
    allowed.emplace_back(p);
  auto service_name = m.str(res, "service_name");
  std::string region = m.plan.region.empty() ? m.net.default_region : m.plan.region;
  if (auto arn = m.str(res, "arn")) {
    auto parts = Mapper::segments_of(*arn, ':');
    if (parts.size() >= 4 && !parts[3].empty()) region = std::string(parts[3]);
  }
  auto& s = m.add(res, m.net.vpc_endpoint_services, Kind::kVpcEndpointService);
  const auto self = static_cast<Index>(m.net.vpc_endpoint_services.size() - 1);
  s.service_name =
      service_name ? std::string(*service_name) : "com.amazonaws.vpce." + region + "." + s.id;
  s.network_load_balancers = std::move(network);
  s.gateway_load_balancers = std::move(gateway);
  s.acceptance_required = acceptance.value_or(true);
  s.allowed_principals = std::move(allowed);
  // create-endpoint-service.html: Network Load Balancers for interface endpoints, Gateway Load
  // Balancers for Gateway Load Balancer endpoints.
  m.pending.push_back([&m, self] {
    const auto& x = m.net.vpc_endpoint_services[self];
    auto check = [&](const std::vector<Ref>& refs, LoadBalancerType want, const char* key) {
      for (const auto& ref : refs) {
        const auto* lb = load_balancer_of(m, ref);
        if (!lb || lb->type == want) continue;
        m.rd.diagnostics().error(m.rd.path(), ref.at, x.id,
                                 std::string("`") + key + "` names " +
                                     model::describe_load_balancer_type(lb->type) + ", not " +
                                     model::describe_load_balancer_type(want));
      }
    };
    check(x.network_load_balancers, LoadBalancerType::kNetwork, "network_load_balancer_arns");
    check(x.gateway_load_balancers, LoadBalancerType::kGateway, "gateway_load_balancer_arns");
  });
}

void endpoint_service_principal(Mapper& m, Res& res) {
  Ref service = m.ref(res, "vpc_endpoint_service_id", {"aws_vpc_endpoint_service"});
  auto principal = m.str(res, "principal_arn");
  for (const auto& [attr, ok] :
       {std::pair{"vpc_endpoint_service_id",
                  !service.empty() || was_unknown(res, "vpc_endpoint_service_id")},
        {"principal_arn", principal.has_value()}}) {
    if (!ok)
      m.rd.error(res.offset, m.rd.resource(),
                 std::string("aws_vpc_endpoint_service_allowed_principal needs `") + attr + "`");
  }
  if (service.empty() || !principal) return;
  m.pending.push_back([&m, service, p = std::string(*principal), address = res.address] {
    auto i = m.find(Kind::kVpcEndpointService, service, address);
    if (!i) return;
    auto& list = m.net.vpc_endpoint_services[*i].allowed_principals;
    if (std::find(list.begin(), list.end(), p) == list.end()) list.push_back(p);
  });
}

}  // namespace

std::span<const Handler> elb_types() {
  static constexpr Handler kTypes[] = {
      {"aws_lb", [](Mapper& m, Res& r) { load_balancer(m, r); }},
      {"aws_alb", [](Mapper& m, Res& r) { load_balancer(m, r); }},
      {"aws_lb_listener", [](Mapper& m, Res& r) { listener(m, r); }},
      {"aws_alb_listener", [](Mapper& m, Res& r) { listener(m, r); }},
      {"aws_lb_listener_rule", [](Mapper& m, Res& r) { listener_rule(m, r); }},
      {"aws_alb_listener_rule", [](Mapper& m, Res& r) { listener_rule(m, r); }},
      {"aws_lb_target_group", [](Mapper& m, Res& r) { target_group(m, r); }},
      {"aws_alb_target_group", [](Mapper& m, Res& r) { target_group(m, r); }},
      {"aws_lb_target_group_attachment", [](Mapper& m, Res& r) { target_group_attachment(m, r); }},
      {"aws_alb_target_group_attachment", [](Mapper& m, Res& r) { target_group_attachment(m, r); }},
      {"aws_elb", [](Mapper& m, Res& r) { classic_load_balancer(m, r); }},
      {"aws_elb_attachment", [](Mapper& m, Res& r) { classic_attachment(m, r); }},
      {"aws_launch_template", [](Mapper& m, Res& r) { launch_template(m, r); }},
      {"aws_launch_configuration", [](Mapper& m, Res& r) { launch_configuration(m, r); }},
      {"aws_autoscaling_group", [](Mapper& m, Res& r) { auto_scaling_group(m, r); }},
      {"aws_autoscaling_attachment", [](Mapper& m, Res& r) { auto_scaling_attachment(m, r); }},
      {"aws_vpc_endpoint_service", [](Mapper& m, Res& r) { endpoint_service(m, r); }},
      {"aws_vpc_endpoint_service_allowed_principal",
       [](Mapper& m, Res& r) { endpoint_service_principal(m, r); }},
  };
  return kTypes;
}

}  // namespace cloudtwin::load::terraform
