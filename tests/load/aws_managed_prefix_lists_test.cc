// The AWS-managed prefix lists load_network() makes and fills from AWS's ip-ranges.json: gateway
// endpoints get the Region's real ranges in every format (aws-vpc-services.md §5.1), a newer
// file changes the answer, and what the file cannot give is a located error.
#include "cloudtwin/load/aws_managed_prefix_lists.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "cloudtwin/load/aws_ip_ranges.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/vpc/endpoint.h"
#include "cloudtwin/vpc/trace.h"
#include "read_helpers.h"

namespace cloudtwin::load {
namespace {

namespace fs = std::filesystem;
using testing::dump;

const std::string kShared = std::string(CLOUDTWIN_SHARED_DIR) + "/data/aws/ip-ranges.json";

// The distinct IPv4 prefixes of (region, service) in AWS's file, counted with simdjson's DOM
// API, apart from the reader under test.
std::set<std::string> independent_prefixes(const std::string& region, const std::string& service) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.load(kShared);
  std::set<std::string> out;
  for (simdjson::dom::object p : doc["prefixes"].get_array()) {
    if (region != "*" && std::string_view(p["region"]) != region) continue;
    if (std::string_view(p["service"]) != service) continue;
    out.emplace(std::string_view(p["ip_prefix"]));
  }
  return out;
}

std::set<std::string> strings(const std::vector<Prefix>& prefixes) {
  std::set<std::string> out;
  for (const auto& p : prefixes) out.insert(p.str());
  return out;
}

// A file of the test's own under the test temp dir.
std::string write_file(const std::string& name, const std::string& text) {
  const fs::path path = fs::path(::testing::TempDir()) / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

LoadOptions with_file(const std::string& path) {
  LoadOptions o;
  o.ip_ranges = path;
  return o;
}

const model::PrefixList* list_named(const model::Network& n, std::string_view name) {
  for (const auto& p : n.prefix_lists) {
    if (p.prefix_list_name == name) return &p;
  }
  return nullptr;
}

const char* kNativeS3 = R"(
vpcs: [{name: app, cidr_block: 10.0.0.0/16}]
subnets: [{name: private, vpc: app, availability_zone: us-east-1a, cidr_block: 10.0.1.0/24,
           route_table: private}]
route_tables: [{name: private, vpc: app}]
vpc_endpoints:
  - {name: s3, vpc: app, service_name: com.amazonaws.us-east-1.s3, route_tables: [private]}
instances: [{name: worker, subnet: private, private_ip: 10.0.1.10}]
)";

const char* kCloudFormationS3 = R"(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Private:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a}
  Table:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  Association:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref Private, RouteTableId: !Ref Table}
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      RouteTableIds: [!Ref Table]
  Worker:
    Type: AWS::EC2::Instance
    Properties: {SubnetId: !Ref Private, PrivateIpAddress: 10.0.1.10}
)";

struct Loaded {
  model::Network network;
  Diagnostics diagnostics;
  bool ok = false;
};

Loaded load_text(const std::string& file, const std::string& text, const LoadOptions& options) {
  Loaded l;
  l.ok = load_network({write_file(file, text)}, l.network, l.diagnostics, options);
  return l;
}

// The trace from `from` to `to` (TCP 443): the ids of its forward hops, "blocked" if blocked.
std::vector<std::string> hops(const model::Network& n, const std::string& from,
                              const std::string& to) {
  auto src = vpc::parse_endpoint(n, from);
  auto dst = vpc::parse_endpoint(n, to);
  EXPECT_TRUE(src.endpoint && dst.endpoint) << src.error << dst.error;
  if (!src.endpoint || !dst.endpoint) return {};
  vpc::Query q;
  q.source = *src.endpoint;
  q.destination = *dst.endpoint;
  q.protocol = *Protocol::parse("tcp");
  const auto t = vpc::trace(n, q);
  std::vector<std::string> out;
  for (const auto& h : t.forward) out.push_back(h.component_id);
  if (!t.reachable) out.push_back("blocked");
  return out;
}

bool passes(const std::vector<std::string>& hops, std::string_view prefix) {
  return std::any_of(hops.begin(), hops.end(),
                     [&](const std::string& h) { return h.starts_with(prefix); });
}

// gateway-endpoints.html, aws-vpc-services.md §5.1: the endpoint's route goes to the AWS-managed
// list com.amazonaws.us-east-1.s3, which holds the S3 ranges of us-east-1 (IPv4 only).
void expect_real_s3_ranges(const Loaded& l) {
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_TRUE(l.diagnostics.items().empty()) << dump(l.diagnostics);
  const auto* pl = list_named(l.network, "com.amazonaws.us-east-1.s3");
  ASSERT_NE(pl, nullptr);
  const auto want = independent_prefixes("us-east-1", "S3");
  EXPECT_EQ(pl->entries.size(), want.size());
  EXPECT_EQ(strings(pl->entries), want);
  for (const char* p : {"52.216.0.0/15", "54.231.0.0/16", "3.5.0.0/19", "16.182.0.0/16"}) {
    EXPECT_TRUE(strings(pl->entries).contains(p)) << p;
  }
  EXPECT_EQ(pl->address_family, Family::kV4);
  EXPECT_TRUE(pl->id.starts_with("pl-")) << pl->id;
}

TEST(AwsManagedPrefixLists, NativeGatewayEndpointGetsTheRegionsS3Ranges) {
  const auto l = load_text("native_s3.yaml", kNativeS3, with_file(kShared));
  expect_real_s3_ranges(l);
  // 16.182.0.0/16 is S3's in us-east-1: the packet takes the endpoint, not the default route.
  EXPECT_TRUE(passes(hops(l.network, "worker", "16.182.10.10"), "vpce-s3"));
}

TEST(AwsManagedPrefixLists, CloudFormationGatewayEndpointGetsTheRegionsS3Ranges) {
  LoadOptions o = with_file(kShared);
  o.region = "us-east-1";
  const auto l = load_text("stack_s3.yaml", kCloudFormationS3, o);
  expect_real_s3_ranges(l);
  EXPECT_TRUE(passes(hops(l.network, "Worker", "16.182.10.10"), "vpce-"));
}

// One list per service, with the same id in every format and every load.
TEST(AwsManagedPrefixLists, ListIdIsTheSameInEveryFormat) {
  LoadOptions o = with_file(kShared);
  o.region = "us-east-1";
  const auto native = load_text("native_s3.yaml", kNativeS3, o);
  const auto cfn = load_text("stack_s3.yaml", kCloudFormationS3, o);
  const auto* a = list_named(native.network, "com.amazonaws.us-east-1.s3");
  const auto* b = list_named(cfn.network, "com.amazonaws.us-east-1.s3");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->id, b->id);
}

// --ip-ranges takes a newer file: its ranges, not the old ones, are the list's.
TEST(AwsManagedPrefixLists, NewerFileChangesTheAnswer) {
  const std::string newer = write_file("newer-ip-ranges.json", R"({
  "syncToken": "1900000000",
  "createDate": "2030-03-14-00-00-00",
  "prefixes": [
    {"ip_prefix": "44.222.0.0/16", "region": "us-east-1", "service": "S3",
     "network_border_group": "us-east-1"}
  ],
  "ipv6_prefixes": []
})");
  const auto old_file = load_text("native_s3.yaml", kNativeS3, with_file(kShared));
  const auto new_file = load_text("native_s3.yaml", kNativeS3, with_file(newer));
  ASSERT_TRUE(old_file.ok && new_file.ok)
      << dump(old_file.diagnostics) << dump(new_file.diagnostics);
  const auto* pl = list_named(new_file.network, "com.amazonaws.us-east-1.s3");
  ASSERT_NE(pl, nullptr);
  EXPECT_EQ(strings(pl->entries), std::set<std::string>{"44.222.0.0/16"});
  // The old file knows 44.222.0.10 as no S3 address: the route table has nowhere for it.
  EXPECT_FALSE(passes(hops(old_file.network, "worker", "internet:44.222.0.10"), "vpce-s3"));
  EXPECT_TRUE(passes(hops(new_file.network, "worker", "internet:44.222.0.10"), "vpce-s3"));
  EXPECT_FALSE(passes(hops(new_file.network, "worker", "internet:16.182.10.10"), "vpce-s3"));
}

// $CLOUDTWIN_IP_RANGES names the file when --ip-ranges does not.
TEST(AwsManagedPrefixLists, EnvironmentNamesTheFile) {
  const std::string file = write_file("env-ip-ranges.json", R"({"prefixes": [
    {"ip_prefix": "198.18.0.0/24", "region": "us-east-1", "service": "S3"}]})");
  ::setenv("CLOUDTWIN_IP_RANGES", file.c_str(), 1);
  const auto from_env = load_text("native_s3.yaml", kNativeS3, {});
  const auto from_option = load_text("native_s3.yaml", kNativeS3, with_file(kShared));
  ::unsetenv("CLOUDTWIN_IP_RANGES");
  ASSERT_TRUE(from_env.ok) << dump(from_env.diagnostics);
  EXPECT_EQ(strings(list_named(from_env.network, "com.amazonaws.us-east-1.s3")->entries),
            std::set<std::string>{"198.18.0.0/24"});
  EXPECT_EQ(find_ip_ranges_file(with_file("x.json")).origin, IpRangesFile::Origin::kOption);
  EXPECT_EQ(list_named(from_option.network, "com.amazonaws.us-east-1.s3")->entries.size(),
            independent_prefixes("us-east-1", "S3").size());
}

// Most networks have no gateway endpoint: they never read the 2.6 MB file (a path to nothing
// is not even noticed).
TEST(AwsManagedPrefixLists, NetworkWithoutEndpointsReadsNoFile) {
  const auto l = load_text("no_endpoint.yaml", "vpcs: [{name: app, cidr_block: 10.0.0.0/16}]\n",
                           with_file("/nonexistent/ip-ranges.json"));
  EXPECT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_TRUE(l.diagnostics.items().empty()) << dump(l.diagnostics);
}

// A list the input declares with entries is the user's word; one declared by its AWS-managed
// name without entries (an AWS CLI snapshot without Cidrs, a Terraform plan) is filled.
TEST(AwsManagedPrefixLists, DeclaredListsKeepTheirEntriesOrAreFilled) {
  const auto l = load_text("declared.yaml", R"(
vpcs: [{name: app, cidr_block: 10.0.0.0/16}]
route_tables: [{name: private, vpc: app}]
prefix_lists:
  - {name: s3, prefix_list_name: com.amazonaws.us-east-1.s3, entries: [52.216.0.0/15]}
  - {id: pl-02cd2c6b, prefix_list_name: com.amazonaws.us-east-1.dynamodb, entries: []}
vpc_endpoints:
  - {name: s3, vpc: app, service_name: com.amazonaws.us-east-1.s3, route_tables: [private]}
  - {name: ddb, vpc: app, service_name: com.amazonaws.us-east-1.dynamodb, route_tables: [private]}
)",
                           with_file(kShared));
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_EQ(l.network.prefix_lists.size(), 2u);
  EXPECT_EQ(strings(list_named(l.network, "com.amazonaws.us-east-1.s3")->entries),
            std::set<std::string>{"52.216.0.0/15"});
  const auto* ddb = list_named(l.network, "com.amazonaws.us-east-1.dynamodb");
  EXPECT_EQ(ddb->id, "pl-02cd2c6b");
  EXPECT_EQ(strings(ddb->entries), independent_prefixes("us-east-1", "DYNAMODB"));
}

// CloudFront's origin-facing list (a security group admitting only CloudFront) is global.
TEST(AwsManagedPrefixLists, CloudFrontOriginFacingListNamedByARule) {
  const auto l = load_text("cloudfront.yaml", R"(
vpcs: [{name: app, cidr_block: 10.0.0.0/16}]
security_groups:
  - name: origin
    vpc: app
    ingress:
      - {protocol: tcp, port: 443, prefix_list: com.amazonaws.global.cloudfront.origin-facing}
)",
                           with_file(kShared));
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto* pl = list_named(l.network, "com.amazonaws.global.cloudfront.origin-facing");
  ASSERT_NE(pl, nullptr);
  EXPECT_EQ(strings(pl->entries), independent_prefixes("*", "CLOUDFRONT_ORIGIN_FACING"));
}

struct BadEndpoint {
  std::string name;
  std::string service;
  std::string message;
  std::string hint;
};
void PrintTo(const BadEndpoint& b, std::ostream* os) { *os << b.name; }

class AwsManagedPrefixListsBadEndpoint : public ::testing::TestWithParam<BadEndpoint> {};

// The list a gateway endpoint needs but the file cannot give is an error at the endpoint.
TEST_P(AwsManagedPrefixListsBadEndpoint, IsAnErrorAtTheEndpoint) {
  const auto& b = GetParam();
  const auto l = load_text("bad_endpoint.yaml",
                           "vpcs: [{name: app, cidr_block: 10.0.0.0/16}]\n"
                           "route_tables: [{name: private, vpc: app}]\n"
                           "vpc_endpoints:\n"
                           "  - {name: ep, vpc: app, service_name: " +
                               b.service + ", route_tables: [private]}\n",
                           with_file(kShared));
  EXPECT_FALSE(l.ok);
  ASSERT_EQ(l.diagnostics.error_count(), 1u) << dump(l.diagnostics);
  const auto& e = l.diagnostics.items().front();
  EXPECT_TRUE(e.file.ends_with("bad_endpoint.yaml")) << e.str();
  EXPECT_EQ(e.line, 4u) << e.str();
  EXPECT_EQ(e.column, 5u) << e.str();
  EXPECT_EQ(e.resource, "vpce-ep");
  EXPECT_NE(e.message.find(b.service), std::string::npos) << e.str();
  EXPECT_NE(e.message.find(b.message), std::string::npos) << e.str();
  EXPECT_NE(e.hint.find(b.hint), std::string::npos) << e.str();
}

INSTANTIATE_TEST_SUITE_P(
    Rows, AwsManagedPrefixListsBadEndpoint,
    ::testing::Values(BadEndpoint{"region_not_in_the_file", "com.amazonaws.us-east-7.s3",
                                  "has no Region `us-east-7`", "did you mean `us-east-1`?"},
                      BadEndpoint{"region_misspelt", "com.amazonaws.us-eats-1.s3", "has no Region",
                                  "--ip-ranges FILE"},
                      BadEndpoint{"service_without_gateway_endpoints",
                                  "com.amazonaws.us-east-1.sqs", "those of S3 and DynamoDB",
                                  "Interface endpoint"},
                      BadEndpoint{"not_an_aws_service", "my-service", "those of S3 and DynamoDB",
                                  "prefix_list_name: my-service"}),
    [](const ::testing::TestParamInfo<BadEndpoint>& info) { return info.param.name; });

// Without any ip-ranges.json the lists hold RFC 5737 placeholders, and one warning for the load
// (not one per list) says how to get the real ranges.
TEST(AwsManagedPrefixLists, WithoutAFilePlaceholdersAndOneWarning) {
  auto r = testing::read(R"(
vpcs: [{name: app, cidr_block: 10.0.0.0/16}]
route_tables: [{name: private, vpc: app}]
vpc_endpoints:
  - {name: s3, vpc: app, service_name: com.amazonaws.us-east-1.s3, route_tables: [private]}
  - {name: ddb, vpc: app, service_name: com.amazonaws.us-east-1.dynamodb, route_tables: [private]}
)");
  ASSERT_TRUE(r.ok) << dump(r.diagnostics);
  model::Network n = std::move(r.network);
  Diagnostics d;
  ASSERT_TRUE(add_aws_managed_prefix_lists(n, d, {}, IpRangesFile{}));
  ASSERT_EQ(d.items().size(), 1u) << dump(d);
  const auto& w = d.items()[0];
  EXPECT_EQ(w.severity, Severity::kWarning);
  EXPECT_EQ(w.line, 5u);
  EXPECT_EQ(w.resource, "vpce-s3");
  EXPECT_NE(w.hint.find("--ip-ranges FILE"), std::string::npos) << w.str();
  EXPECT_NE(w.hint.find("https://ip-ranges.amazonaws.com/ip-ranges.json"), std::string::npos);
  EXPECT_EQ(strings(list_named(n, "com.amazonaws.us-east-1.s3")->entries),
            std::set<std::string>{kS3Placeholder});
  EXPECT_EQ(strings(list_named(n, "com.amazonaws.us-east-1.dynamodb")->entries),
            std::set<std::string>{kDynamoDbPlaceholder});
  EXPECT_TRUE(model::finalize(n, d)) << dump(d);
}

TEST(AwsManagedPrefixLists, NamedFileThatIsMissingIsAnError) {
  const auto l = load_text("native_s3.yaml", kNativeS3, with_file("/nonexistent/ip-ranges.json"));
  EXPECT_FALSE(l.ok);
  ASSERT_EQ(l.diagnostics.error_count(), 1u) << dump(l.diagnostics);
  EXPECT_EQ(l.diagnostics.items()[0].file, "/nonexistent/ip-ranges.json");
  EXPECT_NE(l.diagnostics.items()[0].message.find("--ip-ranges"), std::string::npos);
}

TEST(AwsManagedPrefixLists, BadFileIsALocatedErrorInTheFile) {
  const std::string bad = write_file("bad-ip-ranges.json", R"({"prefixes": [
  {"ip_prefix": "not a prefix", "region": "us-east-1", "service": "S3"}]})");
  const auto l = load_text("native_s3.yaml", kNativeS3, with_file(bad));
  EXPECT_FALSE(l.ok);
  ASSERT_EQ(l.diagnostics.error_count(), 1u) << dump(l.diagnostics);
  const auto& e = l.diagnostics.items()[0];
  EXPECT_EQ(e.file, bad);
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 17u);
}

}  // namespace
}  // namespace cloudtwin::load
