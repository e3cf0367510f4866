#include "check_output.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "trace_output.h"
#include "verify_output.h"

namespace cloudtwin::cli {

namespace {

constexpr const char* kInformationUri = "https://github.com/cloudtwin/cloudtwin";
constexpr const char* kVersion = "0.1.0";

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

std::string uri_of(const std::string& path) {
  // Code-scanning UIs resolve URIs against the repository root: keep relative paths relative,
  // and make absolute ones relative to the working directory when they lie under it.
  std::filesystem::path p(path);
  std::error_code ec;
  if (p.is_absolute()) {
    auto cwd = std::filesystem::current_path(ec);
    if (!ec) {
      auto rel = p.lexically_relative(cwd);
      if (!rel.empty() && *rel.begin() != "..") p = rel;
    }
  }
  std::string s = p.lexically_normal().generic_string();
  if (s.starts_with("./")) s.erase(0, 2);
  return s;
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

// XML 1.0 allows tab, newline, carriage return and U+0020 upwards (less the surrogates and
// U+FFFE/U+FFFF); invalid UTF-8 becomes U+FFFD too, so the document always parses.
void append_xml_char(std::string& out, char32_t c) {
  const bool allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
                       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
  if (!allowed) c = 0xFFFD;
  switch (c) {
    case '&':
      out += "&amp;";
      return;
    case '<':
      out += "&lt;";
      return;
    case '>':
      out += "&gt;";
      return;
    case '"':
      out += "&quot;";
      return;
    case '\'':
      out += "&apos;";
      return;
    default:
      break;
  }
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace

CheckTotals totals(const std::vector<CheckedFile>& files) {
  CheckTotals t;
  for (const auto& f : files) {
    for (const auto& r : f.results) ++(r.passed ? t.passed : r.inconclusive ? t.inconclusive : t.failed);
  }
  return t;
}

std::string CheckTotals::summary() const {
  std::string out = std::to_string(checked()) + " assertion" + (checked() == 1 ? "" : "s") +
                    " checked: " + std::to_string(passed) + " passed, " + std::to_string(failed) +
                    " failed";
  if (inconclusive) out += ", " + std::to_string(inconclusive) + " inconclusive";
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  for (std::size_t i = 0; i < size;) {
    const unsigned char b = s[i];
    int extra = b < 0x80           ? 0
                : (b >> 5) == 0x6  ? 1
                : (b >> 4) == 0xE  ? 2
                : (b >> 3) == 0x1E ? 3
                                   : -1;
    char32_t c = extra == 0 ? b : extra == 1 ? (b & 0x1F) : extra == 2 ? (b & 0x0F) : (b & 0x07);
    bool valid = extra >= 0 && i + extra < size;
    for (int k = 1; valid && k <= extra; ++k) {
      valid = (s[i + k] & 0xC0) == 0x80;
      c = (c << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms and surrogates are not UTF-8.
    if (valid && ((extra == 1 && c < 0x80) || (extra == 2 && c < 0x800) ||
                  (extra == 3 && c < 0x10000) || (c >= 0xD800 && c <= 0xDFFF))) {
      valid = false;
    }
    if (!valid) {
      append_xml_char(out, 0xFFFD);
      ++i;
      continue;
    }
    append_xml_char(out, c);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

std::string render_check_text(const model::Network& n, const std::vector<CheckedFile>& files,
                              bool all_traces) {
  std::ostringstream o;
  for (const auto& f : files) {
    for (const auto& r : f.results) {
      o << (r.passed ? "PASS " : r.inconclusive ? "INCONCLUSIVE " : "FAIL ")
        << location_text(f.path, r.at) << " " << r.id << " [" << r.kind << "]";
      if (r.passed) {
        o << ": " << r.message << "\n";
        continue;
      }
      o << "\n" << indent(failure_text(n, r, all_traces), "  ") << "\n";
    }
  }
  o << "\n" << totals(files).summary() << "\n";
  return o.str();
}

nlohmann::json render_check_json(const model::Network& n, const std::vector<CheckedFile>& files) {
  nlohmann::json j;
  const auto t = totals(files);
  j["schema"] = "cloudtwin/check/v1";
  j["passed"] = t.failed == 0 && t.inconclusive == 0;
  j["assertions"] = t.checked();
  j["failures"] = t.failed;
  j["inconclusive"] = t.inconclusive;
  j["files"] = nlohmann::json::array();
  for (const auto& f : files) {
    nlohmann::json jf{{"path", f.path}, {"kind", f.kind}, {"results", nlohmann::json::array()}};
    for (const auto& r : f.results) {
      nlohmann::json jr{{"id", r.id},
                        {"kind", r.kind},
                        {"description", r.description},
                        {"location", location_json(f.path, r.at)},
                        {"passed", r.passed},
                        {"verdict", r.passed ? "pass" : r.inconclusive ? "inconclusive" : "fail"},
                        {"message", r.message}};
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

nlohmann::json render_check_sarif(const model::Network& n, const std::vector<CheckedFile>& files) {
  // SARIF 2.1.0 (OASIS): one reportingDescriptor per assertion kind, one result per failure.
  std::vector<std::string> kinds = {"isolated", "reachable", "only", "through"};
  for (const auto& f : files) {
    for (const auto& r : f.results) {
      if (std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end()) kinds.push_back(r.kind);
    }
  }
  auto rules = nlohmann::json::array();
  for (const auto& k : kinds) {
    rules.push_back({{"id", k},
                     {"name", k},
                     {"shortDescription", {{"text", kind_summary(k)}}},
                     {"help", {{"text", "See docs/policies.md."}}},
                     {"defaultConfiguration", {{"level", "error"}}}});
  }
  auto results = nlohmann::json::array();
  auto artifacts = nlohmann::json::array();
  for (const auto& f : files) {
    const std::string uri = uri_of(f.path);
    artifacts.push_back({{"location", {{"uri", uri}}}});
    for (const auto& r : f.results) {
      if (r.passed) continue;
      const auto rule_index = std::find(kinds.begin(), kinds.end(), r.kind) - kinds.begin();
      nlohmann::json physical{{"artifactLocation", {{"uri", uri}}}};
      if (r.at.line) {
        physical["region"] = {{"startLine", r.at.line}, {"startColumn", std::max(1u, r.at.column)}};
      }
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
      nlohmann::json result{
          {"ruleId", r.kind},
          {"ruleIndex", rule_index},
          {"level", r.inconclusive ? "warning" : "error"},
          {"message", {{"text", (r.inconclusive ? "inconclusive: " : "") + text}}},
          {"locations", nlohmann::json::array({nlohmann::json{{"physicalLocation", physical}}})},
          {"partialFingerprints", {{"cloudtwinAssertion/v1", uri + "#" + r.id}}}};
      nlohmann::json props{{"assertion", r.id}, {"details", failure_text(n, r, false)}};
      props["rows"] = nlohmann::json::array();
      for (std::size_t i = 0; i < r.rows.size(); ++i) {
        auto row = row_json(n, r.rows[i]);
        if (i < r.counterexamples.size())
          row["counterexample"] = render_trace_json(r.counterexamples[i]);
        props["rows"].push_back(std::move(row));
      }
      result["properties"] = std::move(props);
      results.push_back(std::move(result));
    }
  }
  nlohmann::json driver{{"name", "cloudtwin"},
                        {"version", kVersion},
                        {"informationUri", kInformationUri},
                        {"rules", rules}};
  nlohmann::json run{{"tool", {{"driver", driver}}},
                     {"artifacts", artifacts},
                     {"columnKind", "unicodeCodePoints"},
                     {"results", results}};
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", nlohmann::json::array({run})}};
}

std::string render_check_junit(const model::Network& n, const std::vector<CheckedFile>& files) {
  std::ostringstream o;
  const auto t = totals(files);
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // An inconclusive assertion is a skipped test case: neither passed nor failed.
  o << "<testsuites name=\"cloudtwin check\" tests=\"" << t.checked() << "\" failures=\""
    << t.failed << "\" errors=\"0\" skipped=\"" << t.inconclusive << "\">\n";
  for (const auto& f : files) {
    std::size_t failures = 0;
    std::size_t skipped = 0;
    for (const auto& r : f.results) {
      failures += r.passed || r.inconclusive ? 0 : 1;
      skipped += r.inconclusive ? 1 : 0;
    }
    const std::string suite = xml_escape(f.path);
    o << "  <testsuite name=\"" << suite << "\" tests=\"" << f.results.size() << "\" failures=\""
      << failures << "\" errors=\"0\" skipped=\"" << skipped << "\" file=\"" << suite << "\">\n";
    for (const auto& r : f.results) {
      o << "    <testcase name=\"" << xml_escape(r.id) << "\" classname=\""
        << xml_escape(f.kind + "." + r.kind) << "\" file=\"" << suite << "\"";
      if (r.at.line) o << " line=\"" << r.at.line << "\"";
      if (r.passed) {
        o << "/>\n";
        continue;
      }
      if (r.inconclusive) {
        o << ">\n      <skipped message=\"" << xml_escape("inconclusive: " + r.message) << "\">"
          << xml_escape(location_text(f.path, r.at) + ": " + failure_text(n, r, true))
          << "</skipped>\n    </testcase>\n";
        continue;
      }
      o << ">\n      <failure message=\"" << xml_escape(r.message) << "\" type=\""
        << xml_escape(r.kind) << "\">"
        << xml_escape(location_text(f.path, r.at) + ": " + failure_text(n, r, true))
        << "</failure>\n    </testcase>\n";
    }
    o << "  </testsuite>\n";
  }
  o << "</testsuites>\n";
  return o.str();
}

}  // namespace cloudtwin::cli
