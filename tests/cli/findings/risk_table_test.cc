// The risk table of `exposure` (src/verify/risk_table.cc, docs/exposure-risks.md): how a row of
// exposed packets is rated, what a table file changes, and that the document lists the table.
#include "cloudtwin/verify/risk_table.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "cloudtwin/load/findings_files.h"

namespace cloudtwin::verify {
namespace {

struct RateCase {
  const char* name;
  int protocol;
  std::vector<PortRange> ports;
  bool whole;
  Risk risk;
  const char* rule;
  const char* reason;
};

std::vector<std::pair<int, int>> proto(int p) { return {{p, p}}; }

TEST(RiskTable, RatesRowsByTheBuiltInTable) {
  const RateCase cases[] = {
      {"ssh", 6, {{22, 22}}, true, Risk::kHigh, "ssh-open", "SSH (tcp 22) open to the whole internet"},
      // Part of the internet: one level lower (the `whole_internet` rule of exposure.h).
      {"ssh-part", 6, {{22, 22}}, false, Risk::kMedium, "ssh-open", "SSH (tcp 22) open to part of the internet"},
      {"postgres", 6, {{5432, 5432}}, true, Risk::kCritical, "postgresql-open", nullptr},
      {"web", 6, {{80, 80}}, true, Risk::kLow, "http-open", nullptr},
      {"web-and-more", 6, {{80, 81}}, true, Risk::kMedium, "open-to-internet", "tcp 80-81 open to the whole internet"},
      {"range-with-ssh", 6, {{20, 25}}, true, Risk::kHigh, "ssh-open", "SSH (tcp 22) open to the whole internet"},
      {"app-port", 6, {{8443, 8443}}, true, Risk::kMedium, "open-to-internet", "tcp 8443 open to the whole internet"},
      {"wide", 6, {{1000, 2000}}, true, Risk::kCritical, "port-range-open", "tcp ports 1000-2000 open to the whole internet"},
      {"every-port", 17, {}, true, Risk::kCritical, "port-range-open", nullptr},
      {"udp-snmp", 17, {{161, 161}}, true, Risk::kHigh, "snmp-open", nullptr},
      {"udp-22-not-ssh", 17, {{22, 22}}, true, Risk::kMedium, "open-to-internet", nullptr},
      {"highest-of-ranges", 6, {{80, 80}, {3306, 3306}}, true, Risk::kCritical, "mysql-open", nullptr},
  };
  for (const auto& c : cases) {
    auto r = rate(default_risk_table(), proto(c.protocol), c.protocol == 6 ? "tcp" : "udp", c.ports, c.whole);
    EXPECT_EQ(r.risk, c.risk) << c.name;
    EXPECT_EQ(r.rule, c.rule) << c.name;
    if (c.reason) {
      EXPECT_EQ(r.reason, c.reason) << c.name;
    }
  }
}

TEST(RiskTable, RatesProtocolsWithoutPorts) {
  auto icmp = rate(default_risk_table(), proto(1), "icmp", {{8, 8}}, true);
  EXPECT_EQ(icmp.risk, Risk::kLow);
  EXPECT_EQ(icmp.rule, "icmp-open");
  auto gre = rate(default_risk_table(), proto(47), "47", {}, true);
  EXPECT_EQ(gre.risk, Risk::kMedium);
  EXPECT_EQ(gre.rule, "open-to-internet");
  EXPECT_EQ(gre.reason, "47 open to the whole internet");
  auto mixed = rate(default_risk_table(), {{0, 5}}, "0-5", {}, true);  // icmp and others
  EXPECT_EQ(mixed.risk, Risk::kMedium);
}

model::RiskTable table_of(const std::string& yaml) {
  Diagnostics d;
  auto t = load::read_risk_table_text(yaml, "risks.yaml", d);
  EXPECT_TRUE(t) << (d.items().empty() ? "" : d.items()[0].str());
  return t ? effective_risk_table(*t) : model::RiskTable{};
}

TEST(RiskTable, AnExtendingFileComesFirst) {
  auto t = table_of(
      "extends: default\n"
      "entries:\n"
      "  - {rule: ssh-open, name: SSH, protocol: tcp, ports: 22, risk: medium}\n"
      "  - {rule: grafana-open, name: Grafana, protocol: tcp, ports: 3000, risk: high}\n");
  EXPECT_EQ(rate(t, proto(6), "tcp", {{22, 22}}, true).risk, Risk::kMedium);
  EXPECT_EQ(rate(t, proto(6), "tcp", {{3000, 3000}}, true).rule, "grafana-open");
  // The built-in entries still apply after the file's.
  EXPECT_EQ(rate(t, proto(6), "tcp", {{3306, 3306}}, true).rule, "mysql-open");
}

TEST(RiskTable, AReplacingFileIsTheWholeTable) {
  auto t = table_of(
      "other: {risk: high, rule: unlisted-open}\n"
      "wide_range: {ports: 100, risk: high, rule: many-ports}\n"
      "entries:\n"
      "  - {rule: web, protocol: tcp, ports: [80, 443], risk: low}\n");
  EXPECT_EQ(rate(t, proto(6), "tcp", {{443, 443}}, true).rule, "web");
  EXPECT_EQ(rate(t, proto(6), "tcp", {{3306, 3306}}, true).rule, "unlisted-open");
  EXPECT_EQ(rate(t, proto(6), "tcp", {{3306, 3306}}, true).risk, Risk::kHigh);
  EXPECT_EQ(rate(t, proto(6), "tcp", {{1000, 1200}}, true).rule, "many-ports");
}

TEST(RiskTable, DocumentListsEveryBuiltInRule) {
  // docs/exposure-risks.md holds one table row per built-in entry: "| `ssh-open` | ...".
  std::ifstream in(std::string(CLOUDTWIN_SOURCE_DIR) + "/docs/exposure-risks.md");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  std::set<std::string> documented;
  const std::regex row(R"(^\| `([a-z0-9-]+)` \| ([a-z]+) \|)");
  std::string line;
  while (std::getline(text, line)) {
    std::smatch m;
    if (std::regex_search(line, m, row)) {
      documented.insert(m[1].str());
      const model::RiskEntry* e = nullptr;
      for (const auto& x : default_risk_table().entries) {
        if (x.rule == m[1].str()) e = &x;
      }
      if (e) {
        EXPECT_EQ(model::risk_name(e->risk), m[2].str()) << m[1];
      }
    }
  }
  std::set<std::string> built_in;
  for (const auto& e : default_risk_table().entries) built_in.insert(e.rule);
  built_in.insert(default_risk_table().other.rule);
  built_in.insert(default_risk_table().wide_range.rule);
  EXPECT_EQ(documented, built_in);
}

}  // namespace
}  // namespace cloudtwin::verify
