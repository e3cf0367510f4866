// Table-driven tests of the CloudFormation reader: each intrinsic function (short and long form)
// evaluated into a VPC's CidrBlock, pseudo parameters and conditions, and bad input, which must be
// a located error (file:line:column), never a crash.
#include <gtest/gtest.h>

#include <string>

#include "cloudtwin/load/cloudformation.h"
#include "template_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump;
using testing::load;
using testing::Loaded;

// A template whose one VPC's CidrBlock is `expression`.
std::string vpc_with(const std::string& expression, const std::string& head = "") {
  return head + "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: " +
         expression + "\n";
}

struct IntrinsicRow {
  const char* name;
  std::string head;  // Parameters, Mappings, Conditions
  std::string expression;
  std::string cidr;
};

const char* kParams =
    "Parameters:\n  Cidr: {Type: String, Default: 10.1.0.0/16}\n  Env: {Type: String, Default: "
    "prod}\n  Octets: {Type: CommaDelimitedList, Default: '10, 7, 0, 0'}\n";
const char* kMappings = "Mappings:\n  Net:\n    prod: {Cidr: 10.5.0.0/16}\n";
const char* kConditions =
    "Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n  IsDev: !Not [!Condition IsProd]\n"
    "  Both: !And [!Condition IsProd, !Not [!Condition IsDev]]\n"
    "  Either: !Or [!Condition IsDev, {Condition: IsProd}]\n";

class Intrinsic : public ::testing::TestWithParam<IntrinsicRow> {};

TEST_P(Intrinsic, EvaluatesOffline) {
  const auto& row = GetParam();
  auto l = load(vpc_with(row.expression, row.head));
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  auto vpc = l.network.find("Vpc", model::Kind::kVpc);
  ASSERT_TRUE(vpc);
  EXPECT_EQ(l.network.vpcs[*vpc].cidr_blocks.at(0).str(), row.cidr);
}

INSTANTIATE_TEST_SUITE_P(
    CloudFormation, Intrinsic,
    ::testing::Values(
        IntrinsicRow{"RefParameterDefault", kParams, "!Ref Cidr", "10.1.0.0/16"},
        IntrinsicRow{"RefLongForm", kParams, "{Ref: Cidr}", "10.1.0.0/16"},
        IntrinsicRow{"SubVariable", kParams, "!Sub ['10.${Octet}.0.0/16', {Octet: '3'}]",
                     "10.3.0.0/16"},
        IntrinsicRow{"SubPseudoAndLiteral", kParams,
                     "!Select [0, !Split ['|', !Sub '${Cidr}|${!NotAVariable}']]", "10.1.0.0/16"},
        IntrinsicRow{"Join", "", "!Join ['.', ['10', '2', '0', '0/16']]", "10.2.0.0/16"},
        IntrinsicRow{"JoinListParameter", kParams, "!Join ['', [!Join ['.', !Ref Octets], '/16']]",
                     "10.7.0.0/16"},
        IntrinsicRow{"SelectSplit", "", "!Select [1, !Split [',', '10.0.0.0/16,10.4.0.0/16']]",
                     "10.4.0.0/16"},
        // Fn::Cidr counts host bits: 8 host bits make /24 blocks.
        IntrinsicRow{"CidrHostBits", "", "!Select [2, !Cidr [10.0.0.0/16, 4, 8]]", "10.0.2.0/24"},
        IntrinsicRow{"CidrLongForm", "",
                     "{'Fn::Select': [3, {'Fn::Cidr': ['10.0.0.0/16', 4, 12]}]}", "10.0.48.0/20"},
        IntrinsicRow{"IfEquals", std::string(kParams) + kConditions,
                     "!If [IsProd, 10.9.0.0/16, 10.8.0.0/16]", "10.9.0.0/16"},
        IntrinsicRow{"NotCondition", std::string(kParams) + kConditions,
                     "!If [IsDev, 10.9.0.0/16, 10.8.0.0/16]", "10.8.0.0/16"},
        IntrinsicRow{"AndOr", std::string(kParams) + kConditions,
                     "!If [Both, !If [Either, 10.6.0.0/16, 10.0.0.0/16], 10.0.0.0/16]",
                     "10.6.0.0/16"},
        IntrinsicRow{"FindInMap", std::string(kParams) + kMappings,
                     "!FindInMap [Net, !Ref Env, Cidr]", "10.5.0.0/16"},
        IntrinsicRow{"Base64", "", "!Base64 10.3.0.0/16", "10.3.0.0/16"},
        IntrinsicRow{"GetAttOfOtherVpc", "",
                     "!GetAtt Other.CidrBlock\n  Other:\n    Type: AWS::EC2::VPC\n    "
                     "Properties:\n      CidrBlock: 10.11.0.0/16",
                     "10.11.0.0/16"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CloudFormationIntrinsics, JsonLongForms) {
  auto l = load(R"({"Parameters": {"P": {"Type": "String", "Default": "7"}},
 "Resources": {"Vpc": {"Type": "AWS::EC2::VPC",
   "Properties": {"CidrBlock": {"Fn::Join": ["", ["10.", {"Ref": "P"}, ".0.0/16"]]}}}}})");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_EQ(l.network.vpcs[0].cidr_blocks[0].str(), "10.7.0.0/16");
}

TEST(CloudFormationIntrinsics, ParameterOverrideBeatsDefault) {
  LoadOptions o;
  o.parameters["Cidr"] = "10.20.0.0/16";
  auto l = load(vpc_with("!Ref Cidr", kParams), o);
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_EQ(l.network.vpcs[0].cidr_blocks[0].str(), "10.20.0.0/16");
}

// Fn::GetAZs gives <region>a, b, ... with a located warning; AWS::Region follows the options.
TEST(CloudFormationIntrinsics, GetAzsAndRegion) {
  LoadOptions o;
  o.region = "eu-west-1";
  auto l = load(
      "Resources:\n  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n"
      "  Sub:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n"
      "      CidrBlock: 10.0.1.0/24\n      AvailabilityZone: !Select [1, !GetAZs {Ref: "
      "AWS::Region}]\n",
      o);
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_EQ(l.network.subnets[0].availability_zone, "eu-west-1b");
  EXPECT_EQ(l.network.vpcs[0].region, "eu-west-1");
  bool warned = false;
  for (const auto& d : l.diagnostics.items()) {
    warned = warned || (d.message.find("GetAZs") != std::string::npos && d.line == 8);
  }
  EXPECT_TRUE(warned) << dump(l.diagnostics);
}

// AWS::NoValue drops the property: the subnet then has no AvailabilityZone.
TEST(CloudFormationIntrinsics, NoValueDropsTheProperty) {
  auto l = load(
      "Resources:\n  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n"
      "  Sub: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, "
      "AvailabilityZone: !Ref AWS::NoValue}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_EQ(l.network.subnets[0].availability_zone, "");
}

// Fn::ImportValue: the user's answer when given; otherwise a located warning and the resource
// that needs it is left out, never a guess.
TEST(CloudFormationIntrinsics, ImportValue) {
  const std::string t = vpc_with("!ImportValue shared-cidr");
  auto without = load(t);
  EXPECT_TRUE(without.ok) << dump(without.diagnostics);
  EXPECT_TRUE(without.network.vpcs.empty());
  EXPECT_NE(dump(without.diagnostics).find("stack.yaml:5:18: warning"), std::string::npos)
      << dump(without.diagnostics);
  LoadOptions o;
  o.imports["shared-cidr"] = "10.30.0.0/16";
  auto with = load(t, o);
  ASSERT_TRUE(with.ok) << dump(with.diagnostics);
  EXPECT_EQ(with.network.vpcs[0].cidr_blocks[0].str(), "10.30.0.0/16");
}

// A resource whose condition is false does not exist.
TEST(CloudFormationIntrinsics, ConditionSkipsResource) {
  auto l = load(std::string(kParams) + kConditions +
                "Resources:\n  Prod: {Type: AWS::EC2::VPC, Condition: IsProd, Properties: "
                "{CidrBlock: 10.1.0.0/16}}\n  Dev: {Type: AWS::EC2::VPC, Condition: IsDev, "
                "Properties: {CidrBlock: 10.2.0.0/16}}\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  ASSERT_EQ(l.network.vpcs.size(), 1u);
  EXPECT_EQ(l.network.vpcs[0].name, "Prod");
}

// Synthetic ids are stable, the logical id is an alias, the Name tag the name, and an EIP's Ref
// is a documentation-range public address.
TEST(CloudFormationIntrinsics, SyntheticIdsAndNames) {
  const std::string t =
      "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: "
      "10.0.0.0/16\n      Tags: [{Key: Name, Value: main}]\n  Ip: {Type: AWS::EC2::EIP}\n";
  auto a = load(t);
  auto b = load(t);
  ASSERT_TRUE(a.ok) << dump(a.diagnostics);
  EXPECT_EQ(a.network.vpcs[0].id, b.network.vpcs[0].id);
  EXPECT_TRUE(a.network.vpcs[0].id.starts_with("vpc-0"));
  EXPECT_EQ(a.network.vpcs[0].id.size(), 4u + 17u);
  EXPECT_EQ(a.network.vpcs[0].name, "main");
  EXPECT_EQ(a.network.find("Vpc", model::Kind::kVpc), 0u);
  const auto ip = a.network.elastic_ips[0].public_ip;
  EXPECT_TRUE(Prefix::parse("198.51.100.0/24")->contains(ip) ||
              Prefix::parse("203.0.113.0/24")->contains(ip))
      << ip.str();
}

// AWS::EC2::SecurityGroup keeps AWS's default allow-all egress unless egress rules are declared.
TEST(CloudFormationIntrinsics, SecurityGroupDefaultEgress) {
  auto l = load(
      "Resources:\n  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n"
      "  Open: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: a, VpcId: !Ref "
      "Vpc}}\n"
      "  Tight:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: b\n"
      "      VpcId: !Ref Vpc\n      SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, "
      "ToPort: 443, CidrIp: 0.0.0.0/0}]\n");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto* open =
      &l.network.security_groups[*l.network.find("Open", model::Kind::kSecurityGroup)];
  const auto* tight =
      &l.network.security_groups[*l.network.find("Tight", model::Kind::kSecurityGroup)];
  ASSERT_FALSE(open->egress.empty());
  EXPECT_TRUE(open->egress[0].protocol.is_all());
  ASSERT_EQ(tight->egress.size(), 1u);
  EXPECT_EQ(tight->egress[0].ports.from, 443);
}

// ---- bad input -------------------------------------------------------------------------------

struct BadRow {
  const char* name;
  std::string text;
  std::string message;  // part of the error
  std::uint32_t line, column;
};

class BadTemplate : public ::testing::TestWithParam<BadRow> {};

TEST_P(BadTemplate, IsALocatedError) {
  const auto& row = GetParam();
  auto l = load(row.text);
  EXPECT_FALSE(l.ok);
  bool found = false;
  for (const auto& d : l.diagnostics.items()) {
    if (d.severity == Severity::kError && d.message.find(row.message) != std::string::npos) {
      found = true;
      EXPECT_EQ(d.file, "stack.yaml");
      EXPECT_EQ(d.line, row.line) << d.str();
      EXPECT_EQ(d.column, row.column) << d.str();
    }
  }
  EXPECT_TRUE(found) << "expected `" << row.message << "` in\n" << dump(l.diagnostics);
}

INSTANTIATE_TEST_SUITE_P(
    CloudFormation, BadTemplate,
    ::testing::Values(
        BadRow{"TruncatedJson", "{\"Resources\": {\"Vpc\": {\"Type\": \"AWS::EC2::VPC\"",
               "syntax error", 2, 1},
        BadRow{"TruncatedYaml", "Resources:\n  Vpc: {Type: AWS::EC2::VPC\n", "syntax error", 3, 1},
        BadRow{"ResourcesNotAMapping", "Resources: [1, 2]\n", "must be a mapping", 1, 12},
        BadRow{"TopLevelList", "- Resources\n", "must be a mapping", 1, 1},
        BadRow{"NoResources", "AWSTemplateFormatVersion: '2010-09-09'\n", "no `Resources`", 1, 1},
        BadRow{"ResourceWithoutType", "Resources:\n  Vpc: {Properties: {}}\n", "no `Type`", 2, 3},
        BadRow{"UnknownShortIntrinsic", vpc_with("!Frobnicate 10.0.0.0/16"),
               "unknown intrinsic function `!Frobnicate`", 5, 18},
        BadRow{"UnknownLongIntrinsic", vpc_with("{'Fn::Frobnicate': x}"),
               "unknown intrinsic function `Fn::Frobnicate`", 5, 19},
        BadRow{"CircularRef",
               "Resources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: !GetAtt "
               "B.CidrBlock}\n  B:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: "
               "!GetAtt A.CidrBlock}\n",
               "circular dependency", 7, 29},
        BadRow{"RefToMissingResource", vpc_with("!Ref Nowhere"), "names `Nowhere`", 5, 18},
        BadRow{"GetAttOfMissingResource", vpc_with("!GetAtt Nowhere.CidrBlock"), "names `Nowhere`",
               5, 18},
        BadRow{"SelectOutOfRange", vpc_with("!Select [5, [a, b]]"), "out of range", 5, 18},
        BadRow{"CidrTooManyBits", vpc_with("!Select [0, !Cidr [10.0.0.0/16, 2, 20]]"), "cidrBits",
               5, 30},
        BadRow{"UndeclaredCondition",
               "Resources:\n  Vpc: {Type: AWS::EC2::VPC, Condition: Nope, Properties: "
               "{CidrBlock: 10.0.0.0/16}}\n",
               "condition `Nope` is not declared", 2, 41},
        BadRow{"DuplicateLogicalId",
               "{\"Resources\": {\"A\": {\"Type\": \"AWS::EC2::InternetGateway\"}, \"A\": "
               "{\"Type\": \"AWS::EC2::InternetGateway\"}}}",
               "duplicate logical id", 1, 60}),
    [](const auto& info) { return std::string(info.param.name); });

// Types that are not modelled are located warnings, never silently dropped.
TEST(CloudFormationResources, UnmodelledTypeIsAWarning) {
  auto l = load("Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n");
  EXPECT_TRUE(l.ok) << dump(l.diagnostics);
  ASSERT_EQ(l.diagnostics.items().size(), 1u);
  EXPECT_EQ(l.diagnostics.items()[0].str(),
            "stack.yaml:2:3: warning: [Logs] ignored: AWS::Logs::LogGroup (Logs) (cloudtwin does "
            "not model this resource type)");
}

}  // namespace
}  // namespace cloudtwin::load
