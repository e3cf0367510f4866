// `cloudtwin exposure NETWORK`: every network interface the internet reaches, with protocols,
// ports, source addresses and the path, most risky first; as text, JSON, SARIF 2.1.0 or JUnit
// XML, rated by the built-in risk table or `--risk-table FILE` (docs/exposure-risks.md), with
// suppressions and baselines (docs/ci.md).
#include <algorithm>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "cloudtwin/load/findings_files.h"
#include "cloudtwin/verify/exposure.h"
#include "commands.h"
#include "exposure_findings.h"
#include "findings_options.h"
#include "output_file.h"
#include "terminal.h"
#include "trace_output.h"
#include "verify_output.h"

namespace cloudtwin::cli {

namespace {
struct ExposureOptions {
  NetworkOptions network;
  HeaderOptions headers;
  std::string format = "text";
  bool json = false;
  bool traces = false;
  std::string fail_on;
  std::string output;
  std::string risk_table;
  FindingsOptions findings;
};

std::string upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

std::string render_text(const model::Network& network, const verify::ExposureReport& report,
                        const std::vector<Finding>& findings, bool traces) {
  std::ostringstream o;
  std::set<model::Index> exposed, maybe_exposed;
  for (const auto& x : report.exposures)
    (x.inconclusive ? maybe_exposed : exposed).insert(x.interface);
  // Findings are sorted by risk, so one interface's findings need not be adjacent.
  std::size_t count = report.exposures.size();
  std::size_t certain = static_cast<std::size_t>(
      std::count_if(report.exposures.begin(), report.exposures.end(),
                    [](const verify::Exposure& x) { return !x.inconclusive; }));
  o << "Exposure to the internet: " << certain << " finding" << (certain == 1 ? "" : "s") << " on "
    << exposed.size() << " network interface" << (exposed.size() == 1 ? "" : "s");
  if (certain < count) {
    o << ", " << count - certain << " inconclusive on " << maybe_exposed.size() << " interface"
      << (maybe_exposed.size() == 1 ? "" : "s");
  }
  o << " (" << report.interfaces_checked
    << " with a public IPv4 or IPv6 address or behind a load balancer checked, every packet)\n";
  std::size_t suppressed = 0, baselined = 0;
  for (std::size_t i = 0; i < report.exposures.size(); ++i) {
    const auto& x = report.exposures[i];
    const auto& f = findings[i];
    if (!f.active()) {
      (f.suppression ? suppressed : baselined) += 1;
      continue;
    }
    const std::string risk = upper(model::risk_name(x.risk));
    o << "\n" << paint_risk(risk) << std::string(10 - risk.size(), ' ')
      << interface_label(network, x.interface) << ": "
      << (x.inconclusive ? paint("MAYBE", Tone::kUnsure) + " (inconclusive) " : "") << x.reason << "\n";
    if (!x.via.empty()) o << "          through " << x.via << "\n";
    o << "          " << row_text(x.row, false) << "\n"
      << "          path: " << path_text(x.trace) << "\n";
    if (x.inconclusive) o << "          unknown: " << unknown_text(x.trace) << "\n";
    if (f.location.known()) {
      o << "          at: " << f.location.str()
        << (f.location.what.empty() ? "" : " (" + f.location.what + ")") << "\n";
    }
    o << "          rule: " << f.rule << "\n";
    if (traces) {
      o << render_trace_text(x.trace, "internet", network.network_interfaces[x.interface].id);
    }
  }
  if (suppressed) {
    o << "\nSuppressed (" << suppressed << "), not counted for --fail-on:\n";
    for (std::size_t i = 0; i < report.exposures.size(); ++i) {
      const auto& f = findings[i];
      if (!f.suppression) continue;
      const auto& x = report.exposures[i];
      o << "  " << model::risk_name(x.risk) << " " << interface_label(network, x.interface) << ": "
        << x.reason << " [" << f.rule << "]\n    reason: " << f.suppression->justification
        << " (" << f.suppression->where.str() << ")\n";
    }
  }
  if (baselined) {
    o << "\n" << baselined << " finding" << (baselined == 1 ? "" : "s")
      << " in the baseline not listed\n";
  }
  return o.str();
}

}  // namespace

Runner add_exposure_command(CLI::App& app) {
  auto o = std::make_shared<ExposureOptions>();
  auto* cmd = app.add_subcommand(
      "exposure", "Every network interface the internet can reach, with ports and path, by risk");
  add_network_options(*cmd, o->network);
  cmd->add_option("--protocol", o->headers.protocol, "Only this protocol");
  cmd->add_option("--port", o->headers.port, "Only these destination ports");
  cmd->add_option("--fail-on", o->fail_on,
                  "Exit 1 if anything at this risk or above is exposed (and neither suppressed nor "
                  "in the baseline): low, medium, high, critical");
  cmd->add_option("--format", o->format, "Output: text, json, sarif (code scanning), junit (CI)")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit"}));
  cmd->add_flag("--json", o->json, "Same as --format json");
  cmd->add_flag("--traces", o->traces, "Text: print an example trace for every exposure");
  cmd->add_option("--output,-o", o->output, "Write the report to FILE instead of stdout");
  cmd->add_option("--risk-table", o->risk_table,
                  "Risk table (YAML, docs/exposure-risks.md) replacing the built-in one, or "
                  "extending it with `extends: default`");
  add_findings_options(*cmd, o->findings);
  return [o]() {
    if (o->json) o->format = "json";
    std::optional<verify::Risk> fail_on;
    if (!o->fail_on.empty()) {
      fail_on = model::parse_risk(o->fail_on);
      if (!fail_on) return usage_error("--fail-on: unknown risk `" + o->fail_on + "`",
                                       "low, medium, high or critical");
    }
    // The files that shape the findings are read first: a mistake in one costs no analysis.
    const auto risk_table = risk_table_or_report(o->risk_table);
    if (!risk_table) return kExitBadInput;
    const model::RiskTable& table = *risk_table;
    Silencers silencers;
    if (!read_silencers(o->findings, silencers)) return kExitBadInput;

    model::Network network;
    Diagnostics diagnostics;
    if (!load_or_report(o->network, network, diagnostics, false)) return kExitBadInput;
    auto options = make_reach_options(o->headers);
    if (!options) return kExitBadInput;
    verify::Compiled compiled(network);
    auto report = verify::exposure(compiled, options->headers, &table);

    std::vector<Finding> findings;
    findings.reserve(report.exposures.size());
    for (const auto& x : report.exposures) {
      findings.push_back(exposure_finding(network, x, !fail_on || x.risk >= *fail_on));
    }
    SilenceNotes notes;
    silence(findings, silencers, network, notes);
    auto inputs = o->network.paths;
    if (!o->risk_table.empty()) inputs.push_back(o->risk_table);
    for (const auto& s : o->findings.suppressions) inputs.push_back(s);
    if (!write_baseline_if_asked(o->findings, findings, "exposure", o->network.paths)) {
      return kExitBadInput;
    }

    // --fail-on: a certain exposure at that risk fails; a possible one (inconclusive) makes
    // the answer inconclusive unless a certain one fails it. Silenced findings count for neither.
    bool failed = false;
    bool doubtful = false;
    for (std::size_t i = 0; i < report.exposures.size(); ++i) {
      const auto& x = report.exposures[i];
      if (!fail_on || x.risk < *fail_on || !findings[i].active()) continue;
      (x.inconclusive ? doubtful : failed) = true;
    }

    std::string out;
    if (o->format == "json") {
      std::set<model::Index> exposed;
      for (const auto& x : report.exposures) {
        if (!x.inconclusive) exposed.insert(x.interface);
      }
      nlohmann::json j;
      j["schema"] = "cloudtwin/exposure/v1";
      j["interfaces_checked"] = report.interfaces_checked;
      j["interfaces_exposed"] = exposed.size();
      j["suppressed"] = notes.suppressed;
      j["baselined"] = notes.baselined;
      j["exposures"] = nlohmann::json::array();
      for (const auto& f : findings) {
        if (f.baselined) continue;
        auto r = f.properties;
        r["rule"] = f.rule;
        r["fingerprint"] = f.fingerprint;
        if (f.location.known()) {
          r["location"] = {{"file", f.location.file}, {"what", f.location.what}};
          if (f.location.line) {
            r["location"]["line"] = f.location.line;
            r["location"]["column"] = f.location.column;
          }
        }
        if (f.suppression) {
          r["suppressed"] = {{"reason", f.suppression->justification},
                             {"by", f.suppression->where.str()}};
        }
        j["exposures"].push_back(std::move(r));
      }
      out = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    } else if (o->format == "sarif") {
      SarifOptions sarif{"exposure", inputs, silencers.baseline.has_value(), notes.warnings};
      out = render_sarif(exposure_rules(table), findings, sarif)
                .dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
            "\n";
    } else if (o->format == "junit") {
      JUnitSuite suite{"cloudtwin exposure", o->network.paths.empty() ? "" : o->network.paths[0], {}};
      for (const auto& f : findings) {
        if (!f.baselined) suite.cases.push_back(junit_case(f));
      }
      if (suite.cases.empty()) {
        JUnitCase c;
        c.name = "no exposure to the internet";
        c.classname = "exposure";
        c.body = std::to_string(report.interfaces_checked) +
                 " network interfaces with a public address or behind a load balancer checked\n";
        suite.cases.push_back(std::move(c));
      }
      out = render_junit("cloudtwin exposure", {suite});
    } else {
      out = render_text(network, report, findings, o->traces);
    }
    print_silence_notes(notes, o->findings);
    if (o->output.empty()) {
      std::cout << out;
    } else {
      if (!write_output_file(o->output, out, inputs)) return kExitBadInput;
      std::cerr << "exposure: " << findings.size() << " finding" << (findings.size() == 1 ? "" : "s")
                << " (" << notes.suppressed << " suppressed, " << notes.baselined
                << " in the baseline); report in " << o->output << "\n";
    }
    if (failed) return kExitNegative;
    return doubtful ? kExitInconclusive : kExitOk;
  };
}

}  // namespace cloudtwin::cli
