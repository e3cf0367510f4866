// Packing many routes into few UPDATE messages: each UPDATE carries one attribute set and as
// many prefixes as fit in 4096 bytes, and carries only one of withdrawn routes, NLRI, MP_REACH
// or MP_UNREACH (RFC 7606 §5.1). A full table of /24s with one attribute set is ~1,000 messages
// per 1,000,000 prefixes; the IPv4 path writes each message from one encoded template.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "cloudtwin/hybrid/bgp_message.h"

namespace cloudtwin::hybrid::bgp {

// A route to announce: a prefix and the index of its attribute set.
struct Ipv4Route {
  Ipv4Prefix prefix;
  std::uint32_t attributes = 0;
};

struct Ipv6NextHop {
  IpAddress global;
  std::optional<IpAddress> link_local;
};

// Each appends framed messages to `out` and returns how many; nullopt (and nothing appended)
// when the attributes cannot be sent (no ORIGIN, AS_PATH or IPv4 NEXT_HOP, or too large).

// Announces `prefixes` in the NLRI field, all with `attributes`.
[[nodiscard]] std::optional<std::size_t> pack_ipv4(const PathAttributes& attributes,
                                                   std::span<const Ipv4Prefix> prefixes,
                                                   const SessionOptions& options,
                                                   std::vector<std::uint8_t>& out);
// Announces `prefixes` in MP_REACH_NLRI (RFC 4760, RFC 2545), all with `attributes`.
[[nodiscard]] std::optional<std::size_t> pack_ipv6(const PathAttributes& attributes,
                                                   const Ipv6NextHop& next_hop,
                                                   std::span<const Ipv6Prefix> prefixes,
                                                   const SessionOptions& options,
                                                   std::vector<std::uint8_t>& out);
// Withdraws IPv4 prefixes in the withdrawn-routes field.
std::size_t pack_withdrawals(std::span<const Ipv4Prefix> prefixes, std::vector<std::uint8_t>& out);
// Withdraws IPv6 prefixes in MP_UNREACH_NLRI.
std::size_t pack_withdrawals(std::span<const Ipv6Prefix> prefixes, std::vector<std::uint8_t>& out);

// Announces each route with `attribute_sets[route.attributes]`: routes are grouped by attribute
// set, sets that encode identically sharing messages, each group packed as `pack_ipv4` does.
// nullopt when a route names a set out of range or one that cannot be sent.
[[nodiscard]] std::optional<std::size_t> pack_routes(std::span<const PathAttributes> attribute_sets,
                                                     std::span<const Ipv4Route> routes,
                                                     const SessionOptions& options,
                                                     std::vector<std::uint8_t>& out);

}  // namespace cloudtwin::hybrid::bgp
