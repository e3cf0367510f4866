// The origin's caching headers as values: Cache-Control response directives (RFC 9111 §5.2) and
// Age (RFC 9111 §5.1, §4.2.3). Parsers take arbitrary bytes, never throw and never allocate;
// string_views in the results point into the parsed text. rules.h decides TTLs from them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cloudtwin::cdn {

// RFC 9111 §1.2.2: a delta-seconds value too large to represent is taken as 2^31.
inline constexpr std::int64_t kDeltaSecondsCap = 2147483648;

// The response directives of one Cache-Control field value. Repeated header lines are joined
// with "," before parsing (RFC 9110 §5.3), so "max-age=1" and "max-age=2" on two lines is
// "max-age=1,max-age=2".
//
// Parsing (RFC 9111 §5.2, cache-tests cc-parse):
// - directive names are case-insensitive; unknown directives are skipped;
// - a value is a token or a quoted-string (recipients accept both, §5.2), so `max-age="60"` is
//   60 and a comma or directive text inside quotes is never a directive
//   (`ext="max-age=1"` sets nothing);
// - delta-seconds are 1*DIGIT, leading zeros allowed (`003600` = 3600), capped at 2^31;
// - duplicates: the first occurrence wins (§4.2.1 "the first occurrence should be used");
// - an invalid max-age or s-maxage (`max-age=abc`, `-1`, `3600.0`, `'60'`, `max-age`, `max-age
//   =60`) makes the response stale: the directive counts as present with value 0 and
//   `*_invalid` is set (§4.2.1 "caches are encouraged to consider responses that have invalid
//   freshness information ... to be stale"); an invalid stale-while-revalidate or
//   stale-if-error is ignored;
// - no-cache and private with field names (`no-cache="Set-Cookie"`) are recorded as no-cache /
//   private, with the names in `*_fields` (CloudFront's table does not distinguish the qualified
//   forms, so the edge treats them like the plain directive: docs/cdn.md "Rules").
struct CacheControl {
  std::optional<std::int64_t> max_age;
  std::optional<std::int64_t> s_maxage;
  bool max_age_invalid = false;
  bool s_maxage_invalid = false;
  std::optional<std::int64_t> stale_while_revalidate;  // RFC 5861 §3
  std::optional<std::int64_t> stale_if_error;          // RFC 5861 §4
  bool no_cache = false;
  bool no_store = false;
  bool is_private = false;
  bool is_public = false;
  bool must_revalidate = false;
  bool proxy_revalidate = false;
  bool no_transform = false;
  bool immutable = false;  // RFC 8246
  // The quoted field names of `no-cache="..."` / `private="..."`, without the quotes (escapes
  // left as sent); empty for the unqualified forms.
  std::string_view no_cache_fields;
  std::string_view private_fields;
  // Any directive at all (known or not) was present.
  bool any = false;

  // The directives CloudFront's TTL table reads as "caching fields": max-age or s-maxage.
  bool has_lifetime() const { return max_age.has_value() || s_maxage.has_value(); }
};

[[nodiscard]] CacheControl parse_cache_control(std::string_view field_value);

// The Age field (RFC 9111 §5.1): a list-valued Age uses its first member; a member that is not
// a non-negative integer makes the field ignored (nullopt): "abc", "-7200", "7200.0" -> nullopt,
// "7200,0" -> 7200, "0, 7200" -> 0. Values above 2^31 are 2^31.
[[nodiscard]] std::optional<std::int64_t> parse_age(std::string_view field_value);

// RFC 9111 §4.2.3, the age of a response when it arrived: max(apparent_age,
// corrected_age_value), where apparent_age = max(0, response_time - Date) and
// corrected_age_value = Age + (response_time - request_time). Missing Date or Age count as 0
// apparent age / 0 Age.
std::int64_t corrected_initial_age(std::optional<std::int64_t> age_value,
                                   std::optional<std::int64_t> date_value,
                                   std::int64_t request_time, std::int64_t response_time);

// RFC 9111 §4.2.3: current_age = corrected_initial_age + (now - response_time), never negative;
// the value of the Age header the edge sends with a stored response.
std::int64_t current_age(std::int64_t corrected_initial_age, std::int64_t response_time,
                         std::int64_t now);

}  // namespace cloudtwin::cdn
