// The readers of findings_files.h: risk tables and suppression files in YAML, baselines in JSON
// (which the YAML parser reads too, so every problem gets its line and column the same way).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <new>

#include "cloudtwin/load/findings_files.h"
#include "cloudtwin/load/load.h"
#include "yaml_fields.h"

namespace cloudtwin::load {
namespace {

using yaml::Context;
using yaml::Fields;
using yaml::Value;

constexpr std::uint32_t kFile = 1;
constexpr const char* kRiskTableHint =
    "a risk table is a mapping with `entries:` and, to add to the built-in table, "
    "`extends: default` (see docs/exposure-risks.md)";
constexpr const char* kSuppressionsHint =
    "a suppression file is a mapping with a list of `suppressions:` (see docs/ci.md)";
constexpr const char* kBaselineHint =
    "a baseline is the JSON document `--write-baseline FILE` writes (see docs/ci.md)";
constexpr const char* kBaselineSchema = "cloudtwin/baseline/v1";

std::string backquoted(std::string_view s) { return "`" + std::string(s) + "`"; }

// A field that takes one item or a list of them.
std::vector<Value> one_or_many(Value v) {
  if (v.is_scalar()) return {v};
  return v.items();
}

// Parses `text` and calls `read` on the one top-level mapping; reports a syntax error, an empty
// file and a top level that is not a mapping. False if any error was reported.
bool read_yaml(std::string_view text, const std::string& path, Diagnostics& diagnostics,
               const char* what, const char* hint,
               const std::function<void(Context&, const yaml::Node&)>& read) {
  const std::size_t errors_before = diagnostics.error_count();
  model::Network scratch;  // the YAML context reports into a network; these files hold none
  Context cx{scratch, diagnostics, path, kFile, {}, {}};
  try {
    const yaml::Document yaml = yaml::Document::parse(text);
    if (const auto& e = yaml.error()) {
      cx.error({cx.file, e->at.line, e->at.column}, "", "YAML syntax error: " + e->message,
               e->hint);
      return false;
    }
    bool any = false;
    for (const yaml::Node* doc : yaml.roots()) {
      if (doc->is_null()) continue;
      if (any) {
        cx.error(cx.at(*doc), "", std::string("a second document in ") + what, hint);
        break;
      }
      any = true;
      if (!doc->is_mapping()) {
        Location at = cx.at(*doc);
        if (at.line == 0) at = {cx.file, 1, 1};
        cx.error(at, "",
                 std::string(what) + " must be a mapping, not " +
                     (doc->is_sequence() ? "a list" : backquoted(doc->scalar())),
                 hint);
        continue;
      }
      read(cx, *doc);
    }
    if (!any) cx.error({cx.file, 1, 1}, "", "the file is empty", hint);
  } catch (const std::bad_alloc&) {
    cx.error({cx.file, 0, 0}, "", "cannot read the file: out of memory");
  }
  return diagnostics.error_count() == errors_before;
}

std::optional<std::string> read_text(const std::string& path, Diagnostics& diagnostics,
                                     const char* what) {
  auto fail = [&](std::string message) -> std::optional<std::string> {
    diagnostics.error(path, {kFile, 0, 0}, "", std::move(message));
    return std::nullopt;
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail(std::string("is a folder, not ") + what);
  if (auto problem = input_file_problem(path, kDefaultMaxInputSize)) {
    diagnostics.error(path, {kFile, 0, 0}, "", std::move(problem->message),
                      std::move(problem->hint));
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::string("cannot open: ") + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return fail(std::string("cannot read: ") + std::strerror(errno));
  return text;
}

// ---- risk tables ----------------------------------------------------------------------------

std::optional<model::Risk> risk_of(Value v) {
  auto s = v.choice({"low", "medium", "high", "critical"});
  return s ? model::parse_risk(*s) : std::nullopt;
}

std::optional<std::string> rule_id(Value v) {
  auto s = v.text();
  if (!s) return std::nullopt;
  if (!valid_rule_id(*s)) {
    std::string hint = "lower-case letters, digits and `-`, starting with a letter, e.g. `ssh-open`";
    if (s->starts_with("exposure/")) hint = "write it without `exposure/`: findings add it";
    v.error(backquoted(v.field()) + ": " + backquoted(*s) + " is not a rule id", hint);
    return std::nullopt;
  }
  return s;
}

void read_fallback(Value v, model::RiskFallback& out, std::uint32_t* ports) {
  std::vector<std::string_view> known{"risk", "rule", "reason"};
  if (ports) known.push_back("ports");
  Fields f = v.fields(std::move(known));
  f.check();
  if (!f.is_mapping()) return;
  out.at = f.at();
  if (auto r = risk_of(f.require("risk"))) out.risk = *r;
  if (auto id = rule_id(f.require("rule"))) out.rule = *id;
  if (auto reason = f.get("reason").text()) out.reason = *reason;
  if (ports && f.has("ports")) {
    if (auto n = f.get("ports").integer(1, 65535)) *ports = static_cast<std::uint32_t>(*n);
  }
}

void read_entry(Value& item, model::RiskTable& table, std::map<std::string, model::Risk>& risks) {
  Fields f = item.fields({"rule", "name", "protocol", "ports", "risk", "reason"});
  f.check();
  if (!f.is_mapping()) return;
  model::RiskEntry e;
  e.at = f.at();
  bool ok = true;
  if (auto id = rule_id(f.require("rule"))) e.rule = *id; else ok = false;
  if (auto n = f.get("name").text()) e.name = *n;
  if (e.name.empty()) e.name = e.rule;
  if (auto r = risk_of(f.require("risk"))) e.risk = *r; else ok = false;
  if (auto reason = f.get("reason").text()) e.reason = *reason;
  Value protocols = f.require("protocol");
  bool ported = false;
  bool unported = false;
  for (auto& p : one_or_many(protocols)) {
    auto proto = p.protocol();
    if (!proto) {
      ok = false;
      continue;
    }
    if (proto->is_all()) {
      p.error("`protocol`: an entry names protocols, not `all`",
              "list them (`protocol: [tcp, udp]`); what no entry covers takes `other:`");
      ok = false;
      continue;
    }
    (proto->has_ports() ? ported : unported) = true;
    e.protocols.push_back(*proto);
  }
  // `protocol: []` (or nothing) would make an entry that never matches: as empty as no value.
  if (protocols.present() && (protocols.is_null() || (e.protocols.empty() && ok))) {
    protocols.error("`protocol` is empty", "write tcp, udp, icmp, icmpv6 or a number");
    ok = false;
  }
  if (f.has("ports")) {
    auto ports = one_or_many(f.get("ports"));
    for (auto& p : ports) {
      if (auto r = p.port_range()) e.ports.push_back(*r); else ok = false;
    }
    if (ports.empty() && !f.get("ports").is_null()) {
      f.error_at("ports", "`ports` is empty", "write a port, a range or a list; `all` for every port");
      ok = false;
    }
    if (unported) {
      f.error_at("ports", "`ports` belong to tcp and udp",
                 "write tcp and udp entries apart from entries for other protocols");
      ok = false;
    }
  } else if (ported) {
    f.error_at("protocol", "a tcp or udp entry needs `ports:`",
               "add e.g. `ports: 22` or `ports: [2379-2380]`; `ports: all` for every port");
    ok = false;
  }
  if (!ok) return;
  auto [it, fresh] = risks.emplace(e.rule, e.risk);
  if (!fresh && it->second != e.risk) {
    f.error_at("risk",
               "rule " + backquoted(e.rule) + " is " + model::risk_name(it->second) +
                   " in an earlier entry and " + model::risk_name(e.risk) + " here",
               "a rule has one risk: give this entry a rule id of its own");
    return;
  }
  table.entries.push_back(std::move(e));
}

void read_risk_document(Context& cx, const yaml::Node& doc, model::RiskTable& table) {
  Fields top(cx, &doc, "a risk table", {"extends", "entries", "other", "wide_range"}, "",
             Location{cx.file, 1, 1});
  top.allow_extension_prefix("x-");
  top.check();
  if (top.has("extends")) {
    if (auto e = top.get("extends").choice({"default"})) table.extends_default = true;
  }
  if (top.has("other")) read_fallback(top.get("other"), table.other, nullptr);
  if (top.has("wide_range")) read_fallback(top.get("wide_range"), table.wide_range, &table.wide_range_ports);
  if (!top.has("entries") && !top.has("extends")) {
    top.error("a risk table needs `entries:` or `extends: default`", kRiskTableHint);
    return;
  }
  std::map<std::string, model::Risk> risks;
  for (auto& item : top.get("entries").items()) read_entry(item, table, risks);
}

// ---- suppressions ---------------------------------------------------------------------------

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int y = std::stoi(std::string(s.substr(0, 4)));
  const int m = std::stoi(std::string(s.substr(5, 2)));
  const int d = std::stoi(std::string(s.substr(8, 2)));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

void read_suppression(Value& item, const std::string& path, std::vector<model::Suppression>& out) {
  Fields f = item.fields({"rule", "resource", "reason", "expires"});
  f.check();
  if (!f.is_mapping()) return;
  model::Suppression s;
  s.path = path;
  s.at = f.at();
  bool ok = true;
  Value rule = f.require("rule");
  if (auto r = rule.text()) {
    s.rule = *r;
    if (r->find('/') == std::string::npos && *r != "*") {
      rule.error("`rule`: " + backquoted(*r) + " does not name its verb",
                 "write e.g. `exposure/" + *r + "` or `policy/" + *r + "`");
      ok = false;
    }
  } else {
    ok = false;
  }
  if (f.has("resource")) {
    if (auto r = f.get("resource").text()) s.resource = *r; else ok = false;
  }
  Value reason = f.require("reason");
  if (auto r = reason.text()) {
    s.reason = *r;
  } else {
    ok = false;
  }
  if (f.has("expires")) {
    Value e = f.get("expires");
    if (auto d = e.text()) {
      if (!valid_date(*d)) {
        e.error("`expires`: " + backquoted(*d) + " is not a date",
                "write the last day the suppression holds as YYYY-MM-DD, e.g. 2026-06-30");
        ok = false;
      } else {
        s.expires = *d;
      }
    } else {
      ok = false;
    }
  }
  if (ok) out.push_back(std::move(s));
}

// ---- baselines ------------------------------------------------------------------------------

bool hex_fingerprint(std::string_view s) {
  if (s.size() != 16) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

bool valid_rule_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

std::optional<model::RiskTable> read_risk_table_text(std::string_view text,
                                                     const std::string& path,
                                                     Diagnostics& diagnostics) {
  model::RiskTable table;
  table.path = path;
  bool ok = read_yaml(text, path, diagnostics, "a risk table", kRiskTableHint,
                      [&](Context& cx, const yaml::Node& doc) { read_risk_document(cx, doc, table); });
  if (!ok) return std::nullopt;
  return table;
}

std::optional<model::RiskTable> read_risk_table(const std::string& path, Diagnostics& diagnostics) {
  auto text = read_text(path, diagnostics, "a risk table");
  if (!text) return std::nullopt;
  return read_risk_table_text(*text, path, diagnostics);
}

std::optional<std::vector<model::Suppression>> read_suppressions_text(std::string_view text,
                                                                      const std::string& path,
                                                                      Diagnostics& diagnostics) {
  std::vector<model::Suppression> out;
  bool ok = read_yaml(text, path, diagnostics, "a suppression file", kSuppressionsHint,
                      [&](Context& cx, const yaml::Node& doc) {
                        Fields top(cx, &doc, "a suppression file", {"suppressions"}, "",
                                   Location{cx.file, 1, 1});
                        top.allow_extension_prefix("x-");
                        top.check();
                        for (auto& item : top.require("suppressions").items())
                          read_suppression(item, path, out);
                      });
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<model::Suppression>> read_suppressions(const std::string& path,
                                                                 Diagnostics& diagnostics) {
  auto text = read_text(path, diagnostics, "a suppression file");
  if (!text) return std::nullopt;
  return read_suppressions_text(*text, path, diagnostics);
}

std::optional<model::Baseline> read_baseline_text(std::string_view text, const std::string& path,
                                                  Diagnostics& diagnostics) {
  model::Baseline baseline;
  baseline.path = path;
  bool ok = read_yaml(
      text, path, diagnostics, "a baseline", kBaselineHint, [&](Context& cx, const yaml::Node& doc) {
        Fields top(cx, &doc, "a baseline", {"schema", "tool", "verb", "findings"}, "",
                   Location{cx.file, 1, 1});
        top.check();
        Value schema = top.require("schema");
        if (auto s = schema.text(); s && *s != kBaselineSchema) {
          schema.error("`schema`: " + backquoted(*s) + " is not a baseline this cloudtwin reads",
                       std::string("write the baseline again with --write-baseline (") +
                           kBaselineSchema + ")");
        }
        for (auto& item : top.require("findings").items()) {
          Fields f = item.fields({"fingerprint", "rule", "resource", "message", "location"});
          f.check();
          if (!f.is_mapping()) continue;
          Value fp = f.require("fingerprint");
          if (auto s = fp.text()) {
            if (!hex_fingerprint(*s)) {
              fp.error("`fingerprint`: " + backquoted(*s) + " is not a cloudtwin fingerprint",
                       "16 lower-case hexadecimal digits, as --write-baseline writes them");
            } else {
              baseline.fingerprints.push_back(*s);
            }
          }
        }
      });
  if (!ok) return std::nullopt;
  std::sort(baseline.fingerprints.begin(), baseline.fingerprints.end());
  return baseline;
}

std::optional<model::Baseline> read_baseline(const std::string& path, Diagnostics& diagnostics) {
  auto text = read_text(path, diagnostics, "a baseline");
  if (!text) return std::nullopt;
  return read_baseline_text(*text, path, diagnostics);
}

}  // namespace cloudtwin::load
