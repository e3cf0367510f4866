// `cloudtwin check NETWORK --policy POLICY.yaml`: every rule of every policy checked for all
// packets; a failure comes with the offending packets and a counterexample trace. Exit 0 when
// every assertion holds, 1 on any violation, 2 on a bad network, policy or name. Suppressed
// violations and those in `--baseline` do not count.
#include <iostream>
#include <memory>

#include "check_output.h"
#include "cloudtwin/load/access_scope.h"
#include "cloudtwin/load/policy.h"
#include "cloudtwin/verify/access_scope.h"
#include "cloudtwin/verify/policy_check.h"
#include "commands.h"
#include "findings_options.h"
#include "output_file.h"

namespace cloudtwin::cli {

namespace {
struct CheckCommandOptions {
  NetworkOptions network;
  std::vector<std::string> policies;
  std::vector<std::string> scopes;
  std::string format = "text";
  bool json = false;
  bool traces = false;
  std::string output;
  std::size_t max_rows = 10;
  FindingsOptions findings;
};

void print_errors(Diagnostics& d) {
  d.sort();
  for (const auto& item : d.items()) std::cerr << item.str() << "\n";
}
}  // namespace

Runner add_check_command(CLI::App& app) {
  auto o = std::make_shared<CheckCommandOptions>();
  auto* cmd = app.add_subcommand(
      "check",
      "Check policies (isolated, reachable, only, through) for all packets; exit 1 on "
      "a violation");
  add_network_options(*cmd, o->network);
  cmd->add_option("--policy", o->policies, "Policy file (docs/policies.md); repeatable");
  cmd->add_option("--scope", o->scopes,
                  "Network Access Analyzer access scope JSON (docs/access-scopes.md); repeatable");
  cmd->add_option("--format", o->format, "Output: text, json, sarif (code scanning), junit (CI)")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit"}));
  cmd->add_flag("--json", o->json, "Same as --format json");
  cmd->add_flag("--traces", o->traces, "Text: print every counterexample trace in full");
  cmd->add_option("--output,-o", o->output, "Write the report to FILE instead of stdout");
  cmd->add_option("--max-rows", o->max_rows, "Rows (each with a trace) kept per failed rule")
      ->check(CLI::Range(1, 1000));
  add_findings_options(*cmd, o->findings);
  return [o]() {
    if (o->json) o->format = "json";
    if (o->policies.empty() && o->scopes.empty()) {
      return usage_error("nothing to check", "give --policy FILE or --scope FILE");
    }
    Silencers silencers;
    if (!read_silencers(o->findings, silencers)) return kExitBadInput;
    model::Network network;
    Diagnostics diagnostics;
    if (!load_or_report(o->network, network, diagnostics, false)) return kExitBadInput;

    // Every policy is read (and every name resolved) before anything is checked, so one run
    // reports every problem of every file.
    Diagnostics policy_errors;
    std::vector<model::Policy> policies;
    for (const auto& path : o->policies) {
      if (auto p = load::read_policy(path, policy_errors)) policies.push_back(std::move(*p));
    }
    std::vector<std::pair<std::string, model::AccessScope>> scopes;
    for (const auto& path : o->scopes) {
      if (auto s = load::read_access_scope(path, policy_errors)) scopes.emplace_back(path, std::move(*s));
    }
    if (policy_errors.has_errors()) {
      print_errors(policy_errors);
      return kExitBadInput;
    }
    verify::Compiled compiled(network);
    verify::PolicyCheckOptions options;
    options.max_rows = o->max_rows;
    std::vector<CheckedFile> files;
    for (const auto& p : policies) {
      files.push_back(
          {p.path, "policy", verify::check_policy(compiled, p, policy_errors, options)});
    }
    for (const auto& [path, scope] : scopes) {
      files.push_back(
          {path, "access-scope", verify::check_access_scope(compiled, scope, policy_errors)});
    }
    if (policy_errors.has_errors()) {
      print_errors(policy_errors);
      return kExitBadInput;
    }

    auto findings = check_findings(network, files);
    SilenceNotes notes;
    silence(findings, silencers, network, notes);
    auto inputs = o->network.paths;
    inputs.insert(inputs.end(), o->policies.begin(), o->policies.end());
    inputs.insert(inputs.end(), o->scopes.begin(), o->scopes.end());
    if (!write_baseline_if_asked(o->findings, findings, "check", inputs)) return kExitBadInput;

    std::string report;
    if (o->format == "json") {
      report = render_check_json(network, files, findings)
                   .dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
      report += "\n";
    } else if (o->format == "sarif") {
      SarifOptions sarif{"check", inputs, !o->findings.baseline.empty(), notes.warnings};
      report = render_sarif(check_rules(files), findings, sarif)
                   .dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
      report += "\n";
    } else if (o->format == "junit") {
      report = render_check_junit(files, findings);
    } else {
      report = render_check_text(network, files, findings, o->traces);
    }
    print_silence_notes(notes, o->findings);
    if (o->output.empty()) {
      std::cout << report;
    } else {
      if (!write_output_file(o->output, report, inputs)) return kExitBadInput;
      // A short verdict still goes to the terminal when the report goes to a file.
      std::cerr << totals(files, findings).summary() << "; report in " << o->output << "\n";
    }
    const auto all = totals(files, findings);
    if (all.failed > 0) return kExitNegative;
    return all.inconclusive > 0 ? kExitInconclusive : kExitOk;
  };
}

}  // namespace cloudtwin::cli
