// CloudFront's rules as pure functions (rules.h).
#include "cloudtwin/cdn/rules.h"

#include <algorithm>
#include <climits>
#include <cstdint>

#include "cloudtwin/cdn/http_date.h"

namespace cloudtwin::cdn {

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Iterative matching with one backtrack point: linear in practice, O(n*m) at worst (patterns
  // are at most 255 characters in a behaviour, a few hundred in a policy).
  std::size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[s])) {
      ++p;
      ++s;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool path_matches(std::string_view pattern, std::string_view path) {
  if (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return wildcard_match(pattern, path);
}

std::size_t select_behavior(const model::Distribution& d, std::string_view path) {
  for (std::size_t i = 0; i < d.behaviors.size(); ++i)
    if (path_matches(d.behaviors[i].path_pattern, path)) return i;
  return d.behaviors.size();
}

}  // namespace cloudtwin::cdn

// ---- TTLs ---------------------------------------------------------------------------------------

namespace cloudtwin::cdn {
namespace {

std::string sec(std::int64_t v) { return std::to_string(v); }

// §3 clamp: below MinTTL -> MinTTL, above MaxTTL -> MaxTTL. With MinTTL 0 this is
// min(value, MaxTTL), the MinTTL = 0 column.
std::int64_t clamp_ttl(std::int64_t v, const TtlPolicy& p) {
  return std::max(p.min_ttl, std::min(v, p.max_ttl));
}

// "max-age 300", then " clamped to MaxTTL 60" / " raised to MinTTL 600" / "" as it applies.
std::string clamp_note(std::int64_t v, const TtlPolicy& p) {
  if (v > p.max_ttl && p.max_ttl >= p.min_ttl) return " clamped to MaxTTL " + sec(p.max_ttl);
  if (v < p.min_ttl) return " raised to MinTTL " + sec(p.min_ttl);
  return " within MinTTL " + sec(p.min_ttl) + " and MaxTTL " + sec(p.max_ttl);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The Expires lifetime: Expires - Date (RFC 9111 §4.2.1), or Expires - now without a valid
// Date; an invalid Expires (such as "0") is already expired (RFC 9111 §5.3).
std::int64_t expires_lifetime(std::string_view expires, std::optional<std::string_view> date,
                              std::int64_t now, bool& valid) {
  auto e = parse_http_date(expires, now);
  valid = e.has_value();
  if (!e) return 0;
  std::int64_t base = now;
  if (date) {
    if (auto d = parse_http_date(*date, now)) base = *d;
  }
  return std::clamp<std::int64_t>(*e - base, 0, kDeltaSecondsCap);
}

bool always_cached_error(int status) {
  switch (status) {
    case 404:
    case 414:
    case 500:
    case 501:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

bool cached_error_with_max_age(int status) {
  switch (status) {
    case 400:
    case 403:
    case 405:
    case 412:
    case 415:
      return true;
    default:
      return false;
  }
}

void copy_stale_fields(const CacheControl& cc, TtlDecision& d) {
  d.stale_while_revalidate = cc.stale_while_revalidate;
  d.stale_if_error = cc.stale_if_error;
  d.must_revalidate = cc.must_revalidate || cc.proxy_revalidate;
}

}  // namespace

TtlPolicy ttl_policy(const model::CachePolicy& p) {
  return TtlPolicy{p.min_ttl, p.default_ttl, p.max_ttl};
}

TtlPolicy ttl_policy(const model::CacheBehavior& b) {
  return TtlPolicy{b.min_ttl, b.default_ttl, b.max_ttl};
}

std::optional<std::int64_t> error_caching_min_ttl(const model::Distribution& d, int status) {
  for (const auto& r : d.custom_error_responses)
    if (r.error_code == status && r.error_caching_min_ttl) return r.error_caching_min_ttl;
  return std::nullopt;
}

TtlDecision decide_ttl(const TtlPolicy& p, const OriginResponseFacts& r, std::int64_t now,
                       std::optional<std::int64_t> error_min) {
  TtlDecision d;
  const CacheControl cc = parse_cache_control(r.cache_control);
  copy_stale_fields(cc, d);
  const std::string code = std::to_string(r.status);

  // The header lifetime CloudFront reads: s-maxage over max-age over Expires.
  std::optional<std::int64_t> lifetime;
  std::string lifetime_name;
  TtlSource lifetime_source = TtlSource::kDefaultTtl;
  if (cc.s_maxage) {
    lifetime = cc.s_maxage;
    lifetime_name =
        cc.s_maxage_invalid ? "invalid s-maxage (stale)" : "s-maxage " + sec(*cc.s_maxage);
    if (cc.max_age) lifetime_name += " (over max-age)";
    lifetime_source = TtlSource::kSMaxAge;
  } else if (cc.max_age) {
    lifetime = cc.max_age;
    lifetime_name = cc.max_age_invalid ? "invalid max-age (stale)" : "max-age " + sec(*cc.max_age);
    if (r.expires) lifetime_name += " (over Expires)";
    lifetime_source = TtlSource::kMaxAge;
  } else if (r.expires) {
    bool valid = false;
    lifetime = expires_lifetime(*r.expires, r.date, now, valid);
    lifetime_name =
        valid ? "Expires in " + sec(*lifetime) + " s" : "invalid Expires (already expired)";
    lifetime_source = TtlSource::kExpires;
  }

  // §4: error statuses.
  if (r.status == 416) {
    d.source = TtlSource::kNotCacheable;
    d.rule = "416 is never cached";
    return d;
  }
  const bool always = always_cached_error(r.status);
  const bool with_max_age = cached_error_with_max_age(r.status);
  if (always || with_max_age) {
    d.source = TtlSource::kErrorCaching;
    if (with_max_age && !cc.has_lifetime()) {
      d.source = TtlSource::kNotCacheable;
      d.rule = code + " without Cache-Control max-age or s-maxage is not cached";
      return d;
    }
    const std::int64_t floor = error_min.value_or(kDefaultErrorCachingMinTtl);
    const std::string floor_name =
        (error_min ? "ErrorCachingMinTTL " : "default ErrorCachingMinTTL ") + sec(floor);
    // max-age and s-maxage cannot exceed the behaviour's MaxTTL (custom-error-pages-expiration).
    if (lifetime) {
      std::int64_t header = std::min(*lifetime, p.max_ttl);
      d.ttl = std::max(floor, header);
      d.rule = code + ": max(" + floor_name + ", " + lifetime_name +
               (header < *lifetime ? " capped at MaxTTL " + sec(p.max_ttl) : std::string()) +
               ") = " + sec(d.ttl);
    } else {
      d.ttl = floor;
      d.rule = code + " without max-age, s-maxage or Expires: " + floor_name;
    }
    d.ttl = std::max<std::int64_t>(d.ttl, 0);
    d.store = d.ttl > 0;
    if (!d.store) d.rule += " (0: not cached)";
    d.collapse_ok = d.store;
    return d;
  }
  if (r.status >= 400) {
    d.source = TtlSource::kNotCacheable;
    d.rule = code + " is not among the 4xx/5xx codes CloudFront caches";
    return d;
  }
  if ((r.status == 307 || r.status == 308) && trim(r.cache_control).empty()) {
    d.source = TtlSource::kNotCacheable;
    d.rule = code + " without Cache-Control is not cached";
    return d;
  }

  // §3: no-cache, no-store, private.
  if (cc.no_cache || cc.no_store || cc.is_private) {
    d.source = TtlSource::kNoCacheDirective;
    std::string which = cc.no_store ? "no-store" : cc.no_cache ? "no-cache" : "private";
    if (p.min_ttl <= 0) {
      d.collapse_ok = false;
      d.rule = which + " with MinTTL 0: not cached";
      return d;
    }
    d.store = true;
    d.ttl = p.min_ttl;
    d.origin_first = true;
    d.rule = which + " with MinTTL " + sec(p.min_ttl) +
             ": kept for MinTTL as a fallback, the origin is asked first";
    return d;
  }

  d.store = true;
  if (lifetime) {
    d.source = lifetime_source;
    d.ttl = clamp_ttl(*lifetime, p);
    d.rule = lifetime_name + clamp_note(*lifetime, p);
    // §8: max-age=0 or s-maxage=0 with MinTTL 0 turns collapsing off for the object.
    if (p.min_ttl <= 0 && *lifetime == 0 &&
        (lifetime_source == TtlSource::kSMaxAge || lifetime_source == TtlSource::kMaxAge))
      d.collapse_ok = false;
  } else {
    d.source = TtlSource::kDefaultTtl;
    d.ttl = std::max(p.min_ttl, p.default_ttl);
    d.rule = p.min_ttl > p.default_ttl
                 ? "no max-age, s-maxage or Expires: MinTTL " + sec(p.min_ttl) +
                       " over DefaultTTL " + sec(p.default_ttl)
                 : "no max-age, s-maxage or Expires: DefaultTTL " + sec(p.default_ttl);
  }
  if (r.has_vary_star && p.min_ttl <= 0) {
    d.unconditional_refetch = true;
    d.rule += "; Vary: * with MinTTL 0: every request goes to the origin";
  }
  return d;
}

// ---- invalidation ---------------------------------------------------------------------------

std::optional<std::string> invalidation_path_error(std::string_view path) {
  if (path.empty() || path.front() != '/') return "an invalidation path must begin with /";
  if (path.size() > kMaxInvalidationPathLength)
    return "an invalidation path is at most 4000 characters (this one has " +
           std::to_string(path.size()) + ")";
  auto star = path.find('*');
  if (star != std::string_view::npos && star != path.size() - 1)
    return "* may only be the last character of an invalidation path";
  return std::nullopt;
}

bool invalidation_matches(std::string_view inval, std::string_view object,
                          bool query_in_cache_key) {
  if (!query_in_cache_key) object = object.substr(0, object.find('?'));
  if (!inval.empty() && inval.back() == '*') {
    inval.remove_suffix(1);
    return object.substr(0, inval.size()) == inval;
  }
  return object == inval;
}

// ---- compression ----------------------------------------------------------------------------

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// RFC 9110 §12.4.2 qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")]. Returns whether it is valid
// and sets `zero` when it is 0.
bool parse_qvalue(std::string_view v, bool& zero) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return false;
  bool one = v[0] == '1';
  bool all_zero = true;
  if (v.size() > 1) {
    if (v[1] != '.' || v.size() > 5) return false;
    for (char c : v.substr(2)) {
      if (c < '0' || c > '9') return false;
      if (c != '0') all_zero = false;
    }
    if (one && !all_zero) return false;
  }
  zero = !one && all_zero;
  return true;
}

}  // namespace

std::string_view normalize_accept_encoding(std::string_view header, bool gzip, bool brotli) {
  // The first member naming a coding decides for it.
  int gzip_seen = 0, br_seen = 0;  // 0 unseen, 1 accepted, -1 refused
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view member = header.substr(0, comma);
    header.remove_prefix(comma == std::string_view::npos ? header.size() : comma + 1);
    std::size_t semi = member.find(';');
    std::string_view coding = trim(member.substr(0, semi));
    bool accepted = true;
    if (semi != std::string_view::npos) {
      // Parameters: only "q" is defined (weight = OWS ";" OWS "q=" qvalue).
      std::string_view params = member.substr(semi + 1);
      accepted = false;
      std::string_view param = trim(params.substr(0, params.find(';')));
      if (param.size() >= 2 && lower(param[0]) == 'q' && param[1] == '=') {
        bool zero = false;
        accepted = parse_qvalue(param.substr(2), zero) && !zero;
      }
    }
    if (iequals(coding, "gzip") && gzip_seen == 0) gzip_seen = accepted ? 1 : -1;
    if (iequals(coding, "br") && br_seen == 0) br_seen = accepted ? 1 : -1;
  }
  const bool g = gzip && gzip_seen == 1;
  const bool b = brotli && br_seen == 1;
  if (g && b) return "br,gzip";
  if (b) return "br";
  if (g) return "gzip";
  return "";
}

const std::vector<std::string_view>& compressible_content_types() {
  // ServingCompressedFiles.html "File types that CloudFront compresses" (guide source, March
  // 2023), sorted.
  static const std::vector<std::string_view> kTypes = [] {
    std::vector<std::string_view> v = {
        "application/dash+xml",
        "application/eot",
        "application/font",
        "application/font-sfnt",
        "application/javascript",
        "application/json",
        "application/opentype",
        "application/otf",
        "application/pkcs7-mime",
        "application/protobuf",
        "application/rss+xml",
        "application/truetype",
        "application/ttf",
        "application/vnd.apple.mpegurl",
        "application/vnd.mapbox-vector-tile",
        "application/vnd.ms-fontobject",
        "application/xhtml+xml",
        "application/xml",
        "application/x-font-opentype",
        "application/x-font-truetype",
        "application/x-font-ttf",
        "application/x-httpd-cgi",
        "application/x-javascript",
        "application/x-mpegurl",
        "application/x-opentype",
        "application/x-otf",
        "application/x-perl",
        "application/x-ttf",
        "font/eot",
        "font/opentype",
        "font/otf",
        "font/ttf",
        "image/svg+xml",
        "text/css",
        "text/csv",
        "text/html",
        "text/javascript",
        "text/js",
        "text/plain",
        "text/richtext",
        "text/tab-separated-values",
        "text/xml",
        "text/x-component",
        "text/x-java-source",
        "text/x-script",
        "vnd.apple.mpegurl",
    };
    std::sort(v.begin(), v.end());
    return v;
  }();
  return kTypes;
}

bool compressible(std::string_view content_type, std::optional<std::uint64_t> content_length,
                  bool has_content_encoding) {
  if (has_content_encoding || !content_length) return false;
  if (*content_length < 1000 || *content_length > 10000000) return false;
  std::string_view media = trim(content_type.substr(0, content_type.find(';')));
  if (media.empty() || media.size() > 64) return false;
  char buf[64];
  for (std::size_t i = 0; i < media.size(); ++i) buf[i] = lower(media[i]);
  const auto& types = compressible_content_types();
  return std::binary_search(types.begin(), types.end(), std::string_view(buf, media.size()));
}

// ---- ranges ---------------------------------------------------------------------------------

namespace {

// 1*DIGIT, saturating at UINT64_MAX.
bool parse_u64(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    v = v > (UINT64_MAX - digit) / 10 ? UINT64_MAX : v * 10 + digit;
  }
  out = v;
  return true;
}

RangeDecision full(std::string_view why) {
  RangeDecision r;
  r.kind = RangeDecision::Kind::kFull;
  r.reason = why;
  return r;
}

}  // namespace

RangeDecision evaluate_range(std::string_view header, std::uint64_t size) {
  header = trim(header);
  constexpr std::string_view kUnit = "bytes=";
  if (header.size() < kUnit.size() || !iequals(header.substr(0, kUnit.size()), kUnit))
    return full("not a bytes range");
  std::string_view set = header.substr(kUnit.size());
  RangeDecision r;
  r.kind = RangeDecision::Kind::kPartial;
  bool any_spec = false;
  bool have_prev = false;
  std::uint64_t prev_last = 0;
  while (true) {
    std::size_t comma = set.find(',');
    std::string_view spec = trim(set.substr(0, comma));
    if (!spec.empty()) {  // RFC 9110 §5.6.1: empty list elements are ignored
      any_spec = true;
      std::size_t dash = spec.find('-');
      if (dash == std::string_view::npos) return full("invalid range (no -)");
      std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
      std::uint64_t first = 0, last = 0;
      bool satisfiable = false;
      if (a.empty()) {
        // suffix-range: the last b bytes
        std::uint64_t n = 0;
        if (!parse_u64(b, n)) return full("invalid suffix range");
        if (n > 0 && size > 0) {
          satisfiable = true;
          first = size - std::min(n, size);
          last = size - 1;
        }
      } else {
        if (!parse_u64(a, first)) return full("invalid range start");
        if (b.empty()) {
          last = UINT64_MAX;
        } else if (!parse_u64(b, last)) {
          return full("invalid range end");
        } else if (last < first) {
          return full("invalid range (last before first)");
        }
        if (first < size) {
          satisfiable = true;
          last = std::min(last, size - 1);
        }
      }
      if (satisfiable) {
        if (have_prev && first <= prev_last) return full("ranges overlap or are not ascending");
        if (r.count == kMaxRanges) return full("too many ranges");
        r.ranges[r.count++] = ByteRange{first, last};
        have_prev = true;
        prev_last = last;
      }
    }
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
  }
  if (!any_spec) return full("empty range set");
  if (r.count == 0) {
    r.kind = RangeDecision::Kind::kUnsatisfiable;
    r.reason = "no range starts before the end of the object";
  }
  return r;
}

}  // namespace cloudtwin::cdn
