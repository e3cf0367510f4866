// Route 53 in the model: hosted zones (public and private, with their VPC associations),
// reusable delegation sets and record sets (shared/reference/route53.md §1, §3, §6). Record
// values are kept in presentation form as Route 53's API takes them ("10 mail.example.com.");
// finalize() checks them against their type with Knot's libzscanner and src/dns compiles them
// to wire format. Routing-policy fields are stored as written; src/dns interprets them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/model/resource.h"

namespace cloudtwin::model {

// AWS::Route53::DelegationSet: four name servers shared by the zones that name it.
struct DelegationSet : Resource {
  std::vector<std::string> name_servers;
};

struct HostedZoneVpc {
  Ref vpc;
  std::string region;  // VPCRegion; empty = the VPC's own
  Location at;
};

// AWS::Route53::HostedZone. `domain` is the zone's name as written (finalize() normalises it to
// lower case with the trailing dot). Its id is Route 53's ("Z1D633PJN98FT9"), or the logical
// name / address the source gives it when it has none yet.
struct HostedZone : Resource {
  std::string domain;
  std::string comment;
  bool private_zone = false;  // set when VPCs are associated (CloudFormation), or Config.PrivateZone
  std::vector<HostedZoneVpc> vpcs;
  Ref delegation_set;
  // derived
  std::vector<Index> record_sets;  // in input order
};

// AliasTarget: DNSName and HostedZoneId as written. finalize() resolves the target to a record
// set of the same zone (`record_set`) or to a load balancer of the network (`load_balancer`,
// matched by its DNS name, id or name); neither = a resource outside the network.
struct AliasTarget {
  std::string dns_name;
  std::string hosted_zone_id;
  bool evaluate_target_health = false;
  Location at;
  // derived
  Index load_balancer = kNone;
};

struct GeoLocation {
  std::string continent_code;    // AF AN AS EU OC NA SA
  std::string country_code;      // ISO 3166-1 alpha-2, or "*" for the default
  std::string subdivision_code;  // with country_code
};

struct GeoProximityLocation {
  std::string aws_region;
  std::string local_zone_group;
  std::optional<double> latitude;
  std::optional<double> longitude;
  int bias = 0;  // -99..99
};

struct CidrRoutingConfig {
  std::string collection_id;
  std::string location_name;  // "*" = the default location
};

// AWS::Route53::HealthCheck (route53.md §5). Values as written; finalize() checks the ranges.
struct HealthCheck : Resource {
  std::string type;  // HTTP HTTPS HTTP_STR_MATCH HTTPS_STR_MATCH TCP CALCULATED CLOUDWATCH_METRIC RECOVERY_CONTROL
  std::string ip_address;
  std::optional<std::int64_t> port;
  std::string fqdn;  // FullyQualifiedDomainName
  std::string resource_path;
  std::string search_string;
  std::int64_t request_interval = 30;  // 10 or 30
  std::int64_t failure_threshold = 3;  // 1-10
  bool inverted = false;
  bool disabled = false;
  bool enable_sni = false;
  bool measure_latency = false;
  std::vector<std::string> regions;  // checker Regions; empty = Route 53's default eight
  // CALCULATED
  std::vector<Ref> children;
  std::int64_t health_threshold = 0;  // 0-256
  // CLOUDWATCH_METRIC
  std::string insufficient_data_health_status;  // Healthy | Unhealthy | LastKnownStatus
};

// AWS::Route53::CidrCollection: named locations of CIDR blocks for IP-based routing (§2.8).
struct CidrLocation {
  std::string name;  // 1-16 of [0-9A-Za-z_-]
  std::vector<std::string> cidrs;
  Location at;
};
struct CidrCollection : Resource {
  std::string collection_name;  // Name (the resource's `name` is its Name tag or logical id)
  std::vector<CidrLocation> locations;
};

enum class RoutingPolicy : std::uint8_t {
  kSimple,
  kWeighted,
  kLatency,
  kGeolocation,
  kGeoproximity,
  kFailover,
  kMultivalue,
  kIpBased,
};
const char* routing_policy_name(RoutingPolicy p);  // "simple", "weighted", ...

// One record set: Name + Type (+ SetIdentifier), with values or an alias target, never both.
// Its id is "<zone id>/<name>/<type>[/<set identifier>]" unless the source names it (a
// CloudFormation logical id, a Terraform address): then that is its name.
struct RecordSet : Resource {
  Ref hosted_zone;           // id of the zone, or its domain (AWS::Route53::RecordSet's HostedZoneName)
  std::string record_name;   // as written: absolute or relative to the zone, "\052" for '*'
  std::string type;          // "A", "AAAA", ..., upper case
  std::optional<std::int64_t> ttl;
  std::vector<std::string> values;
  std::vector<Location> value_at;  // where each value was written (parallel to values)
  std::optional<AliasTarget> alias;

  // Routing policy (interpreted by src/dns).
  std::string set_identifier;
  std::optional<std::int64_t> weight;
  std::string region;                 // latency
  std::optional<GeoLocation> geo_location;
  std::optional<GeoProximityLocation> geo_proximity;
  std::string failover;               // PRIMARY | SECONDARY
  bool multivalue_answer = false;
  std::optional<CidrRoutingConfig> cidr_routing;
  std::string health_check_id;

  // Route 53's own SOA and NS record sets at the apex, made by finalize() when the input has none.
  bool implicit = false;

  // derived by finalize()
  std::string fqdn;  // lower case, escapes decoded, trailing dot ("*.example.com.")
  RoutingPolicy policy = RoutingPolicy::kSimple;
  Index alias_record_set = kNone;  // an alias to a record set of the same zone: the first of them
  Index health_check = kNone;      // the HealthCheckId's check when the network has it
  Index cidr_collection = kNone;   // CidrRoutingConfig's collection when the network has it
};

}  // namespace cloudtwin::model
