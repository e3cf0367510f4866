// Routes AWS learned from the customer's routers over BGP: one per prefix per session (a
// virtual interface's, or a VPN connection's tunnel's), with the attributes AWS's route selection
// reads (shared/reference/direct-connect.md §1.4, §2.1). What `cloudtwin routes --json` writes and
// load::read_learned_routes() reads; model/hybrid_routes.h chooses among them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/core/ip.h"
#include "cloudtwin/model/resource.h"

namespace cloudtwin::model {

// A BGP community as RFC 1997 writes it: the ASN in the high 16 bits, the value in the low.
[[nodiscard]] constexpr std::uint32_t community(std::uint16_t asn, std::uint16_t value) {
  return (static_cast<std::uint32_t>(asn) << 16) | value;
}
// "7224:7300"
[[nodiscard]] std::string community_text(std::uint32_t c);

struct LearnedRoute {
  // The session's resource: a VirtualInterface or a VpnConnection (Kind and index).
  ResourceKey session{Kind::kVirtualInterface, kNone};
  int tunnel = -1;  // a VPN connection's tunnel: 0 (tunnel-1) or 1 (tunnel-2); -1 for a VIF
  Prefix prefix;
  std::vector<std::uint32_t> as_path;  // as received, the neighbour's ASN first
  std::optional<std::uint32_t> med;    // MULTI_EXIT_DISC, when the route carried one
  std::vector<std::uint32_t> communities;
  std::optional<IpAddress> next_hop;
  Location at;  // where the routes file wrote it
};

struct LearnedRoutes {
  // Whether learned routes were given at all. When not, nothing reads `routes`: the CIDRs of
  // on-premises networks stand in for what their routers announce (docs/semantics.md).
  bool given = false;
  std::vector<LearnedRoute> routes;
};

}  // namespace cloudtwin::model
