// CloudFront configurations in CloudFormation's shape into the model
// (aws-properties-cloudfront-distribution-distributionconfig.html and the pages of its
// properties, aws-properties-cloudfront-cachepolicy-cachepolicyconfig.html, ...; the API
// reference's DistributionConfig, CacheBehavior and Origin for normalise_api()). Values are
// recorded as written; model::finalize() checks what CloudFront's API rejects.
#include "cloudfront_config.h"

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <optional>
#include <vector>

namespace cloudtwin::load::cloudfront {
namespace {

using cfn::Value;
using model::Kind;

enum class Need : std::uint8_t { kOptional, kRequired };
constexpr auto kReq = Need::kRequired;

// A readable stand-in for a value not known offline: the attribute `Fn::GetAtt` names
// ("ContentBucket.RegionalDomainName"), else "unknown".
std::string placeholder(const std::string& why) {
  constexpr std::string_view kGetAtt = "Fn::GetAtt ";
  if (why.starts_with(kGetAtt)) {
    const auto end = why.find(' ', kGetAtt.size());
    return why.substr(kGetAtt.size(), end == std::string::npos ? end : end - kGetAtt.size());
  }
  return "unknown";
}

// "Fn::GetAtt X.Y" of "Fn::GetAtt X.Y is not known offline", for "... is not known offline (…)".
std::string short_why(std::string why) {
  constexpr std::string_view kSuffix = " is not known offline";
  if (why.ends_with(kSuffix)) why.resize(why.size() - kSuffix.size());
  return why;
}

// Typed, located access to one configuration's tree for one resource.
class Walker {
 public:
  Walker(Problems& p, Keys keys, model::Resource& res) : p_(p), keys_(keys), res_(res) {}

  [[nodiscard]] bool failed() const { return errors_ > 0; }
  [[nodiscard]] bool strict() const { return keys_ == Keys::kStrict; }

  void error(Location at, std::string message, std::string hint = {}) {
    ++errors_;
    p_.error(at, std::move(message), std::move(hint));
  }
  void gap(Gap g, Location at, std::string message, std::string hint = {}) {
    p_.gap(g, at, std::move(message), std::move(hint));
  }
  void warning(Location at, std::string message, std::string hint = {}) {
    p_.warning(at, std::move(message), std::move(hint));
  }

  // A mapping named `what`: false (reported) when it is something else; absent is not an
  // error unless required. map() also checks its keys against `known`.
  bool shape(const Value* v, Location parent, std::string_view what, Need need = Need::kOptional) {
    if (!v || v->is_null()) {
      if (need == kReq) error(parent, "`" + std::string(what) + "` is required");
      return false;
    }
    if (v->is_unknown()) {
      gap(Gap::kUnknownValue, v->at,
          "`" + std::string(what) + "` is not known offline (" + v->text + "); it is left out");
      return false;
    }
    if (!v->is_map()) {
      error(v->at, "`" + std::string(what) + "` must be a mapping, not " + describe(*v));
      return false;
    }
    return true;
  }
  bool map(const Value* v, Location parent, std::string_view what,
           std::initializer_list<std::string_view> known, Need need = Need::kOptional) {
    if (!shape(v, parent, what, need)) return false;
    check_keys(*v, known, what);
    return true;
  }

  void check_keys(const Value& v, std::initializer_list<std::string_view> known,
                  std::string_view what) {
    if (!strict()) return;
    const std::vector<std::string_view> list(known);
    for (std::size_t i = 0; i < v.keys.size(); ++i) {
      if (std::find(list.begin(), list.end(), v.keys[i]) != list.end()) continue;
      const std::string near = closest_match(v.keys[i], list);
      error(v.values[i].at.line ? v.values[i].at : v.at,
            "unsupported property `" + v.keys[i] + "` in " + std::string(what),
            near.empty() ? "" : "did you mean `" + near + "`?");
    }
  }

  // A scalar's text. A value not known offline gives a readable placeholder (with a warning
  // unless `quiet`); a parameter's stand-in is used as written and marks the resource.
  std::optional<std::string> text(const Value& map, std::string_view key,
                                  Need need = Need::kOptional, bool quiet = false) {
    const Value* v = present(map, key, need);
    return v ? text_of(*v, key, quiet) : std::nullopt;
  }
  std::optional<bool> boolean(const Value& map, std::string_view key, Need need = Need::kOptional) {
    const Value* v = present(map, key, need);
    return v ? boolean_of(*v, key) : std::nullopt;
  }
  std::optional<std::int64_t> integer(const Value& map, std::string_view key,
                                      Need need = Need::kOptional) {
    const Value* v = present(map, key, need);
    return v ? integer_of(*v, key) : std::nullopt;
  }
  std::optional<double> real(const Value& map, std::string_view key) {
    const Value* v = present(map, key, Need::kOptional);
    if (!v) return std::nullopt;
    if (v->is_unknown()) return unknown_scalar(*v, key);
    auto s = text_of(*v, key);
    if (!s) return std::nullopt;
    char* end = nullptr;
    const double d = std::strtod(s->c_str(), &end);
    if (s->empty() || end != s->c_str() + s->size()) {
      if (!v->stand_in.empty()) return stand_in_scalar(*v, key);
      error(v->at, "`" + std::string(key) + "` must be a number, not `" + *s + "`");
      return std::nullopt;
    }
    return d;
  }

  std::optional<std::string> text_of(const Value& v, std::string_view key, bool quiet = false) {
    note(v);
    if (v.is_unknown()) {
      if (!quiet) {
        gap(Gap::kUnknownValue, v.at,
            "`" + std::string(key) + "` is not known offline (" + short_why(v.text) + "); `" +
                placeholder(v.text) + "` stands in for it");
      }
      return placeholder(v.text);
    }
    if (!v.is_string()) {
      error(v.at, "`" + std::string(key) + "` must be a single value, not " + describe(v));
      return std::nullopt;
    }
    return v.text;
  }
  std::optional<bool> boolean_of(const Value& v, std::string_view key) {
    if (v.is_unknown()) return unknown_scalar(v, key);
    auto s = text_of(v, key);
    if (!s) return std::nullopt;
    std::string l = *s;
    for (auto& c : l) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    if (l == "true") return true;
    if (l == "false") return false;
    if (!v.stand_in.empty()) return stand_in_scalar(v, key);
    error(v.at, "`" + std::string(key) + "` must be true or false, not `" + *s + "`");
    return std::nullopt;
  }
  std::optional<std::int64_t> integer_of(const Value& v, std::string_view key) {
    if (v.is_unknown()) return unknown_scalar(v, key);
    auto s = text_of(v, key);
    if (!s) return std::nullopt;
    std::int64_t n = 0;
    const bool negative = !s->empty() && (*s)[0] == '-';
    std::size_t i = negative ? 1 : 0;
    bool ok = i < s->size() && s->size() < 19;
    for (; ok && i < s->size(); ++i) {
      if ((*s)[i] < '0' || (*s)[i] > '9')
        ok = false;
      else
        n = n * 10 + ((*s)[i] - '0');
    }
    if (negative) n = -n;
    if (!ok && !v.stand_in.empty()) return stand_in_scalar(v, key);
    if (!ok) {
      error(v.at, "`" + std::string(key) + "` must be a whole number, not `" + *s + "`");
      return std::nullopt;
    }
    return n;
  }

  // The items of a list: a list, or (as CloudFormation writes OriginGroups, StatusCodes,
  // Members and a response headers policy's lists) a mapping {Items, Quantity}.
  std::vector<const Value*> list(const Value& map, std::string_view key,
                                 Need need = Need::kOptional) {
    std::vector<const Value*> out;
    const Value* v = map.get(key);
    if (!v || v->is_null()) {
      if (need == kReq) error(map.at, "`" + std::string(key) + "` is required");
      return out;
    }
    if (v->is_unknown()) {
      gap(Gap::kUnknownValue, v->at,
          "`" + std::string(key) + "` is not known offline (" + v->text + "); it is left out");
      return out;
    }
    const Value* items = v;
    if (v->is_map()) {
      check_keys(*v, {"Items", "Quantity"}, key);
      items = v->get("Items");
      if (const Value* q = v->get("Quantity"); q && q->is_string() && strict()) {
        const std::size_t n = items && items->is_list() ? items->items.size() : 0;
        if (q->text != std::to_string(n)) {
          error(q->at, "`" + std::string(key) + "`: Quantity " + q->text + " does not match its " +
                           std::to_string(n) + " Items");
        }
      }
      if (!items || items->is_null()) return out;
    }
    if (!items->is_list()) {
      error(items->at, "`" + std::string(key) + "` must be a list, not " + describe(*items));
      return out;
    }
    for (const auto& i : items->items) {
      if (i.is_unknown()) {
        gap(Gap::kUnknownValue, i.at,
            "an item of `" + std::string(key) + "` is not known offline (" + i.text +
                "); it is left out");
        continue;
      }
      out.push_back(&i);
    }
    return out;
  }

  // A list of strings; anything else in it is reported and left out.
  std::vector<std::string> strings(const Value& map, std::string_view key,
                                   Need need = Need::kOptional) {
    std::vector<std::string> out;
    for (const Value* i : list(map, key, need)) {
      note(*i);
      if (i->is_string()) {
        out.push_back(i->text);
      } else {
        error(i->at,
              "an item of `" + std::string(key) + "` must be a single value, not " + describe(*i));
      }
    }
    return out;
  }

  void note(const Value& v) {
    if (!v.stand_in.empty() && res_.stand_in.empty()) res_.stand_in = v.stand_in;
  }

  static std::string describe(const Value& v) {
    switch (v.type) {
      case Value::Type::kList:
        return "a list";
      case Value::Type::kMap:
        return "a mapping";
      case Value::Type::kString:
        return "`" + v.text + "`";
      default:
        return "empty";
    }
  }

 private:
  std::nullopt_t unknown_scalar(const Value& v, std::string_view key) {
    gap(Gap::kUnknownValue, v.at,
        "`" + std::string(key) + "` is not known offline (" + v.text +
            "); CloudFront's default is used");
    return std::nullopt;
  }
  std::nullopt_t stand_in_scalar(const Value& v, std::string_view key) {
    gap(Gap::kStandIn, v.at,
        "`" + std::string(key) + "`: parameter `" + v.stand_in +
            "` has no value; CloudFront's default is used");
    return std::nullopt;
  }

  // The value of `key`, or null (reported when required).
  const Value* present(const Value& map, std::string_view key, Need need) {
    const Value* v = map.get(key);
    if (v && !v->is_null()) return v;
    if (need == kReq) error(map.at, "`" + std::string(key) + "` is required");
    return nullptr;
  }

  Problems& p_;
  Keys keys_;
  model::Resource& res_;
  std::size_t errors_ = 0;
};

// Cache key items of a policy (HeadersConfig, CookiesConfig, QueryStringsConfig).
model::KeyItems key_items(Walker& w, const Value& parent, std::string_view config,
                          std::string_view behavior_key, std::string_view names_key, Need need) {
  model::KeyItems k;
  const Value* c = parent.get(config);
  k.at = c ? c->at : parent.at;
  if (!w.map(c, parent.at, config, {behavior_key, names_key}, need)) return k;
  if (auto b = w.text(*c, behavior_key, kReq)) k.behavior = *b;
  k.items = w.strings(*c, names_key);
  return k;
}

std::string join_event(const std::string& event, const std::string& arn) {
  return event + ":" + arn;
}

// DefaultCacheBehavior or an item of CacheBehaviors.
void read_behavior(Walker& w, const Value& v, bool is_default, model::CacheBehavior& b,
                   std::size_t& functions) {
  b.at = v.at;
  if (is_default) {
    w.check_keys(v,
                 {"AllowedMethods",
                  "CachedMethods",
                  "CachePolicyId",
                  "Compress",
                  "DefaultTTL",
                  "FieldLevelEncryptionId",
                  "ForwardedValues",
                  "FunctionAssociations",
                  "GrpcConfig",
                  "LambdaFunctionAssociations",
                  "MaxTTL",
                  "MinTTL",
                  "OriginRequestPolicyId",
                  "RealtimeLogConfigArn",
                  "ResponseHeadersPolicyId",
                  "SmoothStreaming",
                  "TargetOriginId",
                  "TrustedKeyGroups",
                  "TrustedSigners",
                  "ViewerProtocolPolicy"},
                 "DefaultCacheBehavior");
  } else {
    w.check_keys(v,
                 {"AllowedMethods",
                  "CachedMethods",
                  "CachePolicyId",
                  "Compress",
                  "DefaultTTL",
                  "FieldLevelEncryptionId",
                  "ForwardedValues",
                  "FunctionAssociations",
                  "GrpcConfig",
                  "LambdaFunctionAssociations",
                  "MaxTTL",
                  "MinTTL",
                  "OriginRequestPolicyId",
                  "PathPattern",
                  "RealtimeLogConfigArn",
                  "ResponseHeadersPolicyId",
                  "SmoothStreaming",
                  "TargetOriginId",
                  "TrustedKeyGroups",
                  "TrustedSigners",
                  "ViewerProtocolPolicy"},
                 "a cache behavior");
    if (auto p = w.text(v, "PathPattern", kReq)) b.path_pattern = *p;
  }
  if (auto t = w.text(v, "TargetOriginId", kReq)) b.target_origin_id = *t;
  if (auto t = w.text(v, "ViewerProtocolPolicy", w.strict() ? kReq : Need::kOptional)) {
    b.viewer_protocol_policy = *t;
  }
  auto methods = [&](std::string_view key, model::Methods& out) {
    if (!v.get(key) || v.get(key)->is_null()) return;
    model::Methods m = 0;
    for (const Value* i : w.list(v, key)) {
      if (!i->is_string()) {
        w.error(i->at, "an item of `" + std::string(key) + "` must be a method, not " +
                           Walker::describe(*i));
        continue;
      }
      std::string upper = i->text;
      for (auto& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      const model::Methods bit = model::method_bit(upper);
      if (!bit) {
        w.error(i->at, "`" + i->text + "` is not an HTTP method CloudFront knows",
                "GET, HEAD, OPTIONS, PUT, POST, PATCH or DELETE");
        continue;
      }
      m |= bit;
    }
    out = m;
  };
  methods("AllowedMethods", b.allowed_methods);
  methods("CachedMethods", b.cached_methods);
  if (auto c = w.boolean(v, "Compress")) b.compress = *c;
  auto policy = [&](std::string_view key, model::Ref& ref) {
    if (auto t = w.text(v, key); t && !t->empty()) ref = {*t, v.get(key)->at};
  };
  policy("CachePolicyId", b.cache_policy);
  policy("OriginRequestPolicyId", b.origin_request_policy);
  policy("ResponseHeadersPolicyId", b.response_headers_policy);
  for (const Value* g : w.list(v, "TrustedKeyGroups")) {
    w.note(*g);
    if (g->is_string() && !g->text.empty())
      b.trusted_key_groups.push_back({g->text, g->at});
    else if (!g->is_string())
      w.error(g->at, "an item of `TrustedKeyGroups` must be a key group id");
  }
  b.trusted_signers = w.strings(v, "TrustedSigners");

  // Legacy cache settings: ForwardedValues, and TTLs without a cache policy.
  const Value* fv = v.get("ForwardedValues");
  const bool has_fv = fv && !fv->is_null();
  bool has_ttl = false;
  for (std::string_view k : {"MinTTL", "DefaultTTL", "MaxTTL"}) {
    if (const Value* t = v.get(k); t && !t->is_null()) has_ttl = true;
  }
  if (w.map(fv, v.at, "ForwardedValues",
            {"Cookies", "Headers", "QueryString", "QueryStringCacheKeys"})) {
    const auto qs =
        w.boolean(*fv, "QueryString", w.strict() ? kReq : Need::kOptional).value_or(false);
    auto keys = w.strings(*fv, "QueryStringCacheKeys");
    b.legacy_query_strings.at = fv->at;
    b.legacy_query_strings.behavior = !qs ? "none" : keys.empty() ? "all" : "whitelist";
    if (qs) b.legacy_query_strings.items = std::move(keys);
    auto headers = w.strings(*fv, "Headers");
    b.legacy_headers.at = fv->at;
    if (std::find(headers.begin(), headers.end(), "*") != headers.end()) {
      b.legacy_headers.behavior = "all";
    } else if (!headers.empty()) {
      b.legacy_headers.behavior = "whitelist";
      b.legacy_headers.items = std::move(headers);
    }
    const Value* cookies = fv->get("Cookies");
    b.legacy_cookies.at = cookies ? cookies->at : fv->at;
    if (w.map(cookies, fv->at, "Cookies", {"Forward", "WhitelistedNames"})) {
      if (auto f = w.text(*cookies, "Forward", kReq)) b.legacy_cookies.behavior = *f;
      b.legacy_cookies.items = w.strings(*cookies, "WhitelistedNames");
    }
  }
  if (has_fv || (has_ttl && b.cache_policy.empty())) {
    b.legacy = true;
    const auto min = w.integer(v, "MinTTL");
    const auto def = w.integer(v, "DefaultTTL");
    const auto max = w.integer(v, "MaxTTL");
    if (min) b.min_ttl = *min;
    // API_CacheBehavior: DefaultTTL defaults to 86400 (or MinTTL if larger), MaxTTL to
    // 31536000 (or DefaultTTL if larger).
    b.default_ttl = def.value_or(std::max<std::int64_t>(86400, b.min_ttl));
    b.max_ttl = max.value_or(std::max<std::int64_t>(31536000, b.default_ttl));
  } else if (has_ttl && w.strict()) {
    w.warning(v.at,
              "MinTTL, DefaultTTL and MaxTTL are legacy settings: a behaviour with a "
              "CachePolicyId takes its TTLs from the policy, so they are ignored");
  }

  // Edge functions are kept for explanations; the edge does not run them.
  for (const Value* a : w.list(v, "LambdaFunctionAssociations")) {
    if (!w.map(a, v.at, "a LambdaFunctionAssociation",
               {"EventType", "IncludeBody", "LambdaFunctionARN"}))
      continue;
    auto e = w.text(*a, "EventType", kReq);
    auto arn = w.text(*a, "LambdaFunctionARN", kReq, true);
    if (e && arn) b.function_associations.push_back(join_event(*e, *arn));
    ++functions;
  }
  for (const Value* a : w.list(v, "FunctionAssociations")) {
    if (!w.map(a, v.at, "a FunctionAssociation", {"EventType", "FunctionARN"})) continue;
    auto e = w.text(*a, "EventType", kReq);
    auto arn = w.text(*a, "FunctionARN", kReq, true);
    if (e && arn) b.function_associations.push_back(join_event(*e, *arn));
    ++functions;
  }
}

void read_origin(Walker& w, const Value& v, model::Origin& o) {
  o.at = v.at;
  w.check_keys(v,
               {"ConnectionAttempts", "ConnectionTimeout", "CustomOriginConfig", "DomainName", "Id",
                "OriginAccessControlId", "OriginCustomHeaders", "OriginPath", "OriginShield",
                "ResponseCompletionTimeout", "S3OriginConfig", "VpcOriginConfig"},
               "an origin");
  if (auto id = w.text(v, "Id", kReq)) o.id = *id;
  if (const Value* d = v.get("DomainName"); d && d->is_unknown()) {
    o.domain_name = placeholder(d->text);
    w.gap(Gap::kUnknownValue, d->at,
          "the DomainName of origin `" + o.id + "` is not known offline (" + short_why(d->text) +
              "): `" + o.domain_name + "` stands in for it",
          "serve cdn --origin " + o.id + "=HOST:PORT must point it at a server");
  } else if (auto dn = w.text(v, "DomainName", kReq)) {
    o.domain_name = *dn;
  }
  if (auto p = w.text(v, "OriginPath")) o.path = *p;
  if (auto n = w.integer(v, "ConnectionAttempts")) o.connection_attempts = *n;
  if (auto n = w.integer(v, "ConnectionTimeout")) o.connection_timeout = *n;
  const Value* s3 = v.get("S3OriginConfig");
  const Value* custom = v.get("CustomOriginConfig");
  if (w.map(s3, v.at, "S3OriginConfig", {"OriginAccessIdentity", "OriginReadTimeout"})) {
    o.s3 = true;
    if (auto n = w.integer(*s3, "OriginReadTimeout")) o.read_timeout = *n;
  }
  if (w.map(custom, v.at, "CustomOriginConfig",
            {"HTTPPort", "HTTPSPort", "IpAddressType", "OriginKeepaliveTimeout", "OriginMtlsConfig",
             "OriginProtocolPolicy", "OriginReadTimeout", "OriginSSLProtocols"})) {
    if (o.s3) w.error(custom->at, "an origin has S3OriginConfig or CustomOriginConfig, not both");
    if (auto n = w.integer(*custom, "HTTPPort")) o.http_port = *n;
    if (auto n = w.integer(*custom, "HTTPSPort")) o.https_port = *n;
    if (auto t = w.text(*custom, "OriginProtocolPolicy", kReq)) o.protocol_policy = *t;
    if (auto n = w.integer(*custom, "OriginReadTimeout")) o.read_timeout = *n;
    if (auto n = w.integer(*custom, "OriginKeepaliveTimeout")) o.keepalive_timeout = *n;
  } else if (!o.s3) {
    // An S3 bucket's REST endpoint written without either configuration is an S3 origin.
    const std::string& d = o.domain_name;
    o.s3 = d.find(".s3.") != std::string::npos || d.find(".s3-") != std::string::npos ||
           d.ends_with(".RegionalDomainName") || d.ends_with(".DomainName");
  }
  // CloudFront reaches an S3 REST endpoint with the viewer's protocol.
  if (o.s3) o.protocol_policy = "match-viewer";
  for (const Value* h : w.list(v, "OriginCustomHeaders")) {
    if (!w.map(h, v.at, "an origin custom header", {"HeaderName", "HeaderValue"})) continue;
    model::HeaderValue hv;
    if (auto n = w.text(*h, "HeaderName", kReq)) hv.name = *n;
    if (auto x = w.text(*h, "HeaderValue", kReq)) hv.value = *x;
    o.custom_headers.push_back(std::move(hv));
  }
  const Value* shield = v.get("OriginShield");
  if (w.map(shield, v.at, "OriginShield", {"Enabled", "OriginShieldRegion"})) {
    o.origin_shield = w.boolean(*shield, "Enabled").value_or(false);
    if (auto r = w.text(*shield, "OriginShieldRegion")) o.origin_shield_region = *r;
  }
}

void read_origin_group(Walker& w, const Value& v, model::OriginGroup& g) {
  g.at = v.at;
  w.check_keys(v, {"FailoverCriteria", "Id", "Members", "SelectionCriteria"}, "an origin group");
  if (auto id = w.text(v, "Id", kReq)) g.id = *id;
  const Value* fc = v.get("FailoverCriteria");
  if (w.map(fc, v.at, "FailoverCriteria", {"StatusCodes"}, kReq)) {
    for (const Value* c : w.list(*fc, "StatusCodes", kReq)) {
      if (!c->is_string()) {
        w.error(c->at, "a status code must be a number, not " + Walker::describe(*c));
        continue;
      }
      if (auto n = w.integer_of(*c, "StatusCodes")) g.failover_status_codes.push_back(*n);
    }
  }
  for (const Value* m : w.list(v, "Members", kReq)) {
    if (!w.map(m, v.at, "a member", {"OriginId"})) continue;
    if (auto id = w.text(*m, "OriginId", kReq)) g.members.push_back(*id);
  }
}

void read_error_response(Walker& w, const Value& v, model::CustomErrorResponse& e) {
  e.at = v.at;
  w.check_keys(v, {"ErrorCachingMinTTL", "ErrorCode", "ResponseCode", "ResponsePagePath"},
               "a custom error response");
  if (auto n = w.integer(v, "ErrorCode", kReq)) e.error_code = *n;
  // The API writes "" for an absent ResponseCode and ResponsePagePath.
  if (const Value* rc = v.get("ResponseCode"); rc && !(rc->is_string() && rc->text.empty())) {
    e.response_code = w.integer(v, "ResponseCode");
  }
  if (auto p = w.text(v, "ResponsePagePath")) e.response_page_path = *p;
  if (const Value* t = v.get("ErrorCachingMinTTL"); t && !t->is_null()) {
    e.error_caching_min_ttl = w.integer(v, "ErrorCachingMinTTL");
  }
}

// HeaderValue lists of a response headers policy's security headers.
void security_headers(Walker& w, const Value& s, model::ResponseHeadersPolicy& out) {
  auto add = [&](std::string name, std::string value, const Value& item) {
    const bool override = w.boolean(item, "Override", kReq).value_or(false);
    out.security_headers.push_back({std::move(name), std::move(value), override});
  };
  if (const Value* v = s.get("ContentSecurityPolicy");
      w.map(v, s.at, "ContentSecurityPolicy", {"ContentSecurityPolicy", "Override"})) {
    add("Content-Security-Policy", w.text(*v, "ContentSecurityPolicy", kReq).value_or(""), *v);
  }
  if (const Value* v = s.get("ContentTypeOptions");
      w.map(v, s.at, "ContentTypeOptions", {"Override"})) {
    add("X-Content-Type-Options", "nosniff", *v);
  }
  if (const Value* v = s.get("FrameOptions");
      w.map(v, s.at, "FrameOptions", {"FrameOption", "Override"})) {
    add("X-Frame-Options", w.text(*v, "FrameOption", kReq).value_or(""), *v);
  }
  if (const Value* v = s.get("ReferrerPolicy");
      w.map(v, s.at, "ReferrerPolicy", {"Override", "ReferrerPolicy"})) {
    add("Referrer-Policy", w.text(*v, "ReferrerPolicy", kReq).value_or(""), *v);
  }
  if (const Value* v = s.get("StrictTransportSecurity");
      w.map(v, s.at, "StrictTransportSecurity",
            {"AccessControlMaxAgeSec", "IncludeSubdomains", "Override", "Preload"})) {
    std::string value =
        "max-age=" + std::to_string(w.integer(*v, "AccessControlMaxAgeSec", kReq).value_or(0));
    if (w.boolean(*v, "IncludeSubdomains").value_or(false)) value += "; includeSubDomains";
    if (w.boolean(*v, "Preload").value_or(false)) value += "; preload";
    add("Strict-Transport-Security", std::move(value), *v);
  }
  if (const Value* v = s.get("XSSProtection");
      w.map(v, s.at, "XSSProtection", {"ModeBlock", "Override", "Protection", "ReportUri"})) {
    std::string value = w.boolean(*v, "Protection", kReq).value_or(false) ? "1" : "0";
    if (value == "1" && w.boolean(*v, "ModeBlock").value_or(false)) value += "; mode=block";
    if (auto uri = w.text(*v, "ReportUri"); value.starts_with("1") && uri && !uri->empty()) {
      value += "; report=" + *uri;
    }
    add("X-XSS-Protection", std::move(value), *v);
  }
}

}  // namespace

bool read_distribution_config(const Value& c, Keys keys, Problems& p, model::Distribution& out) {
  Walker w(p, keys, out);
  if (!w.map(&c, out.at, "DistributionConfig",
             {"Aliases",
              "AnycastIpListId",
              "CacheBehaviors",
              "CNAMEs",
              "Comment",
              "ConnectionMode",
              "ContinuousDeploymentPolicyId",
              "CustomErrorResponses",
              "CustomOrigin",
              "DefaultCacheBehavior",
              "DefaultRootObject",
              "Enabled",
              "HttpVersion",
              "IPV6Enabled",
              "Logging",
              "OriginGroups",
              "Origins",
              "PriceClass",
              "Restrictions",
              "S3Origin",
              "Staging",
              "TenantConfig",
              "ViewerCertificate",
              "WebACLId"},
             kReq)) {
    return false;
  }
  if (auto t = w.text(c, "Comment")) out.comment = *t;
  if (auto e = w.boolean(c, "Enabled", w.strict() ? kReq : Need::kOptional)) out.enabled = *e;
  out.aliases = w.strings(c, "Aliases");
  for (auto& a : w.strings(c, "CNAMEs")) out.aliases.push_back(std::move(a));
  if (auto t = w.text(c, "DefaultRootObject")) out.default_root_object = *t;
  if (auto t = w.text(c, "HttpVersion")) out.http_version = *t;
  if (auto t = w.text(c, "PriceClass")) out.price_class = *t;
  // CloudFormation's IPV6Enabled and the API's IsIPV6Enabled are false unless set.
  out.ipv6 = w.boolean(c, "IPV6Enabled").value_or(false);
  for (std::string_view legacy : {"CustomOrigin", "S3Origin"}) {
    if (const Value* v = c.get(legacy); v && !v->is_null()) {
      w.gap(Gap::kLeftOut, v->at, "the legacy `" + std::string(legacy) + "` property is left out",
            "describe the origin under `Origins`");
    }
  }
  for (const Value* o : w.list(c, "Origins", w.strict() ? kReq : Need::kOptional)) {
    if (!w.shape(o, c.at, "an origin")) continue;
    read_origin(w, *o, out.origins.emplace_back());
  }
  if (const Value* groups = c.get("OriginGroups"); groups && !groups->is_null()) {
    for (const Value* g : w.list(c, "OriginGroups")) {
      if (!w.shape(g, c.at, "an origin group")) continue;
      read_origin_group(w, *g, out.origin_groups.emplace_back());
    }
  }
  std::size_t functions = 0;
  const Value* def = c.get("DefaultCacheBehavior");
  if (w.shape(def, c.at, "DefaultCacheBehavior", kReq)) {
    read_behavior(w, *def, true, out.default_behavior, functions);
  }
  for (const Value* b : w.list(c, "CacheBehaviors")) {
    if (!w.shape(b, c.at, "a cache behavior")) continue;
    read_behavior(w, *b, false, out.behaviors.emplace_back(), functions);
  }
  if (functions > 0) {
    w.gap(Gap::kLeftOut, out.at,
          "the edge does not run Lambda@Edge functions or CloudFront Functions: the " +
              std::to_string(functions) + " function association" +
              (functions == 1 ? " is" : "s are") + " kept for explanations only",
          "requests and responses pass as if no function were associated");
  }
  for (const Value* e : w.list(c, "CustomErrorResponses")) {
    if (!w.shape(e, c.at, "a custom error response")) continue;
    read_error_response(w, *e, out.custom_error_responses.emplace_back());
  }
  const Value* logging = c.get("Logging");
  if (w.map(logging, c.at, "Logging", {"Bucket", "IncludeCookies", "Prefix"})) {
    out.logging = true;
    if (auto b = w.text(*logging, "Bucket", kReq, true)) out.logging_bucket = *b;
    if (auto x = w.text(*logging, "Prefix")) out.logging_prefix = *x;
    out.logging_cookies = w.boolean(*logging, "IncludeCookies").value_or(false);
  }
  const Value* restrictions = c.get("Restrictions");
  if (w.map(restrictions, c.at, "Restrictions", {"GeoRestriction"})) {
    const Value* geo = restrictions->get("GeoRestriction");
    if (w.map(geo, restrictions->at, "GeoRestriction", {"Locations", "RestrictionType"}, kReq)) {
      auto type = w.text(*geo, "RestrictionType", kReq);
      auto locations = w.strings(*geo, "Locations");
      if (type && *type != "none") {
        w.gap(Gap::kLeftOut, geo->at,
              "the geographic restriction (" + *type + ", " + std::to_string(locations.size()) +
                  " countries) is left out: the edge serves every viewer");
      }
    }
  }
  const Value* cert = c.get("ViewerCertificate");
  if (w.map(cert, c.at, "ViewerCertificate",
            {"AcmCertificateArn", "CloudFrontDefaultCertificate", "IamCertificateId",
             "MinimumProtocolVersion", "SslSupportMethod"})) {
    // The certificate only matters to TLS, which the edge terminates with its own.
  }
  if (auto acl = w.text(c, "WebACLId", Need::kOptional, true); acl && !acl->empty()) {
    w.gap(Gap::kLeftOut, c.get("WebACLId")->at,
          "the AWS WAF web ACL `" + *acl + "` is left out: the edge does not filter requests");
  }
  return !w.failed();
}

bool read_cache_policy_config(const Value& c, Keys keys, Problems& p, model::CachePolicy& out) {
  Walker w(p, keys, out);
  if (!w.map(&c, out.at, "CachePolicyConfig",
             {"Comment", "DefaultTTL", "MaxTTL", "MinTTL", "Name",
              "ParametersInCacheKeyAndForwardedToOrigin"},
             kReq)) {
    return false;
  }
  if (auto n = w.text(c, "Name", w.strict() ? kReq : Need::kOptional)) out.name = *n;
  if (auto t = w.text(c, "Comment")) out.comment = *t;
  if (auto n = w.integer(c, "MinTTL", w.strict() ? kReq : Need::kOptional)) out.min_ttl = *n;
  out.default_ttl = w.integer(c, "DefaultTTL").value_or(std::max<std::int64_t>(86400, out.min_ttl));
  out.max_ttl = w.integer(c, "MaxTTL").value_or(std::max<std::int64_t>(31536000, out.default_ttl));
  const Value* params = c.get("ParametersInCacheKeyAndForwardedToOrigin");
  if (w.map(params, c.at, "ParametersInCacheKeyAndForwardedToOrigin",
            {"CookiesConfig", "EnableAcceptEncodingBrotli", "EnableAcceptEncodingGzip",
             "HeadersConfig", "QueryStringsConfig"},
            kReq)) {
    out.gzip = w.boolean(*params, "EnableAcceptEncodingGzip", w.strict() ? kReq : Need::kOptional)
                   .value_or(false);
    out.brotli = w.boolean(*params, "EnableAcceptEncodingBrotli").value_or(false);
    out.headers = key_items(w, *params, "HeadersConfig", "HeaderBehavior", "Headers", kReq);
    out.cookies = key_items(w, *params, "CookiesConfig", "CookieBehavior", "Cookies", kReq);
    out.query_strings =
        key_items(w, *params, "QueryStringsConfig", "QueryStringBehavior", "QueryStrings", kReq);
  }
  return !w.failed();
}

bool read_origin_request_policy_config(const Value& c, Keys keys, Problems& p,
                                       model::OriginRequestPolicy& out) {
  Walker w(p, keys, out);
  if (!w.map(&c, out.at, "OriginRequestPolicyConfig",
             {"Comment", "CookiesConfig", "HeadersConfig", "Name", "QueryStringsConfig"}, kReq)) {
    return false;
  }
  if (auto n = w.text(c, "Name", w.strict() ? kReq : Need::kOptional)) out.name = *n;
  if (auto t = w.text(c, "Comment")) out.comment = *t;
  out.headers = key_items(w, c, "HeadersConfig", "HeaderBehavior", "Headers", kReq);
  out.cookies = key_items(w, c, "CookiesConfig", "CookieBehavior", "Cookies", kReq);
  out.query_strings =
      key_items(w, c, "QueryStringsConfig", "QueryStringBehavior", "QueryStrings", kReq);
  return !w.failed();
}

bool read_response_headers_policy_config(const Value& c, Keys keys, Problems& p,
                                         model::ResponseHeadersPolicy& out) {
  Walker w(p, keys, out);
  if (!w.map(&c, out.at, "ResponseHeadersPolicyConfig",
             {"Comment", "CorsConfig", "CustomHeadersConfig", "Name", "RemoveHeadersConfig",
              "SecurityHeadersConfig", "ServerTimingHeadersConfig"},
             kReq)) {
    return false;
  }
  if (auto n = w.text(c, "Name", w.strict() ? kReq : Need::kOptional)) out.name = *n;
  if (auto t = w.text(c, "Comment")) out.comment = *t;
  for (const Value* h : w.list(c, "CustomHeadersConfig")) {
    if (!w.map(h, c.at, "a custom header", {"Header", "Override", "Value"})) continue;
    model::HeaderValue hv;
    if (auto n = w.text(*h, "Header", kReq)) hv.name = *n;
    if (auto v = w.text(*h, "Value", kReq)) hv.value = *v;
    hv.override_origin = w.boolean(*h, "Override", kReq).value_or(true);
    out.custom_headers.push_back(std::move(hv));
  }
  for (const Value* h : w.list(c, "RemoveHeadersConfig")) {
    if (!w.map(h, c.at, "a header to remove", {"Header"})) continue;
    if (auto n = w.text(*h, "Header", kReq)) out.remove_headers.push_back(*n);
  }
  const Value* timing = c.get("ServerTimingHeadersConfig");
  if (w.map(timing, c.at, "ServerTimingHeadersConfig", {"Enabled", "SamplingRate"})) {
    out.server_timing = w.boolean(*timing, "Enabled", kReq).value_or(false);
    out.server_timing_sampling = w.real(*timing, "SamplingRate").value_or(0);
  }
  const Value* security = c.get("SecurityHeadersConfig");
  if (w.map(security, c.at, "SecurityHeadersConfig",
            {"ContentSecurityPolicy", "ContentTypeOptions", "FrameOptions", "ReferrerPolicy",
             "StrictTransportSecurity", "XSSProtection"})) {
    security_headers(w, *security, out);
  }
  const Value* cors = c.get("CorsConfig");
  if (w.map(cors, c.at, "CorsConfig",
            {"AccessControlAllowCredentials", "AccessControlAllowHeaders",
             "AccessControlAllowMethods", "AccessControlAllowOrigins", "AccessControlExposeHeaders",
             "AccessControlMaxAgeSec", "OriginOverride"})) {
    out.cors = true;
    out.cors_allow_credentials =
        w.boolean(*cors, "AccessControlAllowCredentials", kReq).value_or(false);
    out.cors_allow_headers = w.strings(*cors, "AccessControlAllowHeaders", kReq);
    out.cors_allow_methods = w.strings(*cors, "AccessControlAllowMethods", kReq);
    out.cors_allow_origins = w.strings(*cors, "AccessControlAllowOrigins", kReq);
    out.cors_expose_headers = w.strings(*cors, "AccessControlExposeHeaders");
    out.cors_max_age = w.integer(*cors, "AccessControlMaxAgeSec");
    out.cors_override_origin = w.boolean(*cors, "OriginOverride", kReq).value_or(true);
  }
  return !w.failed();
}

bool read_public_key_config(const Value& c, Keys keys, Problems& p, model::PublicKey& out) {
  Walker w(p, keys, out);
  if (!w.map(&c, out.at, "PublicKeyConfig", {"CallerReference", "Comment", "EncodedKey", "Name"},
             kReq)) {
    return false;
  }
  if (auto n = w.text(c, "Name", w.strict() ? kReq : Need::kOptional)) out.name = *n;
  if (auto t = w.text(c, "Comment")) out.comment = *t;
  if (auto k = w.text(c, "EncodedKey", kReq)) out.encoded_key = *k;
  return !w.failed();
}

bool read_key_group_config(const Value& c, Keys keys, Problems& p, model::KeyGroup& out) {
  Walker w(p, keys, out);
  if (!w.map(&c, out.at, "KeyGroupConfig", {"Comment", "Items", "Name"}, kReq)) return false;
  if (auto n = w.text(c, "Name", w.strict() ? kReq : Need::kOptional)) out.name = *n;
  if (auto t = w.text(c, "Comment")) out.comment = *t;
  for (const Value* k : w.list(c, "Items", kReq)) {
    w.note(*k);
    if (k->is_string())
      out.keys.push_back({k->text, k->at});
    else
      w.error(k->at, "an item of `Items` must be a public key id, not " + Walker::describe(*k));
  }
  return !w.failed();
}

// ---- inputs that name what they do not hold ----------------------------------------------

namespace {

template <class R>
bool holds(const std::vector<R>& list, const std::string& text) {
  return std::any_of(list.begin(), list.end(), [&](const R& r) {
    return r.id == text || (!r.name.empty() && r.name == text);
  });
}

}  // namespace

void stand_in_outside_policies(model::Network& n, model::Distribution& d, Problems& p) {
  auto behaviour = [&](model::CacheBehavior& b) {
    const std::string where = "cache behaviour `" + b.path_pattern + "`";
    if (!b.cache_policy.empty() && !holds(n.cache_policies, b.cache_policy.text) &&
        !model::managed_cache_policy(b.cache_policy.text)) {
      model::CachePolicy s;
      s.id = b.cache_policy.text;
      s.name = b.cache_policy.text;
      s.at = b.cache_policy.at;
      s.stand_in = "cache policy " + b.cache_policy.text;
      n.cache_policies.push_back(std::move(s));
      p.gap(
          Gap::kStandIn, b.cache_policy.at,
          "cache policy `" + b.cache_policy.text + "` of " + where +
              " is neither in the inputs nor managed by AWS: a stand-in with CloudFront's "
              "default TTLs (0 / 86400 / 31536000) and nothing in the cache key takes its place",
          "give its AWS::CloudFront::CachePolicy, aws_cloudfront_cache_policy or get-cache-policy "
          "answer as an input too");
    }
    auto drop = [&](model::Ref& ref, const auto& list, auto managed, std::string_view what) {
      if (ref.empty() || holds(list, ref.text) || managed(ref.text)) return;
      p.gap(Gap::kLeftOut, ref.at,
            std::string(what) + " `" + ref.text + "` of " + where +
                " is neither in the inputs nor managed by AWS: it is left out");
      ref = {};
    };
    drop(b.origin_request_policy, n.origin_request_policies, &model::managed_origin_request_policy,
         "origin request policy");
    drop(b.response_headers_policy, n.response_headers_policies,
         &model::managed_response_headers_policy, "response headers policy");
    std::erase_if(b.trusted_key_groups, [&](const model::Ref& k) {
      if (holds(n.key_groups, k.text)) return false;
      p.gap(Gap::kLeftOut, k.at,
            "trusted key group `" + k.text + "` of " + where +
                " is not in the inputs: it is left out, so the behaviour does not require signed "
                "URLs for it");
      return true;
    });
  };
  behaviour(d.default_behavior);
  for (auto& b : d.behaviors) behaviour(b);
}

// ---- the API's JSON ------------------------------------------------------------------------

Value from_json(const json::Value& v, const json::Reader& rd) {
  Value out;
  out.at = rd.at(v);
  switch (v.type()) {
    case json::Type::kMissing:
    case json::Type::kNull:
      out.type = Value::Type::kNull;
      break;
    case json::Type::kBool:
      out.type = Value::Type::kString;
      out.text = v.boolean() ? "true" : "false";
      break;
    case json::Type::kNumber:
    case json::Type::kString:
      out.type = Value::Type::kString;
      out.text = std::string(v.text());
      break;
    case json::Type::kArray:
      out.type = Value::Type::kList;
      for (const auto& i : v.items()) out.items.push_back(from_json(i, rd));
      break;
    case json::Type::kObject:
      out.type = Value::Type::kMap;
      for (const auto& m : v.items()) {
        out.keys.emplace_back(m.key());
        out.values.push_back(from_json(m, rd));
      }
      break;
  }
  return out;
}

namespace {

// {"Quantity": N, "Items": [...]} (and TrustedSigners' / TrustedKeyGroups' "Enabled"): the
// API's list wrapper.
bool is_list_wrapper(const Value& v) {
  if (!v.is_map() || !v.get("Quantity")) return false;
  return std::all_of(v.keys.begin(), v.keys.end(), [](const std::string& k) {
    return k == "Quantity" || k == "Items" || k == "Enabled";
  });
}

Value* member(Value& v, std::string_view key) {
  for (std::size_t i = 0; i < v.keys.size(); ++i) {
    if (v.keys[i] == key) return &v.values[i];
  }
  return nullptr;
}

void rename(Value& v, std::string_view from, std::string_view to) {
  for (auto& k : v.keys) {
    if (k == from) k = to;
  }
}

void erase(Value& v, std::string_view key) {
  for (std::size_t i = 0; i < v.keys.size(); ++i) {
    if (v.keys[i] == key) {
      v.keys.erase(v.keys.begin() + static_cast<std::ptrdiff_t>(i));
      v.values.erase(v.values.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
}

void normalise(Value& v, int depth) {
  if (depth > 64) return;  // json::Tree stops at 64 already
  if (v.is_list()) {
    for (auto& i : v.items) normalise(i, depth + 1);
    return;
  }
  if (!v.is_map()) return;
  // AllowedMethods: {Quantity, Items, CachedMethods} -> AllowedMethods and CachedMethods lists.
  if (Value* allowed = member(v, "AllowedMethods"); allowed && allowed->is_map()) {
    if (const Value* cached = allowed->get("CachedMethods")) {
      Value moved = *cached;
      erase(*allowed, "CachedMethods");
      v.keys.emplace_back("CachedMethods");
      v.values.push_back(std::move(moved));
    }
  }
  // GeoRestriction: {RestrictionType, Quantity, Items} -> {RestrictionType, Locations}.
  if (Value* geo = member(v, "GeoRestriction"); geo && geo->is_map()) {
    erase(*geo, "Quantity");
    rename(*geo, "Items", "Locations");
  }
  // Logging: CloudFormation has no Enabled; a disabled logging config is no logging.
  if (const Value* logging = v.get("Logging"); logging && logging->is_map()) {
    if (const Value* e = logging->get("Enabled"); e && e->is_string()) {
      if (e->text == "false") {
        erase(v, "Logging");
      } else {
        erase(*member(v, "Logging"), "Enabled");
      }
    }
  }
  if (Value* cert = member(v, "ViewerCertificate"); cert && cert->is_map()) {
    rename(*cert, "ACMCertificateArn", "AcmCertificateArn");
    rename(*cert, "IAMCertificateId", "IamCertificateId");
    rename(*cert, "SSLSupportMethod", "SslSupportMethod");
  }
  rename(v, "CustomHeaders", "OriginCustomHeaders");
  rename(v, "OriginSslProtocols", "OriginSSLProtocols");
  rename(v, "IsIPV6Enabled", "IPV6Enabled");
  for (auto& x : v.values) {
    normalise(x, depth + 1);
    if (is_list_wrapper(x)) {
      Value list;
      list.type = Value::Type::kList;
      list.at = x.at;
      if (const Value* items = x.get("Items"); items && items->is_list()) list.items = items->items;
      x = std::move(list);
    }
  }
}

}  // namespace

void normalise_api(Value& v) { normalise(v, 0); }

}  // namespace cloudtwin::load::cloudfront
