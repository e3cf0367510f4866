// The built-in risk table of `cloudtwin exposure` (docs/exposure-risks.md) and the rating of one
// exposed row against a table: the risk, the rule id and the reason a finding shows.
#pragma once

#include <string>
#include <vector>

#include "cloudtwin/model/risk_table.h"

namespace cloudtwin::verify {

using model::Risk;
using model::risk_name;

// The defaults: remote administration, databases, caches and cluster admin ports, following
// CIS AWS Foundations, AWS Security Hub EC2.13/EC2.14/EC2.19 and AWS Config
// restricted-common-ports (sources in docs/exposure-risks.md).
[[nodiscard]] const model::RiskTable& default_risk_table();

// `table` as it applies: with `extends: default`, its entries then the built-in ones.
[[nodiscard]] model::RiskTable effective_risk_table(const model::RiskTable& table);

struct RiskRating {
  Risk risk = Risk::kLow;
  std::string rule;    // "ssh-open", from the entry (or fallback) that decided
  std::string reason;  // "SSH (tcp 22) open to the whole internet"
  const model::RiskEntry* entry = nullptr;  // null when a fallback decided
};

// The risk of packets of `protocols` (numbers, as ranges) to `ports` (tcp/udp; empty: every
// port) open to the whole internet or to part of it (one level lower). `protocol_text` names the
// protocols in the reason ("tcp", "47").
[[nodiscard]] RiskRating rate(const model::RiskTable& table,
                              const std::vector<std::pair<int, int>>& protocols,
                              const std::string& protocol_text, const std::vector<PortRange>& ports,
                              bool whole_internet);

}  // namespace cloudtwin::verify
