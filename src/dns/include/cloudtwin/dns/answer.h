// The answer path: one decoded query and a ZoneStore in, the response's bytes out, written into
// the caller's buffer. A pure function of its inputs: no allocation, no locks, no clock, so the
// same code serves UDP and TCP, the tests and the fuzzer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cloudtwin/dns/wire.h"
#include "cloudtwin/dns/zone_store.h"

namespace cloudtwin::dns {

enum class Transport : std::uint8_t { kUdp, kTcp };

// What the response said, for metrics and logs.
struct AnswerInfo {
  std::uint16_t rcode = 0;  // extended (BADVERS = 16)
  bool truncated = false;
  bool authoritative = false;
};

// The response limit: 512 without EDNS over UDP, the requester's buffer size with it (never
// below 512, never above `server_max`), 65535 over TCP (RFC 1035 §4.2, RFC 6891 §6.2.5).
[[nodiscard]] std::size_t response_limit(const Query& q, Transport t, std::size_t server_max = kDefaultEdnsSize);

// Writes the response to `q` (decoded with `status`) into `out`, of at least `capacity` bytes
// (512 suffice for UDP without EDNS; give 65535 for TCP). Returns its length; 0 means "send
// nothing" (status kDrop).
[[nodiscard]] std::size_t answer_query(const ZoneStore& store, const Query& q, QueryStatus status, Transport t,
                                       std::uint8_t* out, std::size_t capacity, AnswerInfo& info);

}  // namespace cloudtwin::dns
