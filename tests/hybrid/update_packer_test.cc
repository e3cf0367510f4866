// Packing routes into UPDATEs: every message fits in 4096 bytes, decodes cleanly and carries one
// kind of NLRI field (RFC 7606 §5.1); together they carry every prefix exactly once.
#include "cloudtwin/hybrid/update_packer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

using namespace cloudtwin;
using namespace cloudtwin::hybrid::bgp;
using Bytes = std::vector<std::uint8_t>;

PathAttributes attributes(std::uint32_t asn) {
  PathAttributes a;
  a.origin = Origin::kIgp;
  a.as_path = AsPath{{SegmentType::kSequence, {asn}}};
  a.next_hop = *IpAddress::parse("169.254.255.2");
  return a;
}

// Decodes a run of messages; every one must be whole, at most 4096 bytes and error-free.
std::vector<Update> decode_all(const Bytes& bytes) {
  std::vector<Update> out;
  std::span<const std::uint8_t> rest(bytes);
  while (!rest.empty()) {
    Frame f = next_frame(rest);
    EXPECT_EQ(f.status, FrameStatus::kComplete);
    if (f.status != FrameStatus::kComplete) break;
    EXPECT_LE(f.size, kMaxMessageSize);
    DecodeResult r = decode(rest.first(f.size), SessionOptions{});
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.action, ErrorAction::kNone);
    out.push_back(std::get<Update>(r.message));
    rest = rest.subspan(f.size);
  }
  return out;
}

std::vector<Ipv4Prefix> slash24s(std::size_t n) {
  std::vector<Ipv4Prefix> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(Ipv4Prefix::make(static_cast<std::uint32_t>(0x0A000000u + (i << 8)), 24));
  return out;
}

TEST(UpdatePacker, OneHundredThousandPrefixesInFullMessages) {
  std::vector<Ipv4Prefix> prefixes = slash24s(100000);
  Bytes out;
  auto messages = pack_ipv4(attributes(64512), prefixes, SessionOptions{}, out);
  ASSERT_TRUE(messages);
  // 4 octets per /24 after 43 octets of header and attributes: 1,013 prefixes per message.
  EXPECT_EQ(*messages, (100000 + 1012) / 1013);
  std::vector<Update> updates = decode_all(out);
  ASSERT_EQ(updates.size(), *messages);
  EXPECT_EQ(updates[0].nlri.size(), 1013u);
  std::vector<Ipv4Prefix> got;
  for (const Update& u : updates) {
    EXPECT_EQ(u.attributes, attributes(64512));
    EXPECT_TRUE(u.withdrawn.empty());
    got.insert(got.end(), u.nlri.begin(), u.nlri.end());
  }
  EXPECT_EQ(got, prefixes);
}

TEST(UpdatePacker, GroupsRoutesByAttributeSet) {
  // Sets 0 and 2 encode identically: two groups.
  std::vector<PathAttributes> sets = {attributes(64512), attributes(65001), attributes(64512)};
  std::vector<Ipv4Prefix> prefixes = slash24s(3000);
  std::vector<Ipv4Route> routes;
  for (std::size_t i = 0; i < prefixes.size(); ++i)
    routes.push_back({prefixes[i], static_cast<std::uint32_t>(i % 3)});
  Bytes out;
  auto messages = pack_routes(sets, routes, SessionOptions{}, out);
  ASSERT_TRUE(messages);
  std::vector<Update> updates = decode_all(out);
  ASSERT_EQ(updates.size(), *messages);
  EXPECT_EQ(*messages, 2u + 1u);  // 2,000 prefixes in two messages, 1,000 in one
  std::size_t with_64512 = 0;
  for (const Update& u : updates) {
    if (u.attributes == attributes(64512)) with_64512 += u.nlri.size();
  }
  EXPECT_EQ(with_64512, 2000u);
  routes.push_back({prefixes[0], 7});
  EXPECT_FALSE(pack_routes(sets, routes, SessionOptions{}, out));
}

TEST(UpdatePacker, RefusesAttributesWithoutMandatoryOnes) {
  PathAttributes a = attributes(64512);
  a.next_hop.reset();
  Bytes out;
  EXPECT_FALSE(pack_ipv4(a, slash24s(10), SessionOptions{}, out));
  EXPECT_TRUE(out.empty());
}

TEST(UpdatePacker, Ipv6InMpReach) {
  std::vector<Ipv6Prefix> prefixes;
  for (std::uint64_t i = 0; i < 2000; ++i) {
    prefixes.push_back(Ipv6Prefix::make((U128{0x20010DB800000000ull + i} << 64), 64));
  }
  Ipv6NextHop nh{*IpAddress::parse("2001:db8::1"), *IpAddress::parse("fe80::1")};
  Bytes out;
  auto messages = pack_ipv6(attributes(64512), nh, prefixes, SessionOptions{}, out);
  ASSERT_TRUE(messages);
  std::vector<Update> updates = decode_all(out);
  ASSERT_EQ(updates.size(), *messages);
  EXPECT_EQ(*messages, 5u);  // 9 octets per /64
  std::vector<Ipv6Prefix> got;
  for (const Update& u : updates) {
    ASSERT_TRUE(u.mp_reach);
    EXPECT_TRUE(u.nlri.empty());
    EXPECT_FALSE(u.attributes.next_hop);
    EXPECT_EQ(u.mp_reach->link_local, nh.link_local);
    got.insert(got.end(), u.mp_reach->ipv6.begin(), u.mp_reach->ipv6.end());
  }
  EXPECT_EQ(got, prefixes);
}

TEST(UpdatePacker, Withdrawals) {
  Bytes out;
  std::vector<Ipv4Prefix> v4 = slash24s(5000);
  std::size_t messages = pack_withdrawals(v4, out);
  std::vector<Update> updates = decode_all(out);
  ASSERT_EQ(updates.size(), messages);
  std::size_t count = 0;
  for (const Update& u : updates) count += u.withdrawn.size();
  EXPECT_EQ(count, 5000u);

  std::vector<Ipv6Prefix> v6 = {Ipv6Prefix::from(*Prefix::parse("2001:db8::/32"))};
  out.clear();
  EXPECT_EQ(pack_withdrawals(v6, out), 1u);
  updates = decode_all(out);
  ASSERT_EQ(updates.size(), 1u);
  ASSERT_TRUE(updates[0].mp_unreach);
  EXPECT_EQ(updates[0].mp_unreach->ipv6, v6);
}

}  // namespace
