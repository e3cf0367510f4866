#include "cloudtwin/core/prefix_trie.h"

#include <gtest/gtest.h>

namespace cloudtwin {
namespace {

TEST(PrefixTrie, LongestMatchWins) {
  PrefixTrie<int> t;
  t.insert(*Prefix::parse("0.0.0.0/0"), 1);
  t.insert(*Prefix::parse("10.0.0.0/16"), 2);
  t.insert(*Prefix::parse("10.0.1.0/24"), 3);
  t.insert(*Prefix::parse("::/0"), 4);
  int len = -1;
  EXPECT_EQ(t.longest_match(*IpAddress::parse("10.0.1.9"), &len)->front(), 3);
  EXPECT_EQ(len, 24);
  EXPECT_EQ(t.longest_match(*IpAddress::parse("10.0.2.9"))->front(), 2);
  EXPECT_EQ(t.longest_match(*IpAddress::parse("8.8.8.8"))->front(), 1);
  EXPECT_EQ(t.longest_match(*IpAddress::parse("2600::1"))->front(), 4);
}

TEST(PrefixTrie, NoMatchAndHostRoutes) {
  PrefixTrie<int> t;
  t.insert(*Prefix::parse("10.0.0.5/32"), 7);
  EXPECT_EQ(t.longest_match(*IpAddress::parse("10.0.0.6")), nullptr);
  EXPECT_EQ(t.longest_match(*IpAddress::parse("10.0.0.5"))->front(), 7);
}

TEST(PrefixTrie, ForEachMatchVisitsMostSpecificFirst) {
  PrefixTrie<int> t;
  t.insert(*Prefix::parse("10.0.0.0/8"), 1);
  t.insert(*Prefix::parse("10.1.0.0/16"), 2);
  t.insert(*Prefix::parse("10.1.0.0/16"), 3);
  std::vector<int> seen;
  t.for_each_match(*IpAddress::parse("10.1.2.3"), [&](int, const std::vector<int>& v) {
    seen.insert(seen.end(), v.begin(), v.end());
    return true;
  });
  EXPECT_EQ(seen, (std::vector<int>{2, 3, 1}));
}

}  // namespace
}  // namespace cloudtwin
