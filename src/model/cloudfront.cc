// CloudFront's methods and AWS's managed policies (using-managed-cache-policies.html,
// using-managed-origin-request-policies.html, using-managed-response-headers-policies.html).
#include <algorithm>
#include <array>

#include "cloudtwin/model/cloudfront.h"

namespace cloudtwin::model {

namespace {

constexpr std::array<std::pair<std::string_view, Method>, 7> kMethods = {{
    {"GET", kMethodGet},
    {"HEAD", kMethodHead},
    {"OPTIONS", kMethodOptions},
    {"PUT", kMethodPut},
    {"POST", kMethodPost},
    {"PATCH", kMethodPatch},
    {"DELETE", kMethodDelete},
}};

KeyItems items(std::string behavior, std::vector<std::string> names = {}) {
  KeyItems k;
  k.behavior = std::move(behavior);
  k.items = std::move(names);
  return k;
}

CachePolicy cache(std::string id, std::string name, std::int64_t min, std::int64_t def,
                  std::int64_t max, KeyItems headers, KeyItems cookies, KeyItems query, bool gzip,
                  bool brotli) {
  CachePolicy p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.min_ttl = min;
  p.default_ttl = def;
  p.max_ttl = max;
  p.headers = std::move(headers);
  p.cookies = std::move(cookies);
  p.query_strings = std::move(query);
  p.gzip = gzip;
  p.brotli = brotli;
  p.managed = true;
  return p;
}

OriginRequestPolicy origin(std::string id, std::string name, KeyItems headers, KeyItems cookies,
                           KeyItems query) {
  OriginRequestPolicy p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.headers = std::move(headers);
  p.cookies = std::move(cookies);
  p.query_strings = std::move(query);
  p.managed = true;
  return p;
}

// The CloudFront-* headers AllViewerAndCloudFrontHeaders-2022-06 adds.
std::vector<std::string> cloudfront_viewer_headers() {
  return {"CloudFront-Forwarded-Proto", "CloudFront-Is-Android-Viewer",
          "CloudFront-Is-Desktop-Viewer", "CloudFront-Is-IOS-Viewer",
          "CloudFront-Is-Mobile-Viewer", "CloudFront-Is-SmartTV-Viewer",
          "CloudFront-Is-Tablet-Viewer", "CloudFront-Viewer-Address",
          "CloudFront-Viewer-ASN", "CloudFront-Viewer-City", "CloudFront-Viewer-Country",
          "CloudFront-Viewer-Country-Name", "CloudFront-Viewer-Country-Region",
          "CloudFront-Viewer-Country-Region-Name", "CloudFront-Viewer-Http-Version",
          "CloudFront-Viewer-Latitude", "CloudFront-Viewer-Longitude",
          "CloudFront-Viewer-Metro-Code", "CloudFront-Viewer-Postal-Code",
          "CloudFront-Viewer-Time-Zone", "CloudFront-Viewer-TLS"};
}

std::vector<HeaderValue> security_headers() {
  return {{"Referrer-Policy", "strict-origin-when-cross-origin", false},
          {"Strict-Transport-Security", "max-age=31536000", false},
          {"X-Content-Type-Options", "nosniff", true},
          {"X-Frame-Options", "SAMEORIGIN", false},
          {"X-XSS-Protection", "1; mode=block", false}};
}

ResponseHeadersPolicy response(std::string id, std::string name, bool cors, bool preflight,
                               bool security) {
  ResponseHeadersPolicy p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.managed = true;
  if (cors) {
    p.cors = true;
    p.cors_allow_origins = {"*"};
    p.cors_allow_methods = preflight ? std::vector<std::string>{"DELETE", "GET", "HEAD", "OPTIONS",
                                                                "PATCH", "POST", "PUT"}
                                     : std::vector<std::string>{"GET", "HEAD", "OPTIONS"};
    p.cors_allow_headers = {"*"};
    p.cors_expose_headers = {"*"};
    p.cors_max_age = preflight ? std::optional<std::int64_t>(600) : std::nullopt;
    p.cors_override_origin = false;
  }
  if (security) p.security_headers = security_headers();
  return p;
}

}  // namespace

Methods method_bit(std::string_view name) {
  for (const auto& [text, bit] : kMethods)
    if (text == name) return bit;
  return 0;
}

std::string methods_text(Methods m) {
  std::string out;
  for (const auto& [text, bit] : kMethods) {
    if (!(m & bit)) continue;
    if (!out.empty()) out += ", ";
    out += text;
  }
  return out;
}

const std::vector<CachePolicy>& managed_cache_policies() {
  static const std::vector<CachePolicy> policies = [] {
    const auto none = [] { return items("none"); };
    const auto all = [] { return items("all"); };
    return std::vector<CachePolicy>{
        cache("2e54312d-136d-493c-8eb9-b001f22f67d2", "Amplify", 2, 2, 600,
              items("whitelist", {"Authorization", "CloudFront-Viewer-Country", "Host"}), all(),
              all(), true, true),
        cache("4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "CachingDisabled", 0, 0, 0, none(), none(),
              none(), false, false),
        cache("658327ea-f89d-4fab-a63d-7e88639e58f6", "CachingOptimized", 1, 86400, 31536000,
              none(), none(), none(), true, true),
        cache("b2884449-e4de-46a7-ac36-70bc7f1ddd6d", "CachingOptimizedForUncompressedObjects", 1,
              86400, 31536000, none(), none(), none(), false, false),
        cache("08627262-05a9-4f76-9ded-b50ca2e3a84f", "Elemental-MediaPackage", 0, 86400,
              31536000, items("whitelist", {"Origin"}), none(),
              items("whitelist", {"aws.manifestfilter", "start", "end", "m"}), true, false),
        cache("83da9c7e-98b4-4e11-a168-04f0df8e2c65", "UseOriginCacheControlHeaders", 0, 0,
              31536000,
              items("whitelist", {"Host", "Origin", "X-HTTP-Method-Override", "X-HTTP-Method",
                                  "X-Method-Override"}),
              all(), none(), true, true),
        cache("4cc15a8a-d715-48a4-82b8-cc0b614638fe", "UseOriginCacheControlHeaders-QueryStrings",
              0, 0, 31536000,
              items("whitelist", {"Host", "Origin", "X-HTTP-Method-Override", "X-HTTP-Method",
                                  "X-Method-Override"}),
              all(), all(), true, true),
    };
  }();
  return policies;
}

const std::vector<OriginRequestPolicy>& managed_origin_request_policies() {
  static const std::vector<OriginRequestPolicy> policies = [] {
    const auto none = [] { return items("none"); };
    const auto all = [] { return items("all"); };
    return std::vector<OriginRequestPolicy>{
        origin("216adef6-5c7f-47e4-b989-5492eafa07d3", "AllViewer", items("allViewer"), all(),
               all()),
        origin("33f36d7e-f396-46d9-90e0-52428a34d9dc", "AllViewerAndCloudFrontHeaders-2022-06",
               items("allViewerAndWhitelistCloudFront", cloudfront_viewer_headers()), all(), all()),
        origin("b689b0a8-53d0-40ab-baf2-68738e2966ac", "AllViewerExceptHostHeader",
               items("allExcept", {"Host"}), all(), all()),
        origin("59781a5b-3903-41f3-afcb-af62929ccde1", "CORS-CustomOrigin",
               items("whitelist", {"Origin"}), none(), none()),
        origin("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", "CORS-S3Origin",
               items("whitelist", {"Origin", "Access-Control-Request-Headers",
                                   "Access-Control-Request-Method"}),
               none(), none()),
        origin("775133bc-15f2-49f9-abea-afb2e0bf67d2", "Elemental-MediaTailor-PersonalizedManifests",
               items("whitelist", {"Origin", "Access-Control-Request-Headers", "X-Forwarded-For",
                                   "Access-Control-Request-Method", "User-Agent"}),
               none(), all()),
        origin("acba4595-bd28-49b8-b9fe-13317c0390fa", "UserAgentRefererHeaders",
               items("whitelist", {"User-Agent", "Referer"}), none(), all()),
    };
  }();
  return policies;
}

const std::vector<ResponseHeadersPolicy>& managed_response_headers_policies() {
  static const std::vector<ResponseHeadersPolicy> policies = {
      response("e61eb60c-9c35-4d20-a928-2b84e02af89c", "CORS-and-SecurityHeadersPolicy", true,
               false, true),
      response("5cc3b908-e619-4b99-88e5-2cf7f45965bd", "CORS-With-Preflight", true, true, false),
      response("eaab4381-ed33-4a86-88ca-d9558dc6cd63",
               "CORS-with-preflight-and-SecurityHeadersPolicy", true, true, true),
      response("67f7725c-6f97-4210-82d7-5512b31e9d03", "SecurityHeadersPolicy", false, false, true),
      response("60669652-455b-4ae9-85a4-c4c02393f86c", "SimpleCORS", true, false, false),
  };
  return policies;
}

namespace {

template <class T>
const T* find_managed(const std::vector<T>& all, std::string_view id_or_name) {
  for (const auto& p : all)
    if (p.id == id_or_name || p.name == id_or_name || "Managed-" + p.name == id_or_name) return &p;
  return nullptr;
}

}  // namespace

const CachePolicy* managed_cache_policy(std::string_view id_or_name) {
  return find_managed(managed_cache_policies(), id_or_name);
}

const OriginRequestPolicy* managed_origin_request_policy(std::string_view id_or_name) {
  return find_managed(managed_origin_request_policies(), id_or_name);
}

const ResponseHeadersPolicy* managed_response_headers_policy(std::string_view id_or_name) {
  return find_managed(managed_response_headers_policies(), id_or_name);
}

}  // namespace cloudtwin::model
