// The findings layer (src/cli/findings.h): fingerprints that ignore line numbers, globs,
// suppressions (tags and files, expiry), baselines, and the SARIF 2.1.0 / JUnit shapes that
// GitHub code scanning and the Jenkins/Ant XSD expect. The schemas themselves are checked by
// tests/cli/findings_test.sh.
#include "findings.h"

#include <gtest/gtest.h>

namespace cloudtwin::cli {
namespace {

Finding finding(std::string rule, std::string resource, std::string key) {
  Finding f;
  f.rule = std::move(rule);
  f.resource_id = resource;
  f.resource_label = resource;
  f.tag_holders = {resource};
  f.severity = Risk::kHigh;
  f.message = "m";
  f.location = {"net.yaml", 10, 5, "rule"};
  f.fingerprint = fingerprint(f.rule, resource, key);
  return f;
}

TEST(Fingerprint, DependsOnRuleResourceAndKeyOnly) {
  const auto a = fingerprint("exposure/ssh-open", "eni-1", "tcp 22");
  EXPECT_EQ(a.size(), 16u);
  EXPECT_EQ(a, fingerprint("exposure/ssh-open", "eni-1", "tcp 22"));
  EXPECT_NE(a, fingerprint("exposure/ssh-open", "eni-2", "tcp 22"));
  EXPECT_NE(a, fingerprint("exposure/rdp-open", "eni-1", "tcp 22"));
  EXPECT_NE(a, fingerprint("exposure/ssh-open", "eni-1", "tcp 2222"));
  // The parts are kept apart: ("ab", "c") is not ("a", "bc").
  EXPECT_NE(fingerprint("r", "ab", "c"), fingerprint("r", "a", "bc"));
  // A finding's location is not part of it (GitHub: partialFingerprints follow a result across
  // commits, "sarif-support-for-code-scanning", Providing data to track alerts).
  auto f = finding("exposure/ssh-open", "eni-1", "tcp 22");
  auto g = f;
  g.location.line = 99;
  EXPECT_EQ(f.fingerprint, g.fingerprint);
}

struct GlobCase {
  const char* pattern;
  const char* text;
  bool match;
};

TEST(Glob, StarMatchesAnyRun) {
  const GlobCase cases[] = {
      {"bastion", "bastion", true},       {"bastion", "bastion-2", false},
      {"bastion*", "bastion-2", true},    {"*-db", "orders-db", true},
      {"exposure/*", "exposure/ssh-open", true}, {"*", "", true},
      {"a*b*c", "axxbyyc", true},         {"a*b*c", "axxbyy", false},
      {"", "x", false},
  };
  for (const auto& c : cases) EXPECT_EQ(glob_match(c.pattern, c.text), c.match) << c.pattern << " " << c.text;
}

TEST(SecuritySeverity, FollowsGitHubRanges) {
  // GitHub code scanning: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
  EXPECT_GT(std::stod(security_severity(Risk::kCritical)), 9.0);
  EXPECT_GE(std::stod(security_severity(Risk::kHigh)), 7.0);
  EXPECT_LT(std::stod(security_severity(Risk::kHigh)), 9.0);
  EXPECT_GE(std::stod(security_severity(Risk::kMedium)), 4.0);
  EXPECT_LT(std::stod(security_severity(Risk::kMedium)), 7.0);
  EXPECT_GT(std::stod(security_severity(Risk::kLow)), 0.0);
  EXPECT_LT(std::stod(security_severity(Risk::kLow)), 4.0);
}

model::Suppression entry(std::string rule, std::string resource, std::string expires = {}) {
  model::Suppression s;
  s.rule = std::move(rule);
  s.resource = std::move(resource);
  s.reason = "because";
  s.expires = std::move(expires);
  s.path = "s.yaml";
  s.at = {1, 3, 5};
  return s;
}

TEST(Suppressions, FileEntriesMatchRuleAndResourceGlobs) {
  model::Network n;
  std::vector<Finding> fs = {finding("exposure/ssh-open", "eni-bastion", "tcp 22"),
                             finding("exposure/ssh-open", "eni-web", "tcp 22"),
                             finding("exposure/mysql-open", "eni-bastion", "tcp 3306")};
  SilenceNotes notes;
  apply_suppressions(fs, {entry("exposure/ssh-open", "eni-bast*")}, n, "2026-01-01", notes);
  ASSERT_TRUE(fs[0].suppression);
  EXPECT_FALSE(fs[0].suppression->in_source);
  EXPECT_EQ(fs[0].suppression->justification, "because");
  EXPECT_EQ(fs[0].suppression->where.str(), "s.yaml:3:5");
  EXPECT_FALSE(fs[1].suppression);
  EXPECT_FALSE(fs[2].suppression);
  EXPECT_EQ(notes.suppressed, 1u);
  EXPECT_TRUE(notes.warnings.empty());
}

TEST(Suppressions, ExpiredEntrySilencesNothingAndSaysSo) {
  model::Network n;
  std::vector<Finding> fs = {finding("exposure/ssh-open", "eni-1", "tcp 22")};
  SilenceNotes notes;
  // `expires` is the last day the suppression holds.
  apply_suppressions(fs, {entry("exposure/ssh-open", "", "2026-01-01")}, n, "2026-01-01", notes);
  EXPECT_TRUE(fs[0].suppression);
  fs[0].suppression.reset();
  notes = {};
  apply_suppressions(fs, {entry("exposure/ssh-open", "", "2025-12-31")}, n, "2026-01-01", notes);
  EXPECT_FALSE(fs[0].suppression);
  ASSERT_EQ(notes.warnings.size(), 1u);
  EXPECT_NE(notes.warnings[0].find("s.yaml:3:5: warning: the suppression of exposure/ssh-open expired on 2025-12-31"),
            std::string::npos)
      << notes.warnings[0];
}

TEST(Suppressions, EntryMatchingNothingIsReported) {
  model::Network n;
  std::vector<Finding> fs = {finding("exposure/ssh-open", "eni-1", "tcp 22")};
  SilenceNotes notes;
  apply_suppressions(fs, {entry("exposure/rdp-open", "")}, n, "2026-01-01", notes);
  ASSERT_EQ(notes.warnings.size(), 1u);
  EXPECT_NE(notes.warnings[0].find("matches no finding"), std::string::npos);
}

TEST(Suppressions, TagOnAHolderSilencesItsRule) {
  model::Network n;
  n.files.push_back("net.yaml");
  n.ignore_tags.push_back({model::Kind::kSecurityGroup, "sg-1", "ssh-open bastion for on-call", {1, 7, 9}});
  n.ignore_tags.push_back({model::Kind::kInstance, "i-2", "exposure/mysql-open", {1, 20, 9}});
  auto a = finding("exposure/ssh-open", "eni-1", "tcp 22");
  a.tag_holders.push_back("sg-1");
  auto b = finding("exposure/mysql-open", "eni-2", "tcp 3306");
  b.tag_holders.push_back("i-2");
  auto c = finding("exposure/ssh-open", "eni-3", "tcp 22");  // not behind sg-1
  std::vector<Finding> fs = {a, b, c};
  SilenceNotes notes;
  apply_suppressions(fs, {}, n, "2026-01-01", notes);
  ASSERT_TRUE(fs[0].suppression);
  EXPECT_TRUE(fs[0].suppression->in_source);
  EXPECT_EQ(fs[0].suppression->justification, "bastion for on-call");
  EXPECT_EQ(fs[0].suppression->where.str(), "net.yaml:7:9");
  // A tag without a reason silences nothing, with a warning at the tag.
  EXPECT_FALSE(fs[1].suppression);
  ASSERT_EQ(notes.warnings.size(), 1u);
  EXPECT_EQ(notes.warnings[0].rfind("net.yaml:20:9: warning: tag cloudtwin:ignore on i-2", 0), 0u)
      << notes.warnings[0];
  EXPECT_FALSE(fs[2].suppression);
}

TEST(Baseline, SilencesKnownFingerprintsAndRoundTrips) {
  std::vector<Finding> fs = {finding("exposure/ssh-open", "eni-1", "tcp 22"),
                             finding("exposure/ssh-open", "eni-2", "tcp 22")};
  const std::string written = render_baseline({fs[0]}, "exposure");
  auto j = nlohmann::json::parse(written);
  EXPECT_EQ(j["schema"], "cloudtwin/baseline/v1");
  ASSERT_EQ(j["findings"].size(), 1u);
  model::Baseline b;
  b.fingerprints = {j["findings"][0]["fingerprint"].get<std::string>()};
  SilenceNotes notes;
  apply_baseline(fs, b, notes);
  EXPECT_TRUE(fs[0].baselined);
  EXPECT_FALSE(fs[1].baselined);
  EXPECT_EQ(notes.baselined, 1u);
}

TEST(Sarif, ResultsCarryRuleIndexFingerprintsAndSuppressions) {
  FindingRule r;
  r.id = "exposure/ssh-open";
  r.name = "SshOpen";
  r.short_description = "SSH";
  r.full_description = "SSH open";
  r.help_text = "fix it";
  r.help_markdown = "**fix** it";
  r.tags = {"security"};
  r.severity = Risk::kHigh;
  auto a = finding("exposure/ssh-open", "eni-1", "tcp 22");
  auto b = finding("exposure/ssh-open", "eni-2", "tcp 22");
  b.suppression = FindingSuppression{false, "accepted risk", {"s.yaml", 3, 5, ""}, ""};
  auto c = finding("exposure/ssh-open", "eni-3", "tcp 22");
  c.baselined = true;
  auto j = render_sarif({r}, {a, b, c}, {"exposure", {}, true, {}});
  EXPECT_EQ(j["version"], "2.1.0");
  const auto& run = j["runs"][0];
  const auto& rule = run["tool"]["driver"]["rules"][0];
  EXPECT_EQ(rule["properties"]["security-severity"], "8.0");
  EXPECT_EQ(rule["properties"]["tags"][0], "security");
  EXPECT_EQ(rule["defaultConfiguration"]["level"], "error");
  EXPECT_EQ(run["automationDetails"]["id"], "cloudtwin/exposure/");
  const auto& results = run["results"];
  ASSERT_EQ(results.size(), 2u);  // the baselined one is left out
  EXPECT_EQ(results[0]["ruleIndex"], 0);
  EXPECT_EQ(results[0]["partialFingerprints"]["cloudtwinFinding/v1"], a.fingerprint);
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 10);
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "%SRCROOT%");
  // SARIF 2.1.0 §3.27.23: all results' suppressions are arrays once any is (empty: none).
  EXPECT_TRUE(results[0]["suppressions"].is_array() && results[0]["suppressions"].empty());
  // §3.35.3: an external suppression (a suppression file), with its justification.
  EXPECT_EQ(results[1]["suppressions"][0]["kind"], "external");
  EXPECT_EQ(results[1]["suppressions"][0]["justification"], "accepted risk");
  // §3.27.24: against a baseline, what is reported is new.
  EXPECT_EQ(results[0]["baselineState"], "new");
}

TEST(JUnit, OutcomesFollowFindingState) {
  auto a = finding("exposure/ssh-open", "eni-1", "tcp 22");
  auto b = a;
  b.suppression = FindingSuppression{true, "by design", {"n.yaml", 1, 1, ""}, ""};
  auto c = a;
  c.failing = false;
  auto d = a;
  d.inconclusive = true;
  EXPECT_EQ(junit_case(a).outcome, JUnitCase::Outcome::kFailed);
  EXPECT_EQ(junit_case(b).outcome, JUnitCase::Outcome::kSkipped);
  EXPECT_EQ(junit_case(b).message, "suppressed: by design");
  EXPECT_EQ(junit_case(c).outcome, JUnitCase::Outcome::kPassed);
  EXPECT_EQ(junit_case(d).outcome, JUnitCase::Outcome::kSkipped);
  const auto xml = render_junit("x<y", {{"suite", "f.yaml", {junit_case(a), junit_case(b)}}});
  EXPECT_NE(xml.find("<testsuites name=\"x&lt;y\" tests=\"2\" failures=\"1\" errors=\"0\">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("skipped=\"1\""), std::string::npos);
  // junit-10.xsd: <testcase> has no file or line attribute.
  EXPECT_EQ(xml.find("<testcase name=\"exposure/ssh-open eni-1\" classname=\"exposure/ssh-open\">"), xml.find("<testcase"));
}

TEST(XmlEscape, ReplacesWhatXmlForbids) {
  EXPECT_EQ(xml_escape("a<&>\"'b"), "a&lt;&amp;&gt;&quot;&apos;b");
  EXPECT_EQ(xml_escape(std::string("\x01", 1)), "\xEF\xBF\xBD");
  EXPECT_EQ(xml_escape("\xC3\xA9"), "\xC3\xA9");
  EXPECT_EQ(xml_escape("\xC3"), "\xEF\xBF\xBD");
}

}  // namespace
}  // namespace cloudtwin::cli
