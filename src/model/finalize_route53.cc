// finalize() for Route 53 (shared/reference/route53.md): what a ChangeResourceRecordSets call
// would reject is an error at the record set's own location, with Route 53's wording where it
// has one; the SOA and NS record sets Route 53 makes with every zone are added when the input
// has none.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "cloudtwin/model/record_data.h"
#include "finalize_context.h"

namespace cloudtwin::model {

const char* routing_policy_name(RoutingPolicy p) {
  switch (p) {
    case RoutingPolicy::kSimple: return "simple";
    case RoutingPolicy::kWeighted: return "weighted";
    case RoutingPolicy::kLatency: return "latency";
    case RoutingPolicy::kGeolocation: return "geolocation";
    case RoutingPolicy::kGeoproximity: return "geoproximity";
    case RoutingPolicy::kFailover: return "failover";
    case RoutingPolicy::kMultivalue: return "multivalue";
    case RoutingPolicy::kIpBased: return "IP-based";
  }
  return "?";
}

namespace {

// ResourceRecordTypes.html: what Route 53 accepts.
constexpr std::string_view kRoute53Types[] = {"A",   "AAAA", "CAA",   "CNAME", "DS",  "HTTPS",
                                              "MX",  "NAPTR", "NS",   "PTR",   "SOA", "SPF",
                                              "SRV", "SSHFP", "SVCB", "TLSA",  "TXT"};
constexpr std::int64_t kMaxTtl = 2147483647;
constexpr std::size_t kMaxValues = 400;  // DNSLimitations.html

bool route53_type(std::string_view t) {
  return std::find(std::begin(kRoute53Types), std::end(kRoute53Types), t) != std::end(kRoute53Types);
}

// Whether canonical `name` is `zone` or below it.
bool in_zone(std::string_view name, std::string_view zone) {
  if (zone == ".") return true;
  if (name.size() < zone.size() || name.substr(name.size() - zone.size()) != zone) return false;
  return name.size() == zone.size() || name[name.size() - zone.size() - 1] == '.';
}

class Route53Finalizer {
 public:
  explicit Route53Finalizer(FinalizeContext& c) : c_(c), n_(c.network()) {}

  void run() {
    for (auto& h : n_.health_checks) health_check(h);
    for (auto& c : n_.cidr_collections) cidr_collection(c);
    for (auto& z : n_.hosted_zones) zone(z);
    for (Index r = 0; r < n_.record_sets.size(); ++r) place(r);
    for (Index z = 0; z < n_.hosted_zones.size(); ++z) {
      apex_records(z);
      check_zone(z);
    }
  }

 private:
  void zone(HostedZone& z) {
    auto name = route53_canonical_name(z.domain);
    if (!name || z.domain.empty()) {
      c_.error(z, z.at, "the hosted zone's name `" + z.domain + "` is not a domain name");
      canonical_.emplace_back();
    } else {
      canonical_.push_back(*name);
    }
    for (auto& v : z.vpcs) {
      if (c_.names_any(v.vpc.text, {Kind::kVpc})) {
        c_.resolve(z, v.vpc, {Kind::kVpc});
      } else {
        c_.gap(Gap::kLeftOut, "AWS::Route53::HostedZone", z, v.at,
               "the private zone is associated with VPC `" + v.vpc.text +
                   "`, which is not in the network",
               "its queries are answered only from the VPCs that are");
      }
    }
    if (!z.vpcs.empty()) z.private_zone = true;
    if (!z.delegation_set.empty()) c_.resolve(z, z.delegation_set, {Kind::kDelegationSet});
    if (z.private_zone && !z.delegation_set.empty()) {
      c_.error(z, z.delegation_set.at, "a private hosted zone cannot use a reusable delegation set");
    }
  }

  // The zone a record set's HostedZoneId or HostedZoneName names.
  Index zone_of(RecordSet& r) {
    if (r.hosted_zone.empty()) return kNone;
    if (c_.names_any(r.hosted_zone.text, {Kind::kHostedZone})) {
      c_.resolve(r, r.hosted_zone, {Kind::kHostedZone});
      return r.hosted_zone.index;
    }
    // HostedZoneName: the zone's domain. Public zones first, as Route 53 looks them up.
    auto want = route53_canonical_name(r.hosted_zone.text);
    Index found = kNone;
    std::size_t matches = 0;
    for (Index z = 0; z < n_.hosted_zones.size(); ++z) {
      if (!want || canonical_[z] != *want) continue;
      if (found == kNone || (n_.hosted_zones[found].private_zone && !n_.hosted_zones[z].private_zone)) {
        found = z;
      }
      ++matches;
    }
    if (found != kNone) {
      if (matches > 1) {
        c_.warning(r, r.hosted_zone.at,
                   "several hosted zones are named `" + r.hosted_zone.text + "`; the record set goes in " +
                       n_.hosted_zones[found].id,
                   "name the zone by its id");
      }
      r.hosted_zone.index = found;
      return found;
    }
    std::vector<std::string_view> names;
    for (const auto& z : n_.hosted_zones) {
      names.push_back(z.id);
      names.push_back(z.domain);
    }
    auto near = closest_match(r.hosted_zone.text, names);
    c_.error(r, r.hosted_zone.at, "`" + r.hosted_zone.text + "` names no hosted zone",
             near.empty() ? "" : "did you mean `" + near + "`?");
    return kNone;
  }

  void place(Index ri) {
    RecordSet& r = n_.record_sets[ri];
    Index z = zone_of(r);
    if (r.hosted_zone.empty()) c_.error(r, r.at, "a record set needs its hosted zone");
    if (z == kNone) return;
    const std::string& origin = canonical_[z];
    if (origin.empty()) return;
    n_.hosted_zones[z].record_sets.push_back(ri);

    auto name = route53_canonical_name(r.record_name);
    if (!name) {
      c_.error(r, r.at, "`" + r.record_name + "` is not a domain name");
      return;
    }
    r.fqdn = *name;
    if (!in_zone(r.fqdn, origin)) {
      // InvalidChangeBatch: "RRSet with DNS name x is not permitted in zone y"
      c_.error(r, r.at,
               "RRSet with DNS name " + r.fqdn + " is not permitted in zone " + origin,
               "a record set's name lies inside its hosted zone");
    }
    check_wildcard(r);
    check_type(r, origin);
    check_policy(r, n_.hosted_zones[z]);
    check_values(r, origin);
  }

  void check_wildcard(const RecordSet& r) {
    // Wildcards only as the whole left-most label (DomainNameFormat.html).
    auto star = r.fqdn.find('*');
    if (star == std::string::npos) return;
    bool leftmost = star == 0 && (r.fqdn.size() > 1 && r.fqdn[1] == '.');
    if (!leftmost || r.fqdn.find('*', 1) != std::string::npos) {
      c_.warning(r, r.at, "`*` in " + r.fqdn + " is not a whole left-most label: it is a literal asterisk, not a wildcard");
    } else if (r.type == "NS") {
      c_.error(r, r.at, "Route 53 does not allow a wildcard NS record set (" + r.fqdn + ")");
    }
  }

  void check_type(const RecordSet& r, const std::string& origin) {
    if (rr_type_code(r.type) == 0) {
      c_.error(r, r.at, "`" + r.type + "` is not a record type");
      return;
    }
    if (!route53_type(r.type)) {
      c_.warning(r, r.at, "Route 53 does not accept record type " + r.type + "; it is served as written",
                 "Route 53 accepts " + std::string("A, AAAA, CAA, CNAME, DS, HTTPS, MX, NAPTR, NS, PTR, SOA, "
                                                   "SPF, SRV, SSHFP, SVCB, TLSA and TXT"));
    }
    if (r.fqdn == origin) {
      if (r.type == "CNAME") {
        // RFC 1912 §2.4; Route 53: "RRSet of type CNAME with DNS name x is not permitted at apex"
        c_.error(r, r.at, "RRSet of type CNAME with DNS name " + r.fqdn + " is not permitted at apex in zone " + origin,
                 "use an alias record at the apex");
      }
      if (r.type == "DS") c_.error(r, r.at, "a DS record set cannot be at the zone apex");
    } else if (r.type == "SOA" && !r.fqdn.empty()) {
      c_.error(r, r.at, "an SOA record set belongs at the zone apex (" + origin + ")");
    }
  }

  // route53.md §5 (CreateHealthCheck's HealthCheckConfig): what the API refuses.
  void health_check(HealthCheck& h) {
    static const std::set<std::string, std::less<>> kTypes = {
        "HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP", "CALCULATED", "CLOUDWATCH_METRIC",
        "RECOVERY_CONTROL"};
    if (!kTypes.count(h.type)) {
      c_.error(h, h.at, "`" + h.type + "` is not a health check type",
               "HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH, TCP, CALCULATED, CLOUDWATCH_METRIC or RECOVERY_CONTROL");
      return;
    }
    const bool endpoint = h.type.starts_with("HTTP") || h.type == "TCP";
    if (h.request_interval != 10 && h.request_interval != 30) {
      c_.error(h, h.at, "RequestInterval is 10 or 30 seconds, not " + std::to_string(h.request_interval));
    }
    if (h.failure_threshold < 1 || h.failure_threshold > 10) {
      c_.error(h, h.at, "FailureThreshold is 1-10, not " + std::to_string(h.failure_threshold));
    }
    if (endpoint) {
      if (h.ip_address.empty() && h.fqdn.empty()) {
        c_.error(h, h.at, "a " + h.type + " health check needs an IPAddress or a FullyQualifiedDomainName");
      }
      if (!h.ip_address.empty() && !IpAddress::parse(h.ip_address)) {
        c_.error(h, h.at, "IPAddress `" + h.ip_address + "` is not an IPv4 or IPv6 address");
      }
      if (h.type == "TCP" && !h.port) c_.error(h, h.at, "a TCP health check needs a Port");
      if (h.port && (*h.port < 1 || *h.port > 65535)) {
        c_.error(h, h.at, "Port " + std::to_string(*h.port) + " is outside 1-65535");
      }
      if (h.type.ends_with("STR_MATCH") && (h.search_string.empty() || h.search_string.size() > 255)) {
        c_.error(h, h.at, "a " + h.type + " health check needs a SearchString of 1-255 characters");
      }
      if (!h.resource_path.empty() && h.resource_path.size() > 255) {
        c_.error(h, h.at, "a ResourcePath has at most 255 characters");
      }
    }
    if (h.type == "CALCULATED") {
      if (h.health_threshold < 0 || h.health_threshold > 256) {
        c_.error(h, h.at, "HealthThreshold is 0-256, not " + std::to_string(h.health_threshold));
      }
      if (h.children.size() > 256) c_.error(h, h.at, "a calculated health check has at most 256 children");
      for (auto& child : h.children) {
        if (!c_.names_any(child.text, {Kind::kHealthCheck})) {
          c_.error(h, child.at, "child health check `" + child.text + "` is not in the network");
          continue;
        }
        c_.resolve(h, child, {Kind::kHealthCheck});
        if (child.resolved() && n_.health_checks[child.index].type == "CALCULATED") {
          c_.error(h, child.at, "a calculated health check's children cannot be calculated checks");
        }
      }
    }
    if (!h.regions.empty() && h.regions.size() < 3) {
      c_.error(h, h.at, "a health check's Regions list names at least 3 checker Regions");
    }
  }

  // §2.8: location names of 1-16 [0-9A-Za-z_-], IPv4 blocks /1-/24, IPv6 /1-/48.
  void cidr_collection(CidrCollection& c) {
    std::set<std::string, std::less<>> names;
    for (const auto& l : c.locations) {
      const bool good = !l.name.empty() && l.name.size() <= 16 &&
                        std::all_of(l.name.begin(), l.name.end(), [](char ch) {
                          return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
                        });
      if (!good) c_.error(c, l.at, "CIDR location name `" + l.name + "` is not 1-16 of [0-9A-Za-z_-]");
      if (!names.insert(l.name).second) c_.error(c, l.at, "CIDR location `" + l.name + "` is named twice");
      for (const auto& text : l.cidrs) {
        auto block = Prefix::parse(text);
        if (!block) {
          c_.error(c, l.at, "`" + text + "` in location " + l.name + " is not a CIDR block");
          continue;
        }
        const int most = block->address().is_v4() ? 24 : 48;
        if (block->length() < 1 || block->length() > most) {
          c_.error(c, l.at, "`" + text + "` in location " + l.name + ": Route 53 takes /1-/" +
                                std::to_string(most) + " blocks");
        }
      }
    }
  }

  // HealthCheckId and CidrRoutingConfig name resources the network may hold; one it does not
  // hold answers as healthy (a check nothing runs) and is said so.
  void policy_references(RecordSet& r) {
    if (!r.health_check_id.empty()) {
      Ref ref{r.health_check_id, r.at};
      if (c_.names_any(ref.text, {Kind::kHealthCheck})) {
        c_.resolve(r, ref, {Kind::kHealthCheck});
        r.health_check = ref.index;
      } else {
        c_.gap(Gap::kUnknownValue, "AWS::Route53::RecordSet.HealthCheckId", r, r.at,
               "health check `" + r.health_check_id + "` is not in the network",
               "the record set counts as healthy; add the check (AWS::Route53::HealthCheck, "
               "aws route53 list-health-checks) to model it");
      }
    }
    if (r.cidr_routing) {
      Ref ref{r.cidr_routing->collection_id, r.at};
      if (c_.names_any(ref.text, {Kind::kCidrCollection})) {
        c_.resolve(r, ref, {Kind::kCidrCollection});
        r.cidr_collection = ref.index;
        const auto& c = n_.cidr_collections[ref.index];
        const auto& want = r.cidr_routing->location_name;
        if (want != "*" && std::none_of(c.locations.begin(), c.locations.end(),
                                        [&](const CidrLocation& l) { return l.name == want; })) {
          c_.error(r, r.at, "CIDR collection " + c.id + " has no location `" + want + "`");
        }
      } else {
        c_.gap(Gap::kUnknownValue, "AWS::Route53::RecordSet.CidrRoutingConfig", r, r.at,
               "CIDR collection `" + ref.text + "` is not in the network",
               "only its default location (`*`) can answer");
      }
    }
  }

  void check_policy(RecordSet& r, const HostedZone& z) {
    policy_references(r);
    std::vector<RoutingPolicy> set;
    if (r.weight) set.push_back(RoutingPolicy::kWeighted);
    if (!r.region.empty()) set.push_back(RoutingPolicy::kLatency);
    if (r.geo_location) set.push_back(RoutingPolicy::kGeolocation);
    if (r.geo_proximity) set.push_back(RoutingPolicy::kGeoproximity);
    if (!r.failover.empty()) set.push_back(RoutingPolicy::kFailover);
    if (r.multivalue_answer) set.push_back(RoutingPolicy::kMultivalue);
    if (r.cidr_routing) set.push_back(RoutingPolicy::kIpBased);
    if (set.size() > 1) {
      c_.error(r, r.at,
               std::string("a record set has one routing policy; this one sets ") + routing_policy_name(set[0]) +
                   " and " + routing_policy_name(set[1]));
    }
    r.policy = set.empty() ? RoutingPolicy::kSimple : set[0];
    if (r.policy == RoutingPolicy::kSimple && !r.set_identifier.empty()) {
      c_.error(r, r.at, "a SetIdentifier needs a routing policy (Weight, Region, GeoLocation, Failover, ...)");
    }
    if (r.policy != RoutingPolicy::kSimple && r.set_identifier.empty()) {
      c_.error(r, r.at, std::string("a ") + routing_policy_name(r.policy) + " record set needs a SetIdentifier");
    }
    if (r.set_identifier.size() > 128) c_.error(r, r.at, "a SetIdentifier has at most 128 characters");
    if (r.weight && (*r.weight < 0 || *r.weight > 255)) {
      c_.error(r, r.at, "Weight " + std::to_string(*r.weight) + " is outside 0-255");
    }
    if (!r.failover.empty() && r.failover != "PRIMARY" && r.failover != "SECONDARY") {
      c_.error(r, r.at, "Failover is PRIMARY or SECONDARY, not `" + r.failover + "`");
    }
    if (r.geo_location) {
      const auto& g = *r.geo_location;
      if (!g.continent_code.empty() && (!g.country_code.empty() || !g.subdivision_code.empty())) {
        c_.error(r, r.at, "a GeoLocation names a continent or a country, not both");
      } else if (g.continent_code.empty() && g.country_code.empty()) {
        c_.error(r, r.at, "a GeoLocation needs a ContinentCode or a CountryCode");
      }
      static const std::set<std::string, std::less<>> kContinents = {"AF", "AN", "AS", "EU", "OC", "NA", "SA"};
      if (!g.continent_code.empty() && !kContinents.count(g.continent_code)) {
        c_.error(r, r.at, "`" + g.continent_code + "` is not a continent code (AF AN AS EU OC NA SA)");
      }
    }
    if (r.geo_proximity) {
      const auto& g = *r.geo_proximity;
      int places = !g.aws_region.empty() + !g.local_zone_group.empty() + (g.latitude || g.longitude);
      if (places != 1) c_.error(r, r.at, "a GeoProximityLocation names exactly one of AWSRegion, LocalZoneGroup or Coordinates");
      if (g.bias < -99 || g.bias > 99) c_.error(r, r.at, "a geoproximity Bias is within -99..99");
    }
    if (r.policy != RoutingPolicy::kSimple && (r.type == "NS" || r.type == "SOA" || r.type == "DS")) {
      c_.error(r, r.at, std::string("a ") + r.type + " record set cannot have a routing policy");
    }
    if (r.policy == RoutingPolicy::kMultivalue && (r.type == "CNAME" || r.alias)) {
      c_.error(r, r.at, "a multivalue answer record set cannot be a CNAME or an alias");
    }
    if (z.private_zone &&
        (r.policy == RoutingPolicy::kGeoproximity || r.policy == RoutingPolicy::kIpBased)) {
      c_.error(r, r.at, std::string(routing_policy_name(r.policy)) + " routing is for public hosted zones only");
    }
  }

  void check_values(RecordSet& r, const std::string& origin) {
    if (r.alias) {
      if (!r.values.empty()) {
        c_.error(r, r.at, "a record set has ResourceRecords or an AliasTarget, not both");
      }
      if (r.ttl) c_.error(r, r.at, "an alias record set takes its target's TTL: omit TTL");
      if (r.type == "NS" || r.type == "SOA") c_.error(r, r.at, "an alias cannot be of type " + r.type);
      return;
    }
    if (r.values.empty()) {
      if (!r.implicit) c_.error(r, r.at, "a record set needs ResourceRecords or an AliasTarget");
      return;
    }
    if (!r.ttl) c_.error(r, r.at, "a record set with ResourceRecords needs a TTL");
    if (r.ttl && (*r.ttl < 0 || *r.ttl > kMaxTtl)) {
      c_.error(r, r.at, "TTL " + std::to_string(*r.ttl) + " is outside 0-2147483647");
    }
    if (r.values.size() > kMaxValues) {
      c_.error(r, r.at, "a record set holds at most 400 values; this one has " + std::to_string(r.values.size()));
    }
    if ((r.type == "CNAME" || r.type == "SOA") && r.values.size() > 1) {
      c_.error(r, r.at, "a " + r.type + " record set holds exactly one value");
    }
    std::uint16_t type = rr_type_code(r.type);
    if (type == 0) return;
    std::vector<std::uint8_t> wire;
    std::set<std::string> seen;  // (not vector<uint8_t>: GCC 12 -O2 warns falsely in its operator<)
    for (std::size_t i = 0; i < r.values.size(); ++i) {
      Location at = i < r.value_at.size() ? r.value_at[i] : r.at;
      if (!parser_.parse(type, r.values[i], origin, wire)) {
        c_.error(r, at, "`" + r.values[i] + "` is not a valid " + r.type + " value: " + parser_.error());
        continue;
      }
      if (!seen.insert(std::string(wire.begin(), wire.end())).second) {
        c_.error(r, at, "duplicate value `" + r.values[i] + "` in one record set");
      }
    }
  }

  // Alias targets, duplicates, CNAMEs beside other data, mixed policies: once every record set
  // of the zone is placed.
  void check_zone(Index zi) {
    const HostedZone& z = n_.hosted_zones[zi];
    const std::string& origin = canonical_[zi];
    // (name, type) -> record sets
    std::map<std::pair<std::string, std::string>, std::vector<Index>> by_name_type;
    std::map<std::string, std::vector<Index>> by_name;
    for (Index ri : z.record_sets) {
      const auto& r = n_.record_sets[ri];
      if (r.fqdn.empty()) continue;
      by_name_type[{r.fqdn, r.type}].push_back(ri);
      by_name[r.fqdn].push_back(ri);
    }
    for (const auto& [key, sets] : by_name_type) {
      std::set<std::string> ids;
      for (Index ri : sets) {
        const auto& r = n_.record_sets[ri];
        if (!ids.insert(r.set_identifier).second) {
          c_.error(r, r.at,
                   "Tried to create resource record set [name='" + key.first + "', type='" + key.second +
                       (r.set_identifier.empty() ? "" : "', set-identifier='" + r.set_identifier) +
                       "'] but it already exists",
                   "each Name, Type and SetIdentifier is one record set");
        }
        const auto& first = n_.record_sets[sets.front()];
        if (r.policy != first.policy) {
          c_.error(r, r.at,
                   std::string("a ") + routing_policy_name(r.policy) + " record set cannot share " + key.first + " " +
                       key.second + " with the " + routing_policy_name(first.policy) + " record set " + first.label(),
                   "combine policies with alias records to differently named groups");
        }
      }
      const auto& first = n_.record_sets[sets.front()];
      if (first.policy == RoutingPolicy::kFailover) {
        int primaries = 0, secondaries = 0;
        for (Index ri : sets) (n_.record_sets[ri].failover == "PRIMARY" ? primaries : secondaries)++;
        if (primaries > 1 || secondaries > 1) {
          c_.error(first, first.at, "failover " + key.first + " " + key.second +
                                        " has one PRIMARY and one SECONDARY record set at most");
        }
      }
    }
    for (const auto& [name, sets] : by_name) {
      auto cname = std::find_if(sets.begin(), sets.end(),
                                [&](Index ri) { return n_.record_sets[ri].type == "CNAME"; });
      if (cname == sets.end()) continue;
      for (Index ri : sets) {
        const auto& r = n_.record_sets[ri];
        if (r.type == "CNAME" || r.implicit) continue;
        // RFC 1034 §3.6.2 / RFC 2181 §10.1: a CNAME has no other data beside it.
        c_.error(r, r.at,
                 "RRSet of type " + r.type + " with DNS name " + name +
                     " is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists",
                 "a CNAME cannot share its name with other record sets");
      }
    }
    for (Index ri : z.record_sets) alias_target(ri, zi, origin, by_name_type);
  }

  void alias_target(Index ri, Index zi,  const std::string& origin,
                    const std::map<std::pair<std::string, std::string>, std::vector<Index>>& by_name_type) {
    RecordSet& r = n_.record_sets[ri];
    if (!r.alias || r.fqdn.empty()) return;
    AliasTarget& a = *r.alias;
    auto target = route53_canonical_name(a.dns_name);
    if (!target) {
      c_.error(r, a.at, "the alias target `" + a.dns_name + "` is not a domain name");
      return;
    }
    const HostedZone& z = n_.hosted_zones[zi];
    bool same_zone = a.hosted_zone_id.empty() || a.hosted_zone_id == z.id || a.hosted_zone_id == z.name ||
                     (in_zone(*target, origin) && !is_aws_resource_name(*target));
    if (same_zone) {
      auto it = by_name_type.find({*target, r.type});
      if (it == by_name_type.end()) {
        c_.error(r, a.at,
                 "Tried to create an alias that targets " + *target + ", type " + r.type + " in zone " +
                     z.id + ", but that target was not found",
                 "an alias in the zone names a record set of the same type");
        return;
      }
      if (*target == r.fqdn) {
        c_.error(r, a.at, "an alias cannot target itself");
        return;
      }
      r.alias_record_set = it->second.front();
      return;
    }
    for (Index l = 0; l < n_.load_balancers.size(); ++l) {
      const auto& lb = n_.load_balancers[l];
      auto dns = lb.dns_name.empty() ? std::nullopt : route53_canonical_name(lb.dns_name);
      bool dualstack = dns && *target == "dualstack." + *dns;
      if ((dns && (*dns == *target || dualstack)) || a.dns_name == lb.id ||
          (!lb.name.empty() && a.dns_name == lb.name)) {
        a.load_balancer = l;
        return;
      }
    }
    c_.gap(Gap::kUnknownValue, "AWS::Route53::RecordSet", r, a.at,
           "the alias target " + *target + " is not in the network: its addresses are not known",
           "`serve dns` answers it with no data; add the load balancer to the inputs");
  }

  static bool is_aws_resource_name(std::string_view name) {
    return name.ends_with(".amazonaws.com.") || name.ends_with(".cloudfront.net.") ||
           name.ends_with(".awsglobalaccelerator.com.");
  }

  // Route 53 makes an SOA and four NS records with every zone (SOA-NSrecords.html).
  void apex_records(Index zi) {
    HostedZone& z = n_.hosted_zones[zi];
    const std::string& origin = canonical_[zi];
    if (origin.empty()) return;
    bool soa = false, ns = false;
    for (Index ri : z.record_sets) {
      const auto& r = n_.record_sets[ri];
      soa = soa || (r.type == "SOA" && r.fqdn == origin);
      ns = ns || (r.type == "NS" && r.fqdn == origin);
    }
    std::vector<std::string> servers;
    if (z.delegation_set.resolved()) servers = n_.delegation_sets[z.delegation_set.index].name_servers;
    if (servers.empty()) {
      servers = {"ns-2048.awsdns-64.com.", "ns-2049.awsdns-65.net.", "ns-2050.awsdns-66.org.",
                 "ns-2051.awsdns-67.co.uk."};
    }
    auto add = [&](std::string type, std::int64_t ttl, std::vector<std::string> values) {
      RecordSet r;
      r.id = z.id + "/" + origin + "/" + type;
      r.at = z.at;
      r.hosted_zone = {z.id, z.at, zi};
      r.record_name = origin;
      r.fqdn = origin;
      r.type = std::move(type);
      r.ttl = ttl;
      r.values = std::move(values);
      r.implicit = true;
      n_.record_sets.push_back(std::move(r));
      Index ri = static_cast<Index>(n_.record_sets.size() - 1);
      z.record_sets.push_back(ri);
      c_.add_key(Kind::kRecordSet, ri);
    };
    if (!soa) {
      add("SOA", 900, {servers.front() + " awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"});
    }
    if (!ns) add("NS", 172800, servers);
  }

  FinalizeContext& c_;
  Network& n_;
  std::vector<std::string> canonical_;  // per zone: its canonical name, empty if invalid
  RecordDataParser parser_;
};

}  // namespace

void finalize_route53(FinalizeContext& c) { Route53Finalizer(c).run(); }

}  // namespace cloudtwin::model
