// Sets of packets for people: a few rows of protocol, ports and addresses, each with one
// representative trace. A row is the product of its columns; where a set is not such a
// product, it is split per class, and a row that still over-approximates says so (`exact`).
#pragma once

#include <string>
#include <vector>

#include "cloudtwin/verify/reach.h"

namespace cloudtwin::verify {

struct Row {
  std::string protocol;  // "tcp", "udp", "icmp", "icmpv6", or a list of protocol numbers
  std::vector<std::pair<int, int>> protocols;  // the numbers, as ranges
  std::vector<PortRange> destination_ports;    // ICMP: types
  std::vector<PortRange> source_ports;         // ICMP: codes
  std::vector<Prefix> sources;
  std::vector<Prefix> destinations;
  // Set when a column is (nearly) the whole internet: "the internet", "the internet except
  // 3.80.0.10"; renderers show it instead of the prefixes.
  std::string sources_label;
  std::string destinations_label;
  bool truncated = false;  // an address column was cut short
  bool exact = true;       // the row is exactly the packets it stands for
  model::Index source_interface = model::kNone;
  model::Index destination_interface = model::kNone;
  const Flow* example = nullptr;  // a flow inside the row, with its trace
  double packets = 0;
};

// The rows of the flows of `result` with this verdict.
[[nodiscard]] std::vector<Row> rows(const ReachResult& result, vpc::Verdict verdict);
// The rows of the flows reachable for certain (true) or blocked for certain (false).
[[nodiscard]] inline std::vector<Row> rows(const ReachResult& result, bool reachable) {
  return rows(result, reachable ? vpc::Verdict::kReachable : vpc::Verdict::kBlocked);
}

// Rows for one set (not tied to flows): the protocol groups of `set`, projected.
[[nodiscard]] std::vector<Row> rows_of(const bdd& set);

// The protocols of `set` with their destination ports (ICMP: types), addresses and source
// ports left out: "tcp 443, 5432; icmp 8". What a matrix cell says.
[[nodiscard]] std::string services_text(const bdd& set);

// "443", "1024-65535", "80, 443, 8000-8080"; "any" for the full range.
[[nodiscard]] std::string ports_text(const std::vector<PortRange>& ports);
// "10.0.1.0/24, 10.0.2.5" (hosts without /32), "… and N more" past `limit`.
[[nodiscard]] std::string prefixes_text(const std::vector<Prefix>& prefixes, bool truncated,
                                        std::size_t limit = 6);

}  // namespace cloudtwin::verify
