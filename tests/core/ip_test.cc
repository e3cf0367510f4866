#include "cloudtwin/core/ip.h"

#include <gtest/gtest.h>

namespace cloudtwin {
namespace {

struct ParseCase {
  const char* name;
  const char* text;
  bool ok;
  const char* canonical;
};

class AddressParse : public ::testing::TestWithParam<ParseCase> {};

TEST_P(AddressParse, ParsesOrRejects) {
  const auto& c = GetParam();
  auto a = IpAddress::parse(c.text);
  ASSERT_EQ(a.has_value(), c.ok) << c.text;
  if (c.ok) {
    EXPECT_EQ(a->str(), c.canonical);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, AddressParse,
    ::testing::Values(ParseCase{"v4", "10.0.1.5", true, "10.0.1.5"},
                      ParseCase{"v4_zero", "0.0.0.0", true, "0.0.0.0"},
                      ParseCase{"v4_max", "255.255.255.255", true, "255.255.255.255"},
                      ParseCase{"v4_octet_overflow", "256.1.1.1", false, ""},
                      ParseCase{"v4_three_octets", "10.0.1", false, ""},
                      ParseCase{"v4_trailing_dot", "10.0.1.5.", false, ""},
                      ParseCase{"v4_space", " 10.0.1.5", false, ""},
                      ParseCase{"v6_compressed", "2600:1f18::1", true, "2600:1f18::1"},
                      ParseCase{"v6_full", "2001:0db8:0000:0000:0000:0000:0000:0001", true, "2001:db8::1"},
                      ParseCase{"v6_double_gap", "1::2::3", false, ""},
                      ParseCase{"v6_mapped", "::ffff:10.0.0.1", true, "::ffff:10.0.0.1"},
                      ParseCase{"empty", "", false, ""},
                      ParseCase{"word", "internet", false, ""}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Prefix, ParseClearsHostBitsUnlessStrict) {
  auto p = Prefix::parse("10.0.1.7/24");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->str(), "10.0.1.0/24");
  EXPECT_FALSE(Prefix::parse("10.0.1.7/24", /*strict=*/true));
}

// BGP peer addresses (direct-connect.md §2.5): the host bits stay, the length is the link's.
TEST(InterfaceAddress, KeepsTheHostAndTheLength) {
  const auto a = parse_interface_address("169.254.255.1/30");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->address, *IpAddress::parse("169.254.255.1"));
  EXPECT_EQ(a->length, 30);
  EXPECT_EQ(parse_interface_address("2001:db8::1/125")->length, 125);
  for (const char* bad : {"169.254.255.1", "169.254.255.1/", "169.254.255.1/33", "169.254.255.1/-0",
                          "169.254.255.1/3a", "169.254.255.1/0030", "x/30", "2001:db8::1/129", ""})
    EXPECT_FALSE(parse_interface_address(bad)) << bad;
}

TEST(Prefix, RejectsOutOfRangeLengths) {
  EXPECT_FALSE(Prefix::parse("10.0.0.0/33"));
  EXPECT_FALSE(Prefix::parse("10.0.0.0/-1"));
  EXPECT_FALSE(Prefix::parse("10.0.0.0/"));
  EXPECT_FALSE(Prefix::parse("10.0.0.0"));
  EXPECT_FALSE(Prefix::parse("2600::/129"));
  EXPECT_TRUE(Prefix::parse("2600::/128"));
  EXPECT_FALSE(Prefix::parse("10.0.0.0/1x"));
}

TEST(Prefix, ContainmentIsPerFamily) {
  auto v4 = *Prefix::parse("0.0.0.0/0");
  auto v6 = *Prefix::parse("::/0");
  // route-tables: 0.0.0.0/0 never covers IPv6.
  EXPECT_FALSE(v4.contains(*IpAddress::parse("2600::1")));
  EXPECT_TRUE(v6.contains(*IpAddress::parse("2600::1")));
  EXPECT_TRUE(v4.contains(*Prefix::parse("10.0.0.0/8")));
  EXPECT_FALSE(Prefix::parse("10.0.0.0/8")->contains(*Prefix::parse("0.0.0.0/0")));
  EXPECT_TRUE(Prefix::parse("10.0.0.0/8")->overlaps(*Prefix::parse("10.1.0.0/16")));
}

TEST(Prefix, LastAndSize) {
  auto p = *Prefix::parse("10.0.1.0/24");
  EXPECT_EQ(p.last().str(), "10.0.1.255");
  EXPECT_EQ(p.size(), 256u);
  EXPECT_EQ(Prefix::parse("0.0.0.0/0")->last().str(), "255.255.255.255");
}

TEST(SpecialRanges, Rfc1918AndRfc6598) {
  EXPECT_TRUE(is_rfc1918(*IpAddress::parse("172.31.255.255")));
  EXPECT_FALSE(is_rfc1918(*IpAddress::parse("172.32.0.0")));
  EXPECT_TRUE(is_rfc6598(*IpAddress::parse("100.127.0.1")));
  EXPECT_FALSE(is_rfc6598(*IpAddress::parse("100.128.0.1")));
  EXPECT_FALSE(is_rfc1918(*IpAddress::parse("fd00::1")));
}

}  // namespace
}  // namespace cloudtwin
