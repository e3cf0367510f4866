// CloudFront in the model: distributions (origins, origin groups, ordered cache behaviours,
// custom error responses, aliases), cache, origin request and response headers policies (the
// user's own and AWS's managed ones), public keys and key groups
// (shared/reference/cloudfront.md). Values are recorded as the input writes them, in
// CloudFront's units (seconds, status codes); finalize() resolves the references and checks what
// CloudFront's API rejects; src/cdn interprets them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/model/resource.h"

namespace cloudtwin::model {

// HTTP methods as CloudFront's AllowedMethods/CachedMethods name them, as a bit set.
enum Method : std::uint8_t {
  kMethodGet = 1,
  kMethodHead = 2,
  kMethodOptions = 4,
  kMethodPut = 8,
  kMethodPost = 16,
  kMethodPatch = 32,
  kMethodDelete = 64,
};
using Methods = std::uint8_t;
// "GET" -> kMethodGet; 0 for anything else.
Methods method_bit(std::string_view name);
// "GET, HEAD, OPTIONS"
std::string methods_text(Methods m);

// Which headers, cookies or query strings a policy includes (HeaderBehavior, CookieBehavior,
// QueryStringBehavior): "none", "whitelist", "allExcept", "all", and for origin request policies'
// headers also "allViewer" and "allViewerAndWhitelistCloudFront". Header names are kept as
// written (CloudFront compares them case-insensitively); cookie and query-string names are
// case-sensitive.
struct KeyItems {
  std::string behavior = "none";
  std::vector<std::string> items;
  Location at;
};

// AWS::CloudFront::CachePolicy (or a managed one, by its id). TTLs in seconds.
struct CachePolicy : Resource {
  std::string comment;
  std::int64_t min_ttl = 0;
  std::int64_t default_ttl = 86400;
  std::int64_t max_ttl = 31536000;
  KeyItems headers, cookies, query_strings;
  bool gzip = false;    // EnableAcceptEncodingGzip
  bool brotli = false;  // EnableAcceptEncodingBrotli
  bool managed = false;
};

// AWS::CloudFront::OriginRequestPolicy: what is forwarded without being in the cache key.
struct OriginRequestPolicy : Resource {
  std::string comment;
  KeyItems headers, cookies, query_strings;
  bool managed = false;
};

struct HeaderValue {
  std::string name;
  std::string value;
  bool override_origin = true;  // ResponseHeadersPolicy CustomHeaders: Override
};

// AWS::CloudFront::ResponseHeadersPolicy: the parts the edge applies to responses.
struct ResponseHeadersPolicy : Resource {
  std::string comment;
  std::vector<HeaderValue> custom_headers;   // CustomHeadersConfig
  std::vector<std::string> remove_headers;   // RemoveHeadersConfig
  bool server_timing = false;                // ServerTimingHeadersConfig.Enabled
  double server_timing_sampling = 0;         // SamplingRate, percent 0..100
  // SecurityHeadersConfig and CorsConfig, as the headers they add (name, value, override).
  std::vector<HeaderValue> security_headers;
  bool cors = false;
  std::vector<std::string> cors_allow_origins, cors_allow_methods, cors_allow_headers,
      cors_expose_headers;
  bool cors_allow_credentials = false;
  std::optional<std::int64_t> cors_max_age;
  bool cors_override_origin = true;
  bool managed = false;
};

// AWS::CloudFront::PublicKey: a PEM-encoded RSA (or ECDSA) public key for signed URLs.
struct PublicKey : Resource {
  std::string encoded_key;
  std::string comment;
};

// AWS::CloudFront::KeyGroup.
struct KeyGroup : Resource {
  std::vector<Ref> keys;  // PublicKey ids
  std::string comment;
};

struct Origin {
  std::string id;  // the origin's Id within its distribution
  std::string domain_name;
  std::string path;  // OriginPath: "/prod", no trailing slash
  bool s3 = false;   // S3OriginConfig (or an S3 bucket's REST endpoint without CustomOriginConfig)
  std::int64_t http_port = 80;
  std::int64_t https_port = 443;
  std::string protocol_policy = "http-only";  // http-only | match-viewer | https-only
  std::int64_t read_timeout = 30;             // OriginReadTimeout, seconds
  std::int64_t keepalive_timeout = 5;         // OriginKeepaliveTimeout, seconds
  std::int64_t connection_attempts = 3;       // 1..3
  std::int64_t connection_timeout = 10;       // 1..10 seconds
  std::vector<HeaderValue> custom_headers;
  bool origin_shield = false;
  std::string origin_shield_region;
  Location at;
  // derived: a load balancer of the network the domain name is the DNS name of
  Index load_balancer = kNone;
};

struct OriginGroup {
  std::string id;
  std::vector<std::int64_t> failover_status_codes;
  std::vector<std::string> members;  // origin ids, primary first (exactly two)
  Location at;
  // derived: indexes into the distribution's origins
  std::vector<std::uint32_t> member_origins;
};

// DefaultCacheBehavior (path_pattern "*") or one of CacheBehaviors.
struct CacheBehavior {
  std::string path_pattern = "*";
  std::string target_origin_id;
  Methods allowed_methods = kMethodGet | kMethodHead;
  Methods cached_methods = kMethodGet | kMethodHead;
  std::string viewer_protocol_policy = "allow-all";
  bool compress = false;
  Ref cache_policy;
  Ref origin_request_policy;
  Ref response_headers_policy;
  std::vector<Ref> trusted_key_groups;
  std::vector<std::string> trusted_signers;  // legacy key pairs (account ids)
  // Legacy settings (ForwardedValues, MinTTL/DefaultTTL/MaxTTL), used without a cache policy.
  bool legacy = false;
  std::int64_t min_ttl = 0;
  std::int64_t default_ttl = 86400;
  std::int64_t max_ttl = 31536000;
  KeyItems legacy_headers, legacy_cookies, legacy_query_strings;
  std::vector<std::string> function_associations;  // "viewer-request:arn", kept for the explanation
  Location at;
  // derived
  std::uint32_t target_origin = 0;  // index into origins, or origin_groups when target_is_group
  bool target_is_group = false;
};

struct CustomErrorResponse {
  std::int64_t error_code = 0;
  std::optional<std::int64_t> response_code;
  std::string response_page_path;
  std::optional<std::int64_t> error_caching_min_ttl;  // seconds; CloudFront's default is 10
  Location at;
};

// AWS::CloudFront::Distribution (its DistributionConfig).
struct Distribution : Resource {
  std::string comment;
  bool enabled = true;
  std::vector<std::string> aliases;  // CNAMEs
  // The generated domain name "d111111abcdef8.cloudfront.net": the input's when it has one,
  // else finalize() derives a stable one from the id.
  std::string domain_name;
  std::string default_root_object;
  std::string http_version = "http1.1";
  std::string price_class = "PriceClass_All";
  bool ipv6 = true;
  std::vector<Origin> origins;
  std::vector<OriginGroup> origin_groups;
  CacheBehavior default_behavior;
  std::vector<CacheBehavior> behaviors;  // ordered; the first match wins
  std::vector<CustomErrorResponse> custom_error_responses;
  bool logging = false;
  std::string logging_bucket, logging_prefix;
  bool logging_cookies = false;
};

// AWS's managed cache, origin request and response headers policies, by id
// (using-managed-cache-policies.html, using-managed-origin-request-policies.html,
// using-managed-response-headers-policies.html). nullptr for an id that is not one.
const CachePolicy* managed_cache_policy(std::string_view id_or_name);
const OriginRequestPolicy* managed_origin_request_policy(std::string_view id_or_name);
const ResponseHeadersPolicy* managed_response_headers_policy(std::string_view id_or_name);
const std::vector<CachePolicy>& managed_cache_policies();
const std::vector<OriginRequestPolicy>& managed_origin_request_policies();
const std::vector<ResponseHeadersPolicy>& managed_response_headers_policies();

}  // namespace cloudtwin::model
