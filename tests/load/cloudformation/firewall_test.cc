// The CloudFormation reader's AWS Network Firewall resources (shared/reference/
// aws-vpc-services.md §6, §7.1): firewalls, policies and rule groups as the model holds them,
// Fn::GetAtt EndpointIds as routes use it, the same verdicts as the native format, and bad
// input as a located error naming the resource.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "../firewall_equivalent.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/load/native_yaml_writer.h"
#include "cloudtwin/vpc/trace.h"
#include "template_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump;
using testing::load;
using testing::Loaded;

std::string tag(const std::string& name) { return "Tags: [{Key: Name, Value: " + name + "}]"; }

// The network of firewall_equivalent.h. Each protected route picks its zone's endpoint the way
// real templates do: !Select [1, !Split [":", !Select [i, !GetAtt Fw.EndpointIds]]].
std::string firewall_template(const std::string& extra = "") {
  auto endpoint = [](int i) {
    return "!Select [1, !Split [\":\", !Select [" + std::to_string(i) +
           ", !GetAtt Fw.EndpointIds]]]";
  };
  return "Resources:\n"
         "  V: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n"
         "  FwA: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 10.0.0.0/28, "
         "AvailabilityZone: us-east-1a}}\n"
         "  FwB: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 10.0.0.16/28, "
         "AvailabilityZone: us-east-1b}}\n"
         "  AppA: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 10.0.1.0/24, "
         "AvailabilityZone: us-east-1a, MapPublicIpOnLaunch: true}}\n"
         "  AppB: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 10.0.2.0/24, "
         "AvailabilityZone: us-east-1b, MapPublicIpOnLaunch: true}}\n"
         "  Igw: {Type: AWS::EC2::InternetGateway}\n"
         "  IgwAttach: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref V, "
         "InternetGatewayId: !Ref Igw}}\n"
         "  FwRt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref V}}\n"
         "  FwRoute: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref FwRt, "
         "DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}}\n"
         "  FwAAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref "
         "FwA, RouteTableId: !Ref FwRt}}\n"
         "  FwBAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref "
         "FwB, RouteTableId: !Ref FwRt}}\n"
         "  AppARt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref V}}\n"
         "  AppARoute: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref AppARt, "
         "DestinationCidrBlock: 0.0.0.0/0, VpcEndpointId: " +
         endpoint(0) +
         "}}\n"
         "  AppAAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref "
         "AppA, RouteTableId: !Ref AppARt}}\n"
         "  AppBRt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref V}}\n"
         "  AppBRoute: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref AppBRt, "
         "DestinationCidrBlock: 0.0.0.0/0, VpcEndpointId: " +
         endpoint(1) +
         "}}\n"
         "  AppBAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref "
         "AppB, RouteTableId: !Ref AppBRt}}\n"
         "  EdgeRt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref V}}\n"
         "  EdgeA: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref EdgeRt, "
         "DestinationCidrBlock: 10.0.1.0/24, VpcEndpointId: " +
         endpoint(0) +
         "}}\n"
         "  EdgeB: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref EdgeRt, "
         "DestinationCidrBlock: 10.0.2.0/24, VpcEndpointId: " +
         endpoint(1) +
         "}}\n"
         "  EdgeAssoc: {Type: AWS::EC2::GatewayRouteTableAssociation, Properties: {GatewayId: "
         "!Ref Igw, RouteTableId: !Ref EdgeRt}}\n"
         "  Web: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: web, VpcId: !Ref "
         "V, SecurityGroupIngress: [{IpProtocol: '-1', CidrIp: 0.0.0.0/0}]}}\n"
         "  WebA: {Type: AWS::EC2::Instance, Properties: {SubnetId: !Ref AppA, PrivateIpAddress: "
         "10.0.1.10, SecurityGroupIds: [!Ref Web], " +
         tag("web-a") +
         "}}\n"
         "  WebB: {Type: AWS::EC2::Instance, Properties: {SubnetId: !Ref AppB, PrivateIpAddress: "
         "10.0.2.10, SecurityGroupIds: [!Ref Web], " +
         tag("web-b") +
         "}}\n"
         "  Fw:\n"
         "    Type: AWS::NetworkFirewall::Firewall\n"
         "    Properties:\n"
         "      FirewallName: fw\n"
         "      FirewallPolicyArn: !Ref Strict\n"
         "      VpcId: !Ref V\n"
         "      SubnetMappings: [{SubnetId: !Ref FwA}, {SubnetId: !Ref FwB}]\n"
         "      DeleteProtection: false\n"
         "  Strict:\n"
         "    Type: AWS::NetworkFirewall::FirewallPolicy\n"
         "    Properties:\n"
         "      FirewallPolicyName: strict\n"
         "      FirewallPolicy:\n"
         "        StatelessDefaultActions: ['aws:forward_to_sfe']\n"
         "        StatelessFragmentDefaultActions: ['aws:forward_to_sfe']\n"
         "        StatelessRuleGroupReferences: [{ResourceArn: !Ref NoDns, Priority: 1}]\n"
         "        StatefulRuleGroupReferences: [{ResourceArn: !GetAtt HttpsOnly.RuleGroupArn, "
         "Priority: 1}]\n"
         "        StatefulDefaultActions: ['aws:drop_strict']\n"
         "        StatefulEngineOptions: {RuleOrder: STRICT_ORDER}\n"
         "  NoDns:\n"
         "    Type: AWS::NetworkFirewall::RuleGroup\n"
         "    Properties:\n"
         "      RuleGroupName: no-dns\n"
         "      Type: STATELESS\n"
         "      Capacity: 10\n"
         "      RuleGroup:\n"
         "        RulesSource:\n"
         "          StatelessRulesAndCustomActions:\n"
         "            StatelessRules:\n"
         "              - Priority: 10\n"
         "                RuleDefinition:\n"
         "                  Actions: ['aws:drop']\n"
         "                  MatchAttributes:\n"
         "                    DestinationPorts: [{FromPort: 53, ToPort: 53}]\n"
         "                    Protocols: [17]\n"
         "  HttpsOnly:\n"
         "    Type: AWS::NetworkFirewall::RuleGroup\n"
         "    Properties:\n"
         "      RuleGroupName: https-only\n"
         "      Type: STATEFUL\n"
         "      Capacity: 10\n"
         "      RuleGroup:\n"
         "        StatefulRuleOptions: {RuleOrder: STRICT_ORDER}\n"
         "        RulesSource:\n"
         "          StatefulRules:\n"
         "            - Action: PASS\n"
         "              Header: {Protocol: TCP, Source: ANY, SourcePort: ANY, Direction: FORWARD, "
         "Destination: ANY, DestinationPort: '443'}\n"
         "              RuleOptions: [{Keyword: sid, Settings: ['1']}, {Keyword: msg, Settings: "
         "['\"https\"']}]\n"
         "  Logs:\n"
         "    Type: AWS::NetworkFirewall::LoggingConfiguration\n"
         "    Properties:\n"
         "      FirewallArn: !Ref Fw\n"
         "      LoggingConfiguration: {LogDestinationConfigs: []}\n" +
         extra;
}

// The first diagnostic whose message contains `text`, or null.
const Diagnostic* said(const Loaded& l, const std::string& text) {
  for (const auto& d : l.diagnostics.items()) {
    if (d.message.find(text) != std::string::npos) return &d;
  }
  return nullptr;
}

// §7.1: Ref of a firewall, policy or rule group is its ARN; the model holds what each names.
TEST(CloudFormationFirewall, ResourcesAsTheModelHoldsThem) {
  auto l = load(firewall_template());
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  ASSERT_EQ(n.firewalls.size(), 1u);
  ASSERT_EQ(n.firewall_policies.size(), 1u);
  ASSERT_EQ(n.firewall_rule_groups.size(), 2u);
  const auto& fw = n.firewalls[0];
  EXPECT_EQ(fw.id, "arn:aws:network-firewall:us-east-1:000000000000:firewall/fw");
  EXPECT_EQ(fw.policy.text, n.firewall_policies[0].id);
  EXPECT_EQ(n.firewall_policies[0].id,
            "arn:aws:network-firewall:us-east-1:000000000000:firewall-policy/strict");
  ASSERT_EQ(fw.endpoints.size(), 2u);
  EXPECT_EQ(fw.endpoints[0].availability_zone, "us-east-1a");
  EXPECT_EQ(fw.endpoints[1].availability_zone, "us-east-1b");
  const auto& p = n.firewall_policies[0];
  EXPECT_TRUE(p.strict_order);
  EXPECT_EQ(p.stateful_default_actions, std::vector<std::string>{"aws:drop_strict"});
  ASSERT_EQ(p.stateless_rule_groups.size(), 1u);
  EXPECT_EQ(p.stateless_rule_groups[0].priority, 1);
  const auto& stateless = n.firewall_rule_groups[0];
  EXPECT_FALSE(stateless.stateful);
  EXPECT_EQ(stateless.id,
            "arn:aws:network-firewall:us-east-1:000000000000:stateless-rulegroup/no-dns");
  ASSERT_EQ(stateless.stateless_rules.size(), 1u);
  EXPECT_EQ(stateless.stateless_rules[0].priority, 10);
  EXPECT_EQ(stateless.stateless_rules[0].action, model::FirewallAction::kDrop);
  EXPECT_EQ(stateless.stateless_rules[0].protocols, std::vector<int>{17});
  const auto& stateful = n.firewall_rule_groups[1];
  EXPECT_TRUE(stateful.stateful);
  EXPECT_TRUE(stateful.strict_order);
  ASSERT_EQ(stateful.stateful_rules.size(), 1u);
  EXPECT_EQ(stateful.stateful_rules[0].sid, "1");
  EXPECT_EQ(stateful.stateful_rules[0].destination_port, "443");
  EXPECT_EQ(stateful.stateful_rules[0].options, "");  // msg is bookkeeping
  // The routes that pick EndpointIds by index reach the endpoint of that mapping's zone.
  for (const auto& e : fw.endpoints) {
    EXPECT_TRUE(n.find(e.endpoint_id, model::Kind::kVpcEndpoint)) << e.endpoint_id;
  }
  // AWS lists EndpointIds in no particular order: the reader says which order it assumed.
  const Diagnostic* order = said(l, "no particular order");
  ASSERT_NE(order, nullptr) << dump(l.diagnostics);
  EXPECT_NE(order->message.find("0: us-east-1a, 1: us-east-1b"), std::string::npos);
  EXPECT_GT(order->line, 0u);
}

// The same network as the native format's gives the same verdicts, by the same rules.
TEST(CloudFormationFirewall, SameVerdictsAsTheNativeFormat) {
  auto l = load(firewall_template());
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  testing::expect_firewall_verdicts(l.network, "cloudformation");
  model::Network native;
  Diagnostics d;
  ASSERT_TRUE(read_native_yaml(testing::kFirewallNative, "native.yaml", native, d) &&
              model::finalize(native, d))
      << dump(d);
  testing::expect_firewall_verdicts(native, "native");
}

// §6: an AWS managed rule group's rules are not published. A policy naming one by ARN loads
// with a warning at the reference, and answers through the firewall are inconclusive, never a
// guess (and never a firewall left out of the network).
TEST(CloudFormationFirewall, AManagedRuleGroupMakesAnswersInconclusive) {
  std::string text = firewall_template();
  const std::string own = "!GetAtt HttpsOnly.RuleGroupArn";
  ASSERT_NE(text.find(own), std::string::npos);
  text.replace(text.find(own), own.size(),
               "'arn:aws:network-firewall:us-east-1:aws-managed:stateful-rulegroup/"
               "ThreatSignaturesBotnetStrictOrder'");
  auto l = load(text);
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const Diagnostic* w = said(l, "ThreatSignaturesBotnetStrictOrder");
  ASSERT_NE(w, nullptr) << dump(l.diagnostics);
  EXPECT_EQ(w->severity, Severity::kWarning);
  EXPECT_GT(w->line, 0u);
  ASSERT_EQ(l.network.firewalls.size(), 1u);
  auto src = vpc::parse_endpoint(l.network, "internet");
  auto dst = vpc::parse_endpoint(l.network, "web-a");
  ASSERT_TRUE(src.endpoint && dst.endpoint);
  vpc::Query q;
  q.source = *src.endpoint;
  q.destination = *dst.endpoint;
  q.destination_port = 443;
  auto t = vpc::trace(l.network, q);
  EXPECT_EQ(t.verdict, vpc::Verdict::kInconclusive);
  bool named = false;
  for (const auto& u : t.unknowns) named = named || u.code == "FIREWALL_RULE_GROUP_UNKNOWN";
  EXPECT_TRUE(named);
}

// A RulesString and a domain list, with rule variables: Suricata lines as the walker reads them.
TEST(CloudFormationFirewall, RulesStringDomainListAndVariables) {
  auto l = load(
      "Resources:\n"
      "  G:\n"
      "    Type: AWS::NetworkFirewall::RuleGroup\n"
      "    Properties:\n"
      "      RuleGroupName: g\n"
      "      Type: STATEFUL\n"
      "      Capacity: 100\n"
      "      RuleGroup:\n"
      "        RuleVariables:\n"
      "          IPSets: {WEB: {Definition: [10.0.1.0/24, 10.0.2.0/24]}}\n"
      "          PortSets: {WEB_PORTS: {Definition: ['80', '443']}}\n"
      "        RulesSource:\n"
      "          RulesString: |\n"
      "            # a comment\n"
      "            pass tcp any any -> $WEB $WEB_PORTS (msg:\"web\"; sid:7;)\n"
      "            drop tcp any any <> any 22 (flow:established; sid:8;)\n"
      "  D:\n"
      "    Type: AWS::NetworkFirewall::RuleGroup\n"
      "    Properties:\n"
      "      RuleGroupName: d\n"
      "      Type: STATEFUL\n"
      "      Capacity: 100\n"
      "      RuleGroup:\n"
      "        RulesSource:\n"
      "          RulesSourceList: {TargetTypes: [TLS_SNI, HTTP_HOST], Targets: [.example.com], "
      "GeneratedRulesType: ALLOWLIST}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& g = l.network.firewall_rule_groups[0];
  ASSERT_EQ(g.ip_sets.size(), 1u);
  EXPECT_EQ(g.ip_sets[0].name, "WEB");
  EXPECT_EQ(g.ip_sets[0].values, (std::vector<std::string>{"10.0.1.0/24", "10.0.2.0/24"}));
  EXPECT_EQ(g.port_sets[0].name, "WEB_PORTS");
  ASSERT_EQ(g.stateful_rules.size(), 2u);
  EXPECT_EQ(g.stateful_rules[0].destination, "$WEB");
  EXPECT_EQ(g.stateful_rules[0].sid, "7");
  EXPECT_TRUE(g.stateful_rules[1].bidirectional);
  EXPECT_EQ(g.stateful_rules[1].options, "flow:established");
  const auto& d = l.network.firewall_rule_groups[1];
  ASSERT_TRUE(d.domain_list);
  EXPECT_EQ(d.domain_list->generated_rules_type, "ALLOWLIST");
  EXPECT_EQ(d.domain_list->targets, std::vector<std::string>{".example.com"});
}

// `cloudtwin export` of a network read from CloudFormation keeps the firewall: read back, it
// decides as before.
TEST(CloudFormationFirewall, ExportRoundTrips) {
  auto l = load(firewall_template());
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const std::string yaml = write_native_yaml(l.network);
  model::Network back;
  Diagnostics d;
  ASSERT_TRUE(read_native_yaml(yaml, "export.yaml", back, d) && model::finalize(back, d))
      << dump(d) << yaml;
  EXPECT_EQ(back.firewalls.size(), 1u);
  EXPECT_EQ(back.firewall_rule_groups.size(), 2u);
  testing::expect_firewall_verdicts(back, "exported");
}

// The shared centralised-inspection template (anfw-centralized-egress-east-west-2az): east-west
// ICMP between spokes passes the inspection VPC's firewall (§6, centralised pattern: the
// attachment subnet of each zone routes 0.0.0.0/0 to the endpoint its route picks from
// EndpointIds; its policy's only group alerts), which the security groups then admit (ICMP from
// 10.0.0.0/8).
TEST(CloudFormationFirewall, SharedCentralisedInspectionTemplate) {
  const std::string path =
      std::string(CLOUDTWIN_SHARED_DIR) +
      "/data/cloudformation/anfw-centralized-egress-east-west-2az-template.yaml";
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({path}, n, d)) << dump(d);
  ASSERT_EQ(n.firewalls.size(), 1u);
  ASSERT_EQ(n.firewall_rule_groups.size(), 2u);
  EXPECT_EQ(n.firewall_policies.at(0).variables.at(0).name, "HOME_NET");
  auto from = vpc::parse_endpoint(n, "EC2SubnetA1");
  auto to = vpc::parse_endpoint(n, "EC2SubnetB1");
  ASSERT_TRUE(from.endpoint && to.endpoint);
  vpc::Query q;
  q.source = *from.endpoint;
  q.destination = *to.endpoint;
  q.protocol = Protocol{Protocol::kIcmp};
  q.destination_port = 8;
  const auto t = vpc::trace(n, q);
  EXPECT_EQ(t.verdict, vpc::Verdict::kReachable);
  std::string firewall;
  for (const auto& h : t.forward) {
    if (h.component_type == "NetworkFirewall") firewall += h.note + "\n";
  }
  EXPECT_NE(firewall.find("no stateful rule matches; the default passes"), std::string::npos)
      << firewall;
}

// ---- bad input: located errors naming the resource ----------------------------------------

struct BadCase {
  std::string name;
  std::string resource;  // appended to the template
  std::string message;   // in the error
  std::string logical_id;
};

class CloudFormationFirewallBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(CloudFormationFirewallBad, IsALocatedError) {
  const auto& c = GetParam();
  auto l = load(firewall_template(c.resource));
  EXPECT_FALSE(l.ok) << dump(l.diagnostics);
  const Diagnostic* e = nullptr;
  for (const auto& d : l.diagnostics.items()) {
    if (d.severity == Severity::kError && d.message.find(c.message) != std::string::npos) e = &d;
  }
  ASSERT_NE(e, nullptr) << dump(l.diagnostics);
  EXPECT_GT(e->line, 0u);
  EXPECT_GT(e->column, 0u);
  EXPECT_EQ(e->resource, c.logical_id) << e->str();
}

const std::string kGroupHead =
    "  Bad:\n    Type: AWS::NetworkFirewall::RuleGroup\n    Properties:\n"
    "      RuleGroupName: bad\n      Capacity: 10\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, CloudFormationFirewallBad,
    ::testing::Values(
        BadCase{"UnknownRuleGroupType",
                kGroupHead + "      Type: STATEFULL\n      RuleGroup: {RulesSource: "
                             "{RulesString: 'pass tcp any any -> any 80 (sid:1;)'}}\n",
                "`Type` must be one of STATEFUL, STATELESS, not `STATEFULL`", "Bad"},
        BadCase{"StatelessRuleWithoutPriority",
                kGroupHead + "      Type: STATELESS\n      RuleGroup: {RulesSource: "
                             "{StatelessRulesAndCustomActions: {StatelessRules: [{RuleDefinition: "
                             "{Actions: ['aws:pass'], MatchAttributes: {}}}]}}}\n",
                "StatelessRules[0].Priority` is required", "Bad"},
        BadCase{"BadSuricataLine",
                kGroupHead + "      Type: STATEFUL\n      RuleGroup: {RulesSource: "
                             "{RulesString: 'allow tcp any any -> any 80 (sid:1;)'}}\n",
                "line 1: `allow` is no stateful action", "Bad"},
        BadCase{"BadSuricataAddress",
                kGroupHead + "      Type: STATEFUL\n      RuleGroup: {RulesSource: "
                             "{RulesString: 'pass tcp $NOPE any -> any 80 (sid:1;)'}}\n"
                             "  P2:\n    Type: AWS::NetworkFirewall::FirewallPolicy\n"
                             "    Properties:\n      FirewallPolicyName: p2\n"
                             "      FirewallPolicy: {StatelessDefaultActions: "
                             "['aws:forward_to_sfe'], StatelessFragmentDefaultActions: "
                             "['aws:forward_to_sfe'], StatefulRuleGroupReferences: "
                             "[{ResourceArn: !Ref Bad}]}\n",
                "no rule variable `NOPE`",
                "arn:aws:network-firewall:us-east-1:000000000000:stateful-rulegroup/bad"},
        BadCase{"PolicyNamesAMissingRuleGroup",
                "  P2:\n    Type: AWS::NetworkFirewall::FirewallPolicy\n"
                "    Properties:\n      FirewallPolicyName: p2\n"
                "      FirewallPolicy: {StatelessDefaultActions: ['aws:pass'], "
                "StatelessFragmentDefaultActions: ['aws:pass'], StatefulRuleGroupReferences: "
                "[{ResourceArn: !Ref Missing}]}\n",
                "Missing", "P2"},
        BadCase{"StatelessDefaultWithoutStandardAction",
                "  P2:\n    Type: AWS::NetworkFirewall::FirewallPolicy\n"
                "    Properties:\n      FirewallPolicyName: p2\n"
                "      FirewallPolicy: {StatelessDefaultActions: [my-metric], "
                "StatelessFragmentDefaultActions: ['aws:pass']}\n",
                "needs exactly one of aws:pass, aws:drop and aws:forward_to_sfe", "P2"},
        BadCase{"StatefulRuleBadDirection",
                kGroupHead + "      Type: STATEFUL\n      RuleGroup: {RulesSource: "
                             "{StatefulRules: [{Action: PASS, Header: {Protocol: TCP, Source: "
                             "ANY, SourcePort: ANY, Direction: BOTH, Destination: ANY, "
                             "DestinationPort: ANY}, RuleOptions: [{Keyword: 'sid', Settings: "
                             "['5']}]}]}}\n",
                "Header.Direction` must be one of FORWARD, ANY, not `BOTH`", "Bad"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace cloudtwin::load
