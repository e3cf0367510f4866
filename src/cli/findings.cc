#include "findings.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

namespace cloudtwin::cli {

namespace {

constexpr const char* kInformationUri = "https://github.com/cloudtwin/cloudtwin";
constexpr const char* kVersion = "0.1.0";
constexpr const char* kFingerprintKey = "cloudtwinFinding/v1";
constexpr const char* kBaselineSchema = "cloudtwin/baseline/v1";

// XML 1.0 allows tab, newline, carriage return and U+0020 upwards (less the surrogates and
// U+FFFE/U+FFFF); invalid UTF-8 becomes U+FFFD too, so the document always parses.
void append_xml_char(std::string& out, char32_t c) {
  const bool allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
                       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
  if (!allowed) c = 0xFFFD;
  switch (c) {
    case '&': out += "&amp;"; return;
    case '<': out += "&lt;"; return;
    case '>': out += "&gt;"; return;
    case '"': out += "&quot;"; return;
    case '\'': out += "&apos;"; return;
    default: break;
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

nlohmann::json artifact_location(const std::string& file) {
  nlohmann::json j{{"uri", artifact_uri(file)}};
  if (!std::filesystem::path(j["uri"].get<std::string>()).is_absolute()) j["uriBaseId"] = "%SRCROOT%";
  return j;
}

nlohmann::json physical_location(const SourceLocation& l) {
  nlohmann::json j{{"artifactLocation", artifact_location(l.file)}};
  if (l.line) j["region"] = {{"startLine", l.line}, {"startColumn", std::max(1u, l.column)}};
  return j;
}

// A `cloudtwin:ignore` tag's value: "RULE[,RULE...] reason words".
struct IgnoreValue {
  std::vector<std::string> rules;
  std::string reason;
};
IgnoreValue parse_ignore(std::string_view value) {
  IgnoreValue out;
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  auto space = value.find(' ');
  std::string_view rules = value.substr(0, space);
  std::string_view reason = space == std::string_view::npos ? "" : value.substr(space + 1);
  while (!reason.empty() && reason.front() == ' ') reason.remove_prefix(1);
  while (!rules.empty()) {
    auto comma = rules.find(',');
    if (auto r = rules.substr(0, comma); !r.empty()) out.rules.emplace_back(r);
    if (comma == std::string_view::npos) break;
    rules.remove_prefix(comma + 1);
  }
  out.reason = std::string(reason);
  return out;
}

// A tag's rule names the finding's rule whole ("exposure/ssh-open") or without the verb
// ("ssh-open"); globs allowed.
bool tag_rule_matches(const std::string& pattern, const std::string& rule) {
  if (glob_match(pattern, rule)) return true;
  auto slash = rule.find('/');
  return slash != std::string::npos && glob_match(pattern, std::string_view(rule).substr(slash + 1));
}

bool resource_matches(const std::string& pattern, const Finding& f) {
  if (pattern.empty()) return true;
  if (glob_match(pattern, f.resource_id) || glob_match(pattern, f.resource_label)) return true;
  return std::any_of(f.resource_aliases.begin(), f.resource_aliases.end(),
                     [&](const std::string& a) { return glob_match(pattern, a); });
}

}  // namespace

std::string artifact_uri(const std::string& path) {
  // Code-scanning UIs resolve URIs against the repository root (%SRCROOT%): keep relative paths
  // relative, and make absolute ones relative to the working directory when they lie under it.
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

std::string SourceLocation::str() const {
  std::string out = file;
  if (line) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  return out;
}

SourceLocation source_location(const model::Network& n, Location at, std::string what) {
  SourceLocation l;
  l.file = n.file_of(at);
  if (!l.file.empty()) {
    l.line = at.line;
    l.column = at.column;
  }
  l.what = std::move(what);
  return l;
}

std::string fingerprint(std::string_view rule, std::string_view resource, std::string_view key) {
  // FNV-1a, 64 bits (the parts separated by NUL so that ("ab", "c") differs from ("a", "bc")).
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto add = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ull;
    }
    h ^= 0;
    h *= 0x100000001b3ull;
  };
  add("cloudtwin/v1");
  add(rule);
  add(resource);
  add(key);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[h & 0xF];
    h >>= 4;
  }
  return out;
}

const char* sarif_level(Risk severity, bool inconclusive) {
  if (severity >= Risk::kHigh) return inconclusive ? "warning" : "error";
  return severity == Risk::kMedium ? "warning" : "note";
}

std::string security_severity(Risk r) {
  // GitHub: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
  switch (r) {
    case Risk::kCritical: return "9.5";
    case Risk::kHigh: return "8.0";
    case Risk::kMedium: return "5.5";
    case Risk::kLow: return "2.0";
  }
  return "2.0";
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative wildcard match with one backtrack point: linear in practice, never exponential.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string today_utc() {
  if (const char* fixed = std::getenv("CLOUDTWIN_TODAY"); fixed && *fixed) return fixed;
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

void apply_suppressions(std::vector<Finding>& findings,
                        const std::vector<model::Suppression>& suppressions,
                        const model::Network& network, std::string_view today,
                        SilenceNotes& notes) {
  // Inline tags first: they sit on the resource, next to what they excuse.
  std::set<std::pair<std::string, std::string>> seen;  // (resource, value): readers may repeat
  for (const auto& tag : network.ignore_tags) {
    if (!seen.emplace(tag.resource, tag.value).second) continue;
    const auto where = source_location(network, tag.at, "tag cloudtwin:ignore on " + tag.resource);
    auto v = parse_ignore(tag.value);
    if (v.rules.empty() || v.reason.empty()) {
      notes.warnings.push_back(where.str() + ": warning: tag cloudtwin:ignore on " + tag.resource +
                               " is `" + tag.value +
                               "`, not `RULE reason`: it silences nothing (write e.g. "
                               "`exposure/ssh-open bastion for the on-call team`)");
      continue;
    }
    for (auto& f : findings) {
      if (f.suppression) continue;
      if (std::find(f.tag_holders.begin(), f.tag_holders.end(), tag.resource) ==
          f.tag_holders.end())
        continue;
      if (std::none_of(v.rules.begin(), v.rules.end(),
                       [&](const std::string& r) { return tag_rule_matches(r, f.rule); }))
        continue;
      f.suppression = FindingSuppression{true, v.reason, where, ""};
    }
  }
  for (const auto& s : suppressions) {
    SourceLocation where{s.path, s.at.line, s.at.column, "suppression"};
    const bool expired = !s.expires.empty() && s.expires < today;
    std::size_t matched = 0;
    for (auto& f : findings) {
      if (f.suppression || !glob_match(s.rule, f.rule) || !resource_matches(s.resource, f)) continue;
      ++matched;
      if (!expired) f.suppression = FindingSuppression{false, s.reason, where, s.expires};
    }
    if (expired && matched) {
      notes.warnings.push_back(where.str() + ": warning: the suppression of " + s.rule +
                               (s.resource.empty() ? "" : " on " + s.resource) + " expired on " +
                               s.expires + ": its " + std::to_string(matched) + " finding" +
                               (matched == 1 ? " is" : "s are") + " reported again");
    } else if (!matched) {
      notes.warnings.push_back(where.str() + ": warning: the suppression of " + s.rule +
                               (s.resource.empty() ? "" : " on " + s.resource) +
                               " matches no finding");
    }
  }
  for (const auto& f : findings) notes.suppressed += f.suppression ? 1 : 0;
}

void apply_baseline(std::vector<Finding>& findings, const model::Baseline& baseline,
                    SilenceNotes& notes) {
  for (auto& f : findings) {
    if (!f.active()) continue;
    if (std::binary_search(baseline.fingerprints.begin(), baseline.fingerprints.end(),
                           f.fingerprint)) {
      f.baselined = true;
      ++notes.baselined;
    }
  }
}

std::string render_baseline(const std::vector<Finding>& findings, std::string_view verb) {
  nlohmann::ordered_json j;
  j["schema"] = kBaselineSchema;
  j["tool"] = "cloudtwin";
  j["verb"] = verb;
  j["findings"] = nlohmann::ordered_json::array();
  std::map<std::string, const Finding*> sorted;  // stable order: by fingerprint
  for (const auto& f : findings) {
    if (!f.suppression) sorted.emplace(f.fingerprint, &f);
  }
  for (const auto& [fp, f] : sorted) {
    nlohmann::ordered_json e;
    e["fingerprint"] = fp;
    e["rule"] = f->rule;
    e["resource"] = f->resource_id;
    e["message"] = f->message;
    j["findings"].push_back(std::move(e));
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

nlohmann::json render_sarif(const std::vector<FindingRule>& rules,
                            const std::vector<Finding>& findings, const SarifOptions& options) {
  // SARIF 2.1.0 (OASIS), as GitHub code scanning reads it: rules with security-severity,
  // results located on the line to change, partialFingerprints to follow them across commits.
  auto jrules = nlohmann::json::array();
  std::map<std::string, std::size_t> index;
  for (const auto& r : rules) {
    if (!index.emplace(r.id, jrules.size()).second) continue;
    nlohmann::json props{{"tags", r.tags},
                         {"security-severity", security_severity(r.severity)},
                         {"precision", "very-high"},
                         {"problem.severity", sarif_level(r.severity) == std::string("note")
                                                  ? "recommendation"
                                                  : sarif_level(r.severity)}};
    jrules.push_back({{"id", r.id},
                      {"name", r.name},
                      {"shortDescription", {{"text", r.short_description}}},
                      {"fullDescription", {{"text", r.full_description}}},
                      {"help", {{"text", r.help_text}, {"markdown", r.help_markdown}}},
                      {"defaultConfiguration", {{"level", sarif_level(r.severity)}}},
                      {"properties", props}});
  }
  auto results = nlohmann::json::array();
  std::set<std::string> artifacts;
  for (const auto& f : findings) {
    if (f.baselined) continue;
    nlohmann::json result{{"ruleId", f.rule},
                          {"level", sarif_level(f.severity, f.inconclusive)},
                          {"message", {{"text", f.message}}}};
    if (auto it = index.find(f.rule); it != index.end()) result["ruleIndex"] = it->second;
    if (f.location.known()) {
      nlohmann::json loc{{"physicalLocation", physical_location(f.location)}};
      if (!f.location.what.empty()) loc["message"] = {{"text", f.location.what}};
      result["locations"] = nlohmann::json::array({loc});
      artifacts.insert(artifact_uri(f.location.file));
    }
    auto related = nlohmann::json::array();
    for (const auto& r : f.related) {
      if (!r.known()) continue;
      nlohmann::json loc{{"id", related.size() + 1}, {"physicalLocation", physical_location(r)}};
      if (!r.what.empty()) loc["message"] = {{"text", r.what}};
      related.push_back(std::move(loc));
    }
    if (!related.empty()) result["relatedLocations"] = std::move(related);
    result["partialFingerprints"] = {{kFingerprintKey, f.fingerprint}};
    // §3.27.23: the suppressions of every result of a run are all null or all arrays; cloudtwin
    // always looks for suppressions, so every result has one (empty when none applies).
    auto sup = nlohmann::json::array();
    if (f.suppression) {
      // §3.35: kind "inSource" for a tag on the resource, "external" for a suppression file.
      nlohmann::json s{{"kind", f.suppression->in_source ? "inSource" : "external"},
                       {"status", "accepted"},
                       {"justification", f.suppression->justification}};
      if (f.suppression->where.known())
        s["location"] = {{"physicalLocation", physical_location(f.suppression->where)}};
      if (!f.suppression->expires.empty())
        s["properties"] = {{"expires", f.suppression->expires}};
      sup.push_back(std::move(s));
    }
    result["suppressions"] = std::move(sup);
    // §3.27.24: against a baseline every result shown is new (the others are left out).
    if (options.baseline_given) result["baselineState"] = "new";
    nlohmann::json props = f.properties;
    props["resource"] = {{"id", f.resource_id}, {"kind", f.resource_kind}, {"label", f.resource_label}};
    props["severity"] = model::risk_name(f.severity);
    if (f.inconclusive) props["inconclusive"] = true;
    if (!f.details.empty()) props["details"] = f.details;
    result["properties"] = std::move(props);
    results.push_back(std::move(result));
  }
  for (const auto& in : options.inputs) artifacts.insert(artifact_uri(in));
  auto jartifacts = nlohmann::json::array();
  for (const auto& a : artifacts) {
    nlohmann::json loc{{"uri", a}};
    if (!std::filesystem::path(a).is_absolute()) loc["uriBaseId"] = "%SRCROOT%";
    jartifacts.push_back({{"location", loc}});
  }
  nlohmann::json driver{{"name", "cloudtwin"},
                        {"version", kVersion},
                        {"semanticVersion", kVersion},
                        {"informationUri", kInformationUri},
                        {"rules", jrules}};
  auto notifications = nlohmann::json::array();
  for (const auto& n : options.notifications) {
    notifications.push_back({{"level", "warning"}, {"message", {{"text", n}}}});
  }
  nlohmann::json invocation{{"executionSuccessful", true},
                            {"toolExecutionNotifications", notifications}};
  nlohmann::json run{{"tool", {{"driver", driver}}},
                     {"automationDetails", {{"id", "cloudtwin/" + options.verb + "/"}}},
                     {"invocations", nlohmann::json::array({invocation})},
                     {"artifacts", jartifacts},
                     {"columnKind", "unicodeCodePoints"},
                     {"results", results}};
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  if (!ec) {
    std::string uri = "file://" + cwd.generic_string();
    if (!uri.ends_with("/")) uri += "/";
    run["originalUriBaseIds"] = {{"%SRCROOT%", {{"uri", uri}}}};
  }
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", nlohmann::json::array({run})}};
}

JUnitCase junit_case(const Finding& f) {
  JUnitCase c;
  c.name = f.rule + " " + f.resource_label;
  c.classname = f.rule;
  std::string where = f.location.known() ? f.location.str() + ": " : "";
  if (f.suppression) {
    c.outcome = JUnitCase::Outcome::kSkipped;
    c.message = "suppressed: " + f.suppression->justification;
    c.body = where + f.message + "\nsuppressed by " + f.suppression->where.str() + ": " +
             f.suppression->justification + "\n";
  } else if (f.baselined) {
    c.outcome = JUnitCase::Outcome::kSkipped;
    c.message = "in the baseline";
    c.body = where + f.message + "\n";
  } else if (f.inconclusive) {
    c.outcome = JUnitCase::Outcome::kSkipped;
    c.message = "inconclusive: " + f.message;
    c.body = where + f.details;
  } else if (f.failing) {
    c.outcome = JUnitCase::Outcome::kFailed;
    c.message = f.message;
    c.type = f.rule;
    c.body = where + f.details;
  } else {
    c.body = where + f.message + "\n";
  }
  return c;
}

std::string render_junit(std::string_view name, const std::vector<JUnitSuite>& suites) {
  std::size_t tests = 0, failures = 0;
  for (const auto& s : suites) {
    tests += s.cases.size();
    for (const auto& c : s.cases) failures += c.outcome == JUnitCase::Outcome::kFailed ? 1 : 0;
  }
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // junit-10.xsd: <testsuites> takes name, time, tests, failures and errors only; skipped
  // counts go on each <testsuite>, and a <testcase> takes name, classname, time and group.
  o << "<testsuites name=\"" << xml_escape(name) << "\" tests=\"" << tests << "\" failures=\""
    << failures << "\" errors=\"0\">\n";
  for (const auto& s : suites) {
    std::size_t f = 0, skipped = 0;
    for (const auto& c : s.cases) {
      f += c.outcome == JUnitCase::Outcome::kFailed ? 1 : 0;
      skipped += c.outcome == JUnitCase::Outcome::kSkipped ? 1 : 0;
    }
    o << "  <testsuite name=\"" << xml_escape(s.name) << "\" tests=\"" << s.cases.size()
      << "\" failures=\"" << f << "\" errors=\"0\" skipped=\"" << skipped << "\"";
    if (!s.file.empty()) o << " file=\"" << xml_escape(s.file) << "\"";
    o << ">\n";
    for (const auto& c : s.cases) {
      o << "    <testcase name=\"" << xml_escape(c.name) << "\" classname=\""
        << xml_escape(c.classname) << "\"";
      switch (c.outcome) {
        case JUnitCase::Outcome::kPassed:
          if (c.body.empty()) {
            o << "/>\n";
          } else {
            o << ">\n      <system-out>" << xml_escape(c.body) << "</system-out>\n    </testcase>\n";
          }
          break;
        case JUnitCase::Outcome::kSkipped:
          o << ">\n      <skipped message=\"" << xml_escape(c.message) << "\">"
            << xml_escape(c.body) << "</skipped>\n    </testcase>\n";
          break;
        case JUnitCase::Outcome::kFailed:
          o << ">\n      <failure message=\"" << xml_escape(c.message) << "\" type=\""
            << xml_escape(c.type) << "\">" << xml_escape(c.body) << "</failure>\n    </testcase>\n";
          break;
      }
    }
    o << "  </testsuite>\n";
  }
  o << "</testsuites>\n";
  return o.str();
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

}  // namespace cloudtwin::cli
