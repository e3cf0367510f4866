// Network Firewall answers of an AWS CLI snapshot (aws_cli_firewall.h). The API's shapes are
// those CloudFormation writes (cloudformation_resources_firewall.cc reads the same fields); ids
// are the ARNs, and a firewall's endpoints are those FirewallStatus.SyncStates lists, with the
// ids the snapshot's routes name.
#include "aws_cli_firewall.h"

#include <algorithm>

#include "firewall_rules.h"

namespace cloudtwin::load::aws_cli {

namespace {

using json::Value;

constexpr std::string_view kKeys[] = {
    "Firewall",  "FirewallStatus",    "FirewallPolicy", "FirewallPolicyResponse",
    "RuleGroup", "RuleGroupResponse", "UpdateToken"};

class Reader {
 public:
  Reader(json::Reader& rd, model::Network& n) : rd_(rd), n_(n) {}

  void firewall(const Value& root) {
    const Value f = root.get("Firewall");
    if (!rd_.expect(f, json::Type::kObject, "Firewall")) return;
    model::Firewall fw;
    if (!identify(f, "FirewallArn", "FirewallName", fw)) return;
    if (auto v = rd_.str(f.get("VpcId"), "VpcId"))
      fw.vpc = {std::string(*v), rd_.at(f.get("VpcId"))};
    else
      required(f, "VpcId");
    if (auto p = rd_.str(f.get("FirewallPolicyArn"), "FirewallPolicyArn"))
      fw.policy = {std::string(*p), rd_.at(f.get("FirewallPolicyArn"))};
    else
      required(f, "FirewallPolicyArn");
    for (const auto& m : f.get("SubnetMappings").items()) {
      if (auto s = rd_.str(m.get("SubnetId"), "SubnetId"))
        fw.subnets.push_back({std::string(*s), rd_.at(m.get("SubnetId"))});
    }
    // FirewallStatus.SyncStates: {"<zone>": {Attachment: {SubnetId, EndpointId, Status}}}
    const Value sync = root.get("FirewallStatus").get("SyncStates");
    for (const auto& zone : sync.items()) {
      const Value a = zone.get("Attachment");
      auto id = rd_.str(a.get("EndpointId"), "EndpointId");
      auto subnet = rd_.str(a.get("SubnetId"), "SubnetId");
      if (!id || !subnet) continue;
      model::FirewallEndpoint e;
      e.availability_zone = zone.key();
      e.endpoint_id = *id;
      e.subnet = {std::string(*subnet), rd_.at(a.get("SubnetId"))};
      e.at = rd_.at(zone);
      fw.endpoints.push_back(std::move(e));
    }
    if (fw.subnets.empty() && fw.endpoints.empty())
      rd_.error(f.offset(), rd_.resource(), "a firewall needs `SubnetMappings`");
    n_.firewalls.push_back(std::move(fw));
  }

  void policy(const Value& root) {
    const Value r = root.get("FirewallPolicyResponse");
    const Value fp = root.get("FirewallPolicy");
    if (!rd_.expect(r, json::Type::kObject, "FirewallPolicyResponse") ||
        !rd_.expect(fp, json::Type::kObject, "FirewallPolicy"))
      return;
    model::FirewallPolicy p;
    if (!identify(r, "FirewallPolicyArn", "FirewallPolicyName", p)) return;
    p.stateless_default_actions =
        actions(fp.get("StatelessDefaultActions"), "StatelessDefaultActions");
    p.stateless_fragment_default_actions =
        actions(fp.get("StatelessFragmentDefaultActions"), "StatelessFragmentDefaultActions");
    default_stateless_actions(p);
    auto groups = [&](const char* key, bool stateful,
                      std::vector<model::FirewallRuleGroupReference>& out) {
      int k = 0;
      for (const auto& item : fp.get(key).items()) {
        ++k;
        model::FirewallRuleGroupReference ref;
        ref.at = rd_.at(item);
        auto g = rd_.str(item.get("ResourceArn"), "ResourceArn");
        if (!g) {
          required(item, "ResourceArn");
          continue;
        }
        ref.rule_group = {std::string(*g), rd_.at(item.get("ResourceArn"))};
        if (auto pr = rd_.integer(item.get("Priority"), "Priority", 1, 65535))
          ref.priority = static_cast<int>(*pr);
        else if (!stateful)
          required(item, "Priority");
        else
          ref.priority = k;
        if (auto o = rd_.str(item.get("Override").get("Action"), "Action")) {
          rd_.diagnostics().gap(Gap::kLeftOut, "FirewallPolicy", rd_.path(),
                                rd_.at(item.get("Override")), rd_.resource(),
                                "`Override` (" + std::string(*o) +
                                    ") is not modelled: the group's drop rules still drop");
        }
        out.push_back(std::move(ref));
      }
    };
    groups("StatelessRuleGroupReferences", false, p.stateless_rule_groups);
    groups("StatefulRuleGroupReferences", true, p.stateful_rule_groups);
    for (auto a : rd_.strings(fp.get("StatefulDefaultActions"), "StatefulDefaultActions")) {
      if (a == "aws:drop_strict" || a == "aws:drop_established" || a == "aws:alert_strict" ||
          a == "aws:alert_established")
        p.stateful_default_actions.emplace_back(a);
      else
        rd_.error(
            fp.get("StatefulDefaultActions").offset(), rd_.resource(),
            "`StatefulDefaultActions`: `" + std::string(a) + "` is no stateful default action");
    }
    if (auto o = choice(fp.get("StatefulEngineOptions").get("RuleOrder"), "RuleOrder",
                        {"DEFAULT_ACTION_ORDER", "STRICT_ORDER"}))
      p.strict_order = *o == "STRICT_ORDER";
    p.variables = variables(fp.get("PolicyVariables").get("RuleVariables"));
    n_.firewall_policies.push_back(std::move(p));
  }

  void rule_group(const Value& root) {
    const Value r = root.get("RuleGroupResponse");
    const Value rg = root.get("RuleGroup");
    if (!rd_.expect(r, json::Type::kObject, "RuleGroupResponse")) return;
    model::FirewallRuleGroup g;
    if (!identify(r, "RuleGroupArn", "RuleGroupName", g)) return;
    auto type = choice(r.get("Type"), "Type", {"STATEFUL", "STATELESS"});
    if (!type && r.get("Type").absent()) required(r, "Type");
    g.stateful = type.value_or("STATEFUL") == "STATEFUL";
    if (rg.is_object()) {
      g.ip_sets = variables(rg.get("RuleVariables").get("IPSets"));
      g.port_sets = variables(rg.get("RuleVariables").get("PortSets"));
      if (auto o = choice(rg.get("StatefulRuleOptions").get("RuleOrder"), "RuleOrder",
                          {"DEFAULT_ACTION_ORDER", "STRICT_ORDER"}))
        g.strict_order = *o == "STRICT_ORDER";
      const Value src = rg.get("RulesSource");
      const Value text = src.get("RulesString");
      if (auto t = rd_.str(text, "RulesString")) {
        std::vector<std::string> errors;
        for (auto& rule : parse_rules_string(*t, rd_.at(text), errors))
          g.stateful_rules.push_back(std::move(rule));
        for (const auto& e : errors) rd_.error(text.offset(), rd_.resource(), "`RulesString` " + e);
      }
      const Value list = src.get("RulesSourceList");
      if (list.is_object()) {
        model::DomainList dl;
        dl.at = rd_.at(list);
        for (auto t : rd_.strings(list.get("Targets"), "Targets")) dl.targets.emplace_back(t);
        for (const auto& t : list.get("TargetTypes").items())
          if (auto s = choice(t, "TargetTypes", {"TLS_SNI", "HTTP_HOST"}))
            dl.target_types.push_back(*s);
        if (auto s = choice(list.get("GeneratedRulesType"), "GeneratedRulesType",
                            {"ALLOWLIST", "DENYLIST", "REJECTLIST", "ALERTLIST"}))
          dl.generated_rules_type = *s;
        g.domain_list = std::move(dl);
      }
      for (const auto& item : src.get("StatefulRules").items()) stateful_rule(item, g);
      for (const auto& item :
           src.get("StatelessRulesAndCustomActions").get("StatelessRules").items())
        stateless_rule(item, g);
    } else {
      rd_.error(root.offset(), rd_.resource(), "a describe-rule-group answer needs `RuleGroup`");
    }
    n_.firewall_rule_groups.push_back(std::move(g));
  }

 private:
  // The id (the ARN, which the reader's errors then name), location and name of the resource a
  // describe answer's object holds; false, with the error, when the ARN is missing.
  template <class Resource>
  bool identify(const Value& object, std::string_view arn_key, std::string_view name_key,
                Resource& out) {
    auto arn = rd_.str(object.get(arn_key), arn_key);
    if (!arn) {
      required(object, arn_key);
      return false;
    }
    rd_.set_resource(*arn);
    out.id = *arn;
    out.at = rd_.at(object);
    if (auto name = rd_.str(object.get(name_key), name_key)) out.name = *name;
    return true;
  }
  void required(const Value& v, std::string_view field) {
    rd_.error(v.offset(), rd_.resource(), "`" + std::string(field) + "` is required");
  }
  std::optional<std::string> choice(const Value& v, std::string_view field,
                                    std::initializer_list<std::string_view> options) {
    auto s = rd_.str(v, field);
    if (!s) return std::nullopt;
    for (auto o : options)
      if (*s == o) return std::string(o);
    std::string all;
    for (auto o : options) all += (all.empty() ? "" : ", ") + std::string(o);
    rd_.error(
        v.offset(), rd_.resource(),
        "`" + std::string(field) + "` must be one of " + all + ", not `" + std::string(*s) + "`");
    return std::nullopt;
  }
  std::vector<model::FirewallAction> actions(const Value& v, std::string_view field) {
    std::vector<model::FirewallAction> out;
    auto names = rd_.strings(v, field);
    for (auto n : names)
      if (auto a = stateless_action(n)) out.push_back(*a);
    if (!names.empty() && out.size() != 1) {
      rd_.error(v.offset(), rd_.resource(),
                "`" + std::string(field) +
                    "` needs exactly one of aws:pass, aws:drop and aws:forward_to_sfe");
      out.clear();
    }
    return out;
  }
  // {NAME: {Definition: [...]}}
  std::vector<model::RuleVariable> variables(const Value& v) {
    std::vector<model::RuleVariable> out;
    if (!v.is_object()) return out;
    for (const auto& item : v.items()) {
      model::RuleVariable var;
      var.name = item.key();
      var.at = rd_.at(item);
      for (auto d : rd_.strings(item.get("Definition"), "Definition")) var.values.emplace_back(d);
      out.push_back(std::move(var));
    }
    return out;
  }
  void stateful_rule(const Value& item, model::FirewallRuleGroup& g) {
    model::StatefulRule rule;
    rule.at = rd_.at(item);
    if (auto a = rd_.str(item.get("Action"), "Action")) {
      if (auto action = stateful_action(*a))
        rule.action = *action;
      else
        rd_.error(item.get("Action").offset(), rd_.resource(),
                  "`Action`: `" + std::string(*a) + "` is no stateful action",
                  "PASS, DROP, REJECT or ALERT");
    }
    const Value h = item.get("Header");
    for (auto [key, dst] :
         {std::pair{"Protocol", &rule.protocol}, std::pair{"Source", &rule.source},
          std::pair{"SourcePort", &rule.source_port}, std::pair{"Destination", &rule.destination},
          std::pair{"DestinationPort", &rule.destination_port}}) {
      if (auto s = rd_.str(h.get(key), key))
        *dst = header_value(*s);
      else
        required(h.missing() ? item : h, std::string("Header.") + key);
    }
    if (auto d = choice(h.get("Direction"), "Direction", {"FORWARD", "ANY"}))
      rule.bidirectional = *d == "ANY";
    for (const auto& o : item.get("RuleOptions").items()) {
      auto keyword = rd_.str(o.get("Keyword"), "Keyword");
      std::vector<std::string> settings;
      for (auto s : rd_.strings(o.get("Settings"), "Settings")) settings.emplace_back(s);
      if (keyword) add_rule_option(rule, *keyword, settings);
    }
    g.stateful_rules.push_back(std::move(rule));
  }
  void stateless_rule(const Value& item, model::FirewallRuleGroup& g) {
    model::StatelessRule rule;
    rule.at = rd_.at(item);
    auto priority = rd_.integer(item.get("Priority"), "Priority", 1, 65535);
    if (!priority) return required(item, "Priority");
    rule.priority = static_cast<int>(*priority);
    const Value def = item.get("RuleDefinition");
    auto a = actions(def.get("Actions"), "Actions");
    if (!a.empty()) rule.action = a.front();
    const Value m = def.get("MatchAttributes");
    for (const auto& x : m.get("Sources").items())
      if (auto p = rd_.prefix(x.get("AddressDefinition"), "AddressDefinition"))
        rule.sources.push_back(*p);
    for (const auto& x : m.get("Destinations").items())
      if (auto p = rd_.prefix(x.get("AddressDefinition"), "AddressDefinition"))
        rule.destinations.push_back(*p);
    auto ports = [&](const char* key, std::vector<PortRange>& out) {
      for (const auto& x : m.get(key).items()) {
        auto from = rd_.integer(x.get("FromPort"), "FromPort", 0, 65535);
        auto to = rd_.integer(x.get("ToPort"), "ToPort", 0, 65535);
        if (from && to && *from <= *to)
          out.push_back(
              PortRange{static_cast<std::uint16_t>(*from), static_cast<std::uint16_t>(*to)});
        else if (from && to)
          rd_.error(x.offset(), rd_.resource(),
                    "`" + std::string(key) + "`: FromPort is above ToPort");
      }
    };
    ports("SourcePorts", rule.source_ports);
    ports("DestinationPorts", rule.destination_ports);
    for (const auto& x : m.get("Protocols").items())
      if (auto n = rd_.integer(x, "Protocols", 0, 255))
        rule.protocols.push_back(static_cast<int>(*n));
    rule.tcp_flags = m.get("TCPFlags").size() > 0;
    g.stateless_rules.push_back(std::move(rule));
  }

  json::Reader& rd_;
  model::Network& n_;
};

}  // namespace

bool is_network_firewall_key(std::string_view key) {
  return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

void read_network_firewall_answer(json::Reader& rd, const json::Value& root,
                                  model::Network& network) {
  Reader r(rd, network);
  if (!root.get("Firewall").missing())
    r.firewall(root);
  else if (!root.get("FirewallPolicyResponse").missing() || !root.get("FirewallPolicy").missing())
    r.policy(root);
  else if (!root.get("RuleGroupResponse").missing() || !root.get("RuleGroup").missing())
    r.rule_group(root);
  rd.set_resource("");
}

}  // namespace cloudtwin::load::aws_cli
