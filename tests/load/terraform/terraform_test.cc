// The Terraform reader with model::finalize(): every shared-data file, then small states and
// plans written here for one rule each, then bad input.
#include "cloudtwin/load/terraform.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cloudtwin/load/load.h"
#include "trace_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump_diagnostics;
using testing::trace_between;

std::string data(const std::string& file) {
  return std::string(CLOUDTWIN_SHARED_DIR) + "/data/terraform/" + file;
}

struct Loaded {
  model::Network network;
  Diagnostics diagnostics;
  bool ok = false;
};

Loaded load_file(const std::string& path) {
  Loaded l;
  l.ok = load_network({path}, l.network, l.diagnostics);
  return l;
}

// Reads `json` as a file and finalizes it.
Loaded load_text(const std::string& json, const std::string& name = "state.json") {
  Loaded l;
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << json;
  l.ok = load_network({path.string()}, l.network, l.diagnostics);
  return l;
}

// Reads without finalizing, so a test can add a probe interface first.
Loaded read_only(const std::string& path) {
  Loaded l;
  l.ok = read_terraform_file(path, l.network, l.diagnostics);
  return l;
}

// An interface at `ip` in `subnet` (an address or id), to trace from where the file has none.
void add_probe(model::Network& n, const std::string& id, const std::string& subnet,
               const std::string& ip) {
  model::NetworkInterface e;
  e.id = id;
  e.subnet = {subnet, {}};
  e.private_ips.push_back(*IpAddress::parse(ip));
  n.network_interfaces.push_back(std::move(e));
}

// ---- shared data ------------------------------------------------------------------------------

TEST(TerraformSharedData, VpcModulePlanRoutesPrivateSubnetsThroughNat) {
  auto l = read_only(data("tfc-issue-158-vpc-module-plan.json"));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  add_probe(l.network, "eni-probe", "module.vpc.aws_subnet.private[0]", "10.0.1.10");
  ASSERT_TRUE(model::finalize(l.network, l.diagnostics)) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.vpcs.size(), 1u);
  EXPECT_EQ(l.network.subnets.size(), 6u);
  EXPECT_EQ(l.network.nat_gateways.size(), 3u);
  EXPECT_EQ(l.network.elastic_ips.size(), 3u);
  EXPECT_EQ(l.network.vpn_gateways.size(), 1u);
  EXPECT_EQ(l.network.route_tables.size(), 5u);  // 4 declared + the VPC's main table
  // Unknown ids are the addresses; the NAT gateway's EIP gets a placeholder public IP.
  EXPECT_TRUE(l.network.find("module.vpc.aws_vpc.this[0]", model::Kind::kVpc));
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "placeholder"), 3u);
  // route-tables.html: the private table's 0.0.0.0/0 -> nat-gateway route (an aws_route whose
  // target is known only from the configuration) takes the subnet to the internet through the
  // NAT gateway and the public subnet's internet gateway.
  auto t = trace_between(l.network, "eni-probe", "internet:8.8.8.8");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
}

TEST(TerraformSharedData, NetworkAclWithoutRulesDeniesBetweenSubnets) {
  auto l = read_only(data("tfc-issue-514-network-acl-plan.json"));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  add_probe(l.network, "eni-a", "module.vpc_module.aws_subnet.vpc_subnet[1]", "172.16.0.10");
  add_probe(l.network, "eni-b", "module.vpc_module.aws_subnet.vpc_subnet[0]", "172.16.0.140");
  ASSERT_TRUE(model::finalize(l.network, l.diagnostics)) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.subnets.size(), 2u);
  ASSERT_EQ(l.network.network_acls.size(), 2u);  // declared + the VPC's default
  // vpc-network-acls.html: a custom network ACL denies everything until rules are added; both
  // subnets are associated with it (subnet_ids known only from the configuration).
  auto t = trace_between(l.network, "eni-a", "eni-b", 22);
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_FALSE(t.trace.reachable);
  EXPECT_EQ(t.codes, std::vector<std::string>{"SUBNET_ACL_RESTRICTION"});
}

// vpc-ip-addressing.html ("Public IPv4 addresses"): web_subnet sets map_public_ip_on_launch and
// web_host does not say otherwise, so it launches with a public IPv4 address (a placeholder in
// 198.18.0.0/15 until apply) and SSH from the whole internet reaches it through the gateway.
TEST(TerraformSharedData, RunnerPlanWebHostGetsItsSubnetsPublicAddress) {
  auto l = load_file(data("checkov-runner-plan-tfplan.json"));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.vpcs.size(), 2u);
  EXPECT_EQ(l.network.subnets.size(), 4u);
  EXPECT_EQ(l.network.instances.size(), 2u);
  EXPECT_EQ(l.network.network_interfaces.size(), 4u);  // and the node of aws_elb.weblb
  // Non-network aws_* resources are listed, never dropped silently.
  EXPECT_GE(testing::count_warnings_containing(l.diagnostics, "ignored: aws_s3_bucket."), 6u);
  // configuration.provider_config.aws.expressions.region.constant_value
  EXPECT_EQ(l.network.vpcs[0].region, "us-west-2");
  auto i = l.network.find("aws_instance.web_host", model::Kind::kInstance);
  ASSERT_TRUE(i);
  const auto& eni = l.network.network_interfaces[l.network.instances[*i].network_interfaces.at(0)];
  ASSERT_TRUE(eni.public_ip);
  EXPECT_TRUE(Prefix::parse("198.18.0.0/15")->contains(*eni.public_ip)) << eni.public_ip->str();
  EXPECT_GE(testing::count_warnings_containing(l.diagnostics, "sets map_public_ip_on_launch"), 1u);
  auto in = trace_between(l.network, "internet:8.8.8.8", eni.public_ip->str(), 22);
  ASSERT_TRUE(in.ok) << in.error;
  EXPECT_TRUE(in.trace.reachable) << ::testing::PrintToString(in.codes);
  auto out = trace_between(l.network, "aws_instance.web_host", "internet:8.8.8.8", 80);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_TRUE(out.trace.reachable) << ::testing::PrintToString(out.codes);
}

TEST(TerraformSharedData, SubnetsPlanPublicAddressIsNotReachableByItsPrivateIp) {
  auto l = load_file(data("tfc-issue-171-subnets-lb-plan.json"));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.subnets.size(), 4u);
  // Its load balancer and listeners are read (elb_test.cc), not ignored.
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "ignored: aws_lb"), 0u);
  // IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS: the internet reaches instances at public IPs only.
  auto t = trace_between(l.network, "internet:8.8.8.8", "10.0.0.10");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_FALSE(t.trace.reachable);
}

TEST(TerraformSharedData, PlansWithoutSubnetsLoad) {
  // Only VPCs and security groups: nothing to trace between, so the test checks what was read.
  auto regula = load_file(data("regula-resource_view_06_tf_v1_0_infra.json"));
  ASSERT_TRUE(regula.ok) << dump_diagnostics(regula.diagnostics);
  EXPECT_EQ(regula.network.vpcs.size(), 4u);
  EXPECT_EQ(regula.network.security_groups.size(), 7u);  // 3 declared + 4 VPC defaults
  // The child module's group is in the child module's VPC (vpc_id from the configuration).
  auto sg = regula.network.find("module.child1.module.grandchild1.aws_security_group.grandchild",
                                model::Kind::kSecurityGroup);
  ASSERT_TRUE(sg);
  EXPECT_EQ(regula.network.security_groups[*sg].vpc.text,
            "module.child1.module.grandchild1.aws_vpc.grandchild");
  auto tirith = load_file(data("tirith-vpc-module-input.json"));
  ASSERT_TRUE(tirith.ok) << dump_diagnostics(tirith.diagnostics);
  EXPECT_EQ(tirith.network.vpcs.size(), 1u);
  EXPECT_EQ(tirith.network.subnets.size(), 0u);
}

// These files refer to infrastructure they do not contain (a VPC, a default VPC's subnet, a
// security group created elsewhere). As for a CloudFormation stack deployed into an existing
// VPC, each reference is a located warning and what needs it is left out; the file loads.
std::size_t count_warnings(const Diagnostics& d, const std::string& text) {
  return testing::count_warnings_containing(d, text);
}

TEST(TerraformSharedData, PlansNamingResourcesOutsideThemLoadWithoutThem) {
  struct Case {
    const char* file;
    std::vector<std::pair<std::string, std::size_t>> warnings;  // text -> how many
    std::size_t vpcs, subnets, security_groups, instances;      // groups: with VPC defaults
  };
  const std::string plan_missing = " is not in this plan; load a snapshot that describes it first";
  const std::string state_missing =
      " is not in this state; load a snapshot that describes it first";
  const Case cases[] = {
      {"checkov-for-each-tf_plan.json",
       {{"security group module.sg[\"awful_example\"].aws_security_group.bad left out: its VPC "
         "vpc-123456abc" +
             plan_missing,
         1},
        {"left out: its VPC vpc-123456abc" + plan_missing, 3}},
       0,
       0,
       0,
       0},
      {"tfc-issue-249-route53-sg-plan.json",
       {{"security group aws_security_group.lambda_sg left out: its VPC vpc-32E071F6" +
             plan_missing,
         1},
        // 3 security groups and the ALB's target group (elb_test.cc)
        {"left out: its VPC vpc-32E071F6" + plan_missing, 4}},
       0,
       0,
       0,
       0},
      {"tfc-issue-554-igw-sg-plan.json",
       {{"aws_security_group_rule.allow_all left out: its security group sg-123456" + plan_missing,
         1}},
       1,
       0,
       2,
       0},
      {"tfc-pull-330-vpn-gateway-plan.json",
       {{"aws_security_group_rule.allow_all left out: its security group sg-123456" + plan_missing,
         1},
        {"`allocation_id` is unknown until apply and names no resource", 1},
        {"using placeholder 198.18.0.1", 1}},
       1,
       1,
       3,
       0},
      // Instances in the default VPC's subnet, which the state does not describe: each
      // instance's interface is left out, and with it the instance.
      {"infracost-terraform_v0.14_state.json",
       {{"network interface eni-022e07532b5c828f4 left out: its subnet subnet-286f234e" +
             state_missing,
         1},
        {"left out: its subnet subnet-286f234e" + state_missing, 6},
        {"instance aws_instance.instance_1 left out: its network interface "
         "eni-022e07532b5c828f4 was left out",
         1},
        {"instance module.instances.aws_instance.module_instance_counted[0] left out", 1},
        {"was left out", 6}},
       1,
       0,
       1,
       0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    auto l = load_file(data(c.file));
    ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
    for (const auto& [text, n] : c.warnings) {
      EXPECT_EQ(count_warnings(l.diagnostics, text), n) << text << dump_diagnostics(l.diagnostics);
    }
    for (const auto& item : l.diagnostics.items()) {
      if (item.message.find("left out") != std::string::npos) {
        EXPECT_GT(item.line, 0u) << item.str();
        EXPECT_GT(item.column, 0u) << item.str();
      }
    }
    EXPECT_EQ(l.network.vpcs.size(), c.vpcs);
    EXPECT_EQ(l.network.subnets.size(), c.subnets);
    EXPECT_EQ(l.network.security_groups.size(), c.security_groups);
    EXPECT_EQ(l.network.instances.size(), c.instances);
  }
}

TEST(TerraformSharedData, VpnGatewayPlanPrivateSubnetWithoutRouteCannotReachTheInternet) {
  auto l = read_only(data("tfc-pull-330-vpn-gateway-plan.json"));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  add_probe(l.network, "eni-probe", "aws_subnet.test", "10.0.1.10");
  ASSERT_TRUE(model::finalize(l.network, l.diagnostics)) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.nat_gateways.size(), 1u);
  EXPECT_EQ(l.network.vpn_gateways.size(), 1u);
  // route-tables.html: the subnet uses the VPC's main table, which has only the local route:
  // the internet gateway attached to the VPC is not used without a route to it.
  auto t = trace_between(l.network, "eni-probe", "internet:8.8.8.8", 443);
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_FALSE(t.trace.reachable);
  EXPECT_EQ(t.codes, std::vector<std::string>{"NO_ROUTE_TO_DESTINATION"})
      << ::testing::PrintToString(t.codes);
}

// The 1-based line of the first occurrence of `needle` in `text`.
std::uint32_t line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  return static_cast<std::uint32_t>(
      std::count(text.begin(), text.begin() + static_cast<long>(at), '\n') + 1);
}

// ---- rules ------------------------------------------------------------------------------------

// A state: a VPC with a public subnet and an instance with a public IP, one route table with a
// default route to the internet gateway.
std::string state(const std::string& extra_resources = "",
                  const std::string& sg_blocks =
                      R"("ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp",
                         "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [], "prefix_list_ids": [],
                         "security_groups": [], "self": false, "description": ""}])") {
  return R"({"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": [
  {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
   "values": {"id": "vpc-0a1b", "cidr_block": "10.0.0.0/16", "main_route_table_id": "rtb-0m",
              "default_network_acl_id": "acl-0d", "default_security_group_id": "sg-0d",
              "arn": "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-0a1b", "tags": {"Name": "prod"}}},
  {"address": "aws_subnet.public", "mode": "managed", "type": "aws_subnet", "name": "public",
   "values": {"id": "subnet-01", "vpc_id": "vpc-0a1b", "cidr_block": "10.0.1.0/24",
              "availability_zone": "eu-west-1a"}},
  {"address": "aws_internet_gateway.gw", "mode": "managed", "type": "aws_internet_gateway",
   "name": "gw", "values": {"id": "igw-01", "vpc_id": "vpc-0a1b"}},
  {"address": "aws_route_table.public", "mode": "managed", "type": "aws_route_table",
   "name": "public", "values": {"id": "rtb-01", "vpc_id": "vpc-0a1b", "propagating_vgws": [],
   "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-01", "ipv6_cidr_block": "",
              "nat_gateway_id": "", "network_interface_id": "", "transit_gateway_id": "",
              "vpc_peering_connection_id": "", "egress_only_gateway_id": "", "instance_id": ""}]}},
  {"address": "aws_route_table_association.public", "mode": "managed",
   "type": "aws_route_table_association", "name": "public",
   "values": {"id": "rtbassoc-01", "subnet_id": "subnet-01", "route_table_id": "rtb-01", "gateway_id": ""}},
  {"address": "aws_security_group.web", "mode": "managed", "type": "aws_security_group", "name": "web",
   "values": {"id": "sg-web", "name": "web", "vpc_id": "vpc-0a1b", )" +
         sg_blocks + R"(}},
  {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
   "values": {"id": "i-0web", "subnet_id": "subnet-01", "private_ip": "10.0.1.10",
              "public_ip": "203.0.113.10", "vpc_security_group_ids": ["sg-web"],
              "primary_network_interface_id": "eni-0web", "instance_state": "running",
              "source_dest_check": true, "tags": {"Name": "web"}}})" +
         extra_resources + R"(]}}})";
}

TEST(TerraformRules, StateLoadsWithAddressesAndNameTagsAsNames) {
  auto l = load_text(state("", R"("ingress": [], "egress": [{"from_port": 0, "to_port": 0,
      "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}])"));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_TRUE(l.diagnostics.items().empty()) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.find("aws_subnet.public", model::Kind::kSubnet),
            l.network.find("subnet-01", model::Kind::kSubnet));
  EXPECT_TRUE(l.network.find("prod", model::Kind::kVpc));
  EXPECT_EQ(l.network.vpcs[0].region, "eu-west-1");  // from the ARN
  EXPECT_EQ(l.network.vpcs[0].account, "111122223333");
  // The VPC's default group, ACL and main table are AWS's, created with their real ids.
  EXPECT_TRUE(l.network.find("sg-0d", model::Kind::kSecurityGroup));
  EXPECT_TRUE(l.network.find("acl-0d", model::Kind::kNetworkAcl));
  EXPECT_TRUE(l.network.find("rtb-0m", model::Kind::kRouteTable));
  // route-tables.html: outbound through the IGW with the instance's public IP.
  auto t = trace_between(l.network, "aws_instance.web", "internet:8.8.8.8");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
}

TEST(TerraformRules, SecurityGroupWithoutEgressHasNoEgress) {
  // aws-vpc.md 1.2: Terraform's aws_security_group removes AWS's default allow-all egress
  // rule unless egress is declared, so the instance cannot start a connection.
  auto l = load_text(state());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  auto sg = l.network.find("sg-web", model::Kind::kSecurityGroup);
  ASSERT_TRUE(sg);
  EXPECT_TRUE(l.network.security_groups[*sg].egress.empty());
  auto out = trace_between(l.network, "web", "internet:8.8.8.8");
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_FALSE(out.trace.reachable);
  EXPECT_EQ(out.codes, std::vector<std::string>{"SG_HAS_NO_RULES"});
  // Inbound HTTPS is allowed and the reply needs no egress rule (security groups are stateful).
  auto in2 = trace_between(l.network, "internet:8.8.8.8", "203.0.113.10");
  ASSERT_TRUE(in2.ok) << in2.error;
  EXPECT_TRUE(in2.trace.reachable) << ::testing::PrintToString(in2.codes);
}

TEST(TerraformRules, SplitRulesAreAddedOnceBesideInlineBlocks) {
  // The state's inline blocks already list the rule that aws_security_group_rule created.
  const std::string extra = R"(,
  {"address": "aws_security_group_rule.https", "mode": "managed", "type": "aws_security_group_rule",
   "name": "https", "values": {"type": "ingress", "security_group_id": "sg-web", "protocol": "tcp",
   "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"], "self": false}},
  {"address": "aws_vpc_security_group_egress_rule.all", "mode": "managed",
   "type": "aws_vpc_security_group_egress_rule", "name": "all",
   "values": {"security_group_id": "sg-web", "ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"}},
  {"address": "aws_route.v6", "mode": "managed", "type": "aws_route", "name": "v6",
   "values": {"route_table_id": "rtb-01", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-01"}})";
  auto l = load_text(state(extra));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& sg =
      l.network.security_groups[*l.network.find("sg-web", model::Kind::kSecurityGroup)];
  EXPECT_EQ(sg.ingress.size(), 1u);
  EXPECT_EQ(sg.egress.size(), 1u);
  const auto& rt = l.network.route_tables[*l.network.find("rtb-01", model::Kind::kRouteTable)];
  EXPECT_EQ(rt.routes.size(), 1u);  // the aws_route duplicates the inline route
  // Terraform omits the implicit local route; finalize() adds exactly one.
  std::size_t locals = 0;
  for (const auto& r : rt.effective) locals += r.target_kind == model::TargetKind::kLocal;
  EXPECT_EQ(locals, 1u);
  auto t = trace_between(l.network, "web", "internet:8.8.8.8");
  EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
}

TEST(TerraformRules, UnmodelledTypesAreLocatedWarnings) {
  const std::string extra = R"(,
  {"address": "aws_s3_bucket.x", "mode": "managed", "type": "aws_s3_bucket", "name": "x", "values": {}})";
  auto l = load_text(state(extra));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  ASSERT_EQ(testing::count_warnings_containing(l.diagnostics, "ignored: aws_s3_bucket.x"), 1u);
  for (const auto& item : l.diagnostics.items()) {
    if (item.message.find("aws_s3_bucket.x") != std::string::npos) {
      EXPECT_EQ(item.line, line_of(state(extra), "{\"address\": \"aws_s3_bucket.x\""));
      EXPECT_EQ(item.column, 3u);  // the resource's `{`
    }
  }
}

// A split rule modifies a group outside the state: the rule is left out, located at the id.
TEST(TerraformRules, SplitRuleOfAGroupOutsideTheStateIsLeftOutWithALocatedWarning) {
  const std::string extra = R"(,
  {"address": "aws_security_group_rule.x", "mode": "managed", "type": "aws_security_group_rule",
   "name": "x", "values": {"type": "egress", "security_group_id": "sg-gone", "protocol": "-1",
   "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}})";
  auto l = load_text(state(extra));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  ASSERT_EQ(l.diagnostics.items().size(), 1u) << dump_diagnostics(l.diagnostics);
  const auto& w = l.diagnostics.items().front();
  EXPECT_EQ(w.severity, Severity::kWarning);
  EXPECT_EQ(w.message,
            "aws_security_group_rule.x left out: its security group sg-gone is not in this "
            "state; load a snapshot that describes it first");
  EXPECT_EQ(w.line, line_of(state(extra), "\"sg-gone\""));
}

// A subnet of a VPC outside the state is left out, and so is what needs it: the instance in
// it (through its interface) and the route table's association with it.
TEST(TerraformRules, SubnetOfAVpcOutsideTheStateIsLeftOutWithWhatNeedsIt) {
  const std::string extra = R"(,
  {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a",
   "values": {"id": "subnet-a", "vpc_id": "vpc-123", "cidr_block": "10.9.1.0/24"}},
  {"address": "aws_instance.a", "mode": "managed", "type": "aws_instance", "name": "a",
   "values": {"id": "i-0a", "subnet_id": "subnet-a", "private_ip": "10.9.1.10",
              "primary_network_interface_id": "eni-0a", "instance_state": "running"}},
  {"address": "aws_route_table_association.a", "mode": "managed",
   "type": "aws_route_table_association", "name": "a",
   "values": {"id": "rtbassoc-0a", "subnet_id": "subnet-a", "route_table_id": "rtb-01"}})";
  auto l = load_text(state(extra));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(count_warnings(l.diagnostics,
                           "subnet aws_subnet.a left out: its VPC vpc-123 is not "
                           "in this state; load a snapshot that describes it first"),
            1u)
      << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(count_warnings(l.diagnostics,
                           "network interface eni-0a left out: its subnet subnet-a was left out"),
            1u);
  EXPECT_EQ(count_warnings(l.diagnostics,
                           "instance aws_instance.a left out: its network "
                           "interface eni-0a was left out"),
            1u);
  EXPECT_EQ(count_warnings(l.diagnostics,
                           "the association of route table aws_route_table.public "
                           "with subnet subnet-a is left out: subnet subnet-a was "
                           "left out"),
            1u);
  EXPECT_EQ(l.network.subnets.size(), 1u);
  EXPECT_EQ(l.network.instances.size(), 1u);
  EXPECT_FALSE(l.network.find("aws_instance.a"));
  // What the file has still works: route-tables.html, the public subnet reaches the internet.
  auto t = trace_between(l.network, "internet:8.8.8.8", "203.0.113.10");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
}

// One of several security groups outside the state: only that group is left out.
TEST(TerraformRules, OptionalReferenceOutsideTheStateLeavesOutOnlyThatReference) {
  std::string text = state();
  const std::string from = R"("vpc_security_group_ids": ["sg-web"])";
  text.replace(text.find(from), from.size(),
               R"("vpc_security_group_ids": ["sg-web", "sg-shared"])");
  auto l = load_text(text);
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(count_warnings(l.diagnostics,
                           "the association of network interface eni-0web with "
                           "security group sg-shared is left out: security group "
                           "sg-shared is not in this state"),
            1u)
      << dump_diagnostics(l.diagnostics);
  auto eni = l.network.find("eni-0web", model::Kind::kNetworkInterface);
  ASSERT_TRUE(eni);
  ASSERT_EQ(l.network.network_interfaces[*eni].security_groups.size(), 1u);
  EXPECT_EQ(l.network.network_interfaces[*eni].security_groups[0].text, "sg-web");
}

// An input read before the state describes the VPC: the reference is kept, no warning.
TEST(TerraformRules, ReferenceToAnEarlierInputIsKept) {
  const auto dir = std::filesystem::path(::testing::TempDir());
  std::ofstream(dir / "shared-vpc.yaml") << "vpcs:\n  - {id: vpc-ext, cidr_block: 10.9.0.0/16}\n";
  const std::string extra = R"(,
  {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a",
   "values": {"id": "subnet-a", "vpc_id": "vpc-ext", "cidr_block": "10.9.1.0/24"}})";
  std::ofstream(dir / "in-shared-vpc.json") << state(extra);
  Loaded l;
  l.ok = load_network({(dir / "shared-vpc.yaml").string(), (dir / "in-shared-vpc.json").string()},
                      l.network, l.diagnostics);
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_TRUE(l.diagnostics.items().empty()) << dump_diagnostics(l.diagnostics);
  auto subnet = l.network.find("aws_subnet.a", model::Kind::kSubnet);
  ASSERT_TRUE(subnet);
  EXPECT_EQ(l.network.vpcs[l.network.subnets[*subnet].vpc.index].id, "vpc-ext");
}

// The AWS provider's aws_dx_gateway has no tags: its `name` is the resource's name.
TEST(TerraformRules, DirectConnectGatewayIsNamedByItsName) {
  const std::string extra = R"(,
  {"address": "aws_dx_gateway.corp", "mode": "managed", "type": "aws_dx_gateway", "name": "corp",
   "values": {"id": "dxgw-1", "name": "corp-dx", "amazon_side_asn": "64512"}})";
  auto l = load_text(state(extra));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  ASSERT_EQ(l.network.direct_connect_gateways.size(), 1u);
  EXPECT_EQ(l.network.direct_connect_gateways[0].name, "corp-dx");
  EXPECT_EQ(l.network.find("corp-dx", model::Kind::kDirectConnectGateway),
            l.network.find("aws_dx_gateway.corp", model::Kind::kDirectConnectGateway));
}

// A plan: a subnet that maps public IPv4 addresses on launch, one instance that keeps the
// default and one that turns it off (vpc-ip-addressing.html: the launch setting overrides the
// subnet's attribute), and the provider's Region.
std::string public_ip_plan(const std::string& region_expression) {
  auto change = [](const std::string& address, const std::string& type) {
    return R"({"address": ")" + address + R"(", "mode": "managed", "type": ")" + type +
           R"(", "change": {"actions": ["create"], "after_unknown": {"id": true,
             "vpc_id": true, "subnet_id": true, "public_ip": true,
             "associate_public_ip_address": true}}})";
  };
  auto config = [](const std::string& address, const std::string& type, const std::string& attr,
                   const std::string& target) {
    return R"({"address": ")" + address + R"(", "mode": "managed", "type": ")" + type +
           R"(", "name": "x", "expressions": {")" + attr + R"(": {"references": [")" + target +
           R"(.id", ")" + target + R"("]}}})";
  };
  return R"({"format_version": "1.2", "terraform_version": "1.9.5",
  "planned_values": {"root_module": {"resources": [
  {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
   "values": {"cidr_block": "10.0.0.0/16"}},
  {"address": "aws_subnet.public", "mode": "managed", "type": "aws_subnet", "name": "public",
   "values": {"cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a",
              "map_public_ip_on_launch": true}},
  {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
   "values": {"instance_type": "t3.micro"}},
  {"address": "aws_instance.quiet", "mode": "managed", "type": "aws_instance", "name": "quiet",
   "values": {"associate_public_ip_address": false}}]}},
  "resource_changes": [)" +
         change("aws_vpc.main", "aws_vpc") + "," + change("aws_subnet.public", "aws_subnet") + "," +
         change("aws_instance.web", "aws_instance") + "," +
         change("aws_instance.quiet", "aws_instance") + R"(],
  "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {"region": )" +
         region_expression + R"(}}},
   "root_module": {"resources": [)" +
         config("aws_subnet.public", "aws_subnet", "vpc_id", "aws_vpc.main") + "," +
         config("aws_instance.web", "aws_instance", "subnet_id", "aws_subnet.public") + "," +
         config("aws_instance.quiet", "aws_instance", "subnet_id", "aws_subnet.public") +
         R"(]}}})";
}

TEST(TerraformRules, SubnetMapsPublicAddressesUnlessTheInstanceSaysOtherwise) {
  auto l = load_text(public_ip_plan(R"({"constant_value": "eu-west-1"})"), "public_ip_plan.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  auto public_ip = [&](const char* instance) {
    auto i = l.network.find(instance, model::Kind::kInstance);
    EXPECT_TRUE(i) << instance;
    const auto& inst = l.network.instances[*i];
    return l.network.network_interfaces[inst.network_interfaces.at(0)].public_ip;
  };
  EXPECT_TRUE(public_ip("aws_instance.web"));
  EXPECT_FALSE(public_ip("aws_instance.quiet"));
  EXPECT_EQ(l.network.vpcs[0].region, "eu-west-1");
  std::size_t unknown = 0;
  for (const auto& d : l.diagnostics.items()) unknown += d.gap == Gap::kUnknownValue;
  EXPECT_GE(unknown, 1u) << dump_diagnostics(l.diagnostics);
}

// A Region given by a variable is not known offline: the default applies.
TEST(TerraformRules, ProviderRegionFromAVariableIsNotUsed) {
  auto l = load_text(public_ip_plan(R"({"references": ["var.region"]})"), "region_var_plan.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.vpcs[0].region, l.network.default_region);
}

// ---- bad input --------------------------------------------------------------------------------

struct BadCase {
  const char* name;
  std::string text;
  const char* message;
  std::uint32_t line;
};

class TerraformBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(TerraformBadInput, IsALocatedError) {
  const auto& c = GetParam();
  Loaded l;
  l.ok = read_terraform(c.text, std::string(c.name) + ".json", l.network, l.diagnostics);
  EXPECT_FALSE(l.ok);
  ASSERT_TRUE(l.diagnostics.has_errors());
  bool found = false;
  for (const auto& item : l.diagnostics.items()) {
    if (item.severity == Severity::kError && item.message.find(c.message) != std::string::npos) {
      found = true;
      EXPECT_EQ(item.line, c.line) << item.str();
      EXPECT_GT(item.column, 0u) << item.str();
    }
  }
  EXPECT_TRUE(found) << dump_diagnostics(l.diagnostics);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TerraformBadInput,
    ::testing::Values(
        BadCase{"Truncated", state().substr(0, 600), "truncated",
                line_of(state().substr(0, 600) + "<end>", "<end>")},
        BadCase{"FutureMajorVersion",
                R"({"format_version": "2.0", "terraform_version": "2.0.0", "values": {}})",
                "format_version 2.0 is not supported", 1},
        BadCase{
            "ResourcesNotAnArray",
            "{\"format_version\": \"1.0\",\n \"values\": {\"root_module\": {\"resources\": 7}}}",
            "`resources` must be an array, not a number", 2},
        BadCase{"CidrNotAString",
                "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {\"resources\": [\n"
                "{\"address\": \"aws_vpc.a\", \"type\": \"aws_vpc\", \"name\": \"a\",\n"
                " \"values\": {\"id\": \"vpc-1\", \"cidr_block\": 10}}]}}}",
                "`cidr_block` must be a string, not a number", 3},
        BadCase{"TopLevelArray", "[1, 2]", "is a JSON object", 1},
        // RFC 8259 section 4: names in an object SHOULD be unique; readers disagree on which
        // value wins, so a repeated key is an error, not a guess.
        BadCase{"DuplicateKeyInAResource",
                "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {\"resources\": [\n"
                "{\"address\": \"aws_vpc.a\", \"type\": \"aws_vpc\", \"name\": \"a\",\n"
                " \"values\": {\"id\": \"vpc-1\", \"cidr_block\": \"10.0.0.0/16\",\n"
                " \"cidr_block\": \"10.1.0.0/16\"}}]}}}",
                "duplicate key `cidr_block` (first at line 3", 4},
        BadCase{"DuplicateTopLevelKey",
                "{\"format_version\": \"1.0\", \"values\": {},\n \"values\": {}}",
                "duplicate key `values`", 2},
        BadCase{"TwoDocuments",
                "{\"format_version\": \"1.0\", \"values\": {}}\n"
                "{\"format_version\": \"1.0\", \"values\": {}}",
                "more than one JSON document", 2},
        BadCase{"TrailingGarbage",
                "{\"format_version\": \"1.0\", \"values\": {}}\n\n  garbage",
                "more than one JSON document", 3},
        BadCase{"FormatVersionNull", "{\"values\": {},\n \"format_version\": null}",
                "`format_version` is null", 2},
        BadCase{"FormatVersionEmpty", "{\"values\": {},\n \"format_version\": \"\"}",
                "`format_version` is empty", 2},
        BadCase{"FormatVersionNegative", "{\"values\": {},\n \"format_version\": \"-1\"}",
                "`format_version` `-1` is not a version", 2},
        BadCase{"FormatVersionNumber", "{\"values\": {},\n \"format_version\": 1.0}",
                "`format_version` is a number", 2},
        BadCase{"NulByte",
                std::string("{\"format_version\": \"1.0\",\n \"values\": {\"a\": \0}}", 46),
                "a NUL byte", 2},
        BadCase{"InvalidUtf8",
                "{\"format_version\": \"1.0\",\n \"values\": {\"a\": \"caf\xC3\"}}",
                "not valid UTF-8", 2},
        BadCase{
            "DirectConnectGatewayNameNotAString",
            "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {\"resources\": [\n"
            "{\"address\": \"aws_dx_gateway.a\", \"type\": \"aws_dx_gateway\", \"name\": \"a\",\n"
            " \"values\": {\"id\": \"dxgw-1\",\n \"name\": [\"x\"]}}]}}}",
            "`name` must be a string", 4}),
    [](const auto& info) { return std::string(info.param.name); });


// `cloudtwin diff plan.json`: the network before a plan is its prior_state (without the data
// sources, which planned_values never holds), the network after its planned_values.
TEST(TerraformPriorState, ThePlanHasTwoSides) {
  const std::string plan = R"({"format_version": "1.2",
 "planned_values": {"root_module": {"resources": [
  {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a",
   "values": {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}},
  {"address": "aws_vpc.b", "mode": "managed", "type": "aws_vpc", "name": "b",
   "values": {"cidr_block": "10.1.0.0/16"}}]}},
 "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [
  {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a",
   "values": {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}},
  {"address": "data.aws_vpc.shared", "mode": "data", "type": "aws_vpc", "name": "shared",
   "values": {"id": "vpc-9", "cidr_block": "10.9.0.0/16"}}]}}}})";
  Loaded after, before;
  after.ok = read_terraform(plan, "plan.json", after.network, after.diagnostics);
  before.ok = read_terraform(plan, "plan.json", before.network, before.diagnostics,
                             TerraformSide::kPriorState);
  ASSERT_TRUE(after.ok) << dump_diagnostics(after.diagnostics);
  ASSERT_TRUE(before.ok) << dump_diagnostics(before.diagnostics);
  EXPECT_EQ(after.network.vpcs.size(), 2u);
  ASSERT_EQ(before.network.vpcs.size(), 1u);  // the data source is left out
  EXPECT_EQ(before.network.vpcs[0].id, "vpc-1");
}

TEST(TerraformPriorState, BadPriorStatesAreLocatedErrors) {
  struct Case {
    std::string text;
    const char* message;
    std::uint32_t line;
  };
  const Case cases[] = {
      {"{\"format_version\": \"1.0\",\n \"values\": {}}", "no `prior_state`", 1},
      {"{\"format_version\": \"1.2\", \"planned_values\": {},\n \"prior_state\": [1]}",
       "`prior_state` must be an object", 2},
      {"{\"format_version\": \"1.2\", \"planned_values\": {},\n \"prior_state\": {\"values\": 7}}",
       "`prior_state.values` must be an object", 2},
  };
  for (const auto& c : cases) {
    Loaded l;
    l.ok = read_terraform(c.text, "plan.json", l.network, l.diagnostics, TerraformSide::kPriorState);
    EXPECT_FALSE(l.ok) << c.text;
    bool found = false;
    for (const auto& item : l.diagnostics.items()) {
      if (item.severity != Severity::kError || item.message.find(c.message) == std::string::npos)
        continue;
      found = true;
      EXPECT_EQ(item.line, c.line) << item.str();
    }
    EXPECT_TRUE(found) << c.text << "\n" << dump_diagnostics(l.diagnostics);
  }
}

}  // namespace
}  // namespace cloudtwin::load
