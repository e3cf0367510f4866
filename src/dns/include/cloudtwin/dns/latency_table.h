// Measured client-to-Region latencies for latency routing (route53.md §2.3: "use an
// operator-supplied client-prefix -> Region latency table, defaulting to great-circle distance").
// A text file, one measurement per line, `#` comments:
//
//   # client prefix, Region, milliseconds
//   198.51.100.0/24, us-west-2, 12
//   198.51.100.0/24, eu-central-1, 148
//   0.0.0.0/0, us-east-1, 80
//
// The most specific prefix holding the client decides, with the Regions it lists (a Region it
// does not list is not a candidate); no prefix holds it: the great-circle model. Read once;
// lookups allocate nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/dns/policy.h"

namespace cloudtwin::dns {

class LatencyTable {
 public:
  // Reads `path`; every bad line is an error at file:line:column in `d`. False on any error.
  [[nodiscard]] bool read(const std::string& path, Diagnostics& d);
  // The same on `text` (named `path` in messages).
  [[nodiscard]] bool parse(const std::string& text, const std::string& path, Diagnostics& d);

  // For `client`: the length of the most specific prefix holding it, and the latency to each
  // member's Region in `out` (NaN where the prefix lists none); nullopt when no prefix holds it.
  [[nodiscard]] std::optional<std::uint8_t> lookup(const ClientAddress& client, std::span<const Member> members,
                                                   double* out) const;
  [[nodiscard]] std::size_t size() const { return rows_.size(); }

 private:
  struct Row {
    CidrBlock block;
    std::string region;
    double ms = 0;
  };
  std::vector<Row> rows_;  // the longest prefixes first
};

}  // namespace cloudtwin::dns
