#include "cloudtwin/core/packet.h"

#include <gtest/gtest.h>

namespace cloudtwin {
namespace {

TEST(Protocol, ParsesAwsSpellings) {
  EXPECT_EQ(Protocol::parse("tcp")->number(), 6);
  EXPECT_EQ(Protocol::parse("UDP")->number(), 17);
  EXPECT_EQ(Protocol::parse("icmpv6")->number(), 58);
  EXPECT_TRUE(Protocol::parse("-1")->is_all());
  EXPECT_EQ(Protocol::parse("50")->number(), 50);
  EXPECT_FALSE(Protocol::parse("256"));
  EXPECT_FALSE(Protocol::parse("tcpp"));
  EXPECT_FALSE(Protocol::parse(""));
}

TEST(PortRange, ParsesSinglesRangesAndAny) {
  EXPECT_EQ(PortRange::parse("443")->str(), "443");
  EXPECT_EQ(PortRange::parse("1024-65535")->from, 1024);
  EXPECT_TRUE(PortRange::parse("-1")->is_all());
  EXPECT_FALSE(PortRange::parse("70000"));
  EXPECT_FALSE(PortRange::parse("10-5"));
  EXPECT_FALSE(PortRange::parse("a-b"));
}

TEST(Header, ReplySwapsAddressesAndPorts) {
  Header h{*IpAddress::parse("10.0.0.5"), *IpAddress::parse("10.0.1.5"), Protocol(6), 40000, 443};
  auto r = h.reversed();
  EXPECT_EQ(r.src.str(), "10.0.1.5");
  EXPECT_EQ(r.src_port, 443);
  EXPECT_EQ(r.dst_port, 40000);
}

TEST(Header, IcmpEchoIsAnsweredByEchoReply) {
  Header h{*IpAddress::parse("10.0.0.5"), *IpAddress::parse("10.0.1.5"), Protocol(1), 0, 8};
  EXPECT_EQ(h.reversed().dst_port, 0);
}

}  // namespace
}  // namespace cloudtwin
