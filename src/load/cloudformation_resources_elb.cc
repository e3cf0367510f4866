// Elastic Load Balancing (Application, Network, Gateway and Classic load balancers, listeners and
// their rules, target groups), Auto Scaling groups with their launch templates and launch
// configurations, and PrivateLink endpoint services (shared/reference/aws-vpc-services.md §7.1).
// A value that is wrong is an error where it is written, and the resource is still read, so that
// nothing that names it is lost too; a value not known offline leaves the resource out.
#include <algorithm>
#include <set>

#include "cloudformation_mapper.h"

namespace cloudtwin::load::cfn {
namespace {

using model::Kind;
using model::LbProtocol;
using model::LoadBalancerType;

constexpr auto kReq = Need::kRequired;
constexpr auto kOpt = Need::kOptional;

// Required when written: an unknown value leaves the resource out rather than half-read.
Need if_present(Props& p, std::string_view key) {
  return p.has(key) && !p.get(key).is_null() ? kReq : kOpt;
}

std::string join(std::initializer_list<std::string_view> options) {
  std::string s;
  std::size_t i = 0;
  for (auto o : options) {
    s += (i == 0 ? "" : i + 1 == options.size() ? " or " : ", ") + std::string(o);
    ++i;
  }
  return s;
}

// The value of `key` when it is one of `options`; nullopt when absent, unknown (unusable as
// `need` says) or wrong (an error naming the options). A parameter's stand-in counts as absent
// and marks the resource as depending on the parameter.
std::optional<std::string> choice(Mapper& m, Props& p, std::string_view key,
                                  std::initializer_list<std::string_view> options,
                                  Need need = kReq) {
  Value v = p.get(key);
  if (v.is_null()) return std::nullopt;
  if (v.is_unknown()) {
    p.unusable(key, v.text, need, v.at);
    return std::nullopt;
  }
  const auto& r = p.resource();
  if (!v.is_string()) {
    m.stack().error(v.at, r.logical_id, "`" + std::string(key) + "` must be a single value");
    return std::nullopt;
  }
  if (std::find(options.begin(), options.end(), v.text) != options.end()) return v.text;
  if (!v.stand_in.empty()) {
    p.note(v);
    return std::nullopt;
  }
  m.stack().error(v.at, r.logical_id,
                  "`" + std::string(key) + "` must be " + join(options) + ", not `" + v.text + "`");
  return std::nullopt;
}

std::optional<std::uint16_t> port(Props& p, std::string_view key, Need need) {
  auto n = p.integer(key, 1, 65535, need);
  if (!n) return std::nullopt;
  return static_cast<std::uint16_t>(*n);
}

// A required list of references (Subnets, VPCZoneIdentifier): any item that cannot be used leaves
// the resource out, since a load balancer or group in fewer subnets than written would answer
// differently. A comma-separated string is a list too (what Fn::Join makes of one), its items
// trimmed of spaces.
std::vector<model::Ref> all_refs(Mapper& m, Props& p, std::string_view key,
                                 std::initializer_list<Kind> kinds) {
  std::vector<model::Ref> out;
  Value v = p.get(key);
  if (v.is_null()) return out;
  if (v.is_unknown()) {
    p.unusable(key, v.text, kReq, v.at);
    return out;
  }
  if (v.is_string()) {
    Value list;
    list.type = Value::Type::kList;
    list.at = v.at;
    for (std::size_t start = 0;;) {
      const auto comma = v.text.find(',', start);
      std::string text = v.text.substr(start, comma - start);
      text.erase(0, text.find_first_not_of(' '));
      text.erase(text.find_last_not_of(' ') + 1);
      Value item = Value::string(std::move(text), v.at, v.resource);
      item.stand_in = v.stand_in;
      list.items.push_back(std::move(item));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    v = std::move(list);
  }
  if (!v.is_list()) {
    m.stack().error(v.at, p.resource().logical_id, "`" + std::string(key) + "` must be a list");
    return out;
  }
  for (const auto& item : v.items) {
    model::Ref r = p.ref_value(item, key, kinds, kReq);
    if (!r.empty()) out.push_back(std::move(r));
  }
  return out;
}

// Why a nested mapping (an action, a target, a subnet mapping) cannot be used, carried to its
// resource as its own reason.
void carry(Props& nested, Props& p, std::string_view key, Location at) {
  if (std::string why = nested.take_left_out(); !why.empty()) p.unusable(key, why, kReq, at);
}

// The name a resource was given (`Name`, `LoadBalancerName`, ...): its model name, with the
// logical id kept as an alias. Load balancer and target group names are checked as ELB does.
void rename(Mapper& m, Props& p, model::Resource& res, Kind kind, std::string_view key) {
  Value v = p.get(key);
  if (!v.is_string() || !v.stand_in.empty() || v.text.empty()) return;
  const auto& r = p.resource();
  if ((kind == Kind::kLoadBalancer || kind == Kind::kTargetGroup) && !valid_elb_name(v.text)) {
    m.stack().error(
        v.at, r.logical_id,
        "`" + std::string(key) + "` `" + v.text + "` is not a load balancer or target group name",
        "at most 32 letters, digits and hyphens, not starting or ending with one");
    return;
  }
  if (res.name == r.logical_id && v.text != r.logical_id)
    m.network().aliases.push_back({r.logical_id, kind, res.id, res.at});
  res.name = v.text;
}

// LoadBalancerAttributes, TargetGroupAttributes: [{Key, Value}], the value of `key` (a string
// as written), with the location of its value.
std::optional<Value> attribute(Props& p, Mapper& m, std::string_view list, std::string_view key) {
  Value v = p.get(list);
  std::optional<Value> found;
  for (const auto& item : v.items) {
    const Value* k = item.get("Key");
    if (!k || !k->is_string() || k->text != key) continue;
    if (const Value* value = item.get("Value")) {
      found = *value;
    } else {
      m.stack().error(item.at, p.resource().logical_id,
                      "attribute `" + std::string(key) + "` has no `Value`");
    }
  }
  return found;
}

// A true/false attribute; `use_load_balancer_configuration` (a target group's cross-zone
// setting) is unset.
std::optional<bool> boolean_attribute(Props& p, Mapper& m, std::string_view list,
                                      std::string_view key, bool allow_inherit = false) {
  auto v = attribute(p, m, list, key);
  if (!v) return std::nullopt;
  if (v->is_unknown()) {
    p.unusable(key, v->text, kOpt, v->at);
    return std::nullopt;
  }
  if (!v->stand_in.empty()) {
    p.note(*v);
    return std::nullopt;
  }
  if (v->is_string() && (v->text == "true" || v->text == "false")) return v->text == "true";
  if (allow_inherit && v->is_string() && v->text == "use_load_balancer_configuration")
    return std::nullopt;
  m.stack().error(v->at, p.resource().logical_id,
                  "attribute `" + std::string(key) + "` must be true or false" +
                      (allow_inherit ? " or use_load_balancer_configuration" : "") + ", not `" +
                      (v->is_string() ? v->text : std::string("a list or mapping")) + "`");
  return std::nullopt;
}

// The type of a load balancer the reference names, if it is in the network read so far.
std::optional<LoadBalancerType> type_of(Mapper& m, const model::Ref& lb) {
  if (lb.empty()) return std::nullopt;
  const model::Index i = m.locate(Kind::kLoadBalancer, lb.text);
  if (i == model::kNone) return std::nullopt;
  return m.network().load_balancers[i].type;
}

// A listener's DefaultActions or a rule's Actions: by `Order`, any authenticate-oidc or
// authenticate-cognito actions first, then exactly one of forward, redirect or fixed-response
// (load-balancer-listeners.html). `forward` names target groups by TargetGroupArn or
// ForwardConfig.TargetGroups [{TargetGroupArn, Weight 0-999}].
void read_actions(Mapper& m, Props& p, std::string_view key, model::ListenerRule& rule) {
  const auto& r = p.resource();
  Value actions = p.get(key);
  if (actions.is_null()) {
    m.stack().error(p.at(), r.logical_id, r.type + " needs the property `" + std::string(key) + "`",
                    "add a forward, redirect or fixed-response action");
    return;
  }
  if (actions.is_unknown()) {
    p.unusable(key, actions.text, kReq, actions.at);
    return;
  }
  if (!actions.is_list() || actions.items.empty()) {
    m.stack().error(actions.at, r.logical_id,
                    "`" + std::string(key) + "` must be a list of actions",
                    "add a forward, redirect or fixed-response action");
    return;
  }
  struct Ordered {
    std::int64_t order;
    const Value* action;
  };
  std::vector<Ordered> ordered;
  for (const auto& a : actions.items) {
    Props ap(m, r, &a);
    ordered.push_back({ap.integer("Order", 1, 50000).value_or(50001), &a});
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Ordered& a, const Ordered& b) { return a.order < b.order; });
  const Value* terminal = nullptr;
  bool undecided = false;  // an action whose type is unknown or wrong (reported)
  for (const auto& [order, a] : ordered) {
    Props ap(m, r, a);
    auto type = choice(
        m, ap, "Type",
        {"forward", "redirect", "fixed-response", "authenticate-oidc", "authenticate-cognito"});
    if (!ap.has("Type")) m.stack().error(a->at, r.logical_id, "an action needs a `Type`");
    carry(ap, p, key, a->at);
    undecided = undecided || !type;
    if (!type || type->starts_with("authenticate-")) continue;
    if (terminal) {
      m.stack().error(a->at, r.logical_id,
                      "a second " + *type +
                          " action: a rule ends in exactly one forward, "
                          "redirect or fixed-response action");
      continue;
    }
    terminal = a;
    rule.action = *type == "forward"    ? model::ListenerAction::kForward
                  : *type == "redirect" ? model::ListenerAction::kRedirect
                                        : model::ListenerAction::kFixedResponse;
    if (rule.action != model::ListenerAction::kForward) continue;
    Value config = ap.get("ForwardConfig");
    if (config.is_map()) {
      Props cp(m, r, &config);
      Value groups = cp.get("TargetGroups");
      if (groups.is_unknown()) cp.unusable("TargetGroups", groups.text, kReq, groups.at);
      for (const auto& g : groups.items) {
        Props gp(m, r, &g);
        model::WeightedTargetGroup w;
        w.target_group = gp.ref("TargetGroupArn", {Kind::kTargetGroup}, kReq);
        if (auto weight = gp.integer("Weight", 0, 999)) w.weight = static_cast<int>(*weight);
        carry(gp, p, key, g.at);
        if (!w.target_group.empty()) rule.target_groups.push_back(std::move(w));
      }
      carry(cp, p, key, config.at);
    }
    if (ap.has("TargetGroupArn")) {
      model::Ref tg = ap.ref("TargetGroupArn", {Kind::kTargetGroup}, kReq);
      carry(ap, p, key, a->at);
      if (rule.target_groups.empty() && !config.is_map()) {
        if (!tg.empty()) rule.target_groups.push_back({tg, 1});
      } else if (!tg.empty() && (rule.target_groups.size() != 1 ||
                                 rule.target_groups[0].target_group.text != tg.text)) {
        // AWS::ElasticLoadBalancingV2::Listener Action: with both, ForwardConfig holds one
        // target group, the one TargetGroupArn names.
        m.stack().error(a->at, r.logical_id,
                        "TargetGroupArn and ForwardConfig name different target groups",
                        "with both, ForwardConfig names only the target group of TargetGroupArn");
      }
    } else if (!config.is_map()) {
      m.stack().error(a->at, r.logical_id,
                      "a forward action needs TargetGroupArn or ForwardConfig.TargetGroups");
    }
  }
  if (!terminal && !undecided) {
    m.stack().error(actions.at, r.logical_id,
                    "`" + std::string(key) + "` has no forward, redirect or fixed-response action",
                    "authenticate actions precede one of those");
  }
}

}  // namespace

bool Mapper::load_balancer(const ResourceDecl& r) {
  Props p(*this, r);
  auto type_text = choice(*this, p, "Type", {"application", "network", "gateway"});
  const LoadBalancerType type = !type_text                ? LoadBalancerType::kApplication
                                : *type_text == "network" ? LoadBalancerType::kNetwork
                                : *type_text == "gateway" ? LoadBalancerType::kGateway
                                                          : LoadBalancerType::kApplication;
  auto scheme = choice(*this, p, "Scheme", {"internet-facing", "internal"});
  if (scheme && type == LoadBalancerType::kGateway) {
    s_.error(p.get("Scheme").at, r.logical_id, "a Gateway Load Balancer has no Scheme");
  }
  std::vector<model::LoadBalancerNode> nodes;
  if (p.has("Subnets") && p.has("SubnetMappings")) {
    s_.error(p.get("SubnetMappings").at, r.logical_id,
             "write either Subnets or SubnetMappings, not both");
  } else if (p.has("SubnetMappings")) {
    Value mappings = p.get("SubnetMappings");
    if (mappings.is_unknown()) p.unusable("SubnetMappings", mappings.text, kReq, mappings.at);
    for (const auto& m : mappings.items) {
      Props mp(*this, r, &m);
      model::LoadBalancerNode node;
      node.at = m.at;
      node.subnet = mp.ref("SubnetId", {Kind::kSubnet}, kReq);
      node.elastic_ip = mp.ref("AllocationId", {Kind::kElasticIp}, if_present(mp, "AllocationId"));
      node.private_ip =
          mp.address("PrivateIPv4Address", Family::kV4, if_present(mp, "PrivateIPv4Address"));
      node.ipv6_address = mp.address("IPv6Address", Family::kV6, if_present(mp, "IPv6Address"));
      carry(mp, p, "SubnetMappings", m.at);
      if (!node.subnet.empty()) nodes.push_back(std::move(node));
    }
  } else if (p.has("Subnets")) {
    for (auto& subnet : all_refs(*this, p, "Subnets", {Kind::kSubnet})) {
      model::LoadBalancerNode node;
      node.at = subnet.at;
      node.subnet = std::move(subnet);
      nodes.push_back(std::move(node));
    }
  } else {
    s_.error(p.at(), r.logical_id, "a load balancer needs Subnets or SubnetMappings",
             "enable one subnet per availability zone");
  }
  auto groups = p.refs("SecurityGroups", {Kind::kSecurityGroup});
  if (type == LoadBalancerType::kGateway && p.has("SecurityGroups")) {
    s_.error(p.get("SecurityGroups").at, r.logical_id,
             "a Gateway Load Balancer has no security groups");
  }
  auto ip_type =
      choice(*this, p, "IpAddressType", {"ipv4", "dualstack", "dualstack-without-public-ipv4"});
  auto cross_zone =
      boolean_attribute(p, *this, "LoadBalancerAttributes", "load_balancing.cross_zone.enabled");
  if (cross_zone == false && type == LoadBalancerType::kApplication) {
    // API_LoadBalancerAttribute: for Application Load Balancers it is true "and can't be changed".
    s_.error(attribute(p, *this, "LoadBalancerAttributes", "load_balancing.cross_zone.enabled")->at,
             r.logical_id, "an Application Load Balancer's cross-zone load balancing is always on",
             "turn it off per target group (TargetGroupAttributes)");
  }
  auto enforce =
      choice(*this, p, "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic", {"on", "off"});
  if (left_out(*this, p)) return false;
  auto& lb = add(r, n_.load_balancers, Kind::kLoadBalancer);
  rename(*this, p, lb, Kind::kLoadBalancer, "Name");
  lb.type = type;
  lb.internet_facing =
      type != LoadBalancerType::kGateway && scheme.value_or("internet-facing") == "internet-facing";
  lb.nodes = std::move(nodes);
  lb.security_groups = std::move(groups);
  if (type != LoadBalancerType::kApplication) lb.cross_zone = cross_zone;
  lb.dualstack = ip_type && *ip_type != "ipv4";
  if (enforce) lb.enforce_security_groups_on_private_link = *enforce == "on";
  lb.dns_name = elb_dns_name(lb.id, !lb.internet_facing, s_.region());
  return true;
}

bool Mapper::classic_load_balancer(const ResourceDecl& r) {
  Props p(*this, r);
  if (!p.has("Subnets")) {
    // AWS::ElasticLoadBalancing::LoadBalancer: AvailabilityZones alone place it in EC2-Classic
    // or the default VPC.
    p.unusable("Subnets",
               "without Subnets the load balancer is in the default VPC, which the template does "
               "not describe",
               kReq, p.at());
    left_out(*this, p);
    return false;
  }
  auto subnets = all_refs(*this, p, "Subnets", {Kind::kSubnet});
  auto scheme = choice(*this, p, "Scheme", {"internet-facing", "internal"});
  auto groups = p.refs("SecurityGroups", {Kind::kSecurityGroup});
  auto instances = p.refs("Instances", {Kind::kInstance});
  auto cross_zone = p.boolean("CrossZone");
  struct ClassicListener {
    std::uint16_t port, instance_port;
    LbProtocol protocol, instance_protocol;
    Location at;
  };
  std::vector<ClassicListener> listeners;
  Value written = p.get("Listeners");
  if (written.is_unknown()) p.unusable("Listeners", written.text, kReq, written.at);
  if (written.is_null()) {
    s_.error(p.at(), r.logical_id, r.type + " needs the property `Listeners`");
  }
  std::set<std::uint16_t> ports;
  for (const auto& l : written.items) {
    Props lp(*this, r, &l);
    auto front = port(lp, "LoadBalancerPort", kReq);
    auto back = port(lp, "InstancePort", kReq);
    auto protocol = choice(*this, lp, "Protocol", {"HTTP", "HTTPS", "TCP", "SSL"});
    if (!lp.has("Protocol")) lp.text("Protocol", kReq);
    auto instance_protocol = choice(*this, lp, "InstanceProtocol", {"HTTP", "HTTPS", "TCP", "SSL"});
    carry(lp, p, "Listeners", l.at);
    if (!front || !back || !protocol) continue;
    ClassicListener cl{*front, *back, *model::parse_lb_protocol(*protocol), {}, l.at};
    cl.instance_protocol =
        instance_protocol ? *model::parse_lb_protocol(*instance_protocol) : cl.protocol;
    // elb-listener-config.html: a TCP or SSL front end needs a TCP or SSL back end, an HTTP or
    // HTTPS one an HTTP or HTTPS back end.
    auto layer4 = [](LbProtocol x) { return x == LbProtocol::kTcp || x == LbProtocol::kSsl; };
    if (layer4(cl.protocol) != layer4(cl.instance_protocol)) {
      s_.error(l.at, r.logical_id,
               std::string("a ") + model::lb_protocol_name(cl.protocol) + " listener cannot use " +
                   model::lb_protocol_name(cl.instance_protocol) + " to instances",
               "TCP and SSL go with TCP and SSL, HTTP and HTTPS with HTTP and HTTPS");
    }
    if (!ports.insert(cl.port).second) {
      s_.error(l.at, r.logical_id, "two listeners on port " + std::to_string(cl.port));
      continue;
    }
    listeners.push_back(cl);
  }
  if (left_out(*this, p)) return false;
  auto& lb = add(r, n_.load_balancers, Kind::kLoadBalancer);
  rename(*this, p, lb, Kind::kLoadBalancer, "LoadBalancerName");
  lb.type = LoadBalancerType::kClassic;
  lb.internet_facing = scheme.value_or("internet-facing") == "internet-facing";
  for (auto& subnet : subnets) {
    model::LoadBalancerNode node;
    node.at = subnet.at;
    node.subnet = std::move(subnet);
    lb.nodes.push_back(std::move(node));
  }
  lb.security_groups = std::move(groups);
  lb.instances = std::move(instances);
  // CrossZone absent: the API's default, off (enable-disable-crosszone-lb.html; what
  // CloudFormation passes is not documented, docs/format.md).
  lb.cross_zone = cross_zone;
  lb.dns_name = elb_dns_name(lb.id, !lb.internet_facing, s_.region());
  const std::string id = lb.id;
  const Location at = lb.at;
  for (const auto& cl : listeners) {
    auto& l = n_.listeners.emplace_back();
    l.id = id + ":" + std::to_string(cl.port);
    l.at = cl.at;
    l.stand_in = stand_in(r.logical_id);
    l.load_balancer = {id, at};
    l.port = cl.port;
    l.protocol = cl.protocol;
    l.instance_port = cl.instance_port;
    l.instance_protocol = cl.instance_protocol;
  }
  return true;
}

bool Mapper::listener(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref lb = p.ref("LoadBalancerArn", {Kind::kLoadBalancer}, kReq);
  const auto type = type_of(*this, lb);
  if (type == LoadBalancerType::kClassic) {
    s_.error(p.get("LoadBalancerArn").at, r.logical_id,
             "LoadBalancerArn names a Classic Load Balancer",
             "a Classic Load Balancer's listeners are its Listeners property");
  }
  const bool gateway = type == LoadBalancerType::kGateway;
  std::optional<std::uint16_t> listener_port;
  if (gateway) {
    // gateway-listeners.html: a Gateway Load Balancer's listener has no port or protocol.
    for (auto key : {"Port", "Protocol"}) {
      if (p.has(key))
        s_.error(p.get(key).at, r.logical_id,
                 std::string("a Gateway Load Balancer's listener has no ") + key);
    }
  } else {
    listener_port = port(p, "Port", kReq);
  }
  auto protocol = gateway ? std::nullopt
                          : choice(*this, p, "Protocol",
                                   {"HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"});
  model::ListenerRule action;
  read_actions(*this, p, "DefaultActions", action);
  if (left_out(*this, p)) return false;
  auto& l = add(r, n_.listeners, Kind::kListener);
  l.load_balancer = lb;
  if (listener_port) l.port = *listener_port;
  if (protocol) {
    l.protocol = *model::parse_lb_protocol(*protocol);
  } else {
    // What ELB's console proposes for each type (and the only one a Gateway Load Balancer has).
    l.protocol = gateway                              ? LbProtocol::kGeneve
                 : type == LoadBalancerType::kNetwork ? LbProtocol::kTcp
                                                      : LbProtocol::kHttp;
  }
  action.id = l.id + "/default";
  action.at = l.at;
  action.stand_in = l.stand_in;
  l.default_rule = std::move(action);
  return true;
}

bool Mapper::listener_rule(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref listener = p.ref("ListenerArn", {Kind::kListener}, kReq);
  auto priority = p.integer("Priority", 1, 50000, kReq);
  model::ListenerRule rule;
  // Conditions (listener-update-rules.html): source-ip is decided from the packet; host-header,
  // path-pattern, http-header, http-request-method and query-string are not, so such a rule may
  // match any request.
  Value conditions = p.get("Conditions");
  std::string unknown_source;
  if (conditions.is_unknown()) {
    p.unusable("Conditions", conditions.text, kReq, conditions.at);
  } else if (!conditions.is_list() || conditions.items.empty()) {
    s_.error(conditions.is_null() ? p.at() : conditions.at, r.logical_id,
             "a listener rule needs at least one condition",
             "a rule without conditions is the listener's default action");
  }
  bool source_ip = false;
  for (const auto& c : conditions.items) {
    Props cp(*this, r, &c);
    auto field = choice(*this, cp, "Field",
                        {"source-ip", "host-header", "path-pattern", "http-header",
                         "http-request-method", "query-string"});
    if (!cp.has("Field")) s_.error(c.at, r.logical_id, "a condition needs a `Field`");
    carry(cp, p, "Conditions", c.at);
    if (!field) continue;
    if (*field != "source-ip") {
      rule.other_conditions = true;
      continue;
    }
    if (source_ip) {
      s_.error(c.at, r.logical_id, "a rule has at most one source-ip condition");
      continue;
    }
    source_ip = true;
    Value config = cp.get("SourceIpConfig");
    Value values =
        config.is_map() && config.get("Values") ? *config.get("Values") : cp.get("Values");
    if (values.is_unknown()) unknown_source = values.text;
    if (values.is_null()) {
      s_.error(c.at, r.logical_id, "a source-ip condition needs SourceIpConfig.Values");
    }
    if (values.is_list() && values.items.empty()) {
      s_.error(values.at, r.logical_id, "a source-ip condition needs at least one CIDR block");
    }
    for (const auto& v : values.items) {
      if (v.is_unknown() || !v.stand_in.empty()) {
        if (unknown_source.empty())
          unknown_source = v.is_unknown() ? v.text : "parameter `" + v.stand_in + "` has no value";
        p.note(v);
        continue;
      }
      auto prefix = v.is_string() ? Prefix::parse(v.text) : std::nullopt;
      if (!prefix) {
        s_.error(
            v.at, r.logical_id,
            "source-ip `" + (v.is_string() ? v.text : std::string("...")) + "` is not a CIDR block",
            "write addresses in CIDR form, 192.0.2.0/24 or 2001:db8::/32");
        continue;
      }
      rule.source_ips.push_back(*prefix);
    }
  }
  if (!unknown_source.empty()) {
    // The widest reading: the rule may match any source (leaving it out would send its
    // traffic to lower rules instead).
    rule.source_ips.clear();
    rule.other_conditions = true;
    s_.gap(Gap::kUnknownValue, r.type, s_.at(*r.key), r.logical_id,
           "the source-ip condition of " + r.logical_id + " is not known (" + unknown_source +
               "): the rule may match any request");
  }
  read_actions(*this, p, "Actions", rule);
  if (left_out(*this, p)) return false;
  auto& out = add(r, n_.listener_rules, Kind::kListenerRule);
  out.listener = listener;
  if (priority) out.priority = static_cast<int>(*priority);
  out.action = rule.action;
  out.target_groups = std::move(rule.target_groups);
  out.source_ips = std::move(rule.source_ips);
  out.other_conditions = rule.other_conditions;
  return true;
}

bool Mapper::target_group(const ResourceDecl& r) {
  Props p(*this, r);
  auto type_text = choice(*this, p, "TargetType", {"instance", "ip", "lambda", "alb"});
  const model::TargetType type = !type_text               ? model::TargetType::kInstance
                                 : *type_text == "ip"     ? model::TargetType::kIp
                                 : *type_text == "lambda" ? model::TargetType::kLambda
                                 : *type_text == "alb"    ? model::TargetType::kAlb
                                                          : model::TargetType::kInstance;
  const bool lambda = type == model::TargetType::kLambda;
  // CreateTargetGroup: Protocol, Port and VpcId are required, except for Lambda functions.
  auto protocol =
      choice(*this, p, "Protocol", {"HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"});
  std::optional<std::uint16_t> group_port;
  model::Ref vpc;
  if (!lambda) {
    if (!p.has("Protocol")) p.text("Protocol", kReq);
    group_port = port(p, "Port", kReq);
    vpc = p.ref("VpcId", {Kind::kVpc}, kReq);
  }
  std::optional<std::uint16_t> health_port;
  if (Value v = p.get("HealthCheckPort"); !(v.is_string() && v.text == "traffic-port")) {
    health_port = port(p, "HealthCheckPort", kOpt);
  }
  auto ip_type = choice(*this, p, "IpAddressType", {"ipv4", "ipv6"});
  auto preserve =
      boolean_attribute(p, *this, "TargetGroupAttributes", "preserve_client_ip.enabled");
  auto cross_zone = boolean_attribute(p, *this, "TargetGroupAttributes",
                                      "load_balancing.cross_zone.enabled", true);
  std::vector<model::Target> targets;
  Value written = p.get("Targets");
  if (written.is_unknown()) p.unusable("Targets", written.text, kOpt, written.at);
  for (const auto& t : written.items) {
    Props tp(*this, r, &t);
    model::Target target;
    target.at = t.at;
    switch (type) {
      case model::TargetType::kInstance:
        target.instance = tp.ref("Id", {Kind::kInstance}, kReq);
        break;
      case model::TargetType::kIp:
        target.ip = tp.address("Id", std::nullopt, kReq);
        break;
      case model::TargetType::kAlb:
        target.load_balancer = tp.ref("Id", {Kind::kLoadBalancer}, kReq);
        if (auto t2 = type_of(*this, target.load_balancer);
            t2 && *t2 != LoadBalancerType::kApplication) {
          s_.error(t.at, r.logical_id,
                   "an alb target is an Application Load Balancer, not " +
                       std::string(model::describe_load_balancer_type(*t2)));
        }
        break;
      case model::TargetType::kLambda:
        tp.text("Id", kReq);  // a function: the path ends at the load balancer
        break;
    }
    target.port = port(tp, "Port", kOpt);
    if (auto zone = tp.text("AvailabilityZone")) target.availability_zone = *zone;
    if (std::string why = tp.take_left_out(); !why.empty()) {
      // A target of another stack or known after deploy: only it is left out.
      s_.gap(Gap::kLeftOut, r.type, t.at, r.logical_id,
             "a target of " + r.logical_id + " is left out: " + why);
      continue;
    }
    if (tp.failed()) continue;  // an error, reported
    targets.push_back(std::move(target));
  }
  if (left_out(*this, p)) return false;
  auto& tg = add(r, n_.target_groups, Kind::kTargetGroup);
  rename(*this, p, tg, Kind::kTargetGroup, "Name");
  tg.target_type = type;
  if (protocol) tg.protocol = *model::parse_lb_protocol(*protocol);
  if (group_port) tg.port = *group_port;
  tg.vpc = vpc;
  tg.targets = std::move(targets);
  tg.preserve_client_ip = preserve;
  tg.cross_zone = cross_zone;
  tg.health_check_port = health_port;
  tg.ipv6 = ip_type == "ipv6";
  return true;
}

bool Mapper::launch_template(const ResourceDecl& r) {
  Props p(*this, r);
  Value data = p.get("LaunchTemplateData");
  Props dp(*this, r, &data);
  std::vector<model::Ref> groups;
  std::optional<bool> public_ip;
  if (data.is_unknown()) {
    p.unusable("LaunchTemplateData", data.text, kReq, data.at);
  } else if (data.is_map()) {
    groups = dp.refs("SecurityGroupIds", {Kind::kSecurityGroup});
    // SecurityGroups names groups (of the default VPC, by name); a Ref gives the id all the same.
    for (auto& g : dp.refs("SecurityGroups", {Kind::kSecurityGroup}))
      groups.push_back(std::move(g));
    // The primary interface (device 0, or the only one written) sets the instance's groups and
    // public address.
    Value nics = dp.get("NetworkInterfaces");
    const Value* primary = nics.items.size() == 1 ? &nics.items.front() : nullptr;
    for (const auto& n : nics.items) {
      const Value* d = n.get("DeviceIndex");
      if (d && d->is_string() && d->text == "0") primary = &n;
    }
    if (primary) {
      Props np(*this, r, primary);
      for (auto& g : np.refs("Groups", {Kind::kSecurityGroup})) groups.push_back(std::move(g));
      public_ip = np.boolean("AssociatePublicIpAddress");
    }
  }
  if (left_out(*this, p)) return false;
  auto& lt = add(r, n_.launch_templates, Kind::kLaunchTemplate);
  rename(*this, p, lt, Kind::kLaunchTemplate, "LaunchTemplateName");
  lt.security_groups = std::move(groups);
  lt.associate_public_ip = public_ip;
  return true;
}

bool Mapper::launch_configuration(const ResourceDecl& r) {
  Props p(*this, r);
  auto groups = p.refs("SecurityGroups", {Kind::kSecurityGroup});
  auto public_ip = p.boolean("AssociatePublicIpAddress");
  auto& lt = add(r, n_.launch_templates, Kind::kLaunchTemplate);
  rename(*this, p, lt, Kind::kLaunchTemplate, "LaunchConfigurationName");
  lt.security_groups = std::move(groups);
  lt.associate_public_ip = public_ip;
  return true;
}

bool Mapper::auto_scaling_group(const ResourceDecl& r) {
  Props p(*this, r);
  if (!p.has("VPCZoneIdentifier")) {
    // AWS::AutoScaling::AutoScalingGroup: AvailabilityZones alone launch into the default VPC.
    p.unusable("VPCZoneIdentifier",
               "without it the group launches instances in the default VPC, which the template "
               "does not describe",
               kReq, p.at());
    left_out(*this, p);
    return false;
  }
  auto subnets = all_refs(*this, p, "VPCZoneIdentifier", {Kind::kSubnet});
  if (subnets.empty() && !p.failed()) {
    s_.error(p.get("VPCZoneIdentifier").at, r.logical_id, "VPCZoneIdentifier names no subnet",
             "name the subnets the group launches into");
  }
  // LaunchTemplate {LaunchTemplateId | LaunchTemplateName}, LaunchConfigurationName, or the
  // template of a MixedInstancesPolicy.
  model::Ref launch;
  auto from_specification = [&](const Value& spec, std::string_view key) {
    if (spec.is_unknown()) {
      p.unusable(key, spec.text, kReq, spec.at);
      return;
    }
    Props sp(*this, r, &spec);
    if (sp.has("LaunchTemplateId")) {
      launch = sp.ref("LaunchTemplateId", {Kind::kLaunchTemplate}, kReq);
    } else if (sp.has("LaunchTemplateName")) {
      launch = sp.ref("LaunchTemplateName", {Kind::kLaunchTemplate}, kReq);
    } else {
      s_.error(spec.at, r.logical_id,
               "a launch template needs LaunchTemplateId or LaunchTemplateName");
    }
    carry(sp, p, key, spec.at);
  };
  if (p.has("LaunchTemplate")) {
    from_specification(p.get("LaunchTemplate"), "LaunchTemplate");
  } else if (p.has("LaunchConfigurationName")) {
    launch = p.ref("LaunchConfigurationName", {Kind::kLaunchTemplate}, kReq);
  } else if (p.has("MixedInstancesPolicy")) {
    Value policy = p.get("MixedInstancesPolicy");
    const Value* lt = policy.get("LaunchTemplate");
    const Value* spec = lt ? lt->get("LaunchTemplateSpecification") : nullptr;
    if (spec) {
      from_specification(*spec, "MixedInstancesPolicy");
    } else if (policy.is_unknown()) {
      p.unusable("MixedInstancesPolicy", policy.text, kReq, policy.at);
    } else {
      s_.error(policy.at, r.logical_id,
               "MixedInstancesPolicy needs LaunchTemplate.LaunchTemplateSpecification");
    }
  }
  auto target_groups = p.refs("TargetGroupARNs", {Kind::kTargetGroup});
  auto load_balancers = p.refs("LoadBalancerNames", {Kind::kLoadBalancer});
  if (left_out(*this, p)) return false;
  auto& g = add(r, n_.auto_scaling_groups, Kind::kAutoScalingGroup);
  rename(*this, p, g, Kind::kAutoScalingGroup, "AutoScalingGroupName");
  g.subnets = std::move(subnets);
  g.launch_template = launch;
  g.target_groups = std::move(target_groups);
  g.load_balancers = std::move(load_balancers);
  return true;
}

bool Mapper::vpc_endpoint_service(const ResourceDecl& r) {
  Props p(*this, r);
  auto network = p.refs("NetworkLoadBalancerArns", {Kind::kLoadBalancer});
  auto gateway = p.refs("GatewayLoadBalancerArns", {Kind::kLoadBalancer});
  if (!p.has("NetworkLoadBalancerArns") && !p.has("GatewayLoadBalancerArns")) {
    s_.error(p.at(), r.logical_id,
             "an endpoint service needs NetworkLoadBalancerArns or GatewayLoadBalancerArns");
  }
  // create-endpoint-service.html: Network Load Balancers for interface endpoints, Gateway Load
  // Balancers for Gateway Load Balancer endpoints.
  auto check = [&](const std::vector<model::Ref>& refs, LoadBalancerType want, const char* key) {
    for (const auto& ref : refs) {
      if (auto t = type_of(*this, ref); t && *t != want)
        s_.error(ref.at, r.logical_id,
                 std::string(key) + " names " + model::describe_load_balancer_type(*t) + ", not " +
                     model::describe_load_balancer_type(want));
    }
  };
  check(network, LoadBalancerType::kNetwork, "NetworkLoadBalancerArns");
  check(gateway, LoadBalancerType::kGateway, "GatewayLoadBalancerArns");
  auto acceptance = p.boolean("AcceptanceRequired");
  auto& s = add(r, n_.vpc_endpoint_services, Kind::kVpcEndpointService);
  s.service_name = "com.amazonaws.vpce." + s_.region() + "." + s.id;
  s.network_load_balancers = std::move(network);
  s.gateway_load_balancers = std::move(gateway);
  // AcceptanceRequired absent: false, as the API's CreateVpcEndpointServiceConfiguration takes it
  // (docs/format.md).
  s.acceptance_required = acceptance.value_or(false);
  return true;
}

bool Mapper::vpc_endpoint_service_permissions(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref service = p.ref("ServiceId", {Kind::kVpcEndpointService}, kReq);
  Value principals = p.get("AllowedPrincipals");
  std::vector<std::string> allowed;
  for (const auto& v : principals.items) {
    if (v.is_string() && v.stand_in.empty()) {
      allowed.push_back(v.text);
    } else {
      p.unusable("AllowedPrincipals",
                 v.is_unknown() ? v.text : "parameter `" + v.stand_in + "` has no value", kOpt,
                 v.at);
    }
  }
  if (left_out(*this, p)) return false;
  auto* s = target(n_.vpc_endpoint_services, Kind::kVpcEndpointService, service, r);
  if (!s) return false;
  s->allowed_principals.insert(s->allowed_principals.end(), allowed.begin(), allowed.end());
  return true;
}

}  // namespace cloudtwin::load::cfn
