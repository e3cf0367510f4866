// Any text given as a risk table (`exposure --risk-table`, docs/exposure-risks.md) yields located
// diagnostics or a table, never a crash. A table that reads is made effective (with `extends:
// default`, the built-in entries after its own) and rates a few ports and protocols: every rating
// names a rule, and a single tcp port is decided by the first entry that covers it, or by
// `other:` when none does; otherwise the target aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "cloudtwin/load/findings_files.h"
#include "cloudtwin/verify/risk_table.h"

namespace {

using namespace cloudtwin;

const model::RiskEntry* first_entry_for(const model::RiskTable& t, int protocol,
                                        std::uint16_t port) {
  for (const auto& e : t.entries) {
    bool named = false;
    for (Protocol p : e.protocols) named = named || p.number() == protocol;
    if (!named) continue;
    for (const auto& r : e.ports) {
      if (r.contains(port)) return &e;
    }
  }
  return nullptr;
}

void check_rating(const model::RiskTable& t, const verify::RiskRating& r) {
  if (r.rule.empty() || r.reason.empty()) std::abort();
  if (r.entry) {
    if (r.entry < t.entries.data() || r.entry >= t.entries.data() + t.entries.size()) std::abort();
    if (r.rule != r.entry->rule) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diagnostics;
  auto table = load::read_risk_table_text(text, "fuzz.yaml", diagnostics);
  if (table.has_value() == diagnostics.has_errors()) std::abort();
  if (!table) return 0;
  for (const auto& e : table->entries) {
    if (!load::valid_rule_id(e.rule) || e.name.empty() || e.at.line == 0) std::abort();
  }
  const model::RiskTable t = verify::effective_risk_table(*table);
  const std::vector<std::pair<int, int>> tcp = {{Protocol::kTcp, Protocol::kTcp}};
  // The ports the table names first, and a few the built-in table knows.
  std::vector<std::uint16_t> ports = {0, 22, 3306, 65535};
  for (const auto& e : table->entries) {
    if (!e.ports.empty()) ports.push_back(e.ports.front().from);
    if (ports.size() >= 8) break;
  }
  for (std::uint16_t port : ports) {
    auto r = verify::rate(t, tcp, "tcp", {PortRange::single(port)}, true);
    check_rating(t, r);
    const model::RiskEntry* expected = first_entry_for(t, Protocol::kTcp, port);
    if (r.entry != expected) std::abort();
    if (!expected && r.rule != t.other.rule) std::abort();
    check_rating(t, verify::rate(t, tcp, "tcp", {PortRange::single(port)}, false));
  }
  check_rating(t, verify::rate(t, tcp, "tcp", {}, true));  // every port
  check_rating(t, verify::rate(t, {{Protocol::kUdp, Protocol::kUdp}}, "udp", {{1000, 1200}}, true));
  check_rating(t, verify::rate(t, {{Protocol::kIcmp, Protocol::kIcmp}}, "icmp", {{8, 8}}, true));
  check_rating(t, verify::rate(t, {{0, 255}}, "all", {}, true));
  return 0;
}
