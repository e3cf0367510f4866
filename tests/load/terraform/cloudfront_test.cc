// The Terraform reader's CloudFront types (Terraform AWS provider, r/cloudfront_distribution,
// r/cloudfront_cache_policy, r/cloudfront_origin_request_policy,
// r/cloudfront_response_headers_policy, r/cloudfront_public_key, r/cloudfront_key_group): a
// hand-written `terraform show -json` state whose snake_case blocks mean what CloudFormation's
// properties mean, a managed policy's data source, and bad input located.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "cloudtwin/load/load.h"
#include "trace_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump_diagnostics;

struct Loaded {
  model::Network network;
  Diagnostics diagnostics;
  bool ok = false;
};

Loaded load_text(const std::string& json, const std::string& name) {
  Loaded l;
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << json;
  l.ok = load_network({path.string()}, l.network, l.diagnostics);
  return l;
}

std::string res(const std::string& address, const std::string& values,
                const char* mode = "managed") {
  const std::string type = address.substr(0, address.find('.'));
  const std::string name = address.substr(address.find('.') + 1);
  return R"({"address": ")" + address + R"(", "mode": ")" + mode + R"(", "type": ")" + type +
         R"(", "name": ")" + name + R"(", "values": {)" + values + "}}";
}

std::string state(const std::string& resources) {
  return R"({"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": [)" +
         resources + "]}}}";
}

constexpr const char* kBehaviorTail =
    R"("cached_methods": ["GET", "HEAD"], "compress": true, "field_level_encryption_id": "",
       "function_association": [], "lambda_function_association": [], "realtime_log_config_arn": "",
       "smooth_streaming": false, "trusted_key_groups": [], "trusted_signers": [])";

const std::string kState = state(
    res("aws_cloudfront_cache_policy.site",
        R"("id": "2f1b1e4a-0000-4000-8000-000000000001", "etag": "E1", "name": "site-default",
           "comment": "", "min_ttl": 0, "default_ttl": 60, "max_ttl": 3600,
           "parameters_in_cache_key_and_forwarded_to_origin": [{
             "enable_accept_encoding_brotli": true, "enable_accept_encoding_gzip": true,
             "cookies_config": [{"cookie_behavior": "none", "cookies": []}],
             "headers_config": [{"header_behavior": "whitelist", "headers": [{"items": ["Accept-Language"]}]}],
             "query_strings_config": [{"query_string_behavior": "whitelist", "query_strings": [{"items": ["v"]}]}]}])") +
    ",\n" +
    res("aws_cloudfront_response_headers_policy.sec",
        R"("id": "rh-1", "name": "sec", "comment": "", "cors_config": [], "custom_headers_config": [{"items": [
             {"header": "X-Site", "override": true, "value": "1"}]}], "remove_headers_config": [],
           "server_timing_headers_config": [{"enabled": true, "sampling_rate": 50}],
           "security_headers_config": [{"content_security_policy": [], "content_type_options": [{"override": true}],
             "frame_options": [{"frame_option": "DENY", "override": true}], "referrer_policy": [],
             "strict_transport_security": [], "xss_protection": []}])") +
    ",\n" +
    res("aws_cloudfront_public_key.k",
        R"("id": "K2JCJMDEHXQW5F", "name": "k", "comment": "", "caller_reference": "r", "etag": "E",
           "encoded_key": "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n")") +
    ",\n" +
    res("aws_cloudfront_key_group.g",
        R"("id": "kg-1", "name": "g", "comment": "", "items": ["K2JCJMDEHXQW5F"])") +
    ",\n" +
    res("aws_cloudfront_cache_policy.optimized",
        R"("id": "658327ea-f89d-4fab-a63d-7e88639e58f6", "name": "Managed-CachingOptimized")",
        "data") +
    ",\n" +
    res("aws_cloudfront_distribution.site",
        std::string(R"("id": "E1SITE0000000A", "domain_name": "d1abcdefghij.cloudfront.net",
           "aliases": ["www.example.com"], "comment": "site", "default_root_object": "index.html",
           "enabled": true, "http_version": "http2", "is_ipv6_enabled": true, "price_class": "PriceClass_100",
           "web_acl_id": "", "retain_on_delete": false, "wait_for_deployment": true, "staging": false,
           "origin": [
             {"origin_id": "web", "domain_name": "web.example.internal", "origin_path": "",
              "connection_attempts": 3, "connection_timeout": 10, "origin_access_control_id": "",
              "custom_header": [{"name": "X-Origin", "value": "cdn"}],
              "custom_origin_config": [{"http_port": 8080, "https_port": 443, "origin_keepalive_timeout": 5,
                "origin_protocol_policy": "http-only", "origin_read_timeout": 30, "origin_ssl_protocols": ["TLSv1.2"]}],
              "origin_shield": [], "s3_origin_config": [], "vpc_origin_config": []},
             {"origin_id": "assets", "domain_name": "assets.s3.us-east-1.amazonaws.com", "origin_path": "",
              "connection_attempts": 3, "connection_timeout": 10, "custom_header": [], "custom_origin_config": [],
              "origin_shield": [{"enabled": true, "origin_shield_region": "us-east-1"}],
              "s3_origin_config": [{"origin_access_identity": ""}]}],
           "origin_group": [{"origin_id": "both", "failover_criteria": [{"status_codes": [500, 503]}],
              "member": [{"origin_id": "web"}, {"origin_id": "assets"}]}],
           "default_cache_behavior": [{"target_origin_id": "both", "viewer_protocol_policy": "redirect-to-https",
              "allowed_methods": ["GET", "HEAD"], "cache_policy_id": "2f1b1e4a-0000-4000-8000-000000000001",
              "origin_request_policy_id": "", "response_headers_policy_id": "rh-1",
              "default_ttl": 0, "max_ttl": 0, "min_ttl": 0, "forwarded_values": [], )") +
            kBehaviorTail + R"(}],
           "ordered_cache_behavior": [
             {"path_pattern": "/static/*", "target_origin_id": "assets", "viewer_protocol_policy": "allow-all",
              "allowed_methods": ["GET", "HEAD"], "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6",
              "origin_request_policy_id": "", "response_headers_policy_id": "",
              "default_ttl": 0, "max_ttl": 0, "min_ttl": 0, "forwarded_values": [], )" +
            kBehaviorTail + R"(},
             {"path_pattern": "/private/*", "target_origin_id": "web", "viewer_protocol_policy": "https-only",
              "allowed_methods": ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
              "cached_methods": ["GET", "HEAD"], "cache_policy_id": "", "origin_request_policy_id": "",
              "response_headers_policy_id": "", "compress": false, "trusted_key_groups": ["kg-1"], "trusted_signers": [],
              "default_ttl": 30, "max_ttl": 300, "min_ttl": 0,
              "forwarded_values": [{"query_string": true, "query_string_cache_keys": [], "headers": ["Authorization"],
                "cookies": [{"forward": "whitelist", "whitelisted_names": ["session"]}]}],
              "lambda_function_association": [{"event_type": "origin-request", "include_body": false,
                "lambda_arn": "arn:aws:lambda:us-east-1:123456789012:function:auth:3"}],
              "function_association": []}],
           "custom_error_response": [
             {"error_code": 404, "response_code": 404, "response_page_path": "/errors/404.html", "error_caching_min_ttl": 10},
             {"error_code": 503, "response_code": 0, "response_page_path": "", "error_caching_min_ttl": 5}],
           "logging_config": [{"bucket": "logs.s3.amazonaws.com", "include_cookies": false, "prefix": "cdn/"}],
           "restrictions": [{"geo_restriction": [{"locations": [], "restriction_type": "none"}]}],
           "viewer_certificate": [{"acm_certificate_arn": "", "cloudfront_default_certificate": true,
              "iam_certificate_id": "", "minimum_protocol_version": "TLSv1", "ssl_support_method": ""}],
           "tags": {"Name": "site"})"));

TEST(TerraformCloudFront, StateAsTheModelHoldsIt) {
  Loaded l = load_text(kState, "cloudfront_state.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto& n = l.network;
  ASSERT_EQ(n.distributions.size(), 1u);
  const auto& d = n.distributions[0];
  EXPECT_EQ(d.id, "E1SITE0000000A");
  EXPECT_EQ(d.name, "site");
  EXPECT_EQ(d.domain_name, "d1abcdefghij.cloudfront.net");
  EXPECT_EQ(d.price_class, "PriceClass_100");
  EXPECT_TRUE(d.ipv6);
  ASSERT_EQ(d.origins.size(), 2u);
  EXPECT_EQ(d.origins[0].http_port, 8080);
  ASSERT_EQ(d.origins[0].custom_headers.size(), 1u);
  EXPECT_TRUE(d.origins[1].s3);
  EXPECT_TRUE(d.origins[1].origin_shield);
  ASSERT_EQ(d.origin_groups.size(), 1u);
  EXPECT_EQ(d.origin_groups[0].failover_status_codes, (std::vector<std::int64_t>{500, 503}));
  EXPECT_TRUE(d.default_behavior.target_is_group);
  EXPECT_FALSE(d.default_behavior.legacy);  // the provider's zero TTLs without forwarded_values
  ASSERT_TRUE(d.default_behavior.cache_policy.resolved());
  const auto& cp = n.cache_policies[d.default_behavior.cache_policy.index];
  EXPECT_EQ(cp.name, "site-default");
  EXPECT_EQ(cp.headers.items, std::vector<std::string>{"Accept-Language"});
  EXPECT_EQ(cp.query_strings.items, std::vector<std::string>{"v"});
  ASSERT_TRUE(d.default_behavior.response_headers_policy.resolved());
  const auto& rh = n.response_headers_policies[d.default_behavior.response_headers_policy.index];
  EXPECT_EQ(rh.custom_headers.size(), 1u);
  EXPECT_EQ(rh.security_headers.size(), 2u);
  EXPECT_TRUE(rh.server_timing);
  ASSERT_EQ(d.behaviors.size(), 2u);
  EXPECT_TRUE(n.cache_policies[d.behaviors[0].cache_policy.index].managed);  // the data source's
  const auto& priv = d.behaviors[1];
  EXPECT_TRUE(priv.legacy);
  EXPECT_EQ(priv.default_ttl, 30);
  EXPECT_EQ(priv.legacy_cookies.behavior, "whitelist");
  EXPECT_EQ(priv.legacy_headers.items, std::vector<std::string>{"Authorization"});
  EXPECT_EQ(priv.function_associations,
            std::vector<std::string>{
                "origin-request:arn:aws:lambda:us-east-1:123456789012:function:auth:3"});
  ASSERT_EQ(priv.trusted_key_groups.size(), 1u);
  EXPECT_TRUE(priv.trusted_key_groups[0].resolved());
  ASSERT_EQ(d.custom_error_responses.size(), 2u);
  EXPECT_FALSE(d.custom_error_responses[1].response_code.has_value());  // 0: not set
  EXPECT_EQ(d.custom_error_responses[1].error_caching_min_ttl, 5);
  EXPECT_TRUE(d.logging);
  // The managed policy's data source adds nothing of its own.
  EXPECT_EQ(std::count_if(n.cache_policies.begin(), n.cache_policies.end(),
                          [](const model::CachePolicy& p) { return !p.managed; }),
            1);
}

TEST(TerraformCloudFront, BadInputIsLocated) {
  Loaded l = load_text(state(res("aws_cloudfront_distribution.bad",
                                 R"("id": "EBAD", "enabled": true,
           "origin": [{"origin_id": "o", "domain_name": "o.example.org",
              "custom_origin_config": [{"http_port": 80, "https_port": 443, "origin_protocol_policy": "http-only",
                "origin_read_timeout": 30, "origin_keepalive_timeout": 5}]}],
           "default_cache_behavior": [{"target_origin_id": "elsewhere", "viewer_protocol_policy": "allow-all",
              "allowed_methods": ["GET", "HEAD", "BREW"], "cached_methods": ["GET", "HEAD"],
              "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6"}])")),
                       "cloudfront_bad.json");
  EXPECT_FALSE(l.ok);
  bool method = false;
  for (const auto& i : l.diagnostics.items()) {
    if (i.message.find("`BREW` is not an HTTP method") != std::string::npos) {
      method = true;
      EXPECT_EQ(i.line, 6u) << i.str();  // at the method, in the state
      EXPECT_EQ(i.resource, "EBAD") << i.str();
    }
  }
  EXPECT_TRUE(method) << dump_diagnostics(l.diagnostics);
}

}  // namespace
}  // namespace cloudtwin::load
