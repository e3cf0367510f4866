// Route 53's JSON: `aws route53` answers in a snapshot folder (list-hosted-zones, get-hosted-zone,
// list-resource-record-sets), and as files of their own with change batches, a recorded answer
// and botocore's examples (docs/format.md, "Route 53 JSON"; the Route 53 API reference,
// API_ResourceRecordSet, API_ChangeBatch; shared/reference/route53.md §6, §7).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "cloudtwin/load/load.h"
#include "snapshot_folder.h"

namespace cloudtwin::load {
namespace {

using testing::load;
using testing::Loaded;
using testing::SnapshotFolder;

std::string dump(const Diagnostics& d) {
  std::string s;
  for (const auto& i : d.items()) s += "  " + i.str() + "\n";
  return s;
}

const model::HostedZone* zone(const model::Network& n, std::string_view id) {
  for (const auto& z : n.hosted_zones) {
    if (z.id == id) return &z;
  }
  return nullptr;
}

const model::RecordSet* record(const model::Network& n, std::string_view fqdn, std::string_view type,
                               std::string_view set_identifier = "") {
  for (const auto& r : n.record_sets) {
    if (r.fqdn == fqdn && r.type == type && r.set_identifier == set_identifier) return &r;
  }
  return nullptr;
}

const Diagnostic* error_containing(const Diagnostics& d, std::string_view text) {
  for (const auto& i : d.items()) {
    if (i.severity == Severity::kError && i.message.find(text) != std::string::npos) return &i;
  }
  return nullptr;
}

constexpr const char* kZones = R"({
  "HostedZones": [
    {"Id": "/hostedzone/Z1D633PJN98FT9", "Name": "example.com.", "CallerReference": "r1",
     "Config": {"Comment": "public", "PrivateZone": false}, "ResourceRecordSetCount": 4},
    {"Id": "/hostedzone/Z2PRIVATE", "Name": "corp.internal.", "CallerReference": "r2",
     "Config": {"PrivateZone": true}, "ResourceRecordSetCount": 2}
  ],
  "IsTruncated": false,
  "MaxItems": "100"
})";

constexpr const char* kGetPrivateZone = R"({
  "HostedZone": {"Id": "/hostedzone/Z2PRIVATE", "Name": "corp.internal.", "CallerReference": "r2",
                 "Config": {"PrivateZone": true}},
  "VPCs": [{"VPCRegion": "us-east-1", "VPCId": "vpc-0a"}]
})";

constexpr const char* kVpcs = R"({"Vpcs": [{"VpcId": "vpc-0a", "CidrBlock": "10.0.0.0/16", "OwnerId": "111122223333"}]})";

// AWS's answer as the CLI prints it: `\052` for `*`, the SOA and NS Route 53 made.
constexpr const char* kPublicRecords = R"({
  "ResourceRecordSets": [
    {"Name": "example.com.", "Type": "NS", "TTL": 172800,
     "ResourceRecords": [{"Value": "ns-1.awsdns-1.com."}, {"Value": "ns-2.awsdns-2.net."}]},
    {"Name": "example.com.", "Type": "SOA", "TTL": 900,
     "ResourceRecords": [{"Value": "ns-1.awsdns-1.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"}]},
    {"Name": "\\052.example.com.", "Type": "TXT", "TTL": 300,
     "ResourceRecords": [{"Value": "\"hello\" \"world\""}]},
    {"Name": "www.example.com.", "Type": "A", "SetIdentifier": "blue", "Weight": 10, "TTL": 60,
     "ResourceRecords": [{"Value": "192.0.2.1"}], "HealthCheckId": "abcdef11-2222-3333-4444-555555fedcba"},
    {"Name": "www.example.com.", "Type": "A", "SetIdentifier": "green", "Weight": 0, "TTL": 60,
     "ResourceRecords": [{"Value": "192.0.2.2"}]},
    {"Name": "gp.example.com.", "Type": "A", "SetIdentifier": "spot", "TTL": 60,
     "GeoProximityLocation": {"Coordinates": {"Latitude": "47.61", "Longitude": "-122.33"}, "Bias": 10},
     "ResourceRecords": [{"Value": "192.0.2.3"}]},
    {"Name": "example.com.", "Type": "A",
     "AliasTarget": {"HostedZoneId": "Z1D633PJN98FT9", "DNSName": "www.example.com.", "EvaluateTargetHealth": true},
     "SetIdentifier": "apex", "Weight": 1}
  ],
  "IsTruncated": false, "MaxItems": "300"
})";

// The private zone's answer names its zone only by the file's name.
constexpr const char* kPrivateRecords = R"({
  "ResourceRecordSets": [
    {"Name": "db.corp.internal.", "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": "db1.corp.internal."}]},
    {"Name": "db1.corp.internal.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.0.1.5"}]}
  ]
})";

TEST(AwsCliRoute53, SnapshotAnswersMakeZonesAndTheirRecordSets) {
  SnapshotFolder s("r53_snapshot");
  s.write("aws_configs/us-east-1/Vpcs.json", kVpcs);
  s.write("aws_configs/route53/HostedZones.json", kZones);
  s.write("aws_configs/route53/HostedZone-Z2PRIVATE.json", kGetPrivateZone);
  // Read before the zones (path order): the zone is found once the snapshot is read.
  s.write("aws_configs/route53/A-ResourceRecordSets-public.json", kPublicRecords);
  s.write("aws_configs/route53/ResourceRecordSets-Z2PRIVATE.json", kPrivateRecords);
  Loaded l = load(s.str());
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto* pub = zone(l.network, "Z1D633PJN98FT9");
  const auto* priv = zone(l.network, "Z2PRIVATE");
  ASSERT_TRUE(pub && priv);
  EXPECT_EQ(pub->comment, "public");
  EXPECT_FALSE(pub->private_zone);
  EXPECT_TRUE(priv->private_zone);
  ASSERT_EQ(priv->vpcs.size(), 1u);
  EXPECT_EQ(priv->vpcs[0].vpc.text, "vpc-0a");
  EXPECT_EQ(priv->vpcs[0].region, "us-east-1");
  // The apex SOA was the input's, so finalize() made none.
  const auto* soa = record(l.network, "example.com.", "SOA");
  ASSERT_TRUE(soa);
  EXPECT_FALSE(soa->implicit);
  // Route 53 returns `*` as `\052`, an octal escape (route53.md §6): kept as written, the
  // wildcard once finalize() reads it.
  const auto* wildcard = record(l.network, "*.example.com.", "TXT");
  ASSERT_TRUE(wildcard);
  EXPECT_EQ(wildcard->record_name, "\\052.example.com.");
  EXPECT_EQ(wildcard->values, std::vector<std::string>{"\"hello\" \"world\""});
  const auto* blue = record(l.network, "www.example.com.", "A", "blue");
  ASSERT_TRUE(blue);
  EXPECT_EQ(blue->weight, 10);
  EXPECT_EQ(blue->id, "Z1D633PJN98FT9/www.example.com./A/blue");
  EXPECT_EQ(blue->health_check_id, "abcdef11-2222-3333-4444-555555fedcba");
  ASSERT_EQ(blue->value_at.size(), 1u);
  EXPECT_GT(blue->value_at[0].line, 1u);
  const auto* gp = record(l.network, "gp.example.com.", "A", "spot");
  ASSERT_TRUE(gp && gp->geo_proximity);
  EXPECT_DOUBLE_EQ(*gp->geo_proximity->latitude, 47.61);
  EXPECT_EQ(gp->geo_proximity->bias, 10);
  const auto* apex = record(l.network, "example.com.", "A", "apex");
  ASSERT_TRUE(apex && apex->alias);
  EXPECT_TRUE(apex->alias->evaluate_target_health);
  EXPECT_NE(apex->alias_record_set, model::kNone);
  const auto* db = record(l.network, "db.corp.internal.", "CNAME");
  ASSERT_TRUE(db);
  EXPECT_EQ(db->hosted_zone.text, "Z2PRIVATE");
}

// An answer whose zone no file names: the zone is made from the SOA's owner.
TEST(AwsCliRoute53, RecordsWithoutAZoneMakeOneFromTheirSoa) {
  SnapshotFolder s("r53_soa_zone");
  s.write("aws_configs/us-east-1/ResourceRecordSets.json", kPublicRecords);
  Loaded l = load(s.str());
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto* z = zone(l.network, "example.com");
  ASSERT_TRUE(z);
  EXPECT_EQ(z->domain, "example.com.");
  EXPECT_TRUE(record(l.network, "www.example.com.", "A", "blue"));
}

TEST(AwsCliRoute53, RecordsNamingNoZoneAreALocatedError) {
  SnapshotFolder s("r53_no_zone");
  s.write("aws_configs/us-east-1/ResourceRecordSets.json", kPrivateRecords);
  Loaded l = load(s.str());
  EXPECT_FALSE(l.ok);
  const auto* e = error_containing(l.diagnostics, "cannot tell which hosted zone");
  ASSERT_TRUE(e) << dump(l.diagnostics);
  EXPECT_EQ(e->line, 2u);
  EXPECT_NE(e->hint.find("list-resource-record-sets-<zone id>.json"), std::string::npos);
}

TEST(AwsCliRoute53, BadRecordSetsAreLocatedErrors) {
  SnapshotFolder s("r53_bad");
  s.write("aws_configs/route53/HostedZones.json", kZones);
  s.write("aws_configs/route53/ResourceRecordSets-Z1D633PJN98FT9.json", R"({
  "ResourceRecordSets": [
    {"Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]},
    {"Name": "x.example.com.", "Type": "A", "TTL": "soon", "ResourceRecords": [{"Value": "192.0.2.1"}]},
    {"Name": "y.example.com.", "Type": "A", "TTL": 60, "ResourceRecords": "192.0.2.1"}
  ]
})");
  Loaded l = load(s.str());
  EXPECT_FALSE(l.ok);
  const auto* name = error_containing(l.diagnostics, "needs its `Name`");
  ASSERT_TRUE(name) << dump(l.diagnostics);
  EXPECT_EQ(name->line, 3u);
  EXPECT_EQ(name->column, 5u);
  const auto* ttl = error_containing(l.diagnostics, "`TTL`: `soon` is not an integer");
  ASSERT_TRUE(ttl) << dump(l.diagnostics);
  EXPECT_EQ(ttl->line, 4u);
  EXPECT_EQ(ttl->resource, "x.example.com./A");
  ASSERT_TRUE(error_containing(l.diagnostics, "`ResourceRecords` must be")) << dump(l.diagnostics);
}

// ---- Route 53 JSON files of their own --------------------------------------------------------

class Route53Files : public ::testing::Test {
 protected:
  SnapshotFolder dir_{"r53_files"};
  std::string write(const std::string& name, const std::string& text) { return dir_.write(name, text); }
  Loaded load_files(const std::vector<std::string>& paths) {
    Loaded l;
    l.ok = load_network(paths, l.network, l.diagnostics);
    return l;
  }
};

constexpr const char* kZoneYaml =
    "hosted_zones:\n"
    "  - id: Z1D633PJN98FT9\n"
    "    domain: example.com\n"
    "    records:\n"
    "      - {name: www, type: A, ttl: 60, values: [192.0.2.1]}\n"
    "      - {name: old, type: A, ttl: 60, values: [192.0.2.9]}\n";

// API_ChangeBatch: CREATE, UPSERT and DELETE in order on the zone's record sets so far.
TEST_F(Route53Files, ChangeBatchAppliesInOrderToTheZoneReadBefore) {
  const auto zone_file = write("zone.yaml", kZoneYaml);
  const auto batch = write("batch.json", R"({
  "HostedZoneId": "/hostedzone/Z1D633PJN98FT9",
  "ChangeBatch": {
    "Comment": "release",
    "Changes": [
      {"Action": "UPSERT", "ResourceRecordSet": {"Name": "www.example.com", "Type": "A", "TTL": 300,
        "ResourceRecords": [{"Value": "192.0.2.2"}]}},
      {"Action": "DELETE", "ResourceRecordSet": {"Name": "old.example.com.", "Type": "A", "TTL": 60,
        "ResourceRecords": [{"Value": "192.0.2.9"}]}},
      {"Action": "CREATE", "ResourceRecordSet": {"Name": "api.example.com", "Type": "CNAME", "TTL": 60,
        "ResourceRecords": [{"Value": "www.example.com"}]}}
    ]
  }
})");
  EXPECT_EQ(detect_format(batch), Format::kRoute53);
  Loaded l = load_files({zone_file, batch});
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto* www = record(l.network, "www.example.com.", "A");
  ASSERT_TRUE(www);
  EXPECT_EQ(www->ttl, 300);
  EXPECT_EQ(www->values, std::vector<std::string>{"192.0.2.2"});
  EXPECT_FALSE(record(l.network, "old.example.com.", "A"));
  ASSERT_TRUE(record(l.network, "api.example.com.", "CNAME"));
  EXPECT_EQ(l.network.hosted_zones.size(), 1u);
}

// Route 53: "Tried to create resource record set ... but it already exists"; deleting what is
// not there is refused too; the batch is atomic, so nothing of it applies.
TEST_F(Route53Files, DuplicateCreateAndMissingDeleteAreLocatedErrors) {
  const auto zone_file = write("zone.yaml", kZoneYaml);
  const auto batch = write("bad-batch.json", R"({
  "HostedZoneId": "Z1D633PJN98FT9",
  "ChangeBatch": {"Changes": [
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "new.example.com", "Type": "A", "TTL": 60,
      "ResourceRecords": [{"Value": "192.0.2.7"}]}},
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.example.com", "Type": "A", "TTL": 60,
      "ResourceRecords": [{"Value": "192.0.2.1"}]}},
    {"Action": "DELETE", "ResourceRecordSet": {"Name": "gone.example.com", "Type": "A", "TTL": 60,
      "ResourceRecords": [{"Value": "192.0.2.1"}]}}
  ]}
})");
  Loaded l = load_files({zone_file, batch});
  EXPECT_FALSE(l.ok);
  const auto* dup = error_containing(l.diagnostics, "Tried to create resource record set [name='www.example.com.', type='A'] but it already exists");
  ASSERT_TRUE(dup) << dump(l.diagnostics);
  EXPECT_EQ(dup->line, 6u);
  EXPECT_EQ(dup->column, 5u);
  EXPECT_EQ(dup->resource, "Z1D633PJN98FT9/www.example.com./A");
  const auto* missing = error_containing(l.diagnostics, "Tried to delete resource record set [name='gone.example.com.', type='A'] but it was not found");
  ASSERT_TRUE(missing) << dump(l.diagnostics);
  EXPECT_EQ(missing->line, 8u);
  EXPECT_FALSE(record(l.network, "new.example.com.", "A")) << "a batch applies all or nothing";
}

TEST_F(Route53Files, UnknownKeysAndWrongTypesInABatchAreLocatedErrors) {
  const auto batch = write("typo.json", R"({
  "HostedZoneId": "Z9",
  "ChangeBatch": {"Changes": [
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "a.example.com", "Typ": "A", "TTL": 60,
      "ResourceRecords": [{"Value": "192.0.2.1"}]}},
    {"Action": "MODIFY", "ResourceRecordSet": {"Name": "b.example.com", "Type": "A", "TTL": 60,
      "ResourceRecords": [{"Value": "192.0.2.1"}]}},
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "c.example.com", "Type": "A", "Weight": "heavy",
      "SetIdentifier": "c", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]}}
  ]}
})");
  Loaded l = load_files({batch});
  EXPECT_FALSE(l.ok);
  const auto* typo = error_containing(l.diagnostics, "unknown key `Typ`");
  ASSERT_TRUE(typo) << dump(l.diagnostics);
  EXPECT_EQ(typo->line, 4u);
  EXPECT_NE(typo->hint.find("did you mean `Type`?"), std::string::npos);
  ASSERT_TRUE(error_containing(l.diagnostics, "needs its `Type`")) << dump(l.diagnostics);
  const auto* action = error_containing(l.diagnostics, "`MODIFY` is not CREATE, UPSERT or DELETE");
  ASSERT_TRUE(action) << dump(l.diagnostics);
  EXPECT_EQ(action->line, 6u);
  ASSERT_TRUE(error_containing(l.diagnostics, "`Weight`: `heavy` is not an integer")) << dump(l.diagnostics);
}

// A batch without HostedZoneId applies to the zone read before that holds its names.
TEST_F(Route53Files, BareChangeBatchFindsItsZoneByItsNames) {
  const auto zone_file = write("zone.yaml", kZoneYaml);
  const auto batch = write("bare.json", R"({"Comment": "c", "Changes": [
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "mail.example.com", "Type": "MX", "TTL": 300,
      "ResourceRecords": [{"Value": "10 mx.example.com."}]}}]})");
  Loaded l = load_files({zone_file, batch});
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto* mx = record(l.network, "mail.example.com.", "MX");
  ASSERT_TRUE(mx);
  EXPECT_EQ(mx->hosted_zone.text, "Z1D633PJN98FT9");

  Loaded alone = load_files({batch});
  EXPECT_FALSE(alone.ok);
  ASSERT_TRUE(error_containing(alone.diagnostics, "a change batch without `HostedZoneId`"))
      << dump(alone.diagnostics);
}

// A HostedZoneId no input names makes the zone; its domain is the changes' common suffix.
TEST_F(Route53Files, BatchOfAZoneNotReadMakesIt) {
  const auto batch = write("new-zone.json", R"({"HostedZoneId": "Z3M3LMPEXAMPLE", "ChangeBatch": {"Changes": [
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.example.com", "Type": "CNAME", "TTL": 60,
      "ResourceRecords": [{"Value": "example.com"}]}},
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "example.com", "Type": "A", "TTL": 60,
      "ResourceRecords": [{"Value": "192.0.2.44"}]}}]}})");
  Loaded l = load_files({batch});
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto* z = zone(l.network, "Z3M3LMPEXAMPLE");
  ASSERT_TRUE(z);
  EXPECT_EQ(z->domain, "example.com.");
}

// The recorded shapes of shared/data/route53 (SOURCES.md) load without errors.
TEST_F(Route53Files, SharedDataLoads) {
  const std::string data = std::string(CLOUDTWIN_SHARED_DIR) + "/data/route53/";
  Loaded custodian = load_files({data + "custodian-r53_resourcerecordset_remove-ListResourceRecordSets_1.json"});
  ASSERT_TRUE(custodian.ok) << dump(custodian.diagnostics);
  const auto* z = zone(custodian.network, "subdomain.example.com");
  ASSERT_TRUE(z);
  const auto* alias = record(custodian.network, "subdomain.example.com.", "A");
  ASSERT_TRUE(alias && alias->alias);
  EXPECT_EQ(alias->alias->hosted_zone_id, "Z1YSA3EXCYUU9Z");

  Loaded examples = load_files({data + "botocore-route53-examples-1.json"});
  ASSERT_TRUE(examples.ok) << dump(examples.diagnostics);
  // Ten ChangeResourceRecordSets examples, each its own zone.
  EXPECT_EQ(examples.network.hosted_zones.size(), 10u);
  const auto* geo = zone(examples.network, "Z3M3LMPEXAMPLE-9");
  ASSERT_TRUE(geo);
  EXPECT_EQ(geo->name, "To create geolocation resource record sets");
  EXPECT_EQ(geo->domain, "example.com.");
  const auto* eu = record(examples.network, "example.com.", "A", "Europe");
  ASSERT_TRUE(eu && eu->geo_location);
  EXPECT_EQ(eu->geo_location->continent_code, "EU");
}

}  // namespace
}  // namespace cloudtwin::load

namespace cloudtwin::load {
namespace {

// list-health-checks (API_HealthCheck, API_HealthCheckConfig; route53.md §5), in a snapshot
// beside the records that name them.
constexpr const char* kHealthChecks = R"({
  "HealthChecks": [
    {"Id": "abcdef11-2222-3333-4444-555555fedcba", "CallerReference": "2014-09-01-1",
     "HealthCheckConfig": {"IPAddress": "192.0.2.17", "Port": 80, "Type": "HTTP",
       "ResourcePath": "/docs/route-53-health-check.html", "FullyQualifiedDomainName": "example.com",
       "RequestInterval": 10, "FailureThreshold": 2, "MeasureLatency": false, "Inverted": false,
       "Disabled": false, "EnableSNI": false},
     "HealthCheckVersion": 1},
    {"Id": "11111111-2222-3333-4444-000000000002", "CallerReference": "calc",
     "HealthCheckConfig": {"Type": "CALCULATED", "HealthThreshold": 1, "Inverted": true,
       "ChildHealthChecks": ["abcdef11-2222-3333-4444-555555fedcba"]},
     "HealthCheckVersion": 3}
  ],
  "IsTruncated": false,
  "MaxItems": "100",
  "Marker": ""
})";

TEST(AwsCliRoute53, ListHealthChecksInASnapshot) {
  SnapshotFolder s("r53_health");
  s.write("aws_configs/us-east-1/Vpcs.json", kVpcs);
  s.write("aws_configs/route53/HostedZones.json", kZones);
  s.write("aws_configs/route53/HealthChecks.json", kHealthChecks);
  s.write("aws_configs/route53/A-ResourceRecordSets-public.json", kPublicRecords);
  Loaded l = load(s.str());
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  ASSERT_EQ(l.network.health_checks.size(), 2u);
  const auto& h = l.network.health_checks[0];
  EXPECT_EQ(h.id, "abcdef11-2222-3333-4444-555555fedcba");
  EXPECT_EQ(h.type, "HTTP");
  EXPECT_EQ(h.ip_address, "192.0.2.17");
  EXPECT_EQ(h.port, 80);
  EXPECT_EQ(h.request_interval, 10);
  EXPECT_EQ(h.failure_threshold, 2);
  EXPECT_EQ(h.resource_path, "/docs/route-53-health-check.html");
  EXPECT_GT(h.at.line, 1u);
  const auto& calc = l.network.health_checks[1];
  EXPECT_TRUE(calc.inverted);
  ASSERT_EQ(calc.children.size(), 1u);
  EXPECT_EQ(calc.children[0].index, 0u);  // resolved by finalize()
  // The weighted record's HealthCheckId now names a check of the inputs: no gap warning for it.
  const auto* blue = record(l.network, "www.example.com.", "A", "blue");
  ASSERT_TRUE(blue);
  EXPECT_EQ(blue->health_check, 0u);
  for (const auto& d : l.diagnostics.items()) EXPECT_EQ(d.message.find("abcdef11"), std::string::npos) << d.str();
}

// What CreateHealthCheck rejects is a located error, as in the other readers.
TEST(AwsCliRoute53, BadHealthChecksAreLocatedErrors) {
  SnapshotFolder s("r53_bad_health");
  const auto path = s.write("health.json", R"({
  "HealthChecks": [
    {"Id": "no-type", "HealthCheckConfig": {"IPAddress": "192.0.2.1", "Port": 80}},
    {"HealthCheckConfig": {"Type": "TCP"}},
    {"Id": "no-config"}
  ]
})");
  Loaded l;
  l.ok = load_network({path}, l.network, l.diagnostics);
  EXPECT_FALSE(l.ok);
  const auto* type = error_containing(l.diagnostics, "needs its `Type`");
  ASSERT_TRUE(type) << dump(l.diagnostics);
  EXPECT_EQ(type->resource, "no-type");
  EXPECT_EQ(type->line, 3u);
  EXPECT_TRUE(error_containing(l.diagnostics, "a HealthCheck needs its `Id`")) << dump(l.diagnostics);
  EXPECT_TRUE(error_containing(l.diagnostics, "needs its `HealthCheckConfig`")) << dump(l.diagnostics);
  // Values CreateHealthCheck refuses (RequestInterval is 10 or 30), as finalize() checks them.
  const auto bad = s.write("interval.json", R"({"HealthChecks": [
    {"Id": "bad-interval", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "192.0.2.1", "Port": 80,
      "RequestInterval": 20}}]})");
  Loaded b;
  b.ok = load_network({bad}, b.network, b.diagnostics);
  EXPECT_FALSE(b.ok);
  const auto* interval = error_containing(b.diagnostics, "RequestInterval");
  ASSERT_TRUE(interval) << dump(b.diagnostics);
  EXPECT_EQ(interval->resource, "bad-interval");
  EXPECT_EQ(interval->line, 2u);
}

}  // namespace
}  // namespace cloudtwin::load
