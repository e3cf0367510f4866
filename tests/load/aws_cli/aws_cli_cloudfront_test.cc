// CloudFront's API JSON: `aws cloudfront` answers as files of their own (the recorded
// GetDistributionConfig answers of ../shared/data/cloudfront, get-distribution,
// list-distributions) and in a snapshot folder with the policies, public keys and key groups
// they name (docs/format.md, "CloudFront JSON"; the API reference's DistributionConfig,
// CacheBehavior and Origin).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "cloudtwin/load/load.h"
#include "snapshot_folder.h"

namespace cloudtwin::load {
namespace {

using testing::load;
using testing::Loaded;
using testing::SnapshotFolder;

const std::string kShared = std::string(CLOUDTWIN_SHARED_DIR) + "/data/cloudfront/";

std::string dump(const Diagnostics& d) {
  std::string s;
  for (const auto& i : d.items()) s += "  " + i.str() + "\n";
  return s;
}

const Diagnostic* find(const Diagnostics& d, std::string_view text, Severity s) {
  for (const auto& i : d.items()) {
    if (i.severity == s && i.message.find(text) != std::string::npos) return &i;
  }
  return nullptr;
}

// A recorded get-distribution-config answer has no Id: the file's stem names it.
TEST(CloudFrontJson, RecordedGetDistributionConfigWithTwoOrigins) {
  const std::string path = kShared + "custodian-custom_origin-GetDistributionConfig_1.json";
  EXPECT_EQ(detect_format(path), Format::kCloudFront);
  Loaded l = load(path);
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  ASSERT_EQ(l.network.distributions.size(), 1u);
  const auto& d = l.network.distributions[0];
  EXPECT_EQ(d.id, "custodian-custom_origin-GetDistributionConfig_1");
  EXPECT_FALSE(d.enabled);
  EXPECT_TRUE(d.ipv6);  // IsIPV6Enabled
  EXPECT_EQ(d.http_version, "http2");
  ASSERT_EQ(d.origins.size(), 2u);
  EXPECT_FALSE(d.origins[0].s3);
  EXPECT_EQ(d.origins[0].path, "/customer");
  EXPECT_EQ(d.origins[0].protocol_policy, "http-only");
  EXPECT_TRUE(d.origins[1].s3);
  EXPECT_EQ(d.origins[1].domain_name, "c7n-cloudfront-test.s3.amazonaws.com");
  EXPECT_TRUE(d.behaviors.empty());
  EXPECT_TRUE(d.default_behavior.legacy);
  EXPECT_EQ(d.default_behavior.target_origin, 1u);
  EXPECT_EQ(d.default_behavior.legacy_query_strings.behavior, "none");
  EXPECT_FALSE(d.logging);  // Logging.Enabled false
}

// {"Quantity", "Items"} lists, AllowedMethods' CachedMethods, GeoRestriction's Items.
TEST(CloudFrontJson, RecordedGetDistributionConfigWithOrderedBehaviours) {
  Loaded l = load(kShared + "custodian-update_deep_attribute-GetDistributionConfig_1.json");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  ASSERT_EQ(l.network.distributions.size(), 1u);
  const auto& d = l.network.distributions[0];
  EXPECT_EQ(d.aliases, std::vector<std::string>{"cftesting.ajsbx.stacklet.dev"});
  EXPECT_EQ(d.default_root_object, "index.html");
  EXPECT_EQ(d.price_class, "PriceClass_200");
  EXPECT_FALSE(d.ipv6);
  ASSERT_EQ(d.origins.size(), 1u);
  EXPECT_TRUE(d.origin_groups.empty());
  EXPECT_EQ(d.default_behavior.allowed_methods, 127);
  EXPECT_EQ(d.default_behavior.cached_methods, model::kMethodGet | model::kMethodHead);
  EXPECT_EQ(d.default_behavior.default_ttl, 3600);
  ASSERT_EQ(d.behaviors.size(), 2u);
  EXPECT_EQ(d.behaviors[0].path_pattern, "/content/immutable/*");
  EXPECT_EQ(d.behaviors[0].cached_methods,
            model::kMethodGet | model::kMethodHead | model::kMethodOptions);
  EXPECT_EQ(d.behaviors[0].legacy_headers.items, std::vector<std::string>{"Origin"});
  EXPECT_TRUE(d.behaviors[0].compress);
  EXPECT_EQ(d.behaviors[1].path_pattern, "/content/*");
  // The geographic restriction (a whitelist of US) is not applied by the edge: said once.
  EXPECT_TRUE(
      find(l.diagnostics, "geographic restriction (whitelist, 1 countries)", Severity::kWarning))
      << dump(l.diagnostics);
}

class CloudFrontFiles : public ::testing::Test {
 protected:
  SnapshotFolder dir_{"cloudfront_files"};
  std::string write(const std::string& name, const std::string& text) {
    return dir_.write(name, text);
  }
};

constexpr const char* kConfig = R"({
  "CallerReference": "r", "Comment": "", "Enabled": true, "SomeFieldAddedLater": {"x": 1},
  "Origins": {"Quantity": 1, "Items": [{"Id": "web", "DomainName": "web.example.org",
    "CustomHeaders": {"Quantity": 1, "Items": [{"HeaderName": "X-A", "HeaderValue": "1"}]},
    "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only",
      "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]}, "OriginReadTimeout": 20,
      "OriginKeepaliveTimeout": 5}}]},
  "DefaultCacheBehavior": {"TargetOriginId": "web", "ViewerProtocolPolicy": "redirect-to-https",
    "CachePolicyId": "c1", "OriginRequestPolicyId": "216adef6-5c7f-47e4-b989-5492eafa07d3",
    "TrustedKeyGroups": {"Enabled": true, "Quantity": 1, "Items": ["kg1"]},
    "TrustedSigners": {"Enabled": false, "Quantity": 0},
    "AllowedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"],
      "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}},
    "FunctionAssociations": {"Quantity": 1, "Items": [{"FunctionARN": "arn:aws:cloudfront::1:function/f", "EventType": "viewer-request"}]}},
  "CustomErrorResponses": {"Quantity": 1, "Items": [{"ErrorCode": 404, "ResponsePagePath": "/404.html",
    "ResponseCode": "404", "ErrorCachingMinTTL": 10}]}
})";

// A snapshot with get-distribution, list-cache-policies (AWS's managed ones left to the model),
// list-key-groups and list-public-keys: the behaviour's references resolve to them.
TEST_F(CloudFrontFiles, SnapshotWithPoliciesKeysAndGroups) {
  write(
      "aws_configs/GetDistribution.json",
      std::string(
          R"({"ETag": "E1", "Distribution": {"Id": "E2QWRUHAPOMQZL", "ARN": "arn:aws:cloudfront::1:distribution/E2QWRUHAPOMQZL",
    "Status": "Deployed", "DomainName": "d111111abcdef8.cloudfront.net", "DistributionConfig": )") +
          kConfig + "}}");
  write("aws_configs/ListCachePolicies.json",
        R"({"CachePolicyList": {"Quantity": 2, "MaxItems": 100, "Items": [
    {"Type": "managed", "CachePolicy": {"Id": "658327ea-f89d-4fab-a63d-7e88639e58f6", "CachePolicyConfig": {
      "Name": "Managed-CachingOptimized", "MinTTL": 1, "DefaultTTL": 86400, "MaxTTL": 31536000,
      "ParametersInCacheKeyAndForwardedToOrigin": {"EnableAcceptEncodingGzip": true, "EnableAcceptEncodingBrotli": true,
        "HeadersConfig": {"HeaderBehavior": "none"}, "CookiesConfig": {"CookieBehavior": "none"},
        "QueryStringsConfig": {"QueryStringBehavior": "none"}}}}},
    {"Type": "custom", "CachePolicy": {"Id": "c1", "LastModifiedTime": "2024-01-01T00:00:00Z", "CachePolicyConfig": {
      "Name": "mine", "MinTTL": 0, "DefaultTTL": 60, "MaxTTL": 600,
      "ParametersInCacheKeyAndForwardedToOrigin": {"EnableAcceptEncodingGzip": false,
        "HeadersConfig": {"HeaderBehavior": "none"}, "CookiesConfig": {"CookieBehavior": "none"},
        "QueryStringsConfig": {"QueryStringBehavior": "whitelist", "QueryStrings": {"Quantity": 1, "Items": ["v"]}}}}}}]}})");
  write("aws_configs/ListKeyGroups.json", R"({"KeyGroupList": {"Quantity": 1, "Items": [
    {"KeyGroup": {"Id": "kg1", "KeyGroupConfig": {"Name": "signers", "Items": ["K2JCJMDEHXQW5F"]}}}]}})");
  write("aws_configs/ListPublicKeys.json", R"({"PublicKeyList": {"Quantity": 1, "Items": [
    {"Id": "K2JCJMDEHXQW5F", "Name": "k", "CreatedTime": "2024-01-01T00:00:00Z",
     "EncodedKey": "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"}]}})");
  Loaded l = load(dir_.str());
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  ASSERT_EQ(l.network.distributions.size(), 1u);
  const auto& d = l.network.distributions[0];
  EXPECT_EQ(d.id, "E2QWRUHAPOMQZL");
  EXPECT_EQ(d.domain_name, "d111111abcdef8.cloudfront.net");
  EXPECT_EQ(d.origins[0].read_timeout, 20);
  ASSERT_EQ(d.origins[0].custom_headers.size(), 1u);  // CustomHeaders -> OriginCustomHeaders
  const auto& b = d.default_behavior;
  ASSERT_TRUE(b.cache_policy.resolved());
  EXPECT_EQ(l.network.cache_policies[b.cache_policy.index].name, "mine");
  ASSERT_TRUE(b.origin_request_policy.resolved());  // managed AllViewer
  ASSERT_EQ(b.trusted_key_groups.size(), 1u);
  EXPECT_TRUE(b.trusted_key_groups[0].resolved());
  EXPECT_TRUE(b.trusted_signers.empty());
  EXPECT_EQ(b.function_associations.size(), 1u);
  ASSERT_EQ(d.custom_error_responses.size(), 1u);
  EXPECT_EQ(d.custom_error_responses[0].response_code, 404);
  EXPECT_EQ(l.network.key_groups.at(0).keys.at(0).text, "K2JCJMDEHXQW5F");
  // Only the custom policy was read; the managed one is the model's when a behaviour names it.
  EXPECT_EQ(std::count_if(l.network.cache_policies.begin(), l.network.cache_policies.end(),
                          [](const model::CachePolicy& p) { return !p.managed; }),
            1);
}

// list-distributions' summaries hold the configuration's fields beside the distribution's; a
// cache policy no input holds gets a stand-in (a warning).
TEST_F(CloudFrontFiles, ListDistributionsSummaries) {
  const std::string path = write("list-distributions.json", std::string(R"({"DistributionList": {
    "Marker": "", "MaxItems": 100, "IsTruncated": false, "Quantity": 1, "Items": [
      {"Id": "E1ABCDEFGHIJKL", "ARN": "arn", "Status": "Deployed", "LastModifiedTime": "2024",
       "DomainName": "d2.cloudfront.net", "Aliases": {"Quantity": 0},
       "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "o.example.org",
          "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
       "OriginGroups": {"Quantity": 0},
       "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all", "CachePolicyId": "c9"},
       "CacheBehaviors": {"Quantity": 0}, "CustomErrorResponses": {"Quantity": 0},
       "Comment": "", "PriceClass": "PriceClass_All", "Enabled": true,
       "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
       "WebACLId": "", "HttpVersion": "http2", "IsIPV6Enabled": true, "Staging": false}]}})"));
  EXPECT_EQ(detect_format(path), Format::kCloudFront);
  Loaded l = load(path);
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  ASSERT_EQ(l.network.distributions.size(), 1u);
  EXPECT_EQ(l.network.distributions[0].id, "E1ABCDEFGHIJKL");
  EXPECT_TRUE(l.network.distributions[0].origins[0].s3);
  EXPECT_TRUE(find(l.diagnostics, "cache policy `c9`", Severity::kWarning)) << dump(l.diagnostics);
}

// A distribution id in the file's name names a get-distribution-config answer; a top-level
// "Id" beside it wins.
TEST_F(CloudFrontFiles, GetDistributionConfigIdFromTheFileNameOrAnId) {
  const std::string by_name =
      write("E3NAMEDINFILE1.json",
            std::string(R"({"ETag": "X", "DistributionConfig": )") + kConfig + "}");
  const std::string by_id = write(
      "other.json", std::string(R"({"Id": "E4GIVEN", "DistributionConfig": )") + kConfig + "}");
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({by_name, by_id}, n, d)) << dump(d);
  ASSERT_EQ(n.distributions.size(), 2u);
  EXPECT_EQ(n.distributions[0].id, "E3NAMEDINFILE1");
  EXPECT_EQ(n.distributions[1].id, "E4GIVEN");
}

// Bad input is located in the JSON file; keys the API adds later are ignored.
TEST_F(CloudFrontFiles, BadInputIsLocated) {
  const std::string path = write("bad.json", R"({"DistributionConfig": {
  "Enabled": true, "NewField": 1,
  "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "o.example.org",
    "CustomOriginConfig": {"OriginProtocolPolicy": "http-only", "HTTPPort": "eighty"}}]},
  "DefaultCacheBehavior": {"ViewerProtocolPolicy": "allow-all", "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}
}})");
  Loaded l = load(path);
  EXPECT_FALSE(l.ok);
  const auto* port = find(l.diagnostics, "`HTTPPort` must be a whole number", Severity::kError);
  ASSERT_TRUE(port) << dump(l.diagnostics);
  EXPECT_EQ(port->line, 4u);
  const auto* target = find(l.diagnostics, "`TargetOriginId` is required", Severity::kError);
  ASSERT_TRUE(target) << dump(l.diagnostics);
  EXPECT_EQ(target->line, 5u);
  EXPECT_EQ(target->resource, "bad");
  EXPECT_FALSE(find(l.diagnostics, "NewField", Severity::kError));
}

TEST_F(CloudFrontFiles, NotJsonIsOneLocatedError) {
  const std::string path = write("broken.json", "{\"DistributionConfig\": {\"Enabled\": tru}}");
  Loaded l = load(path);
  EXPECT_FALSE(l.ok);
  ASSERT_FALSE(l.diagnostics.items().empty());
  EXPECT_EQ(l.diagnostics.items()[0].line, 1u) << dump(l.diagnostics);
}

}  // namespace
}  // namespace cloudtwin::load
