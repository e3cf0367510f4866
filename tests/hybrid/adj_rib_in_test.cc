// The compact Adj-RIB-In: the open-addressing prefix table (insert, replace, backward-shift
// delete), attribute sets interned by value with reference counts, snapshots sorted by prefix.
#include "cloudtwin/hybrid/adj_rib_in.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace {

using namespace cloudtwin;
using namespace cloudtwin::hybrid;

bgp::PathAttributes with_med(std::uint32_t med) {
  bgp::PathAttributes a;
  a.origin = bgp::Origin::kIgp;
  a.as_path = bgp::AsPath{{bgp::SegmentType::kSequence, {65000}}};
  a.med = med;
  return a;
}

TEST(PrefixTable, MatchesASetUnderRandomInsertsAndErases) {
  PrefixTable<bgp::Ipv4Prefix> table;
  std::set<std::pair<std::uint32_t, int>> model;
  std::mt19937 rng(7);
  for (int i = 0; i < 200000; ++i) {
    auto p = bgp::Ipv4Prefix::make(rng() & 0x0000FF00u, 24);  // 256 prefixes: many collisions
    if (rng() % 3 == 0) {
      EXPECT_EQ(table.erase(p).has_value(), model.erase({p.bits, p.length}) == 1);
    } else {
      EXPECT_EQ(table.insert(p, 1).has_value(), !model.insert({p.bits, p.length}).second);
    }
  }
  EXPECT_EQ(table.size(), model.size());
  std::size_t seen = 0;
  table.for_each([&](const bgp::Ipv4Prefix& p, std::uint32_t) {
    EXPECT_TRUE(model.contains({p.bits, p.length}));
    ++seen;
  });
  EXPECT_EQ(seen, model.size());
}

TEST(AdjRibIn, InternsAttributeSetsAndFreesThemWithTheLastRoute) {
  AdjRibIn rib;
  std::uint32_t set = rib.intern(with_med(0));
  for (std::uint32_t i = 0; i < 1000; ++i) rib.announce(bgp::Ipv4Prefix::make(i << 8, 24), set);
  rib.release_set(set);
  EXPECT_EQ(rib.ipv4_size(), 1000u);
  EXPECT_EQ(rib.attribute_sets(), 1u);

  // An implicit withdraw (RFC 4271 §9.1.4) replaces the route's set.
  std::uint32_t other = rib.intern(with_med(5));
  rib.announce(bgp::Ipv4Prefix::make(0, 24), other);
  rib.release_set(other);
  EXPECT_EQ(rib.attribute_sets(), 2u);
  EXPECT_EQ(rib.find(bgp::Ipv4Prefix::make(0, 24))->med, 5u);
  EXPECT_TRUE(rib.withdraw(bgp::Ipv4Prefix::make(0, 24)));
  EXPECT_FALSE(rib.withdraw(bgp::Ipv4Prefix::make(0, 24)));
  EXPECT_EQ(rib.attribute_sets(), 1u);

  RibSnapshot snap = rib.snapshot();
  ASSERT_EQ(snap.ipv4.size(), 999u);
  EXPECT_EQ(snap.attribute_sets.size(), 1u);
  EXPECT_EQ(snap.ipv4.front().prefix.str(), "0.0.1.0/24");
  EXPECT_TRUE(std::is_sorted(snap.ipv4.begin(), snap.ipv4.end(),
                             [](const auto& a, const auto& b) { return a.prefix < b.prefix; }));
}

TEST(AdjRibIn, KeepsIpv6Apart) {
  AdjRibIn rib;
  std::uint32_t set = rib.intern(with_med(1));
  auto p = bgp::Ipv6Prefix::from(*Prefix::parse("2001:db8::/32"));
  rib.announce(p, set);
  rib.release_set(set);
  EXPECT_EQ(rib.ipv6_size(), 1u);
  EXPECT_EQ(rib.ipv4_size(), 0u);
  EXPECT_EQ(rib.snapshot().ipv6.front().prefix.str(), "2001:db8::/32");
}

}  // namespace

namespace {

// RFC 4724 §4.2: stale routes become fresh when announced again; a sweep withdraws the rest.
TEST(AdjRibIn, StaleRoutesFreshenOnAnnounceAndGoOnSweep) {
  AdjRibIn rib;
  std::uint32_t set = rib.intern(with_med(0));
  for (std::uint32_t i = 0; i < 10; ++i) rib.announce(bgp::Ipv4Prefix::make(i << 8, 24), set);
  rib.release_set(set);
  rib.mark_stale(true, false);
  EXPECT_EQ(rib.stale_ipv4(), 10u);
  std::uint32_t other = rib.intern(with_med(9));
  rib.announce(bgp::Ipv4Prefix::make(0, 24), other);
  rib.release_set(other);
  EXPECT_TRUE(rib.withdraw(bgp::Ipv4Prefix::make(1 << 8, 24)));
  EXPECT_EQ(rib.stale_ipv4(), 8u);
  EXPECT_EQ(rib.snapshot().stale_ipv4.size(), 8u);
  EXPECT_EQ(rib.find(bgp::Ipv4Prefix::make(2 << 8, 24))->med, 0u);  // stale still readable
  EXPECT_EQ(rib.sweep_stale_ipv4().size(), 8u);
  EXPECT_EQ(rib.ipv4_size(), 1u);
  EXPECT_EQ(rib.stale_ipv4(), 0u);
  EXPECT_EQ(rib.attribute_sets(), 1u);
  EXPECT_EQ(rib.find(bgp::Ipv4Prefix::make(0, 24))->med, 9u);
}

}  // namespace
