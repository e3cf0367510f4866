#include "check_output.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "terminal.h"
#include "trace_output.h"
#include "verify_output.h"

namespace cloudtwin::cli {

namespace {

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (!line.empty()) out += prefix;
    out += line;
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string location_text(const std::string& path, const Location& at) {
  std::string out = path;
  if (at.line) out += ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
  return out;
}

std::string end_label(const model::Network& n, model::Index eni, IpAddress address) {
  return eni == model::kNone ? address.str() : interface_label(n, eni);
}

std::string trace_text(const model::Network& n, const verify::Row& row, const vpc::Trace& t) {
  return render_trace_text(t, end_label(n, row.source_interface, t.header.src),
                           end_label(n, row.destination_interface, t.header.dst));
}

// The rows of a failure, each with its path (or where it was blocked) and, for the first row
// (every row with `all_traces`), the whole trace.
std::string rows_text(const model::Network& n, const verify::CheckResult& r, bool all_traces) {
  std::string out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    const auto& row = r.rows[i];
    out += std::to_string(i + 1) + ". " + row_text(row, false) + "\n";
    if (i < r.paths.size() && !r.paths[i].empty()) {
      std::string path;
      for (const auto& c : r.paths[i]) path += (path.empty() ? "" : " -> ") + c;
      out += "   path: " + path + "\n";
    }
    if (i >= r.counterexamples.size()) continue;
    const auto& t = r.counterexamples[i];
    switch (t.verdict) {
      case vpc::Verdict::kReachable: out += "   path: " + path_text(t) + "\n"; break;
      case vpc::Verdict::kBlocked: out += "   blocked: " + blocked_text(t) + "\n"; break;
      case vpc::Verdict::kInconclusive: out += "   unknown: " + unknown_text(t) + "\n"; break;
    }
    if (i == 0 || all_traces) out += indent(trace_text(n, row, t), "   ");
  }
  return out;
}

// Everything about one failed result, for a JUnit <failure> body or a SARIF message.
std::string failure_text(const model::Network& n, const verify::CheckResult& r, bool all_traces) {
  return r.description + "\n" + r.message + "\n" + rows_text(n, r, all_traces);
}

std::string rule_prefix(const CheckedFile& f) {
  return f.kind == "access-scope" ? "access-scope/" : "policy/";
}

std::string kind_summary(const std::string& kind) {
  static const std::map<std::string, std::string> kSummaries = {
      {"isolated",
       "Nothing reaches: no packet of the rule's protocol and ports gets from the "
       "sources to the destinations."},
      {"reachable",
       "Every packet of the rule's protocol and ports gets from every source to "
       "every destination, and its reply returns."},
      {"only", "What reaches lies within the rule's `allow` list."},
      {"through", "Every packet that reaches passes through one of the rule's waypoints."},
      {"access-scope", "No path matches the Network Access Analyzer access scope."},
  };
  auto it = kSummaries.find(kind);
  return it == kSummaries.end() ? "A cloudtwin assertion about " + kind + "." : it->second;
}

nlohmann::json location_json(const std::string& path, const Location& at) {
  nlohmann::json j{{"file", path}};
  if (at.line) {
    j["line"] = at.line;
    j["column"] = at.column;
  }
  return j;
}

}  // namespace

CheckTotals totals(const std::vector<CheckedFile>& files, const std::vector<Finding>& findings) {
  CheckTotals t;
  std::size_t k = 0;
  for (const auto& f : files) {
    for (const auto& r : f.results) {
      if (r.passed) {
        ++t.passed;
        continue;
      }
      const Finding* x = k < findings.size() ? &findings[k] : nullptr;
      ++k;
      if (x && x->suppression) {
        ++t.suppressed;
      } else if (x && x->baselined) {
        ++t.baselined;
      } else {
        ++(r.inconclusive ? t.inconclusive : t.failed);
      }
    }
  }
  return t;
}

std::string CheckTotals::summary() const {
  std::string out = std::to_string(checked()) + " assertion" + (checked() == 1 ? "" : "s") +
                    " checked: " + std::to_string(passed) + " passed, " + std::to_string(failed) +
                    " failed";
  if (inconclusive) out += ", " + std::to_string(inconclusive) + " inconclusive";
  if (suppressed) out += ", " + std::to_string(suppressed) + " suppressed";
  if (baselined) out += ", " + std::to_string(baselined) + " in the baseline";
  return out;
}

std::string render_check_text(const model::Network& n, const std::vector<CheckedFile>& files,
                              const std::vector<Finding>& findings, bool all_traces) {
  std::ostringstream o;
  std::size_t k = 0;
  for (const auto& f : files) {
    for (const auto& r : f.results) {
      const Finding* x = nullptr;
      if (!r.passed && k < findings.size()) x = &findings[k++];
      if (x && x->baselined) continue;  // counted in the summary
      if (x && x->suppression) {
        o << "SUPPRESSED " << location_text(f.path, r.at) << " " << r.id << " [" << r.kind
          << "]: " << x->suppression->justification << " (" << x->suppression->where.str()
          << ")\n";
        continue;
      }
      o << (r.passed         ? paint("PASS", Tone::kGood)
            : r.inconclusive ? paint("INCONCLUSIVE", Tone::kUnsure)
                             : paint("FAIL", Tone::kBad))
        << " "
        << location_text(f.path, r.at) << " " << r.id << " [" << r.kind << "]";
      if (r.passed) {
        o << ": " << r.message << "\n";
        continue;
      }
      o << "\n" << indent(failure_text(n, r, all_traces), "  ") << "\n";
    }
  }
  o << "\n" << totals(files, findings).summary() << "\n";
  return o.str();
}

nlohmann::json render_check_json(const model::Network& n, const std::vector<CheckedFile>& files,
                                 const std::vector<Finding>& findings) {
  nlohmann::json j;
  const auto t = totals(files, findings);
  j["schema"] = "cloudtwin/check/v1";
  j["passed"] = t.failed == 0 && t.inconclusive == 0;
  j["assertions"] = t.checked();
  j["failures"] = t.failed;
  j["inconclusive"] = t.inconclusive;
  j["suppressed"] = t.suppressed;
  j["baselined"] = t.baselined;
  j["files"] = nlohmann::json::array();
  std::size_t k = 0;
  for (const auto& f : files) {
    nlohmann::json jf{{"path", f.path}, {"kind", f.kind}, {"results", nlohmann::json::array()}};
    for (const auto& r : f.results) {
      const Finding* x = nullptr;
      if (!r.passed && k < findings.size()) x = &findings[k++];
      if (x && x->baselined) continue;
      nlohmann::json jr{{"id", r.id},
                        {"kind", r.kind},
                        {"description", r.description},
                        {"location", location_json(f.path, r.at)},
                        {"passed", r.passed},
                        {"verdict", r.passed ? "pass" : r.inconclusive ? "inconclusive" : "fail"},
                        {"message", r.message}};
      if (x) {
        jr["rule"] = x->rule;
        jr["fingerprint"] = x->fingerprint;
        if (x->suppression) {
          jr["suppressed"] = {{"reason", x->suppression->justification},
                              {"by", x->suppression->where.str()}};
        }
      }
      jr["rows"] = nlohmann::json::array();
      for (std::size_t i = 0; i < r.rows.size(); ++i) {
        auto row = row_json(n, r.rows[i]);
        if (i < r.counterexamples.size())
          row["counterexample"] = render_trace_json(r.counterexamples[i]);
        if (i < r.paths.size()) row["path"] = r.paths[i];
        jr["rows"].push_back(std::move(row));
      }
      jf["results"].push_back(std::move(jr));
    }
    j["files"].push_back(std::move(jf));
  }
  return j;
}

std::vector<FindingRule> check_rules(const std::vector<CheckedFile>& files) {
  std::vector<FindingRule> out;
  for (const auto& f : files) {
    for (const auto& r : f.results) {
      FindingRule rule;
      rule.id = rule_prefix(f) + r.id;
      rule.name = r.id;
      rule.short_description = r.description.empty() ? kind_summary(r.kind) : r.description;
      rule.full_description = kind_summary(r.kind) + (r.description.empty() ? "" : " " + r.description);
      const char* doc = f.kind == "access-scope" ? "docs/access-scopes.md" : "docs/policies.md";
      rule.help_text = "Assertion `" + r.id + "` [" + r.kind + "] of " + f.path + ": " +
                       rule.full_description + " The result's rows are the packets that break it, " +
                       "each with a counterexample trace. See " + doc + ".";
      rule.help_markdown = "Assertion `" + r.id + "` (`expect: " + r.kind + "`) of `" + f.path +
                           "`.\n\n" + rule.full_description +
                           "\n\nThe result lists the packets that break it, each with a "
                           "counterexample trace that names the rule, route or attachment that "
                           "decided. See [" + doc + "](" + doc + ").";
      rule.tags = {"security", "network", f.kind == "access-scope" ? "access-scope" : "policy"};
      rule.severity = Risk::kHigh;
      out.push_back(std::move(rule));
    }
  }
  return out;
}

std::vector<Finding> check_findings(const model::Network& n, const std::vector<CheckedFile>& files) {
  std::vector<Finding> out;
  for (const auto& f : files) {
    for (const auto& r : f.results) {
      if (r.passed) continue;
      Finding x;
      x.rule = rule_prefix(f) + r.id;
      x.severity = Risk::kHigh;
      x.inconclusive = r.inconclusive;
      std::string text = r.id + ": " + r.description + " - " + r.message + ".";
      if (!r.rows.empty()) {
        text += " For example: " + row_text(r.rows.front(), false);
        if (!r.counterexamples.empty()) {
          const auto& t = r.counterexamples.front();
          text += t.reachable                                   ? " via " + path_text(t)
                  : t.verdict == vpc::Verdict::kInconclusive ? " unknown: " + unknown_text(t)
                                                             : " blocked: " + blocked_text(t);
        }
      }
      x.message = (r.inconclusive ? "inconclusive: " : "") + text;
      x.details = failure_text(n, r, true);
      x.resource_id = r.id;
      x.resource_kind = f.kind == "access-scope" ? "AccessScope" : "PolicyRule";
      x.resource_label = r.id;
      x.location = SourceLocation{f.path, r.at.line, r.at.column, "assertion " + r.id};
      // The assertion's file is part of what it is: two files may hold rules of one name.
      x.fingerprint = fingerprint(x.rule, artifact_uri(f.path), "");
      nlohmann::json props{{"assertion", r.id}, {"kind", r.kind}};
      props["rows"] = nlohmann::json::array();
      for (std::size_t i = 0; i < r.rows.size(); ++i) {
        auto row = row_json(n, r.rows[i]);
        if (i < r.counterexamples.size())
          row["counterexample"] = render_trace_json(r.counterexamples[i]);
        props["rows"].push_back(std::move(row));
      }
      x.properties = std::move(props);
      out.push_back(std::move(x));
    }
  }
  return out;
}

std::string render_check_junit(const std::vector<CheckedFile>& files,
                               const std::vector<Finding>& findings) {
  std::vector<JUnitSuite> suites;
  std::size_t k = 0;
  for (const auto& f : files) {
    JUnitSuite suite{f.path, f.path, {}};
    for (const auto& r : f.results) {
      JUnitCase c;
      if (!r.passed && k < findings.size()) {
        const auto& x = findings[k++];
        c = junit_case(x);
        // An inconclusive assertion is a skipped test case: neither passed nor failed.
        if (x.active() && r.inconclusive) c.message = "inconclusive: " + r.message;
        if (x.active() && !r.inconclusive) {
          c.message = r.message;
          c.type = r.kind;
        }
      }
      c.name = r.id;
      c.classname = f.kind + "." + r.kind;
      suite.cases.push_back(std::move(c));
    }
    suites.push_back(std::move(suite));
  }
  return render_junit("cloudtwin check", suites);
}
}  // namespace cloudtwin::cli
