// The native format's CloudFront lists (docs/format.md, "CloudFront"): `config` in
// CloudFormation's shape read by the shared reader, the edge's fixture, bad input located, and
// `cloudtwin export` writing the same configuration back (AWS's managed policies left out).
#include <gtest/gtest.h>

#include <string>

#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/load/native_yaml_writer.h"
#include "read_helpers.h"

namespace cloudtwin::load::testing {
namespace {

const std::string kSite = std::string(CLOUDTWIN_SOURCE_DIR) + "/tests/cdn/fixtures/site.yaml";

const Diagnostic* find(const Diagnostics& d, std::string_view text) {
  for (const auto& i : d.items()) {
    if (i.message.find(text) != std::string::npos) return &i;
  }
  return nullptr;
}

TEST(NativeYamlCloudFront, TheEdgeFixtureLoads) {
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({kSite}, n, d)) << dump(d);
  ASSERT_EQ(n.distributions.size(), 1u);
  const auto& s = n.distributions[0];
  EXPECT_EQ(s.id, "E1SITEEXAMPLE1");
  EXPECT_EQ(s.name, "site");
  EXPECT_EQ(s.domain_name, "d111111abcdef8.cloudfront.net");
  EXPECT_EQ(s.aliases, std::vector<std::string>{"www.example.com"});
  ASSERT_EQ(s.origins.size(), 2u);
  EXPECT_FALSE(s.origins[0].s3);
  EXPECT_TRUE(s.origins[1].s3);
  ASSERT_EQ(s.origin_groups.size(), 1u);
  EXPECT_EQ(s.origin_groups[0].member_origins, (std::vector<std::uint32_t>{0, 1}));
  ASSERT_EQ(s.behaviors.size(), 2u);
  EXPECT_EQ(s.behaviors[0].path_pattern, "/api/*");
  EXPECT_EQ(s.behaviors[0].allowed_methods, 127);
  EXPECT_EQ(n.cache_policies[s.behaviors[0].cache_policy.index].name, "CachingDisabled");
  EXPECT_EQ(n.cache_policies[s.behaviors[1].cache_policy.index].name, "CachingOptimized");
  EXPECT_TRUE(s.default_behavior.target_is_group);
  const auto& own = n.cache_policies[s.default_behavior.cache_policy.index];
  EXPECT_EQ(own.id, "site-default");
  EXPECT_EQ(own.query_strings.items, std::vector<std::string>{"v"});
  EXPECT_EQ(own.headers.items, std::vector<std::string>{"Accept-Language"});
  EXPECT_EQ(own.min_ttl, 0);
  EXPECT_EQ(own.default_ttl, 60);
  EXPECT_EQ(own.max_ttl, 3600);
  ASSERT_EQ(s.custom_error_responses.size(), 2u);
  EXPECT_EQ(s.custom_error_responses[0].response_page_path, "/errors/404.html");
  EXPECT_EQ(s.custom_error_responses[1].error_caching_min_ttl, 5);
}

// Reading the export back gives the same distribution; the managed policies finalize() added are
// not written (they are AWS's, named by id).
TEST(NativeYamlCloudFront, ExportWritesTheConfigurationBack) {
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({kSite}, n, d)) << dump(d);
  const std::string text = write_native_yaml(n);
  EXPECT_EQ(text.find("CachingOptimized"), std::string::npos) << text;
  EXPECT_NE(text.find("cloudfront_distributions:"), std::string::npos) << text;
  auto again = read(text);
  ASSERT_TRUE(again.ok && model::finalize(again.network, again.diagnostics))
      << dump(again.diagnostics) << text;
  EXPECT_EQ(write_native_yaml(again.network), text);
}

// The example of docs/format.md's CloudFront section is a network that loads.
TEST(NativeYamlCloudFront, FormatDocExampleLoads) {
  const std::string yaml = format_doc_block("\n## CloudFront\n", "yaml");
  ASSERT_FALSE(yaml.empty());
  auto r = read(yaml, "format.md");
  ASSERT_TRUE(r.ok && model::finalize(r.network, r.diagnostics)) << dump(r.diagnostics);
  ASSERT_EQ(r.network.distributions.size(), 1u);
  EXPECT_EQ(r.network.distributions[0].behaviors.size(), 1u);
}

struct BadCase {
  std::string name, yaml, message;
  std::uint32_t line;
};

class NativeYamlCloudFrontBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(NativeYamlCloudFrontBadInput, IsReportedWhereItIsWritten) {
  const auto& c = GetParam();
  auto r = read(c.yaml);
  const bool ok = r.ok && model::finalize(r.network, r.diagnostics);
  EXPECT_FALSE(ok);
  const auto* e = find(r.diagnostics, c.message);
  ASSERT_TRUE(e) << dump(r.diagnostics);
  EXPECT_EQ(e->line, c.line) << e->str();
  EXPECT_EQ(e->resource, "d1") << e->str();
}

constexpr const char* kHead = R"(cloudfront_distributions:
  - id: d1
    config:
      Enabled: true
      Origins: [{Id: o, DomainName: example.org, CustomOriginConfig: {OriginProtocolPolicy: http-only}}]
)";

INSTANTIATE_TEST_SUITE_P(
    Cases, NativeYamlCloudFrontBadInput,
    ::testing::Values(
        BadCase{
            "UnknownKey",
            std::string(kHead) +
                "      DefaultCacheBehavior: {TargetOriginId: o, ViewerProtocolPolicy: allow-all, "
                "CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6}\n      Aliasses: "
                "[a.example]\n",
            "unsupported property `Aliasses`", 7},
        // A dangling policy is an error in the native format, which describes whole networks.
        BadCase{
            "MissingCachePolicy",
            std::string(kHead) +
                "      DefaultCacheBehavior: {TargetOriginId: o, ViewerProtocolPolicy: allow-all, "
                "CachePolicyId: nowhere}\n",
            "nowhere", 6},
        BadCase{
            "NotANumber",
            std::string(kHead) +
                "      DefaultCacheBehavior: {TargetOriginId: o, ViewerProtocolPolicy: allow-all, "
                "ForwardedValues: {QueryString: false}, MinTTL: soon}\n",
            "`MinTTL` must be a whole number", 6}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace cloudtwin::load::testing
