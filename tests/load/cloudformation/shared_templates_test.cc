// Every template of ../shared/data/cloudformation loads through load_network without errors
// (documented warnings allowed), with the resource counts it declares and one trace whose verdict
// follows from an AWS rule. Templates that deploy into existing VPCs are loaded after a small
// native file describing those VPCs (tests/load/cloudformation/data); templates without instances
// get a probe instance placed in one of their subnets by logical id.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cloudtwin/load/load.h"
#include "cloudtwin/vpc/endpoint.h"
#include "cloudtwin/vpc/trace.h"

namespace cloudtwin::load {
namespace {

const std::string kShared = std::string(CLOUDTWIN_SHARED_DIR) + "/data/cloudformation/";
const std::string kData = std::string(CLOUDTWIN_SOURCE_DIR) + "/tests/load/cloudformation/data/";

struct Counts {
  std::size_t vpcs, subnets, instances, nat_gateways, transit_gateway_attachments;
};

struct TraceCase {
  std::string from, to;
  std::uint16_t port;
  bool reachable;
  std::string code;  // the first explanation code when not reachable
};

struct Case {
  std::string name;
  std::string file;
  std::map<std::string, std::string> params;
  std::string before;  // a native file of existing resources, read first
  std::string probe;   // native YAML read after the template (a probe instance)
  Counts counts;
  TraceCase trace;
  std::string rule;  // the AWS rule the verdict follows from
};

std::string write_probe(const std::string& name, const std::string& yaml) {
  const auto path =
      std::filesystem::temp_directory_path() / ("cloudtwin-cfn-probe-" + name + ".yaml");
  std::ofstream(path) << yaml;
  return path.string();
}

std::string probe_in(const std::string& subnet, const std::string& ip) {
  return "instances:\n  - {name: probe, subnet: " + subnet + ", private_ip: " + ip + "}\n";
}

std::string dump(const Diagnostics& d) {
  std::string s;
  for (const auto& i : d.items()) s += "  " + i.str() + "\n";
  return s;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> k = {
      {"awslabs_community_vpc",
       "awslabs-community-vpc_template.json",
       {},
       "",
       "",
       {1, 1, 1, 0, 0},
       {"internet", "WebServerInstance", 80, true, ""},
       "IGW 1:1 NAT to the instance's EIP; SG and NACL allow HTTP in, ephemeral ports out"},
      {"anfw_centralized_egress",
       "anfw-centralized-egress-east-west-2az-template.yaml",
       {},
       "",
       "",
       {3, 14, 4, 2, 3},
       {"EC2SubnetA1", "internet", 443, true, ""},
       "aws-vpc-services.md §6 (centralised pattern): spoke egress goes through the transit "
       "gateway to the inspection VPC's attachment subnet, whose default route is the firewall "
       "endpoint of its zone (EndpointIds in SubnetMappings order); the policy's only group "
       "alerts (strict order, no StatefulDefaultActions), so the flow passes, then the NAT "
       "gateway and the internet gateway"},
      {"cantrill_bgp_vpn",
       "cantrill-BGPVPNINFRA.yaml",
       {},
       "",
       "",
       {2, 5, 6, 0, 1},
       {"AWSEC2A", "ONPREMSERVER1", 22, false, "TGW_RTB_CANNOT_ROUTE"},
       "the on-premises VPC is reached only once the lab's VPN is up; the transit gateway has "
       "no route to it"},
      {"cfn_endpoint_waitcondition",
       "cfn-endpoint-waitcondition.yaml",
       {{"EnvironmentName", "test"}},
       "",
       "",
       {1, 4, 2, 0, 0},
       {"PrivateInstance", "52.216.10.10", 443, true, ""},
       "a gateway endpoint adds the route to S3's prefix list, us-east-1's real ranges"},
      {"gwlb_centralized_tgw",
       "gwlb-CentralizedArchitectureTgw.yaml",
       {{"ApplianceVpcId", "vpc-0a0a0a0a0a0a0a0a0"},
        {"ApplianceVpcTgwAttachSubnet1Id", "subnet-0a0a0a0a0a0a0a0a1"},
        {"ApplianceVpcTgwAttachSubnet2Id", "subnet-0a0a0a0a0a0a0a0a2"},
        {"ApplianceVpcApplianceRtb1Id", "rtb-0a0a0a0a0a0a0a0a1"},
        {"ApplianceVpcApplianceRtb2Id", "rtb-0a0a0a0a0a0a0a0a2"},
        {"Spoke1VpcId", "vpc-01010101010101010"},
        {"Spoke1VpcTgwAttachSubnet1Id", "subnet-01010101010101011"},
        {"Spoke1VpcTgwAttachSubnet2Id", "subnet-01010101010101012"},
        {"Spoke1VpcRtb1Id", "rtb-01010101010101010"},
        {"Spoke2VpcId", "vpc-02020202020202020"},
        {"Spoke2VpcTgwAttachSubnet1Id", "subnet-02020202020202021"},
        {"Spoke2VpcTgwAttachSubnet2Id", "subnet-02020202020202022"},
        {"Spoke2VpcRtb1Id", "rtb-02020202020202020"}},
       "appliance-and-spokes.yaml",
       "",
       {3, 8, 2, 0, 3},
       {"spoke1-app", "spoke2-app", 443, true, ""},
       "spoke attachments use the egress table (default route to the appliance VPC); the "
       "appliance VPC routes back to the transit table, which has static routes to each spoke"},
      {"gwlb_distributed_spoke",
       "gwlb-DistributedArchitectureSpokeVpc2Az.yaml",
       {{"AvailabilityZone1", "us-east-1a"}, {"AvailabilityZone2", "us-east-1b"}},
       "",
       "",
       {1, 4, 3, 0, 0},
       {"Application1", "internet", 443, true, ""},
       "aws-vpc-services.md §4: the application subnet's default route targets the Gateway Load "
       "Balancer endpoint in its zone, whose subnet routes to the internet gateway; the "
       "appliances behind the service (another stack's) are assumed to pass the packet "
       "(PATH_THROUGH_GWLB_NOT_CHECKED)"},
      {"nist_management_vpc",
       "nist_vpc_management.yaml",
       // The template's defaults give the private subnets the DMZ subnets' blocks, which AWS
       // would reject; distinct blocks are passed instead.
       {{"pManagementPrivateSubnetACIDR", "10.10.30.0/24"},
        {"pManagementPrivateSubnetBCIDR", "10.10.40.0/24"}},
       "",
       "",
       {1, 4, 1, 1, 0},
       {"rMgmtBastionInstance", "internet", 443, true, ""},
       "the bastion in the DMZ subnet has an EIP and a default route to the IGW"},
      {"quickstart_vpc",
       "quickstart-aws-vpc.template.yaml",
       {{"AvailabilityZones", "us-east-1a,us-east-1b"}},
       "",
       probe_in("PrivateSubnet1A", "10.0.0.10"),
       {1, 4, 1, 2, 0},
       {"probe", "internet", 443, true, ""},
       "a private subnet's default route to a NAT gateway in a public subnet reaches the "
       "internet (nat-gateway-basics)"},
      {"tgw_egress_filtering_spoke",
       "tgw-egress-filtering-SpokeVpc.yaml",
       {{"ParentStackName", "hub"}},
       "",
       "",
       {1, 2, 2, 0, 0},
       {"SpokeTestInstance", "internet", 443, false, "NO_ROUTE_TO_DESTINATION"},
       "the spoke's default route targets the hub's transit gateway, an unanswered import: the "
       "route is left out and nothing else leads out"},
      {"tgw_network_firewall",
       "tgw-network-firewall-aws_nw_fw.yml",
       {},
       "",
       probe_in("Spoke1PrivateSubnet", "172.32.1.10"),
       {4, 7, 1, 1, 4},
       {"probe", "internet", 443, false, "NO_ROUTE_TO_DESTINATION"},
       "the transit gateway sends spoke egress to the inspection VPC, whose TGW-subnet route "
       "table (InspectionTGWRT) the template leaves empty: the firewall routes are added "
       "outside it"},
      {"tgw_overlapping_cidrs",
       "tgw-overlapping-cidrs-cf.json",
       {{"TransitGatewayId", "tgw-0c0c0c0c0c0c0c0c0"}},
       "existing-transit-gateway.yaml",
       "",
       {2, 6, 4, 2, 2},
       {"OverlapNAT1Instance", "internet", 443, true, ""},
       "the instance's subnet routes 0.0.0.0/0 to a NAT gateway in a public subnet"},
      {"ec2_multiple_static_ips",
       "VPC_EC2_Instance_With_Multiple_Static_IPAddresses.yaml",
       {{"VpcId", "vpc-0e1e1e1e1e1e1e1e1"},
        {"SubnetId", "subnet-0e1e1e1e1e1e1e1e1"},
        {"PrimaryIPAddress", "10.0.1.10"},
        {"SecondaryIPAddress", "10.0.1.11"}},
       "existing-subnet.yaml",
       "",
       {1, 1, 1, 0, 0},
       {"internet", "EC2Instance", 22, true, ""},
       "the EIP is associated with the primary private IP of Eth0; the SG allows SSH from "
       "SSHLocation (0.0.0.0/0)"},
      {"managed_nat_private_subnet",
       "VPC_With_Managed_NAT_And_Private_Subnet.yaml",
       {},
       "",
       probe_in("PrivateSubnet0", "10.0.2.10"),
       {1, 4, 1, 2, 0},
       {"probe", "internet", 443, true, ""},
       "the private route table's default route targets the NAT gateway of a public subnet"},
      {"vpn_connection",
       "VPC_With_VPN_Connection.template",
       {{"VPNAddress", "192.0.2.200"}},
       "",
       probe_in("PrivateSubnet", "10.1.0.10"),
       {1, 1, 1, 0, 0},
       {"probe", "internet", 443, false, "NO_ROUTE_TO_DESTINATION"},
       "a VPC whose only gateway is a virtual private gateway has no route to the internet"},
      {"vpc_peering_requester",
       "VPCPeering-Requester-Setup.cfn.yaml",
       {{"VPCID", "vpc-0aaaaaaaaaaaaaaaa"},
        {"PeerVPCID", "vpc-0bbbbbbbbbbbbbbbb"},
        {"PeerOwnerId", "000000000000"},
        {"PeerRoleARN", ""},
        {"PeerName", "to-accepter"}},
       "peered-vpcs.yaml",
       "",
       {2, 2, 2, 0, 0},
       {"app", "db", 5432, true, ""},
       "both VPCs route the other's CIDR to the peering connection (vpc-peering-routing)"},
      {"widdix_3az",
       "widdix-vpc-3azs.yaml",
       {},
       "",
       probe_in("SubnetAPrivate", "10.0.16.10"),
       {1, 6, 1, 0, 0},
       {"probe", "internet", 443, false, "NO_ROUTE_TO_DESTINATION"},
       "the private subnets have IPv6 egress through the egress-only IGW but no IPv4 route out"},
  };
  return k;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.file; }

class SharedTemplate : public ::testing::TestWithParam<Case> {};

TEST_P(SharedTemplate, LoadsWithCountsAndTrace) {
  const Case& c = GetParam();
  std::vector<std::string> paths;
  if (!c.before.empty()) paths.push_back(kData + c.before);
  paths.push_back(kShared + c.file);
  if (!c.probe.empty()) paths.push_back(write_probe(c.name, c.probe));
  LoadOptions options;
  options.parameters = c.params;
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network(paths, n, d, options)) << dump(d);
  for (const auto& item : d.items()) {
    // Warnings are located: file:line:column.
    EXPECT_GT(item.line, 0u) << item.str();
  }
  EXPECT_EQ(n.vpcs.size(), c.counts.vpcs);
  EXPECT_EQ(n.subnets.size(), c.counts.subnets);
  EXPECT_EQ(n.instances.size(), c.counts.instances);
  EXPECT_EQ(n.nat_gateways.size(), c.counts.nat_gateways);
  EXPECT_EQ(n.transit_gateway_attachments.size(), c.counts.transit_gateway_attachments);

  auto from = vpc::parse_endpoint(n, c.trace.from);
  auto to = vpc::parse_endpoint(n, c.trace.to);
  ASSERT_TRUE(from.endpoint) << c.trace.from << ": " << from.error;
  ASSERT_TRUE(to.endpoint) << c.trace.to << ": " << to.error;
  vpc::Query q;
  q.source = *from.endpoint;
  q.destination = *to.endpoint;
  q.destination_port = c.trace.port;
  const auto t = vpc::trace(n, q);
  std::string why;
  for (const auto& e : t.explanations) why += e.code + ": " + e.message + "\n";
  for (const auto& e : t.unknowns) why += "unknown: " + e.code + ": " + e.message + "\n";
  EXPECT_EQ(t.reachable, c.trace.reachable) << c.rule << "\n" << why;
  // A path into a component cloudtwin does not model is inconclusive (issue 9), and the
  // unknown is named first; a certain drop is named by its explanation.
  const bool unknown = c.trace.code == "UNSUPPORTED_COMPONENT";
  EXPECT_EQ(t.verdict == vpc::Verdict::kInconclusive, unknown) << c.rule << "\n" << why;
  const auto& named = unknown ? t.unknowns : t.explanations;
  if (!c.trace.code.empty()) {
    ASSERT_FALSE(named.empty()) << why;
    EXPECT_EQ(named.front().code, c.trace.code) << why;
  }
}

INSTANTIATE_TEST_SUITE_P(CloudFormation, SharedTemplate, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

// Every file of the folder is covered above.
TEST(CloudFormationSharedData, EveryTemplateHasACase) {
  std::size_t templates = 0;
  for (const auto& e : std::filesystem::directory_iterator(kShared)) {
    const auto ext = e.path().extension().string();
    if (ext == ".md") continue;
    ++templates;
    const auto name = e.path().filename().string();
    bool covered = false;
    for (const auto& c : cases()) covered = covered || c.file == name;
    EXPECT_TRUE(covered) << name;
  }
  EXPECT_EQ(templates, cases().size());
}

// parameters-section-structure.html: a parameter without Default needs a value to deploy, but
// not to be read: without --param, every template loads, with stand-ins for what it lacks (the
// NIST template's defaults give two subnets the same block, which AWS refuses: a real error).
TEST(CloudFormationSharedData, EveryTemplateLoadsWithoutParameters) {
  for (const auto& c : cases()) {
    model::Network n;
    Diagnostics d;
    const bool ok = load_network({kShared + c.file}, n, d);
    if (c.name == "nist_management_vpc") {
      EXPECT_FALSE(ok);
      for (const auto& item : d.items()) {
        if (item.severity == Severity::kError) {
          EXPECT_NE(item.message.find("overlaps subnet"), std::string::npos) << item.str();
        }
      }
      continue;
    }
    EXPECT_TRUE(ok) << c.file << "\n" << dump(d);
  }
}

}  // namespace
}  // namespace cloudtwin::load
