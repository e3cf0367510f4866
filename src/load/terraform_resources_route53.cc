// Route 53 (as cloudformation_resources_route53.cc): aws_route53_zone, aws_route53_record,
// aws_route53_zone_association and aws_route53_delegation_set (Terraform AWS provider
// documentation, r/route53_*). Values are recorded as the provider sends them to Route 53 (a
// record's relative name completed with its zone's, TXT values quoted); model::finalize()
// checks them.
#include <algorithm>
#include <limits>

#include "route53_names.h"
#include "terraform_mapper.h"

namespace cloudtwin::load::terraform {

using model::Index;
using model::Kind;
using model::Ref;
using Res = Mapper::Res;

namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

const std::vector<std::string_view> kZoneTypes = {"aws_route53_zone"};
const std::vector<std::string_view> kAliasTargets = {"aws_lb", "aws_alb", "aws_elb",
                                                     "aws_cloudfront_distribution"};

// The first object of a block list attribute, or a missing value.
json::Value first_block(Mapper& m, const json::Value& v, std::string_view field) {
  auto list = blocks(m, v, field);
  return list.empty() ? json::Value() : list.front();
}

void zone(Mapper& m, Res& res) {
  m.add(res, m.net.hosted_zones, Kind::kHostedZone);
  const Index self = static_cast<Index>(m.net.hosted_zones.size() - 1);
  auto name = m.str(res, "name");
  if (!name) {
    m.rd.error(res.offset, res.address, "aws_route53_zone needs its `name`");
  }
  auto& x = m.net.hosted_zones[self];
  if (name) x.domain = std::string(*name);
  if (auto c = m.str(res, "comment")) x.comment = std::string(*c);
  for (const auto& v : blocks(m, res.v.get("vpc"), "vpc")) {
    model::HostedZoneVpc a;
    a.at = m.at(v);
    if (auto id = m.rd.str(v.get("vpc_id"), "vpc_id")) {
      a.vpc = {std::string(*id), m.at(v.get("vpc_id"))};
    } else {
      m.rd.error(v.offset(), res.address, "a `vpc` block needs its `vpc_id`");
      continue;
    }
    if (auto r = m.rd.str(v.get("vpc_region"), "vpc_region")) a.region = std::string(*r);
    m.net.hosted_zones[self].vpcs.push_back(std::move(a));
  }
  auto& y = m.net.hosted_zones[self];
  // data "aws_route53_zone" says private_zone; a managed zone is private by its vpc blocks.
  y.private_zone = !y.vpcs.empty() || m.rd.boolean(res.v.get("private_zone"), "private_zone").value_or(false);
  if (m.configured(res, "delegation_set_id") || !res.v.get("delegation_set_id").absent()) {
    y.delegation_set = m.ref(res, "delegation_set_id", {"aws_route53_delegation_set"});
  }
}

void delegation_set(Mapper& m, Res& res) {
  auto& d = m.add(res, m.net.delegation_sets, Kind::kDelegationSet);
  for (const auto s : m.rd.strings(res.v.get("name_servers"), "name_servers")) {
    // Absolute names, which the API writes without the trailing dot.
    d.name_servers.push_back(std::string(s) + (s.ends_with('.') ? "" : "."));
  }
}

// aws_route53_health_check (r/route53_health_check): the provider's names for HealthCheckConfig.
void health_check(Mapper& m, Res& res) {
  auto& h = m.add(res, m.net.health_checks, Kind::kHealthCheck);
  const Index self = static_cast<Index>(m.net.health_checks.size() - 1);
  if (auto s = m.str(res, "type")) h.type = std::string(*s);
  else m.rd.error(res.offset, res.address, "aws_route53_health_check needs its `type`");
  if (auto s = m.str(res, "ip_address")) h.ip_address = std::string(*s);
  if (auto n = m.rd.integer(res.v.get("port"), "port", kMin, kMax)) h.port = *n;
  if (auto s = m.str(res, "fqdn")) h.fqdn = std::string(*s);
  if (auto s = m.str(res, "resource_path")) h.resource_path = std::string(*s);
  if (auto s = m.str(res, "search_string")) h.search_string = std::string(*s);
  if (auto n = m.rd.integer(res.v.get("request_interval"), "request_interval", kMin, kMax)) h.request_interval = *n;
  if (auto n = m.rd.integer(res.v.get("failure_threshold"), "failure_threshold", kMin, kMax)) h.failure_threshold = *n;
  if (auto b = m.rd.boolean(res.v.get("invert_healthcheck"), "invert_healthcheck")) h.inverted = *b;
  if (auto b = m.rd.boolean(res.v.get("disabled"), "disabled")) h.disabled = *b;
  if (auto b = m.rd.boolean(res.v.get("measure_latency"), "measure_latency")) h.measure_latency = *b;
  // The provider's enable_sni defaults to true for HTTPS checks, as the API does.
  if (auto b = m.rd.boolean(res.v.get("enable_sni"), "enable_sni")) h.enable_sni = *b;
  else h.enable_sni = h.type.starts_with("HTTPS");
  for (const auto s : m.rd.strings(res.v.get("regions"), "regions")) h.regions.emplace_back(s);
  if (auto n = m.rd.integer(res.v.get("child_health_threshold"), "child_health_threshold", kMin, kMax))
    h.health_threshold = *n;
  if (auto s = m.str(res, "insufficient_data_health_status")) h.insufficient_data_health_status = std::string(*s);
  auto children = m.refs(res, "child_healthchecks", {"aws_route53_health_check"}, true);
  m.net.health_checks[self].children = std::move(children);
}

// aws_route53_cidr_collection and aws_route53_cidr_location: the locations join their collection
// once every resource of the file is read.
void cidr_collection(Mapper& m, Res& res) {
  auto& c = m.add(res, m.net.cidr_collections, Kind::kCidrCollection);
  if (auto s = m.str(res, "name")) c.collection_name = std::string(*s);
  else m.rd.error(res.offset, res.address, "aws_route53_cidr_collection needs its `name`");
}

void cidr_location(Mapper& m, Res& res) {
  m.rd.set_resource(res.address);
  Ref collection = m.ref(res, "cidr_collection_id", {"aws_route53_cidr_collection"});
  model::CidrLocation l;
  l.at = res.at;
  if (auto s = m.str(res, "name")) l.name = std::string(*s);
  else m.rd.error(res.offset, res.address, "aws_route53_cidr_location needs its `name`");
  for (const auto s : m.rd.strings(res.v.get("cidr_blocks"), "cidr_blocks")) l.cidrs.emplace_back(s);
  m.rd.set_resource("");
  if (collection.empty()) {
    m.rd.error(res.offset, res.address, "aws_route53_cidr_location needs its `cidr_collection_id`");
    return;
  }
  m.pending.push_back([&m, collection, l = std::move(l), address = res.address]() mutable {
    auto c = m.find(Kind::kCidrCollection, collection, address);  // reports one outside the inputs
    if (!c) return;
    m.net.cidr_collections[*c].locations.push_back(std::move(l));
  });
}

void zone_association(Mapper& m, Res& res) {
  m.rd.set_resource(res.address);
  Ref zone = m.ref(res, "zone_id", kZoneTypes);
  auto vpc = m.rd.str(res.v.get("vpc_id"), "vpc_id");
  if (zone.empty()) return;
  if (!vpc) {
    m.rd.error(res.offset, res.address, "aws_route53_zone_association needs its `vpc_id`");
    return;
  }
  model::HostedZoneVpc a;
  a.vpc = {std::string(*vpc), m.at(res.v.get("vpc_id"))};
  a.at = res.at;
  if (auto r = m.rd.str(res.v.get("vpc_region"), "vpc_region")) a.region = std::string(*r);
  m.pending.push_back([&m, zone, a, address = res.address]() {
    auto z = m.find(Kind::kHostedZone, zone, address);
    if (!z) return;
    auto& hz = m.net.hosted_zones[*z];
    for (const auto& v : hz.vpcs) {
      if (v.vpc.text == a.vpc.text) return;  // also in the zone's own vpc blocks
    }
    hz.vpcs.push_back(a);
    hz.private_zone = true;
  });
}

void record(Mapper& m, Res& res) {
  m.rd.set_resource(res.address);
  Ref zone = m.ref(res, "zone_id", kZoneTypes);
  if (zone.empty()) {
    if (!m.unknown(res, "zone_id") && res.v.get("zone_id").absent() && !m.configured(res, "zone_id")) {
      m.rd.error(res.offset, res.address, "aws_route53_record needs its `zone_id`");
    }
    return;
  }
  model::RecordSet r;
  r.at = res.at;
  r.name = res.address;
  // `fqdn` is what the provider made of `name`; a plan knows only `name`.
  auto fqdn = m.str(res, "fqdn");
  auto name = m.str(res, "name");
  auto type = m.str(res, "type");
  if (!name && !fqdn) m.rd.error(res.offset, res.address, "aws_route53_record needs its `name`");
  if (!type) m.rd.error(res.offset, res.address, "aws_route53_record needs its `type`");
  if (!type || (!name && !fqdn)) return;
  r.type = std::string(*type);
  r.record_name = std::string(fqdn ? *fqdn : *name);
  if (fqdn && !r.record_name.ends_with('.')) r.record_name += '.';
  if (auto s = m.str(res, "set_identifier")) r.set_identifier = std::string(*s);
  if (auto t = m.rd.integer(res.v.get("ttl"), "ttl", kMin, kMax)) r.ttl = *t;
  const json::Value records = res.v.get("records");
  if (!records.absent() && m.rd.expect(records, json::Type::kArray, "records")) {
    const bool quoted = r.type == "TXT" || r.type == "SPF";
    for (const auto& item : records.items()) {
      auto s = m.rd.str(item, "records");
      if (!s) continue;
      r.values.push_back(quoted ? route53::terraform_txt(*s) : std::string(*s));
      r.value_at.push_back(m.at(item));
    }
  }
  if (auto a = first_block(m, res.v.get("alias"), "alias"); !a.missing()) {
    model::AliasTarget t;
    t.at = m.at(a);
    if (auto s = m.rd.str(a.get("name"), "name")) {
      t.dns_name = std::string(*s);
    } else if (m.plan.is_plan) {
      // A load balancer's dns_name is unknown until apply: the one the configuration names,
      // by its address, which is its id in a plan.
      auto targets = m.from_configuration(res, "alias.name", kAliasTargets, false);
      if (targets.empty()) {
        m.rd.gap(Gap::kUnknownValue, "alias", a.offset(), res.address,
                 res.address + " is left out: its alias target is unknown until apply");
        return;
      }
      t.dns_name = targets.front();
    } else {
      m.rd.error(a.offset(), res.address, "an `alias` block needs its `name`");
    }
    if (auto s = m.rd.str(a.get("zone_id"), "zone_id")) {
      t.hosted_zone_id = std::string(*s);
    } else if (m.plan.is_plan) {
      // The load balancer's zone_id, unknown until apply: named by its address, so that the
      // target is not taken for a record set of the record's own zone.
      auto targets = m.from_configuration(res, "alias.zone_id", kAliasTargets, false);
      if (!targets.empty()) t.hosted_zone_id = targets.front();
    }
    if (auto b = m.rd.boolean(a.get("evaluate_target_health"), "evaluate_target_health")) {
      t.evaluate_target_health = *b;
    }
    r.alias = std::move(t);
  }
  if (auto w = first_block(m, res.v.get("weighted_routing_policy"), "weighted_routing_policy"); !w.missing()) {
    if (auto n = m.rd.integer(w.get("weight"), "weight", kMin, kMax)) r.weight = *n;
  }
  if (auto l = first_block(m, res.v.get("latency_routing_policy"), "latency_routing_policy"); !l.missing()) {
    if (auto s = m.rd.str(l.get("region"), "region")) r.region = std::string(*s);
  }
  if (auto g = first_block(m, res.v.get("geolocation_routing_policy"), "geolocation_routing_policy");
      !g.missing()) {
    model::GeoLocation loc;
    if (auto s = m.rd.str(g.get("continent"), "continent")) loc.continent_code = std::string(*s);
    if (auto s = m.rd.str(g.get("country"), "country")) loc.country_code = std::string(*s);
    if (auto s = m.rd.str(g.get("subdivision"), "subdivision")) loc.subdivision_code = std::string(*s);
    r.geo_location = std::move(loc);
  }
  if (auto g = first_block(m, res.v.get("geoproximity_routing_policy"), "geoproximity_routing_policy");
      !g.missing()) {
    model::GeoProximityLocation loc;
    if (auto s = m.rd.str(g.get("aws_region"), "aws_region")) loc.aws_region = std::string(*s);
    if (auto s = m.rd.str(g.get("local_zone_group"), "local_zone_group")) {
      loc.local_zone_group = std::string(*s);
    }
    if (auto b = m.rd.integer(g.get("bias"), "bias", -1000, 1000)) loc.bias = static_cast<int>(*b);
    if (auto c = first_block(m, g.get("coordinates"), "coordinates"); !c.missing()) {
      for (std::string_view k : {"latitude", "longitude"}) {
        auto s = m.rd.str(c.get(k), k);
        if (!s) continue;
        const std::string t(*s);
        char* end = nullptr;
        const double d = std::strtod(t.c_str(), &end);
        if (t.empty() || end != t.c_str() + t.size()) {
          m.rd.error(c.get(k).offset(), res.address, "`" + std::string(k) + "`: `" + t + "` is not a number");
          continue;
        }
        (k == "latitude" ? loc.latitude : loc.longitude) = d;
      }
    }
    r.geo_proximity = std::move(loc);
  }
  if (auto f = first_block(m, res.v.get("failover_routing_policy"), "failover_routing_policy"); !f.missing()) {
    if (auto s = m.rd.str(f.get("type"), "type")) r.failover = std::string(*s);
  }
  if (auto b = m.rd.boolean(res.v.get("multivalue_answer_routing_policy"), "multivalue_answer_routing_policy")) {
    r.multivalue_answer = *b;
  }
  if (auto c = first_block(m, res.v.get("cidr_routing_policy"), "cidr_routing_policy"); !c.missing()) {
    model::CidrRoutingConfig cidr;
    if (auto s = m.rd.str(c.get("collection_id"), "collection_id")) cidr.collection_id = std::string(*s);
    if (auto s = m.rd.str(c.get("location_name"), "location_name")) cidr.location_name = std::string(*s);
    r.cidr_routing = std::move(cidr);
  }
  // A check of the same configuration is known by its address even before apply.
  if (m.configured(res, "health_check_id")) {
    if (Ref hc = m.ref(res, "health_check_id", {"aws_route53_health_check"}); !hc.empty()) r.health_check_id = hc.text;
  } else if (auto s = m.str(res, "health_check_id")) {
    r.health_check_id = std::string(*s);
  }
  r.hosted_zone = zone;
  r.id = route53::record_set_id(zone.text, r.record_name, r.type, r.set_identifier);
  m.net.record_sets.push_back(std::move(r));
  const std::size_t self = m.net.record_sets.size() - 1;
  m.rd.set_resource("");
  // Once every zone of the file is read: a zone outside the inputs leaves the record out, and a
  // name without the zone's name gets it appended, as the provider does (expandRecordName).
  m.pending.push_back([&m, self, address = res.address]() {
    auto& rs = m.net.record_sets[self];
    auto z = m.find(Kind::kHostedZone, rs.hosted_zone, address);
    if (!z) {
      rs.hosted_zone = {};  // dropped below
      return;
    }
    if (rs.record_name.ends_with('.')) return;
    rs.record_name = route53::record_name_in(rs.record_name, m.net.hosted_zones[*z].domain);
  });
}

}  // namespace

// Record sets whose zone is outside the inputs (their zone emptied by the pending step above).
void Mapper::leave_out_zoneless_records() {
  const std::size_t first = start[static_cast<std::size_t>(Kind::kRecordSet)];
  if (net.record_sets.size() <= first) return;
  auto it = std::remove_if(net.record_sets.begin() + static_cast<std::ptrdiff_t>(first),
                           net.record_sets.end(),
                           [](const model::RecordSet& r) { return r.hosted_zone.empty(); });
  net.record_sets.erase(it, net.record_sets.end());
}

std::span<const Handler> route53_types() {
  static constexpr Handler kTypes[] = {
      {"aws_route53_zone", [](Mapper& m, Res& r) { zone(m, r); }},
      {"aws_route53_record", [](Mapper& m, Res& r) { record(m, r); }},
      {"aws_route53_zone_association", [](Mapper& m, Res& r) { zone_association(m, r); }},
      {"aws_route53_delegation_set", [](Mapper& m, Res& r) { delegation_set(m, r); }},
      {"aws_route53_health_check", [](Mapper& m, Res& r) { health_check(m, r); }},
      {"aws_route53_cidr_collection", [](Mapper& m, Res& r) { cidr_collection(m, r); }},
      {"aws_route53_cidr_location", [](Mapper& m, Res& r) { cidr_location(m, r); }},
      {"aws_route53_zone", [](Mapper& m, Res& r) { zone(m, r); }, true},
  };
  return kTypes;
}

}  // namespace cloudtwin::load::terraform
