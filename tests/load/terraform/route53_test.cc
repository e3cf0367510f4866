// The Terraform reader's Route 53 types (Terraform AWS provider, r/route53_zone, r/route53_record,
// r/route53_zone_association, r/route53_delegation_set, r/route53_health_check,
// r/route53_cidr_collection, r/route53_cidr_location): a state and a plan, names and TXT values
// as the provider sends them to Route 53, and what is left out or refused, located.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cloudtwin/load/load.h"
#include "trace_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump_diagnostics;

struct Loaded {
  model::Network network;
  Diagnostics diagnostics;
  bool ok = false;
};

Loaded load_text(const std::string& json, const std::string& name) {
  Loaded l;
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << json;
  l.ok = load_network({path.string()}, l.network, l.diagnostics);
  return l;
}

std::string res(const std::string& address, const std::string& values) {
  const std::string type = address.substr(0, address.find('.'));
  const std::string name = address.substr(address.find('.') + 1);
  return R"({"address": ")" + address + R"(", "mode": "managed", "type": ")" + type +
         R"(", "name": ")" + name + R"(", "values": {)" + values + "}}";
}

std::string state(const std::string& resources) {
  return R"({"format_version": "1.0", "terraform_version": "1.5.7", "values": {"root_module": {"resources": [)" +
         resources + "]}}}";
}

const model::RecordSet* record(const model::Network& n, std::string_view fqdn, std::string_view type,
                               std::string_view set_identifier = "") {
  for (const auto& r : n.record_sets) {
    if (r.fqdn == fqdn && r.type == type && r.set_identifier == set_identifier) return &r;
  }
  return nullptr;
}

const std::string kState = state(
    res("aws_vpc.v", R"("id": "vpc-1", "cidr_block": "10.0.0.0/16")") + ",\n" +
    res("aws_vpc.w", R"("id": "vpc-2", "cidr_block": "10.1.0.0/16")") + ",\n" +
    res("aws_route53_delegation_set.main",
        R"("id": "N1PA6795SAMPLE", "name_servers": ["ns-1.awsdns-1.com", "ns-2.awsdns-2.net", "ns-3.awsdns-3.org", "ns-4.awsdns-4.co.uk"])") + ",\n" +
    res("aws_route53_zone.main",
        R"("id": "Z1D633PJN98FT9", "zone_id": "Z1D633PJN98FT9", "name": "example.com", "comment": "Managed by Terraform", "delegation_set_id": "N1PA6795SAMPLE", "vpc": [], "force_destroy": false)") + ",\n" +
    res("aws_route53_zone.corp",
        R"("id": "Z2CORP", "zone_id": "Z2CORP", "name": "corp.internal", "comment": "", "delegation_set_id": "", "vpc": [{"vpc_id": "vpc-1", "vpc_region": "us-east-1"}])") + ",\n" +
    res("aws_route53_zone_association.w", R"("id": "Z2CORP:vpc-2", "zone_id": "Z2CORP", "vpc_id": "vpc-2", "vpc_region": "us-east-1")") + ",\n" +
    res("aws_route53_record.www",
        R"("id": "Z1D633PJN98FT9_www_A_blue", "zone_id": "Z1D633PJN98FT9", "name": "www", "fqdn": "www.example.com", "type": "A", "ttl": 300, "records": ["192.0.2.1"], "set_identifier": "blue", "weighted_routing_policy": [{"weight": 10}], "alias": [], "health_check_id": "")") + ",\n" +
    res("aws_route53_record.txt",
        R"("id": "Z1D633PJN98FT9_txt_TXT", "zone_id": "Z1D633PJN98FT9", "name": "txt.example.com", "fqdn": "txt.example.com", "type": "TXT", "ttl": 60, "records": ["v=spf1 -all", "first\"\"second"], "alias": [])") + ",\n" +
    res("aws_route53_record.geo",
        R"("id": "Z1D633PJN98FT9_geo_A_eu", "zone_id": "Z1D633PJN98FT9", "name": "geo", "fqdn": "geo.example.com", "type": "A", "ttl": 60, "records": ["192.0.2.5"], "set_identifier": "eu", "geolocation_routing_policy": [{"continent": "EU", "country": "", "subdivision": ""}])") + ",\n" +
    res("aws_route53_record.apex",
        R"("id": "Z1D633PJN98FT9__A", "zone_id": "Z1D633PJN98FT9", "name": "example.com", "fqdn": "example.com", "type": "A", "records": null, "ttl": null, "alias": [{"name": "www.example.com", "zone_id": "Z1D633PJN98FT9", "evaluate_target_health": true}], "set_identifier": "apex", "failover_routing_policy": [{"type": "PRIMARY"}])") + ",\n" +
    res("aws_route53_record.db",
        R"("id": "Z2CORP_db_A", "zone_id": "Z2CORP", "name": "db", "fqdn": "db.corp.internal", "type": "A", "ttl": 60, "records": ["10.0.1.5"])"));

TEST(TerraformRoute53, StateZonesRecordsAssociationsAndDelegationSets) {
  Loaded l = load_text(kState, "route53_state.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  ASSERT_EQ(l.network.delegation_sets.size(), 1u);
  EXPECT_EQ(l.network.delegation_sets[0].name_servers.size(), 4u);
  ASSERT_EQ(l.network.hosted_zones.size(), 2u);
  const auto& main = l.network.hosted_zones[0];
  EXPECT_EQ(main.id, "Z1D633PJN98FT9");
  EXPECT_EQ(main.delegation_set.index, 0u);
  EXPECT_FALSE(main.private_zone);
  const auto& corp = l.network.hosted_zones[1];
  EXPECT_TRUE(corp.private_zone);
  ASSERT_EQ(corp.vpcs.size(), 2u) << "the zone's vpc block and aws_route53_zone_association";
  EXPECT_EQ(corp.vpcs[1].vpc.text, "vpc-2");

  const auto* www = record(l.network, "www.example.com.", "A", "blue");
  ASSERT_TRUE(www);
  EXPECT_EQ(www->name, "aws_route53_record.www");
  EXPECT_EQ(www->id, "Z1D633PJN98FT9/www.example.com./A/blue");
  EXPECT_EQ(www->weight, 10);
  // The provider quotes TXT values (flattenTxtEntry); `""` inside splits the strings.
  const auto* txt = record(l.network, "txt.example.com.", "TXT");
  ASSERT_TRUE(txt);
  EXPECT_EQ(txt->values, (std::vector<std::string>{"\"v=spf1 -all\"", "\"first\" \"second\""}));
  const auto* geo = record(l.network, "geo.example.com.", "A", "eu");
  ASSERT_TRUE(geo && geo->geo_location);
  EXPECT_EQ(geo->geo_location->continent_code, "EU");
  const auto* apex = record(l.network, "example.com.", "A", "apex");
  ASSERT_TRUE(apex && apex->alias);
  EXPECT_FALSE(apex->ttl);
  EXPECT_NE(apex->alias_record_set, model::kNone);
  // The implicit NS uses the delegation set's name servers.
  const auto* ns = record(l.network, "example.com.", "NS");
  ASSERT_TRUE(ns && ns->implicit);
  EXPECT_EQ(ns->values.front(), "ns-1.awsdns-1.com.");
}

// A plan knows `name` only: the provider appends the zone's name when `name` does not end with
// it (expandRecordName), and the zone's id is unknown until apply.
TEST(TerraformRoute53, PlanCompletesRelativeNamesWithTheZone) {
  const std::string plan = R"({"format_version": "1.2", "terraform_version": "1.5.7",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_route53_zone.main", "mode": "managed", "type": "aws_route53_zone", "name": "main",
     "values": {"name": "example.com", "comment": "Managed by Terraform", "vpc": [], "force_destroy": false}},
    {"address": "aws_route53_record.www", "mode": "managed", "type": "aws_route53_record", "name": "www",
     "values": {"name": "www", "type": "A", "ttl": 300, "records": ["192.0.2.1"]}},
    {"address": "aws_route53_record.api", "mode": "managed", "type": "aws_route53_record", "name": "api",
     "values": {"name": "api.example.com", "type": "A", "ttl": 300, "records": ["192.0.2.2"]}}
  ]}},
  "resource_changes": [
    {"address": "aws_route53_zone.main", "mode": "managed", "type": "aws_route53_zone", "name": "main",
     "change": {"actions": ["create"], "after_unknown": {"id": true, "zone_id": true, "name_servers": true}}},
    {"address": "aws_route53_record.www", "mode": "managed", "type": "aws_route53_record", "name": "www",
     "change": {"actions": ["create"], "after_unknown": {"id": true, "zone_id": true, "fqdn": true}}},
    {"address": "aws_route53_record.api", "mode": "managed", "type": "aws_route53_record", "name": "api",
     "change": {"actions": ["create"], "after_unknown": {"id": true, "zone_id": true, "fqdn": true}}}
  ],
  "configuration": {"root_module": {"resources": [
    {"address": "aws_route53_record.www", "mode": "managed", "type": "aws_route53_record", "name": "www",
     "expressions": {"zone_id": {"references": ["aws_route53_zone.main.zone_id", "aws_route53_zone.main"]}}},
    {"address": "aws_route53_record.api", "mode": "managed", "type": "aws_route53_record", "name": "api",
     "expressions": {"zone_id": {"references": ["aws_route53_zone.main.zone_id", "aws_route53_zone.main"]}}}
  ]}}
})";
  Loaded l = load_text(plan, "route53_plan.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto* www = record(l.network, "www.example.com.", "A");
  ASSERT_TRUE(www) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(www->record_name, "www.example.com.");
  const auto* api = record(l.network, "api.example.com.", "A");
  ASSERT_TRUE(api) << "not api.example.com.example.com.";
  EXPECT_EQ(api->record_name, "api.example.com.");
}

// In a plan, an alias to a load balancer has no name until apply: the load balancer the
// configuration references, by its address (its id in a plan), which finalize() matches.
TEST(TerraformRoute53, PlanAliasNamesTheLoadBalancerTheConfigurationReferences) {
  const std::string plan = R"({"format_version": "1.2", "terraform_version": "1.5.7",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v",
     "values": {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}},
    {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a",
     "values": {"id": "subnet-a", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24", "availability_zone": "us-east-1a"}},
    {"address": "aws_subnet.b", "mode": "managed", "type": "aws_subnet", "name": "b",
     "values": {"id": "subnet-b", "vpc_id": "vpc-1", "cidr_block": "10.0.2.0/24", "availability_zone": "us-east-1b"}},
    {"address": "aws_lb.web", "mode": "managed", "type": "aws_lb", "name": "web",
     "values": {"name": "web", "internal": true, "load_balancer_type": "application", "subnets": ["subnet-a", "subnet-b"]}},
    {"address": "aws_route53_zone.main", "mode": "managed", "type": "aws_route53_zone", "name": "main",
     "values": {"name": "example.com", "vpc": []}},
    {"address": "aws_route53_record.app", "mode": "managed", "type": "aws_route53_record", "name": "app",
     "values": {"name": "app.example.com", "type": "A", "alias": [{"evaluate_target_health": true}]}}
  ]}},
  "resource_changes": [
    {"address": "aws_lb.web", "mode": "managed", "type": "aws_lb", "name": "web",
     "change": {"actions": ["create"], "after_unknown": {"id": true, "arn": true, "dns_name": true, "zone_id": true}}},
    {"address": "aws_route53_zone.main", "mode": "managed", "type": "aws_route53_zone", "name": "main",
     "change": {"actions": ["create"], "after_unknown": {"id": true, "zone_id": true}}},
    {"address": "aws_route53_record.app", "mode": "managed", "type": "aws_route53_record", "name": "app",
     "change": {"actions": ["create"], "after_unknown": {"id": true, "zone_id": true, "fqdn": true}}}
  ],
  "configuration": {"root_module": {"resources": [
    {"address": "aws_route53_record.app", "mode": "managed", "type": "aws_route53_record", "name": "app",
     "expressions": {"zone_id": {"references": ["aws_route53_zone.main.zone_id", "aws_route53_zone.main"]},
                     "alias": [{"name": {"references": ["aws_lb.web.dns_name", "aws_lb.web"]},
                                "zone_id": {"references": ["aws_lb.web.zone_id", "aws_lb.web"]}}]}}
  ]}}
})";
  Loaded l = load_text(plan, "route53_alias_plan.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  const auto* app = record(l.network, "app.example.com.", "A");
  ASSERT_TRUE(app && app->alias) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(app->alias->dns_name, "aws_lb.web");
  ASSERT_NE(app->alias->load_balancer, model::kNone);
  EXPECT_EQ(l.network.load_balancers[app->alias->load_balancer].id, "aws_lb.web");
}

// A zone outside the inputs is existing infrastructure: its record is left out, with a warning.
TEST(TerraformRoute53, RecordOfAZoneOutsideTheInputsIsLeftOut) {
  Loaded l = load_text(state(res("aws_route53_record.x",
                                 R"("id": "ZX_x_A", "zone_id": "ZX", "name": "x.example.com", "fqdn": "x.example.com", "type": "A", "ttl": 60, "records": ["192.0.2.1"])")),
                       "route53_outside.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  EXPECT_TRUE(l.network.record_sets.empty());
  EXPECT_EQ(testing::count_warnings_containing(l.diagnostics, "its hosted zone ZX is not in this state"), 1u)
      << dump_diagnostics(l.diagnostics);
}

TEST(TerraformRoute53, BadRecordsAreLocatedErrors) {
  Loaded l = load_text(
      state(res("aws_route53_zone.main", R"("id": "Z1", "zone_id": "Z1", "name": "example.com")") + ",\n" +
            res("aws_route53_record.a", R"("id": "Z1_a_A", "zone_id": "Z1", "name": "a.example.com", "ttl": 60, "records": ["192.0.2.1"])") + ",\n" +
            res("aws_route53_record.b", R"("id": "Z1_b_A", "zone_id": "Z1", "name": "b.example.com", "type": "A", "ttl": "soon", "records": ["192.0.2.1"])") + ",\n" +
            res("aws_route53_record.c", R"("id": "Z1_c_A", "zone_id": "Z1", "name": "c.example.com", "type": "A", "ttl": 60, "records": "192.0.2.1")") + ",\n" +
            res("aws_route53_record.d", R"("id": "Z1_d_A", "zone_id": "Z1", "name": "d.example.com", "type": "A", "ttl": 60, "records": ["192.0.2.999"])")),
      "route53_bad.json");
  EXPECT_FALSE(l.ok);
  auto find = [&](std::string_view text) -> const Diagnostic* {
    for (const auto& d : l.diagnostics.items()) {
      if (d.severity == Severity::kError && d.message.find(text) != std::string::npos) return &d;
    }
    return nullptr;
  };
  const auto* type = find("needs its `type`");
  ASSERT_TRUE(type) << dump_diagnostics(l.diagnostics);
  EXPECT_EQ(type->resource, "aws_route53_record.a");
  EXPECT_EQ(type->line, 2u);
  ASSERT_TRUE(find("`ttl`: `soon` is not an integer")) << dump_diagnostics(l.diagnostics);
  ASSERT_TRUE(find("`records` must be")) << dump_diagnostics(l.diagnostics);
}

// r/route53_health_check, r/route53_cidr_collection, r/route53_cidr_location: a state's checks
// and collections, with a record set's health_check_id and cidr_routing_policy resolved to them.
TEST(TerraformRoute53, HealthChecksAndCidrCollections) {
  Loaded l = load_text(
      state(res("aws_route53_zone.main", R"("id": "Z1", "zone_id": "Z1", "name": "example.com")") + ",\n" +
            res("aws_route53_health_check.web",
                R"("id": "abcdef11-2222-3333-4444-555566667777", "type": "HTTPS", "ip_address": "192.0.2.10", "port": 443, "resource_path": "/health", "request_interval": 10, "failure_threshold": 2, "invert_healthcheck": false, "disabled": false, "regions": ["us-east-1", "eu-west-1", "ap-southeast-1"])") + ",\n" +
            res("aws_route53_health_check.both",
                R"("id": "abcdef11-2222-3333-4444-000000000000", "type": "CALCULATED", "child_healthchecks": ["abcdef11-2222-3333-4444-555566667777"], "child_health_threshold": 1)") + ",\n" +
            res("aws_route53_cidr_collection.offices", R"("id": "c0ffee00-1111-2222-3333-444455556666", "name": "offices")") + ",\n" +
            res("aws_route53_cidr_location.berlin",
                R"("id": "c0ffee00-1111-2222-3333-444455556666,berlin", "cidr_collection_id": "c0ffee00-1111-2222-3333-444455556666", "name": "berlin", "cidr_blocks": ["198.51.100.0/24"])") + ",\n" +
            res("aws_route53_record.www",
                R"("id": "Z1_www_A_one", "zone_id": "Z1", "name": "www.example.com", "type": "A", "ttl": 60, "records": ["192.0.2.1"], "set_identifier": "one", "failover_routing_policy": [{"type": "PRIMARY"}], "health_check_id": "abcdef11-2222-3333-4444-000000000000")") + ",\n" +
            res("aws_route53_record.app",
                R"("id": "Z1_app_A_berlin", "zone_id": "Z1", "name": "app.example.com", "type": "A", "ttl": 60, "records": ["192.0.2.2"], "set_identifier": "berlin", "cidr_routing_policy": [{"collection_id": "c0ffee00-1111-2222-3333-444455556666", "location_name": "berlin"}])")),
      "route53_checks.json");
  ASSERT_TRUE(l.ok) << dump_diagnostics(l.diagnostics);
  ASSERT_EQ(l.network.health_checks.size(), 2u);
  const auto& web = l.network.health_checks[0];
  EXPECT_EQ(web.type, "HTTPS");
  EXPECT_EQ(web.port, 443);
  EXPECT_EQ(web.request_interval, 10);
  EXPECT_EQ(web.failure_threshold, 2);
  EXPECT_TRUE(web.enable_sni);  // the provider's default for HTTPS
  EXPECT_EQ(web.regions.size(), 3u);
  ASSERT_EQ(l.network.health_checks[1].children.size(), 1u);
  EXPECT_EQ(l.network.health_checks[1].children[0].index, 0u);
  ASSERT_EQ(l.network.cidr_collections.size(), 1u);
  ASSERT_EQ(l.network.cidr_collections[0].locations.size(), 1u);
  EXPECT_EQ(l.network.cidr_collections[0].locations[0].name, "berlin");
  const auto* www = record(l.network, "www.example.com.", "A", "one");
  ASSERT_TRUE(www);
  EXPECT_EQ(www->health_check, 1u);
  const auto* app = record(l.network, "app.example.com.", "A", "berlin");
  ASSERT_TRUE(app);
  EXPECT_EQ(app->cidr_collection, 0u);
}

TEST(TerraformRoute53, BadHealthCheckIsALocatedError) {
  auto find = [](const Diagnostics& d, std::string_view text) -> const Diagnostic* {
    for (const auto& item : d.items()) {
      if (item.severity == Severity::kError && item.message.find(text) != std::string::npos) return &item;
    }
    return nullptr;
  };
  // finalize(): what CreateHealthCheck refuses, at the resource.
  Loaded range = load_text(
      state(res("aws_route53_health_check.x", R"("id": "hc-1", "type": "HTTP", "ip_address": "192.0.2.1", "request_interval": 20)")),
      "route53_bad_interval.json");
  EXPECT_FALSE(range.ok);
  const auto* interval = find(range.diagnostics, "RequestInterval is 10 or 30 seconds");
  ASSERT_TRUE(interval) << dump_diagnostics(range.diagnostics);
  EXPECT_EQ(interval->line, 1u);
  EXPECT_EQ(interval->resource, "hc-1");
  // The reader: a check without its type.
  Loaded untyped = load_text(state(res("aws_route53_health_check.y", R"("id": "hc-2", "ip_address": "192.0.2.1")")),
                             "route53_bad_type.json");
  EXPECT_FALSE(untyped.ok);
  const auto* type = find(untyped.diagnostics, "aws_route53_health_check needs its `type`");
  ASSERT_TRUE(type) << dump_diagnostics(untyped.diagnostics);
  EXPECT_EQ(type->resource, "aws_route53_health_check.y");
  EXPECT_EQ(type->line, 1u);
}

}  // namespace
}  // namespace cloudtwin::load
