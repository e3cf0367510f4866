// The CloudFormation reader's load balancing resources: Elastic Load Balancing v2 load balancers,
// listeners, rules and target groups, Classic Load Balancers, launch templates and
// configurations, Auto Scaling groups and endpoint services. Each property read, the defaults
// AWS applies, the ids Ref and Fn::GetAtt give, and bad input as a located error
// (shared/reference/aws-vpc-services.md §0-§3, §7.1).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "cloudtwin/load/cloudformation.h"
#include "cloudtwin/vpc/endpoint.h"
#include "cloudtwin/vpc/trace.h"
#include "template_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump;
using testing::load;
using testing::Loaded;

// A VPC with two subnets in two zones, a group, an instance in each subnet (lines 1-8).
const std::string kBase =
    "Resources:\n"
    "  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n"
    "  SubA: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, "
    "AvailabilityZone: us-east-1a}}\n"
    "  SubB: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, "
    "AvailabilityZone: us-east-1b}}\n"
    "  Sg: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: lb, VpcId: !Ref Vpc}}\n"
    "  WebA: {Type: AWS::EC2::Instance, Properties: {SubnetId: !Ref SubA, PrivateIpAddress: "
    "10.0.1.10}}\n"
    "  WebB: {Type: AWS::EC2::Instance, Properties: {SubnetId: !Ref SubB, PrivateIpAddress: "
    "10.0.2.10}}\n"
    "  Tg: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {Protocol: HTTP, Port: "
    "8080, VpcId: !Ref Vpc, Targets: [{Id: !Ref WebA}]}}\n";

const char* kAlb =
    "  Alb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Subnets: [!Ref SubA, "
    "!Ref SubB], SecurityGroups: [!Ref Sg]}}\n";

template <class R>
const R& by_name(const std::vector<R>& list, const std::string& name) {
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const R& r) { return r.name == name || r.id == name; });
  if (it == list.end()) throw std::runtime_error("no " + name);
  return *it;
}

// The first diagnostic of gap `g` whose message contains `text`, or null.
const Diagnostic* gap(const Loaded& l, Gap g, const std::string& text) {
  for (const auto& d : l.diagnostics.items()) {
    if (d.gap == g && d.message.find(text) != std::string::npos) return &d;
  }
  return nullptr;
}

// ---- properties read -------------------------------------------------------------------------

// AWS::ElasticLoadBalancingV2::LoadBalancer, Listener, ListenerRule, TargetGroup: the properties
// that decide forwarding (§7.1), linked by finalize() as ELB links them.
TEST(CloudFormationElb, ApplicationLoadBalancerListenerRuleAndTargetGroup) {
  auto l = load(kBase +
                "  Alb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n"
                "      Name: web\n      Scheme: internal\n      IpAddressType: dualstack\n"
                "      Subnets: [!Ref SubA, !Ref SubB]\n      SecurityGroups: [!Ref Sg]\n"
                "  Blue:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties:\n"
                "      Name: blue\n      Protocol: HTTP\n      Port: 80\n      VpcId: !Ref Vpc\n"
                "      HealthCheckPort: '8081'\n"
                "      Targets: [{Id: !Ref WebA, Port: 9090}, {Id: !Ref WebB, AvailabilityZone: "
                "all}]\n"
                "      TargetGroupAttributes:\n"
                "        - {Key: load_balancing.cross_zone.enabled, Value: 'false'}\n"
                "        - {Key: stickiness.enabled, Value: 'true'}\n"
                "  Http:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n"
                "      LoadBalancerArn: !Ref Alb\n      Port: 80\n      Protocol: HTTP\n"
                "      DefaultActions:\n"
                "        - Type: forward\n          ForwardConfig:\n            TargetGroups:\n"
                "              - {TargetGroupArn: !Ref Tg, Weight: 3}\n"
                "              - {TargetGroupArn: !Ref Blue, Weight: 0}\n"
                "  Admin:\n    Type: AWS::ElasticLoadBalancingV2::ListenerRule\n    Properties:\n"
                "      ListenerArn: !Ref Http\n      Priority: 10\n"
                "      Conditions:\n"
                "        - {Field: source-ip, SourceIpConfig: {Values: [192.0.2.0/24]}}\n"
                "        - {Field: path-pattern, Values: [/admin/*]}\n"
                "      Actions: [{Type: forward, TargetGroupArn: !Ref Blue}]\n"
                "  Moved:\n    Type: AWS::ElasticLoadBalancingV2::ListenerRule\n    Properties:\n"
                "      ListenerArn: !Ref Http\n      Priority: 5\n"
                "      Conditions: [{Field: host-header, Values: [old.example.com]}]\n"
                "      Actions:\n"
                "        - {Type: authenticate-oidc, Order: 1}\n"
                "        - {Type: redirect, Order: 2, RedirectConfig: {Host: new.example.com, "
                "StatusCode: HTTP_301}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  const auto& alb = by_name(n.load_balancers, "web");
  EXPECT_EQ(alb.type, model::LoadBalancerType::kApplication);
  EXPECT_FALSE(alb.internet_facing);
  EXPECT_TRUE(alb.dualstack);
  ASSERT_EQ(alb.nodes.size(), 2u);
  EXPECT_NE(alb.nodes[0].eni, model::kNone);  // finalize made the node interfaces
  ASSERT_EQ(alb.security_groups.size(), 1u);
  EXPECT_TRUE(alb.cross_zone_enabled());
  // Ref of an ELBv2 load balancer is its ARN, with the name written.
  EXPECT_TRUE(
      alb.id.starts_with("arn:aws:elasticloadbalancing:us-east-1:000000000000:"
                         "loadbalancer/app/web/"))
      << alb.id;
  EXPECT_TRUE(alb.dns_name.starts_with("internal-web-")) << alb.dns_name;
  EXPECT_TRUE(alb.dns_name.ends_with(".us-east-1.elb.amazonaws.com")) << alb.dns_name;
  // The logical id is an alias (`--to Alb`).
  EXPECT_EQ(n.find("Alb", model::Kind::kLoadBalancer), n.find(alb.id, model::Kind::kLoadBalancer));

  const auto& http = by_name(n.listeners, "Http");
  EXPECT_EQ(http.port, 80);
  EXPECT_EQ(http.protocol, model::LbProtocol::kHttp);
  EXPECT_TRUE(
      http.id.starts_with("arn:aws:elasticloadbalancing:us-east-1:000000000000:"
                          "listener/app/web/"))
      << http.id;
  EXPECT_EQ(http.default_rule.action, model::ListenerAction::kForward);
  ASSERT_EQ(http.default_rule.target_groups.size(), 2u);
  EXPECT_EQ(http.default_rule.target_groups[0].weight, 3);
  EXPECT_EQ(http.default_rule.target_groups[1].weight, 0);
  // Rules by ascending priority.
  ASSERT_EQ(http.rules.size(), 2u);
  const auto& moved = n.listener_rules[http.rules[0]];
  const auto& admin = n.listener_rules[http.rules[1]];
  EXPECT_EQ(moved.name, "Moved");
  EXPECT_EQ(moved.action, model::ListenerAction::kRedirect);
  EXPECT_TRUE(moved.other_conditions);
  EXPECT_TRUE(moved.id.starts_with(http.id.substr(0, http.id.find(":listener/")) +
                                   ":listener-rule/app/web/"))
      << moved.id;
  EXPECT_EQ(admin.priority, 10);
  ASSERT_EQ(admin.source_ips.size(), 1u);
  EXPECT_EQ(admin.source_ips[0].str(), "192.0.2.0/24");
  EXPECT_TRUE(admin.other_conditions);
  ASSERT_EQ(admin.target_groups.size(), 1u);

  const auto& blue = by_name(n.target_groups, "blue");
  EXPECT_TRUE(blue.id.find(":targetgroup/blue/") != std::string::npos) << blue.id;
  EXPECT_EQ(blue.port, 80);
  EXPECT_EQ(blue.health_check_port.value_or(0), 8081);
  EXPECT_EQ(blue.cross_zone.value_or(true), false);
  ASSERT_EQ(blue.targets.size(), 2u);
  EXPECT_EQ(blue.targets[0].port.value_or(0), 9090);
  EXPECT_EQ(blue.targets[1].availability_zone, "all");
  EXPECT_NE(blue.targets[0].eni, model::kNone);
  EXPECT_EQ(blue.load_balancers.size(), 1u);
}

// A Network Load Balancer's SubnetMappings (§2): an Elastic IP and a private address per subnet;
// ip targets; the attributes that decide client IP preservation and cross-zone balancing.
TEST(CloudFormationElb, NetworkLoadBalancerSubnetMappingsAndAttributes) {
  auto l =
      load(kBase +
           "  IpA: {Type: AWS::EC2::EIP}\n"
           "  Nlb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n"
           "      Type: network\n"
           "      SubnetMappings:\n"
           "        - {SubnetId: !Ref SubA, AllocationId: !GetAtt IpA.AllocationId}\n"
           "        - {SubnetId: !Ref SubB, PrivateIPv4Address: 10.0.2.50}\n"
           "      LoadBalancerAttributes: [{Key: load_balancing.cross_zone.enabled, Value: "
           "'true'}]\n"
           "      SecurityGroups: [!Ref Sg]\n"
           "      EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off'\n"
           "  Ips:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties:\n"
           "      TargetType: ip\n      Protocol: TCP\n      Port: 443\n      VpcId: !Ref Vpc\n"
           "      IpAddressType: ipv4\n"
           "      Targets: [{Id: 10.0.1.10}, {Id: 172.16.0.5, AvailabilityZone: all}]\n"
           "      TargetGroupAttributes: [{Key: preserve_client_ip.enabled, Value: 'true'}]\n"
           "  Six: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {TargetType: "
           "ip, Protocol: TCP, Port: 443, VpcId: !Ref Vpc, IpAddressType: ipv6}}\n"
           "  Tls:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n"
           "      LoadBalancerArn: !Ref Nlb\n      Port: 443\n      Protocol: TCP\n"
           "      DefaultActions: [{Type: forward, TargetGroupArn: !Ref Ips}]\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  const auto& nlb = by_name(n.load_balancers, "Nlb");
  EXPECT_EQ(nlb.type, model::LoadBalancerType::kNetwork);
  EXPECT_TRUE(nlb.id.find(":loadbalancer/net/") != std::string::npos) << nlb.id;
  EXPECT_TRUE(nlb.dns_name.find(".elb.us-east-1.amazonaws.com") != std::string::npos)
      << nlb.dns_name;
  ASSERT_EQ(nlb.nodes.size(), 2u);
  EXPECT_TRUE(nlb.nodes[0].elastic_ip.resolved());
  EXPECT_EQ(nlb.nodes[1].private_ip->str(), "10.0.2.50");
  EXPECT_EQ(nlb.cross_zone.value_or(false), true);
  EXPECT_FALSE(nlb.enforce_security_groups_on_private_link);
  const auto& ips = by_name(n.target_groups, "Ips");
  EXPECT_EQ(ips.target_type, model::TargetType::kIp);
  ASSERT_EQ(ips.targets.size(), 2u);
  EXPECT_EQ(ips.targets[0].ip->str(), "10.0.1.10");
  EXPECT_EQ(ips.targets[1].availability_zone, "all");
  EXPECT_EQ(ips.preserve_client_ip.value_or(false), true);
  EXPECT_FALSE(ips.ipv6);
  EXPECT_TRUE(by_name(n.target_groups, "Six").ipv6);
  EXPECT_EQ(by_name(n.listeners, "Tls").protocol, model::LbProtocol::kTcp);
}

// ---- defaults --------------------------------------------------------------------------------

// Cross-zone (§0): always on for an ALB, off by default for an NLB and a GWLB; a Classic Load
// Balancer without CrossZone takes the API's default, off (CloudFormation's is undocumented:
// docs/format.md). A target group's `use_load_balancer_configuration` inherits. The scheme
// defaults to internet-facing (CreateLoadBalancer); a listener's protocol to what the type takes.
TEST(CloudFormationElb, DefaultsFollowElasticLoadBalancing) {
  auto l = load(kBase + kAlb +
                "  Nlb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Type: "
                "network, Subnets: [!Ref SubA]}}\n"
                "  Gwlb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Type: "
                "gateway, Subnets: [!Ref SubB]}}\n"
                "  Clb:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n"
                "      Subnets: [!Ref SubA, !Ref SubB]\n      Instances: [!Ref WebA]\n"
                "      Listeners: [{LoadBalancerPort: 80, Protocol: HTTP, InstancePort: 8080}]\n"
                "  Inherit:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n"
                "    Properties:\n      Protocol: TCP\n      Port: 80\n      VpcId: !Ref Vpc\n"
                "      TargetGroupAttributes: [{Key: load_balancing.cross_zone.enabled, Value: "
                "use_load_balancer_configuration}]\n"
                "  Geneve: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: "
                "{Protocol: GENEVE, Port: 6081, VpcId: !Ref Vpc}}\n"
                "  NlbListener: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
                "{LoadBalancerArn: !Ref Nlb, Port: 80, DefaultActions: [{Type: forward, "
                "TargetGroupArn: !Ref Inherit}]}}\n"
                "  GwlbListener: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
                "{LoadBalancerArn: !Ref Gwlb, DefaultActions: [{Type: forward, TargetGroupArn: "
                "!Ref Geneve}]}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  const auto& alb = by_name(n.load_balancers, "Alb");
  const auto& nlb = by_name(n.load_balancers, "Nlb");
  const auto& gwlb = by_name(n.load_balancers, "Gwlb");
  const auto& clb = by_name(n.load_balancers, "Clb");
  EXPECT_TRUE(alb.internet_facing);
  EXPECT_TRUE(alb.cross_zone_enabled());
  EXPECT_FALSE(nlb.cross_zone.has_value());
  EXPECT_FALSE(nlb.cross_zone_enabled());
  EXPECT_FALSE(gwlb.cross_zone_enabled());
  EXPECT_FALSE(gwlb.internet_facing);
  EXPECT_TRUE(gwlb.id.find(":loadbalancer/gwy/") != std::string::npos) << gwlb.id;
  EXPECT_EQ(clb.type, model::LoadBalancerType::kClassic);
  EXPECT_FALSE(clb.cross_zone.has_value());
  EXPECT_FALSE(clb.cross_zone_enabled());
  EXPECT_FALSE(by_name(n.target_groups, "Inherit").cross_zone.has_value());
  EXPECT_EQ(by_name(n.listeners, "NlbListener").protocol, model::LbProtocol::kTcp);
  const auto& gl = by_name(n.listeners, "GwlbListener");
  EXPECT_EQ(gl.protocol, model::LbProtocol::kGeneve);
  EXPECT_EQ(gl.port, 0);
}

// A Classic Load Balancer (§3): Ref is its name; listeners front port -> instance port;
// instances registered directly; without SecurityGroups its nodes get the VPC's default group
// (elb-vpc-security-groups.html; finalize(), as for every format).
TEST(CloudFormationElb, ClassicLoadBalancer) {
  auto l = load(kBase +
                "  Clb:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n"
                "      LoadBalancerName: legacy\n      Scheme: internal\n      CrossZone: true\n"
                "      Subnets: [!Ref SubA, !Ref SubB]\n      Instances: [!Ref WebA, !Ref WebB]\n"
                "      Listeners:\n"
                "        - {LoadBalancerPort: 443, Protocol: HTTPS, InstancePort: 8080, "
                "InstanceProtocol: HTTP}\n"
                "        - {LoadBalancerPort: 25, Protocol: TCP, InstancePort: 2525}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  const auto& clb = by_name(n.load_balancers, "legacy");
  EXPECT_EQ(clb.id, "legacy");
  EXPECT_EQ(n.find("Clb", model::Kind::kLoadBalancer),
            n.find("legacy", model::Kind::kLoadBalancer));
  EXPECT_FALSE(clb.internet_facing);
  EXPECT_EQ(clb.cross_zone.value_or(false), true);
  EXPECT_EQ(clb.instances.size(), 2u);
  EXPECT_TRUE(clb.security_groups.empty());
  const auto& node = n.network_interfaces[clb.nodes.at(0).eni];
  ASSERT_EQ(node.security_groups.size(), 1u);
  EXPECT_EQ(node.security_groups[0].index, n.vpcs[0].default_security_group);
  EXPECT_TRUE(clb.dns_name.starts_with("internal-legacy-")) << clb.dns_name;
  ASSERT_EQ(clb.listeners.size(), 2u);
  const auto& smtp = n.listeners[clb.listeners[0]];  // by port
  const auto& https = n.listeners[clb.listeners[1]];
  EXPECT_EQ(smtp.port, 25);
  EXPECT_EQ(smtp.instance_port, 2525);
  EXPECT_EQ(smtp.instance_protocol, model::LbProtocol::kTcp);
  EXPECT_EQ(https.protocol, model::LbProtocol::kHttps);
  EXPECT_EQ(https.instance_protocol, model::LbProtocol::kHttp);
}

// ---- ids: Ref and Fn::GetAtt -------------------------------------------------------------------

// Ref of an ELBv2 resource is its ARN; GetAtt gives DNSName, LoadBalancerFullName,
// LoadBalancerName, SecurityGroups, TargetGroup.LoadBalancerArns, TargetGroupFullName; Classic
// Ref is its name, GetAtt DNSName and SourceSecurityGroup.GroupName. Read through security group
// rule descriptions, which keep the text.
TEST(CloudFormationElb, RefAndGetAttOfLoadBalancing) {
  auto l = load(kBase +
                "  Alb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Name: web, "
                "Subnets: [!Ref SubA, !Ref SubB], SecurityGroups: [!Ref Sg]}}\n"
                "  Http: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
                "{LoadBalancerArn: !GetAtt Alb.LoadBalancerArn, Port: 80, Protocol: HTTP, "
                "DefaultActions: [{Type: forward, TargetGroupArn: !Ref Tg}]}}\n"
                "  Clb: {Type: AWS::ElasticLoadBalancing::LoadBalancer, Properties: {Subnets: "
                "[!Ref SubA], SecurityGroups: [!Ref Sg], Listeners: [{LoadBalancerPort: 80, "
                "Protocol: HTTP, InstancePort: 80}]}}\n"
                "  Lt: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {}}}\n"
                "  Show:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
                "      GroupDescription: show\n      VpcId: !Ref Vpc\n"
                "      SecurityGroupIngress:\n"
                "        - {IpProtocol: tcp, FromPort: 1, ToPort: 1, CidrIp: 10.0.0.0/8, "
                "Description: !Ref Alb}\n"
                "        - {IpProtocol: tcp, FromPort: 2, ToPort: 2, CidrIp: 10.0.0.0/8, "
                "Description: !GetAtt Alb.DNSName}\n"
                "        - {IpProtocol: tcp, FromPort: 3, ToPort: 3, CidrIp: 10.0.0.0/8, "
                "Description: !GetAtt Alb.LoadBalancerFullName}\n"
                "        - {IpProtocol: tcp, FromPort: 4, ToPort: 4, CidrIp: 10.0.0.0/8, "
                "Description: !Join [',', !GetAtt Tg.LoadBalancerArns]}\n"
                "        - {IpProtocol: tcp, FromPort: 5, ToPort: 5, CidrIp: 10.0.0.0/8, "
                "Description: !Ref Clb}\n"
                "        - {IpProtocol: tcp, FromPort: 6, ToPort: 6, CidrIp: 10.0.0.0/8, "
                "Description: !GetAtt Clb.SourceSecurityGroup.GroupName}\n"
                "        - {IpProtocol: tcp, FromPort: 7, ToPort: 7, CidrIp: 10.0.0.0/8, "
                "Description: !Sub '${Alb.LoadBalancerName} ${Lt.LatestVersionNumber} ${Lt}'}\n"
                "        - {IpProtocol: tcp, FromPort: 8, ToPort: 8, CidrIp: 10.0.0.0/8, "
                "Description: !Ref Http}\n"
                "        - {IpProtocol: tcp, FromPort: 9, ToPort: 9, CidrIp: 10.0.0.0/8, "
                "Description: !Select [0, !GetAtt Alb.SecurityGroups]}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  const auto& alb = by_name(n.load_balancers, "web");
  const auto& show = by_name(n.security_groups, "Show");
  ASSERT_EQ(show.ingress.size(), 9u);
  auto said = [&](int i) { return show.ingress[static_cast<std::size_t>(i)].description; };
  const std::string full = alb.id.substr(alb.id.find("loadbalancer/") + 13);
  EXPECT_EQ(said(0), alb.id);
  EXPECT_EQ(said(1), alb.dns_name);
  EXPECT_TRUE(full.starts_with("app/web/")) << full;
  EXPECT_EQ(said(2), full);
  EXPECT_EQ(said(3), alb.id);  // the load balancers forwarding to Tg
  const auto& clb = by_name(n.load_balancers, "Clb");
  EXPECT_EQ(said(4), clb.id);
  EXPECT_EQ(said(5), "stack-Sg");  // the group's name, as CloudFormation names it
  EXPECT_EQ(said(6), "web 1 " + by_name(n.launch_templates, "Lt").id);
  EXPECT_TRUE(by_name(n.launch_templates, "Lt").id.starts_with("lt-0"));
  EXPECT_EQ(said(7), by_name(n.listeners, "Http").id);
  EXPECT_EQ(said(8), by_name(n.security_groups, "Sg").id);
}

// The ids are stable for the stack name and logical id, and unique.
TEST(CloudFormationElb, IdsAreStable) {
  const std::string t = kBase + kAlb;
  auto a = load(t);
  auto b = load(t);
  ASSERT_TRUE(a.ok) << dump(a.diagnostics);
  EXPECT_EQ(a.network.load_balancers[0].id, b.network.load_balancers[0].id);
  EXPECT_EQ(a.network.target_groups[0].id, b.network.target_groups[0].id);
  EXPECT_NE(a.network.load_balancers[0].id.substr(a.network.load_balancers[0].id.rfind('/')),
            a.network.target_groups[0].id.substr(a.network.target_groups[0].id.rfind('/')));
}

// A listener's rules may be declared before it, and before its load balancer.
TEST(CloudFormationElb, RulesMayPrecedeTheirListener) {
  auto l = load(kBase +
                "  Early: {Type: AWS::ElasticLoadBalancingV2::ListenerRule, Properties: "
                "{ListenerArn: !Ref Http, Priority: 1, Conditions: [{Field: source-ip, Values: "
                "[10.0.0.0/8]}], Actions: [{Type: fixed-response, FixedResponseConfig: "
                "{StatusCode: '403'}}]}}\n"
                "  Http: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
                "{LoadBalancerArn: !Ref Alb, Port: 80, Protocol: HTTP, DefaultActions: [{Type: "
                "forward, TargetGroupArn: !Ref Tg}]}}\n" +
                kAlb);
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& http = by_name(l.network.listeners, "Http");
  ASSERT_EQ(http.rules.size(), 1u);
  const auto& rule = l.network.listener_rules[http.rules[0]];
  EXPECT_EQ(rule.action, model::ListenerAction::kFixedResponse);
  EXPECT_EQ(rule.source_ips.at(0).str(), "10.0.0.0/8");
  EXPECT_FALSE(rule.other_conditions);
}

// ---- Auto Scaling ----------------------------------------------------------------------------

// An Auto Scaling group becomes one representative instance per subnet (finalize), launched with
// the launch template's groups and public address and registered in its target groups and
// Classic Load Balancers.
TEST(CloudFormationElb, AutoScalingGroupRegistersRepresentativeInstances) {
  auto l = load(kBase + kAlb +
                "  Lt:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n"
                "      LaunchTemplateName: web-lt\n"
                "      LaunchTemplateData:\n"
                "        NetworkInterfaces: [{DeviceIndex: 0, Groups: [!Ref Sg], "
                "AssociatePublicIpAddress: true}]\n"
                "  Clb: {Type: AWS::ElasticLoadBalancing::LoadBalancer, Properties: {Subnets: "
                "[!Ref SubA, !Ref SubB], Listeners: [{LoadBalancerPort: 80, Protocol: HTTP, "
                "InstancePort: 80}]}}\n"
                "  Asg:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n"
                "      MinSize: '2'\n      MaxSize: '4'\n"
                "      VPCZoneIdentifier: [!Ref SubA, !Ref SubB]\n"
                "      LaunchTemplate: {LaunchTemplateId: !Ref Lt, Version: !GetAtt "
                "Lt.LatestVersionNumber}\n"
                "      TargetGroupARNs: [!Ref Tg]\n      LoadBalancerNames: [!Ref Clb]\n"
                "  Lc: {Type: AWS::AutoScaling::LaunchConfiguration, Properties: {ImageId: ami-1, "
                "InstanceType: t3.micro, SecurityGroups: [!Ref Sg], AssociatePublicIpAddress: "
                "true}}\n"
                "  Plain: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateName: plain, "
                "LaunchTemplateData: {SecurityGroupIds: [!Ref Sg]}}}\n"
                "  Old: {Type: AWS::AutoScaling::AutoScalingGroup, Properties: {MinSize: '1', "
                "MaxSize: '1', VPCZoneIdentifier: !Join [', ', [!Ref SubA, !Ref SubB]], "
                "LaunchConfigurationName: !Ref Lc}}\n"
                "  Mixed:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n"
                "      MinSize: '1'\n      MaxSize: '1'\n      VPCZoneIdentifier: [!Ref SubB]\n"
                "      MixedInstancesPolicy: {LaunchTemplate: {LaunchTemplateSpecification: "
                "{LaunchTemplateName: plain, Version: '1'}}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  const auto& asg = by_name(n.auto_scaling_groups, "Asg");
  ASSERT_EQ(asg.instances.size(), 2u);
  EXPECT_EQ(by_name(n.launch_templates, "web-lt").security_groups.size(), 1u);
  const auto& tg = by_name(n.target_groups, "Tg");
  ASSERT_EQ(tg.targets.size(), 3u);  // WebA, then one per subnet of the group
  for (std::size_t k = 0; k < 2; ++k) {
    const auto& inst = n.instances[asg.instances[k]];
    EXPECT_EQ(tg.targets[k + 1].instance.index, asg.instances[k]);
    const auto& eni = n.network_interfaces[inst.network_interfaces.at(0)];
    ASSERT_EQ(eni.security_groups.size(), 1u);
    EXPECT_TRUE(eni.public_ip.has_value());
  }
  EXPECT_EQ(by_name(n.load_balancers, "Clb").instances.size(), 2u);
  // A launch configuration is a launch template in the model.
  const auto& old = by_name(n.auto_scaling_groups, "Old");
  ASSERT_EQ(old.instances.size(), 2u);  // a comma-separated VPCZoneIdentifier
  EXPECT_TRUE(old.launch_template.resolved());
  const auto& old_eni =
      n.network_interfaces[n.instances[old.instances[0]].network_interfaces.at(0)];
  EXPECT_TRUE(old_eni.public_ip.has_value());
  EXPECT_EQ(old_eni.security_groups.size(), 1u);
  const auto& mixed = by_name(n.auto_scaling_groups, "Mixed");
  ASSERT_EQ(mixed.instances.size(), 1u);
  EXPECT_EQ(n.launch_templates[mixed.launch_template.index].name, "plain");
  const auto& mixed_eni =
      n.network_interfaces[n.instances[mixed.instances[0]].network_interfaces.at(0)];
  EXPECT_FALSE(mixed_eni.public_ip.has_value());
  EXPECT_EQ(mixed_eni.security_groups.size(), 1u);
}

// ---- traces through what the template declares --------------------------------------------

// aws-vpc-services.md §9.1-§9.3 from a template: the internet reaches an instance and an Auto
// Scaling group's representative through an internet-facing ALB (a new connection from the
// node to the target port, which the target's group allows from the ALB's group); a port the
// ALB's group allows but no listener takes is ELBV2_LISTENERS_MISMATCH.
TEST(CloudFormationElb, TracesGoThroughTheLoadBalancer) {
  auto l = load(
      "Resources:\n"
      "  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n"
      "  PubA: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, "
      "AvailabilityZone: us-east-1a}}\n"
      "  PubB: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, "
      "AvailabilityZone: us-east-1b}}\n"
      "  AppA: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.10.0/24, "
      "AvailabilityZone: us-east-1a}}\n"
      "  AppB: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.11.0/24, "
      "AvailabilityZone: us-east-1b}}\n"
      "  Igw: {Type: AWS::EC2::InternetGateway}\n"
      "  Att: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref Vpc, "
      "InternetGatewayId: !Ref Igw}}\n"
      "  Public: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}\n"
      "  Out: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref Public, "
      "DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}}\n"
      "  PubAAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref "
      "PubA, RouteTableId: !Ref Public}}\n"
      "  PubBAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref "
      "PubB, RouteTableId: !Ref Public}}\n"
      "  AlbSg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
      "      GroupDescription: alb\n      VpcId: !Ref Vpc\n"
      "      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 80, ToPort: 443, CidrIp: "
      "0.0.0.0/0}]\n"
      "  WebSg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
      "      GroupDescription: web\n      VpcId: !Ref Vpc\n"
      "      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 8080, ToPort: 8080, "
      "SourceSecurityGroupId: !Ref AlbSg}]\n"
      "  Web: {Type: AWS::EC2::Instance, Properties: {SubnetId: !Ref AppA, SecurityGroupIds: "
      "[!Ref WebSg]}}\n"
      "  Lt: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: "
      "{SecurityGroupIds: [!Ref WebSg]}}}\n"
      "  Asg: {Type: AWS::AutoScaling::AutoScalingGroup, Properties: {MinSize: '1', MaxSize: "
      "'2', VPCZoneIdentifier: [!Ref AppB], LaunchTemplate: {LaunchTemplateId: !Ref Lt, "
      "Version: '1'}, TargetGroupARNs: [!Ref Tg]}}\n"
      "  WebAlb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Subnets: [!Ref "
      "PubA, !Ref PubB], SecurityGroups: [!Ref AlbSg]}}\n"
      "  Tg: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {Protocol: HTTP, "
      "Port: 8080, VpcId: !Ref Vpc, Targets: [{Id: !Ref Web}]}}\n"
      "  Https: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: {LoadBalancerArn: "
      "!Ref WebAlb, Port: 443, Protocol: HTTPS, DefaultActions: [{Type: forward, "
      "TargetGroupArn: !Ref Tg}]}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  auto run = [&](const std::string& to, std::uint16_t port) {
    auto from = vpc::parse_endpoint(n, "internet");
    auto dest = vpc::parse_endpoint(n, to);
    EXPECT_TRUE(from.endpoint && dest.endpoint) << to << ": " << dest.error;
    vpc::Query q;
    if (from.endpoint) q.source = *from.endpoint;
    if (dest.endpoint) q.destination = *dest.endpoint;
    q.destination_port = port;
    return vpc::trace(n, q);
  };
  auto why = [](const vpc::Trace& t) {
    std::string s;
    for (const auto& e : t.explanations) s += e.code + ": " + e.message + "\n";
    return s;
  };
  const auto web = run("Web", 443);
  EXPECT_TRUE(web.reachable) << why(web);
  const auto& asg = by_name(n.auto_scaling_groups, "Asg");
  ASSERT_EQ(asg.instances.size(), 1u);
  const auto representative = run(n.instances[asg.instances[0]].id, 443);
  EXPECT_TRUE(representative.reachable) << why(representative);
  const auto alb = run("WebAlb:443", 443);  // the logical id names the load balancer
  EXPECT_TRUE(alb.reachable) << why(alb);
  const auto no_listener = run("WebAlb", 80);
  EXPECT_FALSE(no_listener.reachable);
  ASSERT_FALSE(no_listener.explanations.empty());
  EXPECT_EQ(no_listener.explanations.front().code, "ELBV2_LISTENERS_MISMATCH") << why(no_listener);
}

// ---- endpoint services -----------------------------------------------------------------------

// AWS::EC2::VPCEndpointService behind a Network Load Balancer, with its permissions;
// AcceptanceRequired absent is false (docs/format.md).
TEST(CloudFormationElb, EndpointServiceAndPermissions) {
  auto l = load(kBase +
                "  Nlb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Type: "
                "network, Scheme: internal, Subnets: [!Ref SubA]}}\n"
                "  Svc: {Type: AWS::EC2::VPCEndpointService, Properties: "
                "{NetworkLoadBalancerArns: [!Ref Nlb]}}\n"
                "  Strict: {Type: AWS::EC2::VPCEndpointService, Properties: "
                "{NetworkLoadBalancerArns: [!Ref Nlb], AcceptanceRequired: true}}\n"
                "  Allow: {Type: AWS::EC2::VPCEndpointServicePermissions, Properties: "
                "{ServiceId: !Ref Svc, AllowedPrincipals: ['arn:aws:iam::111122223333:root']}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& svc = by_name(l.network.vpc_endpoint_services, "Svc");
  EXPECT_TRUE(svc.id.starts_with("vpce-svc-0")) << svc.id;
  EXPECT_EQ(svc.service_name, "com.amazonaws.vpce.us-east-1." + svc.id);
  ASSERT_EQ(svc.network_load_balancers.size(), 1u);
  EXPECT_TRUE(svc.network_load_balancers[0].resolved());
  EXPECT_FALSE(svc.acceptance_required);
  EXPECT_TRUE(by_name(l.network.vpc_endpoint_services, "Strict").acceptance_required);
  ASSERT_EQ(svc.allowed_principals.size(), 1u);
  EXPECT_EQ(svc.allowed_principals[0], "arn:aws:iam::111122223333:root");
}

// ---- what is not known offline ----------------------------------------------------------------

// Subnets from a parameter without value name subnets outside the inputs: the load balancer is
// left out with a warning, and so is what needs it; the load still succeeds.
TEST(CloudFormationElb, StandInSubnetsLeaveTheLoadBalancerOut) {
  auto l = load("Parameters:\n  Subnets: {Type: 'List<AWS::EC2::Subnet::Id>'}\n" + kBase +
                "  Alb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Subnets: "
                "!Ref Subnets}}\n"
                "  Http: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
                "{LoadBalancerArn: !Ref Alb, Port: 80, Protocol: HTTP, DefaultActions: [{Type: "
                "forward, TargetGroupArn: !Ref Tg}]}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_TRUE(l.network.load_balancers.empty());
  EXPECT_TRUE(l.network.listeners.empty());
  const Diagnostic* out = gap(l, Gap::kLeftOut, "Alb (AWS::ElasticLoadBalancingV2::LoadBalancer)");
  ASSERT_TRUE(out) << dump(l.diagnostics);
  EXPECT_EQ(out->line, 11u);
  EXPECT_TRUE(gap(l, Gap::kLeftOut, "Alb was left out")) << dump(l.diagnostics);
}

// A listener naming a load balancer of another stack by a literal ARN is left out, not an
// error; a target of another stack (an import) leaves out only that target; a source-ip
// condition from a parameter without value makes the rule one that may match anything.
TEST(CloudFormationElb, ReferencesOutsideTheInputsAreLeftOut) {
  auto l = load("Parameters:\n  OfficeCidr: {Type: String}\n" + kBase + kAlb +
                "  Other: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
                "{LoadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:"
                "loadbalancer/app/elsewhere/0123456789abcdef', Port: 80, Protocol: HTTP, "
                "DefaultActions: [{Type: fixed-response}]}}\n"
                "  Http: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
                "{LoadBalancerArn: !Ref Alb, Port: 80, Protocol: HTTP, DefaultActions: [{Type: "
                "forward, TargetGroupArn: !Ref Tg}]}}\n"
                "  Office: {Type: AWS::ElasticLoadBalancingV2::ListenerRule, Properties: "
                "{ListenerArn: !Ref Http, Priority: 1, Conditions: [{Field: source-ip, "
                "SourceIpConfig: {Values: [!Ref OfficeCidr]}}], Actions: [{Type: forward, "
                "TargetGroupArn: !Ref Tg}]}}\n"
                "  Mixed: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {Protocol: "
                "HTTP, Port: 80, VpcId: !Ref Vpc, Targets: [{Id: !Ref WebB}, {Id: !ImportValue "
                "shared-instance}]}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  EXPECT_EQ(n.listeners.size(), 1u);
  const Diagnostic* other = gap(l, Gap::kLeftOut, "Other (AWS::ElasticLoadBalancingV2::Listener)");
  ASSERT_TRUE(other) << dump(l.diagnostics);
  EXPECT_NE(other->message.find("elsewhere"), std::string::npos);
  const auto& office = by_name(n.listener_rules, "Office");
  EXPECT_TRUE(office.source_ips.empty());
  EXPECT_TRUE(office.other_conditions);
  EXPECT_EQ(std::string(office.stand_in.str()), "OfficeCidr");
  EXPECT_TRUE(gap(l, Gap::kUnknownValue, "the rule may match any request")) << dump(l.diagnostics);
  const auto& mixed = by_name(n.target_groups, "Mixed");
  EXPECT_EQ(mixed.targets.size(), 1u);
  EXPECT_TRUE(gap(l, Gap::kLeftOut, "a target of Mixed is left out")) << dump(l.diagnostics);
}

// ---- bad input -------------------------------------------------------------------------------

struct BadRow {
  const char* name;
  std::string resources;   // appended to kBase + kAlb (from line 10)
  std::string message;     // part of the error
  std::string at;          // where the error points: the first `at` in `resources` ...
  std::string after = "";  // ... after the first `after`
};

class ElbBadTemplate : public ::testing::TestWithParam<BadRow> {};

// Every bad value is an error at the value as written, with the resource's logical id, and the
// resource is still read, so nothing that names it is lost too (no left-out warnings).
TEST_P(ElbBadTemplate, IsALocatedErrorThatLosesNothingElse) {
  const auto& row = GetParam();
  const std::string head = kBase + kAlb;
  const std::string text = head + row.resources;
  const auto offset = text.find(row.at, text.find(row.after, head.size()));
  ASSERT_NE(offset, std::string::npos) << row.at;
  const auto line =
      static_cast<std::uint32_t>(std::count(text.begin(), text.begin() + offset, '\n') + 1);
  const auto column = static_cast<std::uint32_t>(offset - text.rfind('\n', offset - 1));
  auto l = load(text);
  EXPECT_FALSE(l.ok);
  bool found = false;
  for (const auto& d : l.diagnostics.items()) {
    EXPECT_NE(d.gap, Gap::kLeftOut) << d.str();
    if (d.severity == Severity::kError && d.message.find(row.message) != std::string::npos) {
      found = true;
      EXPECT_EQ(d.file, "stack.yaml");
      EXPECT_EQ(d.line, line) << d.str();
      EXPECT_EQ(d.column, column) << d.str();
      EXPECT_FALSE(d.resource.empty()) << d.str();
    }
  }
  EXPECT_TRUE(found) << "expected `" << row.message << "` in\n" << dump(l.diagnostics);
  // The load balancer and target group of the base, and the row's resource, are all read.
  EXPECT_FALSE(l.network.load_balancers.empty());
  EXPECT_FALSE(l.network.target_groups.empty());
}

std::string listener(const std::string& properties) {
  return "  Bad: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: {LoadBalancerArn: "
         "!Ref Alb, " +
         properties + "}}\n";
}

const char* kForward = "DefaultActions: [{Type: forward, TargetGroupArn: !Ref Tg}]";

INSTANTIATE_TEST_SUITE_P(
    CloudFormation, ElbBadTemplate,
    ::testing::Values(
        BadRow{"ListenerPort0", listener(std::string("Port: 0, Protocol: HTTP, ") + kForward),
               "`Port` must be a whole number from 1 to 65535, not `0`", "0", "Port: "},
        BadRow{"ListenerPort70000",
               listener(std::string("Port: 70000, Protocol: HTTP, ") + kForward),
               "`Port` must be a whole number from 1 to 65535, not `70000`", "70000"},
        BadRow{"ListenerProtocolFoo", listener(std::string("Port: 80, Protocol: FOO, ") + kForward),
               "`Protocol` must be HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP or GENEVE, not `FOO`",
               "FOO"},
        BadRow{"LoadBalancerTypeFoo",
               "  Nlb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Type: foo, "
               "Subnets: [!Ref SubA, !Ref SubB]}}\n",
               "`Type` must be application, network or gateway, not `foo`", "foo"},
        BadRow{"WeightOver999",
               listener("Port: 80, Protocol: HTTP, DefaultActions: [{Type: forward, "
                        "ForwardConfig: {TargetGroups: [{TargetGroupArn: !Ref Tg, Weight: "
                        "1000}]}}]"),
               "`Weight` must be a whole number from 0 to 999, not `1000`", "1000"},
        BadRow{"ListenerNamesATargetGroup",
               "  Bad: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
               "{LoadBalancerArn: !Ref Tg, Port: 80, Protocol: HTTP, DefaultActions: [{Type: "
               "fixed-response}]}}\n",
               "`LoadBalancerArn` names Tg, a AWS::ElasticLoadBalancingV2::TargetGroup, where a "
               "LoadBalancer is expected",
               "!Ref Tg"},
        BadRow{"ActionTypeFoo", listener("Port: 80, Protocol: HTTP, DefaultActions: [{Type: foo}]"),
               "`Type` must be forward, redirect, fixed-response, authenticate-oidc or "
               "authenticate-cognito, not `foo`",
               "foo"},
        BadRow{"TwoFinalActions",
               listener("Port: 80, Protocol: HTTP, DefaultActions: [{Type: forward, "
                        "TargetGroupArn: !Ref Tg, Order: 2}, {Type: fixed-response, Order: 1}]"),
               "a second forward action", "{Type: forward"},
        BadRow{"NoFinalAction",
               listener("Port: 80, Protocol: HTTP, DefaultActions: [{Type: authenticate-oidc}]"),
               "`DefaultActions` has no forward, redirect or fixed-response action", "[{Type"},
        BadRow{"ForwardWithoutTargetGroup",
               listener("Port: 80, Protocol: HTTP, DefaultActions: [{Type: forward}]"),
               "a forward action needs TargetGroupArn or ForwardConfig.TargetGroups",
               "{Type: forward"},
        BadRow{"RuleWithoutConditions",
               "  Http: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
               "{LoadBalancerArn: !Ref Alb, Port: 80, Protocol: HTTP, " +
                   std::string(kForward) +
                   "}}\n"
                   "  Rule: {Type: AWS::ElasticLoadBalancingV2::ListenerRule, Properties: "
                   "{ListenerArn: !Ref Http, Priority: 1, Conditions: [], Actions: [{Type: "
                   "fixed-response}]}}\n",
               "a listener rule needs at least one condition", "[],"},
        BadRow{"RulePriority0",
               "  Http: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
               "{LoadBalancerArn: !Ref Alb, Port: 80, Protocol: HTTP, " +
                   std::string(kForward) +
                   "}}\n"
                   "  Rule: {Type: AWS::ElasticLoadBalancingV2::ListenerRule, Properties: "
                   "{ListenerArn: !Ref Http, Priority: 0, Conditions: [{Field: host-header, "
                   "Values: [a]}], Actions: [{Type: fixed-response}]}}\n",
               "`Priority` must be a whole number from 1 to 50000, not `0`", "0", "Priority: "},
        BadRow{"SourceIpNotACidr",
               "  Http: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
               "{LoadBalancerArn: !Ref Alb, Port: 80, Protocol: HTTP, " +
                   std::string(kForward) +
                   "}}\n"
                   "  Rule: {Type: AWS::ElasticLoadBalancingV2::ListenerRule, Properties: "
                   "{ListenerArn: !Ref Http, Priority: 1, Conditions: [{Field: source-ip, "
                   "SourceIpConfig: {Values: [office]}}], Actions: [{Type: fixed-response}]}}\n",
               "source-ip `office` is not a CIDR block", "office"},
        BadRow{"ConditionFieldFoo",
               "  Http: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
               "{LoadBalancerArn: !Ref Alb, Port: 80, Protocol: HTTP, " +
                   std::string(kForward) +
                   "}}\n"
                   "  Rule: {Type: AWS::ElasticLoadBalancingV2::ListenerRule, Properties: "
                   "{ListenerArn: !Ref Http, Priority: 1, Conditions: [{Field: cookie, Values: "
                   "[a]}], Actions: [{Type: fixed-response}]}}\n",
               "`Field` must be source-ip, host-header", "cookie"},
        BadRow{"TargetTypeFoo",
               "  Bad: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {TargetType: "
               "vm, Protocol: HTTP, Port: 80, VpcId: !Ref Vpc}}\n",
               "`TargetType` must be instance, ip, lambda or alb, not `vm`", "vm"},
        BadRow{"TargetGroupWithoutPort",
               "  Bad: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {Protocol: "
               "HTTP, VpcId: !Ref Vpc}}\n",
               "needs the property `Port`", "Bad:"},
        BadRow{"TargetPort70000",
               "  Bad: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {Protocol: "
               "HTTP, Port: 80, VpcId: !Ref Vpc, Targets: [{Id: !Ref WebA, Port: 70000}]}}\n",
               "`Port` must be a whole number from 1 to 65535, not `70000`", "70000"},
        BadRow{"TargetAttributeFoo",
               "  Bad: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {Protocol: "
               "HTTP, Port: 80, VpcId: !Ref Vpc, TargetGroupAttributes: [{Key: "
               "load_balancing.cross_zone.enabled, Value: sometimes}]}}\n",
               "must be true or false or use_load_balancer_configuration, not `sometimes`",
               "sometimes"},
        BadRow{"ApplicationCrossZoneOff",
               "  Bad: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Subnets: "
               "[!Ref SubA, !Ref SubB], LoadBalancerAttributes: [{Key: "
               "load_balancing.cross_zone.enabled, Value: 'false'}]}}\n",
               "cross-zone load balancing is always on", "'false'"},
        BadRow{"LoadBalancerNameWithUnderscore",
               "  Bad: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Name: "
               "my_alb, Subnets: [!Ref SubA, !Ref SubB]}}\n",
               "`Name` `my_alb` is not a load balancer or target group name", "my_alb"},
        BadRow{"GatewayScheme",
               "  Bad: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Type: "
               "gateway, Scheme: internal, Subnets: [!Ref SubA]}}\n",
               "a Gateway Load Balancer has no Scheme", "internal"},
        BadRow{"SubnetsAndSubnetMappings",
               "  Bad: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Subnets: "
               "[!Ref SubA], SubnetMappings: [{SubnetId: !Ref SubB}]}}\n",
               "either Subnets or SubnetMappings", "[{SubnetId"},
        BadRow{"NoSubnets",
               "  Bad: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Type: "
               "network}}\n",
               "needs Subnets or SubnetMappings", "Bad:"},
        BadRow{"ClassicProtocolMismatch",
               "  Bad: {Type: AWS::ElasticLoadBalancing::LoadBalancer, Properties: {Subnets: "
               "[!Ref SubA], Listeners: [{LoadBalancerPort: 443, Protocol: TCP, InstancePort: "
               "80, InstanceProtocol: HTTP}]}}\n",
               "a TCP listener cannot use HTTP to instances", "{LoadBalancerPort"},
        BadRow{"ClassicListenerOnV2Listener",
               "  Bad: {Type: AWS::ElasticLoadBalancing::LoadBalancer, Properties: {Subnets: "
               "[!Ref SubA], Listeners: [{LoadBalancerPort: 80, Protocol: HTTP, InstancePort: "
               "80}]}}\n"
               "  L: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
               "{LoadBalancerArn: !Ref Bad, Port: 80, Protocol: HTTP, " +
                   std::string(kForward) + "}}\n",
               "LoadBalancerArn names a Classic Load Balancer", "!Ref Bad"},
        BadRow{"GroupWithoutSubnets",
               "  Bad: {Type: AWS::AutoScaling::AutoScalingGroup, Properties: {MinSize: '1', "
               "MaxSize: '1', VPCZoneIdentifier: []}}\n",
               "VPCZoneIdentifier names no subnet", "[]"},
        BadRow{"EndpointServiceOnAnAlb",
               "  Bad: {Type: AWS::EC2::VPCEndpointService, Properties: "
               "{NetworkLoadBalancerArns: [!Ref Alb]}}\n",
               "NetworkLoadBalancerArns names an Application Load Balancer, not a Network Load "
               "Balancer",
               "!Ref Alb"}),
    [](const auto& info) { return std::string(info.param.name); });

// A Ref that names nothing is the stack's error (as for every type): nothing is mapped from a
// template CloudFormation would refuse, and the error says which name was meant.
TEST(CloudFormationElb, ListenerNamingNothingIsAnError) {
  auto l = load(kBase + kAlb +
                "  Http: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: "
                "{LoadBalancerArn: !Ref Alv, Port: 80, Protocol: HTTP, DefaultActions: [{Type: "
                "forward, TargetGroupArn: !Ref Tg}]}}\n");
  EXPECT_FALSE(l.ok);
  ASSERT_FALSE(l.diagnostics.items().empty());
  const auto& d = l.diagnostics.items().front();
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.line, 10u);
  EXPECT_NE(d.message.find("names `Alv`"), std::string::npos) << d.str();
  EXPECT_NE(d.hint.find("did you mean `Alb`?"), std::string::npos) << d.str();
}

}  // namespace
}  // namespace cloudtwin::load
