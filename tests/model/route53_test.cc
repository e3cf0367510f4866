// model::finalize() on Route 53 record sets: what a ChangeResourceRecordSets call rejects is a
// located error on the record set (shared/reference/route53.md §1, §3, §6), and Route 53's own
// SOA and NS are added to a zone that has none.
#include <gtest/gtest.h>

#include "cloudtwin/model/network.h"

namespace cloudtwin::model {
namespace {

struct Built {
  Network n;
  Diagnostics d;
  bool ok = false;
};

RecordSet record(std::string name, std::string type, std::vector<std::string> values, std::int64_t ttl = 300) {
  RecordSet r;
  r.id = name + "/" + type;
  r.at = {1, 7, 3};
  r.hosted_zone = {"Z1", {}};
  r.record_name = std::move(name);
  r.type = std::move(type);
  r.values = std::move(values);
  r.ttl = ttl;
  return r;
}

Built build(std::vector<RecordSet> records, std::string zone = "example.com") {
  Built b;
  (void)b.n.add_file("zones.yaml");
  HostedZone z;
  z.id = "Z1";
  z.domain = std::move(zone);
  b.n.hosted_zones.push_back(z);
  for (auto& r : records) b.n.record_sets.push_back(std::move(r));
  b.ok = finalize(b.n, b.d);
  return b;
}

std::string errors(const Built& b) {
  std::string out;
  for (const auto& d : b.d.items()) {
    if (d.severity == Severity::kError) out += d.str() + "\n";
  }
  return out;
}

TEST(Route53, AValidZoneGetsRoute53sSoaAndNs) {
  auto b = build({record("www.example.com.", "A", {"192.0.2.1"}), record("example.com", "MX", {"10 mail.example.com."})});
  ASSERT_TRUE(b.ok) << errors(b);
  ASSERT_EQ(b.n.record_sets.size(), 4u);
  EXPECT_EQ(b.n.record_sets[2].type, "SOA");
  EXPECT_TRUE(b.n.record_sets[2].implicit);
  EXPECT_EQ(b.n.record_sets[2].ttl, 900);  // SOA-NSrecords.html
  EXPECT_EQ(b.n.record_sets[3].type, "NS");
  EXPECT_EQ(b.n.record_sets[3].values.size(), 4u);
  EXPECT_EQ(b.n.record_sets[0].fqdn, "www.example.com.");
}

struct Bad {
  const char* name;
  std::vector<RecordSet> records;
  const char* message;  // a part of the error
};

class RejectedRecordSet : public testing::TestWithParam<Bad> {};

TEST_P(RejectedRecordSet, IsALocatedError) {
  auto b = build(GetParam().records);
  EXPECT_FALSE(b.ok);
  const std::string e = errors(b);
  EXPECT_NE(e.find(GetParam().message), std::string::npos) << e;
  EXPECT_NE(e.find("zones.yaml:7:3:"), std::string::npos) << "located at the record set: " << e;
}

RecordSet alias(std::string name, std::string type, std::string target, std::string zone = "Z1") {
  RecordSet r = record(std::move(name), std::move(type), {});
  r.ttl.reset();
  r.alias = AliasTarget{std::move(target), std::move(zone), true, {1, 7, 3}};
  return r;
}

RecordSet weighted(RecordSet r, std::string id, std::int64_t weight) {
  r.set_identifier = std::move(id);
  r.weight = weight;
  return r;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RejectedRecordSet,
    testing::Values(
        // RFC 1912 §2.4; Route 53: "RRSet of type CNAME ... is not permitted at apex"
        Bad{"CnameAtTheApex", {record("example.com.", "CNAME", {"www.example.org."})}, "not permitted at apex"},
        // RFC 1034 §3.6.2: a CNAME has no other data beside it
        Bad{"CnameBesideOtherData",
            {record("www.example.com.", "CNAME", {"web.example.com."}), record("www.example.com.", "TXT", {"\"x\""})},
            "conflicting RRSet of type CNAME"},
        // InvalidChangeBatch: the name lies outside the zone
        Bad{"OutsideTheZone", {record("www.example.org.", "A", {"192.0.2.1"})}, "is not permitted in zone example.com."},
        Bad{"NotASuffixLabel", {record("www.badexample.com.", "A", {"192.0.2.1"})}, "is not permitted in zone"},
        // API_ResourceRecordSet: TTL 0-2147483647
        Bad{"TtlTooLarge", {record("www.example.com.", "A", {"192.0.2.1"}, 2147483648)}, "outside 0-2147483647"},
        Bad{"NegativeTtl", {record("www.example.com.", "A", {"192.0.2.1"}, -1)}, "outside 0-2147483647"},
        // route53.md §3: "Tried to create an alias that targets X., type A in zone Z, but that target was not found"
        Bad{"AliasToAMissingTarget", {alias("example.com.", "A", "www.example.com.")}, "but that target was not found"},
        Bad{"AliasWithATtl",
            {record("www.example.com.", "A", {"192.0.2.1"}),
             [] { auto r = alias("example.com.", "A", "www.example.com."); r.ttl = 60; return r; }()},
            "omit TTL"},
        // "Tried to create resource record set ... but it already exists"
        Bad{"Duplicate", {record("www.example.com.", "A", {"192.0.2.1"}), record("WWW.example.com", "A", {"192.0.2.2"})},
            "but it already exists"},
        Bad{"DuplicateSetIdentifier",
            {weighted(record("w.example.com.", "A", {"192.0.2.1"}), "one", 1),
             weighted(record("w.example.com.", "A", {"192.0.2.2"}), "one", 2)},
            "already exists"},
        // A bad value for the type (ResourceRecordTypes.html)
        Bad{"NotAnIpv4Address", {record("www.example.com.", "A", {"192.0.2.256"})}, "is not a valid A value"},
        Bad{"MxWithoutPreference", {record("example.com.", "MX", {"mail.example.com."})}, "is not a valid MX value"},
        Bad{"AaaaWithAnIpv4Address", {record("www.example.com.", "AAAA", {"192.0.2.1"})}, "is not a valid AAAA value"},
        Bad{"TwoValuesInOne", {record("www.example.com.", "A", {"192.0.2.1 192.0.2.2"})}, "is not a valid A value"},
        Bad{"UnknownType", {record("www.example.com.", "AX", {"192.0.2.1"})}, "is not a record type"},
        Bad{"NoValuesNoAlias", {record("www.example.com.", "A", {})}, "needs ResourceRecords or an AliasTarget"},
        Bad{"TwoCnameValues", {record("www.example.com.", "CNAME", {"a.example.com.", "b.example.com."})},
            "holds exactly one value"},
        // One routing policy per Name+Type (route53.md §1)
        Bad{"MixedPolicies",
            {weighted(record("w.example.com.", "A", {"192.0.2.1"}), "one", 1), record("w.example.com.", "A", {"192.0.2.2"})},
            "cannot share"},
        Bad{"WeightOutOfRange", {weighted(record("w.example.com.", "A", {"192.0.2.1"}), "one", 256)}, "outside 0-255"},
        Bad{"PolicyWithoutSetIdentifier", {weighted(record("w.example.com.", "A", {"192.0.2.1"}), "", 1)},
            "needs a SetIdentifier"},
        Bad{"WildcardNs", {record("*.example.com.", "NS", {"ns.example.net."})}, "wildcard NS"}),
    [](const auto& info) { return info.param.name; });

TEST(Route53, AliasToARecordOfTheZoneResolves) {
  auto b = build({record("www.example.com.", "A", {"192.0.2.1"}), alias("example.com.", "A", "www.example.com")});
  ASSERT_TRUE(b.ok) << errors(b);
  EXPECT_EQ(b.n.record_sets[1].alias_record_set, 0u);
}

TEST(Route53, AliasOutsideTheNetworkIsAGapNotAnError) {
  auto b = build({alias("example.com.", "A", "d111111abcdef8.cloudfront.net.", "Z2FDTNDATAQYW2")});
  EXPECT_TRUE(b.ok) << errors(b);
  bool gap = false;
  for (const auto& d : b.d.items()) gap = gap || d.gap == Gap::kUnknownValue;
  EXPECT_TRUE(gap);
}

TEST(Route53, NamesAreCaseInsensitiveWithEscapes) {
  // route53.md §6: `\052` is `*`; names are stored in lower case.
  auto b = build({record("\\052.Example.COM", "TXT", {"\"hello\" \"world\""})});
  ASSERT_TRUE(b.ok) << errors(b);
  EXPECT_EQ(b.n.record_sets[0].fqdn, "*.example.com.");
}

}  // namespace
}  // namespace cloudtwin::model
