// reach(): the symbolic answer on small hand-made networks, with the AWS rule each checks.
#include "cloudtwin/verify/reach.h"

#include <gtest/gtest.h>

#include "cloudtwin/load/load.h"
#include "cloudtwin/verify/rows.h"
#include "test_networks.h"

namespace cloudtwin::verify {
namespace {

using testing::example_network;
using testing::yaml_network;

Party party(const model::Network& n, const std::string& text) {
  auto p = parse_party(n, text);
  EXPECT_TRUE(p.party) << p.error;
  return *p.party;
}

// aws-vpc.md §1.4: security groups admit only what a rule allows; microservices.yaml lets
// orders reach payments on tcp/8443 alone.
TEST(Reach, SecurityGroupAdmitsExactlyOnePort) {
  auto n = example_network("microservices.yaml");
  Compiled c(n);
  auto r = reach(c, party(n, "orders"), party(n, "payments"));
  EXPECT_FALSE(r.truncated);
  bdd expected = HeaderSpace::protocol(Protocol::kTcp) & HeaderSpace::port(Block::kDstPort, 8443);
  EXPECT_TRUE((r.reachable & !expected) == bddfalse);
  EXPECT_TRUE((r.reachable & expected) != bddfalse);
  auto rows = verify::rows(r, true);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].protocol, "tcp");
  EXPECT_EQ(ports_text(rows[0].destination_ports), "8443");
}

// The classes partition the query: every queried packet is in exactly one flow.
TEST(Reach, FlowsPartitionTheQuery) {
  auto n = example_network("microservices.yaml");
  Compiled c(n);
  auto r = reach(c, party(n, "orders"), party(n, "internet"));
  bdd seen = bddfalse;
  for (const auto& f : r.flows) {
    EXPECT_TRUE((seen & f.packets) == bddfalse);
    seen |= f.packets;
  }
  EXPECT_TRUE(seen == r.queried);
}

TEST(Reach, UnknownNamesGetAHint) {
  auto n = example_network("microservices.yaml");
  auto p = parse_party(n, "paymnts");
  EXPECT_FALSE(p.party);
  EXPECT_NE(p.hint.find("payments"), std::string::npos);
  EXPECT_FALSE(parse_party(n, "10.200.0.0/16").party);  // private space nothing holds
  EXPECT_FALSE(parse_party(n, "").party);
}

}  // namespace
}  // namespace cloudtwin::verify

namespace cloudtwin::verify {
namespace {

// aws-vpc.md §1.5: a NAT gateway translates ICMP; it maps the address back on the reply and
// leaves the ICMP type alone (only TCP and UDP ports are remapped). A destination-unreachable
// (type 3) reply stays type 3 on its way back to the instance.
TEST(NatGateway, KeepsTheIcmpTypeOfTheReply) {
  auto n = example_network("microservices.yaml");
  auto src = vpc::parse_endpoint(n, "orders");
  auto dst = vpc::parse_endpoint(n, "internet");
  ASSERT_TRUE(src.endpoint && dst.endpoint);
  vpc::Query q;
  q.source = *src.endpoint;
  q.destination = *dst.endpoint;
  q.protocol = Protocol(Protocol::kIcmp);
  q.destination_port = 3;
  auto t = vpc::trace(n, q);
  ASSERT_TRUE(t.reachable);
  bool translated_back = false;
  for (const auto& h : t.reverse) {
    if (h.component_type != "NatGateway" || !h.outbound_header) continue;
    translated_back = true;
    EXPECT_EQ(h.outbound_header->dst_port, 3) << "the reply's ICMP type changed at the NAT gateway";
    EXPECT_EQ(h.outbound_header->dst.str(), "10.10.1.10");
  }
  EXPECT_TRUE(translated_back);
}

}  // namespace
}  // namespace cloudtwin::verify
