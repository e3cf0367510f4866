// `cloudtwin dns answer NETWORK... --name NAME [--type TYPE] [--client-subnet CIDR]
// [--resolver-ip ADDR] [--health ID=healthy|unhealthy]... [--seed N] [--json]`: what Route 53
// would answer one client, and why (AWS's TestDNSAnswer, offline, with the explanation): the
// same compiled zones and answer path as `serve dns`, one query, no sockets.
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cloudtwin/dns/ask.h"
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
  std::string from;  // a VPC or an instance
  std::string latency_table;
};

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

std::optional<dns::ClientAddress> client_of(const std::string& text, bool subnet) {
  std::optional<Prefix> p = subnet ? Prefix::parse(text) : std::nullopt;
  if (!subnet) {
    if (auto a = IpAddress::parse(text)) p = Prefix::host(*a);
  }
  if (!p) return std::nullopt;
  return dns::client_address(*p);
}

}  // namespace

bool PolicyData::open(const std::string& geoip, const std::string& latency_table) {
  if (!geoip.empty()) {
    std::string error;
    if (!geo_.open(geoip, error)) {
      usage_error("--geoip " + error, "a MaxMind-format (.mmdb) database");
      return false;
    }
    geo_open_ = true;
  }
  if (!latency_table.empty()) {
    Diagnostics d;
    latency_open_ = latency_.read(latency_table, d);
    for (const auto& item : d.items()) std::cerr << item.str() << "\n";
    if (!latency_open_) return false;
  }
  return true;
}

std::optional<DnsSource> dns_source(const model::Network& n, const std::string& text) {
  auto out = find_dns_source(n, text);
  if (!out) {
    std::string vpcs;
    for (const auto& v : n.vpcs) vpcs += (vpcs.empty() ? "" : ", ") + v.name;
    usage_error("--from `" + text + "` is not a VPC, subnet, network interface or instance of the network",
                "VPCs: " + (vpcs.empty() ? std::string("none") : vpcs));
  }
  return out;
}

std::optional<DnsSource> find_dns_source(const model::Network& n, const std::string& text) {
  std::optional<model::ResourceKey> key;
  for (auto kind : {model::Kind::kInstance, model::Kind::kVpc, model::Kind::kSubnet, model::Kind::kNetworkInterface}) {
    if (auto index = n.find(text, kind)) {
      key = model::ResourceKey{kind, *index};
      break;
    }
  }
  const auto eni_source = [&](model::Index e) -> std::optional<DnsSource> {
    const auto& eni = n.network_interfaces[e];
    if (eni.vpc == model::kNone) return std::nullopt;
    DnsSource s{n.vpcs[eni.vpc].id, std::nullopt};
    if (!eni.private_ips.empty()) s.address = eni.private_ips.front();
    return s;
  };
  std::optional<DnsSource> out;
  if (key) {
    switch (key->kind) {
      case model::Kind::kVpc: out = DnsSource{n.vpcs[key->index].id, std::nullopt}; break;
      case model::Kind::kSubnet: {
        const auto& subnet = n.subnets[key->index];
        if (subnet.vpc.resolved()) out = DnsSource{n.vpcs[subnet.vpc.index].id, std::nullopt};
        break;
      }
      case model::Kind::kNetworkInterface: out = eni_source(key->index); break;
      case model::Kind::kInstance: {
        const auto& instance = n.instances[key->index];
        if (!instance.network_interfaces.empty()) out = eni_source(instance.network_interfaces.front());
        break;
      }
      default: break;
    }
  }
  if (out) {
    if (auto vpc = n.find(out->vpc, model::Kind::kVpc)) out->dns_support = n.vpcs[*vpc].enable_dns_support;
  }
  return out;
}

namespace {

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
  dns::Random random(o.seed);
  dns::PolicyContext policy;
  policy.health = store->health;
  policy.random = &random;
  // --from: the query comes from inside that VPC (an instance's: from its address too).
  std::string from_vpc;
  if (!o.from.empty()) {
    auto source = dns_source(network, o.from);
    if (!source) return kExitBadInput;
    from_vpc = source->vpc;
    if (!source->dns_support) {
      // aws-vpc.md §1.11: the Amazon resolver answers only in VPCs with enableDnsSupport.
      const std::string why = "VPC " + source->vpc + " has enableDnsSupport false: its Amazon resolver does not answer";
      if (o.json) {
        std::cout << nlohmann::ordered_json{{"name", o.name}, {"type", o.type}, {"from_vpc", from_vpc}, {"rcode", nullptr}, {"why", why}}.dump(2) << "\n";
      } else {
        std::cout << o.name << " " << o.type << ": no answer\n  why: " << why << "\n";
      }
      return kExitNegative;
    }
    policy.view = store->view_of(source->vpc);
    if (!client && source->address) client = dns::client_address(Prefix::host(*source->address));
  }
  policy.address = client ? &*client : nullptr;
  PolicyData data;
  if (!data.open(o.geoip, o.latency_table)) return kExitBadInput;
  policy.geo = data.geo();
  policy.latency = data.latency();
  dns::GeoResult where;
  if (client && policy.geo != nullptr && policy.geo->lookup(*client, where)) {
    nlohmann::ordered_json l = {{"continent", std::string(where.continent)}, {"country", std::string(where.country)}};
    if (where.subdivision[0]) l["subdivision"] = std::string(where.subdivision);
    if (where.location.point) l["latitude"] = where.location.point->latitude, l["longitude"] = where.location.point->longitude;
    l["network_prefix"] = where.location.prefix;
    client_location = l;
  }
  const auto asked = dns::ask(*store, o.name, qtype, policy);
  if (!asked) return usage_error("--name `" + o.name + "` is not a domain name");
  const dns::AnswerInfo& info = asked->info;
  const auto& rrs = asked->records;
  const std::uint16_t rcode = info.rcode;
  const bool answered = asked->answered();

  nlohmann::ordered_json j;
  j["name"] = model::dname_to_text(qname->data());
  j["type"] = model::rr_type_name(qtype);
  j["rcode"] = rcode_name(rcode);
  j["authoritative"] = info.authoritative;
  if (asked->zone != nullptr) {
    j["zone"] = {{"id", asked->zone->id}, {"private", asked->zone->private_zone}};
  }
  if (!from_vpc.empty()) {
    j["from_vpc"] = from_vpc;
    if (policy.view != dns::kNoView && !store->views[policy.view].region.empty())
      j["vpc_region"] = store->views[policy.view].region;
  }
  for (const auto& r : rrs) {
    j[r.section].push_back({{"name", r.owner}, {"type", model::rr_type_name(r.type)}, {"ttl", r.ttl}, {"data", r.data}});
  }
  std::string why;
  // One level of the routing: the group, what it chose and why; an alias into another group
  // nests the next level under "then" (route53.md §3).
  const auto level = [&](unsigned d) {
    const dns::PolicyGroup& g = store->groups[info.path[d]];
    const dns::Choice& choice = info.choices[d];
    nlohmann::ordered_json p;
    p["policy"] = std::string(dns::policy_text(g.policy));
    p["record_sets"] = g.members_count;
    const auto healthy = [&](std::uint32_t m) { return dns::member_healthy(*store, m, policy); };
    for (unsigned k = 0; k < choice.count; ++k) {
      const std::uint32_t m = g.members_begin + choice.members[k];
      const auto& rs = network.record_sets[store->member_record_sets[m]];
      nlohmann::ordered_json c = {{"record_set", rs.id}, {"set_identifier", rs.set_identifier}};
      const std::uint32_t check = store->member_checks[m];
      if (check != dns::kNoCheck) c["health_check"] = store->health_check_ids[check];
      if (check != dns::kNoCheck || store->member_evaluates[m] != dns::kNoTemplate) c["healthy"] = healthy(m);
      p["chosen"].push_back(c);
    }
    nlohmann::ordered_json states = nlohmann::ordered_json::array();
    for (std::uint32_t i = 0; i < g.members_count; ++i) {
      const std::uint32_t m = g.members_begin + i;
      const auto& rs = network.record_sets[store->member_record_sets[m]];
      const std::uint32_t check = store->member_checks[m];
      nlohmann::ordered_json st = {{"set_identifier", rs.set_identifier}, {"healthy", healthy(m)},
                                   {"health_check", check == dns::kNoCheck ? "" : store->health_check_ids[check]}};
      if (store->member_evaluates[m] != dns::kNoTemplate) st["evaluate_target_health"] = true;
      states.push_back(st);
    }
    p["health"] = states;
    p["reason"] = std::string(dns::reason_text(choice.reason));
    if (client) p["ecs_scope"] = choice.scope;
    return p;
  };
  if (info.depth > 0) {
    if (policy.view != dns::kNoView) {
      // route53.md §4: from inside a VPC the query is located at its Region.
      const auto& v = store->views[policy.view];
      client_location = {{"region", v.region}, {"continent", std::string(v.location.continent)},
                         {"country", std::string(v.location.country)}};
      if (!v.location.subdivision.empty()) client_location["subdivision"] = std::string(v.location.subdivision);
    }
    nlohmann::ordered_json routing = level(info.depth - 1);
    for (unsigned d = info.depth - 1; d-- > 0;) {
      nlohmann::ordered_json outer = level(d);
      outer["then"] = std::move(routing);
      routing = std::move(outer);
    }
    if (!client_location.is_null()) routing["client_location"] = client_location;
    j["routing"] = routing;
  }

  if (o.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << j["name"].get<std::string>() << " " << j["type"].get<std::string>() << ": " << rcode_name(rcode)
              << (info.authoritative ? ", authoritative" : "") << "\n";
    if (asked->zone != nullptr)
      std::cout << "zone: " << asked->zone->id << (asked->zone->private_zone ? " (private)" : " (public)")
                << (from_vpc.empty() ? "" : ", asked from inside " + from_vpc) << "\n";
    for (const auto& r : rrs) {
      std::cout << "  " << r.section << "  " << r.owner << " " << r.ttl << " IN " << model::rr_type_name(r.type) << " "
                << r.data << "\n";
    }
    const std::function<void(const nlohmann::ordered_json&, const std::string&)> print_level =
        [&](const nlohmann::ordered_json& p, const std::string& indent) {
          std::cout << indent << "routing: " << p["policy"].get<std::string>() << ", "
                    << p["record_sets"].get<unsigned>() << " record set(s) for this name and type\n";
          if (!p.contains("chosen")) std::cout << indent << "  chosen: none\n";
          for (const auto& c : p.contains("chosen") ? p["chosen"] : nlohmann::ordered_json::array()) {
            std::cout << indent << "  chosen: " << c["record_set"].get<std::string>() << " (set "
                      << c["set_identifier"].get<std::string>() << ")";
            if (c.contains("health_check"))
              std::cout << ", health check " << c["health_check"].get<std::string>();
            if (c.contains("healthy")) std::cout << (c["healthy"].get<bool>() ? " healthy" : " unhealthy");
            std::cout << "\n";
          }
          std::cout << indent << "  why: " << p["reason"].get<std::string>() << "\n";
          for (const auto& st : p["health"]) {
            std::cout << indent << "  set " << st["set_identifier"].get<std::string>() << ": "
                      << (st["healthy"].get<bool>() ? "healthy" : "unhealthy")
                      << (st["health_check"].get<std::string>().empty()
                              ? (st.contains("evaluate_target_health") ? "" : " (no health check)")
                              : " (" + st["health_check"].get<std::string>() + ")")
                      << (st.contains("evaluate_target_health") ? " (evaluates its target's health)" : "") << "\n";
          }
          if (p.contains("ecs_scope")) std::cout << indent << "  ECS scope: /" << p["ecs_scope"].get<unsigned>() << "\n";
          if (p.contains("client_location"))
            std::cout << indent << "  client location: " << p["client_location"].dump() << "\n";
          if (p.contains("then")) {
            std::cout << indent << "  then, the alias's target:\n";
            print_level(p["then"], indent + "  ");
          }
        };
    if (j.contains("routing")) print_level(j["routing"], "");
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
  cmd->add_flag("--private-zones", o->private_zones, "Answer from every private hosted zone too, as if inside all their VPCs");
  cmd->add_option("--latency-table", o->latency_table,
                  "Measured latencies for latency routing: lines of `CLIENT-PREFIX, REGION, MS`")
      ->type_name("FILE");
  cmd->add_option("--from", o->from,
                  "Ask from inside a VPC, or from an instance (its VPC and address): that VPC's private hosted "
                  "zones answer first, as its Amazon resolver does");
  cmd->add_flag("--json", o->json, "Print the answer and the explanation as JSON");
  cmd->add_option("--geoip", o->geoip, "Client locations: a MaxMind-format .mmdb (GeoIP2-City shaped)");
  return [o, dns_cmd, cmd] {
    (void)dns_cmd;
    if (!cmd->parsed()) return usage_error("dns needs a question", "cloudtwin dns answer NETWORK... --name NAME");
    return answer(*o);
  };
}

}  // namespace cloudtwin::cli
