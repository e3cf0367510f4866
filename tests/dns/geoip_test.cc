// GeoDatabase on the GeoIP2-City fixture tests/dns/make_geo_fixture.pl writes: the fields routing
// policies read, the network's prefix as the ECS scope, and the per-worker cache giving the same
// answers as the database (route53.md §12.1).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cloudtwin/dns/geoip.h"

namespace cloudtwin::dns {
namespace {

class Geo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = "/tmp/cloudtwin-geoip-test-" + std::to_string(getpid()) + ".mmdb";
    const std::string make = "perl " CLOUDTWIN_SOURCE_DIR "/tests/dns/make_geo_fixture.pl " + path_;
    ASSERT_EQ(std::system(make.c_str()), 0);
  }
  static void TearDownTestSuite() { std::remove(path_.c_str()); }
  static std::string path_;
};
std::string Geo::path_;

ClientAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t prefix = 32) {
  ClientAddress x;
  x.bytes = {a, b, c, d};
  x.prefix = prefix;
  return x;
}

TEST_F(Geo, ReadsTheFieldsAndTheNetworkPrefix) {
  GeoDatabase db;
  std::string error;
  ASSERT_TRUE(db.open(path_, error)) << error;
  GeoResult r;
  ASSERT_TRUE(db.lookup(v4(198, 51, 100, 200), r));
  EXPECT_EQ(r.location.continent, "EU");
  EXPECT_EQ(r.location.country, "DE");
  EXPECT_EQ(r.location.prefix, 25);  // 198.51.100.128/25
  ASSERT_TRUE(r.location.point.has_value());
  EXPECT_NEAR(r.location.point->latitude, 50.1, 1e-9);
  ASSERT_TRUE(db.lookup(v4(198, 51, 100, 1), r));
  EXPECT_EQ(r.location.subdivision, "WA");
  EXPECT_FALSE(db.lookup(v4(10, 0, 0, 1), r));
}

TEST_F(Geo, CacheAnswersAsTheDatabaseDoes) {
  GeoDatabase db;
  std::string error;
  ASSERT_TRUE(db.open(path_, error)) << error;
  GeoCache cache;
  const ClientAddress addresses[] = {v4(198, 51, 100, 200), v4(198, 51, 100, 1), v4(198, 51, 100, 130),
                                     v4(203, 0, 113, 7), v4(192, 0, 2, 1), v4(198, 51, 100, 200)};
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& a : addresses) {
      GeoResult plain, cached;
      ASSERT_TRUE(db.lookup(a, plain));
      ASSERT_TRUE(db.lookup(a, cached, &cache));
      EXPECT_EQ(plain.location.continent, cached.location.continent);
      EXPECT_EQ(plain.location.country, cached.location.country);
      EXPECT_EQ(plain.location.subdivision, cached.location.subdivision);
      EXPECT_EQ(plain.location.prefix, cached.location.prefix);
      // The views point into the result itself, not into the cache.
      EXPECT_EQ(cached.location.country.data(), cached.country);
    }
  }
  // Another database's record at the same offset is not taken from the cache.
  GeoDatabase other;
  ASSERT_TRUE(other.open(path_, error));
  GeoResult r;
  ASSERT_TRUE(other.lookup(v4(198, 51, 100, 200), r, &cache));
  EXPECT_EQ(r.location.country, "DE");
}

}  // namespace
}  // namespace cloudtwin::dns
