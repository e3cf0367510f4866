// The CloudFormation reader's Route 53 resources (aws-resource-route53-hostedzone.html,
// aws-resource-route53-recordset.html, aws-resource-route53-recordsetgroup.html;
// shared/reference/route53.md §1, §3): zones, record sets and groups as the model holds them,
// aliases to load balancers found by finalize(), and bad input as a located error naming the
// resource.
#include <gtest/gtest.h>

#include <string>

#include "template_helpers.h"

namespace cloudtwin::load {
namespace {

using testing::dump;
using testing::load;
using testing::Loaded;

const model::RecordSet* record(const model::Network& n, std::string_view fqdn, std::string_view type,
                               std::string_view set_identifier = "") {
  for (const auto& r : n.record_sets) {
    if (r.fqdn == fqdn && r.type == type && r.set_identifier == set_identifier) return &r;
  }
  return nullptr;
}

const Diagnostic* find(const Diagnostics& d, std::string_view text, Severity s = Severity::kError) {
  for (const auto& i : d.items()) {
    if (i.severity == s && i.message.find(text) != std::string::npos) return &i;
  }
  return nullptr;
}

constexpr const char* kTemplate = R"(Parameters:
  Ttl: {Type: Number, Default: 120}
Resources:
  V: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  A: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a}}
  B: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: 10.0.2.0/24, AvailabilityZone: us-east-1b}}
  Lb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Scheme: internal, Subnets: [!Ref A, !Ref B]}}
  Zone:
    Type: AWS::Route53::HostedZone
    Properties:
      Name: example.com
      HostedZoneConfig: {Comment: the public zone}
  Private:
    Type: AWS::Route53::HostedZone
    Properties:
      Name: corp.internal
      VPCs: [{VPCId: !Ref V, VPCRegion: us-east-1}]
  Www:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneId: !Ref Zone
      Name: www.example.com
      Type: A
      TTL: "300"
      ResourceRecords: [192.0.2.1, 192.0.2.2]
  App:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneName: example.com.
      Name: app.example.com.
      Type: A
      SetIdentifier: east
      Region: us-east-1
      AliasTarget:
        DNSName: !GetAtt Lb.DNSName
        HostedZoneId: !GetAtt Lb.CanonicalHostedZoneID
        EvaluateTargetHealth: true
  Group:
    Type: AWS::Route53::RecordSetGroup
    Properties:
      HostedZoneId: !Ref Private
      RecordSets:
        - {Name: db.corp.internal, Type: CNAME, TTL: !Ref Ttl, ResourceRecords: [db1.corp.internal]}
        - {Name: db1.corp.internal, Type: A, TTL: 60, ResourceRecords: [10.0.1.5]}
        - Name: gp.corp.internal
          Type: A
          TTL: 60
          SetIdentifier: p
          Failover: PRIMARY
          ResourceRecords: [10.0.1.6]
)";

TEST(CloudFormationRoute53, ZonesRecordSetsAndGroups) {
  Loaded l = load(kTemplate);
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  ASSERT_EQ(l.network.hosted_zones.size(), 2u);
  const auto& zone = l.network.hosted_zones[0];
  // Ref of a zone is Route 53's kind of id: Z and 13 upper-case characters.
  EXPECT_EQ(zone.id.size(), 14u);
  EXPECT_EQ(zone.id[0], 'Z');
  EXPECT_EQ(zone.name, "Zone");
  EXPECT_EQ(zone.comment, "the public zone");
  EXPECT_FALSE(zone.private_zone);
  const auto& priv = l.network.hosted_zones[1];
  EXPECT_TRUE(priv.private_zone);
  ASSERT_EQ(priv.vpcs.size(), 1u);
  EXPECT_EQ(priv.vpcs[0].region, "us-east-1");
  EXPECT_EQ(priv.vpcs[0].vpc.index, 0u);

  // TTL is a string in the resource specification; templates write either.
  const auto* www = record(l.network, "www.example.com.", "A");
  ASSERT_TRUE(www);
  EXPECT_EQ(www->ttl, 300);
  EXPECT_EQ(www->name, "Www");
  EXPECT_EQ(www->id, zone.id + "/www.example.com./A");
  ASSERT_EQ(www->value_at.size(), 2u);
  EXPECT_EQ(www->value_at[1].line, 25u);

  // !GetAtt Lb.DNSName names the load balancer; finalize() matches its DNS name.
  const auto* app = record(l.network, "app.example.com.", "A", "east");
  ASSERT_TRUE(app && app->alias);
  EXPECT_EQ(app->hosted_zone.index, 0u);
  EXPECT_EQ(app->alias->hosted_zone_id, "Z35SXDOTRQ7X7K");
  EXPECT_TRUE(app->alias->evaluate_target_health);
  EXPECT_EQ(app->alias->load_balancer, 0u);
  EXPECT_EQ(app->policy, model::RoutingPolicy::kLatency);

  const auto* db = record(l.network, "db.corp.internal.", "CNAME");
  ASSERT_TRUE(db);
  EXPECT_EQ(db->ttl, 120);
  EXPECT_EQ(db->name, "Group[0]");
  const auto* gp = record(l.network, "gp.corp.internal.", "A", "p");
  ASSERT_TRUE(gp);
  EXPECT_EQ(gp->failover, "PRIMARY");
}

// An alias to a CloudFront distribution keeps its domain name as text (the distribution's, see
// cloudfront_test.cc); it names no load balancer.
TEST(CloudFormationRoute53, AliasToACloudFrontDistributionKeepsItsDomainName) {
  Loaded l = load(R"(Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins: [{Id: o, DomainName: example.org, CustomOriginConfig: {OriginProtocolPolicy: https-only}}]
        DefaultCacheBehavior: {TargetOriginId: o, ViewerProtocolPolicy: allow-all, ForwardedValues: {QueryString: false}}
  Zone: {Type: AWS::Route53::HostedZone, Properties: {Name: example.com}}
  Apex:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneId: !Ref Zone
      Name: example.com
      Type: A
      AliasTarget: {DNSName: !GetAtt Cdn.DomainName, HostedZoneId: Z2FDTNDATAQYW2}
)");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto* apex = record(l.network, "example.com.", "A");
  ASSERT_TRUE(apex && apex->alias);
  EXPECT_TRUE(apex->alias->dns_name.ends_with(".cloudfront.net")) << apex->alias->dns_name;
  EXPECT_EQ(apex->alias->load_balancer, model::kNone);
}

// A zone of another stack is existing infrastructure: the record set is left out, with a warning.
TEST(CloudFormationRoute53, RecordSetOfAZoneOutsideTheInputsIsLeftOut) {
  Loaded l = load(R"(Resources:
  Www:
    Type: AWS::Route53::RecordSet
    Properties: {HostedZoneId: Z0123456789ABC, Name: www.example.com, Type: A, TTL: 60, ResourceRecords: [192.0.2.1]}
  Api:
    Type: AWS::Route53::RecordSet
    Properties: {HostedZoneName: other.com., Name: api.other.com, Type: A, TTL: 60, ResourceRecords: [192.0.2.1]}
)");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  EXPECT_TRUE(l.network.record_sets.empty());
  const auto* w = find(l.diagnostics, "Www (AWS::Route53::RecordSet) is left out", Severity::kWarning);
  ASSERT_TRUE(w) << dump(l.diagnostics);
  EXPECT_EQ(w->line, 2u);
  ASSERT_TRUE(find(l.diagnostics, "is the domain of no hosted zone", Severity::kWarning))
      << dump(l.diagnostics);
}

// AWS::Route53::HealthCheck and CidrCollection (aws-resource-route53-healthcheck.html,
// aws-resource-route53-cidrcollection.html; route53.md §2.8, §5): read as CreateHealthCheck takes
// them, referenced by record sets' HealthCheckId and CidrRoutingConfig.
TEST(CloudFormationRoute53, HealthChecksAndCidrCollections) {
  Loaded l = load(R"(Resources:
  Zone: {Type: AWS::Route53::HostedZone, Properties: {Name: example.com}}
  Check:
    Type: AWS::Route53::HealthCheck
    Properties:
      HealthCheckConfig: {Type: HTTPS_STR_MATCH, IPAddress: 192.0.2.10, Port: 8443, ResourcePath: /health,
                          SearchString: ok, RequestInterval: 10, FailureThreshold: 2, Inverted: true}
  Both:
    Type: AWS::Route53::HealthCheck
    Properties: {HealthCheckConfig: {Type: CALCULATED, ChildHealthChecks: [!Ref Check], HealthThreshold: 1}}
  Offices:
    Type: AWS::Route53::CidrCollection
    Properties: {Name: offices, Locations: [{LocationName: berlin, CidrList: [198.51.100.0/24, "2001:db8::/48"]}]}
  Www:
    Type: AWS::Route53::RecordSet
    Properties: {HostedZoneId: !Ref Zone, Name: www.example.com, Type: A, TTL: 60, SetIdentifier: one,
                 Failover: PRIMARY, HealthCheckId: !Ref Both, ResourceRecords: [192.0.2.1]}
  App:
    Type: AWS::Route53::RecordSet
    Properties: {HostedZoneId: !Ref Zone, Name: app.example.com, Type: A, TTL: 60, SetIdentifier: berlin,
                 CidrRoutingConfig: {CollectionId: !GetAtt Offices.Id, LocationName: berlin},
                 ResourceRecords: [192.0.2.2]}
)");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  ASSERT_EQ(l.network.health_checks.size(), 2u);
  const auto& c = l.network.health_checks[0];
  EXPECT_EQ(c.type, "HTTPS_STR_MATCH");
  EXPECT_EQ(c.ip_address, "192.0.2.10");
  EXPECT_EQ(c.port, 8443);
  EXPECT_EQ(c.resource_path, "/health");
  EXPECT_EQ(c.search_string, "ok");
  EXPECT_EQ(c.request_interval, 10);
  EXPECT_EQ(c.failure_threshold, 2);
  EXPECT_TRUE(c.inverted);
  EXPECT_TRUE(c.enable_sni);  // CreateHealthCheck: HTTPS checks default EnableSNI to true
  const auto& both = l.network.health_checks[1];
  ASSERT_EQ(both.children.size(), 1u);
  EXPECT_EQ(both.children[0].index, 0u);
  EXPECT_EQ(both.health_threshold, 1);
  const auto* www = record(l.network, "www.example.com.", "A", "one");
  ASSERT_TRUE(www);
  EXPECT_EQ(www->health_check, 1u);
  const auto* app = record(l.network, "app.example.com.", "A", "berlin");
  ASSERT_TRUE(app);
  EXPECT_EQ(app->cidr_collection, 0u);
  ASSERT_EQ(l.network.cidr_collections.size(), 1u);
  EXPECT_EQ(l.network.cidr_collections[0].collection_name, "offices");
  EXPECT_EQ(l.network.cidr_collections[0].locations[0].cidrs.size(), 2u);
}

// A HealthCheckId the inputs do not hold (a check made outside the template) is a located
// warning: the record set counts as healthy.
TEST(CloudFormationRoute53, HealthCheckOutsideTheInputsIsAWarning) {
  Loaded l = load(R"(Resources:
  Zone: {Type: AWS::Route53::HostedZone, Properties: {Name: example.com}}
  Www:
    Type: AWS::Route53::RecordSet
    Properties: {HostedZoneId: !Ref Zone, Name: www.example.com, Type: A, TTL: 60, SetIdentifier: one,
                 Failover: PRIMARY, HealthCheckId: 0f2b7b2e-1111-2222-3333-444455556666, ResourceRecords: [192.0.2.1]}
)");
  ASSERT_TRUE(l.ok) << dump(l.diagnostics);
  const auto* w = find(l.diagnostics, "is not in the network", Severity::kWarning);
  ASSERT_TRUE(w) << dump(l.diagnostics);
  EXPECT_EQ(w->line, 3u);
  EXPECT_NE(w->hint.find("counts as healthy"), std::string::npos);
}

struct BadCheck {
  const char* name;
  const char* resources;  // after the zone, at line 3
  std::uint32_t line;
  const char* message;
};

void PrintTo(const BadCheck& b, std::ostream* os) { *os << b.name; }

// route53.md §5 and §2.8: what CreateHealthCheck and CreateCidrCollection refuse.
const BadCheck kBadChecks[] = {
    {"UnknownType", "  H: {Type: AWS::Route53::HealthCheck, Properties: {HealthCheckConfig: {Type: PING, IPAddress: 192.0.2.1}}}\n",
     3, "`PING` is not a health check type"},
    {"IntervalNot10Or30",
     "  H: {Type: AWS::Route53::HealthCheck, Properties: {HealthCheckConfig: {Type: TCP, IPAddress: 192.0.2.1, Port: 80, RequestInterval: 15}}}\n",
     3, "RequestInterval is 10 or 30 seconds"},
    {"ThresholdAbove10",
     "  H: {Type: AWS::Route53::HealthCheck, Properties: {HealthCheckConfig: {Type: TCP, IPAddress: 192.0.2.1, Port: 80, FailureThreshold: 11}}}\n",
     3, "FailureThreshold is 1-10"},
    {"TcpWithoutPort", "  H: {Type: AWS::Route53::HealthCheck, Properties: {HealthCheckConfig: {Type: TCP, IPAddress: 192.0.2.1}}}\n",
     3, "a TCP health check needs a Port"},
    {"NoEndpoint", "  H: {Type: AWS::Route53::HealthCheck, Properties: {HealthCheckConfig: {Type: HTTP}}}\n", 3,
     "needs an IPAddress or a FullyQualifiedDomainName"},
    {"BadAddress", "  H: {Type: AWS::Route53::HealthCheck, Properties: {HealthCheckConfig: {Type: HTTP, IPAddress: 192.0.2.300}}}\n",
     3, "`192.0.2.300` is not an IPv4 or IPv6 address"},
    {"StrMatchWithoutString",
     "  H: {Type: AWS::Route53::HealthCheck, Properties: {HealthCheckConfig: {Type: HTTP_STR_MATCH, IPAddress: 192.0.2.1}}}\n",
     3, "needs a SearchString of 1-255 characters"},
    {"CalculatedChildMissing",
     "  H: {Type: AWS::Route53::HealthCheck, Properties: {HealthCheckConfig: {Type: CALCULATED, ChildHealthChecks: [nope], HealthThreshold: 1}}}\n",
     3, "child health check `nope` is not in the network"},
    {"CalculatedThresholdTooHigh",
     "  H: {Type: AWS::Route53::HealthCheck, Properties: {HealthCheckConfig: {Type: CALCULATED, HealthThreshold: 300}}}\n",
     3, "HealthThreshold is 0-256"},
    {"UnknownConfigKey",
     "  H: {Type: AWS::Route53::HealthCheck, Properties: {HealthCheckConfig: {Type: TCP, IPAddress: 192.0.2.1, Port: 80, Intervall: 10}}}\n",
     3, "unsupported property `Intervall`"},
    {"CidrLocationName",
     "  C: {Type: AWS::Route53::CidrCollection, Properties: {Name: c, Locations: [{LocationName: \"a b\", CidrList: [10.0.0.0/16]}]}}\n",
     3, "CIDR location name `a b` is not 1-16 of [0-9A-Za-z_-]"},
    {"CidrBlockTooLong",
     "  C: {Type: AWS::Route53::CidrCollection, Properties: {Name: c, Locations: [{LocationName: a, CidrList: [10.0.0.0/25]}]}}\n",
     3, "Route 53 takes /1-/24 blocks"},
    {"CidrNotABlock",
     "  C: {Type: AWS::Route53::CidrCollection, Properties: {Name: c, Locations: [{LocationName: a, CidrList: [ten]}]}}\n",
     3, "`ten` in location a is not a CIDR block"},
};

class CloudFormationHealthCheckBad : public ::testing::TestWithParam<BadCheck> {};

TEST_P(CloudFormationHealthCheckBad, IsALocatedErrorNamingTheResource) {
  const BadCheck& b = GetParam();
  Loaded l = load(std::string("Resources:\n  Zone: {Type: AWS::Route53::HostedZone, Properties: {Name: example.com}}\n") +
                  b.resources);
  EXPECT_FALSE(l.ok);
  const auto* e = find(l.diagnostics, b.message);
  ASSERT_TRUE(e) << dump(l.diagnostics);
  EXPECT_EQ(e->file, "stack.yaml");
  EXPECT_EQ(e->line, b.line) << e->str();
  EXPECT_FALSE(e->resource.empty()) << e->str();
}

INSTANTIATE_TEST_SUITE_P(BadInput, CloudFormationHealthCheckBad, ::testing::ValuesIn(kBadChecks),
                         [](const auto& info) { return std::string(info.param.name); });

struct BadTemplate {
  const char* name;
  const char* record_properties;  // of a RecordSet `R` (line 3) in zone `Zone`, at line 5
  std::uint32_t line;
  const char* message;
  const char* hint;
};

void PrintTo(const BadTemplate& b, std::ostream* os) { *os << b.name; }

const BadTemplate kBad[] = {
    // CloudFormation rejects an unsupported property.
    {"UnknownPropertySuggestsTheClosest",
     "{HostedZoneId: !Ref Zone, Name: a.example.com, Type: A, TTl: 60, ResourceRecords: [192.0.2.1]}", 5,
     "unsupported property `TTl`", "did you mean `TTL`?"},
    {"MissingType", "{HostedZoneId: !Ref Zone, Name: a.example.com, TTL: 60, ResourceRecords: [192.0.2.1]}",
     3, "needs the property `Type`", ""},
    {"MissingName", "{HostedZoneId: !Ref Zone, Type: A, TTL: 60, ResourceRecords: [192.0.2.1]}", 3,
     "needs the property `Name`", ""},
    {"BothZoneIdAndName",
     "{HostedZoneId: !Ref Zone, HostedZoneName: example.com., Name: a.example.com, Type: A, TTL: 60, "
     "ResourceRecords: [192.0.2.1]}",
     5, "by `HostedZoneId` or `HostedZoneName`, not both", ""},
    {"NoZone", "{Name: a.example.com, Type: A, TTL: 60, ResourceRecords: [192.0.2.1]}", 3,
     "needs `HostedZoneId` or `HostedZoneName`", ""},
    {"TtlNotANumber",
     "{HostedZoneId: !Ref Zone, Name: a.example.com, Type: A, TTL: soon, ResourceRecords: [192.0.2.1]}", 5,
     "`TTL` must be a whole number", ""},
    {"ResourceRecordsNotAList",
     "{HostedZoneId: !Ref Zone, Name: a.example.com, Type: A, TTL: 60, ResourceRecords: {a: b}}", 5,
     "`ResourceRecords` must be a list", ""},
    // finalize(), at the value: "192.0.2.300" is no A record.
    {"BadValueAtTheValue",
     "{HostedZoneId: !Ref Zone, Name: a.example.com, Type: A, TTL: 60, ResourceRecords: [192.0.2.300]}", 5,
     "`192.0.2.300` is not a valid A value", ""},
};

class CloudFormationRoute53Bad : public ::testing::TestWithParam<BadTemplate> {};

TEST_P(CloudFormationRoute53Bad, IsALocatedErrorNamingTheResource) {
  const BadTemplate& b = GetParam();
  Loaded l = load(std::string("Resources:\n  Zone: {Type: AWS::Route53::HostedZone, Properties: {Name: example.com}}\n"
                              "  R:\n    Type: AWS::Route53::RecordSet\n    Properties: ") +
                  b.record_properties + "\n");
  EXPECT_FALSE(l.ok);
  const auto* e = find(l.diagnostics, b.message);
  ASSERT_TRUE(e) << dump(l.diagnostics);
  EXPECT_EQ(e->file, "stack.yaml");
  EXPECT_EQ(e->line, b.line) << e->str();
  EXPECT_TRUE(e->resource == "R" || e->resource.ends_with("/A")) << e->str();
  EXPECT_NE(e->hint.find(b.hint), std::string::npos) << e->str();
}

INSTANTIATE_TEST_SUITE_P(BadInput, CloudFormationRoute53Bad, ::testing::ValuesIn(kBad),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cloudtwin::load
