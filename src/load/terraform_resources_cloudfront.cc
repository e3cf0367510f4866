// CloudFront (as cloudformation_resources_cloudfront.cc): aws_cloudfront_distribution,
// aws_cloudfront_cache_policy, aws_cloudfront_origin_request_policy,
// aws_cloudfront_response_headers_policy, aws_cloudfront_public_key and
// aws_cloudfront_key_group (Terraform AWS provider documentation, r/cloudfront_*), and the data
// sources of the three policies. The provider's snake_case blocks are rewritten into
// CloudFormation's shape and read by the shared reader (cloudfront_config.h), so every input
// format means the same by each setting.
#include "cloudfront_config.h"
#include "terraform_mapper.h"

namespace cloudtwin::load::terraform {

using model::Index;
using model::Kind;
using Res = Mapper::Res;

namespace {

using CV = cfn::Value;

// Builds CloudFormation's shape from the provider's attributes, keeping their locations.
class Shape {
 public:
  explicit Shape(Mapper& m) : m_(m) {}

  CV map(const json::Value& at) const {
    CV v;
    v.type = CV::Type::kMap;
    v.at = m_.at(at);
    return v;
  }
  // A scalar or a list of scalars as the generic tree (null when absent).
  CV value(const json::Value& v) const { return from_json_or_null(v); }

  // `key` of `to` from the attribute `attr` of `from`, when it is set. `zero_is_unset` for the
  // provider's numbers that read 0 when not configured.
  void put(CV& to, std::string key, const json::Value& from, std::string_view attr,
           bool zero_is_unset = false) const {
    const json::Value v = from.get(attr);
    if (v.missing() || v.type() == json::Type::kNull) return;
    if (zero_is_unset && v.type() == json::Type::kNumber && v.text() == "0") return;
    set(to, std::move(key), value(v));
  }
  static void set(CV& to, std::string key, CV v) {
    if (v.is_null()) return;
    to.keys.push_back(std::move(key));
    to.values.push_back(std::move(v));
  }
  // The object of a one-block list (`custom_origin_config`), or a missing value.
  json::Value block(const json::Value& from, std::string_view attr) const {
    auto list = blocks(m_, from.get(attr), attr);
    return list.empty() ? json::Value() : list.front();
  }
  // `headers [{items: [...]}]` as {Items: [...]}.
  void put_items(CV& to, std::string key, const json::Value& from, std::string_view attr) const {
    const json::Value b = block(from, attr);
    if (b.missing()) return;
    CV m = map(b);
    put(m, "Items", b, "items");
    set(to, std::move(key), std::move(m));
  }

 private:
  CV from_json_or_null(const json::Value& v) const {
    if (v.missing()) return CV{};
    return cloudfront::from_json(v, m_.rd);
  }
  Mapper& m_;
};

CV key_config(const Shape& s, const json::Value& b, const char* behavior_key, const char* behavior,
              const char* names_key, const char* names) {
  CV c = s.map(b);
  s.put(c, behavior_key, b, behavior);
  s.put_items(c, names_key, b, names);
  return c;
}

CV behavior(Mapper& m, const Shape& s, const json::Value& b, bool is_default) {
  CV out = s.map(b);
  if (!is_default) s.put(out, "PathPattern", b, "path_pattern");
  s.put(out, "TargetOriginId", b, "target_origin_id");
  s.put(out, "ViewerProtocolPolicy", b, "viewer_protocol_policy");
  s.put(out, "AllowedMethods", b, "allowed_methods");
  s.put(out, "CachedMethods", b, "cached_methods");
  s.put(out, "Compress", b, "compress");
  for (auto [key, attr] : {std::pair{"CachePolicyId", "cache_policy_id"},
                           std::pair{"OriginRequestPolicyId", "origin_request_policy_id"},
                           std::pair{"ResponseHeadersPolicyId", "response_headers_policy_id"}}) {
    const json::Value v = b.get(attr);
    if (v.is_string() && !v.text().empty()) s.put(out, key, b, attr);
  }
  s.put(out, "TrustedKeyGroups", b, "trusted_key_groups");
  s.put(out, "TrustedSigners", b, "trusted_signers");
  // The provider writes TTLs of 0 and no forwarded_values for a behaviour with a cache policy:
  // the legacy settings are those of a behaviour with forwarded_values.
  const json::Value fv = s.block(b, "forwarded_values");
  if (!fv.missing()) {
    CV f = s.map(fv);
    s.put(f, "QueryString", fv, "query_string");
    s.put(f, "QueryStringCacheKeys", fv, "query_string_cache_keys");
    s.put(f, "Headers", fv, "headers");
    const json::Value cookies = s.block(fv, "cookies");
    if (!cookies.missing()) {
      CV c = s.map(cookies);
      s.put(c, "Forward", cookies, "forward");
      s.put(c, "WhitelistedNames", cookies, "whitelisted_names");
      Shape::set(f, "Cookies", std::move(c));
    }
    Shape::set(out, "ForwardedValues", std::move(f));
    s.put(out, "MinTTL", b, "min_ttl");
    s.put(out, "DefaultTTL", b, "default_ttl");
    s.put(out, "MaxTTL", b, "max_ttl");
  }
  CV lambdas;
  lambdas.type = CV::Type::kList;
  for (const auto& a :
       blocks(m, b.get("lambda_function_association"), "lambda_function_association")) {
    CV x = s.map(a);
    s.put(x, "EventType", a, "event_type");
    s.put(x, "LambdaFunctionARN", a, "lambda_arn");
    lambdas.items.push_back(std::move(x));
  }
  if (!lambdas.items.empty()) Shape::set(out, "LambdaFunctionAssociations", std::move(lambdas));
  CV functions;
  functions.type = CV::Type::kList;
  for (const auto& a : blocks(m, b.get("function_association"), "function_association")) {
    CV x = s.map(a);
    s.put(x, "EventType", a, "event_type");
    s.put(x, "FunctionARN", a, "function_arn");
    functions.items.push_back(std::move(x));
  }
  if (!functions.items.empty()) Shape::set(out, "FunctionAssociations", std::move(functions));
  return out;
}

CV list(std::vector<CV> items) {
  CV l;
  l.type = CV::Type::kList;
  l.items = std::move(items);
  return l;
}

// aws_cloudfront_distribution as a DistributionConfig.
CV distribution_config(Mapper& m, const Shape& s, Res& res) {
  const json::Value& v = res.v;
  CV c = s.map(res.r);
  s.put(c, "Enabled", v, "enabled");
  s.put(c, "Comment", v, "comment");
  s.put(c, "Aliases", v, "aliases");
  s.put(c, "DefaultRootObject", v, "default_root_object");
  s.put(c, "HttpVersion", v, "http_version");
  s.put(c, "PriceClass", v, "price_class");
  s.put(c, "IPV6Enabled", v, "is_ipv6_enabled");
  s.put(c, "WebACLId", v, "web_acl_id");
  std::vector<CV> origins;
  for (const auto& o : blocks(m, v.get("origin"), "origin")) {
    CV x = s.map(o);
    s.put(x, "Id", o, "origin_id");
    const json::Value domain = o.get("domain_name");
    if ((domain.missing() || domain.type() == json::Type::kNull) && m.plan.is_plan) {
      // Known after apply (a bucket's regional domain name): the shared reader keeps the origin.
      Shape::set(x, "DomainName", CV::unknown("`domain_name` is unknown until apply", m.at(o)));
    } else {
      s.put(x, "DomainName", o, "domain_name");
    }
    s.put(x, "OriginPath", o, "origin_path");
    s.put(x, "ConnectionAttempts", o, "connection_attempts");
    s.put(x, "ConnectionTimeout", o, "connection_timeout");
    std::vector<CV> headers;
    for (const auto& h : blocks(m, o.get("custom_header"), "custom_header")) {
      CV y = s.map(h);
      s.put(y, "HeaderName", h, "name");
      s.put(y, "HeaderValue", h, "value");
      headers.push_back(std::move(y));
    }
    if (!headers.empty()) Shape::set(x, "OriginCustomHeaders", list(std::move(headers)));
    if (const auto custom = s.block(o, "custom_origin_config"); !custom.missing()) {
      CV y = s.map(custom);
      s.put(y, "HTTPPort", custom, "http_port");
      s.put(y, "HTTPSPort", custom, "https_port");
      s.put(y, "OriginProtocolPolicy", custom, "origin_protocol_policy");
      s.put(y, "OriginReadTimeout", custom, "origin_read_timeout");
      s.put(y, "OriginKeepaliveTimeout", custom, "origin_keepalive_timeout");
      Shape::set(x, "CustomOriginConfig", std::move(y));
    }
    if (const auto s3 = s.block(o, "s3_origin_config"); !s3.missing()) {
      Shape::set(x, "S3OriginConfig", s.map(s3));
    }
    if (const auto shield = s.block(o, "origin_shield"); !shield.missing()) {
      CV y = s.map(shield);
      s.put(y, "Enabled", shield, "enabled");
      s.put(y, "OriginShieldRegion", shield, "origin_shield_region");
      Shape::set(x, "OriginShield", std::move(y));
    }
    origins.push_back(std::move(x));
  }
  Shape::set(c, "Origins", list(std::move(origins)));
  std::vector<CV> groups;
  for (const auto& g : blocks(m, v.get("origin_group"), "origin_group")) {
    CV x = s.map(g);
    s.put(x, "Id", g, "origin_id");
    if (const auto fc = s.block(g, "failover_criteria"); !fc.missing()) {
      CV y = s.map(fc);
      s.put(y, "StatusCodes", fc, "status_codes");
      Shape::set(x, "FailoverCriteria", std::move(y));
    }
    std::vector<CV> members;
    for (const auto& mb : blocks(m, g.get("member"), "member")) {
      CV y = s.map(mb);
      s.put(y, "OriginId", mb, "origin_id");
      members.push_back(std::move(y));
    }
    Shape::set(x, "Members", list(std::move(members)));
    groups.push_back(std::move(x));
  }
  if (!groups.empty()) Shape::set(c, "OriginGroups", list(std::move(groups)));
  if (const auto d = s.block(v, "default_cache_behavior"); !d.missing()) {
    Shape::set(c, "DefaultCacheBehavior", behavior(m, s, d, true));
  }
  std::vector<CV> ordered;
  for (const auto& b : blocks(m, v.get("ordered_cache_behavior"), "ordered_cache_behavior")) {
    ordered.push_back(behavior(m, s, b, false));
  }
  if (!ordered.empty()) Shape::set(c, "CacheBehaviors", list(std::move(ordered)));
  std::vector<CV> errors;
  for (const auto& e : blocks(m, v.get("custom_error_response"), "custom_error_response")) {
    CV x = s.map(e);
    s.put(x, "ErrorCode", e, "error_code");
    s.put(x, "ResponseCode", e, "response_code", /*zero_is_unset=*/true);
    const json::Value page = e.get("response_page_path");
    if (page.is_string() && !page.text().empty())
      s.put(x, "ResponsePagePath", e, "response_page_path");
    s.put(x, "ErrorCachingMinTTL", e, "error_caching_min_ttl");
    errors.push_back(std::move(x));
  }
  if (!errors.empty()) Shape::set(c, "CustomErrorResponses", list(std::move(errors)));
  if (const auto l = s.block(v, "logging_config"); !l.missing()) {
    CV x = s.map(l);
    s.put(x, "Bucket", l, "bucket");
    s.put(x, "Prefix", l, "prefix");
    s.put(x, "IncludeCookies", l, "include_cookies");
    Shape::set(c, "Logging", std::move(x));
  }
  if (const auto r = s.block(v, "restrictions"); !r.missing()) {
    if (const auto g = s.block(r, "geo_restriction"); !g.missing()) {
      CV geo = s.map(g);
      s.put(geo, "RestrictionType", g, "restriction_type");
      s.put(geo, "Locations", g, "locations");
      CV x = s.map(r);
      Shape::set(x, "GeoRestriction", std::move(geo));
      Shape::set(c, "Restrictions", std::move(x));
    }
  }
  return c;
}

// Reads `config` with `read` into a resource added as `kind`; the resource's `name` attribute
// names it (policies, keys, groups).
template <class R, class F>
void add_config(Mapper& m, Res& res, std::vector<R>& list, Kind kind, const CV& config, F read) {
  R& added = m.add(res, list, kind);
  const Index self = static_cast<Index>(list.size() - 1);
  cloudfront::DiagnosticsProblems problems(m.rd.diagnostics(), m.rd.path(), added.id, res.type);
  R r;
  r.at = added.at;
  const bool ok = read(config, cloudfront::Keys::kLenient, problems, r);
  R& out = list[self];
  r.id = out.id;
  if (r.name.empty()) r.name = out.name;
  (void)ok;  // every problem is reported; the load fails on them
  out = std::move(r);
}

void distribution(Mapper& m, Res& res) {
  Shape s(m);
  const CV config = distribution_config(m, s, res);
  add_config(m, res, m.net.distributions, Kind::kDistribution, config,
             &cloudfront::read_distribution_config);
  auto& d = m.net.distributions.back();
  if (auto domain = m.str(res, "domain_name"); domain && !domain->empty()) {
    d.domain_name = std::string(*domain);
  }
  // Policies read later in the file count: decided once the file is read.
  m.pending.push_back([&m, self = static_cast<Index>(m.net.distributions.size() - 1),
                       address = res.address, type = res.type]() {
    auto& dist = m.net.distributions[self];
    cloudfront::DiagnosticsProblems problems(m.rd.diagnostics(), m.rd.path(), address, type);
    cloudfront::stand_in_outside_policies(m.net, dist, problems);
  });
}

CV cache_policy_config(const Shape& s, Res& res) {
  const json::Value& v = res.v;
  CV c = s.map(res.r);
  s.put(c, "Name", v, "name");
  s.put(c, "Comment", v, "comment");
  s.put(c, "MinTTL", v, "min_ttl");
  s.put(c, "DefaultTTL", v, "default_ttl");
  s.put(c, "MaxTTL", v, "max_ttl");
  if (const auto p = s.block(v, "parameters_in_cache_key_and_forwarded_to_origin"); !p.missing()) {
    CV x = s.map(p);
    s.put(x, "EnableAcceptEncodingGzip", p, "enable_accept_encoding_gzip");
    s.put(x, "EnableAcceptEncodingBrotli", p, "enable_accept_encoding_brotli");
    if (const auto b = s.block(p, "headers_config"); !b.missing()) {
      Shape::set(x, "HeadersConfig",
                 key_config(s, b, "HeaderBehavior", "header_behavior", "Headers", "headers"));
    }
    if (const auto b = s.block(p, "cookies_config"); !b.missing()) {
      Shape::set(x, "CookiesConfig",
                 key_config(s, b, "CookieBehavior", "cookie_behavior", "Cookies", "cookies"));
    }
    if (const auto b = s.block(p, "query_strings_config"); !b.missing()) {
      Shape::set(x, "QueryStringsConfig",
                 key_config(s, b, "QueryStringBehavior", "query_string_behavior", "QueryStrings",
                            "query_strings"));
    }
    Shape::set(c, "ParametersInCacheKeyAndForwardedToOrigin", std::move(x));
  }
  return c;
}

CV origin_request_policy_config(const Shape& s, Res& res) {
  const json::Value& v = res.v;
  CV c = s.map(res.r);
  s.put(c, "Name", v, "name");
  s.put(c, "Comment", v, "comment");
  if (const auto b = s.block(v, "headers_config"); !b.missing()) {
    Shape::set(c, "HeadersConfig",
               key_config(s, b, "HeaderBehavior", "header_behavior", "Headers", "headers"));
  }
  if (const auto b = s.block(v, "cookies_config"); !b.missing()) {
    Shape::set(c, "CookiesConfig",
               key_config(s, b, "CookieBehavior", "cookie_behavior", "Cookies", "cookies"));
  }
  if (const auto b = s.block(v, "query_strings_config"); !b.missing()) {
    Shape::set(c, "QueryStringsConfig",
               key_config(s, b, "QueryStringBehavior", "query_string_behavior", "QueryStrings",
                          "query_strings"));
  }
  return c;
}

CV response_headers_policy_config(Mapper& m, const Shape& s, Res& res) {
  const json::Value& v = res.v;
  CV c = s.map(res.r);
  s.put(c, "Name", v, "name");
  s.put(c, "Comment", v, "comment");
  if (const auto b = s.block(v, "custom_headers_config"); !b.missing()) {
    std::vector<CV> items;
    for (const auto& h : blocks(m, b.get("items"), "items")) {
      CV x = s.map(h);
      s.put(x, "Header", h, "header");
      s.put(x, "Value", h, "value");
      s.put(x, "Override", h, "override");
      items.push_back(std::move(x));
    }
    CV x = s.map(b);
    Shape::set(x, "Items", list(std::move(items)));
    Shape::set(c, "CustomHeadersConfig", std::move(x));
  }
  if (const auto b = s.block(v, "remove_headers_config"); !b.missing()) {
    std::vector<CV> items;
    for (const auto& h : blocks(m, b.get("items"), "items")) {
      CV x = s.map(h);
      s.put(x, "Header", h, "header");
      items.push_back(std::move(x));
    }
    CV x = s.map(b);
    Shape::set(x, "Items", list(std::move(items)));
    Shape::set(c, "RemoveHeadersConfig", std::move(x));
  }
  if (const auto b = s.block(v, "server_timing_headers_config"); !b.missing()) {
    CV x = s.map(b);
    s.put(x, "Enabled", b, "enabled");
    s.put(x, "SamplingRate", b, "sampling_rate");
    Shape::set(c, "ServerTimingHeadersConfig", std::move(x));
  }
  if (const auto b = s.block(v, "security_headers_config"); !b.missing()) {
    CV x = s.map(b);
    auto header = [&](const char* key, const char* attr,
                      std::initializer_list<std::pair<const char*, const char*>> fields) {
      const auto h = s.block(b, attr);
      if (h.missing()) return;
      CV y = s.map(h);
      for (const auto& [k, a] : fields) s.put(y, k, h, a);
      Shape::set(x, key, std::move(y));
    };
    header("ContentSecurityPolicy", "content_security_policy",
           {{"ContentSecurityPolicy", "content_security_policy"}, {"Override", "override"}});
    header("ContentTypeOptions", "content_type_options", {{"Override", "override"}});
    header("FrameOptions", "frame_options",
           {{"FrameOption", "frame_option"}, {"Override", "override"}});
    header("ReferrerPolicy", "referrer_policy",
           {{"ReferrerPolicy", "referrer_policy"}, {"Override", "override"}});
    header("StrictTransportSecurity", "strict_transport_security",
           {{"AccessControlMaxAgeSec", "access_control_max_age_sec"},
            {"IncludeSubdomains", "include_subdomains"},
            {"Preload", "preload"},
            {"Override", "override"}});
    header("XSSProtection", "xss_protection",
           {{"Protection", "protection"},
            {"ModeBlock", "mode_block"},
            {"ReportUri", "report_uri"},
            {"Override", "override"}});
    Shape::set(c, "SecurityHeadersConfig", std::move(x));
  }
  if (const auto b = s.block(v, "cors_config"); !b.missing()) {
    CV x = s.map(b);
    s.put(x, "AccessControlAllowCredentials", b, "access_control_allow_credentials");
    s.put_items(x, "AccessControlAllowHeaders", b, "access_control_allow_headers");
    s.put_items(x, "AccessControlAllowMethods", b, "access_control_allow_methods");
    s.put_items(x, "AccessControlAllowOrigins", b, "access_control_allow_origins");
    s.put_items(x, "AccessControlExposeHeaders", b, "access_control_expose_headers");
    s.put(x, "AccessControlMaxAgeSec", b, "access_control_max_age_sec");
    s.put(x, "OriginOverride", b, "origin_override");
    Shape::set(c, "CorsConfig", std::move(x));
  }
  return c;
}

// A data source naming one of AWS's managed policies adds nothing: the model has them.
bool managed(Mapper& m, Res& res, const void* (*find)(std::string_view)) {
  if (!res.data) return false;
  for (const char* attr : {"id", "name"}) {
    if (auto s = m.str(res, attr); s && find(*s)) return true;
  }
  return false;
}

void cache_policy(Mapper& m, Res& res) {
  if (managed(m, res,
              [](std::string_view s) -> const void* { return model::managed_cache_policy(s); }))
    return;
  Shape s(m);
  add_config(m, res, m.net.cache_policies, Kind::kCachePolicy, cache_policy_config(s, res),
             &cloudfront::read_cache_policy_config);
}

void origin_request_policy(Mapper& m, Res& res) {
  if (managed(m, res, [](std::string_view s) -> const void* {
        return model::managed_origin_request_policy(s);
      })) {
    return;
  }
  Shape s(m);
  add_config(m, res, m.net.origin_request_policies, Kind::kOriginRequestPolicy,
             origin_request_policy_config(s, res), &cloudfront::read_origin_request_policy_config);
}

void response_headers_policy(Mapper& m, Res& res) {
  if (managed(m, res, [](std::string_view s) -> const void* {
        return model::managed_response_headers_policy(s);
      })) {
    return;
  }
  Shape s(m);
  add_config(m, res, m.net.response_headers_policies, Kind::kResponseHeadersPolicy,
             response_headers_policy_config(m, s, res),
             &cloudfront::read_response_headers_policy_config);
}

void public_key(Mapper& m, Res& res) {
  Shape s(m);
  CV c = s.map(res.r);
  s.put(c, "Name", res.v, "name");
  s.put(c, "Comment", res.v, "comment");
  s.put(c, "EncodedKey", res.v, "encoded_key");
  add_config(m, res, m.net.public_keys, Kind::kPublicKey, c, &cloudfront::read_public_key_config);
}

void key_group(Mapper& m, Res& res) {
  Shape s(m);
  CV c = s.map(res.r);
  s.put(c, "Name", res.v, "name");
  s.put(c, "Comment", res.v, "comment");
  s.put(c, "Items", res.v, "items");
  if (!c.get("Items")) Shape::set(c, "Items", list({}));
  add_config(m, res, m.net.key_groups, Kind::kKeyGroup, c, &cloudfront::read_key_group_config);
}

}  // namespace

std::span<const Handler> cloudfront_types() {
  static constexpr Handler kTypes[] = {
      {"aws_cloudfront_distribution", [](Mapper& m, Res& r) { distribution(m, r); }},
      {"aws_cloudfront_cache_policy", [](Mapper& m, Res& r) { cache_policy(m, r); }},
      {"aws_cloudfront_origin_request_policy",
       [](Mapper& m, Res& r) { origin_request_policy(m, r); }},
      {"aws_cloudfront_response_headers_policy",
       [](Mapper& m, Res& r) { response_headers_policy(m, r); }},
      {"aws_cloudfront_public_key", [](Mapper& m, Res& r) { public_key(m, r); }},
      {"aws_cloudfront_key_group", [](Mapper& m, Res& r) { key_group(m, r); }},
      {"aws_cloudfront_cache_policy", [](Mapper& m, Res& r) { cache_policy(m, r); }, true},
      {"aws_cloudfront_origin_request_policy",
       [](Mapper& m, Res& r) { origin_request_policy(m, r); }, true},
      {"aws_cloudfront_response_headers_policy",
       [](Mapper& m, Res& r) { response_headers_policy(m, r); }, true},
  };
  return kTypes;
}

}  // namespace cloudtwin::load::terraform
