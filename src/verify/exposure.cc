#include "cloudtwin/verify/exposure.h"

#include <algorithm>

namespace cloudtwin::verify {

using model::Index;

namespace {

struct Service {
  std::uint16_t port;
  const char* name;
  Risk risk;
};

// Ports whose exposure to the internet is a finding in every benchmark (CIS AWS Foundations
// 5.2/5.3 for remote administration; data stores that must never face the internet).
constexpr Service kServices[] = {
    {3306, "MySQL", Risk::kCritical},
    {5432, "PostgreSQL", Risk::kCritical},
    {1433, "SQL Server", Risk::kCritical},
    {1521, "Oracle", Risk::kCritical},
    {27017, "MongoDB", Risk::kCritical},
    {6379, "Redis", Risk::kCritical},
    {9200, "Elasticsearch", Risk::kCritical},
    {11211, "Memcached", Risk::kCritical},
    {9042, "Cassandra", Risk::kCritical},
    {5984, "CouchDB", Risk::kCritical},
    {2375, "Docker API", Risk::kCritical},
    {2379, "etcd", Risk::kCritical},
    {22, "SSH", Risk::kHigh},
    {3389, "RDP", Risk::kHigh},
    {23, "Telnet", Risk::kHigh},
    {5900, "VNC", Risk::kHigh},
    {6443, "Kubernetes API", Risk::kHigh},
    {445, "SMB", Risk::kHigh},
    {21, "FTP", Risk::kHigh},
    {80, "HTTP", Risk::kLow},
    {443, "HTTPS", Risk::kLow},
};

Risk lower(Risk r) { return r == Risk::kLow ? r : static_cast<Risk>(static_cast<int>(r) - 1); }

}  // namespace

const char* risk_name(Risk r) {
  switch (r) {
    case Risk::kCritical:
      return "critical";
    case Risk::kHigh:
      return "high";
    case Risk::kMedium:
      return "medium";
    case Risk::kLow:
      return "low";
  }
  return "low";
}

Risk port_risk(const std::string& protocol, PortRange ports, bool whole_internet,
               std::string& reason) {
  Risk risk = Risk::kMedium;
  std::string where =
      whole_internet ? " open to the whole internet" : " open to part of the internet";
  if (protocol != "tcp" && protocol != "udp") {
    reason = protocol + where;
    risk = protocol.starts_with("icmp") ? Risk::kLow : Risk::kMedium;
  } else if (ports.to - ports.from >= 1000) {
    risk = Risk::kCritical;
    reason = protocol + " ports " + ports.str() + where;
  } else {
    reason = protocol + " " + (ports.from == ports.to ? std::to_string(ports.from) : ports.str()) +
             where;
    bool web_only = ports.from == ports.to && (ports.from == 80 || ports.from == 443);
    risk = web_only ? Risk::kLow : Risk::kMedium;
    for (const auto& s : kServices) {
      if (ports.contains(s.port) && s.risk > risk) {
        risk = s.risk;
        reason = std::string(s.name) + " (" + protocol + " " + std::to_string(s.port) + ")" + where;
      }
    }
  }
  return whole_internet ? risk : lower(risk);
}

ExposureReport exposure(Compiled& c, const bdd& headers) {
  const auto& n = c.network();
  ExposureReport report;
  Party internet;
  internet.kind = Party::Kind::kInternet;
  internet.label = "internet";
  // The public addresses of each family and their number, for "open to the whole internet".
  std::vector<std::pair<bdd, double>> everyone;
  for (Family f : {Family::kV4, Family::kV6}) {
    bdd all = internet_addresses(Block::kSrc) & HeaderSpace::family(f);
    everyone.emplace_back(all, HeaderSpace::count(all));
  }
  for (Index e = 0; e < n.network_interfaces.size(); ++e) {
    const auto& iface = n.network_interfaces[e];
    // Only a public IPv4 or an IPv6 address can be reached from the internet, or a load
    // balancer's target through an internet-facing load balancer.
    if (iface.public_ips.empty() && iface.ipv6_addresses.empty() &&
        model::front_doors(n, e).empty())
      continue;
    ++report.interfaces_checked;
    Party target;
    target.interfaces = {e};
    target.label = iface.id;
    ReachOptions options;
    options.headers = headers;
    auto result = reach(c, internet, target, options);
    report.walks += result.walks;
    auto found = rows(result, vpc::Verdict::kReachable);
    std::size_t certain = found.size();
    for (auto& row : rows(result, vpc::Verdict::kInconclusive)) found.push_back(std::move(row));
    for (std::size_t i = 0; i < found.size(); ++i) {
      auto& row = found[i];
      Exposure x;
      x.interface = e;
      x.inconclusive = i >= certain;
      x.trace = row.example ? row.example->trace : vpc::Trace{};
      for (const auto& hop : x.trace.forward) {
        if (hop.component_type == "LoadBalancer" && x.via.empty()) {
          x.via = "load balancer " + (hop.component_name.empty() || hop.component_name == hop.component_id
                                          ? hop.component_id
                                          : hop.component_name + " (" + hop.component_id + ")");
        } else if (hop.component_type == "LoadBalancerListener" && !x.via.empty()) {
          x.via += ", listener " + hop.note;
        }
      }
      // Open to the whole internet: all but a sliver of the public addresses of a family (the
      // network's own public addresses, or a provider's ranges whose replies a more specific
      // route sends elsewhere, are missing from an otherwise open rule).
      bool whole = row.sources_label.starts_with("the internet");
      if (!whole) {
        bdd sources = HeaderSpace::addresses(Block::kSrc, row.sources);
        for (const auto& [all, count] : everyone) {
          whole = whole || HeaderSpace::count(sources & all) / count >= 0.99;
        }
      }
      x.risk = Risk::kLow;
      if (row.destination_ports.empty()) {
        x.risk = port_risk(row.protocol, PortRange::all(), whole, x.reason);
      }
      for (const auto& p : row.destination_ports) {
        std::string reason;
        Risk r = port_risk(row.protocol, p, whole, reason);
        if (r > x.risk || x.reason.empty()) {
          x.risk = std::max(x.risk, r);
          x.reason = reason;
        }
      }
      row.example = nullptr;
      x.row = std::move(row);
      report.exposures.push_back(std::move(x));
    }
  }
  std::stable_sort(report.exposures.begin(), report.exposures.end(),
                   [](const Exposure& a, const Exposure& b) { return a.risk > b.risk; });
  return report;
}

}  // namespace cloudtwin::verify
