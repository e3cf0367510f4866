// Route 53's JSON shapes (shared/reference/route53.md §1, §3, §6, §7; the Route 53 API reference,
// API_ResourceRecordSet, API_ChangeBatch, API_HostedZone, API_DelegationSet) into the model.
// Values are recorded as written, with their locations; model::finalize() checks them.
#include "route53_json.h"

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "cloudtwin/load/route53_json.h"
#include "cloudtwin/model/record_data.h"
#include "route53_names.h"

namespace cloudtwin::load {
namespace route53 {
namespace {

namespace fs = std::filesystem;
using json::Type;
using json::Value;
using model::Index;
using model::kNone;

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

constexpr std::string_view kAnswerKeys[] = {"HostedZones", "HostedZone", "ResourceRecordSets",
                                            "DelegationSets", "DelegationSet", "HealthChecks", "HealthCheck"};
constexpr std::string_view kCompanionKeys[] = {
    "IsTruncated",    "MaxItems",       "Marker",         "NextMarker",
    "NextRecordName", "NextRecordType", "NextRecordIdentifier", "VPCs",
    "ResponseMetadata", "HostedZoneId", "DNSName",        "HostedZoneCount"};

// Reports the keys of `obj` outside `known`, with a "did you mean" hint: errors in a request
// (the CLI rejects an unknown parameter), warnings in an answer (AWS adds fields over time).
void check_keys(json::Reader& rd, const Value& obj, std::initializer_list<std::string_view> known,
                std::string_view what, bool strict) {
  if (!obj.is_object()) return;
  for (const auto& member : obj.items()) {
    const std::string_view k = member.key();
    if (std::find(known.begin(), known.end(), k) != known.end()) continue;
    const std::string near = closest_match(k, std::vector<std::string_view>(known));
    const std::string message = "unknown key `" + std::string(k) + "` in " + std::string(what);
    const std::string hint = near.empty() ? "" : "did you mean `" + near + "`?";
    if (strict) {
      rd.error(member.offset(), rd.resource(), message, hint);
    } else {
      rd.warning(member.offset(), rd.resource(), message + " (ignored)", hint);
    }
  }
}

// A string field; names keep their `\052` escapes. Surrounding spaces (botocore's examples
// write "….elb.amazonaws.com ") are dropped with a warning rather than failing the name.
std::optional<std::string> text(json::Reader& rd, const Value& v, std::string_view field) {
  auto s = rd.str(v, field);
  if (!s) return std::nullopt;
  const auto first = s->find_first_not_of(" \t\r\n");
  const auto last = s->find_last_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::string();
  if (first != 0 || last + 1 != s->size()) {
    rd.warning(v.offset(), rd.resource(),
               "`" + std::string(field) + "`: the spaces around `" +
                   std::string(s->substr(first, last - first + 1)) + "` are ignored");
  }
  return std::string(s->substr(first, last - first + 1));
}

std::optional<double> real(json::Reader& rd, const Value& v, std::string_view field) {
  if (v.absent()) return std::nullopt;
  if (v.type() != Type::kNumber && v.type() != Type::kString) {
    rd.expect(v, Type::kNumber, field);
    return std::nullopt;
  }
  const std::string t(v.text());
  char* end = nullptr;
  const double d = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size()) {
    rd.error(v.offset(), rd.resource(), "`" + std::string(field) + "`: `" + t + "` is not a number");
    return std::nullopt;
  }
  return d;
}

std::string canonical_or_lower(std::string_view name) {
  if (auto c = model::route53_canonical_name(name)) return *c;
  std::string out(name);
  for (auto& ch : out) ch = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch + 32) : ch;
  return out;
}

// The labels of a canonical name, right to left ("www.example.com." -> com, example, www).
std::vector<std::string> labels_from_right(const std::string& name) {
  std::vector<std::string> out;
  std::string_view s = name;
  if (s.ends_with('.')) s.remove_suffix(1);
  while (!s.empty()) {
    const auto dot = s.rfind('.');
    out.emplace_back(dot == std::string_view::npos ? s : s.substr(dot + 1));
    if (dot == std::string_view::npos) break;
    s = s.substr(0, dot);
  }
  return out;
}

// The domain of a zone known only from its record sets (docs/format.md, "Route 53 JSON"): the
// owner of an SOA among them; else the longest common suffix of their names, one label shorter
// when a CNAME or DS would otherwise sit at the apex, where Route 53 allows neither.
std::string infer_domain(const std::vector<model::RecordSet>& records) {
  for (const auto& r : records) {
    if (r.type == "SOA") return canonical_or_lower(r.record_name);
  }
  std::optional<std::vector<std::string>> common;
  for (const auto& r : records) {
    auto labels = labels_from_right(canonical_or_lower(r.record_name));
    if (!labels.empty() && labels.back() == "*") labels.pop_back();
    if (!common) {
      common = labels;
      continue;
    }
    std::size_t i = 0;
    while (i < common->size() && i < labels.size() && (*common)[i] == labels[i]) ++i;
    common->resize(i);
  }
  if (!common || common->empty()) return ".";
  auto join = [&](std::size_t n) {
    std::string out;
    for (std::size_t i = n; i-- > 0;) out += (*common)[i] + ".";
    return out;
  };
  std::string domain = join(common->size());
  for (const auto& r : records) {
    if ((r.type == "CNAME" || r.type == "DS") && canonical_or_lower(r.record_name) == domain &&
        common->size() > 1) {
      return join(common->size() - 1);
    }
  }
  return domain;
}

// Whether canonical `name` is `zone` or below it.
bool in_zone(std::string_view name, std::string_view zone) {
  if (zone == ".") return true;
  if (name.size() < zone.size() || name.substr(name.size() - zone.size()) != zone) return false;
  return name.size() == zone.size() || name[name.size() - zone.size() - 1] == '.';
}

}  // namespace

bool is_answer_key(std::string_view key) {
  return std::find(std::begin(kAnswerKeys), std::end(kAnswerKeys), key) != std::end(kAnswerKeys);
}

bool is_companion_key(std::string_view key) {
  return std::find(std::begin(kCompanionKeys), std::end(kCompanionKeys), key) !=
         std::end(kCompanionKeys);
}

Index Reader::zone_by_id(std::string_view id) const {
  for (Index z = 0; z < n_.hosted_zones.size(); ++z) {
    if (n_.hosted_zones[z].id == id) return z;
  }
  return kNone;
}

Index Reader::zone_in_file_name(const std::string& file) const {
  const std::string stem = fs::path(file).stem().string();
  std::size_t i = 0;
  while (i < stem.size()) {
    std::size_t j = i;
    while (j < stem.size() && std::isalnum(static_cast<unsigned char>(stem[j]))) ++j;
    if (j > i) {
      if (Index z = zone_by_id(stem.substr(i, j - i)); z != kNone) return z;
    }
    i = j + 1;
  }
  return kNone;
}

// ---- the API's shapes -----------------------------------------------------------------------

std::string Reader::delegation_set(json::Reader& rd, const Value& v) {
  if (!rd.expect(v, Type::kObject, "DelegationSet")) return {};
  check_keys(rd, v, {"Id", "CallerReference", "NameServers"}, "a DelegationSet", false);
  auto id = text(rd, v.get("Id"), "Id");
  // A zone's own delegation set has no Id: its name servers are its NS record set's values,
  // which list-resource-record-sets gives; only a reusable set is a resource of its own.
  if (!id || id->empty()) return {};
  const std::string set_id(delegation_set_id(*id));
  for (const auto& d : n_.delegation_sets) {
    if (d.id == set_id) return set_id;
  }
  auto& set = n_.delegation_sets.emplace_back();
  set.id = set_id;
  set.at = rd.at(v);
  // Absolute names, which the API writes without the trailing dot.
  for (const auto s : rd.strings(v.get("NameServers"), "NameServers")) {
    set.name_servers.push_back(std::string(s) + (s.ends_with('.') ? "" : "."));
  }
  if (set.name_servers.empty()) {
    rd.error(v.offset(), set_id, "a DelegationSet needs its `NameServers`");
  }
  return set_id;
}

// A HostedZone item; `answer` is the get-hosted-zone answer around it (VPCs, DelegationSet), or
// missing. The same zone in several answers is one zone.
void Reader::hosted_zone(json::Reader& rd, const Value& v, const Value& answer) {
  rd.set_resource("");
  if (!rd.expect(v, Type::kObject, "HostedZone")) return;
  auto id = text(rd, v.get("Id"), "Id");
  if (!id || id->empty()) {
    rd.error(v.offset(), "", "a HostedZone needs its `Id`");
    return;
  }
  const std::string zone_id(route53::zone_id(*id));
  rd.set_resource(zone_id);
  check_keys(rd, v,
             {"Id", "Name", "CallerReference", "Config", "ResourceRecordSetCount", "LinkedService",
              "Features"},
             "a HostedZone", false);
  auto name = text(rd, v.get("Name"), "Name");
  if (!name) rd.error(v.offset(), zone_id, "a HostedZone needs its `Name`");
  Index zi = zone_by_id(zone_id);
  if (zi == kNone) {
    auto& z = n_.hosted_zones.emplace_back();
    z.id = zone_id;
    z.at = rd.at(v);
    zi = static_cast<Index>(n_.hosted_zones.size() - 1);
  }
  auto& z = n_.hosted_zones[zi];
  if (name) z.domain = *name;
  const Value config = v.get("Config");
  if (!config.absent() && rd.expect(config, Type::kObject, "Config")) {
    check_keys(rd, config, {"Comment", "PrivateZone"}, "a HostedZone's Config", false);
    if (auto c = text(rd, config.get("Comment"), "Comment")) z.comment = *c;
    if (auto p = rd.boolean(config.get("PrivateZone"), "PrivateZone")) z.private_zone = *p;
  }
  if (answer.missing()) return;
  for (const auto& vpc : answer.get("VPCs").items()) {
    if (!rd.expect(vpc, Type::kObject, "VPCs")) continue;
    check_keys(rd, vpc, {"VPCId", "VPCRegion"}, "a VPC", false);
    auto vpc_id = text(rd, vpc.get("VPCId"), "VPCId");
    if (!vpc_id || vpc_id->empty()) {
      rd.error(vpc.offset(), zone_id, "a VPC needs its `VPCId`");
      continue;
    }
    const bool known = std::any_of(z.vpcs.begin(), z.vpcs.end(),
                                   [&](const auto& x) { return x.vpc.text == *vpc_id; });
    if (known) continue;
    model::HostedZoneVpc assoc;
    assoc.vpc = {*vpc_id, rd.at(vpc.get("VPCId"))};
    assoc.at = rd.at(vpc);
    if (auto r = text(rd, vpc.get("VPCRegion"), "VPCRegion")) assoc.region = *r;
    z.vpcs.push_back(std::move(assoc));
  }
  if (!answer.get("DelegationSet").absent()) {
    const std::string set = delegation_set(rd, answer.get("DelegationSet"));
    rd.set_resource(zone_id);
    if (!set.empty()) z.delegation_set = {set, rd.at(answer.get("DelegationSet"))};
  }
}

bool Reader::record_set(json::Reader& rd, const Value& v, model::RecordSet& r, bool strict) {
  if (!rd.expect(v, Type::kObject, "ResourceRecordSet")) return false;
  r.at = rd.at(v);
  auto name = text(rd, v.get("Name"), "Name");
  auto type = text(rd, v.get("Type"), "Type");
  auto set_id = text(rd, v.get("SetIdentifier"), "SetIdentifier");
  if (set_id) r.set_identifier = *set_id;
  // The API's names are fully qualified, the trailing dot optional (DomainNameFormat.html); the
  // dot is added so that finalize() does not take the name as relative to the zone.
  if (name) r.record_name = name->empty() || name->ends_with('.') ? *name : *name + ".";
  if (type) r.type = *type;
  rd.set_resource(record_set_id("", r.record_name, r.type, r.set_identifier).substr(1));
  bool ok = true;
  if (!name || name->empty()) {
    rd.error(v.offset(), rd.resource(), "a ResourceRecordSet needs its `Name`");
    ok = false;
  }
  if (!type || type->empty()) {
    rd.error(v.offset(), rd.resource(), "a ResourceRecordSet needs its `Type`", "e.g. \"Type\": \"A\"");
    ok = false;
  }
  check_keys(rd, v,
             {"Name", "Type", "SetIdentifier", "Weight", "Region", "GeoLocation", "Failover",
              "MultiValueAnswer", "TTL", "ResourceRecords", "AliasTarget", "HealthCheckId",
              "TrafficPolicyInstanceId", "CidrRoutingConfig", "GeoProximityLocation"},
             "a ResourceRecordSet", strict);
  if (auto t = rd.integer(v.get("TTL"), "TTL", kMin, kMax)) r.ttl = *t;
  const Value records = v.get("ResourceRecords");
  if (!records.absent() && rd.expect(records, Type::kArray, "ResourceRecords")) {
    for (const auto& item : records.items()) {
      if (!rd.expect(item, Type::kObject, "ResourceRecords")) continue;
      check_keys(rd, item, {"Value"}, "a ResourceRecord", strict);
      const Value value = item.get("Value");
      if (value.missing()) {
        rd.error(item.offset(), rd.resource(), "a ResourceRecord needs its `Value`");
        continue;
      }
      if (auto s = rd.str(value, "Value")) {
        r.values.emplace_back(*s);
        r.value_at.push_back(rd.at(value));
      }
    }
  }
  const Value alias = v.get("AliasTarget");
  if (!alias.absent() && rd.expect(alias, Type::kObject, "AliasTarget")) {
    check_keys(rd, alias, {"HostedZoneId", "DNSName", "EvaluateTargetHealth"}, "an AliasTarget", strict);
    model::AliasTarget a;
    a.at = rd.at(alias);
    if (auto s = text(rd, alias.get("DNSName"), "DNSName")) a.dns_name = *s;
    if (auto s = text(rd, alias.get("HostedZoneId"), "HostedZoneId")) a.hosted_zone_id = zone_id(*s);
    if (auto b = rd.boolean(alias.get("EvaluateTargetHealth"), "EvaluateTargetHealth")) {
      a.evaluate_target_health = *b;
    }
    // API_AliasTarget: all three are required.
    for (std::string_view k : {"DNSName", "HostedZoneId", "EvaluateTargetHealth"}) {
      if (alias.get(k).missing()) {
        rd.error(alias.offset(), rd.resource(), "an AliasTarget needs its `" + std::string(k) + "`");
      }
    }
    r.alias = std::move(a);
  }
  if (auto w = rd.integer(v.get("Weight"), "Weight", kMin, kMax)) r.weight = *w;
  if (auto s = text(rd, v.get("Region"), "Region")) r.region = *s;
  const Value geo = v.get("GeoLocation");
  if (!geo.absent() && rd.expect(geo, Type::kObject, "GeoLocation")) {
    check_keys(rd, geo, {"ContinentCode", "CountryCode", "SubdivisionCode"}, "a GeoLocation", strict);
    model::GeoLocation g;
    if (auto s = text(rd, geo.get("ContinentCode"), "ContinentCode")) g.continent_code = *s;
    if (auto s = text(rd, geo.get("CountryCode"), "CountryCode")) g.country_code = *s;
    if (auto s = text(rd, geo.get("SubdivisionCode"), "SubdivisionCode")) g.subdivision_code = *s;
    r.geo_location = std::move(g);
  }
  const Value prox = v.get("GeoProximityLocation");
  if (!prox.absent() && rd.expect(prox, Type::kObject, "GeoProximityLocation")) {
    check_keys(rd, prox, {"AWSRegion", "LocalZoneGroup", "Coordinates", "Bias"},
               "a GeoProximityLocation", strict);
    model::GeoProximityLocation g;
    if (auto s = text(rd, prox.get("AWSRegion"), "AWSRegion")) g.aws_region = *s;
    if (auto s = text(rd, prox.get("LocalZoneGroup"), "LocalZoneGroup")) g.local_zone_group = *s;
    const Value coords = prox.get("Coordinates");
    if (!coords.absent() && rd.expect(coords, Type::kObject, "Coordinates")) {
      check_keys(rd, coords, {"Latitude", "Longitude"}, "Coordinates", strict);
      g.latitude = real(rd, coords.get("Latitude"), "Latitude");
      g.longitude = real(rd, coords.get("Longitude"), "Longitude");
    }
    if (auto b = rd.integer(prox.get("Bias"), "Bias", -1000, 1000)) g.bias = static_cast<int>(*b);
    r.geo_proximity = std::move(g);
  }
  if (auto s = text(rd, v.get("Failover"), "Failover")) r.failover = *s;
  if (auto b = rd.boolean(v.get("MultiValueAnswer"), "MultiValueAnswer")) r.multivalue_answer = *b;
  const Value cidr = v.get("CidrRoutingConfig");
  if (!cidr.absent() && rd.expect(cidr, Type::kObject, "CidrRoutingConfig")) {
    check_keys(rd, cidr, {"CollectionId", "LocationName"}, "a CidrRoutingConfig", strict);
    model::CidrRoutingConfig c;
    if (auto s = text(rd, cidr.get("CollectionId"), "CollectionId")) c.collection_id = *s;
    if (auto s = text(rd, cidr.get("LocationName"), "LocationName")) c.location_name = *s;
    r.cidr_routing = std::move(c);
  }
  if (auto s = text(rd, v.get("HealthCheckId"), "HealthCheckId")) r.health_check_id = *s;
  if (!v.get("TrafficPolicyInstanceId").absent()) {
    rd.gap(Gap::kLeftOut, "TrafficPolicyInstanceId", v.get("TrafficPolicyInstanceId").offset(),
           rd.resource(), "the record set's traffic policy instance is not modelled",
           "its values are served as listed");
  }
  return ok;
}

// ---- answers --------------------------------------------------------------------------------

void Reader::record_sets(json::Reader& rd, const Value& list, const Value& answer,
                         const std::string& file) {
  if (!rd.expect(list, Type::kArray, "ResourceRecordSets")) return;
  PendingAnswer p;
  p.first = n_.record_sets.size();
  p.file = file;
  p.at = rd.at(list);
  if (auto z = text(rd, answer.get("HostedZoneId"), "HostedZoneId")) p.zone_id = zone_id(*z);
  for (const auto& item : list.items()) {
    model::RecordSet r;
    if (!record_set(rd, item, r, /*strict=*/false)) continue;
    if (r.type == "SOA" && p.soa_owner.empty()) {
      p.soa_owner = canonical_or_lower(r.record_name);
      p.soa_name = r.record_name;
      p.soa_at = r.at;
    }
    n_.record_sets.push_back(std::move(r));
  }
  p.count = n_.record_sets.size() - p.first;
  pending_.push_back(std::move(p));
}

void Reader::read_answer(json::Reader& rd, const Value& root, const std::string& file) {
  rd.set_resource("");
  for (const auto& member : root.items()) {
    const std::string_view k = member.key();
    if (!is_answer_key(k) && !is_companion_key(k)) {
      rd.warning(member.offset(), "", "ignored: unknown key `" + std::string(k) + "` in a Route 53 answer");
    }
  }
  const Value zones = root.get("HostedZones");
  if (!zones.absent() && rd.expect(zones, Type::kArray, "HostedZones")) {
    for (const auto& z : zones.items()) hosted_zone(rd, z, Value());
  }
  if (!root.get("HostedZone").absent()) hosted_zone(rd, root.get("HostedZone"), root);
  const Value sets = root.get("DelegationSets");
  if (!sets.absent() && rd.expect(sets, Type::kArray, "DelegationSets")) {
    for (const auto& s : sets.items()) {
      rd.set_resource("");
      delegation_set(rd, s);
    }
  }
  // get-reusable-delegation-set: a DelegationSet on its own.
  if (root.get("HostedZone").absent() && !root.get("DelegationSet").absent()) {
    rd.set_resource("");
    delegation_set(rd, root.get("DelegationSet"));
  }
  if (!root.get("ResourceRecordSets").absent()) {
    record_sets(rd, root.get("ResourceRecordSets"), root, file);
  }
  const Value checks = root.get("HealthChecks");
  if (!checks.absent() && rd.expect(checks, Type::kArray, "HealthChecks")) {
    for (const auto& h : checks.items()) health_check(rd, h);
  }
  if (!root.get("HealthCheck").absent()) health_check(rd, root.get("HealthCheck"));
}

// route53.md §5; the API's HealthCheck: {Id, CallerReference, HealthCheckConfig, HealthCheckVersion,
// LinkedService, CloudWatchAlarmConfiguration}; HealthCheckConfig as CreateHealthCheck takes it.
// finalize() checks the values as CreateHealthCheck does.
void Reader::health_check(json::Reader& rd, const Value& v) {
  rd.set_resource("");
  if (!rd.expect(v, Type::kObject, "HealthCheck")) return;
  auto id = text(rd, v.get("Id"), "Id");
  if (!id || id->empty()) {
    rd.error(v.offset(), "", "a HealthCheck needs its `Id`");
    return;
  }
  rd.set_resource(*id);
  check_keys(rd, v,
             {"Id", "CallerReference", "HealthCheckConfig", "HealthCheckVersion", "LinkedService",
              "CloudWatchAlarmConfiguration"},
             "a HealthCheck", false);
  const Value c = v.get("HealthCheckConfig");
  if (c.absent()) {
    rd.error(v.offset(), *id, "a HealthCheck needs its `HealthCheckConfig`");
    return;
  }
  if (!rd.expect(c, Type::kObject, "HealthCheckConfig")) return;
  check_keys(rd, c,
             {"AlarmIdentifier", "ChildHealthChecks", "Disabled", "EnableSNI", "FailureThreshold",
              "FullyQualifiedDomainName", "HealthThreshold", "InsufficientDataHealthStatus", "Inverted", "IPAddress",
              "MeasureLatency", "Port", "Regions", "RequestInterval", "ResourcePath", "RoutingControlArn",
              "SearchString", "Type"},
             "a HealthCheckConfig", false);
  model::HealthCheck h;
  h.id = *id;
  h.name = *id;
  h.at = rd.at(v);
  if (auto t = text(rd, c.get("Type"), "Type")) h.type = *t;
  if (h.type.empty()) rd.error(c.offset(), *id, "a HealthCheckConfig needs its `Type`");
  if (auto t = text(rd, c.get("IPAddress"), "IPAddress")) h.ip_address = *t;
  if (auto n = rd.integer(c.get("Port"), "Port", kMin, kMax)) h.port = *n;
  if (auto t = text(rd, c.get("FullyQualifiedDomainName"), "FullyQualifiedDomainName")) h.fqdn = *t;
  if (auto t = text(rd, c.get("ResourcePath"), "ResourcePath")) h.resource_path = *t;
  if (auto t = text(rd, c.get("SearchString"), "SearchString")) h.search_string = *t;
  if (auto n = rd.integer(c.get("RequestInterval"), "RequestInterval", kMin, kMax)) h.request_interval = *n;
  if (auto n = rd.integer(c.get("FailureThreshold"), "FailureThreshold", kMin, kMax)) h.failure_threshold = *n;
  if (auto b = rd.boolean(c.get("Inverted"), "Inverted")) h.inverted = *b;
  if (auto b = rd.boolean(c.get("Disabled"), "Disabled")) h.disabled = *b;
  if (auto b = rd.boolean(c.get("EnableSNI"), "EnableSNI")) h.enable_sni = *b;
  if (auto b = rd.boolean(c.get("MeasureLatency"), "MeasureLatency")) h.measure_latency = *b;
  if (auto n = rd.integer(c.get("HealthThreshold"), "HealthThreshold", kMin, kMax)) h.health_threshold = *n;
  if (auto t = text(rd, c.get("InsufficientDataHealthStatus"), "InsufficientDataHealthStatus"))
    h.insufficient_data_health_status = *t;
  for (const auto r : rd.strings(c.get("Regions"), "Regions")) h.regions.emplace_back(r);
  const Value children = c.get("ChildHealthChecks");
  for (const auto child : rd.strings(children, "ChildHealthChecks")) {
    h.children.push_back({std::string(child), rd.at(children), model::kNone});
  }
  for (const auto& existing : n_.health_checks) {
    if (existing.id == h.id) {
      rd.warning(v.offset(), *id, "health check " + h.id + " is read twice: the later one is kept");
    }
  }
  std::erase_if(n_.health_checks, [&](const model::HealthCheck& e) { return e.id == h.id; });
  n_.health_checks.push_back(std::move(h));
}

void Reader::finish() {
  for (auto& p : pending_) {
    Index zi = kNone;
    if (!p.zone_id.empty()) zi = zone_by_id(p.zone_id);
    if (zi == kNone) zi = zone_in_file_name(p.file);
    if (zi == kNone && !p.soa_owner.empty()) {
      std::vector<Index> matches;
      for (Index z = 0; z < n_.hosted_zones.size(); ++z) {
        if (canonical_or_lower(n_.hosted_zones[z].domain) == p.soa_owner) matches.push_back(z);
      }
      if (matches.size() > 1) {
        d_.error(p.file, p.soa_at, "",
                 "several hosted zones are named " + p.soa_owner +
                     ": cannot tell which one these record sets belong to",
                 "put the zone's id in the file's name (list-resource-record-sets-<zone id>.json)");
        continue;
      }
      if (matches.size() == 1) zi = matches.front();
    }
    if (zi == kNone && !p.zone_id.empty() && !p.soa_owner.empty()) {
      auto& z = n_.hosted_zones.emplace_back();
      z.id = p.zone_id;
      z.domain = p.soa_name;
      z.at = p.at;
      zi = static_cast<Index>(n_.hosted_zones.size() - 1);
    }
    if (zi == kNone && !p.soa_owner.empty()) {
      // No zone read names it: the zone is made from the SOA's owner, named by its domain.
      auto& z = n_.hosted_zones.emplace_back();
      z.domain = p.soa_name;
      z.id = p.soa_name.size() > 1 && p.soa_name.ends_with('.') ? p.soa_name.substr(0, p.soa_name.size() - 1)
                                                               : p.soa_name;
      z.at = p.soa_at;
      zi = static_cast<Index>(n_.hosted_zones.size() - 1);
    }
    if (zi == kNone) {
      d_.error(p.file, p.at, "",
               "cannot tell which hosted zone these record sets belong to: the file's name holds "
               "no zone id read, and they have no SOA record set",
               "name the file after the zone (list-resource-record-sets-<zone id>.json) and "
               "give the list-hosted-zones answer too");
      continue;
    }
    const std::string& id = n_.hosted_zones[zi].id;
    for (std::size_t i = p.first; i < p.first + p.count; ++i) {
      auto& r = n_.record_sets[i];
      r.hosted_zone = {id, p.at};
      r.id = record_set_id(id, r.record_name, r.type, r.set_identifier);
    }
  }
  pending_.clear();
}

// ---- change batches -------------------------------------------------------------------------

void Reader::change_batch(json::Reader& rd, const Value& batch, const Value& zone_value,
                          const std::string& file, const std::string& made_zone_suffix,
                          const std::string& made_zone_name) {
  rd.set_resource("");
  if (!rd.expect(batch, Type::kObject, "ChangeBatch")) return;
  check_keys(rd, batch, {"Comment", "Changes"}, "a ChangeBatch", true);
  const Value changes = batch.get("Changes");
  if (changes.missing()) {
    rd.error(batch.offset(), "", "a ChangeBatch needs its `Changes`");
    return;
  }
  if (!rd.expect(changes, Type::kArray, "Changes")) return;
  if (changes.size() == 0) {
    rd.error(changes.offset(), "", "a ChangeBatch needs at least one change");
    return;
  }
  const std::size_t errors_before = d_.error_count();
  struct Change {
    std::string action;
    model::RecordSet record;
    std::size_t offset;
  };
  std::vector<Change> read;
  for (const auto& c : changes.items()) {
    rd.set_resource("");
    if (!rd.expect(c, Type::kObject, "Changes")) continue;
    check_keys(rd, c, {"Action", "ResourceRecordSet"}, "a Change", true);
    auto action = rd.str(c.get("Action"), "Action");
    if (!action) {
      if (c.get("Action").missing()) rd.error(c.offset(), "", "a Change needs its `Action`");
      continue;
    }
    if (*action != "CREATE" && *action != "UPSERT" && *action != "DELETE") {
      rd.error(c.get("Action").offset(), "",
               "`Action`: `" + std::string(*action) + "` is not CREATE, UPSERT or DELETE");
      continue;
    }
    if (c.get("ResourceRecordSet").missing()) {
      rd.error(c.offset(), "", "a Change needs its `ResourceRecordSet`");
      continue;
    }
    Change change{std::string(*action), {}, c.offset()};
    if (record_set(rd, c.get("ResourceRecordSet"), change.record, /*strict=*/true)) {
      read.push_back(std::move(change));
    }
  }
  if (d_.error_count() != errors_before) return;  // all or nothing

  // The zone: its HostedZoneId, a zone id in the file's name, or the zone read before that
  // holds every name; a HostedZoneId no input names makes the zone.
  Index zi = kNone;
  std::string wanted;
  if (!zone_value.missing()) {
    auto z = text(rd, zone_value, "HostedZoneId");
    if (!z) return;
    wanted = std::string(zone_id(*z)) + made_zone_suffix;
    zi = zone_by_id(wanted);
    if (zi == kNone) {
      std::vector<model::RecordSet> records;
      for (const auto& c : read) records.push_back(c.record);
      auto& made = n_.hosted_zones.emplace_back();
      made.id = wanted;
      made.name = made_zone_name;
      made.domain = infer_domain(records);
      made.at = rd.at(zone_value);
      zi = static_cast<Index>(n_.hosted_zones.size() - 1);
    }
  } else {
    zi = zone_in_file_name(file);
    if (zi == kNone) {
      std::size_t best_depth = 0;
      bool tie = false;
      for (Index z = 0; z < n_.hosted_zones.size(); ++z) {
        const std::string origin = canonical_or_lower(n_.hosted_zones[z].domain);
        const bool holds_all = std::all_of(read.begin(), read.end(), [&](const Change& c) {
          return in_zone(canonical_or_lower(c.record.record_name), origin);
        });
        if (!holds_all) continue;
        const std::size_t depth = labels_from_right(origin).size() + 1;
        if (depth > best_depth) {
          best_depth = depth;
          zi = z;
          tie = false;
        } else if (depth == best_depth) {
          tie = true;
        }
      }
      if (tie) zi = kNone;
    }
    if (zi == kNone) {
      rd.error(batch.offset(), "",
               "a change batch without `HostedZoneId` applies to a hosted zone read before it, "
               "and no zone read holds all its names",
               "wrap it as {\"HostedZoneId\": \"Z…\", \"ChangeBatch\": {…}}, put the zone's id in "
               "the file's name, or give the file that describes the zone first");
      return;
    }
  }
  const model::HostedZone& zone = n_.hosted_zones[zi];
  const std::string zone_id_text = zone.id;
  const std::string origin = canonical_or_lower(zone.domain);

  // The zone's record sets so far, by (name, type, set identifier), then the changes in order.
  using Key = std::tuple<std::string, std::string, std::string>;
  auto key_of = [&](const model::RecordSet& r) {
    return Key{canonical_or_lower(r.record_name), route53::upper(r.type), r.set_identifier};
  };
  std::vector<model::RecordSet> zone_records;
  std::vector<model::RecordSet> others;
  for (auto& r : n_.record_sets) {
    const bool here = r.hosted_zone.text == zone.id ||
                      (!r.hosted_zone.text.empty() && zone_by_id(r.hosted_zone.text) == kNone &&
                       canonical_or_lower(r.hosted_zone.text) == origin);
    (here ? zone_records : others).push_back(r);
  }
  std::map<Key, std::size_t> index;
  for (std::size_t i = 0; i < zone_records.size(); ++i) index.emplace(key_of(zone_records[i]), i);
  std::vector<bool> gone(zone_records.size(), false);
  for (auto& c : read) {
    model::RecordSet& r = c.record;
    r.hosted_zone = {zone_id_text, r.at};
    r.id = record_set_id(zone_id_text, r.record_name, r.type, r.set_identifier);
    rd.set_resource(r.id);
    const Key key = key_of(r);
    auto it = index.find(key);
    const bool exists = it != index.end() && !gone[it->second];
    const std::string what = "[name='" + std::get<0>(key) + "', type='" + std::get<1>(key) +
                             (r.set_identifier.empty() ? "" : "', set-identifier='" + r.set_identifier) + "']";
    if (c.action == "CREATE" && exists) {
      rd.error(c.offset, r.id, "Tried to create resource record set " + what + " but it already exists",
               "UPSERT replaces a record set; CREATE only adds one");
    } else if (c.action == "DELETE" && !exists) {
      rd.error(c.offset, r.id, "Tried to delete resource record set " + what + " but it was not found");
    } else if (c.action == "DELETE") {
      const auto& old = zone_records[it->second];
      if (old.values != r.values || old.ttl != r.ttl || old.alias.has_value() != r.alias.has_value()) {
        rd.error(c.offset, r.id,
                 "Tried to delete resource record set " + what +
                     " but the values provided do not match the current values",
                 "a DELETE repeats the record set exactly as it is");
      } else {
        gone[it->second] = true;
      }
    } else if (exists) {  // UPSERT of an existing set
      zone_records[it->second] = std::move(r);
    } else {
      index[key] = zone_records.size();
      zone_records.push_back(std::move(r));
      gone.push_back(false);
    }
  }
  if (d_.error_count() != errors_before) return;
  others.reserve(others.size() + zone_records.size());
  for (std::size_t i = 0; i < zone_records.size(); ++i) {
    if (!gone[i]) others.push_back(std::move(zone_records[i]));
  }
  n_.record_sets = std::move(others);
}

void Reader::examples(json::Reader& rd, const Value& examples, const std::string& file) {
  if (!rd.expect(examples, Type::kObject, "examples")) return;
  for (const auto& op : examples.items()) {
    const std::string_view name = op.key();
    if (name != "ChangeResourceRecordSets") {
      rd.gap(Gap::kIgnoredType, std::string(name), op.offset(), "",
             "ignored: the " + std::string(name) +
                 " examples (each example is a request of its own; only ChangeResourceRecordSets "
                 "examples describe record sets)");
      continue;
    }
    if (!rd.expect(op, Type::kArray, name)) continue;
    std::size_t i = 0;
    for (const auto& example : op.items()) {
      ++i;
      if (!rd.expect(example, Type::kObject, name)) continue;
      const Value input = example.get("input");
      if (!rd.expect(input, Type::kObject, "input")) continue;
      // Every example is a request on a zone of its own: botocore's examples name the same zone
      // for record sets that could not share one.
      std::string title(example.get("title").text());
      change_batch(rd, input.get("ChangeBatch"), input.get("HostedZoneId"), file,
                   "-" + std::to_string(i), title);
    }
  }
}

void Reader::read_file(json::Reader& rd, const Value& root, const std::string& file) {
  if (!root.is_object()) {
    rd.error(root.offset(), "", "a Route 53 file is a JSON object");
    return;
  }
  // A recording (cloud-custodian's placebo files): {"status_code": 200, "data": {answer}}.
  if (!root.get("data").missing() && !root.get("status_code").missing()) {
    check_keys(rd, root, {"status_code", "data"}, "a recorded answer", true);
    const Value data = root.get("data");
    if (rd.expect(data, Type::kObject, "data")) read_answer(rd, data, file);
    finish();
    return;
  }
  if (!root.get("examples").missing()) {
    check_keys(rd, root, {"version", "examples"}, "an examples file", true);
    examples(rd, root.get("examples"), file);
    return;
  }
  if (!root.get("ChangeBatch").missing()) {
    check_keys(rd, root, {"HostedZoneId", "ChangeBatch"}, "a change-resource-record-sets request", true);
    change_batch(rd, root.get("ChangeBatch"), root.get("HostedZoneId"), file, "", "");
    return;
  }
  if (!root.get("Changes").missing()) {
    change_batch(rd, root, Value(), file, "", "");
    return;
  }
  read_answer(rd, root, file);
  finish();
}

}  // namespace route53

bool is_route53_json(std::string_view head) {
  auto has = [&](std::string_view key) {
    return head.find("\"" + std::string(key) + "\"") != std::string_view::npos;
  };
  return has("ResourceRecordSet") || has("ResourceRecordSets") || has("HostedZones") ||
         has("HostedZone") || has("ChangeBatch") || has("HealthChecks") ||
         (has("HealthCheck") && has("HealthCheckConfig")) ||
         (has("Changes") && has("Action")) || (has("examples") && has("ChangeResourceRecordSets"));
}

bool read_route53_json_file(const std::string& path, model::Network& network, Diagnostics& d) {
  const std::size_t errors_before = d.error_count();
  json::read_document(path, network.add_file(path), d, "write one Route 53 request or answer per file",
                      [&](json::Reader& rd, json::Value root) {
                        route53::Reader reader(network, d);
                        reader.read_file(rd, root, path);
                      });
  return d.error_count() == errors_before;
}

}  // namespace cloudtwin::load
