// AWS Network Firewall (aws_networkfirewall_firewall, _firewall_policy, _rule_group; the logging
// configuration is accepted and changes nothing), as cloudformation_resources_firewall.cc reads
// the same resources (shared/reference/aws-vpc-services.md §6, §7.2). Ids are the ARNs a state
// holds (the addresses in a plan). A state's firewall_status gives the endpoints AWS made, with
// the ids routes name; in a plan they are unknown until apply, and a route naming the firewall
// (`tolist(aws_networkfirewall_firewall.x.firewall_status[0].sync_states)[0].attachment[0]
// .endpoint_id`) reaches its endpoint only when there is one (Mapper::resolve_firewall_routes).
#include <algorithm>

#include "firewall_rules.h"
#include "terraform_mapper.h"

namespace cloudtwin::load::terraform {

using json::Value;
using model::Kind;
using model::Ref;
using Res = Mapper::Res;
using Types = std::vector<std::string_view>;

namespace {

const Types kSubnetTypes = {"aws_subnet", "aws_default_subnet"};
const Types kVpcTypes = {"aws_vpc", "aws_default_vpc"};

// The first block of a block list (rule_group, firewall_policy, header...), or missing.
Value block(Mapper& m, const Value& v, std::string_view field) {
  auto all = blocks(m, v, field);
  return all.empty() ? Value() : all.front();
}

std::vector<std::string> texts(Mapper& m, const Value& v, std::string_view field) {
  std::vector<std::string> out;
  for (auto s : m.rd.strings(v, field)) out.emplace_back(s);
  return out;
}

std::optional<std::string> choice(Mapper& m, const Value& v, std::string_view field,
                                  std::initializer_list<std::string_view> options) {
  auto s = m.rd.str(v, field);
  if (!s) return std::nullopt;
  for (auto o : options) {
    if (*s == o) return std::string(o);
  }
  std::string all;
  for (auto o : options) all += (all.empty() ? "" : ", ") + std::string(o);
  m.rd.error(
      v.offset(), m.rd.resource(),
      "`" + std::string(field) + "` must be one of " + all + ", not `" + std::string(*s) + "`");
  return std::nullopt;
}

// [{key, ip_set|port_set: [{definition}]}]
std::vector<model::RuleVariable> variables(Mapper& m, const Value& v, std::string_view field,
                                           std::string_view set) {
  std::vector<model::RuleVariable> out;
  for (const auto& item : blocks(m, v, field)) {
    model::RuleVariable var;
    var.at = m.rd.at(item);
    if (auto k = m.rd.str(item.get("key"), "key")) var.name = *k;
    Value s = block(m, item.get(set), set);
    if (!s.missing()) var.values = texts(m, s.get("definition"), "definition");
    out.push_back(std::move(var));
  }
  return out;
}

// stateless_default_actions and the like: one standard action among custom ones.
std::vector<model::FirewallAction> stateless_actions(Mapper& m, const Value& v,
                                                     std::string_view field) {
  std::vector<model::FirewallAction> out;
  auto names = texts(m, v, field);
  for (const auto& n : names) {
    if (auto a = stateless_action(n)) out.push_back(*a);
  }
  if (!names.empty() && out.size() != 1) {
    m.rd.error(v.offset(), m.rd.resource(),
               "`" + std::string(field) +
                   "` needs exactly one of aws:pass, aws:drop and aws:forward_to_sfe",
               "custom actions are named alongside it");
    out.clear();
  }
  return out;
}

// "vpce-" and the rest of `text` in letters, digits and hyphens.
std::string made_endpoint_id(std::string_view address, std::string_view subnet) {
  std::string out = "vpce-";
  for (std::string_view part : {address, std::string_view("-"), subnet}) {
    for (char c : part) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      out += ok ? c : '-';
    }
  }
  return out;
}

void firewall(Mapper& m, Res& res) {
  Ref vpc = m.ref(res, "vpc_id", kVpcTypes);
  Ref policy = m.ref(res, "firewall_policy_arn", {"aws_networkfirewall_firewall_policy"});
  std::vector<Ref> subnets;
  auto mappings = blocks(m, res.v.get("subnet_mapping"), "subnet_mapping");
  for (std::size_t k = 0; k < mappings.size(); ++k) {
    Value s = mappings[k].get("subnet_id");
    if (auto id = m.rd.str(s, "subnet_id")) {
      subnets.push_back({std::string(*id), m.rd.at(s)});
    } else if (m.plan.is_plan) {
      auto found = m.from_configuration(res, "subnet_mapping.subnet_id", kSubnetTypes, true);
      if (found.size() == mappings.size())
        subnets.push_back({found[k], m.rd.at(mappings[k])});
      else if (mappings.size() == 1 && !found.empty())
        subnets.push_back({found.front(), m.rd.at(mappings[k])});
    }
  }
  if (vpc.empty() || policy.empty() || subnets.size() != mappings.size() || subnets.empty()) {
    if (m.plan.is_plan && subnets.size() != mappings.size()) {
      m.rd.gap(Gap::kLeftOut, res.type, res.offset, res.address,
               res.address + " (" + res.type +
                   ") is left out: its subnets are unknown until apply and name no resource of "
                   "the configuration cloudtwin can follow");
      return;
    }
    if (vpc.empty()) m.rd.error(res.offset, m.rd.resource(), "a firewall needs `vpc_id`");
    if (policy.empty())
      m.rd.error(res.offset, m.rd.resource(), "a firewall needs `firewall_policy_arn`");
    if (mappings.empty())
      m.rd.error(res.offset, m.rd.resource(), "a firewall needs a `subnet_mapping` per zone");
  }
  auto& fw = m.add(res, m.net.firewalls, Kind::kFirewall);
  if (auto n = m.str(res, "name"); n && !n->empty()) fw.name = std::string(*n);
  fw.vpc = std::move(vpc);
  fw.policy = std::move(policy);
  fw.subnets = subnets;
  // firewall_status[0].sync_states[*]: the endpoints AWS made, with the ids routes name.
  for (const auto& status : blocks(m, res.v.get("firewall_status"), "firewall_status")) {
    for (const auto& sync : blocks(m, status.get("sync_states"), "sync_states")) {
      model::FirewallEndpoint e;
      e.at = m.rd.at(sync);
      if (auto z = m.rd.str(sync.get("availability_zone"), "availability_zone"))
        e.availability_zone = *z;
      Value a = block(m, sync.get("attachment"), "attachment");
      if (a.missing()) continue;
      auto id = m.rd.str(a.get("endpoint_id"), "endpoint_id");
      auto subnet = m.rd.str(a.get("subnet_id"), "subnet_id");
      if (!id || !subnet) continue;
      e.endpoint_id = *id;
      e.subnet = {std::string(*subnet), m.rd.at(a.get("subnet_id"))};
      fw.endpoints.push_back(std::move(e));
    }
  }
  if (fw.endpoints.empty()) {
    // Before apply: one endpoint per subnet, named after the firewall and subnet.
    for (const auto& s : fw.subnets) {
      model::FirewallEndpoint e;
      e.subnet = s;
      e.at = s.at;
      e.endpoint_id = made_endpoint_id(fw.id, s.text);
      fw.endpoints.push_back(std::move(e));
    }
  }
}

// Adds `out` as the resource `res` (the id and location Mapper::add gives it), named by its
// `name` attribute when it has one.
template <class Resource>
void add_named(Mapper& m, Res& res, std::vector<Resource>& list, Kind kind, Resource out) {
  auto& added = m.add(res, list, kind);
  out.id = added.id;
  out.name = added.name;
  out.at = added.at;
  if (auto n = m.str(res, "name"); n && !n->empty()) out.name = std::string(*n);
  added = std::move(out);
}

void firewall_policy(Mapper& m, Res& res) {
  model::FirewallPolicy out;
  Value fp = block(m, res.v.get("firewall_policy"), "firewall_policy");
  if (fp.missing()) {
    m.rd.error(res.offset, m.rd.resource(), "a firewall policy needs its `firewall_policy` block");
  } else {
    out.stateless_default_actions =
        stateless_actions(m, fp.get("stateless_default_actions"), "stateless_default_actions");
    out.stateless_fragment_default_actions = stateless_actions(
        m, fp.get("stateless_fragment_default_actions"), "stateless_fragment_default_actions");
    default_stateless_actions(out);
    auto groups = [&](const char* key, bool stateful,
                      std::vector<model::FirewallRuleGroupReference>& refs) {
      auto items = blocks(m, fp.get(key), key);
      for (std::size_t k = 0; k < items.size(); ++k) {
        const Value& item = items[k];
        model::FirewallRuleGroupReference ref;
        ref.at = m.rd.at(item);
        Value arn = item.get("resource_arn");
        if (auto s = m.rd.str(arn, "resource_arn")) {
          ref.rule_group = {std::string(*s), m.rd.at(arn)};
        } else if (m.plan.is_plan) {
          const std::string path = "firewall_policy." + std::string(key) + ".resource_arn";
          auto found = m.from_configuration(res, path, {"aws_networkfirewall_rule_group"}, true);
          if (found.size() == items.size())
            ref.rule_group = {found[k], ref.at};
          else if (items.size() == 1 && found.size() == 1)
            ref.rule_group = {found[0], ref.at};
        }
        if (ref.rule_group.empty()) {
          m.rd.error(item.offset(), m.rd.resource(),
                     "`" + std::string(key) + "` names no rule group (`resource_arn`)");
          continue;
        }
        auto priority = m.rd.integer(item.get("priority"), "priority", 1, 65535);
        if (priority)
          ref.priority = static_cast<int>(*priority);
        else if (!stateful)
          m.rd.error(item.offset(), m.rd.resource(),
                     "a stateless rule group reference needs a `priority`");
        else
          ref.priority = static_cast<int>(k) + 1;
        for (const auto& o : blocks(m, item.get("override"), "override")) {
          if (auto a = m.rd.str(o.get("action"), "action")) {
            m.rd.gap(Gap::kLeftOut, res.type, o.offset(), res.address,
                     "`override` (" + std::string(*a) + ") of " + res.address +
                         " is not modelled: the group's drop rules still drop");
          }
        }
        refs.push_back(std::move(ref));
      }
    };
    groups("stateless_rule_group_reference", false, out.stateless_rule_groups);
    groups("stateful_rule_group_reference", true, out.stateful_rule_groups);
    for (const auto& a : texts(m, fp.get("stateful_default_actions"), "stateful_default_actions")) {
      if (a == "aws:drop_strict" || a == "aws:drop_established" || a == "aws:alert_strict" ||
          a == "aws:alert_established") {
        out.stateful_default_actions.push_back(a);
      } else {
        m.rd.error(fp.get("stateful_default_actions").offset(), m.rd.resource(),
                   "`stateful_default_actions`: `" + a + "` is no stateful default action",
                   "aws:drop_strict, aws:drop_established, aws:alert_strict or "
                   "aws:alert_established");
      }
    }
    Value engine = block(m, fp.get("stateful_engine_options"), "stateful_engine_options");
    if (!engine.missing()) {
      if (auto o = choice(m, engine.get("rule_order"), "rule_order",
                          {"DEFAULT_ACTION_ORDER", "STRICT_ORDER"}))
        out.strict_order = *o == "STRICT_ORDER";
    }
    if (!out.strict_order && !out.stateful_default_actions.empty()) {
      m.rd.error(fp.get("stateful_default_actions").offset(), m.rd.resource(),
                 "stateful default actions apply only in strict order",
                 "set stateful_engine_options { rule_order = \"STRICT_ORDER\" }");
    }
    Value pv = block(m, fp.get("policy_variables"), "policy_variables");
    if (!pv.missing())
      out.variables = variables(m, pv.get("rule_variables"), "rule_variables", "ip_set");
  }
  add_named(m, res, m.net.firewall_policies, Kind::kFirewallPolicy, std::move(out));
}

void read_stateless_rule(Mapper& m, const Value& item, model::FirewallRuleGroup& out) {
  model::StatelessRule rule;
  rule.at = m.rd.at(item);
  auto priority = m.rd.integer(item.get("priority"), "priority", 1, 65535);
  if (!priority) {
    m.rd.error(item.offset(), m.rd.resource(), "a stateless rule needs a `priority` (1-65535)");
    return;
  }
  rule.priority = static_cast<int>(*priority);
  Value def = block(m, item.get("rule_definition"), "rule_definition");
  if (def.missing()) {
    m.rd.error(item.offset(), m.rd.resource(), "a stateless rule needs a `rule_definition`");
    return;
  }
  auto actions = stateless_actions(m, def.get("actions"), "actions");
  if (!actions.empty()) rule.action = actions.front();
  Value ma = block(m, def.get("match_attributes"), "match_attributes");
  auto addresses = [&](const char* key, std::vector<Prefix>& dst) {
    for (const auto& a : blocks(m, ma.get(key), key)) {
      if (auto p = m.rd.prefix(a.get("address_definition"), "address_definition"))
        dst.push_back(*p);
    }
  };
  auto ports = [&](const char* key, std::vector<PortRange>& dst) {
    for (const auto& p : blocks(m, ma.get(key), key)) {
      auto from = m.rd.integer(p.get("from_port"), "from_port", 0, 65535);
      auto to =
          p.get("to_port").absent() ? from : m.rd.integer(p.get("to_port"), "to_port", 0, 65535);
      if (!from || !to) continue;
      if (*from > *to) {
        m.rd.error(p.offset(), m.rd.resource(),
                   "`" + std::string(key) + "`: from_port is above to_port");
        continue;
      }
      dst.push_back(PortRange{static_cast<std::uint16_t>(*from), static_cast<std::uint16_t>(*to)});
    }
  };
  if (!ma.missing()) {
    addresses("source", rule.sources);
    addresses("destination", rule.destinations);
    ports("source_port", rule.source_ports);
    ports("destination_port", rule.destination_ports);
    Value protocols = ma.get("protocols");
    for (const auto& p : protocols.items()) {
      if (auto n = m.rd.integer(p, "protocols", 0, 255))
        rule.protocols.push_back(static_cast<int>(*n));
    }
    rule.tcp_flags = ma.get("tcp_flag").is_array() && ma.get("tcp_flag").size() > 0;
  }
  out.stateless_rules.push_back(std::move(rule));
}

void read_stateful_rule(Mapper& m, const Value& item, model::FirewallRuleGroup& out) {
  model::StatefulRule rule;
  rule.at = m.rd.at(item);
  if (auto a = m.rd.str(item.get("action"), "action")) {
    if (auto action = stateful_action(*a))
      rule.action = *action;
    else
      m.rd.error(item.get("action").offset(), m.rd.resource(),
                 "`action`: `" + std::string(*a) + "` is no stateful action",
                 "PASS, DROP, REJECT or ALERT");
  }
  Value h = block(m, item.get("header"), "header");
  if (h.missing()) {
    m.rd.error(item.offset(), m.rd.resource(), "a stateful rule needs a `header`");
    return;
  }
  auto field = [&](const char* key, std::string& dst) {
    if (auto s = m.rd.str(h.get(key), key))
      dst = header_value(*s);
    else
      m.rd.error(h.offset(), m.rd.resource(),
                 "a stateful rule's header needs `" + std::string(key) + "`");
  };
  field("protocol", rule.protocol);
  field("source", rule.source);
  field("source_port", rule.source_port);
  field("destination", rule.destination);
  field("destination_port", rule.destination_port);
  if (auto d = choice(m, h.get("direction"), "direction", {"FORWARD", "ANY"}))
    rule.bidirectional = *d == "ANY";
  for (const auto& o : blocks(m, item.get("rule_option"), "rule_option")) {
    auto keyword = m.rd.str(o.get("keyword"), "keyword");
    if (keyword) add_rule_option(rule, *keyword, texts(m, o.get("settings"), "settings"));
  }
  out.stateful_rules.push_back(std::move(rule));
}

void rule_group(Mapper& m, Res& res) {
  model::FirewallRuleGroup out;
  auto type = choice(m, res.v.get("type"), "type", {"STATEFUL", "STATELESS"});
  if (!type && res.v.get("type").absent())
    m.rd.error(res.offset, m.rd.resource(),
               "a rule group needs its `type` (STATEFUL or STATELESS)");
  out.stateful = type.value_or("STATEFUL") == "STATEFUL";
  m.rd.integer(res.v.get("capacity"), "capacity", 1, 30000);
  auto add_rules_string = [&](const Value& v, std::string_view field) {
    auto text = m.rd.str(v, field);
    if (!text) return;
    if (!out.stateful) {
      m.rd.error(v.offset(), m.rd.resource(),
                 "`" + std::string(field) + "` belongs to STATEFUL rule groups");
      return;
    }
    std::vector<std::string> errors;
    for (auto& r : parse_rules_string(*text, m.rd.at(v), errors))
      out.stateful_rules.push_back(std::move(r));
    for (const auto& e : errors)
      m.rd.error(v.offset(), m.rd.resource(), "`" + std::string(field) + "` " + e);
  };
  add_rules_string(res.v.get("rules"), "rules");
  Value rg = block(m, res.v.get("rule_group"), "rule_group");
  if (!rg.missing()) {
    Value vars = block(m, rg.get("rule_variables"), "rule_variables");
    if (!vars.missing()) {
      out.ip_sets = variables(m, vars.get("ip_sets"), "ip_sets", "ip_set");
      out.port_sets = variables(m, vars.get("port_sets"), "port_sets", "port_set");
    }
    if (!rg.get("reference_sets").absent() && rg.get("reference_sets").size() > 0) {
      m.rd.gap(Gap::kLeftOut, res.type, rg.get("reference_sets").offset(), res.address,
               "`reference_sets` of " + res.address +
                   " is not modelled: rules naming its IP set references cannot be resolved");
    }
    Value options = block(m, rg.get("stateful_rule_options"), "stateful_rule_options");
    if (!options.missing()) {
      if (auto o = choice(m, options.get("rule_order"), "rule_order",
                          {"DEFAULT_ACTION_ORDER", "STRICT_ORDER"}))
        out.strict_order = *o == "STRICT_ORDER";
    }
    Value src = block(m, rg.get("rules_source"), "rules_source");
    if (!src.missing()) {
      add_rules_string(src.get("rules_string"), "rules_string");
      Value list = block(m, src.get("rules_source_list"), "rules_source_list");
      if (!list.missing()) {
        model::DomainList dl;
        dl.at = m.rd.at(list);
        dl.targets = texts(m, list.get("targets"), "targets");
        for (const auto& t : list.get("target_types").items()) {
          if (auto s = choice(m, t, "target_types", {"TLS_SNI", "HTTP_HOST"}))
            dl.target_types.push_back(*s);
        }
        if (auto g = choice(m, list.get("generated_rules_type"), "generated_rules_type",
                            {"ALLOWLIST", "DENYLIST", "REJECTLIST", "ALERTLIST"}))
          dl.generated_rules_type = *g;
        if (!out.stateful)
          m.rd.error(list.offset(), m.rd.resource(),
                     "`rules_source_list` belongs to STATEFUL rule groups");
        out.domain_list = std::move(dl);
      }
      for (const auto& r : blocks(m, src.get("stateful_rule"), "stateful_rule")) {
        if (!out.stateful) {
          m.rd.error(r.offset(), m.rd.resource(),
                     "`stateful_rule` belongs to STATEFUL rule groups");
          break;
        }
        read_stateful_rule(m, r, out);
      }
      Value sl = block(m, src.get("stateless_rules_and_custom_actions"),
                       "stateless_rules_and_custom_actions");
      if (!sl.missing()) {
        if (out.stateful)
          m.rd.error(sl.offset(), m.rd.resource(),
                     "`stateless_rules_and_custom_actions` belongs to STATELESS rule groups");
        for (const auto& r : blocks(m, sl.get("stateless_rule"), "stateless_rule"))
          read_stateless_rule(m, r, out);
      }
    }
  }
  add_named(m, res, m.net.firewall_rule_groups, Kind::kFirewallRuleGroup, std::move(out));
}

}  // namespace

// A route that names a firewall (only in a plan, before its endpoints exist): its endpoint when
// it has one; with several, which one `tolist(...sync_states)[i]` picks is unknown until apply
// (sync_states is a set, in no order a plan shows), so the route is left out with a warning.
void Mapper::resolve_firewall_routes() {
  std::unordered_map<std::string, const model::Firewall*> by_id;
  for (const auto& fw : net.firewalls) by_id.emplace(fw.id, &fw);
  if (by_id.empty()) return;
  for (std::size_t t = start[static_cast<std::size_t>(Kind::kRouteTable)];
       t < net.route_tables.size(); ++t) {
    auto& table = net.route_tables[t];
    std::erase_if(table.routes, [&](model::Route& r) {
      auto it = by_id.find(r.target.text);
      if (it == by_id.end()) return false;
      const auto& eps = it->second->endpoints;
      if (eps.size() == 1) {
        r.target.text = eps.front().endpoint_id;
        r.target_kind = model::TargetKind::kVpcEndpoint;
        return false;
      }
      rd.diagnostics().gap(Gap::kUnknownValue, "target", rd.path(), r.at, table.id,
                           "a route of " + table.id + " names firewall " + it->first +
                               ", whose endpoint for it (one of " + std::to_string(eps.size()) +
                               ") is unknown until apply; the route is left out",
                           "load the state after apply");
      return true;
    });
  }
}

std::span<const Handler> firewall_types() {
  static constexpr Handler kTypes[] = {
      {"aws_networkfirewall_firewall", [](Mapper& m, Res& r) { firewall(m, r); }},
      {"aws_networkfirewall_firewall_policy", [](Mapper& m, Res& r) { firewall_policy(m, r); }},
      {"aws_networkfirewall_rule_group", [](Mapper& m, Res& r) { rule_group(m, r); }},
      {"aws_networkfirewall_logging_configuration", [](Mapper&, Res&) {}},
  };
  return kTypes;
}

}  // namespace cloudtwin::load::terraform
