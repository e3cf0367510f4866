// The property of `cloudtwin export`: for every sample network (the examples, the network part of
// every scenario, the networks of tests/load/export/networks written to set every field the
// format has, the examples of docs/format.md and the shared CloudFormation, Terraform, AWS CLI
// and Route 53 samples), load -> finalize -> export -> read -> finalize gives the same network, and exporting
// that again gives the same text.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../read_helpers.h"
#include "cloudtwin/load/aws_managed_prefix_lists.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/load/native_yaml_writer.h"
#include "network_fingerprint.h"

namespace cloudtwin::load::testing {
namespace {

namespace fs = std::filesystem;

enum class Source { kFile, kScenario, kFormatDoc, kFormatDocLoadBalancers, kShared };

struct Sample {
  std::string name;  // the test's name
  std::string path;
  Source source;
};

std::string test_name(std::string_view prefix, std::string_view stem) {
  std::string s = std::string(prefix) + "_" + std::string(stem);
  for (char& c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) c = '_';
  }
  return s;
}

std::vector<fs::path> entries(const fs::path& folder, bool folders) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const auto ext = it->path().extension().string();
    const bool network_file =
        ext == ".yaml" || ext == ".yml" || ext == ".json" || ext == ".template";
    if (folders ? it->is_directory() : (it->is_regular_file() && network_file)) {
      out.push_back(it->path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Sample> samples() {
  const fs::path source = CLOUDTWIN_SOURCE_DIR;
  const fs::path shared = CLOUDTWIN_SHARED_DIR;
  std::vector<Sample> out;
  for (const auto& p : entries(source / "examples", false)) {
    out.push_back({test_name("example", p.stem().string()), p.string(), Source::kFile});
  }
  for (const auto& p : entries(source / "tests" / "scenarios", false)) {
    out.push_back({test_name("scenario", p.stem().string()), p.string(), Source::kScenario});
  }
  for (const auto& p : entries(source / "tests" / "load" / "export" / "networks", false)) {
    out.push_back({test_name("export", p.stem().string()), p.string(), Source::kFile});
  }
  out.push_back({"format_doc_example", "docs/format.md", Source::kFormatDoc});
  out.push_back({"format_doc_load_balancers", "docs/format.md", Source::kFormatDocLoadBalancers});
  for (const char* format : {"cloudformation", "terraform", "cloudfront"}) {
    for (const auto& p : entries(shared / "data" / format, false)) {
      out.push_back({test_name(format, p.filename().string()), p.string(), Source::kShared});
    }
  }
  // Route 53's JSON (change batches, a recorded answer, botocore's examples); its zone files are
  // read by another reader.
  for (const auto& p : entries(shared / "data" / "route53", false)) {
    out.push_back({test_name("route53", p.filename().string()), p.string(), Source::kShared});
  }
  for (const auto& p : entries(shared / "data" / "aws-cli", true)) {
    out.push_back({test_name("aws_cli", p.filename().string()), p.string(), Source::kShared});
  }
  return out;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A scenario file is a network, a line `---`, then the questions.
std::string scenario_network(const std::string& path) {
  const std::string text = read_text(path);
  const auto at = text.find("\n---\n");
  return at == std::string::npos ? text : text.substr(0, at + 1);
}

LoadOptions shared_ip_ranges() {
  LoadOptions o;
  o.ip_ranges = std::string(CLOUDTWIN_SHARED_DIR) + "/data/aws/ip-ranges.json";
  return o;
}

bool load_sample(const Sample& s, model::Network& n, Diagnostics& d) {
  switch (s.source) {
    case Source::kScenario:
      // As the scenario suite reads them (tests/vpc/scenario_test.cc).
      return read_native_yaml(scenario_network(s.path), s.path, n, d) &&
             add_aws_managed_prefix_lists(n, d, shared_ip_ranges()) && model::finalize(n, d);
    case Source::kFormatDoc:
      return read_native_yaml(format_doc_example(), s.path, n, d) && model::finalize(n, d);
    case Source::kFormatDocLoadBalancers:
      return read_native_yaml(format_doc_block("<!-- load balancer example", "yaml"), s.path, n,
                              d) &&
             model::finalize(n, d);
    case Source::kFile:
    case Source::kShared:
      break;
  }
  return load_network({s.path}, n, d, shared_ip_ranges());
}

std::string without_alias_comment(const std::string& text) {
  return text.substr(0, text.find("\n# Other names of these resources"));
}

// Exports `original`, reads the text back and expects the same network and a stable text.
void expect_round_trip(const model::Network& original) {
  const std::string text = write_native_yaml(original);
  model::Network reread;
  Diagnostics d;
  const bool ok = read_native_yaml(text, "exported.yaml", reread, d) && model::finalize(reread, d);
  ASSERT_TRUE(ok) << dump(d) << "exported:\n" << text;
  const auto diffs = differences(original, reread);
  std::string listed;
  for (const auto& line : diffs) listed += "  " + line + "\n";
  EXPECT_TRUE(diffs.empty()) << diffs.size() << " difference(s):\n"
                             << listed << "exported:\n"
                             << text;
  // Aliases are not read back, so their closing comment is all that may differ.
  EXPECT_EQ(without_alias_comment(write_native_yaml(reread)), without_alias_comment(text))
      << "exporting the exported network changed the text";
}

void PrintTo(const Sample& s, std::ostream* os) { *os << s.path; }

class RoundTrip : public ::testing::TestWithParam<Sample> {};

TEST_P(RoundTrip, ExportReadsBackAsTheSameNetwork) {
  const Sample& s = GetParam();
  model::Network original;
  Diagnostics d;
  if (!load_sample(s, original, d)) {
    // The CloudFormation, Terraform and AWS CLI readers are being written; a sample their
    // reader cannot load yet is not the writer's to judge.
    if (s.source == Source::kShared) GTEST_SKIP() << s.path << " does not load yet:\n" << dump(d);
    FAIL() << s.path << " does not load:\n" << dump(d);
  }
  expect_round_trip(original);
}

INSTANTIATE_TEST_SUITE_P(Samples, RoundTrip, ::testing::ValuesIn(samples()),
                         [](const ::testing::TestParamInfo<Sample>& info) {
                           return info.param.name;
                         });

model::Network read_network(std::string_view yaml) {
  auto r = read(yaml);
  EXPECT_TRUE(r.ok && model::finalize(r.network, r.diagnostics)) << dump(r.diagnostics);
  return std::move(r.network);
}

// security-group-rules.html: a group created without outbound rules has the allow-all rule; one
// whose outbound rules were all removed allows nothing out. The two must stay apart.
TEST(ExportSecurityGroups, DefaultEgressIsLeftOutAndEmptyEgressIsKept) {
  const auto n = read_network(R"(
vpcs: [{name: v, cidr_block: 10.0.0.0/16, ipv6_cidr_blocks: ["2600:1f18::/56"]}]
security_groups:
  - {name: open, vpc: v}
  - {name: closed, vpc: v, egress: []}
  - {name: web, vpc: v, egress: [{protocol: all, cidr: "::/0"}]}
)");
  const std::string text = write_native_yaml(n);
  EXPECT_NE(text.find("{name: open, vpc: v}"), std::string::npos) << text;
  EXPECT_NE(text.find("{name: closed, vpc: v, egress: []}"), std::string::npos) << text;
  EXPECT_NE(text.find("cidr: \"::/0\""), std::string::npos) << text;
  expect_round_trip(n);
}

// What finalize() adds (main route table, default group and ACL, local routes, the `*` entries,
// gateway endpoint routes, transit gateway default tables, VPN attachments) is not written.
TEST(ExportImplicit, WhatAwsAddsIsNotWritten) {
  const auto n = read_network(R"(
vpcs: [{name: v, cidr_block: 10.0.0.0/16}]
subnets: [{name: a, vpc: v, cidr_block: 10.0.1.0/24}]
route_tables: [{name: private, vpc: v, subnets: [a]}]
prefix_lists: [{name: s3, prefix_list_name: com.amazonaws.us-east-1.s3, entries: [52.216.0.0/15]}]
vpc_endpoints: [{name: s3, vpc: v, service_name: com.amazonaws.us-east-1.s3, route_tables: [private]}]
transit_gateways: [{name: hub}]
customer_gateways: [{name: dc, ip_address: 198.51.100.1}]
vpn_connections: [{name: dc, transit_gateway: hub, customer_gateway: dc}]
instances: [{name: web, subnet: a}]
)");
  const std::string text = write_native_yaml(n);
  for (const char* absent : {"rtb-main", "v-main", "sg-default", "v-default", "acl-default",
                             "local", "32767", "hub-default", "dc-attachment", "prefix_list:"}) {
    EXPECT_EQ(text.find(absent), std::string::npos) << absent << " in\n" << text;
  }
  expect_round_trip(n);
}

// Strings a YAML parser would take for something else are quoted; names are kept exactly.
TEST(ExportQuoting, StringsThatLookLikeOtherValuesReadBack) {
  const auto n = read_network(R"(
account: "012345678901"
vpcs:
  - {name: "true", cidr_block: 10.0.0.0/16}
  - {name: "123", cidr_block: 10.1.0.0/16}
  - {name: "null", cidr_block: 10.2.0.0/16}
  - {id: "vpc-x", name: "a: b # c", cidr_block: 10.3.0.0/16}
  - {name: "-dash", cidr_block: 10.4.0.0/16}
  - {name: "1e3", cidr_block: 10.5.0.0/16}
  - {name: "2024-01-01", cidr_block: 10.6.0.0/16}
  - {name: "[list]", cidr_block: 10.7.0.0/16}
  - {name: "caf\u00e9", cidr_block: 10.8.0.0/16}
  - {name: "self", cidr_block: 10.9.0.0/16}
security_groups:
  - name: "yes"
    vpc: "true"
    ingress:
      - {protocol: tcp, port: 443, cidr: 0.0.0.0/0, description: "say \"hi\"\nnext line\t\\"}
      - {protocol: all, security_group: self, description: ""}
      - {protocol: 50, cidr: 10.0.0.0/8}
      - {protocol: icmp, icmp_type: 3, icmp_code: 4, cidr: 10.0.0.0/8}
      - {protocol: udp, ports: all, cidr: 10.0.0.0/8}
)");
  const std::string text = write_native_yaml(n);
  EXPECT_NE(text.find("account: \"012345678901\""), std::string::npos) << text;
  EXPECT_NE(text.find("name: \"true\""), std::string::npos) << text;
  EXPECT_NE(text.find("name: \"123\""), std::string::npos) << text;
  expect_round_trip(n);
}

// Networks that were several files, with accounts and Regions of their own, keep them.
TEST(ExportAccounts, AccountsAndRegionsOtherThanTheFilesAreWrittenPerResource) {
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(read_native_yaml(R"(
account: "111111111111"
vpcs: [{name: a, cidr_block: 10.0.0.0/16}, {name: b, cidr_block: 10.1.0.0/16}]
)",
                               "one.yaml", n, d));
  ASSERT_TRUE(read_native_yaml(R"(
account: "222222222222"
region: eu-west-1
vpcs: [{name: c, cidr_block: 10.2.0.0/16}]
transit_gateways: [{name: hub, amazon_side_asn: 64600}]
)",
                               "two.yaml", n, d));
  ASSERT_TRUE(model::finalize(n, d)) << dump(d);
  const std::string text = write_native_yaml(n);
  EXPECT_EQ(text.rfind("account: \"111111111111\"\nregion: us-east-1\n", 0), 0u) << text;
  expect_round_trip(n);
}

}  // namespace
}  // namespace cloudtwin::load::testing
