// The native format's Route 53 lists (docs/format.md, "Route 53"): hosted zones with their
// record sets nested under `records:`, and reusable delegation sets. Values are recorded as
// written; model::finalize() checks them as Route 53 checks a change batch
// (shared/reference/route53.md §1, §3, §6).
#include <algorithm>
#include <charconv>
#include <limits>

#include "native_yaml_readers.h"
#include "route53_names.h"

namespace cloudtwin::load::yaml {
namespace {

constexpr std::int64_t kAnyInteger = std::numeric_limits<std::int64_t>::max();

std::optional<double> real(Value v) {
  auto s = v.text();
  if (!s) return std::nullopt;
  double d = 0;
  auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), d);
  if (ec != std::errc{} || end != s->data() + s->size()) {
    v.error("`" + v.field() + "` must be a number, not `" + *s + "`", "write degrees like 47.6");
    return std::nullopt;
  }
  return d;
}

void read_record(Context& cx, Value& item, const std::string& zone_id, const std::string& zone_domain) {
  Fields f = item.fields({"id", "logical_name", "name", "type", "ttl", "values", "alias",
                          "set_identifier", "weight", "region", "geo_location", "geo_proximity",
                          "failover", "multivalue_answer", "cidr_routing", "health_check_id"});
  auto& r = cx.network.record_sets.emplace_back();
  r.at = f.at();
  if (!f.is_mapping()) {
    f.check();
    cx.network.record_sets.pop_back();
    return;
  }
  r.hosted_zone = {zone_id, f.at()};
  if (auto n = f.require("name").text()) r.record_name = route53::record_name_in(*n, zone_domain);
  if (auto t = f.require("type").text()) r.type = route53::upper(*t);
  if (auto s = f.get("set_identifier").text()) r.set_identifier = *s;
  if (auto n = f.get("logical_name").text()) r.name = *n;
  if (auto id = f.get("id").text()) {
    r.id = *id;
  } else if (!r.record_name.empty() && !r.type.empty()) {
    r.id = route53::record_set_id(zone_id, r.record_name, r.type, r.set_identifier);
  } else {
    r.id = f.resource();  // `<zone>.records[i]`: what it lacks is reported above
  }
  f.set_resource(r.id);
  f.check();
  if (auto t = f.get("ttl").integer(-kAnyInteger, kAnyInteger)) r.ttl = *t;
  for (auto& v : f.get("values").items()) {
    if (auto t = v.text(/*allow_empty=*/true)) {
      r.values.push_back(*t);
      r.value_at.push_back(v.at());
    }
  }
  if (f.has("alias")) {
    Fields a = f.get("alias").fields({"dns_name", "hosted_zone_id", "evaluate_target_health"});
    a.check();
    if (a.is_mapping()) {
      model::AliasTarget t;
      t.at = a.at();
      if (auto s = a.require("dns_name").text()) t.dns_name = *s;
      if (auto s = a.get("hosted_zone_id").text()) t.hosted_zone_id = *s;
      if (auto b = a.get("evaluate_target_health").boolean()) t.evaluate_target_health = *b;
      r.alias = std::move(t);
    }
  }
  if (auto w = f.get("weight").integer(-kAnyInteger, kAnyInteger)) r.weight = *w;
  if (auto s = f.get("region").text()) r.region = *s;
  if (f.has("geo_location")) {
    Fields g = f.get("geo_location").fields({"continent", "country", "subdivision"});
    g.check();
    if (g.is_mapping()) {
      model::GeoLocation loc;
      if (auto s = g.get("continent").text()) loc.continent_code = *s;
      if (auto s = g.get("country").text()) loc.country_code = *s;
      if (auto s = g.get("subdivision").text()) loc.subdivision_code = *s;
      r.geo_location = std::move(loc);
    }
  }
  if (f.has("geo_proximity")) {
    Fields g = f.get("geo_proximity")
                   .fields({"aws_region", "local_zone_group", "latitude", "longitude", "bias"});
    g.check();
    if (g.is_mapping()) {
      model::GeoProximityLocation loc;
      if (auto s = g.get("aws_region").text()) loc.aws_region = *s;
      if (auto s = g.get("local_zone_group").text()) loc.local_zone_group = *s;
      if (g.has("latitude")) loc.latitude = real(g.get("latitude"));
      if (g.has("longitude")) loc.longitude = real(g.get("longitude"));
      if (auto b = g.get("bias").integer(-kAnyInteger / 2, kAnyInteger / 2)) {
        loc.bias = static_cast<int>(std::clamp<std::int64_t>(*b, -1000, 1000));
      }
      r.geo_proximity = std::move(loc);
    }
  }
  if (auto s = f.get("failover").text()) r.failover = *s;
  if (auto b = f.get("multivalue_answer").boolean()) r.multivalue_answer = *b;
  if (f.has("cidr_routing")) {
    Fields c = f.get("cidr_routing").fields({"collection_id", "location_name"});
    c.check();
    if (c.is_mapping()) {
      model::CidrRoutingConfig cidr;
      if (auto s = c.require("collection_id").text()) cidr.collection_id = *s;
      if (auto s = c.require("location_name").text()) cidr.location_name = *s;
      r.cidr_routing = std::move(cidr);
    }
  }
  if (auto s = f.get("health_check_id").text()) r.health_check_id = *s;
}

}  // namespace

void read_health_check(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "type", "ip_address", "port", "fqdn", "resource_path",
                          "search_string", "request_interval", "failure_threshold", "inverted",
                          "disabled", "enable_sni", "measure_latency", "regions", "children",
                          "health_threshold", "insufficient_data_health_status"});
  auto& h = add_resource(f, cx.network.health_checks, "");
  if (!f.is_mapping()) return;
  if (auto s = f.require("type").text()) h.type = *s;
  if (auto s = f.get("ip_address").text()) h.ip_address = *s;
  if (auto n = f.get("port").integer(-kAnyInteger, kAnyInteger)) h.port = *n;
  if (auto s = f.get("fqdn").text()) h.fqdn = *s;
  if (auto s = f.get("resource_path").text()) h.resource_path = *s;
  if (auto s = f.get("search_string").text()) h.search_string = *s;
  if (auto n = f.get("request_interval").integer(-kAnyInteger, kAnyInteger)) h.request_interval = *n;
  if (auto n = f.get("failure_threshold").integer(-kAnyInteger, kAnyInteger)) h.failure_threshold = *n;
  if (auto b = f.get("inverted").boolean()) h.inverted = *b;
  if (auto b = f.get("disabled").boolean()) h.disabled = *b;
  if (auto b = f.get("enable_sni").boolean()) h.enable_sni = *b;
  if (auto b = f.get("measure_latency").boolean()) h.measure_latency = *b;
  for (auto& v : f.get("regions").items()) {
    if (auto s = v.text()) h.regions.push_back(*s);
  }
  for (auto& v : f.get("children").items()) {
    if (auto r = v.ref(); !r.empty()) h.children.push_back(std::move(r));
  }
  if (auto n = f.get("health_threshold").integer(-kAnyInteger, kAnyInteger)) h.health_threshold = *n;
  if (auto s = f.get("insufficient_data_health_status").text()) h.insufficient_data_health_status = *s;
}

void read_cidr_collection(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "collection_name", "locations"});
  auto& c = add_resource(f, cx.network.cidr_collections, "");
  if (!f.is_mapping()) return;
  if (auto s = f.get("collection_name").text()) c.collection_name = *s;
  if (c.collection_name.empty()) c.collection_name = c.name;
  for (auto& v : f.require("locations").items()) {
    Fields lf = v.fields({"name", "cidrs"});
    lf.check();
    if (!lf.is_mapping()) continue;
    model::CidrLocation l;
    l.at = v.at();
    if (auto s = lf.require("name").text()) l.name = *s;
    for (auto& b : lf.require("cidrs").items()) {
      if (auto s = b.text()) l.cidrs.push_back(*s);
    }
    c.locations.push_back(std::move(l));
  }
}

void read_delegation_set(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "name_servers"});
  auto& set = add_resource(f, cx.network.delegation_sets, "");
  if (!f.is_mapping()) return;
  for (auto& v : f.require("name_servers").items()) {
    if (auto s = v.text()) set.name_servers.push_back(*s);
  }
}

void read_hosted_zone(Context& cx, Value& item) {
  Fields f = item.fields(
      {"id", "name", "domain", "comment", "private", "vpcs", "delegation_set", "records"});
  auto& zone = cx.network.hosted_zones.emplace_back();
  zone.at = f.at();
  if (!f.is_mapping()) {
    f.check();
    return;
  }
  if (auto n = f.get("name").text()) zone.name = *n;
  if (auto id = f.get("id").text()) zone.id = *id;
  if (zone.id.empty()) zone.id = zone.name;
  if (!zone.id.empty()) f.set_resource(zone.id);
  if (auto d = f.require("domain").text()) zone.domain = *d;
  // A zone without an id or name is named by its domain, as a zone file's origin names its zone.
  if (zone.id.empty()) zone.id = zone.domain;
  if (!zone.id.empty()) f.set_resource(zone.id);
  f.check();
  if (auto s = f.get("comment").text(/*allow_empty=*/true)) zone.comment = *s;
  if (auto b = f.get("private").boolean()) zone.private_zone = *b;
  for (auto& v : f.get("vpcs").items()) {
    model::HostedZoneVpc assoc;
    assoc.at = v.at();
    if (v.is_mapping()) {
      Fields vf = v.fields({"vpc", "region"});
      vf.check();
      assoc.vpc = vf.require("vpc").ref();
      if (vf.has("region")) assoc.region = read_region(vf.get("region"));
    } else {
      assoc.vpc = v.ref();
    }
    if (!assoc.vpc.empty()) zone.vpcs.push_back(std::move(assoc));
  }
  zone.delegation_set = f.get("delegation_set").ref();
  const std::string zone_id = zone.id;
  const std::string zone_domain = zone.domain;
  std::size_t i = 0;
  for (auto& r : f.get("records").items()) {
    Value labelled(cx, r.node(), "records", r.at(),
                   zone_id + ".records[" + std::to_string(i++) + "]");
    read_record(cx, labelled, zone_id, zone_domain);
  }
}

}  // namespace cloudtwin::load::yaml
