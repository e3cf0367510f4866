// Cache-Control and Age parsing (src/cdn/cache_control.h) against RFC 9111 §5.2, §5.1, §4.2.3
// and the cache-tests cc-parse / age-parse suites (shared/reference/cloudfront.md §15).
#include "cloudtwin/cdn/cache_control.h"

#include <gtest/gtest.h>

namespace cloudtwin::cdn {
namespace {

// RFC 9111 §5.2: a comma list of token [= token / quoted-string], names case-insensitive.
TEST(CacheControl, DirectivesOfAList) {
  auto cc = parse_cache_control(
      "Public, max-age=300, s-maxage=60 ,must-revalidate,proxy-revalidate, no-transform, "
      "stale-while-revalidate=30, stale-if-error=86400, immutable, x-ext=\"a, b\"");
  EXPECT_TRUE(cc.is_public);
  EXPECT_EQ(cc.max_age, 300);
  EXPECT_EQ(cc.s_maxage, 60);
  EXPECT_TRUE(cc.must_revalidate);
  EXPECT_TRUE(cc.proxy_revalidate);
  EXPECT_TRUE(cc.no_transform);
  EXPECT_TRUE(cc.immutable);
  EXPECT_EQ(cc.stale_while_revalidate, 30);
  EXPECT_EQ(cc.stale_if_error, 86400);
  EXPECT_FALSE(cc.no_cache || cc.no_store || cc.is_private);
  EXPECT_FALSE(cc.max_age_invalid || cc.s_maxage_invalid);
  EXPECT_TRUE(cc.any);
}

TEST(CacheControl, EmptyAndUnknown) {
  EXPECT_FALSE(parse_cache_control("").any);
  EXPECT_FALSE(parse_cache_control(" , ,").any);  // empty list elements (RFC 9110 §5.6.1)
  auto cc = parse_cache_control("community=\"UCI\"");
  EXPECT_TRUE(cc.any);
  EXPECT_FALSE(cc.has_lifetime());
}

struct LifetimeRow {
  const char* name;
  const char* header;
  std::optional<std::int64_t> max_age;
  bool invalid;
};

// cache-tests cc-parse and RFC 9111 §4.2.1 / §1.2.2: quoted values are accepted (§5.2), directive
// text inside quotes is not a directive, the first duplicate wins, leading zeros are fine, and an
// invalid value makes the response stale (max-age 0, flagged).
TEST(CacheControl, MaxAgeValues) {
  const LifetimeRow rows[] = {
      {"plain", "max-age=3600", 3600, false},
      {"upper-case name", "MAX-AGE=3600", 3600, false},
      {"quoted (freshness-max-age-quoted)", "max-age=\"3600\"", 3600, false},
      {"leading zeros (freshness-max-age-leading-zero)", "max-age=003600", 3600, false},
      {"first duplicate wins, same line", "max-age=1800, max-age=1", 1800, false},
      {"first duplicate wins, joined lines", "max-age=1,max-age=1800", 1, false},
      {"ignore quoted before", "extension=\"max-age=3600\", max-age=1", 1, false},
      {"ignore quoted after", "max-age=1, extension=\"max-age=3600\"", 1, false},
      {"quoted comma", "x=\"a,max-age=5\",max-age=7", 7, false},
      {"capped at 2^31", "max-age=99999999999999999999999", kDeltaSecondsCap, false},
      {"zero", "max-age=0", 0, false},
      {"single-quoted (freshness-max-age-single-quoted)", "max-age='3600'", 0, true},
      {"leading alpha", "max-age=a3600", 0, true},
      {"trailing alpha", "max-age=3600a", 0, true},
      {"decimal", "max-age=3600.0", 0, true},
      {"negative", "max-age=-1", 0, true},
      {"space before =", "max-age =3600", 0, true},
      {"space after =", "max-age= 3600", 0, true},
      {"no value", "max-age", 0, true},
      {"empty value", "max-age=", 0, true},
      {"unterminated quote", "max-age=\"3600", 0, true},
      {"invalid first, valid second: first wins", "max-age=abc, max-age=60", 0, true},
      {"absent", "public", std::nullopt, false},
  };
  for (const auto& r : rows) {
    auto cc = parse_cache_control(r.header);
    EXPECT_EQ(cc.max_age, r.max_age) << r.name;
    EXPECT_EQ(cc.max_age_invalid, r.invalid) << r.name;
  }
}

TEST(CacheControl, SMaxAgeParsesLikeMaxAge) {
  EXPECT_EQ(parse_cache_control("s-maxage=60").s_maxage, 60);
  auto bad = parse_cache_control("S-MAXAGE=x");
  EXPECT_EQ(bad.s_maxage, 0);
  EXPECT_TRUE(bad.s_maxage_invalid);
}

// RFC 5861: an invalid stale-while-revalidate / stale-if-error is ignored, not "stale".
TEST(CacheControl, InvalidStaleDirectivesAreIgnored) {
  auto cc = parse_cache_control("stale-while-revalidate=x, stale-if-error=-5");
  EXPECT_FALSE(cc.stale_while_revalidate);
  EXPECT_FALSE(cc.stale_if_error);
  EXPECT_EQ(parse_cache_control("stale-if-error=0").stale_if_error, 0);
}

// RFC 9111 §5.2.2.4, §5.2.2.7: the qualified forms carry field names; both set the flag.
TEST(CacheControl, QualifiedNoCacheAndPrivate) {
  auto cc = parse_cache_control("no-cache=\"Set-Cookie, X-Foo\", private=\"X-Bar\"");
  EXPECT_TRUE(cc.no_cache);
  EXPECT_EQ(cc.no_cache_fields, "Set-Cookie, X-Foo");
  EXPECT_TRUE(cc.is_private);
  EXPECT_EQ(cc.private_fields, "X-Bar");
  auto plain = parse_cache_control("no-cache, no-store, private");
  EXPECT_TRUE(plain.no_cache && plain.no_store && plain.is_private);
  EXPECT_TRUE(plain.no_cache_fields.empty());
  // A malformed no-cache is still no-cache (the restrictive reading).
  EXPECT_TRUE(parse_cache_control("no-cache x").no_cache);
}

struct AgeRow {
  const char* name;
  const char* header;
  std::optional<std::int64_t> want;
};

// RFC 9111 §5.1 and cache-tests age-parse: the first list member; an invalid value ignores the
// field.
TEST(Age, ParseAsTheRfcSays) {
  const AgeRow rows[] = {
      {"plain", "7200", 7200},
      {"whitespace", " 60 ", 60},
      {"non-numeric (age-parse-nonnumeric)", "abc", std::nullopt},
      {"negative (age-parse-negative)", "-7200", std::nullopt},
      {"float (age-parse-float)", "7200.0", std::nullopt},
      {"suffix (age-parse-suffix)", "7200,0", 7200},
      {"prefix (age-parse-prefix)", "0,7200", 0},
      {"duplicate 0 (age-parse-dup-0)", "0, 0", 0},
      {"duplicate old (age-parse-dup-old)", "7200, 7200", 7200},
      {"empty", "", std::nullopt},
      {"huge", "999999999999999999999", kDeltaSecondsCap},
  };
  for (const auto& r : rows) EXPECT_EQ(parse_age(r.header), r.want) << r.name;
}

// RFC 9111 §4.2.3's age calculation.
TEST(Age, CorrectedInitialAndCurrentAge) {
  // Origin says Age 100; Date 10 s before the response arrived; the request took 2 s.
  EXPECT_EQ(corrected_initial_age(100, 990, 998, 1000), 102);
  // Date further back than Age: apparent age wins.
  EXPECT_EQ(corrected_initial_age(5, 700, 1000, 1000), 300);
  // A Date in the future does not make the age negative.
  EXPECT_EQ(corrected_initial_age(std::nullopt, 5000, 1000, 1000), 0);
  EXPECT_EQ(corrected_initial_age(std::nullopt, std::nullopt, 1000, 1003), 3);
  EXPECT_EQ(current_age(102, 1000, 1060), 162);
  EXPECT_EQ(current_age(0, 1000, 900), 0);  // a clock going backwards
}

}  // namespace
}  // namespace cloudtwin::cdn
