// Range requests (src/cdn/rules.h evaluate_range) against shared/reference/cloudfront.md §12
// (RangeGETs.html: descending, overlapping or invalid ranges -> 200 with the full object) and
// RFC 9110 §14.1.2 / §14.2 (satisfiable ranges, 416).
#include <gtest/gtest.h>

#include "cloudtwin/cdn/rules.h"

namespace cloudtwin::cdn {
namespace {

using Kind = RangeDecision::Kind;

struct RangeRow {
  const char* name;
  const char* header;
  std::uint64_t size;
  Kind kind;
  std::vector<ByteRange> ranges;
};

TEST(Range, Decisions) {
  const RangeRow rows[] = {
      {"one range", "bytes=0-99", 1000, Kind::kPartial, {{0, 99}}},
      {"open end", "bytes=900-", 1000, Kind::kPartial, {{900, 999}}},
      {"last clamped to the size", "bytes=900-5000", 1000, Kind::kPartial, {{900, 999}}},
      {"suffix", "bytes=-100", 1000, Kind::kPartial, {{900, 999}}},
      {"suffix longer than the object", "bytes=-5000", 1000, Kind::kPartial, {{0, 999}}},
      {"unit case-insensitive, whitespace", "Bytes= 0-0 ", 10, Kind::kPartial, {{0, 0}}},
      {"two ascending ranges",
       "bytes=100-200,300-400",
       1000,
       Kind::kPartial,
       {{100, 200}, {300, 400}}},
      {"adjacent ranges", "bytes=0-9,10-19", 100, Kind::kPartial, {{0, 9}, {10, 19}}},
      {"range then suffix", "bytes=0-10, -10", 100, Kind::kPartial, {{0, 10}, {90, 99}}},
      {"unsatisfiable member dropped", "bytes=0-10,5000-6000", 100, Kind::kPartial, {{0, 10}}},
      // RangeGETs.html: not ascending, overlapping, invalid -> 200 full object.
      {"descending", "bytes=300-400,100-200", 1000, Kind::kFull, {}},
      {"overlapping", "bytes=100-200,150-250", 1000, Kind::kFull, {}},
      {"suffix overlapping", "bytes=-500,0-600", 1000, Kind::kFull, {}},
      {"negative", "bytes=-5-10", 1000, Kind::kFull, {}},
      {"last before first", "bytes=200-100", 1000, Kind::kFull, {}},
      {"not a number", "bytes=a-b", 1000, Kind::kFull, {}},
      {"no dash", "bytes=100", 1000, Kind::kFull, {}},
      {"other unit", "items=0-5", 1000, Kind::kFull, {}},
      {"empty set", "bytes=", 1000, Kind::kFull, {}},
      {"only commas", "bytes=,,", 1000, Kind::kFull, {}},
      {"no header", "", 1000, Kind::kFull, {}},
      {"one invalid among valid", "bytes=0-10,x-20", 1000, Kind::kFull, {}},
      // RFC 9110 §14.1.2: 416 when no range is satisfiable.
      {"start at the end", "bytes=1000-", 1000, Kind::kUnsatisfiable, {}},
      {"start beyond the end", "bytes=5000-6000", 1000, Kind::kUnsatisfiable, {}},
      {"zero suffix", "bytes=-0", 1000, Kind::kUnsatisfiable, {}},
      {"empty object", "bytes=0-0", 0, Kind::kUnsatisfiable, {}},
      {"suffix of an empty object", "bytes=-10", 0, Kind::kUnsatisfiable, {}},
      {"huge numbers", "bytes=99999999999999999999999-", 1000, Kind::kUnsatisfiable, {}},
  };
  for (const auto& r : rows) {
    RangeDecision d = evaluate_range(r.header, r.size);
    EXPECT_EQ(d.kind, r.kind) << r.name << ": " << d.reason;
    ASSERT_EQ(d.count, r.ranges.size()) << r.name;
    for (std::size_t i = 0; i < d.count; ++i) EXPECT_EQ(d.ranges[i], r.ranges[i]) << r.name;
    if (d.kind != Kind::kPartial) {
      EXPECT_FALSE(d.reason.empty()) << r.name;
    }
  }
}

// More than kMaxRanges ranges: the full object (RFC 9110 §14.2 lets a server ignore them).
TEST(Range, TooManyRanges) {
  std::string h = "bytes=";
  for (int i = 0; i < 17; ++i)
    h += (i ? "," : "") + std::to_string(i * 10) + "-" + std::to_string(i * 10 + 1);
  EXPECT_EQ(evaluate_range(h, 1000).kind, Kind::kFull);
  h = "bytes=";
  for (int i = 0; i < 16; ++i)
    h += (i ? "," : "") + std::to_string(i * 10) + "-" + std::to_string(i * 10 + 1);
  EXPECT_EQ(evaluate_range(h, 1000).count, 16u);
}

}  // namespace
}  // namespace cloudtwin::cdn
