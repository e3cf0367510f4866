// The load-balancing answers of an AWS CLI snapshot (aws_cli_elb.h). What each field means is in
// shared/reference/aws-vpc-services.md §0-§3 and §7.3; the model is model/load_balancer.h.
#include "aws_cli_elb.h"

#include <algorithm>
#include <climits>
#include <set>
#include <tuple>

namespace cloudtwin::load::aws_cli {
namespace {

using json::Value;
using model::Index;
using model::Ref;

// The part of an elbv2 ARN after `resource` (":loadbalancer/" gives "app/web/50dc6c495c0c9188"),
// or empty.
std::string_view arn_tail(std::string_view arn, std::string_view resource) {
  const auto p = arn.find(resource);
  return p == std::string_view::npos ? std::string_view{} : arn.substr(p + resource.size());
}

// A rule's listener: ...:listener-rule/app/web/<lb>/<listener>/<rule> belongs to
// ...:listener/app/web/<lb>/<listener>. Empty if `rule` is not a listener-rule ARN.
std::string listener_of_rule(std::string_view rule) {
  constexpr std::string_view kRule = ":listener-rule/";
  const auto p = rule.find(kRule);
  const auto last = rule.rfind('/');
  if (p == std::string_view::npos || last <= p + kRule.size()) return {};
  const auto start = p + kRule.size();
  return std::string(rule.substr(0, p)) + ":listener/" +
         std::string(rule.substr(start, last - start));
}

std::string name_tag(const Value& item) {
  for (const auto& t : item.get("Tags").items()) {
    if (t.get("Key").text() == "Name" && !t.get("Value").text().empty())
      return std::string(t.get("Value").text());
  }
  return {};
}

template <class T, class Pred>
void erase_from(std::vector<T>& list, std::size_t first, Pred gone) {
  first = std::min(first, list.size());
  list.erase(std::remove_if(list.begin() + static_cast<std::ptrdiff_t>(first), list.end(), gone),
             list.end());
}

}  // namespace

LoadBalancing::LoadBalancing(model::Network& network, Diagnostics& diagnostics)
    : net_(network),
      d_(diagnostics),
      first_lb_(network.load_balancers.size()),
      first_listener_(network.listeners.size()),
      first_rule_(network.listener_rules.size()),
      first_tg_(network.target_groups.size()),
      first_asg_(network.auto_scaling_groups.size()),
      first_service_(network.vpc_endpoint_services.size()) {}

LoadBalancing::Handler LoadBalancing::handler(std::string_view key) {
  static const std::unordered_map<std::string_view, Handler> kHandlers{
      {"LoadBalancers", &LoadBalancing::load_balancer},
      {"LoadBalancerDescriptions", &LoadBalancing::classic_load_balancer},
      {"Listeners", &LoadBalancing::listener},
      {"LoadBalancerListeners", &LoadBalancing::listeners_of},
      {"Rules", &LoadBalancing::rule},
      {"ListenerRules", &LoadBalancing::rules_of},
      {"TargetGroups", &LoadBalancing::target_group},
      {"TargetHealthDescriptions", &LoadBalancing::target_health},
      {"LoadBalancerTargetHealth", &LoadBalancing::target_health_of},
      {"Attributes", &LoadBalancing::attribute},
      {"LoadBalancerAttributes", &LoadBalancing::load_balancer_attributes},
      {"ClassicLoadBalancerAttributes", &LoadBalancing::load_balancer_attributes},
      {"TargetGroupAttributes", &LoadBalancing::target_group_attributes},
      {"AutoScalingGroups", &LoadBalancing::auto_scaling_group},
      {"LaunchTemplates", &LoadBalancing::launch_template},
      {"LaunchTemplateVersions", &LoadBalancing::launch_template_version},
      {"LaunchConfigurations", &LoadBalancing::launch_configuration},
      {"ServiceConfigurations", &LoadBalancing::endpoint_service},
  };
  auto it = kHandlers.find(key);
  return it == kHandlers.end() ? nullptr : it->second;
}

bool LoadBalancing::takes_object(std::string_view key) { return key == "LoadBalancerAttributes"; }

bool LoadBalancing::is_context_key(std::string_view key) {
  return key == "LoadBalancerArn" || key == "TargetGroupArn" || key == "ListenerArn" ||
         key == "LoadBalancerName";
}

bool LoadBalancing::wants_context(std::string_view key) {
  return key == "Attributes" || key == "TargetHealthDescriptions" || key == "Rules" ||
         key == "LoadBalancerAttributes" || key == "Listeners";
}

void LoadBalancing::begin_file(json::Reader& reader, const std::string& account,
                               const std::string& region) {
  rd_ = &reader;
  account_ = account;
  region_ = region;
  context_.clear();
  context_reported_.clear();
}

void LoadBalancing::set_context(std::string_view key, std::string_view value, std::size_t offset) {
  context_.emplace_back(std::string(key), Ref{std::string(value), rd().at(offset)});
}

void LoadBalancing::end_file() {
  rd_ = nullptr;
  context_.clear();
}

const Ref* LoadBalancing::context(std::string_view key) const {
  for (const auto& [k, r] : context_) {
    if (k == key) return &r;
  }
  return nullptr;
}

const Ref* LoadBalancing::need_context(std::string_view answer, std::size_t offset,
                                       std::initializer_list<std::string_view> keys) {
  for (auto k : keys) {
    if (const Ref* c = context(k)) return c;
  }
  if (context_reported_.insert(std::string(answer)).second) {
    std::string which;
    for (auto k : keys) which += (which.empty() ? "`" : " or `") + std::string(k) + "`";
    rd().error(offset, "",
               "`" + std::string(answer) + "` does not say what it describes: the file needs " +
                   which + " beside it",
               "write {\"" + std::string(*keys.begin()) + "\": ..., \"" + std::string(answer) +
                   "\": ...}, as scripts/snapshot-aws does (docs/format.md, AWS CLI snapshots)");
  }
  return nullptr;
}

std::string LoadBalancing::classic_id(std::string_view name) const {
  if (account_.empty() || region_.empty()) return std::string(name);
  return "arn:aws:elasticloadbalancing:" + region_ + ":" + account_ + ":loadbalancer/" +
         std::string(name);
}

std::optional<std::string> LoadBalancing::id(const Value& item, std::string_view key) {
  const Value v = item.get(key);
  auto s = rd().str(v, key);
  if (!s) {
    if (v.absent()) rd().error(item.offset(), "", "an item needs `" + std::string(key) + "`");
    return std::nullopt;
  }
  rd().set_resource(*s);
  return std::string(*s);
}

Ref LoadBalancing::ref(const Value& v, std::string_view field) {
  if (auto s = rd().str(v, field)) return {std::string(*s), at(v)};
  return {};
}

json::Value::Children LoadBalancing::list(const Value& v, std::string_view field) {
  if (v.absent()) return {};
  if (!rd().expect(v, json::Type::kArray, field)) return {};
  return v.items();
}

std::vector<Ref> LoadBalancing::refs(const Value& v, std::string_view field) {
  std::vector<Ref> out;
  for (const auto& x : list(v, field)) {
    if (auto r = ref(x, field); !r.empty()) out.push_back(std::move(r));
  }
  return out;
}

std::optional<model::LbProtocol> LoadBalancing::protocol(const Value& v, std::string_view field,
                                                         const std::string& owner,
                                                         bool& unmodelled) {
  auto s = rd().str(v, field);
  if (!s) return std::nullopt;
  if (auto p = model::parse_lb_protocol(*s)) return p;
  if (*s == "QUIC" || *s == "TCP_QUIC") {
    unmodelled = true;
    rd().gap(Gap::kLeftOut, "LoadBalancerProtocol", v.offset(), owner,
             "left out: " + owner + " uses " + std::string(*s) +
                 ", a protocol cloudtwin does not model yet");
    return std::nullopt;
  }
  rd().error(v.offset(), owner,
             "`" + std::string(field) + "`: unknown protocol `" + std::string(*s) + "`",
             "HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE or (Classic) SSL");
  return std::nullopt;
}

// ---- load balancers ---------------------------------------------------------------------------

namespace {

std::optional<model::LoadBalancerType> type_of_arn(std::string_view arn,
                                                   std::string_view resource) {
  const auto tail = arn_tail(arn, resource);
  if (tail.starts_with("app/")) return model::LoadBalancerType::kApplication;
  if (tail.starts_with("net/")) return model::LoadBalancerType::kNetwork;
  if (tail.starts_with("gwy/")) return model::LoadBalancerType::kGateway;
  return std::nullopt;
}

}  // namespace

bool LoadBalancing::read_scheme(const Value& v, const std::string& owner, bool& internet_facing) {
  auto s = rd().str(v, "Scheme");
  if (!s) return true;
  if (*s != "internet-facing" && *s != "internal") {
    rd().error(v.offset(), owner, "`Scheme`: unknown scheme `" + std::string(*s) + "`",
               "internet-facing or internal");
    return false;
  }
  internet_facing = *s == "internet-facing";
  return true;
}

// elbv2 describe-load-balancers.
void LoadBalancing::load_balancer(const Value& item) {
  auto arn = id(item, "LoadBalancerArn");
  if (!arn) return;
  if (lb_index_.contains(*arn)) return;  // listed again
  model::LoadBalancer lb;
  lb.id = *arn;
  lb.at = at(item);
  const Value type = item.get("Type");
  if (auto t = rd().str(type, "Type")) {
    if (*t == "application") {
      lb.type = model::LoadBalancerType::kApplication;
    } else if (*t == "network") {
      lb.type = model::LoadBalancerType::kNetwork;
    } else if (*t == "gateway") {
      lb.type = model::LoadBalancerType::kGateway;
    } else {
      rd().error(type.offset(), lb.id,
                 "`Type`: unknown load balancer type `" + std::string(*t) + "`",
                 "application, network or gateway (Classic load balancers come from `aws elb "
                 "describe-load-balancers`)");
      return;
    }
  } else if (!type.absent()) {
    return;
  } else if (auto t = type_of_arn(lb.id, ":loadbalancer/")) {
    lb.type = *t;
  } else {
    rd().error(item.offset(), lb.id, "a load balancer needs `Type`");
    return;
  }
  if (auto n = rd().str(item.get("LoadBalancerName"), "LoadBalancerName")) lb.name = *n;
  if (!read_scheme(item.get("Scheme"), lb.id, lb.internet_facing)) return;
  if (auto s = rd().str(item.get("State").get("Code"), "Code")) lb.state = *s;
  const Value ip_type = item.get("IpAddressType");
  if (auto t = rd().str(ip_type, "IpAddressType")) {
    if (*t != "ipv4" && *t != "dualstack" && *t != "dualstack-without-public-ipv4") {
      rd().error(ip_type.offset(), lb.id, "`IpAddressType`: unknown type `" + std::string(*t) + "`",
                 "ipv4, dualstack or dualstack-without-public-ipv4");
      return;
    }
    lb.dualstack = *t != "ipv4";
  }
  const Value enforce = item.get("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic");
  if (auto e = rd().str(enforce, "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")) {
    if (*e != "on" && *e != "off") {
      rd().error(enforce.offset(), lb.id,
                 "`EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic` must be on or off, not `" +
                     std::string(*e) + "`");
      return;
    }
    lb.enforce_security_groups_on_private_link = *e == "on";
  }
  lb.security_groups = refs(item.get("SecurityGroups"), "SecurityGroups");
  if (auto d = rd().str(item.get("DNSName"), "DNSName")) lb.dns_name = *d;
  for (const auto& z : list(item.get("AvailabilityZones"), "AvailabilityZones")) {
    model::LoadBalancerNode node;
    node.at = at(z);
    node.subnet = ref(z.get("SubnetId"), "SubnetId");
    if (node.subnet.empty()) {
      if (z.get("SubnetId").absent())
        rd().error(z.offset(), lb.id, "an Availability Zone of a load balancer needs `SubnetId`");
      continue;
    }
    // LoadBalancerAddresses: IpAddress is the static address (an internet-facing NLB's Elastic
    // IP, AllocationId), PrivateIPv4Address an internal NLB's chosen address.
    for (const auto& a : list(z.get("LoadBalancerAddresses"), "LoadBalancerAddresses")) {
      if (auto ip = rd().address(a.get("IpAddress"), "IpAddress", Family::kV4)) {
        auto& slot = lb.internet_facing ? node.public_ip : node.private_ip;
        if (!slot) slot = ip;
      }
      if (auto ip = rd().address(a.get("PrivateIPv4Address"), "PrivateIPv4Address", Family::kV4))
        node.private_ip = ip;
      if (auto ip = rd().address(a.get("IPv6Address"), "IPv6Address", Family::kV6);
          ip && !node.ipv6_address)
        node.ipv6_address = ip;
      if (auto e = ref(a.get("AllocationId"), "AllocationId");
          !e.empty() && node.elastic_ip.empty())
        node.elastic_ip = std::move(e);
    }
    lb.nodes.push_back(std::move(node));
  }
  lb_info_[lb.id] = {ref(item.get("VpcId"), "VpcId"),
                     std::string(arn_tail(lb.id, ":loadbalancer/")), scope()};
  lb_index_.emplace(lb.id, static_cast<Index>(net_.load_balancers.size()));
  net_.load_balancers.push_back(std::move(lb));
}

// elb describe-load-balancers: Classic load balancers, their listeners and instances.
void LoadBalancing::classic_load_balancer(const Value& item) {
  const Value name_v = item.get("LoadBalancerName");
  auto name = rd().str(name_v, "LoadBalancerName");
  if (!name) {
    if (name_v.absent()) rd().error(item.offset(), "", "an item needs `LoadBalancerName`");
    return;
  }
  model::LoadBalancer lb;
  lb.id = classic_id(*name);
  lb.name = *name;
  lb.at = at(item);
  lb.type = model::LoadBalancerType::kClassic;
  rd().set_resource(lb.id);
  if (lb_index_.contains(lb.id)) return;
  const Value vpc = item.get("VPCId");
  if (vpc.absent()) {
    rd().gap(Gap::kLeftOut, "LoadBalancer", item.offset(), lb.id,
             "left out: Classic load balancer " + lb.name +
                 " is in EC2-Classic (no VPCId), which cloudtwin does not model");
    return;
  }
  if (!read_scheme(item.get("Scheme"), lb.id, lb.internet_facing)) return;
  for (auto& s : refs(item.get("Subnets"), "Subnets")) {
    model::LoadBalancerNode node;
    node.at = s.at;
    node.subnet = std::move(s);
    lb.nodes.push_back(std::move(node));
  }
  lb.security_groups = refs(item.get("SecurityGroups"), "SecurityGroups");
  for (const auto& i : list(item.get("Instances"), "Instances")) {
    if (auto r = ref(i.get("InstanceId"), "InstanceId"); !r.empty())
      lb.instances.push_back(std::move(r));
  }
  if (auto d = rd().str(item.get("DNSName"), "DNSName")) lb.dns_name = *d;
  for (const auto& ld : list(item.get("ListenerDescriptions"), "ListenerDescriptions")) {
    const Value l = ld.get("Listener");
    if (!rd().expect(l, json::Type::kObject, "Listener")) continue;
    model::Listener listener;
    listener.at = at(l);
    listener.load_balancer = {lb.id, listener.at};
    bool unmodelled = false;
    auto p = protocol(l.get("Protocol"), "Protocol", lb.id, unmodelled);
    auto port = rd().integer(l.get("LoadBalancerPort"), "LoadBalancerPort", 1, 65535);
    auto ip = protocol(l.get("InstanceProtocol"), "InstanceProtocol", lb.id, unmodelled);
    auto iport = rd().integer(l.get("InstancePort"), "InstancePort", 1, 65535);
    if (!p || !port) {
      if (l.get("Protocol").absent() || l.get("LoadBalancerPort").absent())
        rd().error(l.offset(), lb.id, "a Classic listener needs `Protocol` and `LoadBalancerPort`");
      continue;
    }
    listener.protocol = *p;
    listener.port = static_cast<std::uint16_t>(*port);
    listener.instance_protocol = ip.value_or(*p);
    listener.instance_port = static_cast<std::uint16_t>(iport.value_or(*port));
    listener.id = lb.id + ":" + std::to_string(*port);
    net_.listeners.push_back(std::move(listener));
  }
  lb_info_[lb.id] = {ref(vpc, "VPCId"), lb.name, scope()};
  classic_by_name_[scope() + "/" + lb.name] = lb.id;
  lb_index_.emplace(lb.id, static_cast<Index>(net_.load_balancers.size()));
  net_.load_balancers.push_back(std::move(lb));
}

// ---- listeners and rules ----------------------------------------------------------------------

bool LoadBalancing::read_actions(const Value& actions, std::string_view field,
                                 model::ListenerRule& rule) {
  if (!rd().expect(actions, json::Type::kArray, field)) return false;
  bool decided = false;
  for (const auto& a : actions.items()) {
    const Value type = a.get("Type");
    auto t = rd().str(type, "Type");
    if (!t) {
      if (type.absent()) rd().error(a.offset(), rd().resource(), "an action needs `Type`");
      return false;
    }
    // Authentication precedes the action that decides (aws-vpc-services.md §1).
    if (*t == "authenticate-oidc" || *t == "authenticate-cognito") continue;
    model::ListenerAction action;
    if (*t == "forward") {
      action = model::ListenerAction::kForward;
    } else if (*t == "redirect") {
      action = model::ListenerAction::kRedirect;
    } else if (*t == "fixed-response") {
      action = model::ListenerAction::kFixedResponse;
    } else {
      rd().error(type.offset(), rd().resource(), "`Type`: unknown action `" + std::string(*t) + "`",
                 "forward, redirect, fixed-response, authenticate-oidc or authenticate-cognito");
      return false;
    }
    if (decided) {
      rd().error(a.offset(), rd().resource(),
                 "`" + std::string(field) + "` has two actions that end the rule",
                 "a rule ends in one forward, redirect or fixed-response action");
      return false;
    }
    decided = true;
    rule.action = action;
    if (action != model::ListenerAction::kForward) continue;
    // ForwardConfig lists every group with its weight; a single group is also TargetGroupArn.
    for (const auto& g : list(a.get("ForwardConfig").get("TargetGroups"), "TargetGroups")) {
      model::WeightedTargetGroup w;
      w.target_group = ref(g.get("TargetGroupArn"), "TargetGroupArn");
      if (w.target_group.empty()) {
        if (g.get("TargetGroupArn").absent())
          rd().error(g.offset(), rd().resource(),
                     "a target group of `ForwardConfig` needs `TargetGroupArn`");
        return false;
      }
      const Value weight = g.get("Weight");
      if (auto n = rd().integer(weight, "Weight", 0, 999))
        w.weight = static_cast<int>(*n);
      else if (!weight.absent())
        return false;
      rule.target_groups.push_back(std::move(w));
    }
    if (rule.target_groups.empty()) {
      if (auto tg = ref(a.get("TargetGroupArn"), "TargetGroupArn"); !tg.empty())
        rule.target_groups.push_back({std::move(tg), 1});
    }
    if (rule.target_groups.empty()) {
      rd().error(a.offset(), rd().resource(),
                 "a forward action needs `TargetGroupArn` or `ForwardConfig.TargetGroups`");
      return false;
    }
  }
  if (!decided) {
    rd().error(actions.offset(), rd().resource(),
               "`" + std::string(field) + "` has no forward, redirect or fixed-response action");
    return false;
  }
  return true;
}

void LoadBalancing::read_conditions(const Value& conditions, model::ListenerRule& rule) {
  for (const auto& c : list(conditions, "Conditions")) {
    const Value field = c.get("Field");
    auto f = rd().str(field, "Field");
    if (!f) {
      if (field.absent()) rd().error(c.offset(), rule.id, "a condition needs `Field`");
      continue;
    }
    if (*f == "source-ip") {
      // SourceIpConfig.Values; older answers write Values beside Field.
      Value values = c.get("SourceIpConfig").get("Values");
      if (values.missing()) values = c.get("Values");
      for (const auto& v : list(values, "Values")) {
        if (auto p = rd().prefix(v, "Values")) rule.source_ips.push_back(*p);
      }
    } else if (*f == "host-header" || *f == "path-pattern" || *f == "http-header" ||
               *f == "http-request-method" || *f == "query-string") {
      rule.other_conditions = true;  // not decidable from a packet: the rule may match
    } else {
      rd().error(field.offset(), rule.id, "`Field`: unknown condition `" + std::string(*f) + "`",
                 "host-header, path-pattern, http-header, http-request-method, query-string or "
                 "source-ip");
    }
  }
}

void LoadBalancing::listener(const Value& item) { read_listener(item, context("LoadBalancerArn")); }

// Batfish's LoadBalancerListeners: [{LoadBalancerArn, Listeners: [...]}].
void LoadBalancing::listeners_of(const Value& item) {
  Ref lb = ref(item.get("LoadBalancerArn"), "LoadBalancerArn");
  for (const auto& l : list(item.get("Listeners"), "Listeners"))
    read_listener(l, lb.empty() ? nullptr : &lb);
}

void LoadBalancing::read_listener(const Value& item, const Ref* wrapper) {
  auto arn = id(item, "ListenerArn");
  if (!arn) return;
  if (listener_index_.contains(*arn) || left_out_.contains(*arn)) return;  // listed again
  model::Listener l;
  l.id = *arn;
  l.at = at(item);
  l.load_balancer = ref(item.get("LoadBalancerArn"), "LoadBalancerArn");
  if (l.load_balancer.empty() && wrapper) l.load_balancer = *wrapper;
  if (l.load_balancer.empty()) {
    if (item.get("LoadBalancerArn").absent())
      rd().error(item.offset(), l.id, "a listener needs `LoadBalancerArn`");
    return;
  }
  const Value proto = item.get("Protocol");
  if (proto.absent()) {
    // A Gateway Load Balancer's listener has neither port nor protocol: it takes every packet.
    if (type_of_arn(l.id, ":listener/") != model::LoadBalancerType::kGateway) {
      rd().error(item.offset(), l.id, "a listener needs `Protocol`");
      return;
    }
    l.protocol = model::LbProtocol::kGeneve;
  } else {
    bool unmodelled = false;
    auto p = protocol(proto, "Protocol", l.id, unmodelled);
    if (!p) {
      if (unmodelled) left_out_.insert(l.id);
      return;
    }
    l.protocol = *p;
  }
  const Value port = item.get("Port");
  if (auto p = rd().integer(port, "Port", 1, 65535))
    l.port = static_cast<std::uint16_t>(*p);
  else if (!port.absent())
    return;
  l.default_rule.id = l.id + "/default";
  l.default_rule.listener = {l.id, l.at};
  l.default_rule.at = l.at;
  v2_listeners_.insert(l.id);
  if (const Value actions = item.get("DefaultActions"); !actions.absent()) {
    l.default_rule.at = at(actions);
    if (!read_actions(actions, "DefaultActions", l.default_rule)) return;
    listener_defaults_.insert(l.id);
  }
  listener_index_.emplace(l.id, static_cast<Index>(net_.listeners.size()));
  net_.listeners.push_back(std::move(l));
}

void LoadBalancing::rule(const Value& item) { read_rule(item, context("ListenerArn")); }

// cloudtwin's ListenerRules: [{ListenerArn, Rules: [...]}], describe-rules per listener.
void LoadBalancing::rules_of(const Value& item) {
  Ref listener = ref(item.get("ListenerArn"), "ListenerArn");
  for (const auto& r : list(item.get("Rules"), "Rules"))
    read_rule(r, listener.empty() ? nullptr : &listener);
}

void LoadBalancing::read_rule(const Value& item, const Ref* wrapper) {
  auto arn = id(item, "RuleArn");
  if (!arn) return;
  model::ListenerRule r;
  r.id = *arn;
  r.at = at(item);
  if (wrapper) {
    r.listener = *wrapper;
  } else if (auto derived = listener_of_rule(r.id); !derived.empty()) {
    r.listener = {std::move(derived), at(item.get("RuleArn"))};
  } else {
    rd().error(item.offset(), r.id,
               "cannot tell the listener of rule " + r.id + " (not a listener-rule ARN)",
               "write {\"ListenerArn\": ..., \"Rules\": [...]}");
    return;
  }
  const Value priority = item.get("Priority");
  const bool is_default = rd().boolean(item.get("IsDefault"), "IsDefault").value_or(false) ||
                          (priority.is_string() && priority.text() == "default");
  if (!is_default) {
    auto p = rd().integer(priority, "Priority", 1, 50000);
    if (!p) {
      if (priority.absent()) rd().error(item.offset(), r.id, "a rule needs `Priority`");
      return;
    }
    r.priority = static_cast<int>(*p);
  }
  const Value actions = item.get("Actions");
  if (actions.absent()) {
    rd().error(item.offset(), r.id, "a rule needs `Actions`");
    return;
  }
  if (!read_actions(actions, "Actions", r)) return;
  read_conditions(item.get("Conditions"), r);
  if (is_default) {
    // The listener's default action, as describe-listeners' DefaultActions says too.
    default_rules_.push_back({r.listener, std::move(r)});
    return;
  }
  if (!rule_ids_.insert(r.id).second) return;  // listed again
  net_.listener_rules.push_back(std::move(r));
}

// ---- target groups and targets ----------------------------------------------------------------

void LoadBalancing::target_group(const Value& item) {
  auto arn = id(item, "TargetGroupArn");
  if (!arn) return;
  if (tg_index_.contains(*arn) || left_out_.contains(*arn)) return;
  model::TargetGroup tg;
  tg.id = *arn;
  tg.at = at(item);
  if (auto n = rd().str(item.get("TargetGroupName"), "TargetGroupName")) tg.name = *n;
  const Value type = item.get("TargetType");
  if (auto t = rd().str(type, "TargetType")) {
    if (*t == "instance") {
      tg.target_type = model::TargetType::kInstance;
    } else if (*t == "ip") {
      tg.target_type = model::TargetType::kIp;
    } else if (*t == "lambda") {
      tg.target_type = model::TargetType::kLambda;
    } else if (*t == "alb") {
      tg.target_type = model::TargetType::kAlb;
    } else {
      rd().error(type.offset(), tg.id,
                 "`TargetType`: unknown target type `" + std::string(*t) + "`",
                 "instance, ip, lambda or alb");
      return;
    }
  } else if (!type.absent()) {
    return;
  }
  if (const Value proto = item.get("Protocol"); !proto.absent()) {  // a lambda group has none
    bool unmodelled = false;
    auto p = protocol(proto, "Protocol", tg.id, unmodelled);
    if (!p) {
      if (unmodelled) left_out_.insert(tg.id);
      return;
    }
    tg.protocol = *p;
  }
  const Value port = item.get("Port");
  if (auto p = rd().integer(port, "Port", 1, 65535))
    tg.port = static_cast<std::uint16_t>(*p);
  else if (!port.absent())
    return;
  tg.vpc = ref(item.get("VpcId"), "VpcId");
  const Value hc = item.get("HealthCheckPort");
  if (hc.is_string() && hc.text() == "traffic-port") {
    tg.health_check_port.reset();
  } else if (auto p = rd().integer(hc, "HealthCheckPort", 1, 65535)) {
    tg.health_check_port = static_cast<std::uint16_t>(*p);
  } else if (!hc.absent()) {
    return;
  }
  const Value ip_type = item.get("IpAddressType");
  if (auto t = rd().str(ip_type, "IpAddressType")) {
    if (*t != "ipv4" && *t != "ipv6") {
      rd().error(ip_type.offset(), tg.id, "`IpAddressType`: unknown type `" + std::string(*t) + "`",
                 "ipv4 or ipv6");
      return;
    }
    tg.ipv6 = *t == "ipv6";
  }
  tg_index_.emplace(tg.id, static_cast<Index>(net_.target_groups.size()));
  net_.target_groups.push_back(std::move(tg));
}

void LoadBalancing::target_health(const Value& item) {
  if (const Ref* tg = need_context("TargetHealthDescriptions", item.offset(), {"TargetGroupArn"}))
    read_target(item, *tg);
}

// Batfish's LoadBalancerTargetHealth: [{TargetGroupArn, TargetHealthDescriptions: [...]}].
void LoadBalancing::target_health_of(const Value& item) {
  const Value arn = item.get("TargetGroupArn");
  Ref tg = ref(arn, "TargetGroupArn");
  if (tg.empty()) {
    if (arn.absent())
      rd().error(item.offset(), "", "an item of `LoadBalancerTargetHealth` needs `TargetGroupArn`");
    return;
  }
  for (const auto& d : list(item.get("TargetHealthDescriptions"), "TargetHealthDescriptions"))
    read_target(d, tg);
}

void LoadBalancing::read_target(const Value& item, const Ref& tg) {
  rd().set_resource(tg.text);
  const Value target = item.get("Target");
  if (target.missing()) {
    rd().error(item.offset(), tg.text, "a target health description needs `Target`");
    return;
  }
  if (!rd().expect(target, json::Type::kObject, "Target")) return;
  const Value id_v = target.get("Id");
  auto target_id = rd().str(id_v, "Id");
  if (!target_id) {
    if (id_v.absent()) rd().error(target.offset(), tg.text, "a target needs `Id`");
    return;
  }
  TargetRecord r;
  r.target_group = tg;
  r.id = *target_id;
  r.at = at(id_v);
  const Value port = target.get("Port");
  if (auto p = rd().integer(port, "Port", 1, 65535))
    r.port = static_cast<std::uint16_t>(*p);
  else if (!port.absent())
    return;
  if (auto z = rd().str(target.get("AvailabilityZone"), "AvailabilityZone")) r.zone = *z;
  const Value state = item.get("TargetHealth").get("State");
  if (auto s = rd().str(state, "State")) {
    static constexpr std::string_view kStates[] = {
        "initial", "healthy",  "unhealthy",  "unhealthy.draining",
        "unused",  "draining", "unavailable"};
    if (std::find(std::begin(kStates), std::end(kStates), *s) == std::end(kStates)) {
      rd().error(
          state.offset(), tg.text, "`State`: unknown target health `" + std::string(*s) + "`",
          "initial, healthy, unhealthy, unhealthy.draining, unused, draining or unavailable");
      return;
    }
    r.health = *s;
  }
  targets_.push_back(std::move(r));
}

// ---- attributes -------------------------------------------------------------------------------

// describe-load-balancer-attributes or describe-target-group-attributes, named by the file.
void LoadBalancing::attribute(const Value& item) {
  const Ref* lb = context("LoadBalancerArn");
  const Ref* tg = context("TargetGroupArn");
  if (lb && tg) {
    if (context_reported_.insert("Attributes").second)
      rd().error(item.offset(), "",
                 "the file names both `LoadBalancerArn` and `TargetGroupArn`: whose `Attributes` "
                 "are these?",
                 "write one answer per file");
    return;
  }
  const Ref* owner =
      need_context("Attributes", item.offset(), {"LoadBalancerArn", "TargetGroupArn"});
  if (owner) read_attribute(item, *owner, owner == tg);
}

// LoadBalancerAttributes (Batfish's, elbv2: [{LoadBalancerArn, Attributes}]) and
// ClassicLoadBalancerAttributes (cloudtwin's, elb: [{LoadBalancerName, LoadBalancerAttributes}]).
void LoadBalancing::load_balancer_attributes(const Value& item) {
  if (!item.get("LoadBalancerArn").missing()) {
    Ref lb = ref(item.get("LoadBalancerArn"), "LoadBalancerArn");
    if (lb.empty()) return;
    rd().set_resource(lb.text);
    for (const auto& a : list(item.get("Attributes"), "Attributes")) read_attribute(a, lb, false);
  } else if (!item.get("LoadBalancerName").missing()) {
    Ref lb = ref(item.get("LoadBalancerName"), "LoadBalancerName");
    if (lb.empty()) return;
    rd().set_resource(lb.text);
    read_classic_attributes(item.get("LoadBalancerAttributes"), lb);
  } else {
    rd().error(item.offset(), "",
               "an item of `" +
                   std::string(item.key().empty() ? "LoadBalancerAttributes" : item.key()) +
                   "` needs `LoadBalancerArn` (elbv2) or `LoadBalancerName` (Classic)");
  }
}

// elb describe-load-balancer-attributes: {"LoadBalancerAttributes": {...}}, named by the file.
void LoadBalancing::read_object(std::string_view key, const Value& item) {
  if (key != "LoadBalancerAttributes") return;
  if (const Ref* lb = need_context(key, item.offset(), {"LoadBalancerName"}))
    read_classic_attributes(item, *lb);
}

// cloudtwin's TargetGroupAttributes: [{TargetGroupArn, Attributes}].
void LoadBalancing::target_group_attributes(const Value& item) {
  const Value arn = item.get("TargetGroupArn");
  Ref tg = ref(arn, "TargetGroupArn");
  if (tg.empty()) {
    if (arn.absent())
      rd().error(item.offset(), "", "an item of `TargetGroupAttributes` needs `TargetGroupArn`");
    return;
  }
  rd().set_resource(tg.text);
  for (const auto& a : list(item.get("Attributes"), "Attributes")) read_attribute(a, tg, true);
}

void LoadBalancing::read_attribute(const Value& item, const Ref& owner, bool target_group) {
  const Value key_v = item.get("Key");
  auto key = rd().str(key_v, "Key");
  if (!key) {
    if (key_v.absent()) rd().error(item.offset(), owner.text, "an attribute needs `Key`");
    return;
  }
  // The attributes forwarding depends on (aws-vpc-services.md §0, §2); the rest is left aside.
  const bool cross_zone = *key == "load_balancing.cross_zone.enabled";
  const bool preserve = target_group && *key == "preserve_client_ip.enabled";
  if (!cross_zone && !preserve) return;
  const Value value = item.get("Value");
  auto text = rd().str(value, "Value");
  if (!text) {
    if (value.absent())
      rd().error(item.offset(), owner.text,
                 "attribute `" + std::string(*key) + "` needs a `Value`");
    return;
  }
  Attribute a;
  a.owner = owner;
  a.target_group = target_group;
  a.key = *key;
  a.at = at(value);
  if (*text == "true" || *text == "false") {
    a.value = *text == "true";
  } else if (!(target_group && cross_zone && *text == "use_load_balancer_configuration")) {
    rd().error(value.offset(), owner.text,
               "`" + std::string(*key) + "`: `" + std::string(*text) + "` is not true or false" +
                   (target_group && cross_zone ? " or use_load_balancer_configuration" : ""));
    return;
  }
  attributes_.push_back(std::move(a));
}

void LoadBalancing::read_classic_attributes(const Value& attributes, const Ref& lb) {
  rd().set_resource(lb.text);
  if (!rd().expect(attributes, json::Type::kObject, "LoadBalancerAttributes")) return;
  const Value cross_zone = attributes.get("CrossZoneLoadBalancing");
  if (cross_zone.missing()) return;
  const Value enabled = cross_zone.get("Enabled");
  auto on = rd().boolean(enabled, "Enabled");
  if (!on) {
    if (enabled.absent())
      rd().error(cross_zone.offset(), lb.text, "`CrossZoneLoadBalancing` needs `Enabled`");
    return;
  }
  Attribute a;
  a.owner = lb;
  a.classic = true;
  a.scope = scope();
  a.key = "CrossZoneLoadBalancing";
  a.value = *on;
  a.at = at(enabled);
  attributes_.push_back(std::move(a));
}

// ---- Auto Scaling, launch templates, endpoint services ----------------------------------------

void LoadBalancing::auto_scaling_group(const Value& item) {
  auto name = id(item, "AutoScalingGroupName");
  if (!name) return;
  if (asg_index_.contains(*name)) return;
  if (!item.get("Status").absent()) return;  // "Delete in progress"
  const Value zones = item.get("VPCZoneIdentifier");
  auto text = rd().str(zones, "VPCZoneIdentifier");
  if (!text) {
    if (zones.absent())
      rd().gap(Gap::kLeftOut, "AutoScalingGroup", item.offset(), *name,
               "left out: Auto Scaling group " + *name +
                   " names no subnets (VPCZoneIdentifier): it launches into default subnets, "
                   "which the snapshot does not say");
    return;
  }
  model::AutoScalingGroup g;
  g.id = *name;
  g.name = name_tag(item);
  g.at = at(item);
  // "subnet-a,subnet-b": each subnet located at its column.
  for (std::size_t start = 0; start <= text->size();) {
    auto end = text->find(',', start);
    if (end == std::string_view::npos) end = text->size();
    std::size_t first = start;
    while (first < end && (*text)[first] == ' ') ++first;
    std::size_t last = end;
    while (last > first && (*text)[last - 1] == ' ') --last;
    if (last > first)
      g.subnets.push_back(
          {std::string(text->substr(first, last - first)), rd().at(zones.offset() + 1 + first)});
    start = end + 1;
  }
  GroupInfo info;
  info.scope = scope();
  Value spec = item.get("LaunchTemplate");
  if (spec.missing())
    spec =
        item.get("MixedInstancesPolicy").get("LaunchTemplate").get("LaunchTemplateSpecification");
  if (!spec.missing()) {
    g.launch_template = ref(spec.get("LaunchTemplateId"), "LaunchTemplateId");
    if (g.launch_template.empty())
      g.launch_template = ref(spec.get("LaunchTemplateName"), "LaunchTemplateName");
    info.version = ref(spec.get("Version"), "Version");
  } else {
    g.launch_template = ref(item.get("LaunchConfigurationName"), "LaunchConfigurationName");
  }
  g.target_groups = refs(item.get("TargetGroupARNs"), "TargetGroupARNs");
  g.load_balancers = refs(item.get("LoadBalancerNames"), "LoadBalancerNames");
  group_info_[g.id] = std::move(info);
  asg_index_.emplace(g.id, static_cast<Index>(net_.auto_scaling_groups.size()));
  net_.auto_scaling_groups.push_back(std::move(g));
}

model::LaunchTemplate& LoadBalancing::launch_template_by_id(const std::string& lt_id,
                                                            Location where) {
  if (auto it = lt_index_.find(lt_id); it != lt_index_.end())
    return net_.launch_templates[it->second];
  auto& lt = net_.launch_templates.emplace_back();
  lt.id = lt_id;
  lt.at = where;
  lt_index_.emplace(lt_id, static_cast<Index>(net_.launch_templates.size() - 1));
  return lt;
}

void LoadBalancing::launch_template(const Value& item) {
  auto lt_id = id(item, "LaunchTemplateId");
  if (!lt_id) return;
  auto name = rd().str(item.get("LaunchTemplateName"), "LaunchTemplateName");
  auto default_version =
      rd().integer(item.get("DefaultVersionNumber"), "DefaultVersionNumber", 1, INT_MAX);
  auto latest = rd().integer(item.get("LatestVersionNumber"), "LatestVersionNumber", 1, INT_MAX);
  auto& lt = launch_template_by_id(*lt_id, at(item));
  if (name) lt.name = *name;
  if (default_version && latest)
    lt_versions_[lt.id] = {static_cast<int>(*default_version), static_cast<int>(*latest)};
}

// describe-launch-template-versions: the default version's network settings (what a group
// launches unless it names another version).
void LoadBalancing::launch_template_version(const Value& item) {
  if (!rd().boolean(item.get("DefaultVersion"), "DefaultVersion").value_or(false)) return;
  auto lt_id = id(item, "LaunchTemplateId");
  if (!lt_id) return;
  auto name = rd().str(item.get("LaunchTemplateName"), "LaunchTemplateName");
  const Value data = item.get("LaunchTemplateData");
  Value primary;
  for (const auto& ni : list(data.get("NetworkInterfaces"), "NetworkInterfaces")) {
    if (rd().integer(ni.get("DeviceIndex"), "DeviceIndex", 0, 1024).value_or(0) == 0) {
      primary = ni;
      break;
    }
  }
  // Groups of the primary interface, when the template describes it; else the instance's.
  std::vector<Ref> groups = refs(primary.get("Groups"), "Groups");
  auto public_ip =
      rd().boolean(primary.get("AssociatePublicIpAddress"), "AssociatePublicIpAddress");
  if (groups.empty()) {
    groups = refs(data.get("SecurityGroupIds"), "SecurityGroupIds");
    for (auto& r : refs(data.get("SecurityGroups"), "SecurityGroups"))
      groups.push_back(std::move(r));
  }
  auto& lt = launch_template_by_id(*lt_id, at(item));
  if (lt.name.empty() && name) lt.name = *name;
  lt.security_groups = std::move(groups);
  lt.associate_public_ip = public_ip;
}

// autoscaling describe-launch-configurations: the model holds them as launch templates.
void LoadBalancing::launch_configuration(const Value& item) {
  auto name = id(item, "LaunchConfigurationName");
  if (!name) return;
  auto groups = refs(item.get("SecurityGroups"), "SecurityGroups");
  auto public_ip = rd().boolean(item.get("AssociatePublicIpAddress"), "AssociatePublicIpAddress");
  auto& lt = launch_template_by_id(*name, at(item));
  lt.security_groups = std::move(groups);
  lt.associate_public_ip = public_ip;
}

void LoadBalancing::endpoint_service(const Value& item) {
  const auto state = item.get("ServiceState").text();
  if (state == "Deleted" || state == "Deleting" || state == "Failed") return;
  auto sid = id(item, "ServiceId");
  if (!sid) return;
  if (service_index_.contains(*sid)) return;
  model::VpcEndpointService s;
  s.id = *sid;
  s.name = name_tag(item);
  s.at = at(item);
  if (auto n = rd().str(item.get("ServiceName"), "ServiceName")) s.service_name = *n;
  if (auto b = rd().boolean(item.get("AcceptanceRequired"), "AcceptanceRequired"))
    s.acceptance_required = *b;
  s.network_load_balancers = refs(item.get("NetworkLoadBalancerArns"), "NetworkLoadBalancerArns");
  s.gateway_load_balancers = refs(item.get("GatewayLoadBalancerArns"), "GatewayLoadBalancerArns");
  service_index_.emplace(s.id, static_cast<Index>(net_.vpc_endpoint_services.size()));
  net_.vpc_endpoint_services.push_back(std::move(s));
}

// ---- interfaces -------------------------------------------------------------------------------

void LoadBalancing::note_interface(std::string_view owner, const model::NetworkInterface& eni) {
  auto& found = interfaces_[std::string(owner)];
  if (std::any_of(found.begin(), found.end(), [&](const Interface& i) { return i.id == eni.id; }))
    return;
  Interface i;
  i.id = eni.id;
  i.subnet = eni.subnet.text;
  if (!eni.private_ips.empty()) i.private_ip = eni.private_ips.front();
  i.at = eni.at;
  found.push_back(std::move(i));
}

// ---- finish -----------------------------------------------------------------------------------

std::unordered_set<std::string> LoadBalancing::finish(
    const std::function<bool(const std::string&)>& instance_gone) {
  // A target group outlives its VPC, and a snapshot of some Regions holds only their VPCs: what
  // lives in a VPC outside the snapshot is left out, with what names it.
  std::unordered_set<std::string_view> vpcs;
  for (const auto& v : net_.vpcs) vpcs.insert(v.id);
  auto outside = [&](const Ref& vpc) { return !vpc.empty() && !vpcs.contains(vpc.text); };
  for (std::size_t i = first_lb_; i < net_.load_balancers.size(); ++i) {
    const auto& lb = net_.load_balancers[i];
    const auto& vpc = lb_info_[lb.id].vpc;
    if (!outside(vpc)) continue;
    d_.gap(Gap::kLeftOut, "LoadBalancer", net_.file_of(vpc.at), vpc.at, lb.id,
           "load balancer " + lb.label() + " is in VPC " + vpc.text +
               ", which is not in the snapshot: left out, with its listeners",
           "add the describe-vpcs answer of its account and Region");
    left_out_.insert(lb.id);
  }
  for (std::size_t i = first_tg_; i < net_.target_groups.size(); ++i) {
    const auto& tg = net_.target_groups[i];
    if (!outside(tg.vpc)) continue;
    d_.gap(Gap::kLeftOut, "TargetGroup", net_.file_of(tg.vpc.at), tg.vpc.at, tg.id,
           "target group " + tg.label() + " is in VPC " + tg.vpc.text +
               ", which is not in the snapshot: left out, with its targets",
           "add the describe-vpcs answer of its account and Region");
    left_out_.insert(tg.id);
  }
  for (std::size_t i = first_listener_; i < net_.listeners.size(); ++i) {
    const auto& l = net_.listeners[i];
    if (left_out_.contains(l.load_balancer.text)) left_out_.insert(l.id);
  }
  std::unordered_set<std::string> linked;
  link_nodes(linked);
  apply_attributes();
  apply_targets(instance_gone);
  apply_default_rules();
  link_groups();
  leave_out();
  return linked;
}

// An ELB node's interface is the requester-managed ENI described "ELB <owner>" in the node's
// subnet (aws-vpc-services.md §0).
void LoadBalancing::link_nodes(std::unordered_set<std::string>& linked) {
  for (std::size_t i = first_lb_; i < net_.load_balancers.size(); ++i) {
    auto& lb = net_.load_balancers[i];
    if (left_out_.contains(lb.id)) continue;
    auto found = interfaces_.find(lb_info_[lb.id].owner);
    if (found == interfaces_.end()) continue;
    const auto& candidates = found->second;
    std::vector<bool> used(candidates.size(), false);
    std::unordered_set<std::string> subnets;
    for (auto& node : lb.nodes) {
      subnets.insert(node.subnet.text);
      for (std::size_t k = 0; k < candidates.size(); ++k) {
        const auto& c = candidates[k];
        if (used[k] || c.subnet != node.subnet.text) continue;
        used[k] = true;
        node.network_interface = {c.id, node.at};
        if (c.private_ip) node.private_ip = c.private_ip;
        node.elastic_ip = {};  // the interface's own association (Addresses) says it
        linked.insert(c.id);
        break;
      }
    }
    // ELB adds interfaces to a node as it scales (an ALB up to 100 addresses); the model has one.
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      const auto& c = candidates[k];
      if (used[k] || !subnets.contains(c.subnet)) continue;
      d_.gap(Gap::kLeftOut, "LoadBalancerInterface", net_.file_of(c.at), c.at, c.id,
             "interface " + c.id + " is a further interface of load balancer " + lb.label() +
                 " in subnet " + c.subnet +
                 " (ELB adds them as it scales); the model has one per "
                 "node, so it is read as a plain interface",
             "traces through the load balancer use its node's interface");
    }
  }
}

void LoadBalancing::apply_attributes() {
  for (const auto& a : attributes_) {
    std::string owner = a.owner.text;
    if (a.classic) {
      auto it = classic_by_name_.find(a.scope + "/" + owner);
      if (it == classic_by_name_.end()) {
        d_.error(net_.file_of(a.owner.at), a.owner.at, owner,
                 "no Classic load balancer `" + owner + "` in the snapshot",
                 "add the answer of aws elb describe-load-balancers");
        continue;
      }
      owner = it->second;
    }
    if (left_out_.contains(owner)) continue;
    if (a.target_group) {
      auto it = tg_index_.find(owner);
      if (it == tg_index_.end()) {
        d_.error(net_.file_of(a.owner.at), a.owner.at, owner,
                 "no TargetGroup `" + owner + "` in the snapshot",
                 "add the answer of aws elbv2 describe-target-groups");
        continue;
      }
      auto& tg = net_.target_groups[it->second];
      if (a.key == "preserve_client_ip.enabled")
        tg.preserve_client_ip = a.value;
      else
        tg.cross_zone = a.value;
      continue;
    }
    auto it = lb_index_.find(owner);
    if (it == lb_index_.end()) {
      d_.error(net_.file_of(a.owner.at), a.owner.at, owner,
               "no LoadBalancer `" + owner + "` in the snapshot",
               "add the answer of aws elbv2 describe-load-balancers");
      continue;
    }
    net_.load_balancers[it->second].cross_zone = a.value;
  }
}

void LoadBalancing::apply_targets(const std::function<bool(const std::string&)>& instance_gone) {
  std::set<std::tuple<std::string, std::string, int>> seen;
  for (const auto& r : targets_) {
    const std::string& group = r.target_group.text;
    if (left_out_.contains(group)) continue;
    auto it = tg_index_.find(group);
    if (it == tg_index_.end()) {
      d_.error(net_.file_of(r.target_group.at), r.target_group.at, group,
               "no TargetGroup `" + group + "` in the snapshot",
               "add the answer of aws elbv2 describe-target-groups");
      continue;
    }
    auto& tg = net_.target_groups[it->second];
    if (!seen.emplace(tg.id, r.id, r.port.value_or(0)).second) continue;  // listed again
    model::Target t;
    t.at = r.at;
    t.port = r.port;
    t.availability_zone = r.zone;
    t.health = r.health;
    switch (tg.target_type) {
      case model::TargetType::kInstance:
        if (instance_gone(r.id)) {
          d_.gap(Gap::kLeftOut, "Target", net_.file_of(r.at), r.at, tg.id,
                 "target " + r.id + " of " + tg.label() +
                     " is an instance the snapshot lists as terminated: left out");
          continue;
        }
        t.instance = {r.id, r.at};
        break;
      case model::TargetType::kIp:
        t.ip = IpAddress::parse(r.id);
        if (!t.ip) {
          d_.error(net_.file_of(r.at), r.at, tg.id,
                   "`Id`: `" + r.id + "` is not an IP address (target group " + tg.id +
                       " has ip targets)");
          continue;
        }
        break;
      case model::TargetType::kAlb:
        if (left_out_.contains(r.id)) continue;
        t.load_balancer = {r.id, r.at};
        break;
      case model::TargetType::kLambda:
        continue;  // invoked through the Lambda service: the path ends at the ALB (§1)
    }
    tg.targets.push_back(std::move(t));
  }
}

void LoadBalancing::apply_default_rules() {
  for (auto& d : default_rules_) {
    if (left_out_.contains(d.listener.text)) continue;
    auto it = listener_index_.find(d.listener.text);
    if (it == listener_index_.end()) {
      d_.error(net_.file_of(d.listener.at), d.listener.at, d.rule.id,
               "no Listener `" + d.listener.text + "` in the snapshot",
               "add the answer of aws elbv2 describe-listeners");
      continue;
    }
    auto& l = net_.listeners[it->second];
    // describe-listeners' DefaultActions and the IsDefault rule say the same; either will do.
    if (!listener_defaults_.insert(l.id).second) continue;
    l.default_rule = std::move(d.rule);
  }
  for (std::size_t i = first_listener_; i < net_.listeners.size(); ++i) {
    const auto& l = net_.listeners[i];
    if (!v2_listeners_.contains(l.id) || listener_defaults_.contains(l.id) ||
        left_out_.contains(l.id))
      continue;
    d_.error(net_.file_of(l.at), l.at, l.id, "listener " + l.id + " has no default action",
             "add its DefaultActions (describe-listeners lists them) or its IsDefault rule");
  }
}

void LoadBalancing::link_groups() {
  for (std::size_t i = first_asg_; i < net_.auto_scaling_groups.size(); ++i) {
    auto& g = net_.auto_scaling_groups[i];
    const auto& info = group_info_[g.id];
    // LoadBalancerNames name Classic load balancers of the group's account and Region.
    for (auto& lb : g.load_balancers) {
      if (auto it = classic_by_name_.find(info.scope + "/" + lb.text); it != classic_by_name_.end())
        lb.text = it->second;
    }
    std::erase_if(g.target_groups, [&](const Ref& r) { return left_out_.contains(r.text); });
    std::erase_if(g.load_balancers, [&](const Ref& r) { return left_out_.contains(r.text); });
    const Ref& version = info.version;
    if (version.empty() || version.text == "$Default" || g.launch_template.empty()) continue;
    auto v = lt_versions_.find(g.launch_template.text);
    const bool is_default = v != lt_versions_.end() &&
                            (version.text == std::to_string(v->second.first) ||
                             (version.text == "$Latest" && v->second.second == v->second.first));
    if (is_default) continue;
    d_.gap(Gap::kUnknownValue, "LaunchTemplateVersion", net_.file_of(version.at), version.at, g.id,
           "Auto Scaling group " + g.id + " launches version " + version.text + " of " +
               g.launch_template.text +
               "; the snapshot holds the default version's network settings, which are used",
           "describe-launch-templates tells whether it is the default version");
  }
  for (std::size_t i = first_service_; i < net_.vpc_endpoint_services.size(); ++i) {
    auto& s = net_.vpc_endpoint_services[i];
    std::erase_if(s.network_load_balancers,
                  [&](const Ref& r) { return left_out_.contains(r.text); });
    std::erase_if(s.gateway_load_balancers,
                  [&](const Ref& r) { return left_out_.contains(r.text); });
  }
}

void LoadBalancing::leave_out() {
  if (left_out_.empty()) return;
  auto gone = [&](const model::Resource& r) { return left_out_.contains(r.id); };
  erase_from(net_.load_balancers, first_lb_, gone);
  erase_from(net_.target_groups, first_tg_, gone);
  erase_from(net_.listeners, first_listener_, gone);
  erase_from(net_.listener_rules, first_rule_,
             [&](const model::ListenerRule& r) { return left_out_.contains(r.listener.text); });
}

}  // namespace cloudtwin::load::aws_cli
