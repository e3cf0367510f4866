// The Network Firewall answers of an AWS CLI snapshot (docs/format.md, "AWS CLI snapshots";
// shared/reference/aws-vpc-services.md §6, §7.3): `network-firewall describe-firewall`
// ({Firewall, FirewallStatus}), `describe-firewall-policy` ({FirewallPolicyResponse,
// FirewallPolicy}) and `describe-rule-group` ({RuleGroupResponse, RuleGroup}), one answer per
// file, each recognised by its top-level keys. `list-firewalls` names firewalls only and is
// ignored: describe each.
#pragma once

#include <string_view>

#include "cloudtwin/model/network.h"
#include "json_source.h"

namespace cloudtwin::load::aws_cli {

// Whether `key` is a top-level key of one of these answers.
bool is_network_firewall_key(std::string_view key);

// Reads one describe-firewall, describe-firewall-policy or describe-rule-group answer (the whole
// file's object) into `network`.
void read_network_firewall_answer(json::Reader& rd, const json::Value& root,
                                  model::Network& network);

}  // namespace cloudtwin::load::aws_cli
