// Private hosted zones and VPC views (shared/reference/route53.md §4): the zones a query sees
// depend on the VPC it comes from; the most specific associated private zone answers, without
// fall-through; ECS is ignored and the VPC's Region locates the query. Through dns::ask(), the
// path `dns answer` and `trace --to NAME` take.
#include <gtest/gtest.h>

#include "cloudtwin/dns/ask.h"
#include "cloudtwin/load/native_yaml.h"

namespace cloudtwin::dns {
namespace {

struct Compiled {
  model::Network network;
  Diagnostics diagnostics;
  std::shared_ptr<const ZoneStore> store;
};

Compiled compile(const std::string& yaml, const CompileOptions& options = {}) {
  Compiled c;
  EXPECT_TRUE(load::read_native_yaml(yaml, "test.yaml", c.network, c.diagnostics));
  EXPECT_TRUE(model::finalize(c.network, c.diagnostics));
  c.store = compile_zones(c.network, c.diagnostics, options);
  return c;
}

Compiled fixture() {
  Compiled c;
  EXPECT_TRUE(load::read_native_yaml_file(CLOUDTWIN_SOURCE_DIR "/tests/dns/zones/private.yaml", c.network, c.diagnostics));
  EXPECT_TRUE(model::finalize(c.network, c.diagnostics));
  c.store = compile_zones(c.network, c.diagnostics);
  return c;
}

std::string first_address(const ZoneStore& s, const std::string& name, const std::string& vpc) {
  PolicyContext p;
  p.view = vpc.empty() ? kNoView : s.view_of(vpc);
  auto asked = ask(s, name, kTypeA, p);
  if (!asked) return "bad name";
  auto addresses = asked->addresses();
  if (!addresses.empty()) return addresses.front().str();
  return asked->rcode == 3 ? "NXDOMAIN" : asked->rcode == 5 ? "REFUSED" : "rcode " + std::to_string(asked->rcode);
}

TEST(PrivateZones, ViewsAreKeyedByVpcIdAndName) {
  auto c = fixture();
  // One view per VPC: app, data, nodns and plain (no private zone: it sees the public ones).
  EXPECT_EQ(c.store->views.size(), 4u);
  EXPECT_NE(c.store->view_of("vpc-app"), kNoView);
  EXPECT_EQ(c.store->view_of("vpc-app"), c.store->view_of("app"));
  EXPECT_TRUE(c.store->views[c.store->view_of("plain")].private_by_apex.empty());
  EXPECT_EQ(c.store->view_of("nowhere"), kNoView);
  EXPECT_EQ(c.store->views[c.store->view_of("data")].region, "us-east-1");
  EXPECT_EQ(c.store->views[c.store->view_of("app")].region, "eu-west-1");  // the file's region
}

// §4: "If it has no record for the name/type -> NXDOMAIN; no fall-through to public DNS".
TEST(PrivateZones, PrivateZoneShadowsThePublicOneWithoutFallThrough) {
  auto c = fixture();
  EXPECT_EQ(first_address(*c.store, "www.example.com", ""), "192.0.2.1");
  EXPECT_EQ(first_address(*c.store, "www.example.com", "app"), "10.1.0.10");
  EXPECT_EQ(first_address(*c.store, "api.example.com", "app"), "NXDOMAIN");
  EXPECT_EQ(first_address(*c.store, "api.example.com", "data"), "192.0.2.2");
  EXPECT_EQ(first_address(*c.store, "primary.db.internal", ""), "REFUSED");
}

// §4: "the most specific associated PHZ that matches the name (identical or parent) is used".
TEST(PrivateZones, MostSpecificAssociatedZoneWins) {
  auto c = fixture();
  EXPECT_EQ(first_address(*c.store, "backup.ops.db.internal", "data"), "10.2.0.7");
  EXPECT_EQ(first_address(*c.store, "replica.ops.db.internal", "data"), "NXDOMAIN");
  PolicyContext p;
  p.view = c.store->view_of("data");
  EXPECT_EQ(ask(*c.store, "replica.ops.db.internal", kTypeA, p)->zone->id, "ZDATAONLY");
  p.view = c.store->view_of("app");  // not associated there: the parent zone answers
  EXPECT_EQ(ask(*c.store, "replica.ops.db.internal", kTypeA, p)->zone->id, "ZINTERNAL");
}

// §4: geolocation in a private zone answers by the VPC's Region; the client's address (ECS or
// source) does not matter.
TEST(PrivateZones, GeolocationByTheVpcsRegion) {
  auto c = fixture();
  EXPECT_EQ(first_address(*c.store, "geo.db.internal", "app"), "10.2.0.5");   // eu-west-1: EU
  EXPECT_EQ(first_address(*c.store, "geo.db.internal", "data"), "10.2.0.6");  // us-east-1: default
  ClientLocation elsewhere;
  elsewhere.continent = "NA";
  PolicyContext p;
  p.view = c.store->view_of("app");
  p.location = &elsewhere;
  auto asked = ask(*c.store, "geo.db.internal", kTypeA, p);
  ASSERT_FALSE(asked->addresses().empty());
  EXPECT_EQ(asked->addresses().front().str(), "10.2.0.5");
  EXPECT_EQ(asked->info.choice.scope, 0);
}

// From inside a VPC the Amazon resolver asks public zones from the VPC's Region: geolocation of a
// public zone answers by that Region, whatever the instance's address.
TEST(PrivateZones, PublicZoneFromInsideAVpcSeesTheRegion) {
  auto c = fixture();
  EXPECT_EQ(first_address(*c.store, "near.example.com", "data"), "192.0.2.11");   // us-east-1
  EXPECT_EQ(first_address(*c.store, "near.example.com", "plain"), "192.0.2.10");  // eu-west-1
  EXPECT_EQ(first_address(*c.store, "near.example.com", ""), "192.0.2.11");       // unknown: default
}

// AWS refuses a second private zone of one name for the same VPC (ConflictingDomainExists):
// the second is left out of that VPC's view with a located warning.
TEST(PrivateZones, TwoZonesOfOneNameInOneVpcWarn) {
  auto c = compile(R"(
vpcs: [{name: a, cidr_block: 10.0.0.0/16}]
hosted_zones:
  - {id: Z1, domain: corp.internal, vpcs: [a], records: [{name: x, type: A, ttl: 60, values: [10.0.0.1]}]}
  - {id: Z2, domain: corp.internal, vpcs: [a], records: [{name: x, type: A, ttl: 60, values: [10.0.0.2]}]}
)");
  bool warned = false;
  for (const auto& d : c.diagnostics.items()) {
    warned = warned || (d.message.find("already associated with a private zone named corp.internal.") != std::string::npos &&
                        d.resource == "Z2" && d.line > 0);
  }
  EXPECT_TRUE(warned);
  EXPECT_EQ(first_address(*c.store, "x.corp.internal", "a"), "10.0.0.1");
}

// --private-zones: every query sees the private zones (the old, VPC-blind mode).
TEST(PrivateZones, EveryoneSeesThemWithPrivateZones) {
  CompileOptions o;
  o.private_zones = true;
  auto c = compile(R"(
vpcs: [{name: a, cidr_block: 10.0.0.0/16}]
hosted_zones:
  - {id: Z1, domain: corp.internal, vpcs: [a], records: [{name: x, type: A, ttl: 60, values: [10.0.0.1]}]}
)", o);
  EXPECT_EQ(first_address(*c.store, "x.corp.internal", ""), "10.0.0.1");
  EXPECT_EQ(first_address(*c.store, "x.corp.internal", "a"), "10.0.0.1");
}

TEST(Ask, BadNameIsNotAQuestion) {
  auto c = fixture();
  EXPECT_FALSE(ask(*c.store, std::string(300, 'a'), kTypeA, {}).has_value());
}

}  // namespace
}  // namespace cloudtwin::dns
