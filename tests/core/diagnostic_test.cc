#include "cloudtwin/core/diagnostic.h"

#include <gtest/gtest.h>

#include <algorithm>

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

// Issue 9: a merge key bringing 640 unknown keys into 1,000 resources printed 640,000 errors. At
// most kMaxPerKind of a kind are kept; one more line counts the rest.
TEST(Diagnostics, ManyOfOneKindEndInOneCountedLine) {
  Diagnostics d;
  const std::size_t n = Diagnostics::kMaxPerKind + 250;
  for (std::size_t i = 0; i < n; ++i) {
    const auto line = static_cast<std::uint32_t>(i + 1);
    d.error("net.yaml", {1, line, 3}, "vpc-" + std::to_string(i),
            "unknown field `k" + std::to_string(i) + "`", "did you mean `x`?");
    d.warning("net.yaml", {1, line, 1}, "", "ignored " + std::to_string(i) + " entries");
  }
  // Other kinds and other files keep their own allowance.
  d.error("net.yaml", {1, 1, 1}, "", "duplicate field `name` (first at line 1)");
  d.error("other.yaml", {2, 1, 1}, "", "unknown field `k1`");
  EXPECT_EQ(d.error_count(), n + 2);  // every error counts, shown or not
  EXPECT_EQ(d.left_out(), 2 * (n - Diagnostics::kMaxPerKind));
  ASSERT_EQ(d.items().size(), 2 * Diagnostics::kMaxPerKind + 2 + 2);
  d.sort();
  const auto& items = d.items();
  std::size_t summaries = 0;
  for (const auto& item : items) {
    if (!item.message.starts_with("… and ")) continue;
    ++summaries;
    EXPECT_EQ(item.file, "net.yaml");
    EXPECT_EQ(item.line, Diagnostics::kMaxPerKind + 1);  // at the first one left out
    EXPECT_EQ(item.hint, "only the first 100 of a kind are listed; fix those and run again");
    if (item.severity == Severity::kError) {
      EXPECT_EQ(item.message, "… and 250 more errors like \"unknown field `k100`\"");
    } else {
      EXPECT_EQ(item.message, "… and 250 more warnings like \"ignored 100 entries\"");
    }
  }
  EXPECT_EQ(summaries, 2u);
  // Sorting keeps each count on its line: a later diagnostic of the kind still updates it.
  d.error("net.yaml", {1, 1, 1}, "", "unknown field `late`");
  EXPECT_EQ(d.items().size(), 2 * Diagnostics::kMaxPerKind + 4);
  EXPECT_EQ(d.error_count(), n + 3);
  const auto late = std::count_if(d.items().begin(), d.items().end(), [](const Diagnostic& i) {
    return i.message == "… and 251 more errors like \"unknown field `k100`\"";
  });
  EXPECT_EQ(late, 1);
}

TEST(Diagnostics, GapWarningsAreAllKept) {
  Diagnostics d;
  for (std::size_t i = 0; i < 3 * Diagnostics::kMaxPerKind; ++i) {
    d.gap(Gap::kIgnoredType, "AWS::S3::Bucket", "t.yaml", {1, 1, 1}, "b", "ignored: AWS::S3::Bucket");
  }
  EXPECT_EQ(d.items().size(), 3 * Diagnostics::kMaxPerKind);
  EXPECT_EQ(d.left_out(), 0u);
}

TEST(Diagnostics, AppendKeepsTheCapAndTheCounts) {
  Diagnostics a, b;
  for (std::size_t i = 0; i < 150; ++i) {
    a.error("f", {1, 1, 1}, "", "bad `" + std::to_string(i) + "`");
    b.error("f", {1, 2, 1}, "", "bad `" + std::to_string(i) + "`");
  }
  a.append(b);
  EXPECT_EQ(a.error_count(), 300u);
  EXPECT_EQ(a.left_out(), 200u);
  ASSERT_EQ(a.items().size(), Diagnostics::kMaxPerKind + 1);
  EXPECT_EQ(a.items().back().message, "… and 200 more errors like \"bad `100`\"");
}

TEST(ClosestMatch, SuggestsLikelyTypos) {
  std::vector<std::string_view> fields{"route_table", "network_acl", "cidr_block", "vpc"};
  EXPECT_EQ(closest_match("route_tabel", fields), "route_table");
  EXPECT_EQ(closest_match("cidr", fields), "");
  EXPECT_EQ(closest_match("completely_different", fields), "");
}

}  // namespace
}  // namespace cloudtwin
