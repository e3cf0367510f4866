#include "cloudtwin/verify/exposure.h"

#include <algorithm>

namespace cloudtwin::verify {

using model::Index;

namespace {

// The protocol numbers of a row, from its text when the row has none.
std::vector<std::pair<int, int>> protocols_of(const Row& row) {
  if (!row.protocols.empty()) return row.protocols;
  if (auto p = Protocol::parse(row.protocol); p && !p->is_all()) return {{p->number(), p->number()}};
  return {{0, 255}};
}

}  // namespace

ExposureReport exposure(Compiled& c, const bdd& headers, const model::RiskTable* table) {
  const auto& n = c.network();
  const model::RiskTable& risks = table ? *table : default_risk_table();
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
      auto rating = rate(risks, protocols_of(row), row.protocol, row.destination_ports, whole);
      x.risk = rating.risk;
      x.reason = std::move(rating.reason);
      x.rule = std::move(rating.rule);
      x.whole_internet = whole;
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
