// CloudFront's rules as pure functions (shared/reference/cloudfront.md): which cache behaviour
// a path selects (§1), what the origin's caching headers make of an object's TTL (§3, §4),
// which requests an invalidation path removes (§10), how Accept-Encoding is normalised into the
// cache key (§5) and what may be compressed (§12). The edge (server.cc) and the explanation use
// them; tests check them against the Developer Guide's tables. docs/cdn.md "Rules" lists every rule
// with its source and the choices made where AWS is silent.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/cdn/cache_control.h"
#include "cloudtwin/model/cloudfront.h"

namespace cloudtwin::cdn {

// `*` zero or more characters, `?` exactly one, everything else literal and case-sensitive: the
// wildcards of path patterns (§1) and of signed-URL policy resources (§11).
bool wildcard_match(std::string_view pattern, std::string_view text);

// §1: `*` is zero or more characters (including `/`), `?` exactly one; case-sensitive; a
// leading `/` on either side is optional; the query string is not part of `path`.
bool path_matches(std::string_view pattern, std::string_view path);

// §1: the index in d.behaviors of the first behaviour whose pattern matches `path`, or
// d.behaviors.size() for the default behaviour.
std::size_t select_behavior(const model::Distribution& d, std::string_view path);

// ---- TTLs (§3, §4) ----------------------------------------------------------------------------

// A behaviour's MinTTL, DefaultTTL and MaxTTL in seconds (its cache policy, or its legacy
// settings). CloudFront's API keeps Min <= Default <= Max; if a value breaks that, MinTTL wins
// over MaxTTL.
struct TtlPolicy {
  std::int64_t min_ttl = 0;
  std::int64_t default_ttl = 86400;
  std::int64_t max_ttl = 31536000;
};
TtlPolicy ttl_policy(const model::CachePolicy& p);
TtlPolicy ttl_policy(const model::CacheBehavior& legacy);

// §4 (custom-error-pages-expiration): without a custom error response for the status, errors are
// cached for 10 seconds.
inline constexpr std::int64_t kDefaultErrorCachingMinTtl = 10;

// The distribution's ErrorCachingMinTTL for `status`, if a custom error response sets one.
std::optional<std::int64_t> error_caching_min_ttl(const model::Distribution& d, int status);

// What decide_ttl reads from an origin response. Header values are as received; several
// Cache-Control lines joined with ","; for Expires and Date the first line.
struct OriginResponseFacts {
  int status = 200;
  std::string_view cache_control;
  std::optional<std::string_view> expires;
  std::optional<std::string_view> date;
  bool has_vary_star = false;  // Vary contains "*"
};

// Which table row decided.
enum class TtlSource : std::uint8_t {
  kSMaxAge,           // §3 s-maxage (over max-age and Expires)
  kMaxAge,            // §3 max-age (over Expires)
  kExpires,           // §3 Expires
  kDefaultTtl,        // §3 no max-age, s-maxage or Expires
  kNoCacheDirective,  // §3 no-cache / no-store / private
  kErrorCaching,      // §4 an error status cached for max(ErrorCachingMinTTL, header)
  kNotCacheable,  // §4 a status CloudFront does not cache (or not without the headers it needs)
};

struct TtlDecision {
  bool store = false;
  // Freshness lifetime in seconds (already clamped). The time left when the response arrives is
  // ttl - corrected_initial_age (cache_control.h); 0 means stored but revalidated on every
  // request (with If-None-Match / If-Modified-Since, §3 "Revalidation").
  std::int64_t ttl = 0;
  // RFC 5861 directives as sent (nullopt when absent; the edge's defaults apply then: §3, §4 serve
  // a stale object for the error-caching minimum TTL when the origin fails).
  std::optional<std::int64_t> stale_while_revalidate;
  std::optional<std::int64_t> stale_if_error;
  // must-revalidate or proxy-revalidate (RFC 9111 §4.2.4: no stale reuse).
  bool must_revalidate = false;
  // §3 no-cache/no-store/private with MinTTL > 0: the stored copy is only a fallback; every
  // request still goes to the origin first.
  bool origin_first = false;
  // §3 Vary: * with MinTTL 0: stored, but every request goes to the origin without conditional
  // headers.
  bool unconditional_refetch = false;
  // §8: concurrent misses for this object may be collapsed into one origin request. False with
  // MinTTL 0 and private, no-store, no-cache, max-age=0 or s-maxage=0.
  bool collapse_ok = true;
  TtlSource source = TtlSource::kNotCacheable;
  // One sentence naming the row, e.g. "max-age 300 clamped to MaxTTL 60" (for the explain
  // header).
  std::string rule;
};

// §3 and §4: whether and how long CloudFront keeps a response to a cacheable request (GET, HEAD,
// and OPTIONS when cached). `now` is used only for an Expires without a valid Date.
// `error_caching_min_ttl` is the custom error response's value for this status, if any.
[[nodiscard]] TtlDecision decide_ttl(
    const TtlPolicy& policy, const OriginResponseFacts& response, std::int64_t now,
    std::optional<std::int64_t> error_caching_min_ttl = std::nullopt);

// ---- invalidation (§10) -----------------------------------------------------------------------

inline constexpr std::size_t kMaxInvalidationPathLength = 4000;

// Why CreateInvalidation would reject `path`, or nullopt: it must begin with `/` (the API's
// rule; the console adds it), may hold `*` only as its last character, and is at most 4,000
// characters.
[[nodiscard]] std::optional<std::string> invalidation_path_error(std::string_view path);

// Whether an invalidation path removes the cached object whose cache key has this path and
// query (Invalidation.html). Byte-exact and case-sensitive (no percent-decoding: "URL-encode
// only non-ASCII and unsafe characters ... or CloudFront will not invalidate"). A trailing `*`
// matches every object whose `path[?query]` starts with the rest (`/images/image.jpg*` removes
// all query variants of image.jpg, `/*` everything). Without `*` the path must equal the
// object's `path[?query]` exactly.
//
// `path_and_query` is the object's path, plus `?` and the query string when query strings are in
// the cache key. With `query_in_cache_key` false the query part of `path_and_query` is dropped
// first: an object cached without its query string is one object, and its exact path
// invalidates it whatever query the viewer sent ("with forwarded query strings, include them or
// use a trailing *" applies only when they are in the key). Header and cookie variants of the
// object are all removed (§5).
[[nodiscard]] bool invalidation_matches(std::string_view invalidation_path,
                                        std::string_view path_and_query,
                                        bool query_in_cache_key = true);

// ---- compression (§5, §12) --------------------------------------------------------------------

// §5 (controlling-the-cache-key.html, "Cache compressed objects"): the Accept-Encoding value the
// cache key and the origin request get, from the viewer's header and the cache policy's
// EnableAcceptEncodingGzip/Brotli: "br,gzip", "gzip", "br", or "" when the viewer accepts none
// of the enabled formats (then the key has no Accept-Encoding and the origin gets
// `Accept-Encoding: identity`). Codings are case-insensitive tokens; a coding with q=0 (or an
// invalid q) is not accepted; `*` and `x-gzip` are not gzip or br; other codings are dropped.
// When neither format is enabled the result is "" and the header is an ordinary header. A
// request without Accept-Encoding sends none to the origin (the caller's case).
[[nodiscard]] std::string_view normalize_accept_encoding(std::string_view header, bool gzip,
                                                         bool brotli);

// §12 (ServingCompressedFiles.html, "Conditions for compression" and "File types that
// CloudFront compresses"): the response's media type (parameters and case ignored) is in
// CloudFront's list, it has a Content-Length of 1,000 to 10,000,000 bytes, and no
// Content-Encoding.
[[nodiscard]] bool compressible(std::string_view content_type,
                                std::optional<std::uint64_t> content_length,
                                bool has_content_encoding);

// CloudFront's list of compressible media types, lower case, sorted.
const std::vector<std::string_view>& compressible_content_types();

// ---- ranges (§12) -----------------------------------------------------------------------------

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
  friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

// More ranges than this in one header are answered with the full object (RFC 9110 §14.2 lets a
// server ignore a Range it finds excessive; CloudFront's limit is not documented).
inline constexpr std::size_t kMaxRanges = 16;

struct RangeDecision {
  enum class Kind : std::uint8_t {
    kFull,           // 200 with the whole object: no, unknown-unit, invalid or refused Range
    kPartial,        // 206 with ranges[0..count)
    kUnsatisfiable,  // 416 with Content-Range: bytes */size
  };
  Kind kind = Kind::kFull;
  std::array<ByteRange, kMaxRanges> ranges{};
  std::size_t count = 0;
  std::string_view reason;  // why kFull / kUnsatisfiable, for the explanation
};

// §12 (RangeGETs.html; RFC 9110 §14.1.2, §14.2): a `Range: bytes=...` header against an object
// of `size` bytes. Satisfiable ranges are resolved (open ends and suffixes against the size, the
// last position clamped to size-1) in the order sent; CloudFront answers 200 with the full object
// when the ranges are not ascending, overlap, or any is invalid (negative, last < first, not a
// number). Ranges that start at or beyond the end are dropped; when none is left the answer is
// 416. One range -> kPartial with one range (a plain 206); several -> kPartial with all of them,
// for a multipart/byteranges 206 ("CloudFront generally follows the RFC").
[[nodiscard]] RangeDecision evaluate_range(std::string_view range_header, std::uint64_t size);

}  // namespace cloudtwin::cdn
