// Route 53: AWS::Route53::HostedZone, RecordSet and RecordSetGroup (CloudFormation resource
// reference, aws-resource-route53-hostedzone.html, aws-resource-route53-recordset.html,
// aws-resource-route53-recordsetgroup.html; shared/reference/route53.md §1, §3, §6). Values are
// recorded as written; model::finalize() checks them as Route 53 checks a change batch.
// CloudFormation has no reusable delegation set resource and no DelegationSetId property: a
// zone of a template uses the name servers Route 53 assigns.
#include <algorithm>
#include <limits>

#include "cloudformation_mapper.h"
#include "cloudtwin/model/record_data.h"
#include "route53_names.h"

namespace cloudtwin::load::cfn {
namespace {

using model::Kind;

constexpr auto kReq = Need::kRequired;
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min() / 10;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max() / 10;

const std::vector<std::string_view> kRecordSetKeys = {
    "AliasTarget", "CidrRoutingConfig", "Comment", "Failover", "GeoLocation",
    "GeoProximityLocation", "HealthCheckId", "HostedZoneId", "HostedZoneName", "MultiValueAnswer",
    "Name", "Region", "ResourceRecords", "SetIdentifier", "TTL", "Type", "Weight"};

// Reports the keys of a mapping outside `known` (CloudFormation rejects an unsupported
// property): `keys` of an evaluated map, or the Properties node of a resource.
void check_keys(Stack& s, const std::string& logical_id, const std::vector<std::string>& keys,
                const std::vector<Location>& at, const std::vector<std::string_view>& known,
                std::string_view what) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (std::find(known.begin(), known.end(), keys[i]) != known.end()) continue;
    const std::string near = closest_match(keys[i], known);
    s.error(at[i], logical_id,
            "unsupported property `" + keys[i] + "` in " + std::string(what),
            near.empty() ? "" : "did you mean `" + near + "`?");
  }
}

void check_properties(Stack& s, const ResourceDecl& r, const std::vector<std::string_view>& known) {
  if (!r.properties || !r.properties->is_mapping()) return;
  std::vector<std::string> keys;
  std::vector<Location> at;
  for (const auto& p : r.properties->pairs()) {
    if (!p.key->is_scalar()) continue;
    keys.emplace_back(p.key->scalar());
    at.push_back(s.at(*p.key));
  }
  check_keys(s, r.logical_id, keys, at, known, r.type);
}

void check_map(Stack& s, const std::string& logical_id, const Value& v,
               const std::vector<std::string_view>& known, std::string_view what) {
  if (!v.is_map()) return;
  std::vector<Location> at;
  for (const auto& x : v.values) at.push_back(x.at.line ? x.at : v.at);
  check_keys(s, logical_id, v.keys, at, known, what);
}

// "www.example.com" is fully qualified in CloudFormation, as in the Route 53 API.
std::string absolute(std::string name) {
  if (!name.empty() && !name.ends_with('.')) name += '.';
  return name;
}

}  // namespace

bool Mapper::hosted_zone(const ResourceDecl& r) {
  check_properties(s_, r,
                   {"HostedZoneConfig", "HostedZoneFeatures", "HostedZoneTags", "Name",
                    "QueryLoggingConfig", "VPCs"});
  Props p(*this, r);
  auto name = p.text("Name", kReq);
  Value config = p.get("HostedZoneConfig");
  check_map(s_, r.logical_id, config, {"Comment"}, "HostedZoneConfig");
  std::string comment;
  if (const Value* c = config.get("Comment"); c && c->is_string()) comment = c->text;
  Value vpcs = p.get("VPCs");
  std::vector<model::HostedZoneVpc> associations;
  if (vpcs.is_unknown()) {
    p.unusable("VPCs", vpcs.text, kReq, vpcs.at);
  } else if (!vpcs.is_null() && !vpcs.is_list()) {
    s_.error(vpcs.at, r.logical_id, "`VPCs` must be a list of {VPCId, VPCRegion}");
  } else {
    for (const auto& item : vpcs.items) {
      if (!item.is_map()) {
        s_.error(item.at, r.logical_id, "an item of `VPCs` must be a mapping {VPCId, VPCRegion}");
        continue;
      }
      check_map(s_, r.logical_id, item, {"VPCId", "VPCRegion"}, "an item of VPCs");
      Props vp(*this, r, &item);
      model::HostedZoneVpc a;
      a.at = item.at;
      // A VPC outside the inputs is finalize()'s to report: the zone still answers the others.
      const Value id = vp.get("VPCId");
      if (id.is_unknown()) {
        vp.unusable("VPCId", id.text, Need::kOptional, id.at);
        continue;
      }
      auto vpc = vp.text("VPCId", kReq);
      auto region = vp.text("VPCRegion", kReq);
      if (!vpc) continue;
      a.vpc = {*vpc, id.at};
      if (region) a.region = *region;
      associations.push_back(std::move(a));
    }
  }
  if (p.failed()) return p.skip();
  auto& z = add(r, n_.hosted_zones, Kind::kHostedZone);
  z.domain = *name;
  z.comment = std::move(comment);
  z.vpcs = std::move(associations);
  z.private_zone = !z.vpcs.empty();
  return true;
}

namespace {

// One record set: the properties of an AWS::Route53::RecordSet, or an item of a
// RecordSetGroup's RecordSets (whose zone the group names). False if it is left out.
bool read_record_set(Mapper& m, const ResourceDecl& r, Props& p, model::RecordSet& out) {
  Stack& s = m.stack();
  auto name = p.text("Name", kReq);
  auto type = p.text("Type", kReq);
  if (name) out.record_name = absolute(*name);
  if (type) out.type = *type;
  if (auto v = p.text("SetIdentifier")) out.set_identifier = *v;
  // TTL is a string in the resource specification; templates write either.
  if (auto ttl = p.integer("TTL", kMin, kMax)) out.ttl = *ttl;
  Value records = p.get("ResourceRecords");
  if (records.is_unknown()) {
    p.unusable("ResourceRecords", records.text, kReq, records.at);
  } else if (!records.is_null() && !records.is_list()) {
    s.error(records.at, r.logical_id, "`ResourceRecords` must be a list of values");
  } else {
    for (const auto& item : records.items) {
      p.note(item);
      if (item.is_unknown()) {
        p.unusable("ResourceRecords", item.text, kReq, item.at);
      } else if (!item.is_string()) {
        s.error(item.at, r.logical_id, "an item of `ResourceRecords` must be a single value");
      } else {
        out.values.push_back(item.text);
        out.value_at.push_back(item.at);
      }
    }
  }
  Value alias = p.get("AliasTarget");
  if (alias.is_unknown()) {
    p.unusable("AliasTarget", alias.text, kReq, alias.at);
  } else if (!alias.is_null()) {
    if (!alias.is_map()) {
      s.error(alias.at, r.logical_id, "`AliasTarget` must be a mapping {DNSName, HostedZoneId}");
    } else {
      check_map(s, r.logical_id, alias, {"DNSName", "HostedZoneId", "EvaluateTargetHealth"},
                "AliasTarget");
      Props ap(m, r, &alias);
      model::AliasTarget a;
      a.at = alias.at;
      // Fn::GetAtt LB.DNSName gives the load balancer's DNS name, which finalize() matches.
      if (auto d = ap.text("DNSName", kReq)) a.dns_name = *d;
      if (auto z = ap.text("HostedZoneId", kReq)) a.hosted_zone_id = *z;
      if (auto e = ap.boolean("EvaluateTargetHealth")) a.evaluate_target_health = *e;
      if (ap.failed()) {
        if (std::string why = ap.take_left_out(); !why.empty()) p.unusable("AliasTarget", why, kReq, alias.at);
      }
      out.alias = std::move(a);
    }
  }
  if (auto w = p.integer("Weight", kMin, kMax)) out.weight = *w;
  if (auto v = p.text("Region")) out.region = *v;
  if (auto v = p.text("Failover")) out.failover = *v;
  if (auto v = p.boolean("MultiValueAnswer")) out.multivalue_answer = *v;
  if (auto v = p.text("HealthCheckId")) out.health_check_id = *v;
  Value geo = p.get("GeoLocation");
  if (geo.is_map()) {
    check_map(s, r.logical_id, geo, {"ContinentCode", "CountryCode", "SubdivisionCode"}, "GeoLocation");
    Props gp(m, r, &geo);
    model::GeoLocation g;
    if (auto v = gp.text("ContinentCode")) g.continent_code = *v;
    if (auto v = gp.text("CountryCode")) g.country_code = *v;
    if (auto v = gp.text("SubdivisionCode")) g.subdivision_code = *v;
    out.geo_location = std::move(g);
  } else if (!geo.is_null()) {
    s.error(geo.at, r.logical_id, "`GeoLocation` must be a mapping");
  }
  Value prox = p.get("GeoProximityLocation");
  if (prox.is_map()) {
    check_map(s, r.logical_id, prox, {"AWSRegion", "LocalZoneGroup", "Coordinates", "Bias"},
              "GeoProximityLocation");
    Props gp(m, r, &prox);
    model::GeoProximityLocation g;
    if (auto v = gp.text("AWSRegion")) g.aws_region = *v;
    if (auto v = gp.text("LocalZoneGroup")) g.local_zone_group = *v;
    if (auto b = gp.integer("Bias", -1000, 1000)) g.bias = static_cast<int>(*b);
    Value coords = gp.get("Coordinates");
    if (coords.is_map()) {
      check_map(s, r.logical_id, coords, {"Latitude", "Longitude"}, "Coordinates");
      Props cp(m, r, &coords);
      for (std::string_view k : {"Latitude", "Longitude"}) {
        auto t = cp.text(k, kReq);
        if (!t) continue;
        char* end = nullptr;
        const double d = std::strtod(t->c_str(), &end);
        if (t->empty() || end != t->c_str() + t->size()) {
          s.error(coords.at, r.logical_id, "`" + std::string(k) + "`: `" + *t + "` is not a number");
          continue;
        }
        (k == "Latitude" ? g.latitude : g.longitude) = d;
      }
    } else if (!coords.is_null()) {
      s.error(coords.at, r.logical_id, "`Coordinates` must be a mapping {Latitude, Longitude}");
    }
    out.geo_proximity = std::move(g);
  } else if (!prox.is_null()) {
    s.error(prox.at, r.logical_id, "`GeoProximityLocation` must be a mapping");
  }
  Value cidr = p.get("CidrRoutingConfig");
  if (cidr.is_map()) {
    check_map(s, r.logical_id, cidr, {"CollectionId", "LocationName"}, "CidrRoutingConfig");
    Props cp(m, r, &cidr);
    model::CidrRoutingConfig c;
    if (auto v = cp.text("CollectionId", kReq)) c.collection_id = *v;
    if (auto v = cp.text("LocationName", kReq)) c.location_name = *v;
    out.cidr_routing = std::move(c);
  } else if (!cidr.is_null()) {
    s.error(cidr.at, r.logical_id, "`CidrRoutingConfig` must be a mapping");
  }
  return !p.failed();
}

}  // namespace

// HostedZoneId (a zone of this template, or of an input read before) or HostedZoneName (the
// domain of such a zone); empty when left out.
model::Ref Mapper::record_zone(const ResourceDecl& r, Props& p) {
  const bool by_id = p.has("HostedZoneId") && !p.get("HostedZoneId").is_null();
  const bool by_name = p.has("HostedZoneName") && !p.get("HostedZoneName").is_null();
  if (by_id && by_name) {
    s_.error(p.get("HostedZoneName").at, r.logical_id,
             "a record set names its zone by `HostedZoneId` or `HostedZoneName`, not both");
    return {};
  }
  if (by_id) return p.ref("HostedZoneId", {Kind::kHostedZone}, kReq);
  if (!by_name) {
    s_.error(p.at(), r.logical_id, r.type + " needs `HostedZoneId` or `HostedZoneName`");
    return {};
  }
  auto name = p.text("HostedZoneName", kReq);
  if (!name) return {};
  const Location at = p.get("HostedZoneName").at;
  const auto want = model::route53_canonical_name(*name);
  for (const auto& z : n_.hosted_zones) {
    if (want && model::route53_canonical_name(z.domain) == want) return {*name, at};
  }
  p.unusable("HostedZoneName",
             "`" + *name + "` is the domain of no hosted zone of this template or of an input read before it",
             kReq, at);
  return {};
}

bool Mapper::record_set(const ResourceDecl& r) {
  check_properties(s_, r, kRecordSetKeys);
  Props p(*this, r);
  model::Ref zone = record_zone(r, p);
  model::RecordSet rs;
  const bool ok = read_record_set(*this, r, p, rs);
  if (!ok || zone.empty()) return p.skip();
  auto& out = add(r, n_.record_sets, Kind::kRecordSet);
  const std::string name = out.name;
  const Location at = out.at;
  const Symbol stand_in = out.stand_in;
  out = std::move(rs);
  out.name = name;
  out.at = at;
  out.stand_in = stand_in;
  out.hosted_zone = std::move(zone);
  out.id = route53::record_set_id(out.hosted_zone.text, out.record_name, out.type, out.set_identifier);
  return true;
}

bool Mapper::record_set_group(const ResourceDecl& r) {
  check_properties(s_, r, {"Comment", "HostedZoneId", "HostedZoneName", "RecordSets"});
  Props p(*this, r);
  model::Ref zone = record_zone(r, p);
  Value sets = p.get("RecordSets");
  if (sets.is_unknown()) p.unusable("RecordSets", sets.text, kReq, sets.at);
  if (sets.is_null()) {
    s_.error(p.at(), r.logical_id, r.type + " needs the property `RecordSets`");
    return false;
  }
  if (!sets.is_unknown() && !sets.is_list()) {
    s_.error(sets.at, r.logical_id, "`RecordSets` must be a list of record sets");
    return false;
  }
  if (p.failed() || zone.empty()) return p.skip();
  for (std::size_t i = 0; i < sets.items.size(); ++i) {
    const Value& item = sets.items[i];
    const std::string label = r.logical_id + "[" + std::to_string(i) + "]";
    if (!item.is_map()) {
      s_.error(item.at, r.logical_id, "an item of `RecordSets` must be a mapping");
      continue;
    }
    check_map(s_, r.logical_id, item, kRecordSetKeys, "an item of RecordSets");
    Props ip(*this, r, &item);
    model::RecordSet rs;
    if (!read_record_set(*this, r, ip, rs)) {
      if (std::string why = ip.take_left_out(); !why.empty()) {
        s_.gap(Gap::kLeftOut, r.type, item.at, r.logical_id,
               "RecordSets[" + std::to_string(i) + "] of " + r.logical_id + " is left out: " + why);
      }
      continue;
    }
    rs.name = label;
    rs.at = item.at;
    rs.hosted_zone = zone;
    rs.id = route53::record_set_id(zone.text, rs.record_name, rs.type, rs.set_identifier);
    n_.record_sets.push_back(std::move(rs));
  }
  return true;
}

}  // namespace cloudtwin::load::cfn

namespace cloudtwin::load::cfn {
namespace {

// The strings of a list property (e.g. Regions); unknown or non-string items are reported.
std::vector<std::string> string_list(Mapper& m, const ResourceDecl& r, Props& p, const Value& v,
                                     std::string_view what) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (v.is_unknown()) {
    p.unusable(what, v.text, Need::kOptional, v.at);
    return out;
  }
  if (!v.is_list()) {
    m.stack().error(v.at, r.logical_id, "`" + std::string(what) + "` must be a list");
    return out;
  }
  for (const auto& item : v.items) {
    if (item.is_string()) {
      out.push_back(item.text);
    } else if (item.is_unknown()) {
      p.unusable(what, item.text, Need::kOptional, item.at);
    } else {
      m.stack().error(item.at, r.logical_id, "an item of `" + std::string(what) + "` must be a string");
    }
  }
  return out;
}

}  // namespace

// AWS::Route53::HealthCheck (aws-resource-route53-healthcheck.html): HealthCheckConfig as
// CreateHealthCheck takes it; finalize() checks the ranges.
bool Mapper::health_check(const ResourceDecl& r) {
  check_properties(s_, r, {"HealthCheckConfig", "HealthCheckTags"});
  Props p(*this, r);
  Value config = p.get("HealthCheckConfig");
  if (config.is_unknown()) {
    p.unusable("HealthCheckConfig", config.text, kReq, config.at);
    return p.skip();
  }
  if (!config.is_map()) {
    s_.error(config.is_null() ? p.at() : config.at, r.logical_id,
             "`HealthCheckConfig` must be a mapping {Type, IPAddress, Port, ...}");
    return false;
  }
  check_map(s_, r.logical_id, config,
            {"AlarmIdentifier", "ChildHealthChecks", "EnableSNI", "FailureThreshold",
             "FullyQualifiedDomainName", "HealthThreshold", "InsufficientDataHealthStatus", "Inverted",
             "IPAddress", "MeasureLatency", "Port", "Regions", "RequestInterval", "ResourcePath",
             "RoutingControlArn", "SearchString", "Type"},
            "HealthCheckConfig");
  Props c(*this, r, &config);
  model::HealthCheck h;
  if (auto v = c.text("Type", kReq)) h.type = *v;
  if (auto v = c.text("IPAddress")) h.ip_address = *v;
  if (auto v = c.integer("Port", kMin, kMax)) h.port = *v;
  if (auto v = c.text("FullyQualifiedDomainName")) h.fqdn = *v;
  if (auto v = c.text("ResourcePath")) h.resource_path = *v;
  if (auto v = c.text("SearchString")) h.search_string = *v;
  if (auto v = c.integer("RequestInterval", kMin, kMax)) h.request_interval = *v;
  if (auto v = c.integer("FailureThreshold", kMin, kMax)) h.failure_threshold = *v;
  if (auto v = c.boolean("Inverted")) h.inverted = *v;
  if (auto v = c.boolean("EnableSNI")) h.enable_sni = *v;
  if (auto v = c.boolean("MeasureLatency")) h.measure_latency = *v;
  if (auto v = c.integer("HealthThreshold", kMin, kMax)) h.health_threshold = *v;
  if (auto v = c.text("InsufficientDataHealthStatus")) h.insufficient_data_health_status = *v;
  h.regions = string_list(*this, r, c, c.get("Regions"), "Regions");
  // Children are other checks of the template (!Ref) or of the account (ids).
  Value children = c.get("ChildHealthChecks");
  for (const auto& id : string_list(*this, r, c, children, "ChildHealthChecks")) {
    h.children.push_back({id, children.at});
  }
  // HTTPS checks default EnableSNI to true (CreateHealthCheck: "the default value is true").
  if (!config.get("EnableSNI") && h.type.starts_with("HTTPS")) h.enable_sni = true;
  if (c.failed()) {
    if (std::string why = c.take_left_out(); !why.empty()) p.unusable("HealthCheckConfig", why, kReq, config.at);
  }
  if (p.failed()) return p.skip();
  add_read(r, n_.health_checks, Kind::kHealthCheck, std::move(h));
  return true;
}

// AWS::Route53::CidrCollection (aws-resource-route53-cidrcollection.html): Name and Locations
// [{LocationName, CidrList}].
bool Mapper::cidr_collection(const ResourceDecl& r) {
  check_properties(s_, r, {"Locations", "Name"});
  Props p(*this, r);
  auto name = p.text("Name", kReq);
  std::vector<model::CidrLocation> locations;
  Value list = p.get("Locations");
  if (list.is_unknown()) {
    p.unusable("Locations", list.text, kReq, list.at);
  } else if (!list.is_null() && !list.is_list()) {
    s_.error(list.at, r.logical_id, "`Locations` must be a list of {LocationName, CidrList}");
  } else {
    for (const auto& item : list.items) {
      if (!item.is_map()) {
        s_.error(item.at, r.logical_id, "an item of `Locations` must be a mapping {LocationName, CidrList}");
        continue;
      }
      check_map(s_, r.logical_id, item, {"CidrList", "LocationName"}, "an item of Locations");
      Props lp(*this, r, &item);
      model::CidrLocation l;
      l.at = item.at;
      if (auto v = lp.text("LocationName", kReq)) l.name = *v;
      l.cidrs = string_list(*this, r, lp, lp.get("CidrList"), "CidrList");
      if (!lp.failed()) locations.push_back(std::move(l));
    }
  }
  if (p.failed()) return p.skip();
  auto& c = add(r, n_.cidr_collections, Kind::kCidrCollection);
  c.collection_name = *name;
  c.locations = std::move(locations);
  return true;
}

}  // namespace cloudtwin::load::cfn
