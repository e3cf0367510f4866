// The readers of the files that shape findings (docs/ci.md, docs/exposure-risks.md): a risk
// table for `exposure` (`--risk-table`), a suppression file (`--suppressions`) and a baseline
// (`--baseline`, a JSON file `--write-baseline` wrote). Each reports every problem with
// file:line:column and a hint, returns nullopt if any was an error, and never throws on input.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/risk_table.h"
#include "cloudtwin/model/suppressions.h"

namespace cloudtwin::load {

[[nodiscard]] std::optional<model::RiskTable> read_risk_table_text(std::string_view text,
                                                                   const std::string& path,
                                                                   Diagnostics& diagnostics);
[[nodiscard]] std::optional<model::RiskTable> read_risk_table(const std::string& path,
                                                              Diagnostics& diagnostics);

[[nodiscard]] std::optional<std::vector<model::Suppression>> read_suppressions_text(
    std::string_view text, const std::string& path, Diagnostics& diagnostics);
[[nodiscard]] std::optional<std::vector<model::Suppression>> read_suppressions(
    const std::string& path, Diagnostics& diagnostics);

// The baseline's `schema` must be "cloudtwin/baseline/v1".
[[nodiscard]] std::optional<model::Baseline> read_baseline_text(std::string_view text,
                                                                const std::string& path,
                                                                Diagnostics& diagnostics);
[[nodiscard]] std::optional<model::Baseline> read_baseline(const std::string& path,
                                                           Diagnostics& diagnostics);

// A rule id of a risk table: lower-case letters, digits and `-`, starting with a letter.
[[nodiscard]] bool valid_rule_id(std::string_view id);

}  // namespace cloudtwin::load
