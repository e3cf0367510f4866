// AWS Network Firewall in the model: firewalls (one endpoint per AZ, a route target), their
// policies and rule groups (shared/reference/aws-vpc-services.md §6). Rules are kept as written
// (addresses and ports may name rule variables); finalize() resolves the variables, and the
// walker (src/vpc/firewall.cc) decides 5-tuple rules exactly and marks what depends on the
// application layer (domain lists, Suricata rule options) inconclusive.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/core/ip.h"
#include "cloudtwin/core/packet.h"
#include "cloudtwin/model/resource.h"

namespace cloudtwin::model {

// One firewall endpoint: the VPC endpoint Network Firewall makes in a firewall subnet. finalize()
// adds a VpcEndpoint of type kFirewall with this id, so routes name it as AWS's do.
struct FirewallEndpoint {
  std::string availability_zone;
  std::string endpoint_id;  // vpce-...
  Ref subnet;
  Location at;
};

struct Firewall : Resource {
  Ref vpc;
  std::vector<Ref> subnets;  // SubnetMappings, one per AZ
  Ref policy;
  // FirewallStatus.SyncStates (AWS CLI, Terraform state) or made by the reader from the subnets
  std::vector<FirewallEndpoint> endpoints;
};

// aws:pass, aws:drop, aws:forward_to_sfe (stateless); PASS, DROP, ALERT, REJECT (stateful).
enum class FirewallAction : std::uint8_t { kPass, kDrop, kForward, kAlert, kReject };
const char* firewall_action_name(FirewallAction a);
std::optional<FirewallAction> parse_firewall_action(std::string_view text);  // either spelling

// A stateless rule's match attributes: every list empty matches everything.
struct StatelessRule {
  int priority = 0;
  std::vector<Prefix> sources;
  std::vector<Prefix> destinations;
  std::vector<PortRange> source_ports;
  std::vector<PortRange> destination_ports;
  std::vector<int> protocols;  // IANA numbers
  bool tcp_flags = false;      // TCPFlags given: decided by flags a 5-tuple does not carry
  FirewallAction action = FirewallAction::kDrop;  // the standard action
  Location at;
};

// A stateful rule's address or port field as finalize() resolves it against the rule variables
// (Suricata's syntax: `any`, a value, `[a, b]`, `!x`, `$VAR`): a value matches when it is in
// one of `in` (or `in` is empty) and in none of `out`.
struct AddressMatch {
  std::vector<Prefix> in;
  std::vector<Prefix> out;
};
struct PortMatch {
  std::vector<PortRange> in;
  std::vector<PortRange> out;
};

// A stateful rule as Suricata reads its header: `action proto src sport -> dst dport (opts)`.
// Addresses and ports are kept as written ("any", a CIDR, "[a,b]", "!x", "$HOME_NET").
struct StatefulRule {
  FirewallAction action = FirewallAction::kPass;
  std::string protocol;  // ip, tcp, udp, icmp, or an application protocol (http, tls, dns...)
  std::string source;
  std::string source_port;
  std::string destination;
  std::string destination_port;
  bool bidirectional = false;  // Direction ANY, `<>`
  // Rule options beyond sid, msg, rev, classtype, priority and metadata: they depend on the
  // application layer or on flow state a 5-tuple does not carry.
  std::string options;
  std::string sid;
  Location at;
  // derived by finalize()
  AddressMatch source_match, destination_match;
  PortMatch source_port_match, destination_port_match;
  int protocol_number = -1;        // -1: any IP protocol
  bool application_layer = false;  // an application protocol (http, tls, ...): decided above L4
};

// RulesSourceList: a domain allow or deny list, decided by the TLS SNI or HTTP Host header.
struct DomainList {
  std::vector<std::string> targets;
  std::vector<std::string> target_types;  // TLS_SNI, HTTP_HOST
  std::string generated_rules_type;       // ALLOWLIST, DENYLIST, REJECTLIST, ALERTLIST
  Location at;
};

struct RuleVariable {
  std::string name;                  // HOME_NET, ...
  std::vector<std::string> values;   // as written: CIDRs (IP sets) or ports (port sets)
  Location at;
};

struct FirewallRuleGroup : Resource {
  bool stateful = true;  // Type STATEFUL / STATELESS
  std::vector<RuleVariable> ip_sets;
  std::vector<RuleVariable> port_sets;
  std::vector<StatelessRule> stateless_rules;
  std::vector<StatefulRule> stateful_rules;  // StatefulRules and RulesString, in order
  std::optional<DomainList> domain_list;
  bool strict_order = false;  // StatefulRuleOptions.RuleOrder STRICT_ORDER
};

struct FirewallRuleGroupReference {
  Ref rule_group;
  int priority = 0;  // stateless groups, and stateful groups in strict order
  Location at;
};

// Whether Suricata's action `a` ends a flow's evaluation in the default action order, and its
// rank there (pass, drop, reject, alert; §6 "Packet processing").
inline int default_order_rank(FirewallAction a) {
  switch (a) {
    case FirewallAction::kPass: return 0;
    case FirewallAction::kDrop: return 1;
    case FirewallAction::kReject: return 2;
    default: return 3;
  }
}

struct FirewallPolicy : Resource {
  std::vector<FirewallAction> stateless_default_actions{FirewallAction::kForward};
  std::vector<FirewallAction> stateless_fragment_default_actions{FirewallAction::kForward};
  std::vector<FirewallRuleGroupReference> stateless_rule_groups;
  std::vector<FirewallRuleGroupReference> stateful_rule_groups;
  // StatefulDefaultActions as written: aws:drop_strict, aws:drop_established, aws:alert_strict,
  // aws:alert_established (strict order only)
  std::vector<std::string> stateful_default_actions;
  bool strict_order = false;  // StatefulEngineOptions.RuleOrder
  std::vector<RuleVariable> variables;  // PolicyVariables.RuleVariables (HOME_NET)
  // derived: HOME_NET resolved (the first firewall's VPC CIDR blocks unless a variable says)
  AddressMatch home_net;
};

}  // namespace cloudtwin::model
