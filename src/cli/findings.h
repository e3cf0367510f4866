// Findings: what `exposure`, `check` and `diff` report, in one shape that the CI outputs share —
// SARIF 2.1.0 for code scanning, JUnit XML for test dashboards, baselines (`--baseline`,
// `--write-baseline`) and suppressions (`--suppressions`, `cloudtwin:ignore` tags). A verb turns
// its results into Findings and FindingRules; everything after that is here (docs/ci.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/model/network.h"
#include "cloudtwin/model/risk_table.h"
#include "cloudtwin/model/suppressions.h"

namespace cloudtwin::cli {

using model::Risk;

// A place in the sources: the file as it was loaded, 1-based line and column (0: unknown).
struct SourceLocation {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string what;  // what is written there: "security group rule of sg-1", "instance i-1"

  [[nodiscard]] bool known() const { return !file.empty(); }
  // "path:line:column", "path" when the line is unknown.
  [[nodiscard]] std::string str() const;
};
// `path` as SARIF names artifacts: relative to the working directory (the repository root in CI)
// when it lies under it, with `/` separators.
std::string artifact_uri(const std::string& path);
// The location `at` of a resource (or rule) of `n`, with the file it was read from.
SourceLocation source_location(const model::Network& n, Location at, std::string what);

// A kind of finding, as SARIF's reportingDescriptor describes it.
struct FindingRule {
  std::string id;  // stable: "exposure/ssh-open", "policy/db-isolated"
  std::string name;
  std::string short_description;
  std::string full_description;
  std::string help_text;
  std::string help_markdown;
  std::vector<std::string> tags;  // "security" first
  Risk severity = Risk::kMedium;
};

// Why a finding is silenced: a `cloudtwin:ignore` tag on a resource (SARIF kind "inSource") or
// an entry of a suppression file ("external").
struct FindingSuppression {
  bool in_source = false;
  std::string justification;
  SourceLocation where;  // the tag or the suppression entry
  std::string expires;   // "YYYY-MM-DD" or ""
};

struct Finding {
  std::string rule;  // a FindingRule's id
  Risk severity = Risk::kMedium;
  bool inconclusive = false;  // "may be": the answer depends on what cloudtwin cannot know
  std::string message;        // one line
  std::string details;        // the whole story (rows, traces): JUnit bodies, SARIF properties
  std::string resource_id;
  std::string resource_kind;   // "NetworkInterface", "PolicyRule"
  std::string resource_label;  // "web-1 (eni-1)"
  // Other ids and names the finding is about, for suppressions' `resource` (an ENI's instance,
  // the security group whose rule admits the packets) ...
  std::vector<std::string> resource_aliases;
  // ... and the ids of the resources whose `cloudtwin:ignore` tag silences it.
  std::vector<std::string> tag_holders;
  SourceLocation location;              // the line to change
  std::vector<SourceLocation> related;  // other lines that matter (the interface, the instance)
  std::string fingerprint;              // fingerprint(rule, resource_id, key)
  nlohmann::json properties = nlohmann::json::object();  // the verb's own data
  // Counts for the exit status and is a JUnit failure (e.g. at or above --fail-on).
  bool failing = true;
  std::optional<FindingSuppression> suppression;
  bool baselined = false;

  // Neither suppressed nor in the baseline: reported, and counted for the exit status.
  [[nodiscard]] bool active() const { return !suppression && !baselined; }
};

// A stable id of a finding across commits: 16 hex digits of a 64-bit FNV-1a hash of the rule, the
// resource's id and `key` (what tells findings of one rule on one resource apart, e.g.
// "tcp 22"), never of line numbers, so that a finding keeps it when lines move.
std::string fingerprint(std::string_view rule, std::string_view resource, std::string_view key);

// SARIF `level` of a finding ("error", "warning", "note") and a rule's default one.
const char* sarif_level(Risk severity, bool inconclusive = false);
// GitHub code scanning's `security-severity`: a score as a string ("9.5" critical, "8.0" high,
// "5.5" medium, "2.0" low).
std::string security_severity(Risk r);

// ---- silencing --------------------------------------------------------------------------------

// What silencing found that the report should mention: expired suppressions (reported again),
// tags without a reason, entries that match nothing.
struct SilenceNotes {
  std::size_t suppressed = 0;
  std::size_t baselined = 0;
  std::vector<std::string> warnings;  // "FILE:L:C: warning: ..." lines
};

// Marks the findings that the `cloudtwin:ignore` tags of `network` and the entries of
// `suppressions` silence (tags first). An entry whose `expires` is before `today` (YYYY-MM-DD)
// silences nothing and is named in a warning.
void apply_suppressions(std::vector<Finding>& findings,
                        const std::vector<model::Suppression>& suppressions,
                        const model::Network& network, std::string_view today,
                        SilenceNotes& notes);
// Marks the active findings whose fingerprint is in `baseline`.
void apply_baseline(std::vector<Finding>& findings, const model::Baseline& baseline,
                    SilenceNotes& notes);
// The baseline of the findings that are not suppressed, as --write-baseline writes it:
// {"schema": "cloudtwin/baseline/v1", "verb": ..., "findings": [{fingerprint, rule, ...}]}.
std::string render_baseline(const std::vector<Finding>& findings, std::string_view verb);
// Today's date in UTC as YYYY-MM-DD (CLOUDTWIN_TODAY overrides it, for tests).
std::string today_utc();
// `*` matches any run of characters, the rest itself.
bool glob_match(std::string_view pattern, std::string_view text);

// ---- outputs ----------------------------------------------------------------------------------

struct SarifOptions {
  std::string verb;  // "exposure": runs are categorised as "cloudtwin/exposure/"
  std::vector<std::string> inputs;  // the files read, listed as artifacts
  bool baseline_given = false;      // results then carry baselineState "new"
  std::vector<std::string> notifications;  // warnings for the run's invocation
};
// One SARIF 2.1.0 log with one run: every rule (FindingRule order), every finding that is not in
// the baseline (suppressed ones with their `suppressions`).
nlohmann::json render_sarif(const std::vector<FindingRule>& rules,
                            const std::vector<Finding>& findings, const SarifOptions& options);

struct JUnitCase {
  enum class Outcome : std::uint8_t { kPassed, kFailed, kSkipped };
  std::string name;
  std::string classname;
  Outcome outcome = Outcome::kPassed;
  std::string message;  // failure or skipped message
  std::string type;     // failure type
  std::string body;     // failure or skipped text, or the system-out of a passed case
};
struct JUnitSuite {
  std::string name;
  std::string file;
  std::vector<JUnitCase> cases;
};
// A finding as a test case: failed when active and failing, skipped (with the reason) when
// suppressed, in the baseline or inconclusive, passed otherwise.
JUnitCase junit_case(const Finding& f);
// JUnit XML that validates against the Jenkins xunit plugin's junit-10.xsd (the Ant format):
// <testsuites> of <testsuite> of <testcase> with <failure>/<skipped>/<system-out>.
std::string render_junit(std::string_view name, const std::vector<JUnitSuite>& suites);

// Text with &, <, >, " and ' escaped and the characters XML 1.0 forbids replaced.
std::string xml_escape(std::string_view text);

}  // namespace cloudtwin::cli
