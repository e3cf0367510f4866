// The answer path: one decoded query and a ZoneStore in, the response's bytes out, written into
// the caller's buffer. A pure function of its inputs: no allocation, no locks, no clock, so the
// same code serves UDP and TCP, the tests and the fuzzer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "cloudtwin/dns/geoip.h"
#include "cloudtwin/dns/latency_table.h"
#include "cloudtwin/dns/wire.h"
#include "cloudtwin/dns/zone_store.h"

namespace cloudtwin::dns {

enum class Transport : std::uint8_t { kUdp, kTcp };

// What the response said, for metrics and logs, and which routing-policy choice made it.
struct AnswerInfo {
  std::uint16_t rcode = 0;  // extended (BADVERS = 16)
  bool truncated = false;
  bool authoritative = false;
  // The last policy group the answer went through: its index (kNoTemplate: none), the choice.
  std::uint32_t group = kNoTemplate;
  Choice choice;
  const Zone* zone = nullptr;  // the zone that answered
  // Every group the answer went through, outermost first: an alias into another group of the
  // zone chooses again there (route53.md §3). `group`/`choice` are the last of them.
  std::uint8_t depth = 0;
  std::array<std::uint32_t, 4> path{};
  std::array<Choice, 4> choices{};
};

// Who asks and what routing policies choose by (route53.md §2, §2.9, §4): the client's address
// (its ECS prefix, else the source address) and location, the health checks' states, the random
// draws, and the VPC it asks from.
struct PolicyContext {
  const ClientAddress* address = nullptr;
  const ClientLocation* location = nullptr;  // given: used as is; else looked up in `geo`
  const GeoDatabase* geo = nullptr;
  GeoCache* geo_cache = nullptr;  // the worker's (none: every lookup reads the database)
  const LatencyTable* latency = nullptr;  // measured latencies (--latency-table); none: distance
  // By the network's health check index: 0 = unhealthy. A check beyond the span is healthy.
  std::span<const std::uint8_t> health;
  Random* random = nullptr;  // none: a fixed seed (the same member every time for weighted)
  // The VPC the query comes from (an index into ZoneStore::views), or kNoView: the public view.
  std::uint32_t view = kNoView;
};

// The response limit: 512 without EDNS over UDP, the requester's buffer size with it (never
// below 512, never above `server_max`), 65535 over TCP (RFC 1035 §4.2, RFC 6891 §6.2.5).
[[nodiscard]] std::size_t response_limit(const Query& q, Transport t, std::size_t server_max = kDefaultEdnsSize);

// Writes the response to `q` (decoded with `status`) into `out`, of at least `capacity` bytes
// (512 suffice for UDP without EDNS; give 65535 for TCP). Returns its length; 0 means "send
// nothing" (status kDrop).
[[nodiscard]] std::size_t answer_query(const ZoneStore& store, const Query& q, QueryStatus status, Transport t,
                                       std::uint8_t* out, std::size_t capacity, AnswerInfo& info,
                                       const PolicyContext& policy = {});

// `serve dns --explain`: appends to the response in `out` (`length` bytes; at most `limit`) one
// TXT record, owner "explain.cloudtwin.", TTL 0, in the additional section: which zone answered
// (and from which VPC's view) and, for each routing policy on the way, what it chose and why.
// Returns the new length; the same when the response is truncated, empty, or the record does not
// fit.
[[nodiscard]] std::size_t append_explanation(const ZoneStore& store, const AnswerInfo& info, const PolicyContext& policy,
                                             std::uint8_t* out, std::size_t length, std::size_t limit);

// Whether member `m` (an index into ZoneStore::members) counts healthy for `policy`: its own
// check passes and, for an alias with EvaluateTargetHealth, one set of its target group is
// healthy (route53.md §2.9 rules 2 and 5).
[[nodiscard]] bool member_healthy(const ZoneStore& store, std::uint32_t m, const PolicyContext& policy);

// Chooses among `group`'s members for `policy` (what answer_query does at a group).
[[nodiscard]] Choice choose_member(const ZoneStore& store, const PolicyGroup& group,
                                   const PolicyContext& policy, Random& random);

}  // namespace cloudtwin::dns
