// One question to the compiled zones without a socket: what `dns answer` prints and what `trace
// --to NAME` resolves through (the Amazon resolver of the source's VPC, route53.md §4). The same
// answer path as `serve dns`; the response is decoded back into records in presentation form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/dns/answer.h"

namespace cloudtwin::dns {

struct AskedRecord {
  std::string section;  // answer, authority, additional
  std::string owner;    // presentation form, with the trailing dot
  std::uint16_t type = 0;
  std::uint32_t ttl = 0;
  std::string data;        // presentation form
  std::vector<std::uint8_t> rdata;  // names expanded (no compression pointers)
};

struct Asked {
  std::uint16_t rcode = 0;
  AnswerInfo info;
  const Zone* zone = nullptr;  // the zone that answered (none: REFUSED, not ours)
  std::vector<AskedRecord> records;
  [[nodiscard]] bool answered() const;
  // The A and AAAA addresses of the answer section (after any CNAME chain the zone followed).
  [[nodiscard]] std::vector<IpAddress> addresses() const;
};

// Asks `store` for `name` (presentation form; a trailing dot optional) and `qtype` as a TCP query
// (no truncation) from `policy`'s client. nullopt when `name` is not a domain name.
[[nodiscard]] std::optional<Asked> ask(const ZoneStore& store, std::string_view name, std::uint16_t qtype,
                                       const PolicyContext& policy);

}  // namespace cloudtwin::dns
