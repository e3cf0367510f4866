// Reading templates together: parameter names checked against what the templates declare,
// parameter files in the CloudFormation CLI's shape, and Fn::ImportValue answered by the exports
// of the other templates read in the same run, whatever their order on the command line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cloudtwin/load/load.h"

namespace cloudtwin::load {
namespace {

namespace fs = std::filesystem;

class SeveralTemplates : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cloudtwin-cfn-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  bool load(const std::vector<std::string>& paths, LoadOptions options = {}) {
    return load_network(paths, network_, diagnostics_, options);
  }

  std::string dump() const {
    std::string s;
    for (const auto& i : diagnostics_.items()) s += "  " + i.str() + "\n";
    return s;
  }

  fs::path dir_;
  model::Network network_;
  Diagnostics diagnostics_;
};

const char* kVpcTemplate =
    "Parameters:\n  VpcCidr: {Type: String}\n  Env: {Type: String, Default: prod}\n"
    "Resources:\n  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: !Ref VpcCidr}}\n";

// A --param for a parameter no template declares is refused with the likely name: AWS refuses
// it too ("Parameters: [VpcCidrr] do not exist in the template").
TEST_F(SeveralTemplates, UnknownParameterIsAnErrorWithDidYouMean) {
  LoadOptions o;
  o.parameters["VpcCidrr"] = "10.1.0.0/16";
  EXPECT_FALSE(load({write("vpc.yaml", kVpcTemplate)}, o));
  ASSERT_EQ(diagnostics_.error_count(), 1u) << dump();
  const auto& e = diagnostics_.items().front();
  EXPECT_NE(e.message.find("--param VpcCidrr: no template declares"), std::string::npos) << dump();
  EXPECT_NE(e.hint.find("did you mean `VpcCidr`?"), std::string::npos) << dump();
  EXPECT_NE(e.hint.find("Env, VpcCidr"), std::string::npos) << dump();
}

// `aws cloudformation create-stack --parameters file://params.json` takes
// [{"ParameterKey": ..., "ParameterValue": ...}]; a --param on the command line wins.
TEST_F(SeveralTemplates, ParameterFileInTheCliShape) {
  LoadOptions o;
  o.param_files = {write("params.json",
                         "[{\"ParameterKey\": \"VpcCidr\", \"ParameterValue\": \"10.9.0.0/16\"},\n"
                         " {\"ParameterKey\": \"Env\", \"ParameterValue\": \"dev\"}]\n")};
  ASSERT_TRUE(load({write("vpc.yaml", kVpcTemplate)}, o)) << dump();
  EXPECT_EQ(network_.vpcs.at(0).cidr_blocks.at(0).str(), "10.9.0.0/16");

  model::Network again;
  Diagnostics d;
  o.parameters["VpcCidr"] = "10.8.0.0/16";
  ASSERT_TRUE(load_network({(dir_ / "vpc.yaml").string()}, again, d, o));
  EXPECT_EQ(again.vpcs.at(0).cidr_blocks.at(0).str(), "10.8.0.0/16");
}

// CodePipeline's template configuration file: {"Parameters": {"Name": "value"}}.
TEST_F(SeveralTemplates, ParameterFileAsAMap) {
  LoadOptions o;
  o.param_files = {write("params.json", "{\"Parameters\": {\"VpcCidr\": \"10.7.0.0/16\"}}\n")};
  ASSERT_TRUE(load({write("vpc.yaml", kVpcTemplate)}, o)) << dump();
  EXPECT_EQ(network_.vpcs.at(0).cidr_blocks.at(0).str(), "10.7.0.0/16");
}

// Mistakes in a parameter file are located at the line and column of the key or value.
TEST_F(SeveralTemplates, ParameterFileErrorsAreLocated) {
  LoadOptions o;
  const auto params = write("params.json",
                            "[\n  {\"ParameterKey\": \"VpcCidr\", \"ParameterValue\": [1, 2]},\n"
                            "  {\"ParameterKey\": \"Nope\", \"ParameterValue\": \"x\"}\n]\n");
  o.param_files = {params};
  EXPECT_FALSE(load({write("vpc.yaml", kVpcTemplate)}, o));
  const std::string all = dump();
  EXPECT_NE(all.find(params + ":2:49: error: a parameter value must be a string"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find(params + ":3:20: error: no template declares a parameter `Nope`"),
            std::string::npos)
      << all;
  EXPECT_TRUE(network_.vpcs.empty());
}

const char* kHub =
    "Resources:\n"
    "  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n"
    "  Rt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}\n"
    "  Tgw: {Type: AWS::EC2::TransitGateway}\n"
    "Outputs:\n"
    "  VpcId: {Value: !Ref Vpc, Export: {Name: !Sub '${AWS::StackName}-VpcId'}}\n"
    "  RtId: {Value: !Ref Rt, Export: {Name: hub-rt}}\n"
    "  TgwId: {Value: !Ref Tgw, Export: {Name: hub-tgw}}\n";

// Fn::ImportValue "returns the value of an output exported by another stack": the export of a
// template read in the same run answers it, and the exporter is read first whatever the order on
// the command line, so the importer can add a subnet to its VPC and a route to its table.
TEST_F(SeveralTemplates, ImportValueResolvesFromAnotherTemplatesExport) {
  const auto spoke = write(
      "spoke.yaml",
      "Resources:\n"
      "  Sub: {Type: AWS::EC2::Subnet, Properties: {VpcId: !ImportValue hub-VpcId, CidrBlock: "
      "10.0.1.0/24}}\n"
      "  Att: {Type: AWS::EC2::TransitGatewayAttachment, Properties: {TransitGatewayId: "
      "!ImportValue hub-tgw, VpcId: !ImportValue hub-VpcId, SubnetIds: [!Ref Sub]}}\n"
      "  Out: {Type: AWS::EC2::Route, Properties: {RouteTableId: !ImportValue hub-rt, "
      "DestinationCidrBlock: 0.0.0.0/0, TransitGatewayId: !ImportValue hub-tgw}}\n");
  const auto hub = write("hub.yaml", kHub);
  ASSERT_TRUE(load({spoke, hub})) << dump();
  EXPECT_EQ(network_.subnets.size(), 1u);
  EXPECT_EQ(network_.transit_gateway_attachments.size(), 1u);
  const auto rt = network_.find("Rt", model::Kind::kRouteTable);
  ASSERT_TRUE(rt);
  ASSERT_EQ(network_.route_tables[*rt].routes.size(), 1u);
  EXPECT_EQ(network_.route_tables[*rt].routes[0].target_kind, model::TargetKind::kTransitGateway);
  for (const auto& d : diagnostics_.items()) {
    EXPECT_EQ(d.message.find("ImportValue"), std::string::npos) << d.str();
  }
}

// An export whose value imports another template's export is answered too; two templates that
// export one name are refused, as AWS refuses the second stack.
TEST_F(SeveralTemplates, ChainedExportsAndDuplicates) {
  const auto relay = write("relay.yaml",
                           "Resources:\n  Igw: {Type: AWS::EC2::InternetGateway}\n"
                           "Outputs:\n  V: {Value: !ImportValue hub-VpcId, Export: {Name: vpc}}\n");
  const auto spoke =
      write("spoke.yaml",
            "Resources:\n  Sub: {Type: AWS::EC2::Subnet, Properties: {VpcId: !ImportValue vpc, "
            "CidrBlock: 10.0.2.0/24}}\n");
  const auto hub = write("hub.yaml", kHub);
  ASSERT_TRUE(load({spoke, relay, hub})) << dump();
  EXPECT_EQ(network_.subnets.size(), 1u);

  model::Network n;
  Diagnostics d;
  const auto twin = write("twin.yaml", kHub);  // stack name `twin`: only hub-rt, hub-tgw clash
  EXPECT_FALSE(load_network({hub, twin}, n, d));
  std::string all;
  for (const auto& i : d.items()) all += i.str() + "\n";
  EXPECT_NE(all.find("export `hub-rt` is also exported by"), std::string::npos) << all;
}

}  // namespace
}  // namespace cloudtwin::load
