// The options every verb that reports findings shares (exposure, check, diff): --suppressions,
// --baseline and --write-baseline, read once and applied to the verb's findings (findings.h).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/model/network.h"
#include "cloudtwin/model/suppressions.h"
#include "findings.h"

namespace cloudtwin::cli {

struct FindingsOptions {
  std::vector<std::string> suppressions;  // --suppressions FILE, repeatable
  std::string baseline;                   // --baseline FILE
  std::string write_baseline;             // --write-baseline FILE
};
void add_findings_options(CLI::App& cmd, FindingsOptions& o);

// What the files of the options say, read before the analysis so that a bad file costs nothing.
struct Silencers {
  std::vector<model::Suppression> suppressions;
  std::optional<model::Baseline> baseline;
  std::string today;  // YYYY-MM-DD, for suppressions' `expires`
};
// Reads the suppression files and the baseline; false after printing every problem
// (file:line:column).
[[nodiscard]] bool read_silencers(const FindingsOptions& o, Silencers& out);
// --risk-table FILE (exposure, diff): the table as it applies (verify::effective_risk_table),
// the built-in one when `path` is empty; nullopt after printing every problem of the file.
[[nodiscard]] std::optional<model::RiskTable> risk_table_or_report(const std::string& path);

// Suppressions (tags of `network`, then the files), then the baseline.
void silence(std::vector<Finding>& findings, const Silencers& s, const model::Network& network,
             SilenceNotes& notes);
// --write-baseline: the findings not suppressed, written whole (output_file.h); true when not
// asked. False after printing why it could not be written.
[[nodiscard]] bool write_baseline_if_asked(const FindingsOptions& o,
                                           const std::vector<Finding>& findings,
                                           std::string_view verb,
                                           const std::vector<std::string>& inputs);
// The warnings of silencing and, with --baseline, how many findings it left out, on stderr.
void print_silence_notes(const SilenceNotes& notes, const FindingsOptions& o);

}  // namespace cloudtwin::cli
