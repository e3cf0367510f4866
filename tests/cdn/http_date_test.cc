// HTTP dates (src/cdn/http_date.h) against RFC 9110 §5.6.7 and the cache-tests expires-parse
// suite; Expires handling in shared/reference/cloudfront.md §3 (Expiration.html: "Expires ...
// RFC 2616 full date").
#include "cloudtwin/cdn/http_date.h"

#include <gtest/gtest.h>

namespace cloudtwin::cdn {
namespace {

constexpr std::int64_t k1994 = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example)

struct DateRow {
  const char* name;
  const char* text;
  std::optional<std::int64_t> want;
};

// RFC 9110 §5.6.7: all three formats are accepted; everything else is invalid (and an invalid
// Expires means "already expired", RFC 9111 §5.3 - checked in ttl_test.cc).
TEST(HttpDate, ThreeFormatsAndInvalidOnes) {
  const DateRow rows[] = {
      {"imf-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT", k1994},
      {"rfc850", "Sunday, 06-Nov-94 08:49:37 GMT", k1994},
      {"asctime", "Sun Nov  6 08:49:37 1994", k1994},
      {"asctime two-digit day", "Sun Nov 16 08:49:37 1994", k1994 + 10 * 86400},
      {"surrounding whitespace", "  Sun, 06 Nov 1994 08:49:37 GMT\t", k1994},
      {"epoch", "Thu, 01 Jan 1970 00:00:00 GMT", 0},
      {"before the epoch", "Wed, 31 Dec 1969 23:59:59 GMT", -1},
      {"leap day", "Thu, 29 Feb 2024 00:00:00 GMT", 1709164800},
      // cache-tests expires-parse "check" rows: case is tolerated ...
      {"upper-case weekday", "THU, 18 Aug 2050 02:01:18 GMT", 2544400878},
      {"upper-case month", "Thu, 18 AUG 2050 02:01:18 GMT", 2544400878},
      {"lower-case zone", "Thu, 18 Aug 2050 02:01:18 gMT", 2544400878},
      // ... anything outside the grammar is not.
      {"UTC instead of GMT", "Thu, 18 Aug 2050 02:01:18 UTC", std::nullopt},
      {"two-digit year in IMF-fixdate", "Thu, 18 Aug 50 02:01:18 GMT", std::nullopt},
      {"missing comma", "Thu 18 Aug 2050 02:01:18 GMT", std::nullopt},
      {"double spaces", "Thu, 18  Aug  2050 02:01:18 GMT", std::nullopt},
      {"dashes in IMF-fixdate", "Thu, 18-Aug-2050 02:01:18 GMT", std::nullopt},
      {"periods in the time", "Thu, 18 Aug 2050 02.01.18 GMT", std::nullopt},
      {"one-digit hour", "Thu, 18 Aug 2050 2:01:18 GMT", std::nullopt},
      {"zero", "0", std::nullopt},
      {"minus one", "-1", std::nullopt},
      {"empty", "", std::nullopt},
      {"30 February", "Sun, 30 Feb 2020 00:00:00 GMT", std::nullopt},
      {"hour 24", "Sun, 06 Nov 1994 24:00:00 GMT", std::nullopt},
      {"trailing text", "Sun, 06 Nov 1994 08:49:37 GMT x", std::nullopt},
      {"truncated", "Sun, 06 Nov 1994 08:49", std::nullopt},
  };
  for (const auto& r : rows) EXPECT_EQ(parse_http_date(r.text), r.want) << r.name;
}

// RFC 9110 §5.6.7: an rfc850 two-digit year more than 50 years in the future is the most recent
// past year with those digits.
TEST(HttpDate, Rfc850TwoDigitYearIsRelativeToNow) {
  const std::int64_t now_2026 = 1767225600;  // 2026-01-01
  EXPECT_EQ(parse_http_date("Wednesday, 01-Jan-76 00:00:00 GMT", now_2026),
            parse_http_date("Thu, 01 Jan 2076 00:00:00 GMT"));
  EXPECT_EQ(parse_http_date("Saturday, 01-Jan-77 00:00:00 GMT", now_2026),
            parse_http_date("Sat, 01 Jan 1977 00:00:00 GMT"));
  // Without `now`: the 1970 pivot.
  EXPECT_EQ(parse_http_date("Saturday, 01-Jan-77 00:00:00 GMT"),
            parse_http_date("Sat, 01 Jan 1977 00:00:00 GMT"));
  EXPECT_EQ(parse_http_date("Friday, 01-Jan-27 00:00:00 GMT"),
            parse_http_date("Fri, 01 Jan 2027 00:00:00 GMT"));
}

TEST(HttpDate, FormatsImfFixdateAndRoundTrips) {
  EXPECT_EQ(format_http_date(k1994), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(format_http_date(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{951782400}, std::int64_t{2147483647},
                         std::int64_t{4102444799}, std::int64_t{-86400 * 365}})
    EXPECT_EQ(parse_http_date(format_http_date(t)), t) << t;
  EXPECT_EQ(format_http_date(INT64_MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
}

}  // namespace
}  // namespace cloudtwin::cdn
