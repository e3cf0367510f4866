// `cloudtwin diff` as findings (findings.h): each row of changed packets is one, so the diff
// lands in code scanning (SARIF) and CI dashboards (JUnit), and baselines and suppressions work
// on it as on `exposure` and `check`. Rules: diff/new-exposure, diff/opened, diff/closed,
// diff/maybe-opened, diff/maybe-closed.
#pragma once

#include <string>
#include <vector>

#include "cloudtwin/model/network.h"
#include "diff_output.h"
#include "findings.h"

namespace cloudtwin::cli {

std::vector<FindingRule> diff_rules();

// One finding per row of `report`, in order (findings[i] is the i-th row of the sections,
// change by change). A new exposure is located on the security group rule that admits it; any
// other row on the first changed resource on its path, else on the resource it reaches.
// `failing` follows --fail-on (DiffReport::exit_status).
std::vector<Finding> diff_findings(const DiffReport& report, const model::Network& before,
                                   const model::Network& after, const std::string& fail_on);

}  // namespace cloudtwin::cli
