// The readers of risk tables, suppression files and baselines (src/load/findings_files_reader.cc):
// every mistake reported at its file:line:column with a hint, nothing read from a bad file.
#include "cloudtwin/load/findings_files.h"

#include <gtest/gtest.h>

namespace cloudtwin::load {
namespace {

struct BadCase {
  const char* name;
  const char* text;
  const char* expected;  // the first diagnostic, "FILE:L:C: error: ..." (a prefix of it)
};

std::string first_error(const Diagnostics& d) {
  for (const auto& i : d.items()) return i.str();
  return "";
}

TEST(RiskTableReader, ReportsEachMistakeWhereItIs) {
  const BadCase cases[] = {
      {"syntax", "entries: [\n", "r.yaml:2:1: error: YAML syntax error"},
      {"not-mapping", "- a\n", "r.yaml:1:1: error: a risk table must be a mapping, not a list"},
      {"nothing", "other: {risk: low, rule: x}\n", "r.yaml:1:1: error: a risk table needs `entries:` or `extends: default`"},
      {"extends", "extends: defaults\n", "r.yaml:1:10: error: `extends` must be one of default"},
      {"risk", "entries:\n  - {rule: a, protocol: tcp, ports: 22, risk: severe}\n", "r.yaml:2:47: error: `risk` must be one of"},
      {"rule-id", "entries:\n  - {rule: Exposure/SSH, protocol: tcp, ports: 22, risk: high}\n",
       "r.yaml:2:12: error: `rule`: `Exposure/SSH` is not a rule id"},
      {"no-ports", "entries:\n  - {rule: a, protocol: tcp, risk: high}\n", "r.yaml:2:15: error: a tcp or udp entry needs `ports:`"},
      {"icmp-ports", "entries:\n  - {rule: a, protocol: icmp, ports: 8, risk: low}\n", "r.yaml:2:31: error: `ports` belong to tcp and udp"},
      {"all", "entries:\n  - {rule: a, protocol: all, risk: low}\n", "r.yaml:2:25: error: `protocol`: an entry names protocols, not `all`"},
      {"port", "entries:\n  - {rule: a, protocol: tcp, ports: 70000, risk: low}\n", "r.yaml:2:37: error: `ports`: `70000` is not a port range"},
      {"unknown-key", "entries:\n  - {rule: a, protocol: tcp, port: 22, risk: low}\n", "r.yaml:2:30: error:"},
      {"no-protocols", "entries:\n  - {rule: a, protocol: [], risk: low}\n", "r.yaml:2:25: error: `protocol` is empty"},
      {"no-ports-listed", "entries:\n  - {rule: a, protocol: tcp, ports: [], risk: low}\n", "r.yaml:2:"},
      {"two-risks", "entries:\n  - {rule: a, protocol: tcp, ports: 1, risk: low}\n  - {rule: a, protocol: udp, ports: 1, risk: high}\n",
       "r.yaml:3:"},
  };
  for (const auto& c : cases) {
    Diagnostics d;
    EXPECT_FALSE(read_risk_table_text(c.text, "r.yaml", d)) << c.name;
    EXPECT_EQ(first_error(d).rfind(c.expected, 0), 0u) << c.name << ": " << first_error(d);
  }
}

TEST(SuppressionsReader, ReadsEntries) {
  Diagnostics d;
  auto s = read_suppressions_text(
      "suppressions:\n"
      "  - rule: exposure/ssh-open\n"
      "    resource: bastion*\n"
      "    reason: on-call access, MFA at the host\n"
      "    expires: 2030-02-28\n"
      "  - {rule: policy/db-isolated, reason: migration until March}\n",
      "s.yaml", d);
  ASSERT_TRUE(s) << first_error(d);
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0].resource, "bastion*");
  EXPECT_EQ((*s)[0].expires, "2030-02-28");
  EXPECT_EQ((*s)[0].at.line, 2u);
  EXPECT_EQ((*s)[1].resource, "");
}

TEST(SuppressionsReader, ReportsEachMistakeWhereItIs) {
  const BadCase cases[] = {
      {"no-list", "rules: []\n", "s.yaml:1:1: error:"},
      {"no-reason", "suppressions:\n  - {rule: exposure/ssh-open}\n", "s.yaml:2:5: error:"},
      {"empty-reason", "suppressions:\n  - {rule: exposure/ssh-open, reason: ''}\n", "s.yaml:2:"},
      {"no-verb", "suppressions:\n  - {rule: ssh-open, reason: x}\n", "s.yaml:2:12: error: `rule`: `ssh-open` does not name its verb"},
      {"date", "suppressions:\n  - {rule: exposure/ssh-open, reason: x, expires: 2026-02-30}\n",
       "s.yaml:2:51: error: `expires`: `2026-02-30` is not a date"},
      {"key", "suppressions:\n  - {rule: exposure/ssh-open, reason: x, until: 2026-01-01}\n", "s.yaml:2:"},
  };
  for (const auto& c : cases) {
    Diagnostics d;
    EXPECT_FALSE(read_suppressions_text(c.text, "s.yaml", d)) << c.name;
    EXPECT_EQ(first_error(d).rfind(c.expected, 0), 0u) << c.name << ": " << first_error(d);
  }
}

TEST(BaselineReader, ReadsWhatWriteBaselineWrites) {
  Diagnostics d;
  auto b = read_baseline_text(
      "{\n  \"schema\": \"cloudtwin/baseline/v1\",\n  \"tool\": \"cloudtwin\",\n  \"verb\": \"exposure\",\n"
      "  \"findings\": [\n    {\"fingerprint\": \"00ff00ff00ff00ff\", \"rule\": \"exposure/ssh-open\", "
      "\"resource\": \"eni-1\", \"message\": \"m\"}\n  ]\n}\n",
      "b.json", d);
  ASSERT_TRUE(b) << first_error(d);
  EXPECT_EQ(b->fingerprints, std::vector<std::string>{"00ff00ff00ff00ff"});
}

TEST(BaselineReader, ReportsEachMistakeWhereItIs) {
  const BadCase cases[] = {
      {"schema", "{\"schema\": \"cloudtwin/baseline/v9\", \"findings\": []}", "b.json:1:12: error: `schema`"},
      {"fingerprint", "{\"schema\": \"cloudtwin/baseline/v1\",\n \"findings\": [{\"fingerprint\": \"xyz\"}]}",
       "b.json:2:31: error: `fingerprint`: `xyz` is not a cloudtwin fingerprint"},
      {"syntax", "{\"schema\": ", "b.json:2:1: error: YAML syntax error"},
      {"no-findings", "{\"schema\": \"cloudtwin/baseline/v1\"}", "b.json:1:1: error:"},
  };
  for (const auto& c : cases) {
    Diagnostics d;
    EXPECT_FALSE(read_baseline_text(c.text, "b.json", d)) << c.name;
    EXPECT_EQ(first_error(d).rfind(c.expected, 0), 0u) << c.name << ": " << first_error(d);
  }
}

}  // namespace
}  // namespace cloudtwin::load
