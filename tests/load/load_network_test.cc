// load_network(): files and folders read, merged and finalized. These depend on model::finalize()
// as well as the reader.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cloudtwin/load/load.h"
#include "read_helpers.h"

namespace cloudtwin::load {
namespace {

namespace fs = std::filesystem;
using testing::dump;

// A fresh folder under the test temp dir, removed afterwards.
class Folder {
 public:
  explicit Folder(const std::string& name) : path_(fs::path(::testing::TempDir()) / name) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~Folder() { fs::remove_all(path_); }
  std::string write(const std::string& file, const std::string& text) const {
    std::ofstream(path_ / file) << text;
    return (path_ / file).string();
  }
  [[nodiscard]] std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

TEST(LoadNetwork, DocumentedExampleIsAValidNetwork) {
  Folder dir("load_network_example");
  const std::string path = dir.write("example.yaml", testing::format_doc_example());
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({path}, n, d)) << dump(d);
  EXPECT_TRUE(d.items().empty()) << dump(d);  // not even a warning
  EXPECT_TRUE(n.finalized);
  const auto web = n.find("web-a", model::Kind::kInstance);
  ASSERT_TRUE(web);
  // The shorthand interface is the instance's primary one.
  ASSERT_EQ(n.instances[*web].network_interfaces.size(), 1u);
  EXPECT_EQ(n.network_interfaces[n.instances[*web].network_interfaces[0]].id, "eni-web-a");
  const auto firewall = n.find("firewall", model::Kind::kInstance);
  ASSERT_TRUE(firewall);
  EXPECT_EQ(n.instances[*firewall].network_interfaces.size(), 2u);
}

TEST(LoadNetwork, FolderFilesMergeInNameOrder) {
  Folder dir("load_network_folder");
  dir.write("20-subnets.yml", "subnets: [{name: a, vpc: prod, cidr_block: 10.0.1.0/24}]\n");
  dir.write("10-vpcs.yaml", "vpcs: [{name: prod, cidr_block: 10.0.0.0/16}]\n");
  dir.write("notes.txt", "not a network\n");
  dir.write(".draft.yaml", "this: is ignored\n");
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({dir.str()}, n, d)) << dump(d);
  ASSERT_EQ(n.vpcs.size(), 1u);
  ASSERT_EQ(n.subnets.size(), 1u);
  EXPECT_TRUE(n.subnets[0].vpc.resolved());
  EXPECT_EQ(fs::path(n.file_of(n.vpcs[0].at)).filename(), "10-vpcs.yaml");
  EXPECT_EQ(fs::path(n.file_of(n.subnets[0].at)).filename(), "20-subnets.yml");
}

TEST(LoadNetwork, SeveralPathsMerge) {
  Folder dir("load_network_paths");
  const auto a = dir.write("a.yaml", "vpcs: [{name: prod, cidr_block: 10.0.0.0/16}]\n");
  const auto b = dir.write("b.yaml", "subnets: [{name: s, vpc: prod, cidr_block: 10.0.1.0/24}]\n");
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({b, a}, n, d)) << dump(d);
  EXPECT_TRUE(n.subnets[0].vpc.resolved());
}

TEST(LoadNetwork, ReadErrorsStopBeforeFinalize) {
  Folder dir("load_network_errors");
  const auto path = dir.write("bad.yaml",
                              "vpcs: [{name: prod, cidr_block: 10.0.0.0/33}]\n"
                              "subnets: [{name: s, vpc: prod, cidr_block: 10.0.1.0/24}]\n");
  model::Network n;
  Diagnostics d;
  EXPECT_FALSE(load_network({path}, n, d));
  EXPECT_EQ(d.error_count(), 1u) << dump(d);  // no cascade from finalize
  EXPECT_FALSE(n.finalized);
}

TEST(LoadNetwork, DanglingReferenceIsLocatedWithASuggestion) {
  Folder dir("load_network_dangling");
  const auto path = dir.write("net.yaml",
                              "vpcs: [{name: prod, cidr_block: 10.0.0.0/16}]\n"
                              "subnets:\n"
                              "  - {name: s, vpc: prdo, cidr_block: 10.0.1.0/24}\n");
  model::Network n;
  Diagnostics d;
  EXPECT_FALSE(load_network({path}, n, d));
  bool found = false;
  for (const auto& item : d.items()) {
    if (item.message.find("prdo") == std::string::npos) continue;
    found = true;
    EXPECT_EQ(item.line, 3u);
    EXPECT_EQ(item.column, 20u);
    EXPECT_EQ(item.resource, "subnet-s");
    EXPECT_NE(item.hint.find("prod"), std::string::npos) << item.str();
  }
  EXPECT_TRUE(found) << dump(d);
}

TEST(LoadNetwork, MissingPathsAndEmptyFoldersAreErrors) {
  Folder empty("load_network_empty");
  model::Network n;
  Diagnostics d;
  EXPECT_FALSE(load_network({empty.str(), "/nonexistent/net.yaml"}, n, d));
  EXPECT_EQ(d.error_count(), 2u) << dump(d);
  EXPECT_EQ(d.items()[0].file, empty.str());
  EXPECT_NE(d.items()[0].message.find("has no network files"), std::string::npos);
  EXPECT_EQ(d.items()[1].file, "/nonexistent/net.yaml");
}

// A .json file that is neither a template nor Terraform's output: one located error, not the
// native reader's YAML complaints. YAML files (even in flow style) stay native.
struct JsonCase {
  const char* name;
  const char* text;
  std::uint32_t line, column;
};

class LoadNetworkUnrecognisedJson : public ::testing::TestWithParam<JsonCase> {};

TEST_P(LoadNetworkUnrecognisedJson, IsOneLocatedError) {
  const auto& c = GetParam();
  Folder dir(std::string("load_network_json_") + c.name);
  const auto path = dir.write("input.json", c.text);
  EXPECT_EQ(detect_format(path), Format::kUnknown);
  model::Network n;
  Diagnostics d;
  EXPECT_FALSE(load_network({path}, n, d));
  ASSERT_EQ(d.error_count(), 1u) << dump(d);
  const auto& e = d.items().front();
  EXPECT_EQ(e.message,
            "not a recognised network format: expected a CloudFormation template, `terraform "
            "show -json` output or a cloudtwin YAML network");
  EXPECT_EQ(e.file, path);
  EXPECT_EQ(e.line, c.line);
  EXPECT_EQ(e.column, c.column);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LoadNetworkUnrecognisedJson,
    ::testing::Values(JsonCase{"TopLevelArray", "[{\"VpcId\": \"vpc-1\"}]", 1, 1},
                      JsonCase{"ObjectWithoutKnownKeys", "\n  {\"Vpcs\": []}\n", 2, 3},
                      JsonCase{"ByteOrderMark", "\xEF\xBB\xBF{\"hello\": 1}", 1, 4},
                      JsonCase{"EmptyObject", "{}", 1, 1}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(LoadNetwork, FlowStyleYamlAndTemplatesInJsonKeepTheirFormats) {
  Folder dir("load_network_json_formats");
  const auto yaml = dir.write("net.yaml", "{vpcs: [{name: prod, cidr_block: 10.0.0.0/16}]}\n");
  EXPECT_EQ(detect_format(yaml), Format::kNative);
  model::Network n;
  Diagnostics d;
  EXPECT_TRUE(load_network({yaml}, n, d)) << dump(d);
  const auto cfn = dir.write("stack.json", "{\"Resources\": {}}");
  EXPECT_EQ(detect_format(cfn), Format::kCloudFormation);
  const auto tf = dir.write("plan.json", "{\"format_version\": \"1.0\", \"values\": {}}");
  EXPECT_EQ(detect_format(tf), Format::kTerraform);
}

}  // namespace
}  // namespace cloudtwin::load
