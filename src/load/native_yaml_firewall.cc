// The native format's AWS Network Firewall lists (docs/format.md, "Network Firewall"):
// firewalls, firewall policies and rule groups, with stateless rules, stateful 5-tuple rules,
// Suricata rule strings and domain lists (shared/reference/aws-vpc-services.md §6).
#include <sstream>

#include "firewall_rules.h"
#include "native_yaml_readers.h"

namespace cloudtwin::load::yaml {

namespace {

std::optional<model::FirewallAction> action(Value v, bool stateful) {
  auto text = v.text();
  if (!text) return std::nullopt;
  auto a = model::parse_firewall_action(*text);
  const bool fits =
      a && (stateful ? *a != model::FirewallAction::kForward
                     : (*a == model::FirewallAction::kPass || *a == model::FirewallAction::kDrop ||
                        *a == model::FirewallAction::kForward));
  if (!fits) {
    v.error("`" + v.field() + "`: `" + std::string(*text) + "` is no " +
                (stateful ? "stateful" : "stateless") + " action",
            stateful ? "pass, drop, reject or alert" : "aws:pass, aws:drop or aws:forward_to_sfe");
    return std::nullopt;
  }
  return a;
}

// `KEY: [{name: HOME_NET, values: [10.0.0.0/16]}, ...]`
std::vector<model::RuleVariable> variables(Fields& f, std::string_view key) {
  std::vector<model::RuleVariable> out;
  for (auto& v : f.get(key).items()) {
    Fields vf = v.fields({"name", "values"});
    if (!vf.is_mapping()) continue;
    model::RuleVariable var;
    var.at = v.at();
    if (auto n = vf.require("name").text()) var.name = *n;
    for (auto& item : vf.require("values").items()) {
      if (auto t = item.text()) var.values.emplace_back(*t);
    }
    out.push_back(std::move(var));
  }
  return out;
}

}  // namespace

void read_firewall(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "vpc", "subnets", "endpoints", "policy"});
  auto& fw = add_resource(f, cx.network.firewalls, "fw-");
  if (!f.is_mapping()) return;
  fw.vpc = f.require("vpc").ref();
  fw.policy = f.require("policy").ref();
  fw.subnets = f.refs("subnets");
  for (auto& e : f.get("endpoints").items()) {
    Fields ef = e.fields({"id", "subnet", "availability_zone"});
    if (!ef.is_mapping()) continue;
    model::FirewallEndpoint ep;
    ep.at = e.at();
    if (auto id = ef.require("id").text()) ep.endpoint_id = *id;
    ep.subnet = ef.require("subnet").ref();
    if (auto z = ef.get("availability_zone").text()) ep.availability_zone = *z;
    fw.endpoints.push_back(std::move(ep));
  }
  if (fw.subnets.empty() && fw.endpoints.empty())
    f.error_at("id", "a firewall needs `subnets` or `endpoints`", "one subnet per availability zone");
}

void read_firewall_policy(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "stateless_default_actions",
                          "stateless_fragment_default_actions", "stateless_rule_groups",
                          "stateful_rule_groups", "stateful_default_actions", "rule_order",
                          "variables"});
  auto& p = add_resource(f, cx.network.firewall_policies, "fwp-");
  if (!f.is_mapping()) return;
  auto actions = [&](std::string_view key, std::vector<model::FirewallAction>& out) {
    if (!f.has(key)) return;
    out.clear();
    for (auto& v : f.get(key).items()) {
      if (auto a = action(v, false)) out.push_back(*a);
    }
  };
  actions("stateless_default_actions", p.stateless_default_actions);
  actions("stateless_fragment_default_actions", p.stateless_fragment_default_actions);
  auto groups = [&](std::string_view key, std::vector<model::FirewallRuleGroupReference>& out) {
    for (auto& v : f.get(key).items()) {
      model::FirewallRuleGroupReference ref;
      ref.at = v.at();
      if (v.is_mapping()) {
        Fields gf = v.fields({"rule_group", "priority"});
        ref.rule_group = gf.require("rule_group").ref();
        if (auto n = gf.get("priority").integer(1, 65535)) ref.priority = static_cast<int>(*n);
      } else {
        ref.rule_group = v.ref();
        ref.priority = static_cast<int>(out.size()) + 1;
      }
      out.push_back(std::move(ref));
    }
  };
  groups("stateless_rule_groups", p.stateless_rule_groups);
  groups("stateful_rule_groups", p.stateful_rule_groups);
  for (auto& v : f.get("stateful_default_actions").items()) {
    if (auto a = v.choice({"aws:drop_strict", "aws:drop_established", "aws:alert_strict",
                           "aws:alert_established"}))
      p.stateful_default_actions.emplace_back(*a);
  }
  if (auto o = f.get("rule_order").choice({"default_action_order", "strict_order"}))
    p.strict_order = *o == "strict_order";
  p.variables = variables(f, "variables");
  if (!p.strict_order && !p.stateful_default_actions.empty())
    f.error_at("stateful_default_actions", "stateful default actions apply only in strict order",
               "set `rule_order: strict_order`");
}

void read_firewall_rule_group(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "type", "rule_order", "ip_sets", "port_sets", "rules",
                          "stateful_rules", "rules_string", "domain_list"});
  auto& g = add_resource(f, cx.network.firewall_rule_groups, "fwrg-");
  if (!f.is_mapping()) return;
  if (auto t = f.require("type").choice({"stateful", "stateless"})) g.stateful = *t == "stateful";
  if (auto o = f.get("rule_order").choice({"default_action_order", "strict_order"}))
    g.strict_order = *o == "strict_order";
  g.ip_sets = variables(f, "ip_sets");
  g.port_sets = variables(f, "port_sets");
  const auto only = [&](std::string_view key, bool stateful) {
    if (f.has(key) && g.stateful != stateful)
      f.error_at(key, "`" + std::string(key) + "` belongs to " + (stateful ? "stateful" : "stateless") + " rule groups",
                 std::string("set `type: ") + (stateful ? "stateful" : "stateless") + "` or remove it");
  };
  only("rules", false);
  only("stateful_rules", true);
  only("rules_string", true);
  only("domain_list", true);
  for (auto& v : f.get("rules").items()) {
    Fields rf = v.fields({"priority", "action", "sources", "destinations", "source_ports",
                          "destination_ports", "protocols", "tcp_flags"});
    if (!rf.is_mapping()) continue;
    model::StatelessRule r;
    r.at = v.at();
    if (auto n = rf.require("priority").integer(1, 65535)) r.priority = static_cast<int>(*n);
    if (auto a = action(rf.require("action"), false)) r.action = *a;
    for (auto& x : rf.get("sources").items())
      if (auto p = x.prefix()) r.sources.push_back(*p);
    for (auto& x : rf.get("destinations").items())
      if (auto p = x.prefix()) r.destinations.push_back(*p);
    for (auto& x : rf.get("source_ports").items())
      if (auto p = x.port_range()) r.source_ports.push_back(*p);
    for (auto& x : rf.get("destination_ports").items())
      if (auto p = x.port_range()) r.destination_ports.push_back(*p);
    for (auto& x : rf.get("protocols").items())
      if (auto n = x.integer(0, 255)) r.protocols.push_back(static_cast<int>(*n));
    if (auto b = rf.get("tcp_flags").boolean()) r.tcp_flags = *b;
    g.stateless_rules.push_back(std::move(r));
  }
  for (auto& v : f.get("stateful_rules").items()) {
    Fields rf = v.fields({"action", "protocol", "source", "source_port", "direction",
                          "destination", "destination_port", "sid", "options"});
    if (!rf.is_mapping()) continue;
    model::StatefulRule r;
    r.at = v.at();
    if (auto a = action(rf.require("action"), true)) r.action = *a;
    auto text = [&](std::string_view key, std::string& out) {
      if (auto t = rf.get(key).text()) out = *t;
      else out = "any";
    };
    text("protocol", r.protocol);
    text("source", r.source);
    text("source_port", r.source_port);
    text("destination", r.destination);
    text("destination_port", r.destination_port);
    if (auto d = rf.get("direction").choice({"forward", "any"})) r.bidirectional = *d == "any";
    if (auto t = rf.get("sid").text()) r.sid = *t;
    if (auto t = rf.get("options").text()) r.options = *t;
    g.stateful_rules.push_back(std::move(r));
  }
  if (auto rs = f.get("rules_string"); rs.present()) {
    auto text = rs.text();
    if (text) {
      std::vector<std::string> errors;
      for (auto& r : parse_rules_string(*text, rs.at(), errors)) g.stateful_rules.push_back(std::move(r));
      for (const auto& e : errors) rs.error("`rules_string` " + e, "");
    }
  }
  if (auto dl = f.get("domain_list"); dl.present()) {
    Fields df = dl.fields({"targets", "target_types", "generated_rules_type"});
    if (df.is_mapping()) {
      model::DomainList list;
      list.at = dl.at();
      for (auto& t : df.require("targets").items())
        if (auto s = t.text()) list.targets.emplace_back(*s);
      for (auto& t : df.get("target_types").items())
        if (auto s = t.choice({"TLS_SNI", "HTTP_HOST"})) list.target_types.emplace_back(*s);
      if (auto s = df.require("generated_rules_type").choice({"ALLOWLIST", "DENYLIST", "REJECTLIST", "ALERTLIST"}))
        list.generated_rules_type = *s;
      g.domain_list = std::move(list);
    }
  }
}

}  // namespace cloudtwin::load::yaml
