// `cloudtwin diff BEFORE... --after AFTER...` (or `cloudtwin diff plan.json`): what a change
// opens and closes, exactly. Both networks answer the same questions (reach.h) and the
// difference of the answers is listed as rows of packets, each with one packet traced in both
// networks and the resource changes on its path. Exit 0 when reachability did not change, 1
// when it did (--fail-on), 2 on bad input, 3 when the change depends on what cloudtwin cannot
// know.
#include <algorithm>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "cloudtwin/load/load.h"
#include "cloudtwin/load/network_changes.h"
#include "cloudtwin/verify/diff.h"
#include "cloudtwin/verify/exposure.h"
#include "cloudtwin/verify/risk_table.h"
#include "commands.h"
#include "diff_findings.h"
#include "diff_output.h"
#include "findings_options.h"
#include "output_file.h"
#include "trace_output.h"
#include "verify_output.h"

namespace cloudtwin::cli {

namespace {

struct DiffCommandOptions {
  NetworkOptions network;  // the network before (or the plan)
  std::vector<std::string> after;
  std::string from;
  std::string to;
  HeaderOptions headers;
  std::string format = "text";
  bool json = false;
  bool traces = false;
  std::string fail_on = "any";
  std::string output;
  int max_rows = 20;
  FindingsOptions findings;
  bool egress = false;
  std::string risk_table;
};

// A new exposure is rated as `exposure` rates it (risk_table.h): its risk, reason and rule.
void rank(DiffRow& row, const std::string& kind, const model::RiskTable& table) {
  if (kind != "exposure" || row.change != "opened") return;
  const bool whole = row.row.sources_label.starts_with("the internet");
  const auto rating = verify::rate(table, row.row.protocols, row.row.protocol,
                                   row.row.destination_ports, whole);
  row.risk = rating.risk;
  row.reason = rating.reason;
}

// The ids and names on a trace's path: its hops, the security groups of their rules and what
// its explanations name.
std::set<std::string> path_names(const vpc::Trace& t) {
  std::set<std::string> out;
  for (const auto* hops : {&t.forward, &t.reverse}) {
    for (const auto& h : *hops) {
      out.insert(h.component_id);
      out.insert(h.component_name);
      if (h.rule && !h.rule->security_group.empty()) out.insert(h.rule->security_group);
      if (h.rule && !h.rule->target.empty()) out.insert(h.rule->target);
    }
  }
  for (const auto* list : {&t.explanations, &t.unknowns}) {
    for (const auto& e : *list) out.insert(e.component_id);
  }
  out.erase("");
  return out;
}

// The changed resources a row's packets meet in either network: on either trace's path, or a
// security group or network ACL its class's verdict depends on.
std::vector<std::size_t> causes(const verify::Flow& f, const std::optional<vpc::Trace>& other,
                                const model::Network& in,
                                const std::vector<load::ResourceChange>& changes) {
  auto names = path_names(f.trace);
  if (other) names.merge(path_names(*other));
  for (auto g : f.security_groups) names.insert(in.security_groups[g].id);
  for (auto a : f.network_acls) names.insert(in.network_acls[a].id);
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    for (const auto& n : names) {
      if (changes[i].names(n)) {
        out.push_back(i);
        break;
      }
    }
  }
  return out;
}

DiffReport build_report(const std::vector<verify::SectionDiff>& sections,
                        const model::Network& before, const model::Network& after,
                        std::vector<load::ResourceChange> changes, const model::RiskTable& table) {
  DiffReport report;
  report.changes = std::move(changes);
  for (const auto& s : sections) {
    DiffSectionRows out;
    out.kind = s.kind;
    out.from = s.from;
    out.to = s.to;
    out.truncated = s.diff.truncated;
    auto add = [&](const verify::Change& c, const char* change, const model::Network& in) {
      for (auto& r : c.rows()) {
        DiffRow row;
        row.change = change;
        const std::size_t i = c.flow_of(r);
        const auto& flow = c.result.flows[i];
        row.trace = flow.trace;
        row.other = c.other[i];
        row.missing = c.missing[i];
        row.uncertain = (flow.packets & c.uncertain) != bddfalse;
        row.causes = causes(flow, row.other, in, report.changes);
        row.in_after = &in == &after;
        row.row = std::move(r);
        row.row.example = nullptr;
        row.json = row_json(in, row.row);
        rank(row, s.kind, table);
        out.rows.push_back(std::move(row));
      }
    };
    add(s.diff.opened, "opened", after);
    add(s.diff.closed, "closed", before);
    add(s.diff.maybe_opened, "maybe-opened", after);
    add(s.diff.maybe_closed, "maybe-closed", before);
    report.sections.push_back(std::move(out));
  }
  return report;
}

}  // namespace

Runner add_diff_command(CLI::App& app) {
  auto o = std::make_shared<DiffCommandOptions>();
  auto* cmd = app.add_subcommand(
      "diff",
      "What a change opens and closes: the packets that reach in one network and not the other, "
      "proven, with the resource changes that caused them");
  add_network_options(*cmd, o->network);
  cmd->add_option("--after", o->after,
                  "The network after the change (files or folders, as NETWORK); without it, "
                  "NETWORK is one Terraform plan whose prior_state is before and planned_values "
                  "after");
  cmd->add_option("--from", o->from, "Only packets from this party (as `reach --from`)");
  cmd->add_option("--to", o->to, "Only packets to this party (as `reach --to`)");
  cmd->add_flag("--egress", o->egress,
                "Also compare what every network interface reaches on the internet (one walk per "
                "interface: the slowest question)");
  cmd->add_option("--protocol", o->headers.protocol, "Only this protocol");
  cmd->add_option("--port", o->headers.port, "Only these destination ports");
  cmd->add_option("--source-port", o->headers.source_port,
                  "Source port, range or `any`; default the source's ephemeral ports");
  cmd->add_option("--format", o->format,
                  "Output: text, json, markdown (a pull-request comment), sarif (code scanning), "
                  "junit (CI)")
      ->check(CLI::IsMember({"text", "json", "markdown", "sarif", "junit"}));
  add_findings_options(*cmd, o->findings);
  cmd->add_option("--risk-table", o->risk_table,
                  "Risk table for new exposure (YAML, docs/exposure-risks.md), as `exposure` takes it")
      ->type_name("FILE");
  cmd->add_flag("--json", o->json, "Same as --format json");
  cmd->add_flag("--traces", o->traces, "Text: print both traces of every row in full");
  cmd->add_option("--fail-on", o->fail_on,
                  "Exit 1 on: any (any change, the default), opened (new access), new-exposure "
                  "(new access from the internet), never")
      ->check(CLI::IsMember({"any", "opened", "new-exposure", "never"}));
  cmd->add_option("--output,-o", o->output, "Write the report to FILE instead of stdout");
  cmd->add_option("--max-rows", o->max_rows, "Rows printed per section in text and markdown; 0 for all")
      ->check(CLI::Range(0, 1000000));
  return [o]() {
    if (o->json) o->format = "json";
    if (o->from.empty() != o->to.empty())
      return usage_error("--from and --to go together", "give both, or neither for every question");
    NetworkOptions before_options = o->network;
    NetworkOptions after_options = o->network;
    bool plan = false;
    if (o->after.empty()) {
      if (o->network.paths.size() != 1 ||
          load::detect_format(o->network.paths.front()) != load::Format::kTerraform) {
        return usage_error("no network after the change",
                           "give `--after FILE...`, or one Terraform plan (`terraform show -json "
                           "plan.out > plan.json`) whose prior_state is the network before");
      }
      plan = true;
      before_options.terraform_prior_state = true;
    } else {
      after_options.paths = o->after;
    }
    const auto table = risk_table_or_report(o->risk_table);
    if (!table) return kExitBadInput;
    Silencers silencers;
    if (!read_silencers(o->findings, silencers)) return kExitBadInput;
    model::Network before, after;
    Diagnostics db, da;
    if (!load_or_report(before_options, before, db, false)) return kExitBadInput;
    if (!load_or_report(after_options, after, da, false)) return kExitBadInput;
    auto options = make_reach_options(o->headers);
    if (!options) return kExitBadInput;

    verify::Compiled cb(before), ca(after);
    auto changes = load::network_changes(before, after);
    // Only rule lists changed (the usual pull request): the answers before are brought up to
    // date for the changed lists instead of answering the network after from scratch.
    const bool rules_only = std::all_of(changes.begin(), changes.end(), [](const auto& c) {
      return c.action == load::ResourceChange::Action::kChanged &&
             (c.section == "security_groups" || c.section == "network_acls");
    });
    std::vector<verify::SectionDiff> sections;
    if (!o->from.empty()) {
      // A party of only one network is empty in the other; of neither, a mistake.
      auto side = [&](verify::Compiled& c) {
        verify::DiffSide s{&c, verify::parse_party(c.network(), o->from).party,
                           verify::parse_party(c.network(), o->to).party};
        return s;
      };
      verify::DiffSide sb = side(cb), sa = side(ca);
      for (const auto& [text, b, a, flag] :
           {std::tuple{o->from, sb.from.has_value(), sa.from.has_value(), "--from"},
            std::tuple{o->to, sb.to.has_value(), sa.to.has_value(), "--to"}}) {
        if (!b && !a) {
          auto p = verify::parse_party(after, text);
          return usage_error(std::string(flag) + ": " + p.error + " (in neither network)", p.hint);
        }
      }
      verify::SectionDiff s;
      s.kind = "query";
      s.from = o->from;
      s.to = o->to;
      std::optional<verify::PairDiff> fast;
      if (rules_only) fast = verify::diff_reach_incremental(before, sb, sa, *options);
      s.diff = fast ? std::move(*fast) : verify::diff_reach(sb, sa, *options);
      sections.push_back(std::move(s));
    } else {
      verify::NetworkDiffOptions network;
      network.egress = o->egress;
      if (rules_only) network.rule_changes = verify::changed_rule_lists(before, after);
      sections = verify::diff_networks(cb, ca, *options, network);
    }
    DiffReport report = build_report(sections, before, after, std::move(changes), *table);
    report.before = plan ? std::vector<std::string>{o->network.paths.front() + " (prior_state)"}
                         : o->network.paths;
    report.after = plan ? std::vector<std::string>{o->network.paths.front() + " (planned_values)"}
                        : o->after;
    report.max_rows = static_cast<std::size_t>(o->max_rows);
    if (o->from.empty() && !o->egress)
      report.not_asked.push_back("every network interface to the internet (--egress compares it)");

    // Every row as a finding: silenced by suppressions (the after network's tags, the files) and
    // the baseline, located for SARIF.
    auto findings = diff_findings(report, before, after, o->fail_on);
    SilenceNotes notes;
    silence(findings, silencers, after, notes);
    std::size_t i = 0;
    for (auto& s : report.sections) {
      for (auto& row : s.rows) {
        const auto& f = findings[i++];
        if (f.suppression) row.silenced = "suppressed: " + f.suppression->justification;
        if (f.baselined) row.silenced = "in the baseline";
      }
    }
    auto inputs = o->network.paths;
    inputs.insert(inputs.end(), o->after.begin(), o->after.end());
    if (!write_baseline_if_asked(o->findings, findings, "diff", inputs)) return kExitBadInput;
    print_silence_notes(notes, o->findings);

    std::string text;
    if (o->format == "sarif") {
      SarifOptions so;
      so.verb = "diff";
      so.inputs = inputs;
      so.baseline_given = !o->findings.baseline.empty();
      so.notifications = notes.warnings;
      text = render_sarif(diff_rules(), findings, so).dump(2, ' ', false,
                                                          nlohmann::json::error_handler_t::replace) +
             "\n";
    } else if (o->format == "junit") {
      std::vector<JUnitSuite> suites;
      std::size_t k = 0;
      for (const auto& s : report.sections) {
        JUnitSuite suite{s.kind + ": " + s.from + " -> " + s.to, "", {}};
        for (std::size_t r = 0; r < s.rows.size(); ++r) suite.cases.push_back(junit_case(findings[k++]));
        suites.push_back(std::move(suite));
      }
      if (suites.empty()) {
        JUnitCase unchanged;
        unchanged.name = "reachability unchanged";
        unchanged.classname = "diff";
        unchanged.body = report.summary();
        suites.push_back({"cloudtwin diff", "", {unchanged}});
      }
      text = render_junit("cloudtwin diff", suites);
    } else if (o->format == "json") {
      text = render_diff_json(report).dump(2) + "\n";
    } else if (o->format == "markdown") {
      text = render_diff_markdown(report);
    } else {
      text = render_diff_text(report, o->traces);
    }
    if (o->output.empty()) {
      std::cout << text;
    } else {
      if (!write_output_file(o->output, text, inputs)) return kExitBadInput;
      std::cerr << report.summary() << "; report in " << o->output << "\n";
    }
    return report.exit_status(o->fail_on);
  };
}

}  // namespace cloudtwin::cli
