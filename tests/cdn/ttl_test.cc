// The TTL decision (src/cdn/rules.h decide_ttl) against shared/reference/cloudfront.md §3 (the
// Expiration.html table "Specifying the amount of time that CloudFront caches objects"), §4
// (HTTPStatusCodes.html "HTTP 4xx and 5xx status codes that CloudFront caches",
// custom-error-pages-expiration, http-3xx-status-codes.html) and §8 (request collapsing,
// RequestAndResponseBehaviorCustomOrigin.html).
#include <gtest/gtest.h>

#include "cloudtwin/cdn/http_date.h"
#include "cloudtwin/cdn/rules.h"

namespace cloudtwin::cdn {
namespace {

constexpr std::int64_t kNow = 1700000000;

std::string date(std::int64_t t) { return format_http_date(t); }

struct TtlRow {
  const char* name;
  TtlPolicy policy;
  int status;
  const char* cache_control;
  std::optional<std::string> expires;
  std::optional<std::string> date;
  std::optional<std::int64_t> error_min;
  bool store;
  std::int64_t ttl;
  TtlSource source;
};

const TtlPolicy kMin0{0, 86400, 31536000};
const TtlPolicy kMin0Max60{0, 86400, 60};
const TtlPolicy kMin600{600, 86400, 31536000};
const TtlPolicy kMin600Max3600{600, 1800, 3600};
const TtlPolicy kDefault50Min100{100, 50, 31536000};

TEST(DecideTtl, ExpirationTable) {
  const TtlRow rows[] = {
      // §3 row "max-age": MinTTL 0 -> min(max-age, MaxTTL); MinTTL > 0 -> clamp.
      {"max-age, MinTTL 0", kMin0, 200, "max-age=300", {}, {}, {}, true, 300, TtlSource::kMaxAge},
      {"max-age above MaxTTL, MinTTL 0",
       kMin0Max60,
       200,
       "max-age=300",
       {},
       {},
       {},
       true,
       60,
       TtlSource::kMaxAge},
      {"max-age below MinTTL",
       kMin600,
       200,
       "max-age=300",
       {},
       {},
       {},
       true,
       600,
       TtlSource::kMaxAge},
      {"max-age between MinTTL and MaxTTL",
       kMin600Max3600,
       200,
       "max-age=1200",
       {},
       {},
       {},
       true,
       1200,
       TtlSource::kMaxAge},
      {"max-age above MaxTTL, MinTTL > 0",
       kMin600Max3600,
       200,
       "max-age=7200",
       {},
       {},
       {},
       true,
       3600,
       TtlSource::kMaxAge},
      // §3 row "no max-age, no Expires": DefaultTTL; MinTTL > 0 -> max(MinTTL, DefaultTTL).
      {"no caching headers", kMin0, 200, "", {}, {}, {}, true, 86400, TtlSource::kDefaultTtl},
      {"Cache-Control without a lifetime",
       kMin0,
       200,
       "public, must-revalidate",
       {},
       {},
       {},
       true,
       86400,
       TtlSource::kDefaultTtl},
      {"MinTTL above DefaultTTL",
       kDefault50Min100,
       200,
       "",
       {},
       {},
       {},
       true,
       100,
       TtlSource::kDefaultTtl},
      // §3 row "max-age + s-maxage": s-maxage wins.
      {"s-maxage over max-age",
       kMin0,
       200,
       "max-age=300, s-maxage=60",
       {},
       {},
       {},
       true,
       60,
       TtlSource::kSMaxAge},
      {"s-maxage above MaxTTL",
       kMin0Max60,
       200,
       "s-maxage=600, max-age=5",
       {},
       {},
       {},
       true,
       60,
       TtlSource::kSMaxAge},
      {"s-maxage below MinTTL",
       kMin600,
       200,
       "s-maxage=10",
       {},
       {},
       {},
       true,
       600,
       TtlSource::kSMaxAge},
      // §3 row "Expires": until Expires (RFC 9111 §4.2.1: Expires - Date), capped / clamped.
      {"Expires with Date",
       kMin0,
       200,
       "",
       date(kNow + 120),
       date(kNow),
       {},
       true,
       120,
       TtlSource::kExpires},
      {"Expires without Date (now)",
       kMin0,
       200,
       "",
       date(kNow + 90),
       {},
       {},
       true,
       90,
       TtlSource::kExpires},
      {"Expires beyond MaxTTL",
       kMin0Max60,
       200,
       "",
       date(kNow + 3600),
       date(kNow),
       {},
       true,
       60,
       TtlSource::kExpires},
      {"Expires below MinTTL",
       kMin600,
       200,
       "",
       date(kNow + 30),
       date(kNow),
       {},
       true,
       600,
       TtlSource::kExpires},
      {"Expires in the past",
       kMin0,
       200,
       "",
       date(kNow - 30),
       date(kNow),
       {},
       true,
       0,
       TtlSource::kExpires},
      // RFC 9111 §5.3: an invalid Expires, especially "0", is already expired.
      {"Expires: 0", kMin0, 200, "", std::string("0"), {}, {}, true, 0, TtlSource::kExpires},
      {"Expires: 0 with MinTTL",
       kMin600,
       200,
       "",
       std::string("0"),
       {},
       {},
       true,
       600,
       TtlSource::kExpires},
      // "max-age beats Expires when both exist".
      {"max-age over Expires",
       kMin0,
       200,
       "max-age=10",
       date(kNow + 9999),
       date(kNow),
       {},
       true,
       10,
       TtlSource::kMaxAge},
      {"Expires with a Cache-Control that has no lifetime",
       kMin0,
       200,
       "public",
       date(kNow + 50),
       date(kNow),
       {},
       true,
       50,
       TtlSource::kExpires},
      // RFC 9111 §4.2.1: invalid freshness information is stale, not absent.
      {"invalid max-age is stale",
       kMin0,
       200,
       "max-age=abc",
       {},
       {},
       {},
       true,
       0,
       TtlSource::kMaxAge},
      {"invalid max-age with MinTTL",
       kMin600,
       200,
       "max-age=-1",
       {},
       {},
       {},
       true,
       600,
       TtlSource::kMaxAge},
      // §3 row "no-cache, no-store, private": MinTTL 0 -> not cached; MinTTL > 0 -> MinTTL.
      {"no-store, MinTTL 0",
       kMin0,
       200,
       "no-store",
       {},
       {},
       {},
       false,
       0,
       TtlSource::kNoCacheDirective},
      {"no-cache, MinTTL 0",
       kMin0,
       200,
       "max-age=600, no-cache",
       {},
       {},
       {},
       false,
       0,
       TtlSource::kNoCacheDirective},
      {"private, MinTTL 0",
       kMin0,
       200,
       "private, max-age=600",
       {},
       {},
       {},
       false,
       0,
       TtlSource::kNoCacheDirective},
      {"qualified no-cache, MinTTL 0",
       kMin0,
       200,
       "no-cache=\"Set-Cookie\", max-age=60",
       {},
       {},
       {},
       false,
       0,
       TtlSource::kNoCacheDirective},
      {"no-store, MinTTL > 0",
       kMin600,
       200,
       "no-store",
       {},
       {},
       {},
       true,
       600,
       TtlSource::kNoCacheDirective},
      {"private with max-age, MinTTL > 0",
       kMin600,
       200,
       "private, max-age=9999",
       {},
       {},
       {},
       true,
       600,
       TtlSource::kNoCacheDirective},
      // §4: 404, 414, 500-504 always, for max(ErrorCachingMinTTL (10), header).
      {"404 without headers", kMin0, 404, "", {}, {}, {}, true, 10, TtlSource::kErrorCaching},
      {"503 with no-store", kMin0, 503, "no-store", {}, {}, {}, true, 10, TtlSource::kErrorCaching},
      {"500 max-age above the minimum",
       kMin0,
       500,
       "max-age=300",
       {},
       {},
       {},
       true,
       300,
       TtlSource::kErrorCaching},
      {"502 max-age below the minimum",
       kMin0,
       502,
       "max-age=3",
       {},
       {},
       {},
       true,
       10,
       TtlSource::kErrorCaching},
      {"504 custom ErrorCachingMinTTL",
       kMin0,
       504,
       "",
       {},
       {},
       60,
       true,
       60,
       TtlSource::kErrorCaching},
      {"414 ErrorCachingMinTTL 0: not cached",
       kMin0,
       414,
       "",
       {},
       {},
       0,
       false,
       0,
       TtlSource::kErrorCaching},
      {"501 with Expires",
       kMin0,
       501,
       "",
       date(kNow + 100),
       date(kNow),
       {},
       true,
       100,
       TtlSource::kErrorCaching},
      {"404 max-age capped at MaxTTL",
       kMin0Max60,
       404,
       "max-age=600",
       {},
       {},
       {},
       true,
       60,
       TtlSource::kErrorCaching},
      {"404 s-maxage over max-age",
       kMin0,
       404,
       "max-age=600, s-maxage=30",
       {},
       {},
       {},
       true,
       30,
       TtlSource::kErrorCaching},
      // §4: 400, 403, 405, 412, 415 only with max-age or s-maxage.
      {"403 without max-age", kMin0, 403, "", {}, {}, {}, false, 0, TtlSource::kNotCacheable},
      {"400 with Expires only",
       kMin0,
       400,
       "",
       date(kNow + 100),
       {},
       {},
       false,
       0,
       TtlSource::kNotCacheable},
      {"403 with max-age",
       kMin0,
       403,
       "max-age=120",
       {},
       {},
       {},
       true,
       120,
       TtlSource::kErrorCaching},
      {"405 with s-maxage below the minimum",
       kMin0,
       405,
       "s-maxage=1",
       {},
       {},
       {},
       true,
       10,
       TtlSource::kErrorCaching},
      {"412 with max-age and a custom minimum",
       kMin0,
       412,
       "max-age=5",
       {},
       {},
       30,
       true,
       30,
       TtlSource::kErrorCaching},
      {"415 with max-age",
       kMin0,
       415,
       "max-age=50",
       {},
       {},
       {},
       true,
       50,
       TtlSource::kErrorCaching},
      // §4: 416 never, even with an error TTL.
      {"416 with max-age and a minimum",
       kMin600,
       416,
       "max-age=600",
       {},
       {},
       300,
       false,
       0,
       TtlSource::kNotCacheable},
      // Other 4xx/5xx are not in CloudFront's lists (docs/cdn.md "Rules").
      {"401", kMin600, 401, "max-age=600", {}, {}, {}, false, 0, TtlSource::kNotCacheable},
      {"429", kMin0, 429, "max-age=600", {}, {}, {}, false, 0, TtlSource::kNotCacheable},
      {"410", kMin0, 410, "max-age=600", {}, {}, {}, false, 0, TtlSource::kNotCacheable},
      {"505", kMin0, 505, "", {}, {}, {}, false, 0, TtlSource::kNotCacheable},
      // §4: 307 and 308 only with Cache-Control; other 3xx follow the normal rules.
      {"307 without Cache-Control",
       kMin0,
       307,
       "",
       date(kNow + 100),
       {},
       {},
       false,
       0,
       TtlSource::kNotCacheable},
      {"308 with Cache-Control",
       kMin0,
       308,
       "max-age=100",
       {},
       {},
       {},
       true,
       100,
       TtlSource::kMaxAge},
      {"307 with Cache-Control without a lifetime",
       kMin0,
       307,
       "public",
       {},
       {},
       {},
       true,
       86400,
       TtlSource::kDefaultTtl},
      {"301 without headers", kMin0, 301, "", {}, {}, {}, true, 86400, TtlSource::kDefaultTtl},
      {"302 with max-age", kMin0, 302, "max-age=5", {}, {}, {}, true, 5, TtlSource::kMaxAge},
      // 2xx: normal rules.
      {"204", kMin0, 204, "max-age=7", {}, {}, {}, true, 7, TtlSource::kMaxAge},
      {"206", kMin0, 206, "", {}, {}, {}, true, 86400, TtlSource::kDefaultTtl},
  };
  for (const auto& r : rows) {
    OriginResponseFacts f;
    f.status = r.status;
    f.cache_control = r.cache_control;
    if (r.expires) f.expires = *r.expires;
    if (r.date) f.date = *r.date;
    TtlDecision d = decide_ttl(r.policy, f, kNow, r.error_min);
    EXPECT_EQ(d.store, r.store) << r.name << ": " << d.rule;
    EXPECT_EQ(d.ttl, r.ttl) << r.name << ": " << d.rule;
    EXPECT_EQ(d.source, r.source) << r.name << ": " << d.rule;
    EXPECT_FALSE(d.rule.empty()) << r.name;
  }
}

OriginResponseFacts facts(int status, std::string_view cc) {
  OriginResponseFacts f;
  f.status = status;
  f.cache_control = cc;
  return f;
}

// The rule sentence names the row and the clamp (used by the explain header).
TEST(DecideTtl, RuleSentences) {
  EXPECT_EQ(decide_ttl(kMin0Max60, facts(200, "max-age=300"), kNow).rule,
            "max-age 300 clamped to MaxTTL 60");
  EXPECT_EQ(decide_ttl(kMin600, facts(200, "max-age=300"), kNow).rule,
            "max-age 300 raised to MinTTL 600");
  EXPECT_EQ(decide_ttl(kMin0, facts(200, "s-maxage=60, max-age=300"), kNow).rule,
            "s-maxage 60 (over max-age) within MinTTL 0 and MaxTTL 31536000");
  EXPECT_EQ(decide_ttl(kMin0, facts(200, ""), kNow).rule,
            "no max-age, s-maxage or Expires: DefaultTTL 86400");
  EXPECT_EQ(decide_ttl(kMin0, facts(200, "no-store"), kNow).rule,
            "no-store with MinTTL 0: not cached");
  EXPECT_EQ(decide_ttl(kMin0, facts(404, "max-age=3"), kNow).rule,
            "404: max(default ErrorCachingMinTTL 10, max-age 3) = 10");
  EXPECT_EQ(decide_ttl(kMin0, facts(416, ""), kNow).rule, "416 is never cached");
}

// §3 warning under the table: with MinTTL > 0 a no-cache/no-store/private object is kept but the
// origin is asked first; stale-if-error=0 turns the fallback off (reported as sent).
TEST(DecideTtl, NoCacheWithMinTtlIsAFallback) {
  auto d = decide_ttl(kMin600, facts(200, "no-cache, stale-if-error=0"), kNow);
  EXPECT_TRUE(d.store);
  EXPECT_TRUE(d.origin_first);
  EXPECT_EQ(d.stale_if_error, 0);
  EXPECT_FALSE(decide_ttl(kMin600, facts(200, "max-age=5"), kNow).origin_first);
}

// RFC 5861 directives and must-revalidate are passed through for the edge.
TEST(DecideTtl, StaleDirectivesPassThrough) {
  auto d = decide_ttl(
      kMin0, facts(200, "max-age=60, stale-while-revalidate=30, stale-if-error=600"), kNow);
  EXPECT_EQ(d.stale_while_revalidate, 30);
  EXPECT_EQ(d.stale_if_error, 600);
  EXPECT_FALSE(d.must_revalidate);
  EXPECT_TRUE(decide_ttl(kMin0, facts(200, "max-age=60, proxy-revalidate"), kNow).must_revalidate);
  auto none = decide_ttl(kMin0, facts(200, "max-age=60"), kNow);
  EXPECT_FALSE(none.stale_while_revalidate);
  EXPECT_FALSE(none.stale_if_error);
}

// §8 (RequestAndResponseBehaviorCustomOrigin.html "Simultaneous requests for the same object"):
// collapsing is off per object with MinTTL 0 and private, no-store, no-cache, max-age=0 or
// s-maxage=0.
TEST(DecideTtl, CollapsingPerObject) {
  for (const char* cc : {"private", "no-store", "no-cache", "max-age=0", "s-maxage=0, max-age=60"})
    EXPECT_FALSE(decide_ttl(kMin0, facts(200, cc), kNow).collapse_ok) << cc;
  for (const char* cc : {"max-age=60", "", "s-maxage=1"})
    EXPECT_TRUE(decide_ttl(kMin0, facts(200, cc), kNow).collapse_ok) << cc;
  // With MinTTL > 0 the object is cached, so requests collapse.
  for (const char* cc : {"private", "no-store", "max-age=0"})
    EXPECT_TRUE(decide_ttl(kMin600, facts(200, cc), kNow).collapse_ok) << cc;
}

// §3 (RequestAndResponseBehaviorCustomOrigin.html "Vary"): Vary: * with MinTTL 0 is stored but
// refetched for every request without conditional headers.
TEST(DecideTtl, VaryStar) {
  auto f = facts(200, "max-age=60");
  f.has_vary_star = true;
  auto d = decide_ttl(kMin0, f, kNow);
  EXPECT_TRUE(d.store);
  EXPECT_TRUE(d.unconditional_refetch);
  EXPECT_FALSE(decide_ttl(kMin600, f, kNow).unconditional_refetch);
}

TEST(DecideTtl, PoliciesFromTheModel) {
  const model::CachePolicy* optimized =
      model::managed_cache_policy("658327ea-f89d-4fab-a63d-7e88639e58f6");
  ASSERT_NE(optimized, nullptr);
  TtlPolicy p = ttl_policy(*optimized);
  EXPECT_EQ(p.min_ttl, 1);
  EXPECT_EQ(p.default_ttl, 86400);
  EXPECT_EQ(p.max_ttl, 31536000);
  model::Distribution d;
  model::CustomErrorResponse r;
  r.error_code = 503;
  r.error_caching_min_ttl = 0;
  d.custom_error_responses.push_back(r);
  EXPECT_EQ(error_caching_min_ttl(d, 503), 0);
  EXPECT_EQ(error_caching_min_ttl(d, 404), std::nullopt);
}

}  // namespace
}  // namespace cloudtwin::cdn
