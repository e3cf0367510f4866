// `trace`/`reach --to NAME`: a destination given as a DNS name is resolved first, the way the
// source would resolve it (route53.md §4): from inside a VPC, by that VPC's Amazon resolver (its
// private zones first, policies answered for that VPC, nothing when enableDnsSupport is off);
// from elsewhere, by the network's public zones. The answer is the trace's first hop.
#include <iostream>

#include "cloudtwin/dns/ask.h"
#include "cloudtwin/dns/zone_store.h"
#include "cloudtwin/model/record_data.h"
#include "cloudtwin/vpc/endpoint.h"
#include "commands.h"

namespace cloudtwin::cli {
namespace {

// A name a user would give for a host: dotted labels of letters, digits, '-', '_' (and '*'), not
// an address, and not the name of a resource (those are endpoints already).
bool looks_like_domain_name(const std::string& text) {
  if (text.find('.') == std::string::npos || IpAddress::parse(text) || Prefix::parse(text)) return false;
  bool letter = false;
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c))) letter = true;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' && c != '*') return false;
  }
  return letter;
}

const char* rcode_text(std::uint16_t rc) {
  switch (rc) {
    case 0: return "no address (NODATA)";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
  }
  return "an error";
}

}  // namespace

std::optional<DnsHop> resolve_destination(const model::Network& network, PacketOptions& o) {
  if (!looks_like_domain_name(o.to) || vpc::parse_endpoint(network, o.to).endpoint) return std::nullopt;
  DnsHop hop;
  hop.name = o.to.ends_with('.') ? o.to : o.to + ".";
  Diagnostics quiet;
  auto store = dns::compile_zones(network, quiet);
  dns::PolicyContext policy;
  policy.health = store->health;
  dns::Random random(0);
  policy.random = &random;
  std::optional<dns::ClientAddress> client;
  if (auto source = find_dns_source(network, o.from)) {
    hop.vpc = source->vpc;
    if (auto v = network.find(source->vpc, model::Kind::kVpc); v && !network.vpcs[*v].cidr_blocks.empty()) {
      // aws-vpc.md §1.11: the resolver is at the primary CIDR's base + 2.
      const Prefix& primary = network.vpcs[*v].cidr_blocks.front();
      hop.resolver = IpAddress::v4(static_cast<std::uint32_t>(primary.address().bits()) + 2);
    }
    if (!source->dns_support) {
      hop.failure = "VPC " + source->vpc + " has enableDnsSupport false: its Amazon resolver does not answer";
      return hop;
    }
    policy.view = store->view_of(source->vpc);
    if (source->address) {
      client = dns::client_address(Prefix::host(*source->address));
      policy.address = &*client;
    }
  }
  auto asked = dns::ask(*store, hop.name, dns::kTypeA, policy);
  if (!asked) {
    hop.failure = "`" + o.to + "` is not a domain name";
    return hop;
  }
  if (asked->addresses().empty()) {
    if (auto v6 = dns::ask(*store, hop.name, dns::kTypeAaaa, policy); v6 && !v6->addresses().empty()) asked = v6;
  }
  if (asked->zone != nullptr) {
    hop.zone = asked->zone->id;
    hop.private_zone = asked->zone->private_zone;
  }
  for (const auto& r : asked->records) {
    if (r.section != "answer") continue;
    hop.records.push_back(r.owner + " " + std::to_string(r.ttl) + " IN " + model::rr_type_name(r.type) + " " + r.data);
    // The record set that holds it: by owner and type in the answering zone.
    for (const auto& rs : network.record_sets) {
      if (rs.fqdn == r.owner && rs.type == model::rr_type_name(r.type) && rs.hosted_zone.resolved() &&
          network.hosted_zones[rs.hosted_zone.index].id == hop.zone &&
          std::find(hop.record_sets.begin(), hop.record_sets.end(), rs.id) == hop.record_sets.end()) {
        if (rs.set_identifier.empty()) hop.record_sets.push_back(rs.id);
      }
    }
  }
  if (asked->info.group != dns::kNoTemplate) {
    const dns::PolicyGroup& g = store->groups[asked->info.group];
    for (unsigned k = 0; k < asked->info.choice.count; ++k) {
      const auto m = g.members_begin + asked->info.choice.members[k];
      hop.record_sets.push_back(network.record_sets[store->member_record_sets[m]].id);
    }
    hop.reason = std::string(dns::reason_text(asked->info.choice.reason));
  }
  hop.addresses = asked->addresses();
  if (hop.addresses.empty()) {
    hop.unknown = asked->zone == nullptr;
    hop.failure = hop.unknown
                      ? "no hosted zone of the network holds the name: its address is not known offline (give "
                        "the address instead)"
                      : std::string(rcode_text(asked->rcode)) + " from zone " + hop.zone +
                            (asked->rcode == 3 && hop.private_zone ? " (a private zone: no fall-through to public DNS)" : "");
    return hop;
  }
  o.to = hop.addresses.front().str();
  return hop;
}

std::string render_dns_failure_text(const DnsHop& hop, const std::string& from, const std::string& to) {
  return render_dns_hop_text(hop, from) + (hop.unknown ? "INCONCLUSIVE: " : "BLOCKED: ") + to +
         (hop.unknown ? " is not a name of the network's hosted zones.\n" : " does not resolve for " + from + ".\n");
}

int dns_failure_exit(const DnsHop& hop) { return hop.unknown ? kExitInconclusive : kExitNegative; }

std::string render_dns_hop_text(const DnsHop& hop, const std::string& from) {
  std::string out = "DNS " + hop.name + " asked by " + from + ": ";
  if (!hop.vpc.empty()) {
    out += "the Amazon resolver of " + hop.vpc + (hop.resolver ? " (" + hop.resolver->str() + ")" : "");
  } else {
    out += "public DNS";
  }
  if (!hop.zone.empty()) out += ", zone " + hop.zone + (hop.private_zone ? " (private)" : " (public)");
  out += "\n";
  for (const auto& r : hop.records) out += "    " + r + "\n";
  for (const auto& r : hop.record_sets) out += "    record set " + r + "\n";
  if (!hop.reason.empty()) out += "    routing: " + hop.reason + "\n";
  if (!hop.failure.empty()) {
    out += "    no address: " + hop.failure + "\n";
  } else if (hop.addresses.size() > 1) {
    out += "    tracing the first of " + std::to_string(hop.addresses.size()) + " addresses\n";
  }
  return out + "\n";
}

nlohmann::ordered_json render_dns_hop_json(const DnsHop& hop) {
  nlohmann::ordered_json j = {{"name", hop.name}};
  j["vpc"] = hop.vpc.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(hop.vpc);
  if (hop.resolver) j["resolver"] = hop.resolver->str();
  if (!hop.zone.empty()) j["zone"] = {{"id", hop.zone}, {"private", hop.private_zone}};
  j["records"] = hop.records;
  j["record_sets"] = hop.record_sets;
  if (!hop.reason.empty()) j["routing"] = hop.reason;
  nlohmann::ordered_json addresses = nlohmann::ordered_json::array();
  for (const auto& a : hop.addresses) addresses.push_back(a.str());
  j["addresses"] = addresses;
  if (!hop.failure.empty()) j["failure"] = hop.failure;
  return j;
}

}  // namespace cloudtwin::cli
