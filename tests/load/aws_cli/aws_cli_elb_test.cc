// The AWS CLI snapshot reader's load-balancing answers (aws elbv2, aws elb, aws autoscaling and
// the EC2 launch template and endpoint service calls) with model::finalize(): one small snapshot
// written here holds every answer, each test checks one rule of it; then the wrappers, what is
// left out, and bad input. Fields: shared/reference/aws-vpc-services.md §7.3.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/load/load.h"
#include "snapshot_folder.h"
#include "trace_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump_diagnostics;
using testing::load;
using testing::Loaded;
using Snapshot = testing::SnapshotFolder;

const std::string kDir = "accounts/111122223333/eu-west-1/";
const std::string kArn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:";
const std::string kAlb = kArn + "loadbalancer/app/web/50dc6c495c0c9188";
const std::string kNlb = kArn + "loadbalancer/net/api/73e2d6bc24d8a067";
const std::string kGwlb = kArn + "loadbalancer/gwy/fw/0123456789abcdef";
const std::string kClassic = kArn + "loadbalancer/legacy";
const std::string kWebGroup = kArn + "targetgroup/web/6d0ecf831eec9f09";
const std::string kApiGroup = kArn + "targetgroup/api/7e9e4a7e3d8a1c2b";
const std::string kFwGroup = kArn + "targetgroup/fw/1f2e3d4c5b6a7988";
const std::string kAlbListener = kArn + "listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
const std::string kRule = kArn + "listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/";

// Replaces each `{NAME}` of `text` by the ARN constants above.
std::string arns(std::string text) {
  const std::pair<const char*, const std::string*> names[] = {{"{ALB}", &kAlb},
                                                              {"{NLB}", &kNlb},
                                                              {"{GWLB}", &kGwlb},
                                                              {"{WEB}", &kWebGroup},
                                                              {"{API}", &kApiGroup},
                                                              {"{FW}", &kFwGroup},
                                                              {"{LISTENER}", &kAlbListener},
                                                              {"{RULE}", &kRule},
                                                              {"{ARN}", &kArn}};
  for (const auto& [name, value] : names) {
    for (auto p = text.find(name); p != std::string::npos; p = text.find(name, p))
      text.replace(p, std::string(name).size(), *value);
  }
  return text;
}

// ---- the EC2 network ------------------------------------------------------------------------

const char* kVpcs = R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]})";
const char* kSubnets = R"({"Subnets": [
  {"SubnetId": "subnet-a", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "eu-west-1a"},
  {"SubnetId": "subnet-b", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "eu-west-1b"}]})";
const char* kGroups = R"({"SecurityGroups": [
  {"GroupId": "sg-lb", "GroupName": "lb", "VpcId": "vpc-1",
   "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
   "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
  {"GroupId": "sg-web", "GroupName": "web", "VpcId": "vpc-1",
   "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": "sg-lb"}]}],
   "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]})";
const char* kIgw =
    R"({"InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": "vpc-1", "State": "available"}]}]})";
const char* kRouteTables = R"({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
  "Associations": [{"Main": true}],
  "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}]}]})";
const char* kInstances = R"({"Reservations": [{"Instances": [
  {"InstanceId": "i-1", "State": {"Name": "running"}, "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1",
    "SubnetId": "subnet-a", "Groups": [{"GroupId": "sg-web"}], "PrivateIpAddress": "10.0.1.10", "Attachment": {"DeviceIndex": 0}}]},
  {"InstanceId": "i-2", "State": {"Name": "running"}, "NetworkInterfaces": [{"NetworkInterfaceId": "eni-2",
    "SubnetId": "subnet-b", "Groups": [{"GroupId": "sg-web"}], "PrivateIpAddress": "10.0.2.10", "Attachment": {"DeviceIndex": 0}}]},
  {"InstanceId": "i-old", "State": {"Name": "terminated"}}]}]})";
// ELB's requester-managed interfaces, named by their Description (aws-vpc-services.md §0): two
// for the ALB's node in subnet-a (it scaled), one in subnet-b, one for the NLB, the GWLB and the
// Classic load balancer, and one of a Gateway Load Balancer the snapshot does not hold.
const char* kInterfaces = R"({"NetworkInterfaces": [
  {"NetworkInterfaceId": "eni-alb-a", "SubnetId": "subnet-a", "InterfaceType": "interface",
   "Description": "ELB app/web/50dc6c495c0c9188", "RequesterManaged": true, "Groups": [{"GroupId": "sg-lb"}],
   "PrivateIpAddress": "10.0.1.100",
   "Association": {"PublicIp": "203.0.113.5", "IpOwnerId": "amazon"}},
  {"NetworkInterfaceId": "eni-alb-a2", "SubnetId": "subnet-a", "InterfaceType": "interface",
   "Description": "ELB app/web/50dc6c495c0c9188", "Groups": [{"GroupId": "sg-lb"}], "PrivateIpAddress": "10.0.1.101"},
  {"NetworkInterfaceId": "eni-alb-b", "SubnetId": "subnet-b", "InterfaceType": "interface",
   "Description": "ELB app/web/50dc6c495c0c9188", "Groups": [{"GroupId": "sg-lb"}], "PrivateIpAddress": "10.0.2.100"},
  {"NetworkInterfaceId": "eni-nlb-a", "SubnetId": "subnet-a", "InterfaceType": "network_load_balancer",
   "Description": "ELB net/api/73e2d6bc24d8a067", "PrivateIpAddress": "10.0.1.200"},
  {"NetworkInterfaceId": "eni-gwlb-b", "SubnetId": "subnet-b", "InterfaceType": "gateway_load_balancer",
   "Description": "ELB gwy/fw/0123456789abcdef", "PrivateIpAddress": "10.0.2.50"},
  {"NetworkInterfaceId": "eni-gwlb-gone", "SubnetId": "subnet-b", "InterfaceType": "gateway_load_balancer",
   "Description": "ELB gwy/other/fedcba9876543210", "PrivateIpAddress": "10.0.2.51"},
  {"NetworkInterfaceId": "eni-clb-a", "SubnetId": "subnet-a", "InterfaceType": "interface",
   "Description": "ELB legacy", "Groups": [{"GroupId": "sg-lb"}], "PrivateIpAddress": "10.0.1.150"}]})";

// ---- the load-balancing answers -----------------------------------------------------------------

const char* kLoadBalancers = R"({"LoadBalancers": [
  {"LoadBalancerArn": "{ALB}", "LoadBalancerName": "web", "Type": "application", "Scheme": "internet-facing",
   "VpcId": "vpc-1", "State": {"Code": "active"}, "IpAddressType": "ipv4", "SecurityGroups": ["sg-lb"],
   "DNSName": "web-1234567890.eu-west-1.elb.amazonaws.com",
   "AvailabilityZones": [{"ZoneName": "eu-west-1a", "SubnetId": "subnet-a", "LoadBalancerAddresses": []},
                         {"ZoneName": "eu-west-1b", "SubnetId": "subnet-b", "LoadBalancerAddresses": []}]},
  {"LoadBalancerArn": "{NLB}", "LoadBalancerName": "api", "Type": "network", "Scheme": "internal",
   "VpcId": "vpc-1", "State": {"Code": "active"}, "IpAddressType": "ipv4",
   "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic": "off",
   "AvailabilityZones": [{"ZoneName": "eu-west-1a", "SubnetId": "subnet-a",
                          "LoadBalancerAddresses": [{"PrivateIPv4Address": "10.0.1.200"}]}]},
  {"LoadBalancerArn": "{GWLB}", "LoadBalancerName": "fw", "Type": "gateway", "VpcId": "vpc-1",
   "State": {"Code": "active"}, "AvailabilityZones": [{"ZoneName": "eu-west-1b", "SubnetId": "subnet-b"}]}]})";
const char* kListeners = R"({"Listeners": [
  {"ListenerArn": "{LISTENER}", "LoadBalancerArn": "{ALB}", "Port": 80, "Protocol": "HTTP",
   "DefaultActions": [{"Type": "forward", "TargetGroupArn": "{WEB}",
     "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": "{WEB}", "Weight": 1}]}}]},
  {"ListenerArn": "{ARN}listener/net/api/73e2d6bc24d8a067/1a2b3c4d5e6f7a8b", "LoadBalancerArn": "{NLB}",
   "Port": 443, "Protocol": "TCP", "DefaultActions": [{"Type": "forward", "TargetGroupArn": "{API}"}]},
  {"ListenerArn": "{ARN}listener/gwy/fw/0123456789abcdef/0a1b2c3d4e5f6a7b", "LoadBalancerArn": "{GWLB}",
   "DefaultActions": [{"Type": "forward", "TargetGroupArn": "{FW}"}]}]})";
// describe-rules: each rule's listener is its ARN's prefix.
const char* kRules = R"({"Rules": [
  {"RuleArn": "{RULE}1111111111111111", "Priority": "10", "IsDefault": false,
   "Conditions": [{"Field": "source-ip", "SourceIpConfig": {"Values": ["198.51.100.0/24"]}}],
   "Actions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "403"}}]},
  {"RuleArn": "{RULE}2222222222222222", "Priority": "20", "IsDefault": false,
   "Conditions": [{"Field": "path-pattern", "Values": ["/api/*"], "PathPatternConfig": {"Values": ["/api/*"]}}],
   "Actions": [{"Type": "authenticate-oidc", "Order": 1},
               {"Type": "forward", "Order": 2, "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": "{WEB}", "Weight": 3}]}}]},
  {"RuleArn": "{RULE}3333333333333333", "Priority": "default", "IsDefault": true, "Conditions": [],
   "Actions": [{"Type": "forward", "TargetGroupArn": "{WEB}"}]}]})";
const char* kTargetGroups = R"({"TargetGroups": [
  {"TargetGroupArn": "{WEB}", "TargetGroupName": "web", "TargetType": "instance", "Protocol": "HTTP", "Port": 8080,
   "VpcId": "vpc-1", "HealthCheckPort": "traffic-port", "LoadBalancerArns": ["{ALB}"], "IpAddressType": "ipv4"},
  {"TargetGroupArn": "{API}", "TargetGroupName": "api", "TargetType": "ip", "Protocol": "TCP", "Port": 443,
   "VpcId": "vpc-1", "HealthCheckPort": "8443", "LoadBalancerArns": ["{NLB}"]},
  {"TargetGroupArn": "{FW}", "TargetGroupName": "fw", "TargetType": "ip", "Protocol": "GENEVE", "Port": 6081,
   "VpcId": "vpc-1", "HealthCheckPort": "80"}]})";
const char* kClassicAnswer = R"({"LoadBalancerDescriptions": [
  {"LoadBalancerName": "legacy", "Scheme": "internal", "VPCId": "vpc-1", "Subnets": ["subnet-a"],
   "SecurityGroups": ["sg-lb"], "Instances": [{"InstanceId": "i-1"}], "DNSName": "internal-legacy.elb.amazonaws.com",
   "ListenerDescriptions": [{"Listener": {"Protocol": "HTTP", "LoadBalancerPort": 80,
                                          "InstanceProtocol": "HTTP", "InstancePort": 8080}, "PolicyNames": []}]}]})";
const char* kEndpointServices = R"({"ServiceConfigurations": [
  {"ServiceId": "vpce-svc-1", "ServiceName": "com.amazonaws.vpce.eu-west-1.vpce-svc-1", "ServiceState": "Available",
   "AcceptanceRequired": false, "NetworkLoadBalancerArns": ["{NLB}"]}]})";

// The answers that do not say what they describe, in the two forms the reader takes: each
// answer wrapped in its own file with the name of what it describes (written here after the
// answer), or lists of such wrappers, as scripts/snapshot-aws and Batfish's collector write them.
void write_wrapped_answers(const Snapshot& s, bool lists) {
  if (!lists) {
    s.write(kDir + "web-health.json", arns(R"({"TargetHealthDescriptions": [
      {"Target": {"Id": "i-1", "Port": 8080, "AvailabilityZone": "eu-west-1a"}, "TargetHealth": {"State": "healthy"}},
      {"Target": {"Id": "i-2", "Port": 8080}, "TargetHealth": {"State": "unhealthy", "Reason": "Target.Timeout"}},
      {"Target": {"Id": "i-old", "Port": 8080}, "TargetHealth": {"State": "draining"}}],
      "TargetGroupArn": "{WEB}"})"));
    s.write(kDir + "api-health.json",
            arns(R"({"TargetGroupArn": "{API}", "TargetHealthDescriptions": [
      {"Target": {"Id": "10.0.2.10", "Port": 443}, "TargetHealth": {"State": "healthy"}}]})"));
    s.write(kDir + "alb-attributes.json", arns(R"({"Attributes": [
      {"Key": "idle_timeout.timeout_seconds", "Value": "60"},
      {"Key": "load_balancing.cross_zone.enabled", "Value": "true"}], "LoadBalancerArn": "{ALB}"})"));
    s.write(kDir + "api-attributes.json", arns(R"({"TargetGroupArn": "{API}", "Attributes": [
      {"Key": "preserve_client_ip.enabled", "Value": "true"},
      {"Key": "load_balancing.cross_zone.enabled", "Value": "use_load_balancer_configuration"}]})"));
    s.write(kDir + "legacy-attributes.json", R"({"LoadBalancerAttributes": {
      "CrossZoneLoadBalancing": {"Enabled": true}, "ConnectionDraining": {"Enabled": false, "Timeout": 300}},
      "LoadBalancerName": "legacy"})");
    return;
  }
  s.write(kDir + "LoadBalancerTargetHealth.json", arns(R"({"LoadBalancerTargetHealth": [
    {"TargetGroupArn": "{WEB}", "TargetHealthDescriptions": [
      {"Target": {"Id": "i-1", "Port": 8080, "AvailabilityZone": "eu-west-1a"}, "TargetHealth": {"State": "healthy"}},
      {"Target": {"Id": "i-2", "Port": 8080}, "TargetHealth": {"State": "unhealthy"}},
      {"Target": {"Id": "i-old", "Port": 8080}, "TargetHealth": {"State": "draining"}}]},
    {"TargetGroupArn": "{API}", "TargetHealthDescriptions": [
      {"Target": {"Id": "10.0.2.10", "Port": 443}, "TargetHealth": {"State": "healthy"}}]}]})"));
  s.write(kDir + "LoadBalancerAttributes.json", arns(R"({"LoadBalancerAttributes": [
    {"LoadBalancerArn": "{ALB}", "Attributes": [{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}]}]})"));
  s.write(kDir + "TargetGroupAttributes.json", arns(R"({"TargetGroupAttributes": [
    {"TargetGroupArn": "{API}", "Attributes": [{"Key": "preserve_client_ip.enabled", "Value": "true"},
      {"Key": "load_balancing.cross_zone.enabled", "Value": "use_load_balancer_configuration"}]}]})"));
  s.write(kDir + "ClassicLoadBalancerAttributes.json", R"({"ClassicLoadBalancerAttributes": [
    {"LoadBalancerName": "legacy", "LoadBalancerAttributes": {"CrossZoneLoadBalancing": {"Enabled": true}}}]})");
}

Snapshot full(const std::string& name, bool lists = false) {
  Snapshot s(name);
  s.write(kDir + "Vpcs.json", kVpcs);
  s.write(kDir + "Subnets.json", kSubnets);
  s.write(kDir + "SecurityGroups.json", kGroups);
  s.write(kDir + "InternetGateways.json", kIgw);
  s.write(kDir + "RouteTables.json", kRouteTables);
  s.write(kDir + "Reservations.json", kInstances);
  s.write(kDir + "NetworkInterfaces.json", kInterfaces);
  s.write(kDir + "LoadBalancers.json", arns(kLoadBalancers));
  s.write(kDir + "Listeners.json", arns(kListeners));
  s.write(kDir + "Rules.json", arns(kRules));
  s.write(kDir + "TargetGroups.json", arns(kTargetGroups));
  s.write(kDir + "ClassicLoadBalancers.json", kClassicAnswer);
  s.write(kDir + "VpcEndpointServiceConfigurations.json", arns(kEndpointServices));
  write_wrapped_answers(s, lists);
  return s;
}

const model::LoadBalancer* lb(const model::Network& n, const std::string& id) {
  for (const auto& x : n.load_balancers) {
    if (x.id == id) return &x;
  }
  return nullptr;
}

const model::TargetGroup* group(const model::Network& n, const std::string& id) {
  for (const auto& x : n.target_groups) {
    if (x.id == id) return &x;
  }
  return nullptr;
}

const model::Listener* listener_of(const model::Network& n, const std::string& lb_id) {
  for (const auto& x : n.listeners) {
    if (x.load_balancer.text == lb_id) return &x;
  }
  return nullptr;
}

bool has_interface(const model::Network& n, const std::string& id) {
  return std::any_of(n.network_interfaces.begin(), n.network_interfaces.end(),
                     [&](const auto& e) { return e.id == id; });
}

// The warnings the full snapshot is expected to give: the ALB's second interface in subnet-a
// and the draining target that names a terminated instance.
void expect_only_expected_warnings(const Diagnostics& d) {
  for (const auto& item : d.items()) {
    EXPECT_EQ(item.severity, Severity::kWarning) << item.str();
    EXPECT_TRUE(item.message.find("eni-alb-a2 is a further interface") != std::string::npos ||
                item.message.find("target i-old of") != std::string::npos)
        << item.str();
  }
}

// ---- each answer ------------------------------------------------------------------------------

TEST(AwsCliElb, LoadBalancersAreReadWithTheirNodes) {
  auto s = full("awscli_elb_lbs");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  expect_only_expected_warnings(l.diagnostics);
  ASSERT_EQ(l.network.load_balancers.size(), 4u);
  const auto* alb = lb(l.network, kAlb);
  ASSERT_NE(alb, nullptr);
  EXPECT_EQ(alb->name, "web");  // LoadBalancerName; the id is the ARN
  EXPECT_EQ(alb->type, model::LoadBalancerType::kApplication);
  EXPECT_TRUE(alb->internet_facing);
  EXPECT_EQ(alb->dns_name, "web-1234567890.eu-west-1.elb.amazonaws.com");
  ASSERT_EQ(alb->security_groups.size(), 1u);
  EXPECT_EQ(alb->security_groups[0].text, "sg-lb");
  ASSERT_EQ(alb->nodes.size(), 2u);
  EXPECT_EQ(alb->nodes[1].subnet.text, "subnet-b");
  EXPECT_EQ(alb->nodes[1].at.line, 6u);  // its Availability Zone
  const auto* nlb = lb(l.network, kNlb);
  ASSERT_NE(nlb, nullptr);
  EXPECT_EQ(nlb->type, model::LoadBalancerType::kNetwork);
  EXPECT_FALSE(nlb->internet_facing);
  EXPECT_FALSE(nlb->enforce_security_groups_on_private_link);
  EXPECT_TRUE(nlb->security_groups.empty());
  const auto* gwlb = lb(l.network, kGwlb);
  ASSERT_NE(gwlb, nullptr);
  EXPECT_EQ(gwlb->type, model::LoadBalancerType::kGateway);
  EXPECT_FALSE(gwlb->internet_facing);  // no scheme
}

// aws-vpc-services.md §0: ELB's interfaces are described "ELB app/<name>/<id>", "ELB net/...",
// "ELB gwy/..." and "ELB <name>"; a node uses the one in its subnet, not one finalize() makes.
TEST(AwsCliElb, NodesUseTheInterfacesTheirDescriptionsName) {
  auto s = full("awscli_elb_nodes");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  struct Case {
    std::string lb;
    std::size_t node;
    const char* eni;
    const char* ip;
  };
  for (const auto& c :
       {Case{kAlb, 0, "eni-alb-a", "10.0.1.100"}, Case{kAlb, 1, "eni-alb-b", "10.0.2.100"},
        Case{kNlb, 0, "eni-nlb-a", "10.0.1.200"}, Case{kGwlb, 0, "eni-gwlb-b", "10.0.2.50"},
        Case{kClassic, 0, "eni-clb-a", "10.0.1.150"}}) {
    const auto* x = lb(n, c.lb);
    ASSERT_NE(x, nullptr) << c.lb;
    const auto& node = x->nodes.at(c.node);
    EXPECT_EQ(node.network_interface.text, c.eni) << c.lb;
    EXPECT_EQ(node.private_ip, IpAddress::parse(c.ip)) << c.lb;
    ASSERT_NE(node.eni, model::kNone) << c.lb;
    EXPECT_EQ(n.network_interfaces[node.eni].id, c.eni);
    EXPECT_EQ(n.network_interfaces[node.eni].load_balancer,
              static_cast<model::Index>(x - n.load_balancers.data()));
  }
  // The ALB's public address is its interface's (describe-network-interfaces' Association).
  const auto& alb_a = n.network_interfaces[lb(n, kAlb)->nodes[0].eni];
  EXPECT_EQ(alb_a.public_ip, IpAddress::parse("203.0.113.5"));
  // No interface was made: the snapshot's are the nodes'. The ALB's second interface in subnet-a
  // stays a plain one (with a warning); a Gateway Load Balancer interface no node uses is left
  // out as before.
  for (const auto& e : n.network_interfaces) EXPECT_TRUE(e.id.starts_with("eni-")) << e.id;
  EXPECT_EQ(n.network_interfaces.size(), 8u);
  EXPECT_TRUE(has_interface(n, "eni-alb-a2"));
  EXPECT_FALSE(has_interface(n, "eni-gwlb-gone"));
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "eni-alb-a2 is a further interface"),
            1u);
}

// aws-vpc-services.md §1: a client reaches the ALB's node (its interface from the snapshot, with
// the load balancer's group), and the node opens a new connection to the target's port, which
// the target's group admits from the load balancer's group.
TEST(AwsCliElb, InternetReachesATargetThroughTheSnapshotsNodes) {
  auto s = full("awscli_elb_trace");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  auto t = testing::trace_between(l.network, "internet:8.8.8.8", "i-1", 80);
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
  // Through the load balancer, whose node is the snapshot's interface: the internet gateway
  // maps eni-alb-a's public address to its private one, and the node opens the connection to
  // the target from that address.
  std::vector<std::string> components, addresses;
  for (const auto& h : t.trace.forward) {
    components.push_back(h.component_type + ":" + h.component_id);
    for (const auto* header : {&h.inbound_header, &h.outbound_header}) {
      if (*header) addresses.push_back((*header)->src.str() + ">" + (*header)->dst.str());
    }
  }
  EXPECT_NE(std::find(components.begin(), components.end(), "LoadBalancer:" + kAlb),
            components.end())
      << ::testing::PrintToString(components);
  EXPECT_NE(std::find(addresses.begin(), addresses.end(), "8.8.8.8>10.0.1.100"), addresses.end())
      << ::testing::PrintToString(addresses);
  EXPECT_NE(std::find(addresses.begin(), addresses.end(), "10.0.1.100>10.0.1.10"), addresses.end())
      << ::testing::PrintToString(addresses);
  // No listener on 8080: ELBV2_LISTENERS_MISMATCH at the load balancer.
  auto miss = testing::trace_between(l.network, "internet:8.8.8.8", "i-1", 8080);
  ASSERT_TRUE(miss.ok) << miss.error;
  EXPECT_FALSE(miss.trace.reachable);
}

TEST(AwsCliElb, WithoutInterfacesFinalizeMakesTheNodes) {
  auto s = full("awscli_elb_no_enis");
  s.write(kDir + "NetworkInterfaces.json", R"({"NetworkInterfaces": []})");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto* nlb = lb(l.network, kNlb);
  ASSERT_NE(nlb, nullptr);
  EXPECT_TRUE(nlb->nodes[0].network_interface.empty());
  ASSERT_NE(nlb->nodes[0].eni, model::kNone);
  // PrivateIPv4Address of LoadBalancerAddresses gives the made interface its address.
  const auto& eni = l.network.network_interfaces[nlb->nodes[0].eni];
  ASSERT_EQ(eni.private_ips.size(), 1u);
  EXPECT_EQ(eni.private_ips[0], *IpAddress::parse("10.0.1.200"));
  EXPECT_EQ(eni.interface_type.str(), "network_load_balancer");
}

TEST(AwsCliElb, ListenersAndRulesAreRead) {
  auto s = full("awscli_elb_listeners");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  ASSERT_EQ(n.listeners.size(), 4u);  // three elbv2, one Classic
  const auto* http = listener_of(n, kAlb);
  ASSERT_NE(http, nullptr);
  EXPECT_EQ(http->id, kAlbListener);
  EXPECT_EQ(http->port, 80);
  EXPECT_EQ(http->protocol, model::LbProtocol::kHttp);
  ASSERT_EQ(http->default_rule.target_groups.size(), 1u);
  EXPECT_EQ(http->default_rule.target_groups[0].target_group.text, kWebGroup);
  // The rules, by priority; a rule's listener is its ARN's prefix.
  ASSERT_EQ(http->rules.size(), 2u);
  const auto& deny = n.listener_rules[http->rules[0]];
  EXPECT_EQ(deny.priority, 10);
  EXPECT_EQ(deny.action, model::ListenerAction::kFixedResponse);
  ASSERT_EQ(deny.source_ips.size(), 1u);
  EXPECT_EQ(deny.source_ips[0], *Prefix::parse("198.51.100.0/24"));
  EXPECT_FALSE(deny.other_conditions);
  const auto& api = n.listener_rules[http->rules[1]];
  EXPECT_EQ(api.priority, 20);
  EXPECT_TRUE(api.other_conditions);                       // path-pattern: may match any request
  EXPECT_EQ(api.action, model::ListenerAction::kForward);  // after authenticate-oidc
  ASSERT_EQ(api.target_groups.size(), 1u);
  EXPECT_EQ(api.target_groups[0].weight, 3);
  // The IsDefault rule is the listener's default action, not a rule of its own.
  EXPECT_EQ(n.listener_rules.size(), 2u);
  const auto* tcp = listener_of(n, kNlb);
  ASSERT_NE(tcp, nullptr);
  EXPECT_EQ(tcp->protocol, model::LbProtocol::kTcp);
  EXPECT_EQ(tcp->port, 443);
  // gateway-listeners.html: no port or protocol; it takes every packet.
  const auto* geneve = listener_of(n, kGwlb);
  ASSERT_NE(geneve, nullptr);
  EXPECT_EQ(geneve->protocol, model::LbProtocol::kGeneve);
  EXPECT_EQ(geneve->port, 0);
  const auto* classic = listener_of(n, kClassic);
  ASSERT_NE(classic, nullptr);
  EXPECT_EQ(classic->port, 80);
  EXPECT_EQ(classic->instance_port, 8080);
  EXPECT_EQ(classic->instance_protocol, model::LbProtocol::kHttp);
}

TEST(AwsCliElb, TargetGroupsAndTheirTargetsAreRead) {
  auto s = full("awscli_elb_targets");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto* web = group(l.network, kWebGroup);
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->name, "web");
  EXPECT_EQ(web->target_type, model::TargetType::kInstance);
  EXPECT_EQ(web->protocol, model::LbProtocol::kHttp);
  EXPECT_EQ(web->port, 8080);
  EXPECT_EQ(web->vpc.text, "vpc-1");
  EXPECT_FALSE(web->health_check_port);  // traffic-port
  // Ids are instances in an instance group; i-old is terminated and left out with a warning.
  ASSERT_EQ(web->targets.size(), 2u);
  EXPECT_EQ(web->targets[0].instance.text, "i-1");
  EXPECT_EQ(web->targets[0].port, 8080);
  EXPECT_EQ(web->targets[0].availability_zone, "eu-west-1a");
  EXPECT_EQ(web->targets[0].health, "healthy");
  EXPECT_EQ(web->targets[1].health, "unhealthy");
  ASSERT_NE(web->targets[1].eni, model::kNone);
  EXPECT_EQ(l.network.network_interfaces[web->targets[1].eni].id, "eni-2");
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "target i-old of"), 1u);
  // ... and addresses in an ip group.
  const auto* api = group(l.network, kApiGroup);
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->target_type, model::TargetType::kIp);
  EXPECT_EQ(api->health_check_port, 8443);
  ASSERT_EQ(api->targets.size(), 1u);
  EXPECT_EQ(api->targets[0].ip, IpAddress::parse("10.0.2.10"));
  EXPECT_EQ(l.network.network_interfaces[api->targets[0].eni].id, "eni-2");
  const auto* fw = group(l.network, kFwGroup);
  ASSERT_NE(fw, nullptr);
  EXPECT_EQ(fw->protocol, model::LbProtocol::kGeneve);
}

// aws-vpc-services.md §0, §2, §3: cross-zone is off by default for NLB, GWLB and (through the
// API) Classic, on for ALB; client IP preservation defaults by target type and protocol. An
// attribute the snapshot gives is kept; one it does not give is left to the model's default.
TEST(AwsCliElb, AttributesAreKeptAndAbsentOnesLeftToTheModel) {
  auto s = full("awscli_elb_attributes");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  EXPECT_EQ(lb(n, kAlb)->cross_zone, true);
  EXPECT_FALSE(lb(n, kNlb)->cross_zone.has_value());
  EXPECT_FALSE(lb(n, kNlb)->cross_zone_enabled());
  EXPECT_FALSE(lb(n, kGwlb)->cross_zone_enabled());
  EXPECT_EQ(lb(n, kClassic)->cross_zone, true);  // elb describe-load-balancer-attributes
  const auto* api = group(n, kApiGroup);
  EXPECT_EQ(api->preserve_client_ip, true);
  EXPECT_FALSE(api->cross_zone.has_value());  // use_load_balancer_configuration
  const auto* web = group(n, kWebGroup);
  EXPECT_FALSE(web->preserve_client_ip.has_value());
  EXPECT_TRUE(web->preserves_client_ip());                  // instance targets
  EXPECT_FALSE(group(n, kFwGroup)->preserves_client_ip());  // ip targets, not UDP
}

TEST(AwsCliElb, ClassicLoadBalancerIsNamedByItsArn) {
  auto s = full("awscli_elb_classic");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto* clb = lb(l.network, kClassic);
  ASSERT_NE(clb, nullptr);
  EXPECT_EQ(clb->name, "legacy");
  EXPECT_EQ(clb->type, model::LoadBalancerType::kClassic);
  EXPECT_FALSE(clb->internet_facing);
  ASSERT_EQ(clb->instances.size(), 1u);
  EXPECT_EQ(clb->instances[0].text, "i-1");
  const auto index = static_cast<model::Index>(clb - l.network.load_balancers.data());
  EXPECT_EQ(l.network.find("legacy", model::Kind::kLoadBalancer),
            std::optional<model::Index>(index));
}

// aws-vpc-services.md §9.17, the AWS CLI half: `elb describe-load-balancer-attributes` with
// CrossZoneLoadBalancing Enabled: false (the API's default for a Classic Load Balancer) keeps a
// node to the instances of its own zone: a client at the node in eu-west-1b cannot reach an
// instance registered only in eu-west-1a (ELB_NOT_CROSSZONE); with Enabled: true it can.
TEST(AwsCliElb, ClassicCrossZoneComesFromItsAttributes) {
  for (bool enabled : {false, true}) {
    SCOPED_TRACE(enabled ? "Enabled: true" : "Enabled: false");
    auto s = full(std::string("awscli_elb_clb_zones_") + (enabled ? "on" : "off"));
    s.write(kDir + "ZonalClassicLoadBalancers.json", R"({"LoadBalancerDescriptions": [
      {"LoadBalancerName": "zonal", "Scheme": "internal", "VPCId": "vpc-1", "Subnets": ["subnet-a", "subnet-b"],
       "SecurityGroups": ["sg-lb"], "Instances": [{"InstanceId": "i-1"}],
       "ListenerDescriptions": [{"Listener": {"Protocol": "HTTP", "LoadBalancerPort": 80,
                                              "InstanceProtocol": "HTTP", "InstancePort": 8080}}]}]})");
    s.write(kDir + "zonal-attributes.json",
            std::string(R"({"LoadBalancerName": "zonal", "LoadBalancerAttributes": {)"
                        R"("CrossZoneLoadBalancing": {"Enabled": )") +
                (enabled ? "true" : "false") + "}}}");
    auto l = load(s.str());
    ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
    const auto* zonal = lb(l.network, kArn + "loadbalancer/zonal");
    ASSERT_NE(zonal, nullptr);
    EXPECT_EQ(zonal->cross_zone, enabled);
    std::string node_b;
    for (const auto& node : zonal->nodes) {
      if (node.subnet.text == "subnet-b") node_b = l.network.network_interfaces[node.eni].id;
    }
    ASSERT_FALSE(node_b.empty());
    // i-2 (eu-west-1b) through the node in its own zone to i-1, the only instance (eu-west-1a).
    auto t = testing::trace_between(l.network, "i-2", "i-1", 80, "tcp", node_b);
    ASSERT_TRUE(t.ok) << t.error;
    if (enabled) {
      EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
    } else {
      EXPECT_FALSE(t.trace.reachable);
      ASSERT_FALSE(t.codes.empty());
      EXPECT_EQ(t.codes.front(), "ELB_NOT_CROSSZONE") << ::testing::PrintToString(t.codes);
    }
  }
}

TEST(AwsCliElb, EndpointServiceConfigurationsAreRead) {
  auto s = full("awscli_elb_services");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  ASSERT_EQ(l.network.vpc_endpoint_services.size(), 1u);
  const auto& svc = l.network.vpc_endpoint_services[0];
  EXPECT_EQ(svc.id, "vpce-svc-1");
  EXPECT_EQ(svc.service_name, "com.amazonaws.vpce.eu-west-1.vpce-svc-1");
  EXPECT_FALSE(svc.acceptance_required);
  ASSERT_EQ(svc.network_load_balancers.size(), 1u);
  EXPECT_TRUE(svc.network_load_balancers[0].resolved());
}

// ---- Auto Scaling -----------------------------------------------------------------------------

const char* kLaunchTemplates = R"({"LaunchTemplates": [
  {"LaunchTemplateId": "lt-0abc", "LaunchTemplateName": "web", "DefaultVersionNumber": 2, "LatestVersionNumber": 2},
  {"LaunchTemplateId": "lt-0def", "LaunchTemplateName": "batch", "DefaultVersionNumber": 1, "LatestVersionNumber": 3}]})";
// describe-launch-template-versions --versions '$Default': versions not default are skipped.
const char* kLaunchTemplateVersions = R"({"LaunchTemplateVersions": [
  {"LaunchTemplateId": "lt-0abc", "VersionNumber": 1, "DefaultVersion": false,
   "LaunchTemplateData": {"SecurityGroupIds": ["sg-lb"]}},
  {"LaunchTemplateId": "lt-0abc", "LaunchTemplateName": "web", "VersionNumber": 2, "DefaultVersion": true,
   "LaunchTemplateData": {"NetworkInterfaces": [{"DeviceIndex": 0, "Groups": ["sg-web"], "AssociatePublicIpAddress": false}]}},
  {"LaunchTemplateId": "lt-0def", "VersionNumber": 1, "DefaultVersion": true,
   "LaunchTemplateData": {"SecurityGroupIds": ["sg-web"]}}]})";
const char* kLaunchConfigurations = R"({"LaunchConfigurations": [
  {"LaunchConfigurationName": "old-lc", "SecurityGroups": ["sg-web"], "AssociatePublicIpAddress": true}]})";
const char* kGroupsAsg = R"({"AutoScalingGroups": [
  {"AutoScalingGroupName": "web-asg", "VPCZoneIdentifier": "subnet-a,subnet-b",
   "LaunchTemplate": {"LaunchTemplateId": "lt-0abc", "LaunchTemplateName": "web", "Version": "$Latest"},
   "TargetGroupARNs": ["{WEB}"], "LoadBalancerNames": ["legacy"], "Instances": [{"InstanceId": "i-1"}]},
  {"AutoScalingGroupName": "batch", "VPCZoneIdentifier": "subnet-b",
   "MixedInstancesPolicy": {"LaunchTemplate": {"LaunchTemplateSpecification": {"LaunchTemplateId": "lt-0def", "Version": "3"}}}},
  {"AutoScalingGroupName": "old", "VPCZoneIdentifier": "subnet-a", "LaunchConfigurationName": "old-lc"}]})";

TEST(AwsCliElb, AutoScalingGroupsAndTheirLaunchTemplatesAreRead) {
  auto s = full("awscli_elb_asg");
  s.write(kDir + "LaunchTemplates.json", kLaunchTemplates);
  s.write(kDir + "LaunchTemplateVersions.json", kLaunchTemplateVersions);
  s.write(kDir + "LaunchConfigurations.json", kLaunchConfigurations);
  s.write(kDir + "AutoScalingGroups.json", arns(kGroupsAsg));
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  ASSERT_EQ(n.auto_scaling_groups.size(), 3u);
  const auto& web = n.auto_scaling_groups[0];
  EXPECT_EQ(web.id, "web-asg");
  ASSERT_EQ(web.subnets.size(), 2u);
  EXPECT_EQ(web.subnets[1].text, "subnet-b");
  EXPECT_EQ(web.subnets[1].at.column, 70u);  // located in VPCZoneIdentifier
  EXPECT_EQ(web.launch_template.text, "lt-0abc");
  ASSERT_EQ(web.load_balancers.size(), 1u);
  EXPECT_EQ(web.load_balancers[0].text, kClassic);  // LoadBalancerNames: the Classic one's name
  // The default version's settings: the primary interface's groups.
  ASSERT_EQ(n.launch_templates.size(), 3u);
  auto template_of = [&](const std::string& id) -> const model::LaunchTemplate& {
    for (const auto& t : n.launch_templates) {
      if (t.id == id) return t;
    }
    ADD_FAILURE() << "no launch template " << id;
    return n.launch_templates.front();
  };
  const auto& lt = template_of("lt-0abc");
  EXPECT_EQ(lt.name, "web");
  ASSERT_EQ(lt.security_groups.size(), 1u);
  EXPECT_EQ(lt.security_groups[0].text, "sg-web");
  EXPECT_EQ(lt.associate_public_ip, false);
  EXPECT_EQ(template_of("lt-0def").security_groups.size(), 1u);
  EXPECT_EQ(template_of("old-lc").associate_public_ip, true);  // describe-launch-configurations
  EXPECT_EQ(n.auto_scaling_groups[1].launch_template.text, "lt-0def");  // MixedInstancesPolicy
  EXPECT_EQ(n.auto_scaling_groups[2].launch_template.text, "old-lc");
  // finalize(): one representative per subnet, registered in the groups' target groups (its
  // Instances, i-1, are already targets through describe-target-health).
  EXPECT_EQ(web.instances.size(), 2u);
  EXPECT_EQ(group(n, kWebGroup)->targets.size(), 4u);
  EXPECT_EQ(lb(n, kClassic)->instances.size(), 3u);
  // batch launches version 3, not the default version 1 whose settings the snapshot holds;
  // web-asg's $Latest is its default version 2.
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "launches version"), 1u)
      << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "group batch launches version 3"),
            1u);
}

// ---- wrappers ---------------------------------------------------------------------------------

// The attribute and target health answers, wrapped one per file (the name after the answer)
// or as lists of wrappers, read the same.
class AwsCliElbWrappers : public ::testing::TestWithParam<bool> {};

TEST_P(AwsCliElbWrappers, NameWhatTheAnswerDescribes) {
  auto s = full(GetParam() ? "awscli_elb_wrapper_lists" : "awscli_elb_wrapper_files", GetParam());
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  expect_only_expected_warnings(l.diagnostics);
  const auto& n = l.network;
  EXPECT_EQ(lb(n, kAlb)->cross_zone, true);
  EXPECT_EQ(lb(n, kClassic)->cross_zone, true);
  EXPECT_EQ(group(n, kApiGroup)->preserve_client_ip, true);
  EXPECT_EQ(group(n, kWebGroup)->targets.size(), 2u);
  EXPECT_EQ(group(n, kApiGroup)->targets.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Forms, AwsCliElbWrappers, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Lists" : "Files"; });

// Batfish's LoadBalancerListeners and cloudtwin's ListenerRules, and a file that names the
// listener of rules whose ARNs do not.
TEST(AwsCliElb, ListenersAndRulesComeWrappedToo) {
  auto s = full("awscli_elb_wrapped_listeners");
  s.write(kDir + "Listeners.json",
          arns(R"({"LoadBalancerListeners": [{"LoadBalancerArn": "{ALB}", "Listeners": [
    {"ListenerArn": "{LISTENER}", "Port": 80, "Protocol": "HTTP"}]}]})"));
  s.write(kDir + "Rules.json", arns(R"({"ListenerRules": [{"ListenerArn": "{LISTENER}", "Rules": [
    {"RuleArn": "rule-default", "Priority": "default", "IsDefault": true, "Actions": [{"Type": "forward", "TargetGroupArn": "{WEB}"}]}]}]})"));
  s.write(kDir + "more-rules.json", arns(R"({"Rules": [
    {"RuleArn": "rule-1", "Priority": "5", "Actions": [{"Type": "redirect"}]}], "ListenerArn": "{LISTENER}"})"));
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto* http = listener_of(l.network, kAlb);
  ASSERT_NE(http, nullptr);
  // The default action comes from the IsDefault rule here (the listener lists none).
  ASSERT_EQ(http->default_rule.target_groups.size(), 1u);
  EXPECT_EQ(http->default_rule.target_groups[0].target_group.text, kWebGroup);
  ASSERT_EQ(http->rules.size(), 1u);
  EXPECT_EQ(l.network.listener_rules[http->rules[0]].action, model::ListenerAction::kRedirect);
}

// ---- left out ---------------------------------------------------------------------------------

// A target group outlives its VPC (Batfish's transit-gateway-peering snapshot has six): it is
// left out with a located warning, and so is what names it.
TEST(AwsCliElb, TargetGroupInAVpcOutsideTheSnapshotIsLeftOut) {
  auto s = full("awscli_elb_stale_group");
  s.write(
      kDir + "stale.json",
      arns(
          R"({"TargetGroups": [{"TargetGroupArn": "{ARN}targetgroup/old/1", "TargetType": "instance",
    "Protocol": "TCP", "Port": 80,
    "VpcId": "vpc-gone"}]})"));
  s.write(kDir + "stale-health.json", arns(R"({"LoadBalancerTargetHealth": [
    {"TargetGroupArn": "{ARN}targetgroup/old/1", "TargetHealthDescriptions": [{"Target": {"Id": "i-9"}}]}]})"));
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.target_groups.size(), 3u);
  const Diagnostic* gap = nullptr;
  for (const auto& item : l.diagnostics.items()) {
    if (item.message.find("vpc-gone") != std::string::npos) gap = &item;
  }
  ASSERT_NE(gap, nullptr) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(gap->gap, Gap::kLeftOut);
  EXPECT_TRUE(gap->file.ends_with("stale.json"));
  EXPECT_EQ(gap->line, 3u);
}

TEST(AwsCliElb, QuicListenerIsLeftOutWithAWarning) {
  auto s = full("awscli_elb_quic");
  s.write(kDir + "quic.json",
          arns(R"({"Listeners": [{"ListenerArn": "{ARN}listener/net/api/73e2d6bc24d8a067/9",
    "LoadBalancerArn": "{NLB}", "Port": 443, "Protocol": "QUIC",
    "DefaultActions": [{"Type": "forward", "TargetGroupArn": "{API}"}]}]})"));
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.listeners.size(), 4u);
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "uses QUIC"), 1u);
}

// ---- bad input --------------------------------------------------------------------------------

struct BadCase {
  const char* name;
  const char* text;  // {ALB}, ... replaced by ARNs
  const char* message;
  std::uint32_t line;
};

class AwsCliElbBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(AwsCliElbBadInput, IsALocatedError) {
  const auto& c = GetParam();
  auto s = full(std::string("awscli_elb_bad_") + c.name);
  s.write(kDir + "bad.json", arns(c.text));
  auto l = load(s.str());
  EXPECT_FALSE(l.ok);
  bool found = false;
  for (const auto& item : l.diagnostics.items()) {
    if (item.severity == Severity::kError && item.message.find(c.message) != std::string::npos &&
        item.file.ends_with("bad.json")) {
      found = true;
      EXPECT_EQ(item.line, c.line) << item.str();
    }
  }
  EXPECT_TRUE(found) << dump_diagnostics(l.diagnostics);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AwsCliElbBadInput,
    ::testing::Values(
        BadCase{
            "ListenerPortNotANumber",
            R"({"Listeners": [{"ListenerArn": "{ARN}listener/app/web/50dc6c495c0c9188/9", "LoadBalancerArn": "{ALB}",
                   "Port": "x", "Protocol": "HTTP", "DefaultActions": [{"Type": "redirect"}]}]})",
            "`Port`: `x` is not an integer", 2},
        BadCase{"UnknownLoadBalancerType",
                R"({"LoadBalancers": [{"LoadBalancerArn": "{ARN}loadbalancer/app/x/1",
                   "Type": "magic", "AvailabilityZones": []}]})",
                "`Type`: unknown load balancer type `magic`", 2},
        BadCase{
            "UnknownScheme",
            R"({"LoadBalancers": [{"LoadBalancerArn": "{ARN}loadbalancer/app/x/1", "Type": "application",
                   "Scheme": "public"}]})",
            "`Scheme`: unknown scheme `public`", 2},
        BadCase{"UnknownTargetType",
                R"({"TargetGroups": [{"TargetGroupArn": "{ARN}targetgroup/x/1",
                   "TargetType": "container", "Protocol": "HTTP", "Port": 80, "VpcId": "vpc-1"}]})",
                "`TargetType`: unknown target type `container`", 2},
        BadCase{"UnknownProtocol",
                R"({"TargetGroups": [{"TargetGroupArn": "{ARN}targetgroup/x/1", "Port": 80,
                   "Protocol": "SCTP", "VpcId": "vpc-1"}]})",
                "`Protocol`: unknown protocol `SCTP`", 2},
        BadCase{
            "HealthCheckPortNotANumber",
            R"({"TargetGroups": [{"TargetGroupArn": "{ARN}targetgroup/x/1", "Protocol": "HTTP", "Port": 80,
                   "HealthCheckPort": "x", "VpcId": "vpc-1"}]})",
            "`HealthCheckPort`: `x` is not an integer", 2},
        // finalize(): a dangling reference in a snapshot is an error, located where it is written.
        BadCase{
            "ListenerOfNoLoadBalancer",
            R"({"Listeners": [{"ListenerArn": "{ARN}listener/app/nope/1/2", "Port": 80, "Protocol": "HTTP",
                   "LoadBalancerArn": "{ARN}loadbalancer/app/nope/1", "DefaultActions": [{"Type": "redirect"}]}]})",
            "no LoadBalancer "
            "`arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/nope/1`",
            2},
        BadCase{"ListenerWithoutDefaultAction",
                R"({"Listeners": [
                   {"ListenerArn": "{ARN}listener/app/web/50dc6c495c0c9188/9", "LoadBalancerArn": "{ALB}", "Port": 81, "Protocol": "HTTP"}]})",
                "has no default action", 2},
        BadCase{
            "UnknownActionType",
            R"({"Listeners": [{"ListenerArn": "{ARN}listener/app/web/50dc6c495c0c9188/9", "LoadBalancerArn": "{ALB}",
                   "Port": 81, "Protocol": "HTTP", "DefaultActions": [{"Type": "teleport"}]}]})",
            "`Type`: unknown action `teleport`", 2},
        BadCase{
            "TwoActionsThatEndTheRule",
            R"({"Listeners": [{"ListenerArn": "{ARN}listener/app/web/50dc6c495c0c9188/9", "LoadBalancerArn": "{ALB}",
                   "Port": 81, "Protocol": "HTTP", "DefaultActions": [{"Type": "redirect"},
                   {"Type": "fixed-response"}]}]})",
            "has two actions that end the rule", 3},
        BadCase{"RulePriorityNotANumber",
                R"({"Rules": [{"RuleArn": "{RULE}9",
                   "Priority": "first", "Actions": [{"Type": "redirect"}]}]})",
                "`Priority`: `first` is not an integer", 2},
        BadCase{
            "UnknownConditionField",
            R"({"Rules": [{"RuleArn": "{RULE}9", "Priority": "30", "Actions": [{"Type": "redirect"}],
                   "Conditions": [{"Field": "moon-phase", "Values": ["full"]}]}]})",
            "`Field`: unknown condition `moon-phase`", 2},
        BadCase{"RuleOfNoListener",
                R"({"Rules": [{"RuleArn": "rule-9", "Priority": "30",
                   "Actions": [{"Type": "redirect"}]}]})",
                "cannot tell the listener of rule rule-9", 1},
        BadCase{"AttributesWithoutWhatTheyDescribe",
                R"({"Attributes": [
                   {"Key": "load_balancing.cross_zone.enabled", "Value": "true"}]})",
                "`Attributes` does not say what it describes", 2},
        BadCase{"TargetHealthWithoutItsGroup",
                R"({"TargetHealthDescriptions": [
                   {"Target": {"Id": "i-1"}, "TargetHealth": {"State": "healthy"}}]})",
                "`TargetHealthDescriptions` does not say what it describes", 2},
        BadCase{"ClassicAttributesWithoutTheName",
                R"({"LoadBalancerAttributes":
                   {"CrossZoneLoadBalancing": {"Enabled": true}}})",
                "`LoadBalancerAttributes` does not say what it describes", 2},
        BadCase{
            "AttributeValueNotABoolean",
            R"({"LoadBalancerArn": "{NLB}", "Attributes": [{"Key": "load_balancing.cross_zone.enabled",
                   "Value": "maybe"}]})",
            "`load_balancing.cross_zone.enabled`: `maybe` is not true or false", 2},
        BadCase{
            "AttributesOfNoLoadBalancer",
            R"({"LoadBalancerAttributes": [{"Attributes": [{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}],
                   "LoadBalancerArn": "{ARN}loadbalancer/net/nope/1"}]})",
            "no LoadBalancer "
            "`arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/nope/1` in the "
            "snapshot",
            2},
        BadCase{"IpTargetNotAnAddress",
                R"({"TargetGroupArn": "{API}", "TargetHealthDescriptions": [
                   {"Target": {"Id": "i-1", "Port": 443}}]})",
                "`Id`: `i-1` is not an IP address", 2},
        BadCase{
            "UnknownTargetHealth",
            R"({"TargetGroupArn": "{WEB}", "TargetHealthDescriptions": [{"Target": {"Id": "i-1"},
                   "TargetHealth": {"State": "sleepy"}}]})",
            "`State`: unknown target health `sleepy`", 2},
        BadCase{
            "ClassicCrossZoneNotABoolean",
            R"({"LoadBalancerName": "legacy", "LoadBalancerAttributes": {"CrossZoneLoadBalancing":
                   {"Enabled": "yes"}}})",
            "`Enabled` must be a boolean", 2},
        BadCase{
            "ClassicListenerPortOutOfRange",
            R"({"LoadBalancerDescriptions": [{"LoadBalancerName": "legacy2", "VPCId": "vpc-1", "Subnets": ["subnet-b"],
                   "ListenerDescriptions": [{"Listener": {"Protocol": "TCP", "LoadBalancerPort": 70000}}]}]})",
            "LoadBalancerPort", 2},
        BadCase{"WrapperNameNotAString", R"({"Attributes": [],
                   "LoadBalancerArn": 7})",
                "`LoadBalancerArn` must be a string", 2}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cloudtwin::load
