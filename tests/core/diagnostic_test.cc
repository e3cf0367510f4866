#include "cloudtwin/core/diagnostic.h"

#include <gtest/gtest.h>

namespace cloudtwin {
namespace {

TEST(Diagnostic, FormatsLocationResourceAndHint) {
  Diagnostics d;
  d.error("net.yaml", {1, 12, 5}, "subnet-a", "bad CIDR", "use a.b.c.d/n");
  EXPECT_EQ(d.items()[0].str(), "net.yaml:12:5: error: [subnet-a] bad CIDR (use a.b.c.d/n)");
  EXPECT_TRUE(d.has_errors());
}

TEST(Diagnostic, WarningsAreNotErrors) {
  Diagnostics d;
  d.warning("x", {}, "", "ignored");
  EXPECT_FALSE(d.has_errors());
}

TEST(ClosestMatch, SuggestsLikelyTypos) {
  std::vector<std::string_view> fields{"route_table", "network_acl", "cidr_block", "vpc"};
  EXPECT_EQ(closest_match("route_tabel", fields), "route_table");
  EXPECT_EQ(closest_match("cidr", fields), "");
  EXPECT_EQ(closest_match("completely_different", fields), "");
}

}  // namespace
}  // namespace cloudtwin
