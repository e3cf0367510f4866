// What the internet can reach: every network interface that some packet from a public address
// reaches (and whose reply returns), with the protocols, ports and source addresses, ranked by
// risk — databases and remote administration open to the world first. The risks come from a
// risk table (risk_table.h, docs/exposure-risks.md).
#pragma once

#include <string>
#include <vector>

#include "cloudtwin/verify/reach.h"
#include "cloudtwin/verify/risk_table.h"
#include "cloudtwin/verify/rows.h"

namespace cloudtwin::verify {

struct Exposure {
  model::Index interface = model::kNone;
  Row row;           // protocol, destination ports, sources (internet CIDRs), destinations
  vpc::Trace trace;  // one packet of the row, from the internet to the interface and back
  Risk risk = Risk::kLow;
  std::string reason;  // "PostgreSQL (tcp 5432) open to the whole internet"
  std::string rule;    // the risk table's rule id: "postgresql-open"
  // The sources are the whole internet (all but a sliver of a family's public addresses), not
  // part of it: the risk is then the table's, else one level lower.
  bool whole_internet = false;
  // Whether the packets reach depends on what cloudtwin cannot know (the trace names it):
  // "may be open", not "open".
  bool inconclusive = false;
  // The load balancer and listener the packets pass, when they reach the interface through one
  // ("web-alb (arn:...) listener HTTPS 443"); empty for a direct path.
  std::string via;
};

struct ExposureReport {
  std::vector<Exposure> exposures;  // most risky first
  std::size_t interfaces_checked = 0;
  std::size_t walks = 0;
};

// Checks every ENI that holds a public IPv4 or an IPv6 address or is the target of a load
// balancer; `headers` narrows the packets (protocol, ports). `table`: the risk table as it
// applies (effective_risk_table()); null for the built-in one.
[[nodiscard]] ExposureReport exposure(Compiled& c, const bdd& headers = bddtrue,
                                      const model::RiskTable* table = nullptr);

}  // namespace cloudtwin::verify
