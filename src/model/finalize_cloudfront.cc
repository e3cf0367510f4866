// finalize() for CloudFront (shared/reference/cloudfront.md): references between distributions,
// policies and keys resolved (a managed policy named by its id joins the network the first time
// a behaviour names it); what CreateDistribution, CreateCachePolicy or CreateKeyGroup would
// reject is an error at the value's own location, with the API's error name where it has one.
#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "cloudtwin/model/cloudfront.h"
#include "finalize_context.h"

namespace cloudtwin::model {

namespace {

// distribution-web-values-specify.html, "Origin connection attempts" / "timeout" / "response
// timeout" / "keep-alive timeout" (the last two may be raised by a quota increase to 180 s).
constexpr std::int64_t kMaxReadTimeout = 180;
constexpr std::int64_t kMaxKeepalive = 180;
constexpr std::int64_t kMaxTtl = 3153600000;  // 100 years (Expiration.html)

// high_availability_origin_failover.html: the status codes an origin group may fail over on.
constexpr std::array<std::int64_t, 8> kFailoverCodes = {400, 403, 404, 416, 500, 502, 503, 504};
// GeneratingCustomErrorResponses.html: the codes a custom error response may be for.
constexpr std::array<std::int64_t, 11> kErrorCodes = {400, 403, 404, 405, 414, 416,
                                                      500, 501, 502, 503, 504};
// origin-shield.html, "Choosing the AWS Region for Origin Shield".
constexpr std::array<std::string_view, 13> kShieldRegions = {
    "us-east-1",      "us-east-2",      "us-west-1",      "us-west-2",     "ap-south-1",
    "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "eu-central-1",
    "eu-west-1",      "eu-west-2",      "sa-east-1"};

template <class C, class V>
bool contains(const C& c, const V& v) {
  return std::find(std::begin(c), std::end(c), v) != std::end(c);
}

// distribution-web-values-specify.html, "Path pattern": at most 255 characters of
// A-Z a-z 0-9 _ - . * $ / ~ " ' @ : + and &.
bool path_pattern_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("_-.*$/~\"'@:+&?").find(c) != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "d" and 13 base-32 characters, as CloudFront's generated names, stable for an id (FNV-1a).
std::string generated_domain(std::string_view id) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  constexpr std::string_view kDigits = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out = "d";
  for (int i = 0; i < 13; ++i, h >>= 5) out += kDigits[h & 31];
  return out + ".cloudfront.net";
}

class CloudFrontFinalizer {
 public:
  explicit CloudFrontFinalizer(FinalizeContext& c) : c_(c), n_(c.network()) {}

  void run() {
    for (auto& p : n_.cache_policies) cache_policy(p);
    for (auto& k : n_.key_groups) c_.resolve_all(k, k.keys, {Kind::kPublicKey});
    std::map<std::string, std::size_t> alias_owner;
    for (std::size_t i = 0; i < n_.distributions.size(); ++i) {
      distribution(i);
      for (const auto& a : n_.distributions[i].aliases) {
        auto [it, fresh] = alias_owner.emplace(lower(a), i);
        if (!fresh && it->second != i) {
          c_.error(n_.distributions[i], n_.distributions[i].at,
                   "alias `" + a + "` is already an alias of distribution `" +
                       n_.distributions[it->second].id + "` (CNAMEAlreadyExists)");
        }
      }
    }
  }

 private:
  void cache_policy(const CachePolicy& p) {
    ttl_order(p, p.at, p.min_ttl, p.default_ttl, p.max_ttl);
    // cache-key-create-cache-policy.html: with caching disabled (MaxTTL 0) nothing may be in
    // the cache key.
    if (p.max_ttl == 0 && (p.headers.behavior != "none" || p.cookies.behavior != "none" ||
                           p.query_strings.behavior != "none" || p.gzip || p.brotli)) {
      c_.error(p, p.at,
               "a cache policy with MaxTTL 0 (caching disabled) cannot put headers, cookies, "
               "query strings or Accept-Encoding in the cache key (InvalidArgument)");
    }
    key_items(p, p.headers, {"none", "whitelist"}, "HeaderBehavior");
    key_items(p, p.cookies, {"none", "whitelist", "allExcept", "all"}, "CookieBehavior");
    key_items(p, p.query_strings, {"none", "whitelist", "allExcept", "all"},
              "QueryStringBehavior");
  }

  void key_items(const Resource& r, const KeyItems& k, std::initializer_list<std::string_view> ok,
                 std::string_view what) {
    if (!contains(ok, k.behavior)) {
      std::string allowed;
      for (auto s : ok) allowed += (allowed.empty() ? "" : ", ") + std::string(s);
      c_.error(r, k.at.line ? k.at : r.at,
               std::string(what) + " `" + k.behavior + "` is not one of " + allowed);
      return;
    }
    const bool listed = k.behavior == "whitelist" || k.behavior == "allExcept";
    if (listed && k.items.empty()) {
      c_.error(r, k.at.line ? k.at : r.at,
               std::string(what) + " `" + k.behavior + "` needs at least one name");
    }
  }

  void ttl_order(const Resource& r, Location at, std::int64_t min, std::int64_t def,
                 std::int64_t max) {
    for (auto v : {min, def, max}) {
      if (v < 0 || v > kMaxTtl) {
        c_.error(r, at, "a TTL must be between 0 and 3153600000 seconds (100 years)");
        return;
      }
    }
    if (min > def || def > max) {
      c_.error(r, at,
               "TTLs must satisfy MinTTL <= DefaultTTL <= MaxTTL, not " + std::to_string(min) +
                   " / " + std::to_string(def) + " / " + std::to_string(max) + " (InvalidTTLOrder)");
    }
  }

  // A behaviour's policy reference: the network's policy of that id or name, else AWS's managed
  // policy of that id, added to the network once.
  template <class T>
  void policy_ref(const Distribution& d, Ref& ref, Kind kind, std::vector<T>& list,
                  const T* (*managed)(std::string_view)) {
    if (ref.empty()) return;
    if (c_.names_any(ref.text, {kind})) {
      c_.resolve(d, ref, {kind});
      return;
    }
    if (const T* m = managed(ref.text)) {
      for (Index i = 0; i < list.size(); ++i) {
        if (list[i].managed && list[i].id == m->id) {
          ref.index = i;
          return;
        }
      }
      list.push_back(*m);
      list.back().at = ref.at;
      ref.index = static_cast<Index>(list.size() - 1);
      c_.add_key(kind, ref.index);
      return;
    }
    c_.resolve(d, ref, {kind});  // reports it
  }

  void origins(Distribution& d) {
    std::set<std::string> ids;
    if (d.origins.empty()) c_.error(d, d.at, "a distribution needs at least one origin");
    for (auto& o : d.origins) {
      if (o.id.empty()) c_.error(d, o.at, "an origin needs an Id");
      if (!ids.insert(o.id).second) {
        c_.error(d, o.at, "origin Id `" + o.id + "` is used twice in this distribution");
      }
      if (o.domain_name.empty()) c_.error(d, o.at, "origin `" + o.id + "` needs a DomainName");
      if (!o.path.empty() && (o.path.front() != '/' || o.path.back() == '/')) {
        c_.error(d, o.at,
                 "OriginPath `" + o.path + "` must begin with / and not end with / (InvalidArgument)");
      }
      range(d, o.at, "ConnectionAttempts", o.connection_attempts, 1, 3);
      range(d, o.at, "ConnectionTimeout", o.connection_timeout, 1, 10);
      range(d, o.at, "OriginReadTimeout", o.read_timeout, 1, kMaxReadTimeout);
      range(d, o.at, "OriginKeepaliveTimeout", o.keepalive_timeout, 1, kMaxKeepalive);
      range(d, o.at, "HTTPPort", o.http_port, 1, 65535);
      range(d, o.at, "HTTPSPort", o.https_port, 1, 65535);
      if (!contains(std::array<std::string_view, 3>{"http-only", "match-viewer", "https-only"},
                    o.protocol_policy)) {
        c_.error(d, o.at, "OriginProtocolPolicy `" + o.protocol_policy +
                              "` is not http-only, match-viewer or https-only");
      }
      if (o.origin_shield && !contains(kShieldRegions, o.origin_shield_region)) {
        c_.error(d, o.at,
                 "Origin Shield Region `" + o.origin_shield_region +
                     "` is not one CloudFront offers Origin Shield in",
                 "see origin-shield.html, \"Choosing the AWS Region for Origin Shield\"");
      }
      const std::string domain = lower(o.domain_name);
      for (Index i = 0; i < n_.load_balancers.size(); ++i) {
        if (!n_.load_balancers[i].dns_name.empty() &&
            lower(n_.load_balancers[i].dns_name) == domain) {
          o.load_balancer = i;
        }
      }
    }
    std::set<std::string> group_ids;
    for (auto& g : d.origin_groups) {
      if (ids.contains(g.id) || !group_ids.insert(g.id).second) {
        c_.error(d, g.at, "origin group Id `" + g.id + "` is already used in this distribution");
      }
      if (g.members.size() != 2) {
        c_.error(d, g.at, "origin group `" + g.id + "` must have exactly two members, not " +
                              std::to_string(g.members.size()));
      }
      if (g.failover_status_codes.empty()) {
        c_.error(d, g.at, "origin group `" + g.id + "` needs at least one failover status code");
      }
      for (auto code : g.failover_status_codes) {
        if (!contains(kFailoverCodes, code)) {
          c_.error(d, g.at,
                   "origin group `" + g.id + "` cannot fail over on status " +
                       std::to_string(code),
                   "CloudFront fails over on 400, 403, 404, 416, 500, 502, 503 and 504");
        }
      }
      g.member_origins.clear();
      for (const auto& m : g.members) {
        auto it = std::find_if(d.origins.begin(), d.origins.end(),
                               [&](const Origin& o) { return o.id == m; });
        if (it == d.origins.end()) {
          c_.error(d, g.at, "origin group `" + g.id + "` names origin `" + m +
                                "`, which this distribution does not have");
          continue;
        }
        g.member_origins.push_back(static_cast<std::uint32_t>(it - d.origins.begin()));
      }
    }
  }

  void range(const Resource& r, Location at, std::string_view what, std::int64_t v,
             std::int64_t lo, std::int64_t hi) {
    if (v < lo || v > hi) {
      c_.error(r, at, std::string(what) + " " + std::to_string(v) + " is outside " +
                          std::to_string(lo) + ".." + std::to_string(hi));
    }
  }

  void behavior(Distribution& d, CacheBehavior& b, bool is_default) {
    if (!is_default) {
      const auto& p = b.path_pattern;
      if (p.empty() || p.size() > 255) {
        c_.error(d, b.at, "a path pattern must be 1 to 255 characters");
      } else if (auto bad = std::find_if_not(p.begin(), p.end(), path_pattern_char);
                 bad != p.end()) {
        c_.error(d, b.at,
                 "path pattern `" + p + "` has the character `" + std::string(1, *bad) +
                     "`, which CloudFront does not allow",
                 "allowed: A-Z a-z 0-9 _ - . * $ / ~ \" ' @ : + & and ?");
      }
    }
    // Target: an origin or an origin group of this distribution.
    bool found = false;
    for (std::uint32_t i = 0; i < d.origins.size() && !found; ++i) {
      if (d.origins[i].id == b.target_origin_id) {
        b.target_origin = i;
        b.target_is_group = false;
        found = true;
      }
    }
    for (std::uint32_t i = 0; i < d.origin_groups.size() && !found; ++i) {
      if (d.origin_groups[i].id == b.target_origin_id) {
        b.target_origin = i;
        b.target_is_group = true;
        found = true;
      }
    }
    if (!found) {
      c_.error(d, b.at,
               "cache behaviour `" + b.path_pattern + "` targets origin `" + b.target_origin_id +
                   "`, which this distribution does not have (NoSuchOrigin)");
    }
    // distribution-web-values-specify.html, "Allowed HTTP methods" / "Cached HTTP methods".
    constexpr Methods kGetHead = kMethodGet | kMethodHead;
    constexpr Methods kWithOptions = kGetHead | kMethodOptions;
    constexpr Methods kAll = kWithOptions | kMethodPut | kMethodPost | kMethodPatch | kMethodDelete;
    if (b.allowed_methods != kGetHead && b.allowed_methods != kWithOptions &&
        b.allowed_methods != kAll) {
      c_.error(d, b.at,
               "allowed methods `" + methods_text(b.allowed_methods) +
                   "` are not one of CloudFront's three sets",
               "GET, HEAD | GET, HEAD, OPTIONS | GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE");
    }
    if ((b.cached_methods != kGetHead && b.cached_methods != kWithOptions) ||
        (b.cached_methods & ~b.allowed_methods)) {
      c_.error(d, b.at,
               "cached methods `" + methods_text(b.cached_methods) +
                   "` must be GET, HEAD or GET, HEAD, OPTIONS, within the allowed methods");
    }
    if (!contains(std::array<std::string_view, 3>{"allow-all", "redirect-to-https", "https-only"},
                  b.viewer_protocol_policy)) {
      c_.error(d, b.at, "ViewerProtocolPolicy `" + b.viewer_protocol_policy +
                            "` is not allow-all, redirect-to-https or https-only");
    }
    if (b.cache_policy.empty() && !b.legacy) {
      c_.error(d, b.at,
               "cache behaviour `" + b.path_pattern +
                   "` needs a CachePolicyId or the legacy ForwardedValues (InvalidArgument)");
    }
    if (!b.cache_policy.empty() && b.legacy) {
      c_.error(d, b.at,
               "cache behaviour `" + b.path_pattern +
                   "` has both a CachePolicyId and ForwardedValues/TTLs; CloudFront takes one");
    }
    if (b.legacy) {
      ttl_order(d, b.at, b.min_ttl, b.default_ttl, b.max_ttl);
      // Legacy "forward all headers" never caches (MinTTL must be 0).
      if (b.legacy_headers.behavior == "all" && b.min_ttl != 0) {
        c_.error(d, b.at, "forwarding all headers needs MinTTL 0 (InvalidMinimumTTL)");
      }
    }
    policy_ref(d, b.cache_policy, Kind::kCachePolicy, n_.cache_policies, &managed_cache_policy);
    policy_ref(d, b.origin_request_policy, Kind::kOriginRequestPolicy, n_.origin_request_policies,
               &managed_origin_request_policy);
    policy_ref(d, b.response_headers_policy, Kind::kResponseHeadersPolicy,
               n_.response_headers_policies, &managed_response_headers_policy);
    if (b.cache_policy.resolved() && b.cache_policy.index < n_.cache_policies.size()) {
      const auto& cp = n_.cache_policies[b.cache_policy.index];
      // Cookies forwarded by both policies' "all" or lists are fine; a header in both is not.
      if (b.origin_request_policy.resolved() &&
          b.origin_request_policy.index < n_.origin_request_policies.size()) {
        const auto& orp = n_.origin_request_policies[b.origin_request_policy.index];
        for (const auto& h : cp.headers.items) {
          for (const auto& o : orp.headers.items) {
            if (orp.headers.behavior == "whitelist" && lower(h) == lower(o)) {
              c_.error(d, b.at,
                       "header `" + h +
                           "` is in both the cache policy and the origin request policy "
                           "(InvalidArgument: a header may be in only one)");
            }
          }
        }
      }
    }
    c_.resolve_all(d, b.trusted_key_groups, {Kind::kKeyGroup});
  }

  void distribution(std::size_t index) {
    auto& d = n_.distributions[index];
    if (d.domain_name.empty()) d.domain_name = generated_domain(d.id);
    origins(d);
    behavior(d, d.default_behavior, true);
    std::set<std::string> patterns;
    for (auto& b : d.behaviors) {
      behavior(d, b, false);
      std::string p = b.path_pattern;
      if (!p.empty() && p.front() == '/') p.erase(0, 1);
      if (!patterns.insert(p).second) {
        c_.error(d, b.at, "path pattern `" + b.path_pattern + "` is used by two cache behaviours");
      }
    }
    std::set<std::int64_t> codes;
    for (const auto& e : d.custom_error_responses) {
      if (!contains(kErrorCodes, e.error_code)) {
        c_.error(d, e.at,
                 "a custom error response cannot be for status " + std::to_string(e.error_code),
                 "CloudFront allows 400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504");
      }
      if (!codes.insert(e.error_code).second) {
        c_.error(d, e.at, "two custom error responses for status " + std::to_string(e.error_code));
      }
      if (e.response_code.has_value() != !e.response_page_path.empty()) {
        c_.error(d, e.at,
                 "a custom error response needs ResponseCode and ResponsePagePath together "
                 "(InvalidResponseCode)");
      }
      if (!e.response_page_path.empty() && e.response_page_path.front() != '/') {
        c_.error(d, e.at, "ResponsePagePath `" + e.response_page_path + "` must begin with /");
      }
      if (e.response_code && *e.response_code != 200 && !contains(kErrorCodes, *e.response_code)) {
        c_.error(d, e.at, "ResponseCode " + std::to_string(*e.response_code) +
                              " is not 200 or one of the error codes CloudFront allows");
      }
      if (e.error_caching_min_ttl && (*e.error_caching_min_ttl < 0 ||
                                      *e.error_caching_min_ttl > 31536000)) {
        c_.error(d, e.at, "ErrorCachingMinTTL must be 0 to 31536000 seconds");
      }
    }
    if (!d.default_root_object.empty() && d.default_root_object.front() == '/') {
      c_.error(d, d.at,
               "DefaultRootObject `" + d.default_root_object +
                   "` must not begin with / (InvalidDefaultRootObject)");
    }
  }

  FinalizeContext& c_;
  Network& n_;
};

}  // namespace

void finalize_cloudfront(FinalizeContext& c) { CloudFrontFinalizer(c).run(); }

}  // namespace cloudtwin::model
