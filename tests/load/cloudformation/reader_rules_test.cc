// The CloudFormation reader reads templates as AWS would: parameters without values get
// stand-ins (never stopping the load, never a silent guess), the default security group and
// network ACL can be changed, device index 0 is the primary interface, IPv6 addresses and
// blocks are read. Each test cites the AWS documentation it follows.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "cloudtwin/load/cloudformation.h"
#include "template_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump;
using testing::load;
using testing::Loaded;

// The first diagnostic of gap `g` whose message contains `text`, or null.
const Diagnostic* gap(const Loaded& l, Gap g, const std::string& text) {
  for (const auto& d : l.diagnostics.items()) {
    if (d.gap == g && d.message.find(text) != std::string::npos) return &d;
  }
  return nullptr;
}

const model::NetworkInterface* eni(const Loaded& l, const std::string& id) {
  for (const auto& e : l.network.network_interfaces) {
    if (e.id == id || e.name == id) return &e;
  }
  return nullptr;
}

const char* kVpc =
    "  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n"
    "  Sub: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}}\n";

// ---- 1. parameters without Default or value --------------------------------------------------

// parameters-section-structure.html, "AWS-specific parameter types": an
// AWS::EC2::AvailabilityZone::Name parameter holds one of the Region's zones. Without a value,
// each such parameter stands for the Region's next zone, with a stand-in warning, and what is
// built from it says which parameter it depends on.
TEST(CloudFormationStandIns, AvailabilityZoneParametersTakeTheRegionsZonesInOrder) {
  auto l = load(
      "Parameters:\n  Az1: {Type: AWS::EC2::AvailabilityZone::Name}\n"
      "  Az2: {Type: AWS::EC2::AvailabilityZone::Name}\n"
      "  Azs: {Type: 'List<AWS::EC2::AvailabilityZone::Name>'}\n"
      "Resources:\n"
      "  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n"
      "  A: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, "
      "AvailabilityZone: !Ref Az1}}\n"
      "  B: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, "
      "AvailabilityZone: !Ref Az2}}\n"
      "  C: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.3.0/24, "
      "AvailabilityZone: !Select [2, !Ref Azs]}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  EXPECT_EQ(n.subnets[*n.find("A", model::Kind::kSubnet)].availability_zone, "us-east-1a");
  EXPECT_EQ(n.subnets[*n.find("B", model::Kind::kSubnet)].availability_zone, "us-east-1b");
  EXPECT_EQ(n.subnets[*n.find("C", model::Kind::kSubnet)].availability_zone, "us-east-1c");
  EXPECT_EQ(std::string(n.subnets[*n.find("B", model::Kind::kSubnet)].stand_in.str()), "Az2");
  const Diagnostic* w = gap(l, Gap::kStandIn, "parameter `Az1`");
  ASSERT_TRUE(w) << dump(l.diagnostics);
  EXPECT_EQ(w->line, 7u);  // its first use
  EXPECT_EQ(w->gap_key, "Az1");
}

// "AWS::EC2::VPC::Id ... an Amazon EC2 VPC ID": an existing VPC, outside the template. Without
// a value it is left out like any reference to a resource outside the inputs.
TEST(CloudFormationStandIns, ExistingResourceIdsLeaveTheirUsersOut) {
  auto l = load(
      "Parameters:\n  VpcId: {Type: 'AWS::EC2::VPC::Id'}\n"
      "Resources:\n"
      "  Sub: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref VpcId, CidrBlock: 10.0.1.0/24}}\n"
      "  Igw: {Type: AWS::EC2::InternetGateway}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_TRUE(l.network.subnets.empty());
  EXPECT_TRUE(gap(l, Gap::kStandIn, "parameter `VpcId`")) << dump(l.diagnostics);
  const Diagnostic* out = gap(l, Gap::kLeftOut, "Sub (AWS::EC2::Subnet) is left out");
  ASSERT_TRUE(out) << dump(l.diagnostics);
  EXPECT_NE(out->message.find("parameter `VpcId` has no value"), std::string::npos);
}

// A placeholder CIDR would invent reachability: a security group rule, network ACL entry or
// route whose peer or destination comes from a parameter without value is kept, marked unknown
// (security-group-rules.html, nacl-rules, route-tables: each applies to its CIDR, unknown here).
TEST(CloudFormationStandIns, CidrsFromStandInsMakeRulesEntriesAndRoutesUnknown) {
  auto l = load(std::string("Parameters:\n  Admin: {Type: String}\n  Port: {Type: Number}\n"
                            "Resources:\n") +
                kVpc +
                "  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
                "      VpcId: !Ref Vpc\n      GroupDescription: admin\n"
                "      SecurityGroupIngress:\n"
                "        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref Admin}\n"
                "        - {IpProtocol: tcp, FromPort: !Ref Port, ToPort: !Ref Port, CidrIp: "
                "10.0.0.0/8}\n"
                "  Acl: {Type: AWS::EC2::NetworkAcl, Properties: {VpcId: !Ref Vpc}}\n"
                "  Deny: {Type: AWS::EC2::NetworkAclEntry, Properties: {NetworkAclId: !Ref Acl, "
                "RuleNumber: 90, Protocol: -1, RuleAction: deny, CidrBlock: !Ref Admin}}\n"
                "  Rt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}\n"
                "  Igw: {Type: AWS::EC2::InternetGateway}\n"
                "  Att: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref Vpc, "
                "InternetGatewayId: !Ref Igw}}\n"
                "  Out: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref Rt, "
                "DestinationCidrBlock: !Ref Admin, GatewayId: !Ref Igw}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  const auto& sg = n.security_groups[*n.find("Sg", model::Kind::kSecurityGroup)];
  ASSERT_EQ(sg.ingress.size(), 2u);
  EXPECT_NE(std::string(sg.ingress[0].unknown.str()).find("`Admin`"), std::string::npos);
  EXPECT_EQ(sg.ingress[0].ports.from, 22);
  EXPECT_NE(std::string(sg.ingress[1].unknown.str()).find("`Port`"), std::string::npos);
  EXPECT_TRUE(sg.ingress[1].ports.is_all());
  const auto& acl = n.network_acls[*n.find("Acl", model::Kind::kNetworkAcl)];
  auto deny = std::find_if(acl.ingress.begin(), acl.ingress.end(),
                           [](const auto& e) { return e.rule_number == 90; });
  ASSERT_NE(deny, acl.ingress.end());
  EXPECT_FALSE(deny->allow);
  EXPECT_FALSE(deny->unknown.empty());
  const auto& rt = n.route_tables[*n.find("Rt", model::Kind::kRouteTable)];
  ASSERT_EQ(rt.routes.size(), 1u);
  EXPECT_FALSE(rt.routes[0].unknown.empty());
  EXPECT_EQ(rt.unknown_routes.size(), 1u);
  EXPECT_TRUE(gap(l, Gap::kUnknownValue, "it may match any peer")) << dump(l.diagnostics);
}

// A condition that compares a stand-in cannot be decided: the resources that need it are left
// out with a warning, never created or dropped on a guess (conditions-section-structure.html).
TEST(CloudFormationStandIns, ConditionsOnStandInsAreUndecided) {
  auto l = load(std::string("Parameters:\n  Env: {Type: String}\n"
                            "Conditions:\n  Prod: !Equals [!Ref Env, prod]\n"
                            "Resources:\n") +
                kVpc + "  Igw: {Type: AWS::EC2::InternetGateway, Condition: Prod}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_TRUE(l.network.internet_gateways.empty());
  EXPECT_TRUE(gap(l, Gap::kUnknownValue, "condition `Prod` cannot be decided"))
      << dump(l.diagnostics);
}

// A private address from a parameter without value is not used: the instance keeps an address
// finalize() picks, and its interface says it depends on the parameter.
TEST(CloudFormationStandIns, AddressFromStandInMarksTheInterface) {
  auto l = load(std::string("Parameters:\n  Ip: {Type: String}\nResources:\n") + kVpc +
                "  Web: {Type: AWS::EC2::Instance, Properties: {SubnetId: !Ref Sub, "
                "PrivateIpAddress: !Ref Ip}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto* e = eni(l, "Web");
  ASSERT_TRUE(e);
  EXPECT_EQ(std::string(e->stand_in.str()), "Ip");
  ASSERT_EQ(e->private_ips.size(), 1u);
  EXPECT_EQ(l.network.instances[0].stand_in.str(), "Ip");
}

// ---- 3. the default security group and network ACL -------------------------------------------

// AWS::EC2::VPC return values: DefaultSecurityGroup and DefaultNetworkAcl are the ids of the
// VPC's defaults, which AWS lets you change (default-security-group.html, default-network-acl):
// rules and entries added to them apply, next to AWS's default rules.
TEST(CloudFormationDefaults, RulesAndEntriesAddedToTheDefaultsApply) {
  auto l = load(std::string("Resources:\n") + kVpc +
                "  In: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: !GetAtt "
                "Vpc.DefaultSecurityGroup, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: "
                "0.0.0.0/0}}\n"
                "  Deny: {Type: AWS::EC2::NetworkAclEntry, Properties: {NetworkAclId: !GetAtt "
                "Vpc.DefaultNetworkAcl, RuleNumber: 50, Protocol: 6, RuleAction: deny, CidrBlock: "
                "0.0.0.0/0, PortRange: {From: 22, To: 22}}}\n"
                "  Web: {Type: AWS::EC2::Instance, Properties: {SubnetId: !Ref Sub, "
                "SecurityGroupIds: [!GetAtt Vpc.DefaultSecurityGroup]}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  const auto& v = n.vpcs[0];
  const auto& sg = n.security_groups[v.default_security_group];
  EXPECT_TRUE(sg.is_default);
  EXPECT_EQ(n.security_groups.size(), 1u);
  ASSERT_EQ(sg.ingress.size(), 2u);  // members of the group, and the added HTTPS rule
  EXPECT_TRUE(sg.ingress[0].implicit);
  EXPECT_EQ(sg.ingress[1].ports.from, 443);
  EXPECT_FALSE(sg.egress.empty());  // AWS's allow-all egress stays
  const auto& acl = n.network_acls[v.default_network_acl];
  EXPECT_EQ(n.network_acls.size(), 1u);
  ASSERT_GE(acl.ingress.size(), 3u);  // 50 deny SSH, 100 allow all, * deny
  EXPECT_EQ(acl.ingress[0].rule_number, 50);
  EXPECT_FALSE(acl.ingress[0].allow);
  EXPECT_EQ(acl.ingress[1].rule_number, 100);
  EXPECT_TRUE(acl.ingress[1].allow);
  ASSERT_TRUE(eni(l, "Web"));
  EXPECT_EQ(eni(l, "Web")->security_groups[0].index, v.default_security_group);
}

// CreateNetworkAclEntry refuses a rule number the ACL already has
// (NetworkAclEntryAlreadyExists): the default ACL's rule 100 cannot be added again.
TEST(CloudFormationDefaults, DefaultAclRule100IsTaken) {
  auto l = load(std::string("Resources:\n") + kVpc +
                "  E: {Type: AWS::EC2::NetworkAclEntry, Properties: {NetworkAclId: !GetAtt "
                "Vpc.DefaultNetworkAcl, RuleNumber: 100, Protocol: -1, RuleAction: deny, "
                "CidrBlock: 0.0.0.0/0}}\n");
  EXPECT_FALSE(l.ok);
  EXPECT_NE(dump(l.diagnostics).find("stack.yaml:4:3: error: [E] rule number 100 is already taken"),
            std::string::npos)
      << dump(l.diagnostics);
}

// ---- 4. device index 0 is the primary interface ----------------------------------------------

// AWS::EC2::Instance NetworkInterface DeviceIndex: "The position of the network interface in the
// attachment order"; device 0 is the primary interface, where an Elastic IP associated by
// InstanceId lands (AWS::EC2::EIP InstanceId, AWS::EC2::EIPAssociation InstanceId), whatever
// order the interfaces are declared in.
TEST(CloudFormationInterfaces, DeviceZeroIsPrimaryWhateverTheOrder) {
  auto l = load(std::string("Resources:\n") + kVpc +
                "  Sub2: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: "
                "10.0.2.0/24}}\n"
                "  Eth1: {Type: AWS::EC2::NetworkInterface, Properties: {SubnetId: !Ref Sub2, "
                "PrivateIpAddress: 10.0.2.11}}\n"
                "  Eth0: {Type: AWS::EC2::NetworkInterface, Properties: {SubnetId: !Ref Sub, "
                "PrivateIpAddress: 10.0.1.10}}\n"
                "  Web: {Type: AWS::EC2::Instance, Properties: {NetworkInterfaces: ["
                "{NetworkInterfaceId: !Ref Eth1, DeviceIndex: '1'}, "
                "{NetworkInterfaceId: !Ref Eth0, DeviceIndex: '0'}]}}\n"
                "  Ip: {Type: AWS::EC2::EIP, Properties: {InstanceId: !Ref Web}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  const auto& inst = n.instances[0];
  ASSERT_EQ(inst.network_interfaces.size(), 2u);
  EXPECT_EQ(n.network_interfaces[inst.network_interfaces[0]].name, "Eth0");
  const auto& primary = n.network_interfaces[inst.network_interfaces[0]];
  ASSERT_EQ(primary.public_ips.size(), 1u);
  EXPECT_EQ(primary.public_ips[0].second, n.elastic_ips[0].public_ip);
}

// AWS::EC2::NetworkInterfaceAttachment DeviceIndex: a later attachment at device 1 does not
// become the primary, even when its interface is declared first; two interfaces at one device
// index are refused.
TEST(CloudFormationInterfaces, AttachmentsKeepTheirDeviceIndex) {
  const std::string head = std::string("Resources:\n") + kVpc +
                           "  Extra: {Type: AWS::EC2::NetworkInterface, Properties: {SubnetId: "
                           "!Ref Sub, PrivateIpAddress: 10.0.1.20}}\n"
                           "  Web: {Type: AWS::EC2::Instance, Properties: {SubnetId: !Ref Sub, "
                           "PrivateIpAddress: 10.0.1.10}}\n"
                           "  Assoc: {Type: AWS::EC2::EIPAssociation, Properties: {AllocationId: "
                           "!GetAtt Ip.AllocationId, InstanceId: !Ref Web}}\n"
                           "  Ip: {Type: AWS::EC2::EIP}\n";
  auto l = load(head +
                "  Att: {Type: AWS::EC2::NetworkInterfaceAttachment, Properties: {InstanceId: "
                "!Ref Web, NetworkInterfaceId: !Ref Extra, DeviceIndex: '1'}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  const auto& primary = n.network_interfaces[n.instances[0].network_interfaces.at(0)];
  EXPECT_EQ(primary.private_ips[0].str(), "10.0.1.10");
  ASSERT_EQ(primary.public_ips.size(), 1u);
  EXPECT_EQ(primary.public_ips[0].second, n.elastic_ips[0].public_ip);

  auto clash = load(head +
                    "  Att: {Type: AWS::EC2::NetworkInterfaceAttachment, Properties: {InstanceId: "
                    "!Ref Web, NetworkInterfaceId: !Ref Extra, DeviceIndex: '0'}}\n");
  EXPECT_FALSE(clash.ok);
  EXPECT_NE(dump(clash.diagnostics).find("device index 0 of instance"), std::string::npos)
      << dump(clash.diagnostics);
}

// ---- 5. IPv6 ---------------------------------------------------------------------------------

// AWS::EC2::SubnetCidrBlock associates an IPv6 block with a subnet; AWS::EC2::Instance
// Ipv6Addresses names addresses and Ipv6AddressCount asks AWS to pick some from the subnet's
// block (AWS::EC2::NetworkInterface likewise); AmazonProvidedIpv6CidrBlock
// (AWS::EC2::VPCCidrBlock) is a /56 AWS picks, read as a documented stand-in.
TEST(CloudFormationIpv6, AddressesAndBlocksAreRead) {
  auto l = load(
      "Resources:\n"
      "  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n"
      "  V6: {Type: AWS::EC2::VPCCidrBlock, Properties: {VpcId: !Ref Vpc, "
      "AmazonProvidedIpv6CidrBlock: true}}\n"
      "  Sub: {Type: AWS::EC2::Subnet, DependsOn: V6, Properties: {VpcId: !Ref Vpc, CidrBlock: "
      "10.0.1.0/24}}\n"
      "  Sub6: {Type: AWS::EC2::SubnetCidrBlock, Properties: {SubnetId: !Ref Sub, Ipv6CidrBlock: "
      "!Select [1, !Cidr [!Select [0, !GetAtt Vpc.Ipv6CidrBlocks], 2, 64]]}}\n"
      "  Web: {Type: AWS::EC2::Instance, Properties: {SubnetId: !Ref Sub, Ipv6AddressCount: 2}}\n"
      "  Db: {Type: AWS::EC2::NetworkInterface, Properties: {SubnetId: !Ref Sub, Ipv6Addresses: "
      "[{Ipv6Address: !Join ['', [!Select [0, !Split ['/', !Select [1, !Cidr [!Select [0, "
      "!GetAtt Vpc.Ipv6CidrBlocks], 2, 64]]]], '5']]}]}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto& n = l.network;
  ASSERT_EQ(n.vpcs[0].ipv6_cidr_blocks.size(), 1u);
  const Prefix vpc6 = n.vpcs[0].ipv6_cidr_blocks[0];
  EXPECT_EQ(vpc6.length(), 56);
  EXPECT_TRUE(Prefix::parse("2001:db8::/32")->contains(vpc6.address()));
  EXPECT_TRUE(gap(l, Gap::kStandIn, "AmazonProvidedIpv6CidrBlock")) << dump(l.diagnostics);
  const auto& sub = n.subnets[0];
  ASSERT_TRUE(sub.ipv6_cidr_block);
  EXPECT_EQ(sub.ipv6_cidr_block->length(), 64);
  EXPECT_TRUE(vpc6.contains(*sub.ipv6_cidr_block));
  const auto* web = eni(l, "Web");
  ASSERT_TRUE(web);
  ASSERT_EQ(web->ipv6_addresses.size(), 2u);
  for (const auto& a : web->ipv6_addresses) EXPECT_TRUE(sub.ipv6_cidr_block->contains(a));
  EXPECT_NE(web->ipv6_addresses[0], web->ipv6_addresses[1]);
  const auto* db = eni(l, "Db");
  ASSERT_TRUE(db);
  ASSERT_EQ(db->ipv6_addresses.size(), 1u);
  EXPECT_TRUE(sub.ipv6_cidr_block->contains(db->ipv6_addresses[0]));
  EXPECT_EQ(db->ipv6_addresses[0], sub.ipv6_cidr_block->address().plus(5));
}

}  // namespace
}  // namespace cloudtwin::load
