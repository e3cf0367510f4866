// The AWS CLI snapshot reader with model::finalize(): every shared-data snapshot, then small
// snapshots written here for one rule each, then bad input.
#include "cloudtwin/load/aws_cli.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

#include "cloudtwin/load/load.h"
#include "snapshot_folder.h"
#include "trace_helpers.h"

namespace cloudtwin::load {
namespace {

namespace fs = std::filesystem;
using testing::dump_diagnostics;
using testing::load;
using testing::Loaded;
using testing::trace_between;
using Snapshot = testing::SnapshotFolder;

std::string data(const std::string& snapshot) {
  return std::string(CLOUDTWIN_SHARED_DIR) + "/data/aws-cli/" + snapshot;
}

// Warnings allowed on the shared data: Batfish keys cloudtwin does not model, blackhole routes
// to deleted gateways, and target groups left behind in deleted VPCs.
void expect_only_documented_warnings(const Diagnostics& d) {
  for (const auto& item : d.items()) {
    EXPECT_TRUE(item.message.starts_with("ignored: ") ||
                item.message.find("blackhole route names") != std::string::npos ||
                (item.gap == Gap::kLeftOut &&
                 item.message.find("which is not in the snapshot: left out") != std::string::npos))
        << item.str();
  }
}

// ---- shared data ------------------------------------------------------------------------------

TEST(AwsCliSnapshot, NatGatewayGivesPrivateSubnetInternetAccess) {
  auto l = load(data("batfish-test-nat-gateway"));  // flat layout: aws_configs/*.json
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  expect_only_documented_warnings(l.diagnostics);
  EXPECT_EQ(l.network.vpcs.size(), 1u);
  EXPECT_EQ(l.network.subnets.size(), 3u);
  EXPECT_EQ(l.network.instances.size(), 3u);
  // The NAT gateway's own ENI is represented by the gateway, not as an interface.
  EXPECT_EQ(l.network.network_interfaces.size(), 3u);
  EXPECT_EQ(l.network.nat_gateways.size(), 1u);
  // nat-gateway-basics: a private instance reaches the internet through the NAT gateway.
  auto t = trace_between(l.network, "test1", "internet:8.8.8.8");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
}

TEST(AwsCliSnapshot, VpcPeeringCarriesTrafficBetweenPeers) {
  auto l = load(data("batfish-test-vpc-peering"));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  expect_only_documented_warnings(l.diagnostics);
  EXPECT_EQ(l.network.vpcs.size(), 3u);
  EXPECT_EQ(l.network.vpc_peering_connections.size(), 2u);
  // vpc-peering: routes on both sides through the pcx; SSH is allowed by the groups.
  auto t = trace_between(l.network, "i-06ba034d88c84ef07", "i-04a292ff83b3aa833", 22);
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
}

TEST(AwsCliSnapshot, GatewayEndpointCarriesS3Traffic) {
  auto l = load(data("batfish-test-vpc-endpoint-gateway"));  // aws_configs/<region>/
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  expect_only_documented_warnings(l.diagnostics);
  EXPECT_EQ(l.network.vpc_endpoints.size(), 1u);
  EXPECT_EQ(l.network.vpcs.front().region, "us-east-1");
  // gateway-endpoints.html: the route to the S3 prefix list reaches the service from a
  // private subnet without an internet path.
  auto t = trace_between(l.network, "private-web01", "52.216.0.10");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
}

TEST(AwsCliSnapshot, VpnGatewayHasNoRouteToTheInternet) {
  auto l = load(data("batfish-test-vpn-gateway"));
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  expect_only_documented_warnings(l.diagnostics);
  EXPECT_EQ(l.network.vpn_gateways.size(), 1u);
  EXPECT_EQ(l.network.vpn_connections.size(), 1u);
  EXPECT_EQ(l.network.customer_gateways.size(), 2u);
  // The subnet's default route points at the VGW, which forwards only to what its VPN
  // connections lead to (VGW_* codes; aws-vpc.md 1.12).
  auto t = trace_between(l.network, "i-099cf38911942421c", "internet:8.8.8.8");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_FALSE(t.trace.reachable);
  EXPECT_EQ(t.codes, std::vector<std::string>{"NO_ROUTE_TO_DESTINATION"});
}

TEST(AwsCliSnapshot, TransitGatewayConnectsTheRegionsVpcs) {
  auto l = load(data("pybatfish-hybrid-cloud"));  // two regions
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  expect_only_documented_warnings(l.diagnostics);
  EXPECT_EQ(l.network.vpcs.size(), 4u);
  EXPECT_EQ(l.network.transit_gateways.size(), 2u);
  EXPECT_EQ(l.network.instances.size(), 4u);
  // how-transit-gateways-work: the VPC attachments propagate into the table both are
  // associated with, and the subnets route 10.20.0.0/16 to the TGW.
  auto t = trace_between(l.network, "i-04cd3db5124a05ee6", "i-01602d9efaed4409a", 22);
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
}

TEST(AwsCliSnapshot, TransitGatewayPeeringUsesTheIngressAttachmentsTable) {
  auto l =
      load(data("batfish-test-transit-gateway-peering"));  // aws_configs/accounts/<id>/<region>
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  expect_only_documented_warnings(l.diagnostics);
  EXPECT_EQ(l.network.transit_gateways.size(), 2u);
  // One peering attachment id, one model attachment per side, each the other's peer.
  std::size_t peering = 0;
  for (const auto& a : l.network.transit_gateway_attachments) {
    if (a.type == model::AttachmentType::kPeering) {
      ++peering;
      EXPECT_FALSE(a.peer_attachment.empty()) << a.id;
    }
  }
  EXPECT_EQ(peering, 2u);
  EXPECT_EQ(l.network.vpcs[0].account.size(), 12u);
  // aws-vpc.md 1.8: lookup uses the table associated with the ingress attachment. bat's VPC
  // attachment is associated with a table that has no route to 192.168.0.0/16.
  auto t = trace_between(l.network, "bat", "fish", 22);
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_FALSE(t.trace.reachable);
  EXPECT_EQ(t.codes, std::vector<std::string>{"TGW_RTB_CANNOT_ROUTE"});
}

// ---- rules ------------------------------------------------------------------------------------

const char* kVpcs =
    R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "OwnerId": "111122223333"}]})";
const char* kSubnets =
    R"({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "eu-west-1a"}]})";
const char* kGroups =
    R"({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web", "VpcId": "vpc-1",
  "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
  "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]})";
const char* kIgw =
    R"({"InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": "vpc-1", "State": "available"}]}]})";
// The main table lists its `local` route and the main association, as describe-route-tables
// does, and a propagated route beside a static one to the same prefix.
const char* kRouteTables = R"({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
  "Associations": [{"Main": true, "RouteTableAssociationId": "rtbassoc-1", "RouteTableId": "rtb-1"}],
  "PropagatingVgws": [],
  "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
             {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "Origin": "CreateRoute", "State": "active"}]}]})";
const char* kInstances = R"({"Reservations": [{"Instances": [
  {"InstanceId": "i-1", "State": {"Name": "running"}, "SubnetId": "subnet-1", "Tags": [{"Key": "Name", "Value": "web"}],
   "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1", "Groups": [{"GroupId": "sg-1"}],
     "PrivateIpAddress": "10.0.1.10", "SourceDestCheck": true, "Attachment": {"DeviceIndex": 0},
     "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.10",
       "Association": {"PublicIp": "203.0.113.10", "IpOwnerId": "amazon"}}]}]},
  {"InstanceId": "i-gone", "State": {"Name": "terminated"}}]}]})";
const char* kEnis =
    R"({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1",
  "InterfaceType": "interface", "Groups": [{"GroupId": "sg-1"}], "PrivateIpAddress": "10.0.1.10",
  "Attachment": {"InstanceId": "i-1", "DeviceIndex": 0}, "Status": "in-use"}]})";

Snapshot basic(const std::string& name, const std::string& dir) {
  Snapshot s(name);
  s.write(dir + "/vpcs.json", kVpcs);
  s.write(dir + "/subnets.json", kSubnets);
  s.write(dir + "/sg.json", kGroups);
  s.write(dir + "/igw.json", kIgw);
  s.write(dir + "/rt.json", kRouteTables);
  s.write(dir + "/instances.json", kInstances);
  s.write(dir + "/enis.json", kEnis);
  return s;
}

TEST(AwsCliSnapshotRules, ListedLocalRouteAndMainAssociationAddNoDuplicates) {
  auto s = basic("awscli_basic", "aws_configs/111122223333/eu-west-1");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_TRUE(l.diagnostics.items().empty()) << dump_diagnostics(l.diagnostics);
  ASSERT_EQ(l.network.route_tables.size(), 1u);  // no extra main table
  const auto& rt = l.network.route_tables[0];
  std::size_t locals = 0;
  for (const auto& r : rt.effective) locals += r.target_kind == model::TargetKind::kLocal;
  EXPECT_EQ(locals, 1u);
  EXPECT_EQ(l.network.vpcs[0].region, "eu-west-1");
  EXPECT_EQ(l.network.vpcs[0].account, "111122223333");
  // The instance ENI appears in both answers; the terminated instance is left out.
  EXPECT_EQ(l.network.network_interfaces.size(), 1u);
  EXPECT_EQ(l.network.instances.size(), 1u);
  // route-tables.html + IGW 1:1 NAT: inbound HTTPS to the public IP reaches the instance.
  auto t = trace_between(l.network, "internet:8.8.8.8", "203.0.113.10");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
}

TEST(AwsCliSnapshotRules, PropagatedRoutesAreWrittenRoutesAndStaticOnesWin) {
  auto s = basic("awscli_propagated", "accounts/111122223333/eu-west-1");
  s.write("accounts/111122223333/eu-west-1/vgw.json", R"({"VpnGateways": [{"VpnGatewayId": "vgw-1",
    "State": "available", "VpcAttachments": [{"VpcId": "vpc-1", "State": "attached"}]}]})");
  s.write("accounts/111122223333/eu-west-1/rt.json",
          R"({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
    "Associations": [{"Main": true}], "PropagatingVgws": [{"GatewayId": "vgw-1"}],
    "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "Origin": "CreateRoute", "State": "active"},
               {"DestinationCidrBlock": "172.16.0.0/16", "GatewayId": "vgw-1", "Origin": "EnableVgwRoutePropagation", "State": "active"},
               {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vgw-1", "Origin": "EnableVgwRoutePropagation", "State": "active"}]}]})");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& rt = l.network.route_tables[0];
  ASSERT_EQ(rt.routes.size(), 2u);  // the propagated 0.0.0.0/0 is hidden by the static one
  EXPECT_EQ(rt.routes[1].origin, model::RouteOrigin::kPropagatedVpnBgp);
  EXPECT_TRUE(rt.propagating_vgws.empty());  // not re-derived: no duplicates in `effective`
  std::size_t to_onprem = 0;
  for (const auto& r : rt.effective) to_onprem += r.destination == Prefix::parse("172.16.0.0/16");
  EXPECT_EQ(to_onprem, 1u);
}

// vpc-network-acls.html: the `*` rules are listed with RuleNumber 32767 (IPv4) and, in a VPC
// with IPv6, 32768 (::/0); both are AWS's catch-all denies, which finalize() adds.
TEST(AwsCliSnapshotRules, NetworkAclCatchAllRulesOfBothFamiliesAreImplicit) {
  auto s = basic("awscli_nacl", "aws_configs/eu-west-1");
  s.write("aws_configs/eu-west-1/vpcs.json",
          R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "OwnerId": "111122223333",
    "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8:1200::/56",
      "Ipv6CidrBlockState": {"State": "associated"}}]}]})");
  s.write("aws_configs/eu-west-1/acl.json", R"({"NetworkAcls": [{"NetworkAclId": "acl-1",
    "VpcId": "vpc-1", "IsDefault": true, "Associations": [{"SubnetId": "subnet-1"}], "Entries": [
    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 101, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "Ipv6CidrBlock": "::/0"},
    {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 32768, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "Ipv6CidrBlock": "::/0"},
    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 32768, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "Ipv6CidrBlock": "::/0"}]}]})");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  ASSERT_EQ(l.network.network_acls.size(), 1u);
  const auto& acl = l.network.network_acls[0];
  std::size_t written_in = 0, written_out = 0;
  for (const auto& e : acl.ingress) written_in += !e.implicit;
  for (const auto& e : acl.egress) written_out += !e.implicit;
  EXPECT_EQ(written_in, 2u);
  EXPECT_EQ(written_out, 1u);
  for (const auto* list : {&acl.ingress, &acl.egress}) {
    for (const auto& e : *list) {
      if (!e.implicit) {
        EXPECT_LE(e.rule_number, 32766) << e.rule_number;
      }
    }
  }
  // The listed allow rules still let the internet reach the instance.
  auto t = trace_between(l.network, "internet:8.8.8.8", "203.0.113.10");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
}

TEST(AwsCliSnapshotRules, UnknownAndUnmodelledKeysAreLocatedWarnings) {
  auto s = basic("awscli_keys", "aws_configs/eu-west-1");
  s.write("aws_configs/eu-west-1/rds.json", "{\n  \"DBInstances\": []\n}");
  s.write("aws_configs/eu-west-1/x.json", "{\n  \"Widgets\": []\n}");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "ignored: DBInstances"), 1u);
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "ignored: unknown key `Widgets`"),
            1u);
  for (const auto& item : l.diagnostics.items()) EXPECT_EQ(item.line, 2u) << item.str();
}

// security-group-rules.html ("Security group referencing"): a rule may name a group of a
// peered VPC in another account or Region; describe-stale-security-groups
// (https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-stale-security-groups.html)
// shows that AWS keeps such a rule after the peer's group is deleted. Neither group is in the
// snapshot: the rule is kept with its peer unknown and a located warning, not a failed load.
TEST(AwsCliSnapshotRules, RuleReferencingAGroupOutsideTheSnapshotIsKeptUnknown) {
  auto s = basic("awscli_stale_group", "aws_configs/eu-west-1");
  s.write("aws_configs/eu-west-1/sg.json", R"({"SecurityGroups": [{"GroupId": "sg-1",
    "GroupName": "web", "VpcId": "vpc-1",
    "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
      {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
       "UserIdGroupPairs": [
        {"GroupId": "sg-0peer0000000000",
         "UserId": "444455556666", "VpcPeeringConnectionId": "pcx-1", "PeeringStatus": "deleted"}]}],
    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]})");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const Diagnostic* gap = nullptr;
  for (const auto& item : l.diagnostics.items()) {
    if (item.gap == Gap::kLeftOut) gap = &item;
  }
  ASSERT_NE(gap, nullptr) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(gap->severity, Severity::kWarning);
  EXPECT_TRUE(gap->file.ends_with("sg.json")) << gap->str();
  EXPECT_EQ(gap->line, 6u) << gap->str();  // the group pair
  EXPECT_EQ(gap->resource, "sg-1");
  EXPECT_NE(gap->message.find("sg-0peer0000000000"), std::string::npos) << gap->str();
  EXPECT_NE(gap->message.find("account 444455556666"), std::string::npos) << gap->str();
  EXPECT_NE(gap->message.find("peering deleted"), std::string::npos) << gap->str();
  ASSERT_EQ(l.network.security_groups[0].ingress.size(), 2u);
  const auto& rule = l.network.security_groups[0].ingress[1];
  EXPECT_FALSE(rule.unknown.empty());
  EXPECT_TRUE(rule.security_group.empty());
  EXPECT_EQ(rule.ports.from, 22);
  // The rest of the snapshot still answers.
  auto t = trace_between(l.network, "internet:8.8.8.8", "203.0.113.10");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_TRUE(t.trace.reachable) << ::testing::PrintToString(t.codes);
}

// The same through describe-security-group-rules (ReferencedGroupInfo).
TEST(AwsCliSnapshotRules, SplitRuleReferencingAGroupOutsideTheSnapshotIsKeptUnknown) {
  auto s = basic("awscli_stale_split_rule", "aws_configs/eu-west-1");
  s.write("aws_configs/eu-west-1/rules.json", R"({"SecurityGroupRules": [
    {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp",
     "FromPort": 5432, "ToPort": 5432,
     "ReferencedGroupInfo": {"GroupId": "sg-0other", "UserId": "444455556666"}}]})");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "sg-0other (account 444455556666)"),
            1u)
      << dump_diagnostics(l.diagnostics);
  std::size_t unknown = 0;
  for (const auto& r : l.network.security_groups[0].ingress) unknown += !r.unknown.empty();
  EXPECT_EQ(unknown, 1u);
}

// using-regions-availability-zones.html: an Availability Zone's name is its Region's name
// followed by a letter (us-west-2-lax-1a, a Local Zone, is in us-west-2). Without a Region
// folder the zones say where the VPC is.
TEST(AwsCliSnapshotRegions, RegionComesFromTheAvailabilityZonesWithoutAFolder) {
  auto s = basic("awscli_region_from_zone", "aws_configs");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_TRUE(l.diagnostics.items().empty()) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.vpcs[0].region, "eu-west-1");
}

TEST(AwsCliSnapshotRegions, FolderAndZonesThatDisagreeAreAWarningAndTheFolderWins) {
  auto s = basic("awscli_region_mismatch", "aws_configs/us-west-2");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.vpcs[0].region, "us-west-2");
  EXPECT_EQ(testing::count_warnings_containing(
                l.diagnostics, "are in eu-west-1 (their Availability Zones), but its folder says "
                               "us-west-2"),
            1u)
      << dump_diagnostics(l.diagnostics);
}

TEST(AwsCliSnapshotRegions, RegionOptionThatDisagreesIsAWarning) {
  auto s = basic("awscli_region_option", "aws_configs/eu-west-1");
  Loaded l;
  LoadOptions options;
  options.region = "us-east-1";
  l.ok = load_network({s.str()}, l.network, l.diagnostics, options);
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.vpcs[0].region, "eu-west-1");
  EXPECT_EQ(testing::count_warnings_containing(
                l.diagnostics, "--region us-east-1 differs from the snapshot's Region eu-west-1"),
            1u)
      << dump_diagnostics(l.diagnostics);
}

// A Region folder linked from elsewhere is read under its link's name, not skipped.
TEST(AwsCliSnapshotRegions, RegionFolderThatIsASymbolicLinkIsRead) {
  auto s = basic("awscli_region_link", "elsewhere/snapshot-2026");
  fs::create_directories(fs::path(s.str()) / "aws_configs");
  fs::create_directory_symlink(fs::path(s.str()) / "elsewhere/snapshot-2026",
                               fs::path(s.str()) / "aws_configs/eu-west-1");
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_TRUE(l.diagnostics.items().empty()) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.vpcs.size(), 1u);
  EXPECT_EQ(l.network.instances.size(), 1u);
  EXPECT_EQ(l.network.vpcs[0].region, "eu-west-1");
}

// A link back up the tree, a broken link and a FIFO named .json are said, not followed forever,
// skipped silently or blocked on.
TEST(AwsCliSnapshotRegions, LoopingBrokenAndSpecialEntriesAreWarnings) {
  auto s = basic("awscli_region_loop", "aws_configs/eu-west-1");
  const fs::path dir = fs::path(s.str()) / "aws_configs/eu-west-1";
  fs::create_directory_symlink(fs::path(s.str()) / "aws_configs", dir / "loop");
  fs::create_symlink(dir / "missing.json", dir / "broken.json");
  ASSERT_EQ(::mkfifo((dir / "fifo.json").c_str(), 0600), 0);
  auto l = load(s.str());
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(l.network.vpcs.size(), 1u);
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "a link to a folder already read"),
            1u)
      << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "a broken symbolic link"), 1u);
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "not a regular file"), 1u);
}

struct BadCase {
  const char* name;
  const char* text;
  const char* message;
  std::uint32_t line;
};

class AwsCliSnapshotBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(AwsCliSnapshotBadInput, IsALocatedError) {
  const auto& c = GetParam();
  auto s = basic(std::string("awscli_bad_") + c.name, "aws_configs/eu-west-1");
  s.write("aws_configs/eu-west-1/bad.json", c.text);
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
    Cases, AwsCliSnapshotBadInput,
    ::testing::Values(BadCase{"Truncated",
                              "{\"Subnets\": [{\"SubnetId\": \"subnet-2\",\n \"VpcId\": ",
                              "truncated", 2},
                      BadCase{"TopLevelArray", "[]", "a describe-* answer is a JSON object", 1},
                      BadCase{"NotAnArray", "{\n\"Vpcs\": {}}", "`Vpcs` must be an array", 2},
                      BadCase{"WrongType",
                              "{\"Subnets\": [\n{\"SubnetId\": \"subnet-2\", \"VpcId\": \"vpc-1\", "
                              "\"CidrBlock\": 7}]}",
                              "`CidrBlock` must be a string", 2},
                      BadCase{"RuleNumberAboveTheCatchAlls",
                              "{\"NetworkAcls\": [{\"NetworkAclId\": \"acl-9\", \"VpcId\": "
                              "\"vpc-1\",\n\"Entries\": [{\"RuleNumber\": 32769, \"Protocol\": "
                              "\"-1\", \"RuleAction\": \"deny\", \"CidrBlock\": \"0.0.0.0/0\"}]}]}",
                              "RuleNumber", 2},
                      // RFC 8259 section 4: names SHOULD be unique; readers disagree on which
                      // value wins, so a repeat is an error.
                      BadCase{"DuplicateKeyInAnItem",
                              "{\"Subnets\": [{\"SubnetId\": \"subnet-2\", \"VpcId\": "
                              "\"vpc-1\",\n \"CidrBlock\": \"10.0.2.0/24\",\n"
                              "\"CidrBlock\": \"10.0.3.0/24\"}]}",
                              "duplicate key `CidrBlock` (first at line 2", 3},
                      BadCase{"DuplicateTopLevelKey", "{\"Vpcs\": [],\n \"Vpcs\": []}",
                              "duplicate key `Vpcs`", 2},
                      BadCase{"TwoDocuments", "{\"Vpcs\": []}\n{\"Subnets\": []}",
                              "more than one JSON document", 2},
                      BadCase{"TrailingGarbage", "{\"Vpcs\": []}\n\n  ]]", "more than one JSON document",
                              3},
                      BadCase{"InvalidUtf8", "{\"Vpcs\": [],\n \"x\": \"\xE2\x28\xA1\"}",
                              "not valid UTF-8", 2},
                      BadCase{"MissingVpc",
                              "{\"Subnets\": [\n{\"SubnetId\": \"subnet-2\",\n \"VpcId\": "
                              "\"vpc-nope\", \"CidrBlock\": \"10.9.0.0/24\"}]}",
                              "no VPC `vpc-nope`", 3}),
    [](const auto& info) { return std::string(info.param.name); });

// Regular files are mapped, and simdjson reads up to 64 bytes past the text: what follows the
// end must read as zeros whether the file ends mid-page, close to a page boundary or on one.
struct SizeCase {
  const char* name;
  std::ptrdiff_t pages;  // the file's size: pages * the page size + extra
  std::ptrdiff_t extra;
  const char* tail;     // written last, the padding before it sized to fit
  const char* message;  // empty: the file loads without errors
};

class AwsCliSnapshotFileSize : public ::testing::TestWithParam<SizeCase> {};

TEST_P(AwsCliSnapshotFileSize, EndsAtAnyOffsetInAPage) {
  const auto& c = GetParam();
  const std::string head =
      R"({"Subnets": [{"SubnetId": "subnet-2", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24")";
  const auto size = static_cast<std::size_t>(c.pages * sysconf(_SC_PAGESIZE) + c.extra);
  const std::string tail = c.tail;
  ASSERT_GT(size, head.size() + tail.size() + 1);
  const std::string text =
      head + "\n" + std::string(size - head.size() - tail.size() - 1, ' ') + tail;
  ASSERT_EQ(text.size(), size);
  auto s = basic(std::string("awscli_size_") + c.name, "aws_configs/eu-west-1");
  s.write("aws_configs/eu-west-1/sized.json", text);
  auto l = load(s.str());
  if (std::string(c.message).empty()) {
    EXPECT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
    EXPECT_EQ(l.network.subnets.size(), 2u);
    return;
  }
  EXPECT_FALSE(l.ok);
  bool found = false;
  for (const auto& item : l.diagnostics.items()) {
    if (item.severity == Severity::kError && item.message.find(c.message) != std::string::npos &&
        item.file.ends_with("sized.json")) {
      found = true;
      EXPECT_EQ(item.line, 3u) << item.str();  // the tail's last line, where the text ends
    }
  }
  EXPECT_TRUE(found) << dump_diagnostics(l.diagnostics);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AwsCliSnapshotFileSize,
    ::testing::Values(
        SizeCase{"OnePageExactly", 1, 0, "}]}", ""},
        SizeCase{"LessThanThePaddingBeforeTheBoundary", 1, -10, "}]}", ""},
        SizeCase{"JustPastTheBoundary", 2, 1, "}]}", ""},
        SizeCase{"TruncatedInAStringAtTheBoundary", 1, 0, ",\n\"AvailabilityZone\": \"eu-west",
                 "a string is not closed"},
        SizeCase{"TruncatedInANumberAtTheBoundary", 1, 0, ",\n\"AvailableIpAddressCount\": 25",
                 "truncated"},
        SizeCase{"TruncatedInALiteralAtTheBoundary", 2, 0, ",\n\"MapPublicIpOnLaunch\": tru",
                 "truncated"},
        SizeCase{"TruncatedInANumberNearTheBoundary", 1, -3, ",\n\"AvailableIpAddressCount\": 25",
                 "truncated"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(AwsCliSnapshotFiles, EmptyFileIsALocatedError) {
  auto s = basic("awscli_empty_file", "aws_configs/eu-west-1");
  s.write("aws_configs/eu-west-1/empty.json", "");
  auto l = load(s.str());
  EXPECT_FALSE(l.ok);
  bool found = false;
  for (const auto& item : l.diagnostics.items()) {
    if (item.severity == Severity::kError && item.message.find("the file is empty") != std::string::npos) {
      found = true;
      EXPECT_TRUE(item.file.ends_with("empty.json")) << item.str();
      EXPECT_EQ(item.line, 1u) << item.str();
    }
  }
  EXPECT_TRUE(found) << dump_diagnostics(l.diagnostics);
}

TEST(AwsCliSnapshotFiles, NulByteIsALocatedError) {
  auto s = basic("awscli_nul_byte", "aws_configs/eu-west-1");
  const char text[] = "{\"Vpcs\": [],\n \"x\": \"a\0b\"}";
  s.write("aws_configs/eu-west-1/nul.json", std::string(text, sizeof text - 1));
  auto l = load(s.str());
  EXPECT_FALSE(l.ok);
  bool found = false;
  for (const auto& item : l.diagnostics.items()) {
    if (item.message.find("a NUL byte") != std::string::npos) {
      found = true;
      EXPECT_EQ(item.line, 2u) << item.str();
      EXPECT_EQ(item.column, 9u) << item.str();
    }
  }
  EXPECT_TRUE(found) << dump_diagnostics(l.diagnostics);
}

}  // namespace
}  // namespace cloudtwin::load
