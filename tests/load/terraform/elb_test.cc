// The Terraform reader's load balancing types: aws_lb / aws_alb, their listeners, rules, target
// groups and attachments, Classic aws_elb and its attachments, launch templates and
// configurations, Auto Scaling groups and their attachments, endpoint services and their
// principals. Each attribute read, the defaults the provider and AWS apply, states and plans,
// traces through what is read, and bad input as located errors (shared/reference/
// aws-vpc-services.md §0-§3, §7.2, §9). The CloudFormation equivalents are in
// tests/load/cloudformation/elb_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "cloudtwin/load/load.h"
#include "cloudtwin/load/terraform.h"
#include "trace_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump_diagnostics;

struct Loaded {
  model::Network network;
  Diagnostics diagnostics;
  bool ok = false;
};

// Reads `json` as a file and finalizes it.
Loaded load_text(const std::string& json, const std::string& name = "elb_state.json") {
  Loaded l;
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << json;
  l.ok = load_network({path.string()}, l.network, l.diagnostics);
  return l;
}

// One resource of a state: `values` written as JSON.
std::string res(const std::string& address, const std::string& values) {
  const std::string type = address.substr(0, address.find('.'));
  const std::string name = address.substr(address.find('.') + 1);
  return R"({"address": ")" + address + R"(", "mode": "managed", "type": ")" + type +
         R"(", "name": ")" + name + R"(", "values": {)" + values + "}}";
}

const std::string kArn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:";

// A VPC with public subnets in two zones (routed to an internet gateway) and application
// subnets in the same zones; a group for load balancers (80-443 from anywhere) and one for
// the servers (8080 from the load balancers' group); a server in each application subnet.
std::string base_resources() {
  const std::string all_out =
      R"("egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"],
        "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false}])";
  return res("aws_vpc.main", R"("id": "vpc-1", "cidr_block": "10.0.0.0/16")") + ",\n" +
         res("aws_subnet.pub_a",
             R"("id": "subnet-pa", "vpc_id": "vpc-1", "cidr_block": "10.0.0.0/24", "availability_zone": "us-east-1a")") +
         ",\n" +
         res("aws_subnet.pub_b",
             R"("id": "subnet-pb", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24", "availability_zone": "us-east-1b")") +
         ",\n" +
         res("aws_subnet.app_a",
             R"("id": "subnet-aa", "vpc_id": "vpc-1", "cidr_block": "10.0.10.0/24", "availability_zone": "us-east-1a")") +
         ",\n" +
         res("aws_subnet.app_b",
             R"("id": "subnet-ab", "vpc_id": "vpc-1", "cidr_block": "10.0.11.0/24", "availability_zone": "us-east-1b")") +
         ",\n" + res("aws_internet_gateway.gw", R"("id": "igw-1", "vpc_id": "vpc-1")") + ",\n" +
         res("aws_route_table.public",
             R"("id": "rtb-pub", "vpc_id": "vpc-1", "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"}])") +
         ",\n" +
         res("aws_route_table_association.a",
             R"("id": "rtbassoc-a", "subnet_id": "subnet-pa", "route_table_id": "rtb-pub")") +
         ",\n" +
         res("aws_route_table_association.b",
             R"("id": "rtbassoc-b", "subnet_id": "subnet-pb", "route_table_id": "rtb-pub")") +
         ",\n" +
         res("aws_security_group.lb",
             R"("id": "sg-lb", "name": "lb", "vpc_id": "vpc-1", "ingress": [{"from_port": 80,
             "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [],
             "prefix_list_ids": [], "security_groups": [], "self": false}], )" +
                 all_out) +
         ",\n" +
         res("aws_security_group.web",
             R"("id": "sg-web", "name": "web", "vpc_id": "vpc-1", "ingress": [{"from_port": 8080,
             "to_port": 8080, "protocol": "tcp", "cidr_blocks": [], "ipv6_cidr_blocks": [],
             "prefix_list_ids": [], "security_groups": ["sg-lb"], "self": false}], )" +
                 all_out) +
         ",\n" +
         res("aws_instance.web_a",
             R"("id": "i-web-a", "subnet_id": "subnet-aa", "private_ip": "10.0.10.10",
             "vpc_security_group_ids": ["sg-web"], "tags": {"Name": "web-a"})") +
         ",\n" +
         res("aws_instance.web_b",
             R"("id": "i-web-b", "subnet_id": "subnet-ab", "private_ip": "10.0.11.10",
             "vpc_security_group_ids": ["sg-web"], "tags": {"Name": "web-b"})");
}

std::string state(const std::string& extra) {
  return R"({"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": [
)" + base_resources() +
         (extra.empty() ? "" : ",\n" + extra) + "]}}}";
}

// An ALB in both public subnets with the lb group, and a target group of port 8080 holding
// web-a (the ARNs as the state holds them).
std::string alb(const std::string& more = "", const std::string& internal = "false") {
  return res("aws_lb.web", R"("id": ")" + kArn + R"(loadbalancer/app/web/1111", "arn": ")" + kArn +
                               R"(loadbalancer/app/web/1111", "name": "web", "internal": )" +
                               internal + R"(,
             "load_balancer_type": "application", "subnets": ["subnet-pa", "subnet-pb"],
             "security_groups": ["sg-lb"], "dns_name": "web-1.us-east-1.elb.amazonaws.com")" +
                               more) +
         ",\n" +
         res("aws_lb_target_group.app",
             R"("id": ")" + kArn + R"(targetgroup/app/2222", "name": "app", "port": 8080,
             "protocol": "HTTP", "vpc_id": "vpc-1", "target_type": "instance")") +
         ",\n" +
         res("aws_lb_target_group_attachment.a",
             R"("id": "att-a", "target_group_arn": ")" + kArn +
                 R"(targetgroup/app/2222", "target_id": "i-web-a")");
}

std::string https_listener() {
  return res("aws_lb_listener.https",
             R"("id": ")" + kArn + R"(listener/app/web/1111/3333", "load_balancer_arn": ")" + kArn +
                 R"(loadbalancer/app/web/1111", "port": 443, "protocol": "HTTPS",
             "default_action": [{"type": "forward", "target_group_arn": ")" +
                 kArn +
                 R"(targetgroup/app/2222", "forward": [], "redirect": [], "fixed_response": []}])");
}

template <class R>
const R& by_name(const std::vector<R>& list, const std::string& name) {
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const R& r) { return r.name == name || r.id == name; });
  if (it == list.end()) throw std::runtime_error("no " + name);
  return *it;
}

const Diagnostic* find_diagnostic(const Loaded& l, Severity s, const std::string& text) {
  for (const auto& d : l.diagnostics.items()) {
    if (d.severity == s && d.message.find(text) != std::string::npos) return &d;
  }
  return nullptr;
}

// ---- attributes read ----------------------------------------------------------------------------

// aws_lb, aws_lb_listener, aws_lb_listener_rule, aws_lb_target_group and its attachments: what
// decides forwarding (§7.2), linked by finalize() as ELB links them; ids are the state's ARNs
// and the addresses aliases.
TEST(TerraformElb, ApplicationLoadBalancerListenerRulesAndTargetGroups) {
  const std::string blue = kArn + "targetgroup/blue/4444";
  const std::string http = kArn + "listener/app/web/1111/5555";
  auto l = load_text(state(
      alb(R"(, "ip_address_type": "dualstack",
          "subnet_mapping": [{"subnet_id": "subnet-pa", "allocation_id": "", "private_ipv4_address": "", "ipv6_address": ""},
                             {"subnet_id": "subnet-pb", "allocation_id": "", "private_ipv4_address": "", "ipv6_address": ""}])",
          "true") +
      ",\n" +
      res("aws_lb_target_group.blue",
          R"("id": ")" + blue + R"(", "name": "blue", "port": 80, "protocol": "http",
          "vpc_id": "vpc-1", "load_balancing_cross_zone_enabled": "false",
          "health_check": [{"enabled": true, "port": "8081", "protocol": "HTTP"}])") +
      ",\n" +
      res("aws_lb_target_group_attachment.blue_a",
          R"("target_group_arn": ")" + blue + R"(", "target_id": "i-web-a", "port": 9090)") +
      ",\n" +
      res("aws_lb_target_group_attachment.blue_b",
          R"("target_group_arn": ")" + blue +
              R"(", "target_id": "i-web-b", "availability_zone": "all")") +
      ",\n" +
      res("aws_lb_listener.http", R"("id": ")" + http + R"(", "load_balancer_arn": ")" + kArn +
                                      R"(loadbalancer/app/web/1111", "port": 80, "protocol": "HTTP",
          "default_action": [{"type": "forward", "target_group_arn": "", "forward": [{"target_group": [
            {"arn": ")" + kArn + R"(targetgroup/app/2222", "weight": 3}, {"arn": ")" +
                                      blue + R"(", "weight": 0}], "stickiness": []}]}])") +
      ",\n" +
      res("aws_lb_listener_rule.admin",
          R"("id": ")" + kArn + R"(listener-rule/app/web/1111/5555/6666", "listener_arn": ")" +
              http +
              R"(", "priority": 10,
          "condition": [{"source_ip": [{"values": ["192.0.2.0/24"]}], "path_pattern": [], "host_header": []},
                        {"source_ip": [], "path_pattern": [{"values": ["/admin/*"]}], "host_header": []}],
          "action": [{"type": "forward", "target_group_arn": ")" +
              blue + R"(", "forward": []}])") +
      ",\n" +
      res("aws_alb_listener_rule.moved", R"("listener_arn": ")" + http + R"(", "priority": 5,
          "condition": [{"host_header": [{"values": ["old.example.com"]}]}],
          "action": [{"type": "authenticate-oidc", "order": 1},
                     {"type": "redirect", "order": 2, "redirect": [{"host": "new.example.com", "status_code": "HTTP_301"}]}])")));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.diagnostics.error_count(), 0u) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  const auto& lb = by_name(n.load_balancers, "web");
  EXPECT_EQ(lb.id, kArn + "loadbalancer/app/web/1111");
  EXPECT_EQ(n.find("aws_lb.web", model::Kind::kLoadBalancer),
            n.find(lb.id, model::Kind::kLoadBalancer));
  EXPECT_EQ(lb.type, model::LoadBalancerType::kApplication);
  EXPECT_FALSE(lb.internet_facing);
  EXPECT_TRUE(lb.dualstack);
  EXPECT_EQ(lb.dns_name, "web-1.us-east-1.elb.amazonaws.com");
  ASSERT_EQ(lb.nodes.size(), 2u);
  EXPECT_NE(lb.nodes[0].eni, model::kNone);  // finalize made the node interfaces
  EXPECT_EQ(lb.security_groups.size(), 1u);
  EXPECT_TRUE(lb.cross_zone_enabled());

  const auto& listener = by_name(n.listeners, http);
  EXPECT_EQ(listener.port, 80);
  EXPECT_EQ(listener.protocol, model::LbProtocol::kHttp);
  EXPECT_EQ(listener.default_rule.id, http + "/default");
  ASSERT_EQ(listener.default_rule.target_groups.size(), 2u);
  EXPECT_EQ(listener.default_rule.target_groups[0].weight, 3);
  EXPECT_EQ(listener.default_rule.target_groups[1].weight, 0);
  // Rules by ascending priority.
  ASSERT_EQ(listener.rules.size(), 2u);
  const auto& moved = n.listener_rules[listener.rules[0]];
  const auto& admin = n.listener_rules[listener.rules[1]];
  EXPECT_EQ(moved.id, "aws_alb_listener_rule.moved");  // a state without its id: the address
  EXPECT_EQ(moved.action, model::ListenerAction::kRedirect);
  EXPECT_TRUE(moved.other_conditions);
  EXPECT_EQ(admin.priority, 10);
  ASSERT_EQ(admin.source_ips.size(), 1u);
  EXPECT_EQ(admin.source_ips[0].str(), "192.0.2.0/24");
  EXPECT_TRUE(admin.other_conditions);
  ASSERT_EQ(admin.target_groups.size(), 1u);
  EXPECT_EQ(admin.target_groups[0].target_group.text, blue);

  const auto& tg = by_name(n.target_groups, "blue");
  EXPECT_EQ(tg.protocol, model::LbProtocol::kHttp);  // the provider takes any case
  EXPECT_EQ(tg.port, 80);
  EXPECT_EQ(tg.health_check_port.value_or(0), 8081);
  EXPECT_EQ(tg.cross_zone.value_or(true), false);
  ASSERT_EQ(tg.targets.size(), 2u);
  EXPECT_EQ(tg.targets[0].port.value_or(0), 9090);
  EXPECT_EQ(tg.targets[1].availability_zone, "all");
  EXPECT_NE(tg.targets[0].eni, model::kNone);
  EXPECT_EQ(tg.load_balancers.size(), 1u);
}

// A Network Load Balancer's subnet_mapping (§2): an Elastic IP and a private address per subnet;
// ip targets; the attributes that decide client IP preservation and cross-zone balancing.
TEST(TerraformElb, NetworkLoadBalancerSubnetMappingsAndAttributes) {
  auto l = load_text(state(
      res("aws_eip.a", R"("id": "eipalloc-a", "public_ip": "198.51.100.7")") + ",\n" +
      res("aws_lb.nlb",
          R"("id": ")" + kArn +
              R"(loadbalancer/net/nlb/7777", "name": "nlb", "load_balancer_type": "network",
          "subnet_mapping": [{"subnet_id": "subnet-pa", "allocation_id": "eipalloc-a"},
                             {"subnet_id": "subnet-pb", "private_ipv4_address": "10.0.1.50"}],
          "subnets": ["subnet-pa", "subnet-pb"], "security_groups": ["sg-lb"],
          "enable_cross_zone_load_balancing": true,
          "enforce_security_group_inbound_rules_on_private_link_traffic": "off")") +
      ",\n" +
      res("aws_lb_target_group.ips",
          R"("id": ")" + kArn + R"(targetgroup/ips/8888", "name": "ips", "target_type": "ip",
          "port": 443, "protocol": "TCP", "vpc_id": "vpc-1", "ip_address_type": "ipv4",
          "preserve_client_ip": "true", "proxy_protocol_v2": false)") +
      ",\n" +
      res("aws_lb_target_group_attachment.ip1",
          R"("target_group_arn": ")" + kArn +
              R"(targetgroup/ips/8888", "target_id": "10.0.10.10")") +
      ",\n" +
      res("aws_lb_target_group_attachment.ip2",
          R"("target_group_arn": ")" + kArn +
              R"(targetgroup/ips/8888", "target_id": "172.16.0.5", "availability_zone": "all")") +
      ",\n" +
      res("aws_lb_target_group.six",
          R"("name": "six", "target_type": "ip", "port": 443, "protocol": "TCP", "vpc_id": "vpc-1",
          "ip_address_type": "ipv6")") +
      ",\n" +
      res("aws_lb_listener.tls", R"("load_balancer_arn": ")" + kArn +
                                     R"(loadbalancer/net/nlb/7777", "port": 443, "protocol": "TCP",
          "default_action": [{"type": "forward", "target_group_arn": ")" +
                                     kArn + R"(targetgroup/ips/8888"}])")));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  const auto& nlb = by_name(n.load_balancers, "nlb");
  EXPECT_EQ(nlb.type, model::LoadBalancerType::kNetwork);
  ASSERT_EQ(nlb.nodes.size(), 2u);
  EXPECT_TRUE(nlb.nodes[0].elastic_ip.resolved());
  EXPECT_EQ(nlb.nodes[1].private_ip->str(), "10.0.1.50");
  EXPECT_EQ(nlb.cross_zone.value_or(false), true);
  EXPECT_FALSE(nlb.enforce_security_groups_on_private_link);
  const auto& ips = by_name(n.target_groups, "ips");
  EXPECT_EQ(ips.target_type, model::TargetType::kIp);
  ASSERT_EQ(ips.targets.size(), 2u);
  EXPECT_EQ(ips.targets[0].ip->str(), "10.0.10.10");
  EXPECT_EQ(ips.targets[1].availability_zone, "all");
  EXPECT_EQ(ips.preserve_client_ip.value_or(false), true);
  EXPECT_FALSE(ips.ipv6);
  EXPECT_TRUE(by_name(n.target_groups, "six").ipv6);
  EXPECT_EQ(by_name(n.listeners, "aws_lb_listener.tls").protocol, model::LbProtocol::kTcp);
}

// ---- defaults ----------------------------------------------------------------------------------

// Cross-zone (§0): always on for an ALB (whatever enable_cross_zone_load_balancing says: the
// provider's default is false), off by default for an NLB and a GWLB;
// `use_load_balancer_configuration` inherits. aws_lb is internet-facing unless `internal`
// (CreateLoadBalancer); a GWLB has no scheme; a listener without `protocol` takes the provider's
// default by type, a GWLB's listener GENEVE without a port; target_type defaults to instance.
TEST(TerraformElb, DefaultsFollowTheProviderAndElasticLoadBalancing) {
  auto l = load_text(state(
      alb(R"(, "enable_cross_zone_load_balancing": false)") + ",\n" +
      res("aws_lb.nlb",
          R"("name": "nlb", "load_balancer_type": "network", "subnets": ["subnet-pa"])") +
      ",\n" +
      res("aws_lb.gwlb",
          R"("name": "gwlb", "load_balancer_type": "gateway", "subnets": ["subnet-pb"], "security_groups": [])") +
      ",\n" +
      res("aws_lb_target_group.inherit",
          R"("name": "inherit", "port": 80, "protocol": "TCP", "vpc_id": "vpc-1",
          "load_balancing_cross_zone_enabled": "use_load_balancer_configuration")") +
      ",\n" +
      res("aws_lb_target_group.geneve",
          R"("name": "geneve", "port": 6081, "protocol": "GENEVE", "vpc_id": "vpc-1")") +
      ",\n" +
      res("aws_lb_listener.nlb",
          R"("load_balancer_arn": "aws_lb.nlb", "port": 80,
          "default_action": [{"type": "forward", "target_group_arn": "aws_lb_target_group.inherit"}])") +
      ",\n" +
      res("aws_lb_listener.gwlb",
          R"("load_balancer_arn": "aws_lb.gwlb",
          "default_action": [{"type": "forward", "target_group_arn": "aws_lb_target_group.geneve"}])")));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  const auto& web = by_name(n.load_balancers, "web");
  const auto& nlb = by_name(n.load_balancers, "nlb");
  const auto& gwlb = by_name(n.load_balancers, "gwlb");
  EXPECT_TRUE(web.internet_facing);
  EXPECT_FALSE(web.cross_zone.has_value());
  EXPECT_TRUE(web.cross_zone_enabled());
  EXPECT_TRUE(nlb.internet_facing);
  EXPECT_FALSE(nlb.cross_zone.has_value());
  EXPECT_FALSE(nlb.cross_zone_enabled());
  EXPECT_FALSE(gwlb.internet_facing);
  EXPECT_FALSE(gwlb.cross_zone_enabled());
  EXPECT_FALSE(by_name(n.target_groups, "inherit").cross_zone.has_value());
  EXPECT_EQ(by_name(n.target_groups, "app").target_type, model::TargetType::kInstance);
  EXPECT_EQ(by_name(n.listeners, "aws_lb_listener.nlb").protocol, model::LbProtocol::kTcp);
  const auto& gl = by_name(n.listeners, "aws_lb_listener.gwlb");
  EXPECT_EQ(gl.protocol, model::LbProtocol::kGeneve);
  EXPECT_EQ(gl.port, 0);
}

// aws_elb (§3): its id is its name; listener blocks front port -> instance port; instances
// registered directly or by aws_elb_attachment; without security_groups its nodes get the VPC's
// default group (elb-vpc-security-groups.html; finalize(), as for every format). Terraform's
// cross_zone_load_balancing defaults to true, unlike the API's false (§9.17).
TEST(TerraformElb, ClassicLoadBalancer) {
  auto l = load_text(state(
      res("aws_elb.legacy",
          R"("id": "legacy", "name": "legacy", "internal": true, "subnets": ["subnet-pa", "subnet-pb"],
          "security_groups": [], "instances": ["i-web-a"],
          "listener": [{"lb_port": 443, "lb_protocol": "https", "instance_port": 8080, "instance_protocol": "http"},
                       {"lb_port": 25, "lb_protocol": "tcp", "instance_port": 2525, "instance_protocol": "tcp"}])") +
      ",\n" +
      res("aws_elb_attachment.b", R"("id": "legacy-att", "elb": "legacy", "instance": "i-web-b")") +
      ",\n" +
      res("aws_elb.off",
          R"("name": "off", "subnets": ["subnet-pa"], "cross_zone_load_balancing": false,
          "listener": [{"lb_port": 80, "lb_protocol": "http", "instance_port": 80, "instance_protocol": "http"}])")));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  const auto& clb = by_name(n.load_balancers, "legacy");
  EXPECT_EQ(clb.id, "legacy");
  EXPECT_EQ(n.find("aws_elb.legacy", model::Kind::kLoadBalancer),
            n.find("legacy", model::Kind::kLoadBalancer));
  EXPECT_EQ(clb.type, model::LoadBalancerType::kClassic);
  EXPECT_FALSE(clb.internet_facing);
  EXPECT_EQ(clb.cross_zone, std::optional<bool>(true));  // absent: Terraform's default
  EXPECT_EQ(clb.instances.size(), 2u);
  EXPECT_TRUE(clb.security_groups.empty());
  const auto& node = n.network_interfaces[clb.nodes.at(0).eni];
  ASSERT_EQ(node.security_groups.size(), 1u);
  EXPECT_EQ(node.security_groups[0].index, n.vpcs[0].default_security_group);
  ASSERT_EQ(clb.listeners.size(), 2u);
  const auto& smtp = n.listeners[clb.listeners[0]];  // by port
  const auto& https = n.listeners[clb.listeners[1]];
  EXPECT_EQ(smtp.id, "legacy:25");
  EXPECT_EQ(smtp.port, 25);
  EXPECT_EQ(smtp.instance_port, 2525);
  EXPECT_EQ(https.protocol, model::LbProtocol::kHttps);
  EXPECT_EQ(https.instance_protocol, model::LbProtocol::kHttp);
  EXPECT_EQ(by_name(n.load_balancers, "off").cross_zone, std::optional<bool>(false));
}

// ---- Auto Scaling ----------------------------------------------------------------------------

// An Auto Scaling group becomes one representative instance per subnet (finalize), launched with
// its launch template's (or configuration's) groups and public address and registered in its
// target groups (target_group_arns, aws_autoscaling_attachment) and Classic Load Balancers.
TEST(TerraformElb, AutoScalingGroupsRegisterRepresentativeInstances) {
  auto l = load_text(state(
      alb() + ",\n" +
      res("aws_launch_template.web",
          R"("id": "lt-0web", "name": "web-lt", "vpc_security_group_ids": [],
          "network_interfaces": [{"device_index": 0, "security_groups": ["sg-web"],
            "associate_public_ip_address": "true", "subnet_id": ""}])") +
      ",\n" +
      res("aws_launch_template.plain",
          R"("id": "lt-0plain", "name": "plain", "vpc_security_group_ids": ["sg-web"], "network_interfaces": [])") +
      ",\n" +
      res("aws_launch_configuration.old",
          R"("id": "old-lc", "name": "old-lc", "security_groups": ["sg-web"], "associate_public_ip_address": true)") +
      ",\n" +
      res("aws_elb.classic",
          R"("id": "classic", "name": "classic", "subnets": ["subnet-pa", "subnet-pb"],
          "listener": [{"lb_port": 80, "lb_protocol": "http", "instance_port": 80, "instance_protocol": "http"}])") +
      ",\n" +
      res("aws_autoscaling_group.web",
          R"("id": "web-asg", "name": "web-asg", "vpc_zone_identifier": ["subnet-aa", "subnet-ab"],
          "launch_template": [{"id": "lt-0web", "name": "web-lt", "version": "$Latest"}],
          "mixed_instances_policy": [], "launch_configuration": "",
          "target_group_arns": [], "load_balancers": ["classic"], "tags": [{"key": "Name", "value": "x"}])") +
      ",\n" +
      res("aws_autoscaling_attachment.web",
          R"("autoscaling_group_name": "web-asg", "lb_target_group_arn": ")" + kArn +
              R"(targetgroup/app/2222")") +
      ",\n" +
      res("aws_autoscaling_group.old",
          R"("id": "old-asg", "name": "old-asg", "vpc_zone_identifier": ["subnet-aa", "subnet-ab"],
          "launch_template": [], "launch_configuration": "old-lc")") +
      ",\n" +
      res("aws_autoscaling_group.mixed",
          R"("id": "mixed-asg", "name": "mixed-asg", "vpc_zone_identifier": ["subnet-ab"],
          "mixed_instances_policy": [{"launch_template": [{"launch_template_specification": [
            {"launch_template_name": "plain", "version": "1"}]}]}])")));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  const auto& asg = by_name(n.auto_scaling_groups, "web-asg");
  EXPECT_EQ(asg.id, "web-asg");
  ASSERT_EQ(asg.instances.size(), 2u);
  const auto& tg = by_name(n.target_groups, "app");
  ASSERT_EQ(tg.targets.size(), 3u);  // web-a, then one per subnet of the group
  for (std::size_t k = 0; k < 2; ++k) {
    const auto& inst = n.instances[asg.instances[k]];
    EXPECT_EQ(tg.targets[k + 1].instance.index, asg.instances[k]);
    const auto& eni = n.network_interfaces[inst.network_interfaces.at(0)];
    ASSERT_EQ(eni.security_groups.size(), 1u);
    EXPECT_TRUE(eni.public_ip.has_value());
  }
  EXPECT_EQ(by_name(n.load_balancers, "classic").instances.size(), 2u);
  // A launch configuration is a launch template in the model.
  const auto& old = by_name(n.auto_scaling_groups, "old-asg");
  ASSERT_EQ(old.instances.size(), 2u);
  EXPECT_EQ(n.launch_templates[old.launch_template.index].id, "old-lc");
  const auto& old_eni =
      n.network_interfaces[n.instances[old.instances[0]].network_interfaces.at(0)];
  EXPECT_TRUE(old_eni.public_ip.has_value());
  const auto& mixed = by_name(n.auto_scaling_groups, "mixed-asg");
  ASSERT_EQ(mixed.instances.size(), 1u);
  EXPECT_EQ(n.launch_templates[mixed.launch_template.index].name, "plain");
  const auto& mixed_eni =
      n.network_interfaces[n.instances[mixed.instances[0]].network_interfaces.at(0)];
  EXPECT_FALSE(mixed_eni.public_ip.has_value());
  EXPECT_EQ(mixed_eni.security_groups.size(), 1u);
}

// ---- endpoint services -----------------------------------------------------------------------

// aws_vpc_endpoint_service behind a Network Load Balancer, with principals inline and from
// aws_vpc_endpoint_service_allowed_principal; the service name as the state gives it, else
// com.amazonaws.vpce.<region>.<id> as CloudFormation's.
TEST(TerraformElb, EndpointServiceAndPrincipals) {
  auto l = load_text(state(
      res("aws_lb.nlb",
          R"("id": ")" + kArn + R"(loadbalancer/net/nlb/7777", "name": "nlb", "internal": true,
          "load_balancer_type": "network", "subnets": ["subnet-aa"])") +
      ",\n" +
      res("aws_vpc_endpoint_service.svc",
          R"("id": "vpce-svc-01", "acceptance_required": false, "network_load_balancer_arns": [")" +
              kArn + R"(loadbalancer/net/nlb/7777"], "gateway_load_balancer_arns": [],
          "allowed_principals": ["arn:aws:iam::111122223333:root"],
          "service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-01")") +
      ",\n" +
      res("aws_vpc_endpoint_service.strict",
          R"("id": "vpce-svc-02", "acceptance_required": true, "network_load_balancer_arns": ["aws_lb.nlb"],
          "arn": "arn:aws:ec2:eu-west-1:111122223333:vpc-endpoint-service/vpce-svc-02")") +
      ",\n" +
      res("aws_vpc_endpoint_service_allowed_principal.other",
          R"("vpc_endpoint_service_id": "vpce-svc-01", "principal_arn": "arn:aws:iam::444455556666:root")")));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& svc = by_name(l.network.vpc_endpoint_services, "vpce-svc-01");
  EXPECT_EQ(svc.service_name, "com.amazonaws.vpce.us-east-1.vpce-svc-01");
  ASSERT_EQ(svc.network_load_balancers.size(), 1u);
  EXPECT_TRUE(svc.network_load_balancers[0].resolved());
  EXPECT_FALSE(svc.acceptance_required);
  EXPECT_EQ(svc.allowed_principals, (std::vector<std::string>{"arn:aws:iam::111122223333:root",
                                                              "arn:aws:iam::444455556666:root"}));
  const auto& strict = by_name(l.network.vpc_endpoint_services, "vpce-svc-02");
  EXPECT_TRUE(strict.acceptance_required);
  EXPECT_EQ(strict.service_name, "com.amazonaws.vpce.eu-west-1.vpce-svc-02");
}

// ---- traces through what the state declares ---------------------------------------------------

struct Walk {
  vpc::Trace trace;
  std::string why;
};

Walk walk(const model::Network& n, const std::string& from, const std::string& to,
          std::uint16_t port, const std::string& through = "") {
  Walk w;
  auto src = vpc::parse_endpoint(n, from);
  auto dst = vpc::parse_endpoint(n, to);
  EXPECT_TRUE(src.endpoint && dst.endpoint) << to << ": " << dst.error << src.error;
  if (!src.endpoint || !dst.endpoint) return w;
  vpc::Query q;
  q.source = *src.endpoint;
  q.destination = *dst.endpoint;
  q.destination_port = port;
  if (!through.empty()) {
    auto via = vpc::parse_endpoint(n, through);
    EXPECT_TRUE(via.endpoint) << through << ": " << via.error;
    if (via.endpoint) q.through = *via.endpoint;
  }
  w.trace = vpc::trace(n, q);
  for (const auto& e : w.trace.explanations) w.why += e.code + ": " + e.message + "\n";
  return w;
}

bool through_load_balancer(const vpc::Trace& t, const std::string& listener) {
  return std::any_of(t.forward.begin(), t.forward.end(), [&](const vpc::Hop& h) {
    return h.component_type == "LoadBalancerListener" && h.component_id == listener;
  });
}

// aws-vpc-services.md §9.1 and §9.3 from a state: the internet reaches an instance through an
// internet-facing ALB (a new connection from the node to the target port, which the target's
// group allows from the ALB's group), hopping through its listener; a port the ALB's group
// allows but no listener takes is ELBV2_LISTENERS_MISMATCH.
TEST(TerraformElb, InternetReachesAnInstanceThroughAnAlb) {
  auto l = load_text(state(alb() + ",\n" + https_listener()));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  const std::string listener = kArn + "listener/app/web/1111/3333";
  auto web = walk(n, "internet", "web-a", 443);
  EXPECT_TRUE(web.trace.reachable) << web.why;
  EXPECT_TRUE(through_load_balancer(web.trace, listener));
  auto by_address = walk(n, "internet", "aws_lb.web:443", 443);
  EXPECT_TRUE(by_address.trace.reachable) << by_address.why;
  auto no_listener = walk(n, "internet", "aws_lb.web", 80);
  EXPECT_FALSE(no_listener.trace.reachable);
  ASSERT_FALSE(no_listener.trace.explanations.empty());
  EXPECT_EQ(no_listener.trace.explanations.front().code, "ELBV2_LISTENERS_MISMATCH")
      << no_listener.why;
}

// aws-vpc-services.md §9.17: a Terraform aws_elb without cross_zone_load_balancing balances
// across zones (the provider's default, true), so a client that reaches the node in us-east-1b
// reaches an instance registered only in us-east-1a; with it false, ELB_NOT_CROSSZONE.
TEST(TerraformElb, ClassicLoadBalancerCrossZoneDefaultsToOn) {
  auto clb = [](const std::string& cross_zone) {
    return res("aws_elb.web",
               R"("id": "web", "name": "web", "subnets": ["subnet-pa", "subnet-pb"],
               "security_groups": ["sg-lb"], "instances": ["i-web-a"],)" +
                   cross_zone + R"(
               "listener": [{"lb_port": 80, "lb_protocol": "http", "instance_port": 8080, "instance_protocol": "http"}])");
  };
  auto node_b = [](const model::Network& n) {
    const auto& lb = by_name(n.load_balancers, "web");
    for (const auto& node : lb.nodes) {
      if (node.subnet.text == "subnet-pb") return n.network_interfaces[node.eni].id;
    }
    return std::string();
  };
  auto on = load_text(state(clb("")));
  ASSERT_TRUE(on.ok) << dump_diagnostics(on.diagnostics);
  auto crossed = walk(on.network, "internet", "web-a", 80, node_b(on.network));
  EXPECT_TRUE(crossed.trace.reachable) << crossed.why;
  EXPECT_TRUE(through_load_balancer(crossed.trace, "web:80"));

  auto off = load_text(state(clb(R"( "cross_zone_load_balancing": false,)")));
  ASSERT_TRUE(off.ok) << dump_diagnostics(off.diagnostics);
  auto pinned = walk(off.network, "internet", "web-a", 80, node_b(off.network));
  EXPECT_FALSE(pinned.trace.reachable);
  ASSERT_FALSE(pinned.trace.explanations.empty());
  EXPECT_EQ(pinned.trace.explanations.front().code, "ELB_NOT_CROSSZONE") << pinned.why;
}

// ---- plans ------------------------------------------------------------------------------------

// A plan: every id is unknown until apply, so each is the resource's address, and the
// references (load_balancer_arn, a default_action's target_group_arn, an attachment's
// target_id, an Auto Scaling group's vpc_zone_identifier and launch_template.id) follow the
// configuration. The trace of §9.1 works the same as from the state.
TEST(TerraformElb, PlanFollowsTheConfigurationThroughNestedBlocks) {
  auto planned = [](const std::string& address, const std::string& values) {
    return res(address, values);
  };
  auto change = [](const std::string& address, const std::string& unknown) {
    const std::string type = address.substr(0, address.find('.'));
    return R"({"address": ")" + address + R"(", "mode": "managed", "type": ")" + type +
           R"(", "change": {"actions": ["create"], "after_unknown": {"id": true, "arn": true)" +
           unknown + "}}}";
  };
  // The base's resources, known already: every resource of a plan has its change.
  auto unchanged = [] {
    std::string out;
    for (const char* address :
         {"aws_vpc.main", "aws_subnet.pub_a", "aws_subnet.pub_b", "aws_subnet.app_a",
          "aws_subnet.app_b", "aws_internet_gateway.gw", "aws_route_table.public",
          "aws_route_table_association.a", "aws_route_table_association.b", "aws_security_group.lb",
          "aws_security_group.web", "aws_instance.web_a", "aws_instance.web_b"}) {
      const std::string a = address;
      out += R"({"address": ")" + a + R"(", "mode": "managed", "type": ")" +
             a.substr(0, a.find('.')) +
             R"(", "change": {"actions": ["no-op"], "after_unknown": {}}},)";
    }
    return out;
  };
  auto config = [](const std::string& address, const std::string& expressions) {
    const std::string type = address.substr(0, address.find('.'));
    return R"({"address": ")" + address + R"(", "mode": "managed", "type": ")" + type +
           R"(", "name": "x", "expressions": {)" + expressions + "}}";
  };
  const std::string text =
      R"({"format_version": "1.2", "terraform_version": "1.9.5", "planned_values": {"root_module": {"resources": [
)" + base_resources() +
      ",\n" +
      planned("aws_lb.web",
              R"("name": "web", "internal": false, "load_balancer_type": "application")") +
      ",\n" +
      planned("aws_lb_target_group.app",
              R"("name": "app", "port": 8080, "protocol": "HTTP", "target_type": "instance")") +
      ",\n" + planned("aws_lb_target_group_attachment.a", R"("port": 8080)") + ",\n" +
      planned(
          "aws_lb_listener.https",
          R"("port": 443, "protocol": "HTTPS", "default_action": [{"type": "forward", "forward": [], "redirect": []}])") +
      ",\n" + planned("aws_launch_template.web", R"("name": "web-lt")") + ",\n" +
      planned("aws_autoscaling_group.web",
              R"("name": "web-asg", "launch_template": [{"version": "$Latest"}])") +
      R"(]}},
  "resource_changes": [)" +
      unchanged() +
      change("aws_lb.web", R"(, "subnets": true, "security_groups": true, "dns_name": true)") +
      "," + change("aws_lb_target_group.app", R"(, "vpc_id": true)") + "," +
      change("aws_lb_target_group_attachment.a",
             R"(, "target_group_arn": true, "target_id": true)") +
      "," +
      change("aws_lb_listener.https",
             R"(, "load_balancer_arn": true, "default_action": [{"target_group_arn": true}])") +
      "," + change("aws_launch_template.web", R"(, "vpc_security_group_ids": true)") + "," +
      change(
          "aws_autoscaling_group.web",
          R"(, "vpc_zone_identifier": true, "target_group_arns": true, "launch_template": [{"id": true}])") +
      R"(],
  "configuration": {"root_module": {"resources": [)" +
      config(
          "aws_lb.web",
          R"("subnets": {"references": ["aws_subnet.pub_a.id", "aws_subnet.pub_a", "aws_subnet.pub_b.id", "aws_subnet.pub_b"]},
             "security_groups": {"references": ["aws_security_group.lb.id", "aws_security_group.lb"]})") +
      "," +
      config("aws_lb_target_group.app",
             R"("vpc_id": {"references": ["aws_vpc.main.id", "aws_vpc.main"]})") +
      "," +
      config(
          "aws_lb_target_group_attachment.a",
          R"("target_group_arn": {"references": ["aws_lb_target_group.app.arn", "aws_lb_target_group.app"]},
             "target_id": {"references": ["aws_instance.web_a.id", "aws_instance.web_a"]})") +
      "," +
      config("aws_lb_listener.https",
             R"("load_balancer_arn": {"references": ["aws_lb.web.arn", "aws_lb.web"]},
             "default_action": [{"type": {"constant_value": "forward"},
               "target_group_arn": {"references": ["aws_lb_target_group.app.arn", "aws_lb_target_group.app"]}}])") +
      "," +
      config(
          "aws_launch_template.web",
          R"("vpc_security_group_ids": {"references": ["aws_security_group.web.id", "aws_security_group.web"]})") +
      "," +
      config("aws_autoscaling_group.web",
             R"("vpc_zone_identifier": {"references": ["aws_subnet.app_b.id", "aws_subnet.app_b"]},
             "target_group_arns": {"references": ["aws_lb_target_group.app.arn", "aws_lb_target_group.app"]},
             "launch_template": [{"id": {"references": ["aws_launch_template.web.id", "aws_launch_template.web"]}}])") +
      "]}}}";
  auto l = load_text(text, "elb_plan.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  const auto& lb = by_name(n.load_balancers, "web");
  EXPECT_EQ(lb.id, "aws_lb.web");
  EXPECT_EQ(lb.nodes.size(), 2u);
  EXPECT_EQ(lb.security_groups.size(), 1u);
  const auto& listener = by_name(n.listeners, "aws_lb_listener.https");
  ASSERT_EQ(listener.default_rule.target_groups.size(), 1u);
  EXPECT_EQ(listener.default_rule.target_groups[0].target_group.text, "aws_lb_target_group.app");
  const auto& asg = by_name(n.auto_scaling_groups, "web-asg");
  EXPECT_EQ(asg.id, "web-asg");  // the name, known before apply
  EXPECT_TRUE(asg.launch_template.resolved());
  ASSERT_EQ(asg.instances.size(), 1u);
  EXPECT_EQ(by_name(n.target_groups, "app").targets.size(), 2u);  // web-a and the group's
  EXPECT_GE(testing::count_warnings_containing(l.diagnostics, "unknown until apply"), 1u);
  auto web = walk(n, "internet", "web-a", 443);
  EXPECT_TRUE(web.trace.reachable) << web.why;
  EXPECT_TRUE(through_load_balancer(web.trace, "aws_lb_listener.https"));
  auto representative = walk(n, "internet", n.instances[asg.instances[0]].id, 443);
  EXPECT_TRUE(representative.trace.reachable) << representative.why;
}

// ---- what the state does not describe ----------------------------------------------------------

// A load balancer in subnets outside the state is left out with a warning, and so are the
// listeners and rules that name it; a target whose instance is outside leaves out only that
// target; a Classic load balancer or Auto Scaling group without subnets is in the default VPC,
// which the state does not describe. The load still succeeds.
TEST(TerraformElb, WhatTheStateDoesNotDescribeIsLeftOut) {
  auto l = load_text(state(
      alb() + ",\n" +
      res("aws_lb.elsewhere",
          R"("id": ")" + kArn + R"(loadbalancer/app/elsewhere/9999", "name": "elsewhere",
          "subnets": ["subnet-gone-a", "subnet-gone-b"])") +
      ",\n" +
      res("aws_lb_listener.elsewhere", R"("id": "l-else", "load_balancer_arn": ")" + kArn +
                                           R"(loadbalancer/app/elsewhere/9999", "port": 80,
          "protocol": "HTTP", "default_action": [{"type": "fixed-response"}])") +
      ",\n" +
      res("aws_lb_target_group_attachment.gone",
          R"("target_group_arn": ")" + kArn + R"(targetgroup/app/2222", "target_id": "i-gone")") +
      ",\n" +
      res("aws_elb.default_vpc",
          R"("name": "default-vpc", "availability_zones": ["us-east-1a"], "subnets": [],
          "listener": [{"lb_port": 80, "lb_protocol": "http", "instance_port": 80, "instance_protocol": "http"}])") +
      ",\n" +
      res("aws_autoscaling_group.default_vpc",
          R"("name": "default-vpc", "availability_zones": ["us-east-1a"], "vpc_zone_identifier": [])")));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  EXPECT_EQ(n.load_balancers.size(), 1u);
  EXPECT_EQ(n.listeners.size(), 0u);
  EXPECT_TRUE(n.auto_scaling_groups.empty());
  EXPECT_EQ(by_name(n.target_groups, "app").targets.size(), 1u);
  const Diagnostic* lb = find_diagnostic(
      l, Severity::kWarning,
      "load balancer aws_lb.elsewhere left out: its subnet subnet-gone-a is not in this state");
  ASSERT_TRUE(lb) << dump_diagnostics(l.diagnostics);
  EXPECT_GT(lb->line, 0u);
  EXPECT_TRUE(find_diagnostic(l, Severity::kWarning,
                              "listener aws_lb_listener.elsewhere left out: its load balancer"))
      << dump_diagnostics(l.diagnostics);
  EXPECT_TRUE(find_diagnostic(
      l, Severity::kWarning,
      "a target of target group aws_lb_target_group.app is left out: its instance i-gone"))
      << dump_diagnostics(l.diagnostics);
  EXPECT_TRUE(find_diagnostic(l, Severity::kWarning,
                              "aws_elb.default_vpc (aws_elb) is left out: without `subnets`"))
      << dump_diagnostics(l.diagnostics);
  EXPECT_TRUE(find_diagnostic(l, Severity::kWarning,
                              "(aws_autoscaling_group) is left out: without `vpc_zone_identifier`"))
      << dump_diagnostics(l.diagnostics);
}

// ---- shared data ------------------------------------------------------------------------------

std::string data(const std::string& file) {
  return std::string(CLOUDTWIN_SHARED_DIR) + "/data/terraform/" + file;
}

// tfc-issue-171: a plan of an internet-facing NLB in two public subnets (known from the
// configuration) with three fixed-response listeners (80 and 53 TCP, 1443 UDP). From inside the
// VPC, the listener answers at the load balancer (§9.7: client -> load balancer reachable); 443,
// which the NLB's group allows, has no listener: ELBV2_LISTENERS_MISMATCH. The public route
// table's default route names its gateway through nothing the plan's configuration holds, so it
// is left out (with a warning) and the internet's packets find no way back.
TEST(TerraformElb, SharedSubnetsPlanNetworkLoadBalancerAnswersOnItsListeners) {
  Loaded l;
  l.ok = read_terraform_file(data("tfc-issue-171-subnets-lb-plan.json"), l.network, l.diagnostics);
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  model::NetworkInterface probe;
  probe.id = "eni-probe";
  probe.subnet = {"aws_subnet.test-subnet-privA", {}};
  probe.private_ips.push_back(*IpAddress::parse("10.0.10.10"));
  l.network.network_interfaces.push_back(std::move(probe));
  ASSERT_TRUE(model::finalize(l.network, l.diagnostics)) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  ASSERT_EQ(n.load_balancers.size(), 1u);
  const auto& nlb = n.load_balancers[0];
  EXPECT_EQ(nlb.id, "aws_lb.nlb-noncompliant");
  EXPECT_EQ(nlb.type, model::LoadBalancerType::kNetwork);
  EXPECT_TRUE(nlb.internet_facing);
  EXPECT_EQ(nlb.cross_zone, std::optional<bool>(false));
  EXPECT_EQ(nlb.nodes.size(), 2u);
  EXPECT_EQ(nlb.security_groups.size(), 1u);
  ASSERT_EQ(nlb.listeners.size(), 3u);
  for (model::Index i : nlb.listeners)
    EXPECT_EQ(n.listeners[i].default_rule.action, model::ListenerAction::kFixedResponse);
  EXPECT_EQ(n.listeners[nlb.listeners[0]].protocol, model::LbProtocol::kTcp);  // port 53
  EXPECT_EQ(n.listeners[nlb.listeners[2]].protocol, model::LbProtocol::kUdp);  // port 1443
  auto answered = walk(n, "eni-probe", "aws_lb.nlb-noncompliant:80", 80);
  EXPECT_TRUE(answered.trace.reachable) << answered.why;
  auto none = walk(n, "eni-probe", "aws_lb.nlb-noncompliant", 443);
  EXPECT_FALSE(none.trace.reachable);
  ASSERT_FALSE(none.trace.explanations.empty());
  EXPECT_EQ(none.trace.explanations.front().code, "ELBV2_LISTENERS_MISMATCH") << none.why;
  auto internet = walk(n, "internet:8.8.8.8", "aws_lb.nlb-noncompliant:80", 80);
  EXPECT_FALSE(internet.trace.reachable);
  EXPECT_GE(testing::count_warnings_containing(l.diagnostics, "the route's target is unknown"), 1u);
}

// checkov-runner-plan: a Classic aws_elb (the name known in the plan is its id; subnets,
// groups and instances from the configuration) listening on 80 for the instances' port 8000,
// behind web-node, the group of both the load balancer and its instance, which allows 22 and 80
// only: through the load balancer the instance refuses 8000 (ENI_SG_RULES_MISMATCH), the
// configuration's mistake the sample carries.
TEST(TerraformElb, SharedRunnerPlanClassicLoadBalancerSendsToAPortItsInstanceRefuses) {
  Loaded l;
  l.ok = load_network({data("checkov-runner-plan-tfplan.json")}, l.network, l.diagnostics);
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  ASSERT_EQ(n.load_balancers.size(), 1u);
  const auto& clb = n.load_balancers[0];
  EXPECT_EQ(clb.id, "weblb-terraform-elb");
  EXPECT_EQ(clb.type, model::LoadBalancerType::kClassic);
  EXPECT_TRUE(clb.internet_facing);
  EXPECT_EQ(clb.cross_zone, std::optional<bool>(true));
  EXPECT_EQ(clb.nodes.size(), 1u);
  EXPECT_EQ(clb.security_groups.size(), 1u);
  ASSERT_EQ(clb.instances.size(), 1u);
  EXPECT_EQ(clb.instances[0].text, "aws_instance.web_host");
  ASSERT_EQ(clb.listeners.size(), 1u);
  EXPECT_EQ(n.listeners[clb.listeners[0]].instance_port, 8000);
  auto through = walk(n, "internet:8.8.8.8", "aws_instance.web_host", 80, "weblb-terraform-elb");
  EXPECT_FALSE(through.trace.reachable);
  EXPECT_TRUE(through_load_balancer(through.trace, "weblb-terraform-elb:80")) << through.why;
  ASSERT_FALSE(through.trace.explanations.empty());
  EXPECT_EQ(through.trace.explanations.front().code, "ENI_SG_RULES_MISMATCH") << through.why;
}

// tfc-issue-249: a plan whose ALB, target group and Auto Scaling group live in a VPC and subnets
// the plan does not describe (vpc-32E071F6, subnet-13f44a58...): each is left out with a located
// warning, as is the listener that needs them; the launch configuration, which names only a
// group of the plan, is read.
TEST(TerraformElb, SharedRoute53PlanLeavesOutWhatLivesInAnotherVpc) {
  Loaded l;
  l.ok = load_network({data("tfc-issue-249-route53-sg-plan.json")}, l.network, l.diagnostics);
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  EXPECT_TRUE(n.load_balancers.empty());
  EXPECT_TRUE(n.listeners.empty());
  EXPECT_TRUE(n.target_groups.empty());
  EXPECT_TRUE(n.auto_scaling_groups.empty());
  EXPECT_EQ(n.launch_templates.size(), 1u);
  for (const char* what :
       {"load balancer module.alb.aws_alb.alb left out: its subnet subnet-13f44a58 is not in this "
        "plan",
        "target group module.alb.aws_alb_target_group.alb left out: its VPC vpc-32E071F6",
        "listener module.alb.aws_alb_listener.alb left out"}) {
    const Diagnostic* d = find_diagnostic(l, Severity::kWarning, what);
    ASSERT_TRUE(d) << what << "\n" << dump_diagnostics(l.diagnostics);
    EXPECT_GT(d->line, 0u);
  }
}

// ---- bad input --------------------------------------------------------------------------------

struct BadRow {
  const char* name;
  std::string resources;  // appended to the base state and an ALB
  std::string message;    // part of the error
  std::string at;         // where the error points: the first `at` in `resources`
};

class TerraformElbBadInput : public ::testing::TestWithParam<BadRow> {};

// Every bad value is an error located at the value written (or at its resource), naming the
// resource; the reader keeps going: the rest of the file is read.
TEST_P(TerraformElbBadInput, IsALocatedErrorAndTheRestIsRead) {
  const auto& row = GetParam();
  const std::string text = state(alb() + ",\n" + row.resources);
  const auto offset = text.find(row.at, text.find(row.resources));
  ASSERT_NE(offset, std::string::npos) << row.at;
  const auto line = static_cast<std::uint32_t>(
      std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n') + 1);
  const auto column = static_cast<std::uint32_t>(offset - text.rfind('\n', offset - 1));
  Loaded l;
  l.ok = read_terraform(text, "bad.json", l.network, l.diagnostics);
  EXPECT_FALSE(l.ok);
  bool found = false;
  for (const auto& d : l.diagnostics.items()) {
    if (d.severity == Severity::kError && d.message.find(row.message) != std::string::npos) {
      found = true;
      EXPECT_EQ(d.file, "bad.json");
      EXPECT_EQ(d.line, line) << d.str();
      EXPECT_EQ(d.column, column) << d.str();
      EXPECT_FALSE(d.resource.empty()) << d.str();
    }
  }
  EXPECT_TRUE(found) << "expected `" << row.message << "` in\n" << dump_diagnostics(l.diagnostics);
  // The rest is read: the base's load balancer and target group, and its instances.
  EXPECT_EQ(l.network.load_balancers.empty(), false);
  EXPECT_EQ(l.network.target_groups.empty(), false);
  EXPECT_EQ(l.network.instances.size(), 2u);
}

std::string listener(const std::string& values) {
  return res("aws_lb_listener.bad",
             R"("load_balancer_arn": ")" + kArn + R"(loadbalancer/app/web/1111", )" + values);
}

const std::string kForward = R"("default_action": [{"type": "forward", "target_group_arn": "tg"}])";

INSTANTIATE_TEST_SUITE_P(
    Terraform, TerraformElbBadInput,
    ::testing::Values(
        BadRow{"ListenerPort0", listener(R"("port": 0, "protocol": "HTTP", )" + kForward),
               "`port`: 0 is outside 1-65535", "0,"},
        BadRow{"ListenerPortNotANumber",
               listener(R"("port": [80], "protocol": "HTTP", )" + kForward),
               "`port` must be a number", "[80]"},
        BadRow{"ListenerProtocolFoo", listener(R"("port": 80, "protocol": "FOO", )" + kForward),
               "`protocol` must be HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP or GENEVE, not `FOO`",
               "\"FOO\""},
        BadRow{"LoadBalancerTypeFoo",
               res("aws_lb.bad", R"("load_balancer_type": "foo", "subnets": ["subnet-pa"])"),
               "`load_balancer_type` must be application, network or gateway, not `foo`",
               "\"foo\""},
        BadRow{"InternalNotABoolean",
               res("aws_lb.bad", R"("internal": "maybe", "subnets": ["subnet-pa", "subnet-pb"])"),
               "`internal` must be a boolean", "\"maybe\""},
        BadRow{"NoSubnets", res("aws_lb.bad", R"("load_balancer_type": "network")"),
               "a load balancer needs `subnets` or `subnet_mapping`",
               "{\"address\": \"aws_lb.bad\""},
        BadRow{"WeightOver999",
               listener(R"("port": 80, "protocol": "HTTP", "default_action": [{"type": "forward",
                 "forward": [{"target_group": [{"arn": "tg", "weight": 1000}]}]}])"),
               "`weight`: 1000 is outside 0-999", "1000"},
        BadRow{"WeightNegative",
               listener(R"("port": 80, "protocol": "HTTP", "default_action": [{"type": "forward",
                 "forward": [{"target_group": [{"arn": "tg", "weight": -1}]}]}])"),
               "`weight`: -1 is outside 0-999", "-1}"},
        BadRow{"ActionTypeFoo", listener(R"("port": 80, "default_action": [{"type": "foo"}])"),
               "`type` must be forward, redirect, fixed-response, authenticate-oidc or "
               "authenticate-cognito, not `foo`",
               "\"foo\""},
        BadRow{"ActionWithoutType", listener(R"("port": 80, "default_action": [{"order": 1}])"),
               "an action needs a `type`", "{\"order\""},
        BadRow{"NoDefaultAction", listener(R"("port": 80)"),
               "aws_lb_listener needs a `default_action` block",
               "{\"address\": \"aws_lb_listener.bad\""},
        BadRow{"DefaultActionNotAList", listener(R"("port": 80, "default_action": "forward")"),
               "`default_action` must be an array", "\"forward\""},
        BadRow{
            "TwoFinalActions",
            listener(
                R"("port": 80, "default_action": [{"type": "forward", "target_group_arn": "tg", "order": 2},
                 {"type": "fixed-response", "order": 1}])"),
            "a second forward action", "{\"type\": \"forward\""},
        BadRow{"ForwardWithoutTargetGroup",
               listener(R"("port": 80, "default_action": [{"type": "forward", "forward": []}])"),
               "a forward action needs `target_group_arn` or `forward.target_group`",
               "{\"type\": \"forward\""},
        BadRow{"ListenerWithoutLoadBalancer",
               res("aws_lb_listener.bad", R"("port": 80, )" + kForward),
               "a listener needs `load_balancer_arn`", "{\"address\": \"aws_lb_listener.bad\""},
        BadRow{
            "RuleWithoutConditions",
            res("aws_lb_listener_rule.bad",
                R"("listener_arn": "l", "priority": 1, "condition": [], "action": [{"type": "fixed-response"}])"),
            "a listener rule needs at least one `condition`", "[],"},
        BadRow{
            "RulePriority0",
            res("aws_lb_listener_rule.bad",
                R"("listener_arn": "l", "priority": 0, "condition": [{"host_header": [{"values": ["a"]}]}],
                   "action": [{"type": "fixed-response"}])"),
            "`priority`: 0 is outside 1-50000", "0,"},
        BadRow{
            "SourceIpNotACidr",
            res("aws_lb_listener_rule.bad",
                R"("listener_arn": "l", "priority": 1, "condition": [{"source_ip": [{"values": ["office"]}]}],
                   "action": [{"type": "fixed-response"}])"),
            "source_ip `office` is not a CIDR block", "\"office\""},
        BadRow{
            "ConditionWithoutField",
            res("aws_lb_listener_rule.bad",
                R"("listener_arn": "l", "priority": 1, "condition": [{"cookie": [{"values": ["a"]}]}],
                   "action": [{"type": "fixed-response"}])"),
            "a condition needs one of host_header", "{\"cookie\""},
        BadRow{"TargetTypeFoo",
               res("aws_lb_target_group.bad",
                   R"("target_type": "vm", "protocol": "HTTP", "port": 80, "vpc_id": "vpc-1")"),
               "`target_type` must be instance, ip, lambda or alb, not `vm`", "\"vm\""},
        BadRow{"TargetGroupWithoutPort",
               res("aws_lb_target_group.bad", R"("protocol": "HTTP", "vpc_id": "vpc-1")"),
               "needs `port`", "{\"address\": \"aws_lb_target_group.bad\""},
        BadRow{
            "TargetGroupProtocolFoo",
            res("aws_lb_target_group.bad", R"("protocol": "SMTP", "port": 25, "vpc_id": "vpc-1")"),
            "`protocol` must be HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP or GENEVE, not `SMTP`",
            "\"SMTP\""},
        BadRow{
            "CrossZoneSometimes",
            res("aws_lb_target_group.bad",
                R"("protocol": "HTTP", "port": 80, "vpc_id": "vpc-1", "load_balancing_cross_zone_enabled": "sometimes")"),
            "must be true, false or use_load_balancer_configuration, not `sometimes`",
            "\"sometimes\""},
        BadRow{"AttachmentPort70000",
               res("aws_lb_target_group_attachment.bad",
                   R"("target_group_arn": ")" + kArn +
                       R"(targetgroup/app/2222", "target_id": "i-web-b", "port": 70000)"),
               "`port`: 70000 is outside 1-65535", "70000"},
        BadRow{"AttachmentWithoutTarget",
               res("aws_lb_target_group_attachment.bad",
                   R"("target_group_arn": ")" + kArn + R"(targetgroup/app/2222")"),
               "a target group attachment needs `target_id`",
               "{\"address\": \"aws_lb_target_group_attachment.bad\""},
        BadRow{"ClassicProtocolMismatch",
               res("aws_elb.bad",
                   R"("name": "bad", "subnets": ["subnet-pa"], "listener": [{"lb_port": 443,
                   "lb_protocol": "tcp", "instance_port": 80, "instance_protocol": "http"}])"),
               "a TCP listener cannot use HTTP to instances", "{\"lb_port\""},
        BadRow{"ClassicProtocolFoo",
               res("aws_elb.bad",
                   R"("name": "bad", "subnets": ["subnet-pa"], "listener": [{"lb_port": 443,
                   "lb_protocol": "quic", "instance_port": 80, "instance_protocol": "http"}])"),
               "`lb_protocol` must be HTTP, HTTPS, TCP or SSL, not `quic`", "\"quic\""},
        BadRow{"ClassicListenerWithoutInstancePort",
               res("aws_elb.bad",
                   R"("name": "bad", "subnets": ["subnet-pa"], "listener": [{"lb_port": 80,
                   "lb_protocol": "http", "instance_protocol": "http"}])"),
               "a listener needs `instance_port`", "{\"lb_port\""},
        BadRow{"CrossZoneNotABoolean",
               res("aws_elb.bad",
                   R"("name": "bad", "subnets": ["subnet-pa"], "cross_zone_load_balancing": 1,
                   "listener": [{"lb_port": 80, "lb_protocol": "http", "instance_port": 80, "instance_protocol": "http"}])"),
               "`cross_zone_load_balancing` must be a boolean", "1,"},
        BadRow{
            "LaunchTemplateWithoutIdOrName",
            res("aws_autoscaling_group.bad",
                R"("name": "bad", "vpc_zone_identifier": ["subnet-aa"], "launch_template": [{"version": "1"}])"),
            "a launch template needs `id` or `name`", "{\"version\""},
        BadRow{"EndpointServiceWithoutLoadBalancers",
               res("aws_vpc_endpoint_service.bad",
                   R"("id": "vpce-svc-9", "acceptance_required": true)"),
               "an endpoint service needs `network_load_balancer_arns`",
               "{\"address\": \"aws_vpc_endpoint_service.bad\""},
        BadRow{
            "EndpointServiceOnAnAlb",
            res("aws_vpc_endpoint_service.bad",
                R"("id": "vpce-svc-9", "acceptance_required": true, "network_load_balancer_arns": ["aws_lb.web"])"),
            "`network_load_balancer_arns` names an Application Load Balancer, not a Network "
            "Load Balancer",
            "\"aws_lb.web\"]"},
        BadRow{"ListenerOnAClassicLoadBalancer",
               res("aws_elb.classic",
                   R"("name": "classic", "subnets": ["subnet-pa"], "listener": [{"lb_port": 80,
                   "lb_protocol": "http", "instance_port": 80, "instance_protocol": "http"}])") +
                   ",\n" +
                   res("aws_lb_listener.bad",
                       R"("load_balancer_arn": "classic", "port": 80, )" + kForward),
               "load_balancer_arn names a Classic Load Balancer",
               "{\"address\": \"aws_lb_listener.bad\""}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cloudtwin::load
