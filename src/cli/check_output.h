// Rendering the results of `cloudtwin check` (verify::CheckResult, from policies and access
// scopes) as text for people, a JSON document, SARIF 2.1.0 for code-scanning UIs and JUnit XML
// for CI dashboards.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cloudtwin/model/network.h"
#include "cloudtwin/verify/findings.h"

namespace cloudtwin::cli {

// One file of assertions and what became of them. Locations of its results are in `path`.
struct CheckedFile {
  std::string path;
  std::string kind;  // "policy" or "access-scope"
  std::vector<verify::CheckResult> results;
};

struct CheckTotals {
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t inconclusive = 0;  // neither passed nor failed (CheckResult::inconclusive)
  [[nodiscard]] std::size_t checked() const { return passed + failed + inconclusive; }
  // "5 assertions checked: 3 passed, 1 failed, 1 inconclusive"
  [[nodiscard]] std::string summary() const;
};
CheckTotals totals(const std::vector<CheckedFile>& files);

// `all_traces`: every counterexample trace in full, not only each failure's first.
std::string render_check_text(const model::Network& n, const std::vector<CheckedFile>& files,
                              bool all_traces);
nlohmann::json render_check_json(const model::Network& n, const std::vector<CheckedFile>& files);
nlohmann::json render_check_sarif(const model::Network& n, const std::vector<CheckedFile>& files);
std::string render_check_junit(const model::Network& n, const std::vector<CheckedFile>& files);

// Text with &, <, >, " and ' escaped and the characters XML 1.0 forbids replaced.
std::string xml_escape(std::string_view text);

}  // namespace cloudtwin::cli
