// HTTP dates (RFC 9110 §5.6.7) as Unix seconds: the three formats a recipient must accept
// (IMF-fixdate, the obsolete RFC 850 and asctime formats) and IMF-fixdate for what the edge sends
// (Date, Last-Modified, Expires). The parser takes arbitrary bytes and never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cloudtwin::cdn {

// "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT" or
// "Sun Nov  6 08:49:37 1994" -> 784111777; anything else (including `0`, `-1` and dates with
// another zone than GMT) -> nullopt. Day and month names and "GMT" are compared
// case-insensitively and the day name is not checked against the date (RFC 9110 §5.6.7:
// recipients are encouraged to be robust). Surrounding whitespace is ignored.
//
// RFC 850's two-digit year: with `now`, a year that would be more than 50 years after `now` is
// the most recent past year with those digits (RFC 9110 §5.6.7); without, 70-99 are 19xx and
// 00-69 are 20xx.
[[nodiscard]] std::optional<std::int64_t> parse_http_date(
    std::string_view text, std::optional<std::int64_t> now = std::nullopt);

// IMF-fixdate of Unix seconds: 784111777 -> "Sun, 06 Nov 1994 08:49:37 GMT". Years outside
// 0001..9999 are clamped to that range.
std::string format_http_date(std::int64_t unix_seconds);

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12); used by the parser and the
// signed-URL tests.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

}  // namespace cloudtwin::cdn
