// The AWS CLI snapshot's Network Firewall answers (network-firewall describe-firewall,
// describe-firewall-policy, describe-rule-group): the model they make, the same verdicts as the
// native format, and bad input as located errors (shared/reference/aws-vpc-services.md §6, §7.3).
#include <gtest/gtest.h>

#include <string>

#include "../firewall_equivalent.h"
#include "snapshot_folder.h"
#include "trace_helpers.h"

namespace cloudtwin::load {
namespace {

using Snapshot = testing::SnapshotFolder;
using testing::dump_diagnostics;

const std::string kArn = "arn:aws:network-firewall:us-east-1:111122223333:";

std::string with_arn(std::string s) {
  for (std::size_t at; (at = s.find("{ARN}")) != std::string::npos;) s.replace(at, 5, kArn);
  return s;
}

// The network of firewall_equivalent.h as describe-* answers.
Snapshot network(const std::string& name, const std::string& group_override = "") {
  Snapshot s(name);
  const std::string dir = "accounts/111122223333/us-east-1/";
  s.write(dir + "vpcs.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]})");
  s.write(dir + "subnets.json", R"({"Subnets": [
    {"SubnetId": "subnet-fa", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/28", "AvailabilityZone": "us-east-1a"},
    {"SubnetId": "subnet-fb", "VpcId": "vpc-1", "CidrBlock": "10.0.0.16/28", "AvailabilityZone": "us-east-1b"},
    {"SubnetId": "subnet-aa", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a"},
    {"SubnetId": "subnet-ab", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "us-east-1b"}]})");
  s.write(dir + "igws.json",
          R"({"InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": "vpc-1", "State": "available"}]}]})");
  s.write(dir + "route-tables.json", R"({"RouteTables": [
    {"RouteTableId": "rtb-fw", "VpcId": "vpc-1", "Associations": [{"SubnetId": "subnet-fa"}, {"SubnetId": "subnet-fb"}],
     "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}]},
    {"RouteTableId": "rtb-aa", "VpcId": "vpc-1", "Associations": [{"SubnetId": "subnet-aa"}],
     "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vpce-0aaa", "State": "active"}]},
    {"RouteTableId": "rtb-ab", "VpcId": "vpc-1", "Associations": [{"SubnetId": "subnet-ab"}],
     "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vpce-0bbb", "State": "active"}]},
    {"RouteTableId": "rtb-edge", "VpcId": "vpc-1", "Associations": [{"GatewayId": "igw-1"}],
     "Routes": [{"DestinationCidrBlock": "10.0.1.0/24", "GatewayId": "vpce-0aaa", "State": "active"},
                {"DestinationCidrBlock": "10.0.2.0/24", "GatewayId": "vpce-0bbb", "State": "active"}]}]})");
  s.write(dir + "security-groups.json", R"({"SecurityGroups": [
    {"GroupId": "sg-web", "GroupName": "web", "VpcId": "vpc-1",
     "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
     "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]})");
  s.write(dir + "instances.json", R"({"Reservations": [{"Instances": [
    {"InstanceId": "i-a", "State": {"Name": "running"}, "Tags": [{"Key": "Name", "Value": "web-a"}],
     "NetworkInterfaces": [{"NetworkInterfaceId": "eni-a", "SubnetId": "subnet-aa", "Groups": [{"GroupId": "sg-web"}],
       "PrivateIpAddress": "10.0.1.10", "Association": {"PublicIp": "198.51.100.71", "IpOwnerId": "amazon"}, "Attachment": {"DeviceIndex": 0}}]},
    {"InstanceId": "i-b", "State": {"Name": "running"}, "Tags": [{"Key": "Name", "Value": "web-b"}],
     "NetworkInterfaces": [{"NetworkInterfaceId": "eni-b", "SubnetId": "subnet-ab", "Groups": [{"GroupId": "sg-web"}],
       "PrivateIpAddress": "10.0.2.10", "Association": {"PublicIp": "198.51.100.72", "IpOwnerId": "amazon"}, "Attachment": {"DeviceIndex": 0}}]}]}]})");
  s.write(dir + "network-firewall/fw.json", with_arn(R"({"UpdateToken": "t1",
    "Firewall": {"FirewallName": "fw", "FirewallArn": "{ARN}firewall/fw", "FirewallPolicyArn": "{ARN}firewall-policy/strict",
      "VpcId": "vpc-1", "SubnetMappings": [{"SubnetId": "subnet-fb", "IPAddressType": "IPV4"}, {"SubnetId": "subnet-fa", "IPAddressType": "IPV4"}],
      "DeleteProtection": false, "FirewallId": "11111111-2222-3333-4444-555555555555"},
    "FirewallStatus": {"Status": "READY", "ConfigurationSyncStateSummary": "IN_SYNC", "SyncStates": {
      "us-east-1b": {"Attachment": {"SubnetId": "subnet-fb", "EndpointId": "vpce-0bbb", "Status": "READY"}},
      "us-east-1a": {"Attachment": {"SubnetId": "subnet-fa", "EndpointId": "vpce-0aaa", "Status": "READY"}}}}})"));
  s.write(dir + "network-firewall/policy.json", with_arn(R"({"UpdateToken": "t2",
    "FirewallPolicyResponse": {"FirewallPolicyName": "strict", "FirewallPolicyArn": "{ARN}firewall-policy/strict", "FirewallPolicyId": "p"},
    "FirewallPolicy": {"StatelessDefaultActions": ["aws:forward_to_sfe"], "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"],
      "StatelessRuleGroupReferences": [{"ResourceArn": "{ARN}stateless-rulegroup/no-dns", "Priority": 1}],
      "StatefulRuleGroupReferences": [{"ResourceArn": "{ARN}stateful-rulegroup/https-only", "Priority": 1}],
      "StatefulDefaultActions": ["aws:drop_strict"], "StatefulEngineOptions": {"RuleOrder": "STRICT_ORDER"}}})"));
  s.write(dir + "network-firewall/no-dns.json", with_arn(R"({"UpdateToken": "t3",
    "RuleGroup": {"RulesSource": {"StatelessRulesAndCustomActions": {"StatelessRules": [{"Priority": 10,
      "RuleDefinition": {"Actions": ["aws:drop"], "MatchAttributes": {"DestinationPorts": [{"FromPort": 53, "ToPort": 53}], "Protocols": [17]}}}]}}},
    "RuleGroupResponse": {"RuleGroupArn": "{ARN}stateless-rulegroup/no-dns", "RuleGroupName": "no-dns", "Type": "STATELESS", "Capacity": 10}})"));
  s.write(dir + "network-firewall/https-only.json",
          with_arn(group_override.empty() ? R"({"UpdateToken": "t4",
    "RuleGroup": {"StatefulRuleOptions": {"RuleOrder": "STRICT_ORDER"}, "RulesSource": {"StatefulRules": [{"Action": "PASS",
      "Header": {"Protocol": "TCP", "Source": "ANY", "SourcePort": "ANY", "Direction": "FORWARD", "Destination": "ANY", "DestinationPort": "443"},
      "RuleOptions": [{"Keyword": "sid", "Settings": ["1"]}]}]}},
    "RuleGroupResponse": {"RuleGroupArn": "{ARN}stateful-rulegroup/https-only", "RuleGroupName": "https-only", "Type": "STATEFUL", "Capacity": 10}})"
                                          : group_override));
  return s;
}

// §7.3: the endpoints FirewallStatus.SyncStates lists are the route targets, in their zones.
TEST(AwsCliFirewall, AnswersAndEndpoints) {
  auto s = network("nfw-cli");
  auto l = testing::load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  ASSERT_EQ(n.firewalls.size(), 1u);
  ASSERT_EQ(n.firewalls[0].endpoints.size(), 2u);
  EXPECT_EQ(n.firewalls[0].endpoints[0].availability_zone, "us-east-1b");
  EXPECT_EQ(n.firewalls[0].endpoints[0].endpoint_id, "vpce-0bbb");
  EXPECT_TRUE(n.find("vpce-0aaa", model::Kind::kVpcEndpoint));
  ASSERT_EQ(n.firewall_rule_groups.size(), 2u);
  ASSERT_EQ(n.firewall_policies.size(), 1u);
  EXPECT_TRUE(n.firewall_policies[0].strict_order);
}

// The same network as the native format's gives the same verdicts, by the same rules.
TEST(AwsCliFirewall, SameVerdictsAsTheNativeFormat) {
  auto s = network("nfw-cli-verdicts");
  auto l = testing::load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  testing::expect_firewall_verdicts(l.network, "aws-cli");
}

// Bad input: located errors naming the resource.
TEST(AwsCliFirewall, BadInputIsALocatedError) {
  struct Case {
    std::string name, group, message;
  };
  const std::vector<Case> cases = {
      {"unknown type",
       R"x({"RuleGroup": {"RulesSource": {"RulesString": "pass tcp any any -> any 443 (sid:1;)"}},
          "RuleGroupResponse": {"RuleGroupArn": "{ARN}stateful-rulegroup/https-only", "Type": "STATEFULL"}})x",
       "`Type` must be one of STATEFUL, STATELESS, not `STATEFULL`"},
      {"bad Suricata line",
       R"x({"RuleGroup": {"RulesSource": {"RulesString": "pass tcp any any => any 443 (sid:1;)"}},
          "RuleGroupResponse": {"RuleGroupArn": "{ARN}stateful-rulegroup/https-only", "Type": "STATEFUL"}})x",
       "line 1: `=>` is no direction"},
      {"stateless rule without priority",
       R"x({"RuleGroup": {"RulesSource": {"StatelessRulesAndCustomActions": {"StatelessRules": [{"RuleDefinition": {"Actions": ["aws:pass"], "MatchAttributes": {}}}]}}},
          "RuleGroupResponse": {"RuleGroupArn": "{ARN}stateful-rulegroup/https-only", "Type": "STATELESS"}})x",
       "`Priority` is required"},
  };
  for (const auto& c : cases) {
    auto s = network("nfw-cli-bad", with_arn(c.group));
    auto l = testing::load(s.str());
    EXPECT_FALSE(l.ok) << c.name;
    const Diagnostic* e = nullptr;
    for (const auto& d : l.diagnostics.items())
      if (d.severity == Severity::kError && d.message.find(c.message) != std::string::npos) e = &d;
    ASSERT_NE(e, nullptr) << c.name << "\n" << dump_diagnostics(l.diagnostics);
    EXPECT_GT(e->line, 0u) << c.name;
    EXPECT_EQ(e->resource, kArn + "stateful-rulegroup/https-only") << e->str();
  }
}

}  // namespace
}  // namespace cloudtwin::load
