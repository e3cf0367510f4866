#include "findings_options.h"

#include <iostream>

#include "cloudtwin/load/findings_files.h"
#include "cloudtwin/verify/risk_table.h"
#include "output_file.h"

namespace cloudtwin::cli {

void add_findings_options(CLI::App& cmd, FindingsOptions& o) {
  cmd.add_option("--suppressions", o.suppressions,
                 "Suppression file (docs/ci.md): findings it names are reported as suppressed, "
                 "with the reason, and do not fail the run; repeatable");
  cmd.add_option("--baseline", o.baseline,
                 "Report only findings not in this baseline (written by --write-baseline)")
      ->type_name("FILE");
  cmd.add_option("--write-baseline", o.write_baseline,
                 "Write the fingerprints of the findings (those not suppressed) to FILE");
}

std::optional<model::RiskTable> risk_table_or_report(const std::string& path) {
  if (path.empty()) return verify::default_risk_table();
  Diagnostics errors;
  auto read = load::read_risk_table(path, errors);
  if (!read || errors.has_errors()) {
    errors.sort();
    for (const auto& item : errors.items()) std::cerr << item.str() << "\n";
    return std::nullopt;
  }
  return verify::effective_risk_table(*read);
}

bool read_silencers(const FindingsOptions& o, Silencers& out) {
  Diagnostics errors;
  for (const auto& path : o.suppressions) {
    if (auto s = load::read_suppressions(path, errors)) {
      out.suppressions.insert(out.suppressions.end(), s->begin(), s->end());
    }
  }
  if (!o.baseline.empty()) out.baseline = load::read_baseline(o.baseline, errors);
  if (errors.has_errors()) {
    errors.sort();
    for (const auto& item : errors.items()) std::cerr << item.str() << "\n";
    return false;
  }
  out.today = today_utc();
  return true;
}

void silence(std::vector<Finding>& findings, const Silencers& s, const model::Network& network,
             SilenceNotes& notes) {
  apply_suppressions(findings, s.suppressions, network, s.today, notes);
  if (s.baseline) apply_baseline(findings, *s.baseline, notes);
}

bool write_baseline_if_asked(const FindingsOptions& o, const std::vector<Finding>& findings,
                             std::string_view verb, const std::vector<std::string>& inputs) {
  if (o.write_baseline.empty()) return true;
  return write_output_file(o.write_baseline, render_baseline(findings, verb), inputs);
}

void print_silence_notes(const SilenceNotes& notes, const FindingsOptions& o) {
  for (const auto& w : notes.warnings) std::cerr << w << "\n";
  if (!o.baseline.empty()) {
    std::cerr << notes.baselined << " finding" << (notes.baselined == 1 ? "" : "s")
              << " in the baseline " << o.baseline << " not reported\n";
  }
}

}  // namespace cloudtwin::cli
