// What every reader of AWS Network Firewall rule groups shares (shared/reference/
// aws-vpc-services.md §6): Suricata rule lines (RulesString), the options of a structured
// stateful rule (StatefulRules[].RuleOptions), and the action names of each engine.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/model/firewall.h"

namespace cloudtwin::load {

// One Suricata rule line: `action proto src sport -> dst dport (options)`; nullopt with an error
// message when it is not one.
std::optional<model::StatefulRule> parse_suricata_rule(std::string_view line, std::string& error);

// The rules of a RulesString, one a line (blank lines and `#` comments skipped), each located at
// `at`; a line that is no rule adds "line N: why" to `errors` and is left out.
std::vector<model::StatefulRule> parse_rules_string(std::string_view text, Location at,
                                                    std::vector<std::string>& errors);

// A structured rule's option (RuleOptions[{Keyword, Settings}]): `sid` names the rule, naming
// and bookkeeping options (msg, rev, ...) change nothing, any other is kept in `options` (it
// depends on what a 5-tuple does not carry).
void add_rule_option(model::StatefulRule& r, std::string_view keyword,
                     const std::vector<std::string>& settings);

// A structured rule's Header field as Suricata reads it: the API's `ANY` is `any`.
std::string header_value(std::string_view text);

// aws:pass, aws:drop, aws:forward_to_sfe; nullopt for any other (a custom action's name).
std::optional<model::FirewallAction> stateless_action(std::string_view text);
// PASS, DROP, ALERT, REJECT (either case); nullopt for any other.
std::optional<model::FirewallAction> stateful_action(std::string_view text);

// A policy whose stateless default actions (or fragment default actions) the input left empty
// forwards to the stateful engine, as an empty list would be read by none of the engines.
void default_stateless_actions(model::FirewallPolicy& p);

// The resource part of a Network Firewall ARN (`arn:...:firewall/<name>` -> <name>), or the text.
std::string_view firewall_arn_name(std::string_view arn);

}  // namespace cloudtwin::load
