// The Terraform reader's Network Firewall types: aws_networkfirewall_firewall, _firewall_policy,
// _rule_group and _logging_configuration, in a state (with the endpoints firewall_status names)
// and a plan (before the endpoints exist); the same verdicts as the native format; bad input as
// located errors (shared/reference/aws-vpc-services.md §6, §7.2).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../firewall_equivalent.h"
#include "cloudtwin/load/load.h"
#include "trace_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump_diagnostics;

struct Loaded {
  model::Network network;
  Diagnostics diagnostics;
  bool ok = false;
};

Loaded load_text(const std::string& json, const std::string& name) {
  Loaded l;
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << json;
  l.ok = load_network({path.string()}, l.network, l.diagnostics);
  return l;
}

std::string res(const std::string& address, const std::string& values) {
  const std::string type = address.substr(0, address.find('.'));
  const std::string name = address.substr(address.find('.') + 1);
  return R"({"address": ")" + address + R"(", "mode": "managed", "type": ")" + type +
         R"(", "name": ")" + name + R"(", "values": {)" + values + "}}";
}

const std::string kArn = "arn:aws:network-firewall:us-east-1:111122223333:";

// The network of firewall_equivalent.h as a state: the routes name the endpoint ids AWS gave
// (firewall_status[0].sync_states), as `terraform show -json` prints them after apply.
std::string network_resources(const std::string& group_extra = "") {
  return res("aws_vpc.v", R"("id": "vpc-1", "cidr_block": "10.0.0.0/16")") + ",\n" +
         res("aws_subnet.fw_a", R"("id": "subnet-fa", "vpc_id": "vpc-1", "cidr_block": "10.0.0.0/28", "availability_zone": "us-east-1a")") + ",\n" +
         res("aws_subnet.fw_b", R"("id": "subnet-fb", "vpc_id": "vpc-1", "cidr_block": "10.0.0.16/28", "availability_zone": "us-east-1b")") + ",\n" +
         res("aws_subnet.app_a", R"("id": "subnet-aa", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24", "availability_zone": "us-east-1a")") + ",\n" +
         res("aws_subnet.app_b", R"("id": "subnet-ab", "vpc_id": "vpc-1", "cidr_block": "10.0.2.0/24", "availability_zone": "us-east-1b")") + ",\n" +
         res("aws_internet_gateway.igw", R"("id": "igw-1", "vpc_id": "vpc-1")") + ",\n" +
         res("aws_route_table.fw", R"("id": "rtb-fw", "vpc_id": "vpc-1", "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}])") + ",\n" +
         res("aws_route_table_association.fw_a", R"("id": "a1", "subnet_id": "subnet-fa", "route_table_id": "rtb-fw")") + ",\n" +
         res("aws_route_table_association.fw_b", R"("id": "a2", "subnet_id": "subnet-fb", "route_table_id": "rtb-fw")") + ",\n" +
         res("aws_route_table.app_a", R"("id": "rtb-aa", "vpc_id": "vpc-1", "route": [{"cidr_block": "0.0.0.0/0", "vpc_endpoint_id": "vpce-0aaa"}])") + ",\n" +
         res("aws_route_table_association.app_a", R"("id": "a3", "subnet_id": "subnet-aa", "route_table_id": "rtb-aa")") + ",\n" +
         res("aws_route.app_b", R"("id": "r1", "route_table_id": "rtb-ab", "destination_cidr_block": "0.0.0.0/0", "vpc_endpoint_id": "vpce-0bbb")") + ",\n" +
         res("aws_route_table.app_b", R"("id": "rtb-ab", "vpc_id": "vpc-1", "route": [{"cidr_block": "0.0.0.0/0", "vpc_endpoint_id": "vpce-0bbb"}])") + ",\n" +
         res("aws_route_table_association.app_b", R"("id": "a4", "subnet_id": "subnet-ab", "route_table_id": "rtb-ab")") + ",\n" +
         res("aws_route_table.edge", R"("id": "rtb-edge", "vpc_id": "vpc-1", "route": [{"cidr_block": "10.0.1.0/24", "vpc_endpoint_id": "vpce-0aaa"}, {"cidr_block": "10.0.2.0/24", "vpc_endpoint_id": "vpce-0bbb"}])") + ",\n" +
         res("aws_route_table_association.edge", R"("id": "a5", "gateway_id": "igw-1", "route_table_id": "rtb-edge")") + ",\n" +
         res("aws_security_group.web", R"("id": "sg-web", "name": "web", "vpc_id": "vpc-1", "ingress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false}], "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false}])") + ",\n" +
         res("aws_instance.web_a", R"("id": "i-a", "subnet_id": "subnet-aa", "private_ip": "10.0.1.10", "public_ip": "198.51.100.71", "vpc_security_group_ids": ["sg-web"], "tags": {"Name": "web-a"})") + ",\n" +
         res("aws_instance.web_b", R"("id": "i-b", "subnet_id": "subnet-ab", "private_ip": "10.0.2.10", "public_ip": "198.51.100.72", "vpc_security_group_ids": ["sg-web"], "tags": {"Name": "web-b"})") + ",\n" +
         res("aws_networkfirewall_firewall.fw",
             R"("id": ")" + kArn + R"(firewall/fw", "arn": ")" + kArn + R"(firewall/fw", "name": "fw", "vpc_id": "vpc-1",
             "firewall_policy_arn": ")" + kArn + R"(firewall-policy/strict", "delete_protection": false,
             "subnet_mapping": [{"subnet_id": "subnet-fb", "ip_address_type": "IPV4"}, {"subnet_id": "subnet-fa", "ip_address_type": "IPV4"}],
             "firewall_status": [{"status": "READY", "sync_states": [
               {"availability_zone": "us-east-1b", "attachment": [{"endpoint_id": "vpce-0bbb", "subnet_id": "subnet-fb", "status": "READY"}]},
               {"availability_zone": "us-east-1a", "attachment": [{"endpoint_id": "vpce-0aaa", "subnet_id": "subnet-fa", "status": "READY"}]}]}])") + ",\n" +
         res("aws_networkfirewall_firewall_policy.strict",
             R"("id": ")" + kArn + R"(firewall-policy/strict", "arn": ")" + kArn + R"(firewall-policy/strict", "name": "strict",
             "firewall_policy": [{"stateless_default_actions": ["aws:forward_to_sfe"], "stateless_fragment_default_actions": ["aws:forward_to_sfe"],
               "stateless_rule_group_reference": [{"priority": 1, "resource_arn": ")" + kArn + R"(stateless-rulegroup/no-dns"}],
               "stateful_rule_group_reference": [{"priority": 1, "resource_arn": ")" + kArn + R"(stateful-rulegroup/https-only", "override": []}],
               "stateful_default_actions": ["aws:drop_strict"],
               "stateful_engine_options": [{"rule_order": "STRICT_ORDER", "stream_exception_policy": "DROP"}],
               "policy_variables": []}])") + ",\n" +
         res("aws_networkfirewall_rule_group.no_dns",
             R"("id": ")" + kArn + R"(stateless-rulegroup/no-dns", "arn": ")" + kArn + R"(stateless-rulegroup/no-dns", "name": "no-dns",
             "type": "STATELESS", "capacity": 10, "rules": null,
             "rule_group": [{"rule_variables": [], "reference_sets": [], "stateful_rule_options": [], "rules_source": [{
               "rules_source_list": [], "rules_string": "", "stateful_rule": [],
               "stateless_rules_and_custom_actions": [{"custom_action": [], "stateless_rule": [{"priority": 10,
                 "rule_definition": [{"actions": ["aws:drop"], "match_attributes": [{"source": [], "destination": [],
                   "source_port": [], "destination_port": [{"from_port": 53, "to_port": 53}], "protocols": [17], "tcp_flag": []}]}]}]}]}]}])") + ",\n" +
         res("aws_networkfirewall_rule_group.https_only",
             R"("id": ")" + kArn + R"(stateful-rulegroup/https-only", "arn": ")" + kArn + R"(stateful-rulegroup/https-only", "name": "https-only",
             "type": "STATEFUL", "capacity": 10)" + group_extra + R"(,
             "rule_group": [{"rule_variables": [], "reference_sets": [], "stateful_rule_options": [{"rule_order": "STRICT_ORDER"}], "rules_source": [{
               "rules_source_list": [], "rules_string": "", "stateless_rules_and_custom_actions": [],
               "stateful_rule": [{"action": "PASS", "header": [{"protocol": "TCP", "source": "ANY", "source_port": "ANY",
                 "direction": "FORWARD", "destination": "ANY", "destination_port": "443"}],
                 "rule_option": [{"keyword": "sid", "settings": ["1"]}]}]}]}])") + ",\n" +
         res("aws_networkfirewall_logging_configuration.logs",
             R"("id": ")" + kArn + R"(firewall/fw", "firewall_arn": ")" + kArn + R"(firewall/fw", "logging_configuration": [])");
}

std::string state(const std::string& resources) {
  return R"({"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": [
)" + resources + "]}}}";
}

// §7.2: the state's endpoints (firewall_status) are the route targets, in their zones.
TEST(TerraformFirewall, StateResourcesAndEndpoints) {
  auto l = load_text(state(network_resources()), "nfw_state.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  ASSERT_EQ(n.firewalls.size(), 1u);
  const auto& fw = n.firewalls[0];
  EXPECT_EQ(fw.name, "fw");
  ASSERT_EQ(fw.endpoints.size(), 2u);
  EXPECT_EQ(fw.endpoints[0].endpoint_id, "vpce-0bbb");
  EXPECT_EQ(fw.endpoints[0].availability_zone, "us-east-1b");
  EXPECT_TRUE(n.find("vpce-0aaa", model::Kind::kVpcEndpoint));
  ASSERT_EQ(n.firewall_rule_groups.size(), 2u);
  EXPECT_EQ(n.firewall_rule_groups[0].stateless_rules.at(0).priority, 10);
  EXPECT_EQ(n.firewall_rule_groups[1].stateful_rules.at(0).sid, "1");
  EXPECT_TRUE(n.firewall_policies.at(0).strict_order);
}

// The same network as the native format's gives the same verdicts, by the same rules.
TEST(TerraformFirewall, SameVerdictsAsTheNativeFormat) {
  auto l = load_text(state(network_resources()), "nfw_state.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  testing::expect_firewall_verdicts(l.network, "terraform");
}

// `rules` (a Suricata RulesString beside rule_group) is read as the rules string is.
TEST(TerraformFirewall, RulesAttributeIsARulesString) {
  auto l = load_text(state(network_resources(
                         R"x(, "rules": "pass udp any any -> any 123 (sid:9;)")x")),
                     "nfw_rules.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& g = l.network.firewall_rule_groups[1];
  ASSERT_EQ(g.stateful_rules.size(), 2u);
  EXPECT_EQ(g.stateful_rules[0].sid, "9");
  EXPECT_EQ(g.stateful_rules[0].protocol, "udp");
}

// A plan: the endpoints are unknown until apply. A route naming the firewall (the provider's
// documented `tolist(...firewall_status[0].sync_states)[0].attachment[0].endpoint_id`) reaches
// its only endpoint; with two, which one is unknown and the route is left out, with a warning.
TEST(TerraformFirewall, PlanRoutesNameTheFirewall) {
  auto planned = [](const std::string& address, const std::string& values) {
    const std::string type = address.substr(0, address.find('.'));
    const std::string name = address.substr(address.find('.') + 1);
    return R"({"address": ")" + address + R"(", "mode": "managed", "type": ")" + type +
           R"(", "name": ")" + name + R"(", "values": {)" + values + "}}";
  };
  auto text = [&](bool two) {
    return R"({"format_version": "1.2", "terraform_version": "1.9.5", "planned_values": {"root_module": {"resources": [
)" + res("aws_vpc.v", R"("id": "vpc-1", "cidr_block": "10.0.0.0/16")") + ",\n" +
           res("aws_subnet.fw_a", R"("id": "subnet-fa", "vpc_id": "vpc-1", "cidr_block": "10.0.0.0/28", "availability_zone": "us-east-1a")") + ",\n" +
           res("aws_subnet.fw_b", R"("id": "subnet-fb", "vpc_id": "vpc-1", "cidr_block": "10.0.0.16/28", "availability_zone": "us-east-1b")") + ",\n" +
           planned("aws_networkfirewall_firewall.fw",
                   std::string(R"("name": "fw", "vpc_id": "vpc-1", "subnet_mapping": [{"subnet_id": "subnet-fa"})") +
                       (two ? R"(, {"subnet_id": "subnet-fb"})" : "") + "]") + ",\n" +
           planned("aws_networkfirewall_firewall_policy.p",
                   R"("name": "p", "firewall_policy": [{"stateless_default_actions": ["aws:pass"], "stateless_fragment_default_actions": ["aws:pass"]}])") + ",\n" +
           planned("aws_route_table.app", R"("vpc_id": "vpc-1")") + ",\n" +
           planned("aws_route.to_fw", R"("destination_cidr_block": "0.0.0.0/0")") +
           R"(]}},
  "resource_changes": [
    {"address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "change": {"actions": ["no-op"], "after_unknown": {}}},
    {"address": "aws_subnet.fw_a", "mode": "managed", "type": "aws_subnet", "change": {"actions": ["no-op"], "after_unknown": {}}},
    {"address": "aws_subnet.fw_b", "mode": "managed", "type": "aws_subnet", "change": {"actions": ["no-op"], "after_unknown": {}}},
    {"address": "aws_networkfirewall_firewall.fw", "mode": "managed", "type": "aws_networkfirewall_firewall", "change": {"actions": ["create"], "after_unknown": {"id": true, "arn": true, "firewall_policy_arn": true, "firewall_status": true}}},
    {"address": "aws_networkfirewall_firewall_policy.p", "mode": "managed", "type": "aws_networkfirewall_firewall_policy", "change": {"actions": ["create"], "after_unknown": {"id": true, "arn": true}}},
    {"address": "aws_route_table.app", "mode": "managed", "type": "aws_route_table", "change": {"actions": ["create"], "after_unknown": {"id": true}}},
    {"address": "aws_route.to_fw", "mode": "managed", "type": "aws_route", "change": {"actions": ["create"], "after_unknown": {"id": true, "route_table_id": true, "vpc_endpoint_id": true}}}],
  "configuration": {"root_module": {"resources": [
    {"address": "aws_networkfirewall_firewall.fw", "mode": "managed", "type": "aws_networkfirewall_firewall", "name": "fw", "expressions": {"firewall_policy_arn": {"references": ["aws_networkfirewall_firewall_policy.p.arn", "aws_networkfirewall_firewall_policy.p"]}}},
    {"address": "aws_route.to_fw", "mode": "managed", "type": "aws_route", "name": "to_fw", "expressions": {
      "route_table_id": {"references": ["aws_route_table.app.id", "aws_route_table.app"]},
      "vpc_endpoint_id": {"references": ["aws_networkfirewall_firewall.fw.firewall_status[0].sync_states", "aws_networkfirewall_firewall.fw.firewall_status", "aws_networkfirewall_firewall.fw"]}}}]}}})";
  };
  {
    auto l = load_text(text(false), "nfw_plan1.json");
    ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
    ASSERT_EQ(l.network.firewalls.size(), 1u);
    ASSERT_EQ(l.network.firewalls[0].endpoints.size(), 1u);
    const std::string ep = l.network.firewalls[0].endpoints[0].endpoint_id;
    auto table = l.network.find("aws_route_table.app", model::Kind::kRouteTable);
    ASSERT_TRUE(table) << dump_diagnostics(l.diagnostics);
    bool found = false;
    for (const auto& r : l.network.route_tables[*table].routes)
      found = found || r.target.text == ep;
    EXPECT_TRUE(found) << ep << "\n" << dump_diagnostics(l.diagnostics);
  }
  {
    auto l = load_text(text(true), "nfw_plan2.json");
    ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
    bool warned = false;
    for (const auto& d : l.diagnostics.items())
      warned = warned || (d.message.find("unknown until apply; the route is left out") !=
                              std::string::npos && d.line > 0);
    EXPECT_TRUE(warned) << dump_diagnostics(l.diagnostics);
  }
}

// Bad input: located errors naming the resource.
TEST(TerraformFirewall, BadInputIsALocatedError) {
  struct Case {
    std::string name, resource, message;
  };
  const std::vector<Case> cases = {
      {"unknown type",
       res("aws_networkfirewall_rule_group.bad", R"x("id": "rg-bad", "type": "STATEFULL", "capacity": 10, "rules": "pass tcp any any -> any 80 (sid:1;)")x"),
       "`type` must be one of STATEFUL, STATELESS, not `STATEFULL`"},
      {"stateless rule without priority",
       res("aws_networkfirewall_rule_group.bad", R"("id": "rg-bad", "type": "STATELESS", "capacity": 10, "rule_group": [{"rules_source": [{"stateless_rules_and_custom_actions": [{"stateless_rule": [{"rule_definition": [{"actions": ["aws:pass"], "match_attributes": []}]}]}]}]}])"),
       "a stateless rule needs a `priority`"},
      {"bad Suricata line",
       res("aws_networkfirewall_rule_group.bad", R"x("id": "rg-bad", "type": "STATEFUL", "capacity": 10, "rules": "allow tcp any any -> any 80 (sid:1;)")x"),
       "line 1: `allow` is no stateful action"},
      {"policy without a standard action",
       res("aws_networkfirewall_firewall_policy.bad", R"("id": "fwp-bad", "firewall_policy": [{"stateless_default_actions": ["metric"], "stateless_fragment_default_actions": ["aws:pass"]}])"),
       "needs exactly one of aws:pass, aws:drop and aws:forward_to_sfe"},
  };
  for (const auto& c : cases) {
    auto l = load_text(state(network_resources() + ",\n" + c.resource), "nfw_bad.json");
    EXPECT_FALSE(l.ok) << c.name;
    const Diagnostic* e = nullptr;
    for (const auto& d : l.diagnostics.items()) {
      if (d.severity == Severity::kError && d.message.find(c.message) != std::string::npos) e = &d;
    }
    ASSERT_NE(e, nullptr) << c.name << "\n" << dump_diagnostics(l.diagnostics);
    EXPECT_GT(e->line, 0u) << c.name;
    EXPECT_FALSE(e->resource.empty()) << c.name << ": " << e->str();
  }
  // A policy naming a rule group the state does not hold: finalize() names the reference.
  auto l = load_text(
      state(network_resources() + ",\n" +
            res("aws_networkfirewall_firewall_policy.p2",
                R"("id": "fwp-2", "firewall_policy": [{"stateless_default_actions": ["aws:pass"], "stateless_fragment_default_actions": ["aws:pass"], "stateful_rule_group_reference": [{"resource_arn": ")" +
                    kArn + R"(stateful-rulegroup/missing"}]}])")),
      "nfw_missing.json");
  bool named = false;
  for (const auto& d : l.diagnostics.items())
    named = named || (d.message.find("stateful-rulegroup/missing") != std::string::npos && d.line > 0);
  EXPECT_TRUE(named) << dump_diagnostics(l.diagnostics);
}

}  // namespace
}  // namespace cloudtwin::load
