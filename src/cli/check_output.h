// Rendering the results of `cloudtwin check` (verify::CheckResult, from policies and access
// scopes) as text for people, a JSON document, SARIF 2.1.0 for code-scanning UIs and JUnit XML
// for CI dashboards. Failed and inconclusive results are findings (findings.h): rule
// `policy/NAME` (`access-scope/NAME`), which suppressions and baselines may silence.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cloudtwin/model/network.h"
#include "cloudtwin/verify/findings.h"
#include "findings.h"

namespace cloudtwin::cli {

// One file of assertions and what became of them. Locations of its results are in `path`.
struct CheckedFile {
  std::string path;
  std::string kind;  // "policy" or "access-scope"
  std::vector<verify::CheckResult> results;
};

// The failed and inconclusive results as findings, one per result in file and result order
// (the renderers below take them in that order).
std::vector<Finding> check_findings(const model::Network& n, const std::vector<CheckedFile>& files);
// One rule per assertion (passed ones too): `policy/NAME` or `access-scope/NAME`.
std::vector<FindingRule> check_rules(const std::vector<CheckedFile>& files);

struct CheckTotals {
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t inconclusive = 0;  // neither passed nor failed (CheckResult::inconclusive)
  std::size_t suppressed = 0;    // failed or inconclusive, silenced with a reason
  std::size_t baselined = 0;     // failed or inconclusive, and in the baseline
  [[nodiscard]] std::size_t checked() const {
    return passed + failed + inconclusive + suppressed + baselined;
  }
  // "5 assertions checked: 3 passed, 1 failed, 1 inconclusive, 1 suppressed"
  [[nodiscard]] std::string summary() const;
};
CheckTotals totals(const std::vector<CheckedFile>& files, const std::vector<Finding>& findings);

// `all_traces`: every counterexample trace in full, not only each failure's first.
std::string render_check_text(const model::Network& n, const std::vector<CheckedFile>& files,
                              const std::vector<Finding>& findings, bool all_traces);
nlohmann::json render_check_json(const model::Network& n, const std::vector<CheckedFile>& files,
                                 const std::vector<Finding>& findings);
std::string render_check_junit(const std::vector<CheckedFile>& files,
                               const std::vector<Finding>& findings);

}  // namespace cloudtwin::cli
