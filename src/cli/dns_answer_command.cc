// `cloudtwin dns answer NETWORK... --name NAME [--type TYPE] [--client-subnet CIDR]
// [--resolver-ip ADDR] [--health ID=healthy|unhealthy]... [--seed N] [--json]`: what Route 53
// would answer one client, and why (AWS's TestDNSAnswer, offline, with the explanation): the
// same compiled zones and answer path as `serve dns`, one query, no sockets.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cloudtwin/dns/answer.h"
#include "cloudtwin/dns/zone_store.h"
#include "cloudtwin/model/record_data.h"
#include "commands.h"

namespace cloudtwin::cli {
namespace {

struct DnsAnswerOptions {
  NetworkOptions network;
  std::string name;
  std::string type = "A";
  std::string client_subnet;
  std::string resolver_ip;
  std::vector<std::string> health;
  std::uint64_t seed = 0;
  bool private_zones = false;
  bool json = false;
  std::string geoip;
};

const char* policy_name(dns::Policy p) {
  switch (p) {
    case dns::Policy::kWeighted: return "weighted";
    case dns::Policy::kLatency: return "latency";
    case dns::Policy::kGeolocation: return "geolocation";
    case dns::Policy::kGeoproximity: return "geoproximity";
    case dns::Policy::kFailover: return "failover";
    case dns::Policy::kMultivalue: return "multivalue";
    case dns::Policy::kIpBased: return "IP-based";
  }
  return "?";
}

const char* rcode_name(std::uint16_t rc) {
  switch (rc) {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    case 6: return "YXDOMAIN";
  }
  return "RCODE";
}

// Rdata with its compressed names written out (RFC 1035 §4.1.4): what rdata_to_text reads.
std::vector<std::uint8_t> expanded(const std::uint8_t* m, std::size_t n, std::size_t at, std::uint16_t type,
                                   std::uint16_t length) {
  std::size_t fixed_before = 0, names = 0, fixed_after = 0;
  switch (type) {
    case dns::kTypeCname: case dns::kTypeNs: case 12 /* PTR */: case dns::kTypeDname: names = 1; break;
    case dns::kTypeMx: fixed_before = 2; names = 1; break;
    case dns::kTypeSoa: names = 2; fixed_after = 20; break;
    default: return {m + at, m + at + length};
  }
  std::vector<std::uint8_t> out(m + at, m + at + fixed_before);
  std::size_t pos = at + fixed_before;
  for (std::size_t i = 0; i < names; ++i) {
    std::uint8_t name[255];
    std::size_t size = 0;
    pos = dns::read_name(m, n, pos, name, &size);
    if (pos == 0) return {m + at, m + at + length};
    out.insert(out.end(), name, name + size);
  }
  if (pos + fixed_after > n) return {m + at, m + at + length};
  out.insert(out.end(), m + pos, m + pos + fixed_after);
  return out;
}

struct Record {
  std::string section, owner, type, data;
  std::uint32_t ttl = 0;
};

// The response's records, in presentation form.
std::vector<Record> records(const std::uint8_t* m, std::size_t n) {
  std::vector<Record> out;
  std::size_t pos = dns::kHeaderSize;
  std::uint8_t name[255];
  std::size_t size = 0;
  for (int i = 0; i < dns::get16(m + 4); ++i) {
    pos = dns::read_name(m, n, pos, name, &size);
    if (pos == 0) return out;
    pos += 4;
  }
  const char* sections[] = {"answer", "authority", "additional"};
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i < dns::get16(m + 6 + 2 * s); ++i) {
      pos = dns::read_name(m, n, pos, name, &size);
      if (pos == 0 || pos + 10 > n) return out;
      Record r;
      r.section = sections[s];
      r.owner = model::dname_to_text(name);
      const std::uint16_t type = dns::get16(m + pos);
      const std::uint16_t length = dns::get16(m + pos + 8);
      r.ttl = dns::get32(m + pos + 4);
      r.type = model::rr_type_name(type);
      if (pos + 10 + length > n) return out;
      if (type != dns::kTypeOpt) {
        const auto rdata = expanded(m, n, pos + 10, type, length);
        r.data = model::rdata_to_text(type, rdata.data(), rdata.size());
        out.push_back(std::move(r));
      }
      pos += 10 + length;
    }
  }
  return out;
}

std::optional<dns::ClientAddress> client_of(const std::string& text, bool subnet) {
  std::optional<Prefix> p = subnet ? Prefix::parse(text) : std::nullopt;
  if (!subnet) {
    if (auto a = IpAddress::parse(text)) p = Prefix::host(*a);
  }
  if (!p) return std::nullopt;
  dns::ClientAddress c;
  c.v6 = !p->address().is_v4();
  const auto bits = p->address().bits();
  const std::size_t width = c.v6 ? 16 : 4;
  for (std::size_t i = 0; i < width; ++i) c.bytes[width - 1 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
  c.prefix = static_cast<std::uint8_t>(p->length());
  return c;
}

int answer(const DnsAnswerOptions& o) {
  const std::uint16_t qtype = model::rr_type_code(o.type);
  if (qtype == 0) return usage_error("--type `" + o.type + "` is not a record type", "A, AAAA, CNAME, MX, TXT, ...");
  auto qname = model::dname_from_text(o.name.ends_with('.') ? o.name : o.name + ".", "");
  if (!qname) return usage_error("--name `" + o.name + "` is not a domain name");
  std::optional<dns::ClientAddress> client;
  if (!o.client_subnet.empty() && !(client = client_of(o.client_subnet, true)))
    return usage_error("--client-subnet `" + o.client_subnet + "` is not a CIDR block", "e.g. 198.51.100.0/24");
  if (!client && !o.resolver_ip.empty() && !(client = client_of(o.resolver_ip, false)))
    return usage_error("--resolver-ip `" + o.resolver_ip + "` is not an IP address");

  model::Network network;
  Diagnostics diagnostics;
  if (!load_or_report(o.network, network, diagnostics, true)) return kExitBadInput;
  dns::CompileOptions options;
  options.private_zones = o.private_zones;
  if (!parse_health_overrides(o.health, options.health)) return kExitBadInput;
  Diagnostics compile;
  auto store = dns::compile_zones(network, compile, options);
  for (const auto& d : compile.items()) {
    if (d.severity == Severity::kError || !o.network.quiet) std::cerr << d.str() << "\n";
    if (d.severity == Severity::kError) return kExitBadInput;
  }

  nlohmann::ordered_json client_location;
  std::vector<std::uint8_t> query(dns::kHeaderSize);
  dns::put16(query.data(), 1);
  dns::put16(query.data() + 4, 1);
  query.insert(query.end(), qname->begin(), qname->end());
  query.resize(query.size() + 4);
  dns::put16(query.data() + query.size() - 4, qtype);
  dns::put16(query.data() + query.size() - 2, dns::kClassIn);
  dns::Query q;
  const dns::QueryStatus status = dns::parse_query(query.data(), query.size(), q);
  std::vector<std::uint8_t> out(dns::kMaxMessage);
  dns::AnswerInfo info;
  dns::Random random(o.seed);
  dns::PolicyContext policy;
  policy.address = client ? &*client : nullptr;
  policy.health = store->health;
  policy.random = &random;
  dns::GeoDatabase geo;
  if (!o.geoip.empty()) {
    std::string error;
    if (!geo.open(o.geoip, error)) return usage_error("--geoip " + error, "a MaxMind-format (.mmdb) database");
    policy.geo = &geo;
  }
  dns::GeoResult where;
  if (client && policy.geo != nullptr && geo.lookup(*client, where)) {
    nlohmann::ordered_json l = {{"continent", std::string(where.continent)}, {"country", std::string(where.country)}};
    if (where.subdivision[0]) l["subdivision"] = std::string(where.subdivision);
    if (where.location.point) l["latitude"] = where.location.point->latitude, l["longitude"] = where.location.point->longitude;
    l["network_prefix"] = where.location.prefix;
    client_location = l;
  }
  const std::size_t n = dns::answer_query(*store, q, status, dns::Transport::kTcp, out.data(), out.size(), info, policy);
  const auto rrs = records(out.data(), n);
  const std::uint16_t rcode = info.rcode;
  const bool answered = std::any_of(rrs.begin(), rrs.end(), [](const Record& r) { return r.section == "answer"; });

  nlohmann::ordered_json j;
  j["name"] = model::dname_to_text(qname->data());
  j["type"] = model::rr_type_name(qtype);
  j["rcode"] = rcode_name(rcode);
  j["authoritative"] = info.authoritative;
  for (const auto& r : rrs) {
    j[r.section].push_back({{"name", r.owner}, {"type", r.type}, {"ttl", r.ttl}, {"data", r.data}});
  }
  std::string why;
  if (info.group != dns::kNoTemplate) {
    const dns::PolicyGroup& g = store->groups[info.group];
    nlohmann::ordered_json p;
    p["policy"] = policy_name(g.policy);
    p["record_sets"] = g.members_count;
    for (unsigned k = 0; k < info.choice.count; ++k) {
      const std::uint32_t m = g.members_begin + info.choice.members[k];
      const auto& rs = network.record_sets[store->member_record_sets[m]];
      nlohmann::ordered_json c = {{"record_set", rs.id}, {"set_identifier", rs.set_identifier}};
      const std::uint32_t check = store->member_checks[m];
      if (check != dns::kNoCheck) {
        c["health_check"] = store->health_check_ids[check];
        c["healthy"] = store->health[check] != 0;
      }
      p["chosen"].push_back(c);
    }
    nlohmann::ordered_json states = nlohmann::ordered_json::array();
    for (std::uint32_t i = 0; i < g.members_count; ++i) {
      const std::uint32_t m = g.members_begin + i;
      const auto& rs = network.record_sets[store->member_record_sets[m]];
      const std::uint32_t check = store->member_checks[m];
      states.push_back({{"set_identifier", rs.set_identifier},
                        {"healthy", check == dns::kNoCheck || store->health[check] != 0},
                        {"health_check", check == dns::kNoCheck ? "" : store->health_check_ids[check]}});
    }
    p["health"] = states;
    p["reason"] = std::string(dns::reason_text(info.choice.reason));
    if (client) p["ecs_scope"] = info.choice.scope;
    if (!client_location.is_null()) p["client_location"] = client_location;
    j["routing"] = p;
  }

  if (o.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << j["name"].get<std::string>() << " " << j["type"].get<std::string>() << ": " << rcode_name(rcode)
              << (info.authoritative ? ", authoritative" : "") << "\n";
    for (const auto& r : rrs) {
      std::cout << "  " << r.section << "  " << r.owner << " " << r.ttl << " IN " << r.type << " " << r.data << "\n";
    }
    if (j.contains("routing")) {
      const auto& p = j["routing"];
      std::cout << "routing: " << p["policy"].get<std::string>() << ", " << p["record_sets"].get<unsigned>()
                << " record set(s) for this name and type\n";
      if (!p.contains("chosen")) std::cout << "  chosen: none\n";
      for (const auto& c : p.contains("chosen") ? p["chosen"] : nlohmann::ordered_json::array()) {
        std::cout << "  chosen: " << c["record_set"].get<std::string>() << " (set " << c["set_identifier"].get<std::string>()
                  << ")";
        if (c.contains("health_check"))
          std::cout << ", health check " << c["health_check"].get<std::string>() << " "
                    << (c["healthy"].get<bool>() ? "healthy" : "unhealthy");
        std::cout << "\n";
      }
      std::cout << "  why: " << p["reason"].get<std::string>() << "\n";
      for (const auto& s : p["health"]) {
        std::cout << "  set " << s["set_identifier"].get<std::string>() << ": "
                  << (s["healthy"].get<bool>() ? "healthy" : "unhealthy")
                  << (s["health_check"].get<std::string>().empty() ? " (no health check)"
                                                                    : " (" + s["health_check"].get<std::string>() + ")")
                  << "\n";
      }
      if (p.contains("ecs_scope")) std::cout << "  ECS scope: /" << p["ecs_scope"].get<unsigned>() << "\n";
      if (p.contains("client_location")) std::cout << "  client location: " << p["client_location"].dump() << "\n";
    }
  }
  return answered ? kExitOk : kExitNegative;
}

}  // namespace

bool parse_health_overrides(const std::vector<std::string>& flags, std::map<std::string, bool>& out) {
  for (const auto& f : flags) {
    const auto eq = f.rfind('=');
    const std::string state = eq == std::string::npos ? "" : f.substr(eq + 1);
    if (eq == std::string::npos || eq == 0 || (state != "healthy" && state != "unhealthy")) {
      usage_error("--health `" + f + "` is not ID=healthy or ID=unhealthy", "e.g. --health primary-check=unhealthy");
      return false;
    }
    out[f.substr(0, eq)] = state == "healthy";
  }
  return true;
}

Runner add_dns_command(CLI::App& app) {
  auto* dns_cmd = app.add_subcommand("dns", "Ask the network's hosted zones without serving (answer)");
  dns_cmd->require_subcommand(1);
  auto* cmd = dns_cmd->add_subcommand(
      "answer", "What Route 53 would answer one client for NAME and TYPE, and why (routing policy, health)");
  auto o = std::make_shared<DnsAnswerOptions>();
  add_network_options(*cmd, o->network);
  cmd->add_option("--name", o->name, "The name asked, e.g. www.example.com")->required();
  cmd->add_option("--type", o->type, "The record type asked (default A)");
  cmd->add_option("--client-subnet", o->client_subnet,
                  "The client's subnet as EDNS Client Subnet would carry it, e.g. 198.51.100.0/24");
  cmd->add_option("--resolver-ip", o->resolver_ip, "The resolver's address, used without --client-subnet");
  cmd->add_option("--health", o->health, "A health check's state, ID=healthy or ID=unhealthy (repeatable)");
  cmd->add_option("--seed", o->seed, "Seed of the weighted and multivalue draw (default 0)");
  cmd->add_flag("--private-zones", o->private_zones, "Answer from private hosted zones too");
  cmd->add_flag("--json", o->json, "Print the answer and the explanation as JSON");
  cmd->add_option("--geoip", o->geoip, "Client locations: a MaxMind-format .mmdb (GeoIP2-City shaped)");
  return [o, dns_cmd, cmd] {
    (void)dns_cmd;
    if (!cmd->parsed()) return usage_error("dns needs a question", "cloudtwin dns answer NETWORK... --name NAME");
    return answer(*o);
  };
}

}  // namespace cloudtwin::cli
