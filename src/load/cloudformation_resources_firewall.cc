// AWS Network Firewall: firewalls, firewall policies and rule groups (shared/reference/
// aws-vpc-services.md §6, §7.1); logging configurations are accepted and change nothing. A
// wrong value is an error where it is written; a value not known offline leaves the resource
// out, since a firewall read with fewer rules than written would pass what AWS drops.
#include <algorithm>

#include "cloudformation_mapper.h"
#include "firewall_rules.h"

namespace cloudtwin::load::cfn {
namespace {

using model::Kind;

constexpr auto kReq = Need::kRequired;
constexpr auto kOpt = Need::kOptional;

// A nested value the reader walks: errors name the resource and the path written.
class Walk {
 public:
  Walk(Mapper& m, Props& p) : m_(m), p_(p) {}

  // The value, or null (reported) when it is unknown offline or not of the expected shape.
  const Value* map(const Value* v, const std::string& path, Need need) {
    if (!check(v, path, need)) return nullptr;
    if (!v->is_map()) return wrong(*v, path, "a mapping");
    return v;
  }
  const Value* list(const Value* v, const std::string& path, Need need) {
    if (!check(v, path, need)) return nullptr;
    if (!v->is_list()) return wrong(*v, path, "a list");
    return v;
  }
  std::optional<std::string> text(const Value* v, const std::string& path, Need need) {
    if (!check(v, path, need)) return std::nullopt;
    if (!v->is_string()) {
      wrong(*v, path, "a single value");
      return std::nullopt;
    }
    if (!v->stand_in.empty()) {
      p_.unusable(path, "parameter `" + v->stand_in + "` has no value", kReq, v->at);
      return std::nullopt;
    }
    return v->text;
  }
  std::vector<std::string> texts(const Value* v, const std::string& path, Need need) {
    std::vector<std::string> out;
    const Value* l = list(v, path, need);
    if (!l) return out;
    for (std::size_t i = 0; i < l->items.size(); ++i) {
      if (auto t = text(&l->items[i], path + "[" + std::to_string(i) + "]", kReq))
        out.push_back(*t);
    }
    return out;
  }
  std::optional<int> integer(const Value* v, const std::string& path, int min, int max, Need need) {
    auto t = text(v, path, need);
    if (!t) return std::nullopt;
    int n = 0;
    bool ok = !t->empty() && t->size() < 10;
    for (char c : *t) {
      ok = ok && c >= '0' && c <= '9';
      if (ok) n = n * 10 + (c - '0');
    }
    if (!ok || n < min || n > max) {
      error(v->at, "`" + path + "` must be a whole number from " + std::to_string(min) + " to " +
                       std::to_string(max) + ", not `" + *t + "`");
      return std::nullopt;
    }
    return n;
  }
  std::optional<std::string> choice(const Value* v, const std::string& path,
                                    std::initializer_list<std::string_view> options, Need need) {
    auto t = text(v, path, need);
    if (!t) return std::nullopt;
    if (std::find(options.begin(), options.end(), *t) != options.end()) return t;
    std::string all;
    for (auto o : options) all += (all.empty() ? "" : ", ") + std::string(o);
    error(v->at, "`" + path + "` must be one of " + all + ", not `" + *t + "`");
    return std::nullopt;
  }
  void error(Location at, std::string message, std::string hint = {}) {
    m_.stack().error(at, p_.resource().logical_id, std::move(message), std::move(hint));
  }
  // {NAME: {Definition: [values]}}: IPSets, PortSets, PolicyVariables.RuleVariables.
  std::vector<model::RuleVariable> variables(const Value* v, const std::string& path) {
    std::vector<model::RuleVariable> out;
    const Value* m = map(v, path, kOpt);
    if (!m) return out;
    for (std::size_t i = 0; i < m->keys.size(); ++i) {
      model::RuleVariable var;
      var.name = m->keys[i];
      var.at = m->values[i].at;
      const std::string at = path + "." + var.name;
      if (const Value* d = map(&m->values[i], at, kReq))
        var.values = texts(d->get("Definition"), at + ".Definition", kReq);
      out.push_back(std::move(var));
    }
    return out;
  }

 private:
  bool check(const Value* v, const std::string& path, Need need) {
    if (!v || v->is_null()) {
      if (need == kReq) error(v ? v->at : p_.at(), "`" + path + "` is required");
      return false;
    }
    if (v->is_unknown()) {
      p_.unusable(path, v->text, kReq, v->at);
      return false;
    }
    return true;
  }
  const Value* wrong(const Value& v, const std::string& path, const char* what) {
    error(v.at, "`" + path + "` must be " + what);
    return nullptr;
  }
  Mapper& m_;
  Props& p_;
};


// StatelessDefaultActions and the like: one standard action, and custom actions by name.
std::vector<model::FirewallAction> stateless_actions(Walk& w, const Value* v,
                                                     const std::string& path, Need need) {
  std::vector<model::FirewallAction> out;
  const auto names = w.texts(v, path, need);
  for (const auto& name : names) {
    if (auto a = stateless_action(name)) out.push_back(*a);
  }
  if (!names.empty() && out.size() != 1) {
    w.error(v->at, "`" + path + "` needs exactly one of aws:pass, aws:drop and aws:forward_to_sfe",
            "custom actions are named alongside it");
    out.clear();
  }
  return out;
}

}  // namespace

bool Mapper::firewall(const ResourceDecl& r) {
  Props p(*this, r);
  model::Ref vpc = p.ref("VpcId", {Kind::kVpc}, kReq);
  model::Ref policy = p.ref("FirewallPolicyArn", {Kind::kFirewallPolicy}, kReq);
  Walk w(*this, p);
  std::vector<model::Ref> subnets;
  Value mappings = p.get("SubnetMappings");
  if (const Value* l = w.list(&mappings, "SubnetMappings", kReq)) {
    for (const auto& m : l->items) {
      Props mp(*this, r, &m);
      model::Ref s = mp.ref("SubnetId", {Kind::kSubnet}, kReq);
      if (std::string why = mp.take_left_out(); !why.empty())
        p.unusable("SubnetMappings", why, kReq, m.at);
      if (!s.empty()) subnets.push_back(std::move(s));
    }
    if (l->items.empty()) w.error(l->at, "`SubnetMappings` needs one subnet per zone");
  }
  if (left_out(*this, p)) return false;
  auto& fw = add(r, n_.firewalls, Kind::kFirewall);
  fw.vpc = std::move(vpc);
  fw.policy = std::move(policy);
  // The endpoint of each subnet, with the id Fn::GetAtt EndpointIds gives routes.
  std::vector<std::string> zones;
  for (const auto& s : subnets) {
    model::FirewallEndpoint e;
    e.subnet = s;
    e.at = s.at;
    e.endpoint_id = s_.firewall_endpoint_id(r, s.text);
    if (auto i = locate(Kind::kSubnet, s.text); i != model::kNone)
      e.availability_zone = n_.subnets[i].availability_zone;
    if (!e.availability_zone.empty() &&
        std::find(zones.begin(), zones.end(), e.availability_zone) != zones.end()) {
      s_.error(
          s.at, r.logical_id,
          "a firewall has one subnet per availability zone; " + e.availability_zone + " has two");
    }
    zones.push_back(e.availability_zone);
    fw.endpoints.push_back(std::move(e));
  }
  fw.subnets = std::move(subnets);
  return true;
}

bool Mapper::firewall_policy(const ResourceDecl& r) {
  Props p(*this, r);
  Walk w(*this, p);
  Value body = p.get("FirewallPolicy");
  const Value* fp = w.map(&body, "FirewallPolicy", kReq);
  if (!fp) {
    left_out(*this, p);
    return false;
  }
  model::FirewallPolicy out;
  out.stateless_default_actions =
      stateless_actions(w, fp->get("StatelessDefaultActions"), "StatelessDefaultActions", kReq);
  out.stateless_fragment_default_actions = stateless_actions(
      w, fp->get("StatelessFragmentDefaultActions"), "StatelessFragmentDefaultActions", kReq);
  default_stateless_actions(out);
  auto groups = [&](const char* key, bool stateful,
                    std::vector<model::FirewallRuleGroupReference>& refs) {
    const Value* l = w.list(fp->get(key), key, kOpt);
    if (!l) return;
    for (std::size_t i = 0; i < l->items.size(); ++i) {
      const Value& item = l->items[i];
      const std::string path = std::string(key) + "[" + std::to_string(i) + "]";
      if (!w.map(&item, path, kReq)) continue;
      Props gp(*this, r, &item);
      model::FirewallRuleGroupReference ref;
      ref.at = item.at;
      // A literal ARN names a group outside the template (an AWS managed group): kept, and
      // finalize() makes the firewall's answers inconclusive unless an input holds it.
      Value arn = gp.get("ResourceArn");
      if (arn.resource.empty() && arn.is_string() && arn.text.starts_with("arn:")) {
        ref.rule_group = {arn.text, arn.at};
      } else {
        ref.rule_group = gp.ref("ResourceArn", {Kind::kFirewallRuleGroup}, kReq);
      }
      if (std::string why = gp.take_left_out(); !why.empty()) p.unusable(key, why, kReq, item.at);
      if (auto n =
              w.integer(item.get("Priority"), path + ".Priority", 1, 65535, stateful ? kOpt : kReq))
        ref.priority = *n;
      else if (stateful)
        ref.priority = static_cast<int>(i) + 1;
      if (const Value* o = item.get("Override"); o && o->is_map()) {
        if (auto a =
                w.choice(o->get("Action"), path + ".Override.Action", {"DROP_TO_ALERT"}, kOpt)) {
          s_.gap(Gap::kLeftOut, r.type, o->at, r.logical_id,
                 "`" + path + ".Override` (" + *a + ") of " + r.logical_id +
                     " is not modelled: the group's drop rules still drop",
                 "remove the override to model what the group does without it");
        }
      }
      if (!ref.rule_group.empty()) refs.push_back(std::move(ref));
    }
  };
  groups("StatelessRuleGroupReferences", false, out.stateless_rule_groups);
  groups("StatefulRuleGroupReferences", true, out.stateful_rule_groups);
  for (const auto& a : w.texts(fp->get("StatefulDefaultActions"), "StatefulDefaultActions", kOpt)) {
    if (a == "aws:drop_strict" || a == "aws:drop_established" || a == "aws:alert_strict" ||
        a == "aws:alert_established") {
      out.stateful_default_actions.push_back(a);
    } else {
      w.error(fp->get("StatefulDefaultActions")->at,
              "`StatefulDefaultActions`: `" + a + "` is no stateful default action",
              "aws:drop_strict, aws:drop_established, aws:alert_strict or aws:alert_established");
    }
  }
  if (const Value* e = w.map(fp->get("StatefulEngineOptions"), "StatefulEngineOptions", kOpt)) {
    if (auto o = w.choice(e->get("RuleOrder"), "StatefulEngineOptions.RuleOrder",
                          {"DEFAULT_ACTION_ORDER", "STRICT_ORDER"}, kOpt))
      out.strict_order = *o == "STRICT_ORDER";
  }
  if (!out.strict_order && !out.stateful_default_actions.empty()) {
    w.error(fp->get("StatefulDefaultActions")->at,
            "stateful default actions apply only in strict order",
            "set StatefulEngineOptions.RuleOrder: STRICT_ORDER");
  }
  if (const Value* pv = w.map(fp->get("PolicyVariables"), "PolicyVariables", kOpt))
    out.variables = w.variables(pv->get("RuleVariables"), "PolicyVariables.RuleVariables");
  if (left_out(*this, p)) return false;
  add_read(r, n_.firewall_policies, Kind::kFirewallPolicy, std::move(out));
  return true;
}

bool Mapper::firewall_rule_group(const ResourceDecl& r) {
  Props p(*this, r);
  Walk w(*this, p);
  model::FirewallRuleGroup out;
  Value type = p.get("Type");
  auto t = w.choice(&type, "Type", {"STATEFUL", "STATELESS"}, kReq);
  out.stateful = t.value_or("STATEFUL") == "STATEFUL";
  Value capacity = p.get("Capacity");
  w.integer(&capacity, "Capacity", 1, 30000, kReq);
  Value body = p.get("RuleGroup");
  const Value* rg = w.map(&body, "RuleGroup", kOpt);
  if (!rg && p.has("RuleGroup")) {
    left_out(*this, p);
    return false;
  }
  if (!rg) {
    w.error(p.at(), "`RuleGroup` is required", "write the rules under RuleGroup.RulesSource");
  } else {
    if (const Value* vars = w.map(rg->get("RuleVariables"), "RuleGroup.RuleVariables", kOpt)) {
      out.ip_sets = w.variables(vars->get("IPSets"), "RuleGroup.RuleVariables.IPSets");
      out.port_sets = w.variables(vars->get("PortSets"), "RuleGroup.RuleVariables.PortSets");
    }
    if (const Value* ref = rg->get("ReferenceSets"); ref && !ref->is_null()) {
      s_.gap(Gap::kLeftOut, r.type, ref->at, r.logical_id,
             "`RuleGroup.ReferenceSets` of " + r.logical_id +
                 " is not modelled: rules naming its IP set references cannot be resolved");
    }
    if (const Value* o =
            w.map(rg->get("StatefulRuleOptions"), "RuleGroup.StatefulRuleOptions", kOpt)) {
      if (auto order = w.choice(o->get("RuleOrder"), "RuleGroup.StatefulRuleOptions.RuleOrder",
                                {"DEFAULT_ACTION_ORDER", "STRICT_ORDER"}, kOpt))
        out.strict_order = *order == "STRICT_ORDER";
    }
    const Value* src = w.map(rg->get("RulesSource"), "RuleGroup.RulesSource", kReq);
    if (src) read_rules_source(r, p, *src, out);
  }
  if (left_out(*this, p)) return false;
  add_read(r, n_.firewall_rule_groups, Kind::kFirewallRuleGroup, std::move(out));
  return true;
}

void Mapper::read_rules_source(const ResourceDecl& r, Props& p, const Value& src,
                               model::FirewallRuleGroup& out) {
  Walk w(*this, p);
  const std::string base = "RuleGroup.RulesSource";
  int sources = 0;
  for (const auto& k : src.keys) {
    sources += k == "RulesString" || k == "RulesSourceList" || k == "StatefulRules" ||
               k == "StatelessRulesAndCustomActions";
  }
  if (sources != 1) {
    w.error(src.at, "`" + base +
                        "` needs exactly one of RulesString, RulesSourceList, StatefulRules and "
                        "StatelessRulesAndCustomActions");
  }
  const auto only = [&](const char* key, bool stateful) {
    const Value* v = src.get(key);
    if (!v || v->is_null() || out.stateful == stateful) return true;
    w.error(v->at,
            "`" + base + "." + key + "` belongs to " + (stateful ? "STATEFUL" : "STATELESS") +
                " rule groups",
            std::string("set Type: ") + (stateful ? "STATEFUL" : "STATELESS"));
    return false;
  };
  if (only("RulesString", true)) {
    const Value* v = src.get("RulesString");
    if (auto text = v && !v->is_null() ? w.text(v, base + ".RulesString", kReq) : std::nullopt) {
      std::vector<std::string> errors;
      for (auto& rule : parse_rules_string(*text, v->at, errors))
        out.stateful_rules.push_back(std::move(rule));
      for (const auto& e : errors) w.error(v->at, "`" + base + ".RulesString` " + e);
    }
  }
  if (only("RulesSourceList", true)) {
    if (const Value* l = w.map(src.get("RulesSourceList"), base + ".RulesSourceList", kOpt)) {
      const std::string at = base + ".RulesSourceList";
      model::DomainList list;
      list.at = l->at;
      list.targets = w.texts(l->get("Targets"), at + ".Targets", kReq);
      const Value* types = w.list(l->get("TargetTypes"), at + ".TargetTypes", kReq);
      for (std::size_t i = 0; types && i < types->items.size(); ++i) {
        if (auto s = w.choice(&types->items[i], at + ".TargetTypes[" + std::to_string(i) + "]",
                              {"TLS_SNI", "HTTP_HOST"}, kReq))
          list.target_types.push_back(*s);
      }
      if (auto g = w.choice(l->get("GeneratedRulesType"), at + ".GeneratedRulesType",
                            {"ALLOWLIST", "DENYLIST", "REJECTLIST", "ALERTLIST"}, kReq))
        list.generated_rules_type = *g;
      out.domain_list = std::move(list);
    }
  }
  if (only("StatefulRules", true)) {
    const Value* l = w.list(src.get("StatefulRules"), base + ".StatefulRules", kOpt);
    for (std::size_t i = 0; l && i < l->items.size(); ++i) {
      const Value& item = l->items[i];
      const std::string at = base + ".StatefulRules[" + std::to_string(i) + "]";
      if (!w.map(&item, at, kReq)) continue;
      model::StatefulRule rule;
      rule.at = item.at;
      if (auto a = w.text(item.get("Action"), at + ".Action", kReq)) {
        if (auto action = stateful_action(*a)) {
          rule.action = *action;
        } else {
          w.error(item.get("Action")->at, "`" + at + ".Action`: `" + *a + "` is no stateful action",
                  "PASS, DROP, REJECT or ALERT");
        }
      }
      if (const Value* h = w.map(item.get("Header"), at + ".Header", kReq)) {
        auto field = [&](const char* key, std::string& dst) {
          if (auto s = w.text(h->get(key), at + ".Header." + key, kReq)) dst = header_value(*s);
        };
        field("Protocol", rule.protocol);
        field("Source", rule.source);
        field("SourcePort", rule.source_port);
        field("Destination", rule.destination);
        field("DestinationPort", rule.destination_port);
        if (auto d =
                w.choice(h->get("Direction"), at + ".Header.Direction", {"FORWARD", "ANY"}, kReq))
          rule.bidirectional = *d == "ANY";
      }
      const Value* opts = w.list(item.get("RuleOptions"), at + ".RuleOptions", kOpt);
      for (std::size_t k = 0; opts && k < opts->items.size(); ++k) {
        const Value& o = opts->items[k];
        const std::string oat = at + ".RuleOptions[" + std::to_string(k) + "]";
        if (!w.map(&o, oat, kReq)) continue;
        auto keyword = w.text(o.get("Keyword"), oat + ".Keyword", kReq);
        auto settings = w.texts(o.get("Settings"), oat + ".Settings", kOpt);
        if (keyword) add_rule_option(rule, *keyword, settings);
      }
      out.stateful_rules.push_back(std::move(rule));
    }
  }
  if (only("StatelessRulesAndCustomActions", false)) {
    const std::string at0 = base + ".StatelessRulesAndCustomActions";
    const Value* sr = w.map(src.get("StatelessRulesAndCustomActions"), at0, kOpt);
    const Value* l =
        sr ? w.list(sr->get("StatelessRules"), at0 + ".StatelessRules", kReq) : nullptr;
    for (std::size_t i = 0; l && i < l->items.size(); ++i) {
      const Value& item = l->items[i];
      const std::string at = at0 + ".StatelessRules[" + std::to_string(i) + "]";
      if (!w.map(&item, at, kReq)) continue;
      model::StatelessRule rule;
      rule.at = item.at;
      if (auto n = w.integer(item.get("Priority"), at + ".Priority", 1, 65535, kReq))
        rule.priority = *n;
      const Value* def = w.map(item.get("RuleDefinition"), at + ".RuleDefinition", kReq);
      if (!def) continue;
      auto actions =
          stateless_actions(w, def->get("Actions"), at + ".RuleDefinition.Actions", kReq);
      if (!actions.empty()) rule.action = actions.front();
      const std::string mat = at + ".RuleDefinition.MatchAttributes";
      const Value* m = w.map(def->get("MatchAttributes"), mat, kReq);
      if (!m) continue;
      auto addresses = [&](const char* key, std::vector<Prefix>& dst) {
        const Value* al = w.list(m->get(key), mat + "." + key, kOpt);
        for (std::size_t k = 0; al && k < al->items.size(); ++k) {
          const std::string aat = mat + "." + key + "[" + std::to_string(k) + "]";
          if (!w.map(&al->items[k], aat, kReq)) continue;
          const Value* d = al->items[k].get("AddressDefinition");
          if (auto s = w.text(d, aat + ".AddressDefinition", kReq)) {
            if (auto pre = Prefix::parse(*s))
              dst.push_back(*pre);
            else
              w.error(d->at, "`" + aat + ".AddressDefinition`: `" + *s + "` is no CIDR block");
          }
        }
      };
      addresses("Sources", rule.sources);
      addresses("Destinations", rule.destinations);
      auto ports = [&](const char* key, std::vector<PortRange>& dst) {
        const Value* pl = w.list(m->get(key), mat + "." + key, kOpt);
        for (std::size_t k = 0; pl && k < pl->items.size(); ++k) {
          const std::string pat = mat + "." + key + "[" + std::to_string(k) + "]";
          if (!w.map(&pl->items[k], pat, kReq)) continue;
          auto from = w.integer(pl->items[k].get("FromPort"), pat + ".FromPort", 0, 65535, kReq);
          auto to = w.integer(pl->items[k].get("ToPort"), pat + ".ToPort", 0, 65535, kReq);
          if (!from || !to) continue;
          if (*from > *to) {
            w.error(pl->items[k].at, "`" + pat + "`: FromPort is above ToPort");
            continue;
          }
          dst.push_back(
              PortRange{static_cast<std::uint16_t>(*from), static_cast<std::uint16_t>(*to)});
        }
      };
      ports("SourcePorts", rule.source_ports);
      ports("DestinationPorts", rule.destination_ports);
      const Value* protocols = w.list(m->get("Protocols"), mat + ".Protocols", kOpt);
      for (std::size_t k = 0; protocols && k < protocols->items.size(); ++k) {
        if (auto n = w.integer(&protocols->items[k], mat + ".Protocols[" + std::to_string(k) + "]",
                               0, 255, kReq))
          rule.protocols.push_back(*n);
      }
      const Value* flags = m->get("TCPFlags");
      rule.tcp_flags = flags && flags->is_list() && !flags->items.empty();
      out.stateless_rules.push_back(std::move(rule));
    }
  }
  (void)r;
}

// Logging changes no packet's fate.
bool Mapper::firewall_logging_configuration(const ResourceDecl& r) {
  (void)r;
  return true;
}

}  // namespace cloudtwin::load::cfn
