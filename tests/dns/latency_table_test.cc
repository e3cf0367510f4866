// The measured latency table (route53.md §2.3, "an operator-supplied client-prefix -> Region
// latency table"): the most specific prefix holding the client decides with the Regions it lists;
// bad lines are errors at file:line:column; latency groups answer by it, with its prefix as SCOPE.
#include <gtest/gtest.h>

#include <cmath>

#include "cloudtwin/dns/ask.h"
#include "cloudtwin/dns/latency_table.h"
#include "cloudtwin/load/native_yaml.h"

namespace cloudtwin::dns {
namespace {

ClientAddress address(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t prefix = 32) {
  ClientAddress x;
  x.bytes = {a, b, c, d};
  x.prefix = prefix;
  return x;
}

constexpr const char* kTable =
    "# client prefix, Region, milliseconds\n"
    "198.51.100.0/24, us-west-2, 12\n"
    "198.51.100.0/24, eu-central-1, 148   # a trailing comment\n"
    "198.51.0.0/16, eu-central-1, 5\n"
    "0.0.0.0/0, us-east-1, 80\n";

TEST(LatencyTable, MostSpecificPrefixDecidesWithItsRegions) {
  LatencyTable t;
  Diagnostics d;
  ASSERT_TRUE(t.parse(kTable, "table.csv", d));
  EXPECT_EQ(t.size(), 4u);
  Member members[3];
  members[0].region = "eu-central-1";
  members[1].region = "us-east-1";
  members[2].region = "us-west-2";
  double out[3];
  auto p = t.lookup(address(198, 51, 100, 7), members, out);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, 24);
  EXPECT_EQ(out[0], 148);
  EXPECT_TRUE(std::isnan(out[1]));  // the /24 lists no us-east-1
  EXPECT_EQ(out[2], 12);
  p = t.lookup(address(198, 51, 7, 1), members, out);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, 16);
  EXPECT_EQ(out[0], 5);
  // A client prefix shorter than the /24 (ECS /20) is held by the /16 only.
  p = t.lookup(address(198, 51, 96, 0, 20), members, out);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, 16);
  EXPECT_EQ(*t.lookup(address(203, 0, 113, 1), members, out), 0);
  EXPECT_EQ(out[1], 80);
}

TEST(LatencyTable, BadLinesAreLocatedErrors) {
  LatencyTable t;
  Diagnostics d;
  EXPECT_FALSE(t.parse("198.51.100.0/24, us-west-2\n"
                       "198.51.100.1/24, us-west-2, 3\n"
                       "10.0.0.0/8,  mars-north-1, 3\n"
                       "10.0.0.0/8, us-east-1, fast\n"
                       "10.0.0.0/8, us-east-1, -2\n",
                       "t.csv", d));
  ASSERT_EQ(d.error_count(), 5u);
  const auto& items = d.items();
  EXPECT_EQ(items[0].line, 1u);
  EXPECT_NE(items[0].message.find("expected `PREFIX, REGION, MILLISECONDS`"), std::string::npos);
  EXPECT_EQ(items[1].line, 2u);
  EXPECT_EQ(items[1].column, 1u);
  EXPECT_EQ(items[2].line, 3u);
  EXPECT_EQ(items[2].column, 14u);
  EXPECT_NE(items[2].message.find("not an AWS Region"), std::string::npos);
  EXPECT_EQ(items[3].column, 24u);
  EXPECT_EQ(items[4].line, 5u);
  EXPECT_EQ(items[0].file, "t.csv");
}

TEST(LatencyTable, LatencyGroupsAnswerByTheTable) {
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load::read_native_yaml(R"(
hosted_zones:
  - domain: example.org
    records:
      - {name: api, type: A, ttl: 60, values: [192.0.2.1], set_identifier: east, region: us-east-1}
      - {name: api, type: A, ttl: 60, values: [192.0.2.2], set_identifier: west, region: us-west-2}
      - {name: api, type: A, ttl: 60, values: [192.0.2.3], set_identifier: frankfurt, region: eu-central-1}
)", "z.yaml", n, d));
  ASSERT_TRUE(model::finalize(n, d));
  auto store = compile_zones(n, d);
  LatencyTable t;
  ASSERT_TRUE(t.parse(kTable, "table.csv", d));
  ClientAddress client = address(198, 51, 100, 9);
  PolicyContext p;
  p.address = &client;
  p.latency = &t;
  auto asked = ask(*store, "api.example.org", kTypeA, p);
  ASSERT_EQ(asked->addresses().size(), 1u);
  EXPECT_EQ(asked->addresses()[0].str(), "192.0.2.2");  // 12 ms beats 148
  EXPECT_EQ(asked->info.choice.scope, 24);
  client = address(198, 51, 7, 9);
  EXPECT_EQ(ask(*store, "api.example.org", kTypeA, p)->addresses()[0].str(), "192.0.2.3");
  client = address(203, 0, 113, 9);
  EXPECT_EQ(ask(*store, "api.example.org", kTypeA, p)->addresses()[0].str(), "192.0.2.1");
}

}  // namespace
}  // namespace cloudtwin::dns
