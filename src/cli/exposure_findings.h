// An exposure to the internet (verify::Exposure) as a finding (findings.h): rule
// `exposure/<risk table rule>`, located on the security group rule that admits the packets, and
// the rules of a risk table as SARIF rules. `exposure` uses these; `diff` may, for new exposure.
#pragma once

#include <string>
#include <vector>

#include "cloudtwin/model/network.h"
#include "cloudtwin/model/risk_table.h"
#include "cloudtwin/verify/exposure.h"
#include "findings.h"

namespace cloudtwin::cli {

// The ingress security group rule that admits the exposure's packets from the internet (at the
// first security group of its example trace's forward path: a load balancer's, for a target
// behind one), matched against the row's own protocol and first port (a row's example trace may
// be of another protocol of the same flow); and its group. Nulls when the path passes no group
// (a Gateway Load Balancer endpoint, an unfiltered node).
struct AdmittingRule {
  const model::SecurityGroup* group = nullptr;
  const model::SecurityGroupRule* rule = nullptr;
  std::string text;  // "allow tcp 22 from 0.0.0.0/0"
};
AdmittingRule admitting_rule(const model::Network& n, const verify::Exposure& x);
// The same for the packet of `trace` itself (or, given `row`, the row's protocol and first port;
// given `target`, the target interface's other groups are tried too).
AdmittingRule admitting_rule(const model::Network& n, const vpc::Trace& trace,
                             const verify::Row* row = nullptr, model::Index target = model::kNone);

// The finding of one exposure. `failing`: whether it counts for the exit status.
Finding exposure_finding(const model::Network& n, const verify::Exposure& x, bool failing);

// One SARIF rule per rule id of `table` (entries, then the two fallbacks).
std::vector<FindingRule> exposure_rules(const model::RiskTable& table);

}  // namespace cloudtwin::cli
