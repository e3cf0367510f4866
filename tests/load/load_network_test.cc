// load_network(): files and folders read, merged and finalized. These depend on model::finalize()
// as well as the reader.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <tuple>

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

// docs/format.md, "Load balancers": the example is valid, and finalize() makes what the section
// says it makes (node interfaces with stand-in public addresses, one representative per subnet).
TEST(LoadNetwork, DocumentedLoadBalancerExampleMakesNodesAndRepresentatives) {
  const std::string yaml = testing::format_doc_block("<!-- load balancer example", "yaml");
  ASSERT_FALSE(yaml.empty()) << "docs/format.md lost its load balancer example";
  Folder dir("load_network_load_balancers");
  const std::string path = dir.write("lb.yaml", yaml);
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({path}, n, d)) << dump(d);
  EXPECT_TRUE(d.items().empty()) << dump(d);

  const auto node_a = n.find("eni-web-public-a", model::Kind::kNetworkInterface);
  ASSERT_TRUE(node_a);
  const auto& eni = n.network_interfaces[*node_a];
  EXPECT_EQ(eni.name, "web node in us-east-1a");
  EXPECT_EQ(eni.interface_type, "load_balancer");
  ASSERT_TRUE(eni.public_ip);
  EXPECT_TRUE(Prefix::parse("192.0.2.0/24")->contains(*eni.public_ip)) << eni.public_ip->str();
  ASSERT_EQ(eni.security_groups.size(), 1u);
  EXPECT_EQ(eni.security_groups[0].text, "web-lb");
  // The NLB's node takes its Elastic IP, not a stand-in.
  const auto api = n.find("eni-api-public-a", model::Kind::kNetworkInterface);
  ASSERT_TRUE(api);
  EXPECT_EQ(n.network_interfaces[*api].interface_type, "network_load_balancer");
  EXPECT_FALSE(n.network_interfaces[*api].public_ip);
  EXPECT_EQ(n.network_interfaces[*api].public_ip_for(n.network_interfaces[*api].private_ips[0]),
            IpAddress::parse("203.0.113.10"));
  EXPECT_TRUE(n.network_interfaces[*api].security_groups.empty());

  const auto group = n.find("web", model::Kind::kAutoScalingGroup);
  ASSERT_TRUE(group);
  ASSERT_EQ(n.auto_scaling_groups[*group].instances.size(), 2u);
  const auto& rep = n.instances[n.auto_scaling_groups[*group].instances[1]];
  EXPECT_EQ(rep.id, "i-web-app-b");
  EXPECT_EQ(rep.name, "web in us-east-1b");
  EXPECT_EQ(rep.auto_scaling_group, *group);
  // Registered in the group's target group.
  const auto tg = n.find("web", model::Kind::kTargetGroup);
  ASSERT_TRUE(tg);
  ASSERT_EQ(n.target_groups[*tg].targets.size(), 2u);
  EXPECT_EQ(n.target_groups[*tg].targets[1].instance.text, "i-web-app-b");
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

// Files users give by mistake for a plan or a template (issue 9): one error that says what the
// file is and what to do instead, not the YAML reader's complaints about it.
struct WrongKindCase {
  const char* name;
  const char* file;
  std::string text;
  const char* message;
  const char* hint;  // a substring of the hint
};

void PrintTo(const WrongKindCase& c, std::ostream* os) { *os << c.name; }

class LoadNetworkWrongKindOfFile : public ::testing::TestWithParam<WrongKindCase> {};

TEST_P(LoadNetworkWrongKindOfFile, SaysWhatToDo) {
  const auto& c = GetParam();
  Folder dir(std::string("load_network_wrong_") + c.name);
  const auto path = dir.write(c.file, c.text);
  model::Network n;
  Diagnostics d;
  EXPECT_FALSE(load_network({path}, n, d));
  ASSERT_EQ(d.items().size(), 1u) << dump(d);
  EXPECT_EQ(d.items()[0].file, path);
  EXPECT_EQ(d.items()[0].message, c.message);
  EXPECT_NE(d.items()[0].hint.find(c.hint), std::string::npos) << d.items()[0].hint;
}

using namespace std::string_literals;
constexpr const char* kHcl = "is Terraform configuration (HCL), which cloudtwin does not read";
constexpr const char* kShowJson = "terraform show -json plan > plan.json";
constexpr const char* kIconv = "iconv -f UTF-16 -t UTF-8";

INSTANTIATE_TEST_SUITE_P(
    Cases, LoadNetworkWrongKindOfFile,
    ::testing::Values(
        WrongKindCase{"TfFile", "main.tf", "resource \"aws_vpc\" \"main\" {\n}\n", kHcl, kShowJson},
        WrongKindCase{"EmptyTfFile", "variables.TF", "", kHcl, kShowJson},
        WrongKindCase{"HclWithAnotherName", "network.yaml",
                      "# the VPC\n\n  terraform {\n  required_version = \">= 1.5\"\n}\n", kHcl,
                      kShowJson},
        WrongKindCase{"TfJson", "main.tf.json", "{\"resource\": {\"aws_vpc\": {}}}",
                      "is Terraform configuration in JSON syntax, which cloudtwin does not read",
                      kShowJson},
        WrongKindCase{"BinaryPlan", "plan.json", "PK\x03\x04\x14\0\x08\0\x08\0tfplan"s,
                      "is a binary Terraform plan (a zip archive), not its JSON form",
                      "> plan.json` and give plan.json"},
        WrongKindCase{"Utf16LittleEndianWithBom", "plan.json", "\xFF\xFE{\0\"\0a\0\"\0:\0 \0001\0}\0"s,
                      "is UTF-16 text (little-endian)", kIconv},
        WrongKindCase{"Utf16LittleEndian", "stack.yaml", "R\0e\0s\0o\0u\0r\0c\0e\0s\0:\0"s,
                      "is UTF-16 text (little-endian)", kIconv},
        WrongKindCase{"Utf16BigEndianWithBom", "plan.json", "\xFE\xFF\0{\0\"\0a\0\"\0:\0 \0001\0}"s,
                      "is UTF-16 text (big-endian)", kIconv},
        WrongKindCase{"Utf16BigEndian", "plan.json", "\0{\0\"\0a\0\"\0:\0 \0001\0}"s,
                      "is UTF-16 text (big-endian)", kIconv},
        WrongKindCase{"Utf32", "plan.json", "\xFF\xFE\0\0{\0\0\0}\0\0\0"s, "is UTF-32 text",
                      "iconv -f UTF-32 -t UTF-8"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(LoadNetwork, NetworksThatMentionHclAreStillRead) {
  Folder dir("load_network_not_hcl");
  const auto path = dir.write(
      "net.yaml", "# resource \"aws_vpc\" became:\nvpcs: [{name: prod, cidr_block: 10.0.0.0/16}]\n");
  model::Network n;
  Diagnostics d;
  EXPECT_TRUE(load_network({path}, n, d)) << dump(d);
}

// Issue 9: one mapping of many keys was quadratic (a linear duplicate search per key: 160,000
// keys took 23 s), and each of its errors was printed. Counts, not times, are checked here;
// tests/cli/hostile_test.sh runs the 160,000-key file under a time limit.
TEST(LoadNetworkInput, ManyKeysInOneMappingAreCountedAndListedUpToTheCap) {
  Folder dir("load_network_many_keys");
  std::string unknown = "vpcs:\n  - name: a\n    cidr_block: 10.0.0.0/16\n";
  std::string duplicate = unknown;
  for (int i = 0; i < 5000; ++i) {
    unknown += "    k" + std::to_string(i) + ": 1\n";
    duplicate += "    name: a\n";
  }
  for (const auto& [file, text, message] :
       {std::tuple{"unknown.yaml", unknown, "unknown field `k100`"},
        std::tuple{"duplicate.yaml", duplicate, "duplicate field `name` (first at line 2)"}}) {
    const auto path = dir.write(file, text);
    model::Network n;
    Diagnostics d;
    EXPECT_FALSE(load_network({path}, n, d));
    EXPECT_EQ(d.error_count(), 5000u);
    ASSERT_EQ(d.items().size(), Diagnostics::kMaxPerKind + 1) << file;
    EXPECT_EQ(d.items().back().message,
              "… and 4900 more errors like \"" + std::string(message) + "\"");
  }
}

// Hostile inputs (issue 9): a FIFO would block forever when opened and /dev/zero never ends, so
// only regular files are read; files over the size limit are refused unread, naming the limit.
TEST(LoadNetworkInput, AFifoIsRefusedWithoutBlocking) {
  Folder dir("load_network_fifo");
  const std::string fifo = dir.str() + "/net.yaml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& path : {fifo, dir.str()}) {
    model::Network n;
    Diagnostics d;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(load_network({path}, n, d));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
    ASSERT_EQ(d.error_count(), 1u) << dump(d);
    if (path == fifo) {
      EXPECT_EQ(d.items()[0].message, "is not a regular file (a FIFO)");
      EXPECT_NE(d.items()[0].hint.find("save the input to a file"), std::string::npos);
    } else {
      // A folder skips what is not a regular file, as it skips notes.txt.
      EXPECT_NE(d.items()[0].message.find("no network files"), std::string::npos) << dump(d);
    }
  }
}

TEST(LoadNetworkInput, DevicesAreRefused) {
  if (!fs::exists("/dev/zero")) GTEST_SKIP() << "no /dev/zero";
  model::Network n;
  Diagnostics d;
  EXPECT_FALSE(load_network({"/dev/zero"}, n, d));
  ASSERT_EQ(d.error_count(), 1u) << dump(d);
  EXPECT_EQ(d.items()[0].message, "is not a regular file (a character device)");
  EXPECT_EQ(d.items()[0].file, "/dev/zero");
}

TEST(LoadNetworkInput, FilesOverTheSizeLimitAreRefusedUnread) {
  Folder dir("load_network_size");
  const auto path = dir.write("net.yaml", "vpcs: [{name: prod, cidr_block: 10.0.0.0/16}]\n");
  const auto size = fs::file_size(path);
  LoadOptions options;
  options.max_input_size = size;  // the limit itself is allowed
  {
    model::Network n;
    Diagnostics d;
    EXPECT_TRUE(load_network({path}, n, d, options)) << dump(d);
  }
  options.max_input_size = size - 1;
  for (const std::string& input : {path, dir.str()}) {
    model::Network n;
    Diagnostics d;
    EXPECT_FALSE(load_network({input}, n, d, options));
    ASSERT_EQ(d.error_count(), 1u) << dump(d);
    EXPECT_EQ(d.items()[0].file, path);
    EXPECT_EQ(d.items()[0].message, "is " + std::to_string(size) + " bytes (" +
                                        std::to_string(size) +
                                        " bytes), more than the input size limit of " +
                                        std::to_string(size - 1) + " bytes");
    EXPECT_EQ(d.items()[0].hint,
              "if the file is meant to be this large, raise the limit with --max-input-size, "
              "e.g. --max-input-size 1M");
  }
  EXPECT_EQ(LoadOptions().max_input_size, kDefaultMaxInputSize);
  EXPECT_EQ(kDefaultMaxInputSize, std::uint64_t{1} << 30);
}

TEST(LoadNetworkInput, SizesParseWithBinarySuffixes) {
  EXPECT_EQ(parse_size("1048576"), 1048576u);
  EXPECT_EQ(parse_size("512K"), 512u << 10);
  EXPECT_EQ(parse_size("512k"), 512u << 10);
  EXPECT_EQ(parse_size("512M"), 512u << 20);
  EXPECT_EQ(parse_size("512MiB"), 512u << 20);
  EXPECT_EQ(parse_size("512MB"), 512u << 20);
  EXPECT_EQ(parse_size("2G"), std::uint64_t{2} << 30);
  EXPECT_EQ(parse_size("2gib"), std::uint64_t{2} << 30);
  EXPECT_EQ(parse_size("1T"), std::uint64_t{1} << 40);
  EXPECT_EQ(parse_size("100B"), 100u);
  EXPECT_EQ(parse_size("8388608T"), std::uint64_t{1} << 63);
  for (const char* bad : {"", "0", "0G", "G", "-1", "1.5G", "12X", "5iB", "1 G", "8388609T",
                          "99999999999999999999999"}) {
    EXPECT_FALSE(parse_size(bad)) << bad;
  }
  EXPECT_EQ(size_text(1), "1 byte");
  EXPECT_EQ(size_text(1023), "1023 bytes");
  EXPECT_EQ(size_text(1024), "1 KiB");
  EXPECT_EQ(size_text(1536), "1.5 KiB");
  EXPECT_EQ(size_text(std::uint64_t{1} << 30), "1 GiB");
  EXPECT_EQ(size_text((std::uint64_t{3} << 30) + (std::uint64_t{1} << 29)), "3.5 GiB");
  EXPECT_EQ(size_text((std::uint64_t{1} << 20) - 1), "1 MiB");  // 1023.99... KiB rounds
}

}  // namespace
}  // namespace cloudtwin::load
