// AWS Network Firewall (shared/reference/aws-vpc-services.md §6): a firewall endpoint forwards
// like a Gateway Load Balancer endpoint (vpc_endpoint.cc), with the firewall's policy where the
// appliances would be. The stateless engine sees every packet, both ways: groups by priority,
// rules by priority, the first match passes, drops or forwards to the stateful engine; no match
// takes the policy's default. The stateful engine sees forwarded packets of a flow: in the
// default order every rule counts and pass outranks drop and reject; in strict order the first
// matching pass, drop or reject decides and no match takes the policy's stateful default. The
// reply of a flow the stateful engine passed passes it. Rules decided above layer 4 (application
// protocols, rule options, domain lists) may match: the answer is then inconclusive, never a
// guess (a rule that may pass is taken, one that may drop is not, each with its doubt).
#include <algorithm>

#include "walker.h"

namespace cloudtwin::vpc::detail {

bool Walker::address_matches(const Packet& h, AddressField f, const model::AddressMatch& m) {
  if (m.in.empty() && m.out.empty()) return true;
  // The cells of `in` and `out` together: the cells of each, intersected.
  if (!m.in.empty()) tested(h, f, m.in);
  if (!m.out.empty()) tested(h, f, m.out);
  IpAddress a = field(h, f);
  auto has = [&](const Prefix& p) { return p.contains(a); };
  if (!m.in.empty() && std::none_of(m.in.begin(), m.in.end(), has)) return false;
  return std::none_of(m.out.begin(), m.out.end(), has);
}

bool Walker::port_matches(const Packet& h, PortField f, const model::PortMatch& m) {
  if (m.in.empty() && m.out.empty()) return true;
  bool in = m.in.empty();
  for (const auto& r : m.in) in = port_is(h, f, r) || in;
  if (!in) return false;
  bool out = false;
  for (const auto& r : m.out) out = port_is(h, f, r) || out;
  return !out;
}

bool Walker::stateless_rule_matches(const model::StatelessRule& r, const Packet& h, bool& maybe) {
  if (!r.protocols.empty()) {
    bool member = std::find(r.protocols.begin(), r.protocols.end(), h.protocol.number()) !=
                  r.protocols.end();
    if (obs_) obs_->protocol_in(h, r.protocols, member);
    if (!member) return false;
  }
  if (!r.sources.empty()) {
    tested(h, AddressField::kSrc, r.sources);
    if (std::none_of(r.sources.begin(), r.sources.end(), [&](const Prefix& p) { return p.contains(h.src); }))
      return false;
  }
  if (!r.destinations.empty()) {
    tested(h, AddressField::kDst, r.destinations);
    if (std::none_of(r.destinations.begin(), r.destinations.end(), [&](const Prefix& p) { return p.contains(h.dst); }))
      return false;
  }
  if (!r.source_ports.empty() || !r.destination_ports.empty()) {
    // Port ranges apply to TCP and UDP only.
    if (!protocol_is(h, {Protocol::kTcp, Protocol::kUdp})) return false;
    bool sp = r.source_ports.empty(), dp = r.destination_ports.empty();
    for (const auto& p : r.source_ports) sp = port_is(h, PortField::kSrc, p) || sp;
    for (const auto& p : r.destination_ports) dp = port_is(h, PortField::kDst, p) || dp;
    if (!sp || !dp) return false;
  }
  // TCP flags are not in a 5-tuple: a TCP packet may or may not carry them.
  if (r.tcp_flags) {
    if (!protocol_is(h, {Protocol::kTcp})) return false;
    maybe = true;
  }
  return true;
}

bool Walker::stateful_rule_matches(const model::StatefulRule& r, const Packet& h, bool& maybe) {
  if (r.protocol_number >= 0) {
    const int p[] = {r.protocol_number};
    bool member = h.protocol.number() == r.protocol_number;
    if (obs_) obs_->protocol_in(h, p, member);
    if (!member) return false;
  } else if (r.application_layer) {
    // dns runs on TCP and UDP.
    if (!protocol_is(h, {Protocol::kTcp, Protocol::kUdp})) return false;
  }
  auto forward = [&] {
    return address_matches(h, AddressField::kSrc, r.source_match) &&
           address_matches(h, AddressField::kDst, r.destination_match) &&
           port_matches(h, PortField::kSrc, r.source_port_match) &&
           port_matches(h, PortField::kDst, r.destination_port_match);
  };
  auto backward = [&] {
    return address_matches(h, AddressField::kDst, r.source_match) &&
           address_matches(h, AddressField::kSrc, r.destination_match) &&
           port_matches(h, PortField::kDst, r.source_port_match) &&
           port_matches(h, PortField::kSrc, r.destination_port_match);
  };
  if (!forward() && !(r.bidirectional && backward())) return false;
  if (r.application_layer || !r.options.empty()) maybe = true;
  return true;
}

bool Walker::network_firewall(const model::VpcEndpoint& ep, const Packet& h) {
  const auto& fw = n_.firewalls[ep.firewall];
  hop("NetworkFirewall", fw.id, fw.name, "", std::nullopt, "endpoint " + ep.id);
  if (!fw.policy.resolved()) {
    unknown(false, "FIREWALL_POLICY_UNKNOWN", "NetworkFirewall", fw.id, "",
            "the policy of firewall " + fw.id + " is not in the inputs",
            "add the firewall policy and its rule groups");
    return true;
  }
  const auto& policy = n_.firewall_policies[fw.policy.index];
  for (const auto* groups : {&policy.stateless_rule_groups, &policy.stateful_rule_groups}) {
    for (const auto& g : *groups) {
      if (g.rule_group.resolved()) continue;
      // finalize() kept it unresolved: a rule group the inputs do not hold may pass or drop.
      unknown(false, "FIREWALL_RULE_GROUP_UNKNOWN", "NetworkFirewall", fw.id, "",
              "rule group " + g.rule_group.text + " of policy " + policy.id +
                  " is not in the inputs, so what firewall " + fw.id + " does with " + h.str() +
                  " is unknown",
              "add the rule group's definition");
      return true;
    }
  }
  auto drop_here = [&](const std::string& why) {
    drop("FIREWALL_RULES_RESTRICTION", "NetworkFirewall", fw.id, "", why,
         "add a rule to policy " + policy.id + " that passes " + h.str());
  };
  // ---- stateless engine ---------------------------------------------------------------------
  std::vector<const model::FirewallRuleGroupReference*> stateless;
  for (const auto& g : policy.stateless_rule_groups) stateless.push_back(&g);
  std::stable_sort(stateless.begin(), stateless.end(),
                   [](const auto* a, const auto* b) { return a->priority < b->priority; });
  std::optional<model::FirewallAction> decided;
  std::string by;
  for (const auto* ref : stateless) {
    if (!ref->rule_group.resolved()) continue;
    const auto& group = n_.firewall_rule_groups[ref->rule_group.index];
    std::vector<const model::StatelessRule*> rules;
    for (const auto& r : group.stateless_rules) rules.push_back(&r);
    std::stable_sort(rules.begin(), rules.end(),
                     [](const auto* a, const auto* b) { return a->priority < b->priority; });
    for (const auto* r : rules) {
      bool maybe = false;
      if (!stateless_rule_matches(*r, h, maybe)) continue;
      if (maybe && r->action != model::FirewallAction::kPass) {
        unknown(false, "FIREWALL_UNSUPPORTED_RULE_OPTIONS", "NetworkFirewall", fw.id, "",
                "stateless rule " + std::to_string(r->priority) + " of " + group.id +
                    " matches on TCP flags a 5-tuple does not carry");
        continue;
      }
      if (maybe)
        unknown(false, "FIREWALL_UNSUPPORTED_RULE_OPTIONS", "NetworkFirewall", fw.id, "",
                "stateless rule " + std::to_string(r->priority) + " of " + group.id +
                    " matches on TCP flags a 5-tuple does not carry");
      decided = r->action;
      by = "stateless rule " + std::to_string(r->priority) + " of " + group.id;
      break;
    }
    if (decided) break;
  }
  if (!decided) {
    // StatelessDefaultActions: the standard action among them.
    decided = model::FirewallAction::kForward;
    for (auto a : policy.stateless_default_actions) {
      if (a == model::FirewallAction::kPass || a == model::FirewallAction::kDrop ||
          a == model::FirewallAction::kForward) {
        decided = a;
        break;
      }
    }
    by = "the stateless default action";
  }
  if (*decided == model::FirewallAction::kDrop) {
    drop_here(by + " of policy " + policy.id + " drops " + h.str());
    return false;
  }
  if (*decided == model::FirewallAction::kPass) {
    hop("NetworkFirewall", fw.id, fw.name, "", std::nullopt, by + " passes");
    return true;
  }
  // ---- stateful engine ----------------------------------------------------------------------
  if (reply_) {
    // The reply of a flow the engine passed on its way out passes.
    for (Index x : connection_.inspected) {
      if (n_.vpc_endpoints[x].firewall == ep.firewall) {
        hop("NetworkFirewall", fw.id, fw.name, "", std::nullopt, "reply of a passed flow");
        return true;
      }
    }
  }
  std::vector<const model::FirewallRuleGroupReference*> stateful;
  for (const auto& g : policy.stateful_rule_groups) stateful.push_back(&g);
  if (policy.strict_order)
    std::stable_sort(stateful.begin(), stateful.end(),
                     [](const auto* a, const auto* b) { return a->priority < b->priority; });
  struct Hit {
    model::FirewallAction action;
    bool maybe;
    std::string rule;
  };
  std::vector<Hit> hits;  // in evaluation order
  for (const auto* ref : stateful) {
    if (!ref->rule_group.resolved()) continue;
    const auto& group = n_.firewall_rule_groups[ref->rule_group.index];
    for (const auto& r : group.stateful_rules) {
      bool maybe = false;
      if (!stateful_rule_matches(r, h, maybe)) continue;
      hits.push_back({r.action, maybe, "rule " + (r.sid.empty() ? "" : "sid " + r.sid + " ") + "of " + group.id});
    }
    if (group.domain_list) {
      // Generated rules for HTTP and TLS from HOME_NET (RulesSourceList): they may match any
      // TCP flow from HOME_NET, as whether it is HTTP or TLS, and to which name, is above L4.
      const auto& dl = *group.domain_list;
      const bool from_home = protocol_is(h, {Protocol::kTcp}) &&
                             address_matches(h, AddressField::kSrc, policy.home_net);
      if (from_home) {
        if (dl.generated_rules_type == "ALLOWLIST") {
          hits.push_back({model::FirewallAction::kPass, true, "the domain allow list of " + group.id});
          hits.push_back({model::FirewallAction::kDrop, true, "the domain allow list of " + group.id});
        } else if (dl.generated_rules_type == "DENYLIST" || dl.generated_rules_type == "REJECTLIST") {
          hits.push_back({model::FirewallAction::kDrop, true, "the domain deny list of " + group.id});
        }
      }
    }
  }
  auto doubt = [&](const Hit& x) {
    unknown(false, "FIREWALL_UNSUPPORTED_RULE_OPTIONS", "NetworkFirewall", fw.id, "",
            x.rule + " (" + model::firewall_action_name(x.action) + ") may match " + h.str() +
                ": it is decided above layer 4 (application protocol, rule options or domain names)",
            "the verdict depends on the application's traffic");
  };
  auto pass = [&](const std::string& why) {
    hop("NetworkFirewall", fw.id, fw.name, "", std::nullopt, why);
    return true;
  };
  auto stops = [](model::FirewallAction a) {
    return a == model::FirewallAction::kPass || a == model::FirewallAction::kDrop ||
           a == model::FirewallAction::kReject;
  };
  // Strict order: the first matching pass, drop or reject in evaluation order decides. Default
  // action order: every rule counts, pass before drop before reject before alert.
  if (!policy.strict_order) {
    std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
      return model::default_order_rank(a.action) < model::default_order_rank(b.action);
    });
  }
  for (const auto& x : hits) {
    if (!stops(x.action)) continue;
    if (x.action == model::FirewallAction::kPass) {
      if (x.maybe) doubt(x);
      return pass(x.rule + " passes");
    }
    if (x.maybe) {
      doubt(x);
      continue;
    }
    drop_here(x.rule + " of policy " + policy.id + " " + model::firewall_action_name(x.action) + "s " + h.str());
    return false;
  }
  if (!policy.strict_order) return pass("no stateful rule matches; the default order passes");
  for (const auto& a : policy.stateful_default_actions) {
    if (a == "aws:drop_strict" || a == "aws:drop_established") {
      drop_here("no stateful rule of policy " + policy.id + " passes " + h.str() + ", and its default is " + a);
      return false;
    }
  }
  return pass("no stateful rule matches; the default passes");
}

}  // namespace cloudtwin::vpc::detail
