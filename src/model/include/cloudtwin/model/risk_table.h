// The risk table of `cloudtwin exposure` as plain data (docs/exposure-risks.md): which protocols
// and ports open to the internet are critical, high, medium or low, and the stable rule id of a
// finding about each. The built-in table is verify::default_risk_table(); a file read by
// load::read_risk_table() replaces it or, with `extends: default`, comes before it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/core/packet.h"

namespace cloudtwin::model {

enum class Risk : std::uint8_t { kLow, kMedium, kHigh, kCritical };

inline const char* risk_name(Risk r) {
  switch (r) {
    case Risk::kCritical: return "critical";
    case Risk::kHigh: return "high";
    case Risk::kMedium: return "medium";
    case Risk::kLow: return "low";
  }
  return "low";
}

inline std::optional<Risk> parse_risk(std::string_view text) {
  for (auto r : {Risk::kLow, Risk::kMedium, Risk::kHigh, Risk::kCritical}) {
    if (text == risk_name(r)) return r;
  }
  return std::nullopt;
}

// One row of the table: the services on these protocols and ports, how risky it is to open
// them to the whole internet, and the id of the rule a finding about them carries.
struct RiskEntry {
  std::vector<Protocol> protocols;  // tcp, udp, icmp, icmpv6 or a number; never `all`
  std::vector<PortRange> ports;     // tcp and udp: the ports; empty for other protocols
  Risk risk = Risk::kMedium;
  std::string rule;    // "ssh-open": findings carry "exposure/ssh-open"
  std::string name;    // "SSH", shown in the finding ("SSH (tcp 22) open to the whole internet")
  std::string reason;  // why it is this risky, for the rule's help text
  Location at;         // where a risk-table file writes it; line 0 for the built-in table
};

// What no entry covers, and ranges so wide that the service does not matter.
struct RiskFallback {
  Risk risk = Risk::kMedium;
  std::string rule;
  std::string reason;
  Location at;
};

struct RiskTable {
  std::string path;  // the file; "" for the built-in table
  // The file says `extends: default`: its entries come before the built-in ones.
  bool extends_default = false;
  // The entry that covers a port first decides its risk (so an extending file's entry for a port
  // overrides the built-in one); a finding takes the highest risk among its ports.
  std::vector<RiskEntry> entries;
  // Ports and protocols no entry covers.
  RiskFallback other{Risk::kMedium, "open-to-internet",
                     "A service cloudtwin has no entry for, open to the internet: often an "
                     "application port, sometimes a forgotten one.",
                     {}};
  // TCP or UDP ranges of more than `wide_range_ports` ports: whatever listens there is open.
  RiskFallback wide_range{Risk::kCritical, "port-range-open",
                          "A wide range of ports open to the internet exposes every service "
                          "that listens in it, including ones started later.",
                          {}};
  std::uint32_t wide_range_ports = 1000;
};

}  // namespace cloudtwin::model
