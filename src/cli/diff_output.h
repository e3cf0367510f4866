// Rendering `cloudtwin diff`: the rows of packets whose reachability changed, each with its packet
// traced in both networks and the resource changes on its path, as text, a JSON document and a
// markdown pull-request comment.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/load/network_changes.h"
#include "cloudtwin/model/network.h"
#include "cloudtwin/verify/exposure.h"
#include "cloudtwin/verify/rows.h"

namespace cloudtwin::cli {

struct DiffRow {
  std::string change;  // "opened", "closed", "maybe-opened", "maybe-closed"
  verify::Row row;     // Row::example cleared
  nlohmann::json json;  // row_json() of the row, in the network its flows come from
  vpc::Trace trace;    // a packet of the row in that network (after for opened rows)
  std::optional<vpc::Trace> other;  // the same packet in the other network
  std::string missing;              // why `other` is not there
  bool in_after = true;             // `trace` is the network after's
  bool uncertain = false;  // the other network's verdict of some of its packets is inconclusive
  std::vector<std::size_t> causes;  // indices into DiffReport::changes
  std::optional<verify::Risk> risk;  // new exposure: how risky
  std::string reason;
  // Why the row is silenced ("suppressed: REASON", "in the baseline"); empty when it counts.
  std::string silenced;
  [[nodiscard]] const vpc::Trace* after() const { return in_after ? &trace : other ? &*other : nullptr; }
  [[nodiscard]] const vpc::Trace* before() const { return in_after ? (other ? &*other : nullptr) : &trace; }
  // Opened or closed, and not inconclusive in the other network.
  [[nodiscard]] bool certain() const {
    return !uncertain && (change == "opened" || change == "closed");
  }
};

struct DiffSectionRows {
  std::string kind;  // verify::SectionDiff::kind
  std::string from;
  std::string to;
  bool truncated = false;
  std::vector<DiffRow> rows;
};

struct DiffReport {
  std::vector<std::string> before;  // the inputs, as given
  std::vector<std::string> after;
  std::vector<load::ResourceChange> changes;
  std::vector<DiffSectionRows> sections;
  std::size_t max_rows = 20;  // per section in text and markdown; 0: all
  // Questions left out, said with the answer so "unchanged" is not read as more than it is:
  // "every network interface to the internet (--egress)".
  std::vector<std::string> not_asked;

  // "2 rows opened, 1 closed, 1 inconclusive; 3 resources changed"
  [[nodiscard]] std::string summary() const;
  // 1 when a certain change is of the kind `fail_on` names (any, opened, new-exposure, never),
  // 3 when only an inconclusive one is (or a search stopped early), else 0.
  [[nodiscard]] int exit_status(const std::string& fail_on) const;
};

std::string render_diff_text(const DiffReport& report, bool traces);
nlohmann::json render_diff_json(const DiffReport& report);
std::string render_diff_markdown(const DiffReport& report);

}  // namespace cloudtwin::cli
