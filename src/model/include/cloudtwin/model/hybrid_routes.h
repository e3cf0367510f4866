// AWS's route selection at a virtual private gateway (shared/reference/direct-connect.md §1.2,
// §1.4, §2.1) over the routes learned on BGP sessions (learned_routes.h) and the static routes of
// VPN connections: longest prefix, then Direct Connect > VPN static > VPN BGP, then local
// preference communities, AS_PATH length, MED, and a documented tie-break (docs/hybrid-routing.md).
// One implementation for `cloudtwin routes` (hybrid_route_tables), the walker
// (select_vpn_gateway_route) and the routes VPC route tables get by propagation.
//
// Pure functions of a finalized network. They read learned routes only when
// `network.learned_routes.given`; otherwise the candidates are the VPN static routes alone (the
// walker and propagation then keep using on-premises networks' CIDRs as stand-ins).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/core/ip.h"
#include "cloudtwin/model/learned_routes.h"
#include "cloudtwin/model/resource.h"

namespace cloudtwin::model {

struct Network;

// Where a candidate comes from, best first (§1.2: DX BGP > VPN static > VPN BGP).
enum class HybridRouteSource : std::uint8_t { kDirectConnect, kVpnStatic, kVpnBgp };
const char* hybrid_route_source_name(HybridRouteSource s);  // "Direct Connect BGP", ...

// §2.1 local preference communities, and what a route without one counts as
// (docs/hybrid-routing.md: medium).
inline constexpr std::uint32_t kLocalPreferenceLow = community(7224, 7100);
inline constexpr std::uint32_t kLocalPreferenceMedium = community(7224, 7200);
inline constexpr std::uint32_t kLocalPreferenceHigh = community(7224, 7300);
// §1.3 (transit gateways; cloudtwin uses the same for a virtual private gateway): the MED of a
// route that carried none.
inline constexpr std::uint32_t kDefaultMedDirectConnect = 0;
inline constexpr std::uint32_t kDefaultMedVpn = 100;

// One route a virtual private gateway holds for a prefix.
struct HybridRoute {
  Prefix prefix;
  HybridRouteSource source = HybridRouteSource::kVpnStatic;
  ResourceKey session{Kind::kVpnConnection, kNone};  // the VirtualInterface or VpnConnection
  int tunnel = -1;  // VPN BGP: 0 (tunnel-1) or 1 (tunnel-2); otherwise -1
  // Direct Connect: the gateway the virtual interface reaches the VGW through; kNone when the
  // virtual interface is attached to the VGW itself.
  Index direct_connect_gateway = kNone;
  const LearnedRoute* learned = nullptr;  // null for a VPN static route
  // Direct Connect: the local preference community that counts (§2.1), 0 when the route has
  // none; it then ranks as kLocalPreferenceMedium.
  std::uint32_t local_preference_community = 0;
  std::size_t as_path_length = 0;
  std::uint32_t med = 0;  // as received, or the default of its source
  bool med_received = false;

  [[nodiscard]] std::uint32_t local_preference() const {
    return local_preference_community ? local_preference_community : kLocalPreferenceMedium;
  }
};

// The session's name as `serve bgp` and `routes` write it: "<vif-id>", "<vpn-id>/tunnel-N"
// (N = 1, 2); "<vpn-id> (static)" for a VPN static route.
[[nodiscard]] std::string hybrid_route_session(const Network& network, const HybridRoute& r);

// Whether `a` is preferred over `b` (same prefix); `why`, when given, gets the one-line reason
// with the reference section ("Direct Connect beats VPN static (direct-connect.md §1.2)").
[[nodiscard]] bool hybrid_route_better(const Network& network, const HybridRoute& a,
                                       const HybridRoute& b, std::string* why = nullptr);

// Every candidate for one prefix, best first; `why` says why the first beats the second (empty
// when it is alone).
struct PrefixRoutes {
  Prefix prefix;
  std::vector<HybridRoute> candidates;
  std::string why;
  [[nodiscard]] const HybridRoute& winner() const { return candidates.front(); }
};

// A virtual private gateway's routes towards on-premises, by prefix (sorted).
struct GatewayRouteTable {
  Index vpn_gateway = kNone;
  std::vector<PrefixRoutes> prefixes;
};

// The table of each virtual private gateway, in the network's order (gateways without
// candidates included, with no prefixes).
[[nodiscard]] std::vector<GatewayRouteTable> hybrid_route_tables(const Network& network);
[[nodiscard]] GatewayRouteTable vpn_gateway_route_table(const Network& network, Index vpn_gateway);

// What virtual private gateway `vpn_gateway` does with a packet to `dst`: the longest prefix
// holding it, the best route there and why; nullopt when no candidate holds `dst`.
struct HybridDecision {
  HybridRoute route;
  std::string why;             // why it beat the runner-up; empty when alone
  std::size_t candidates = 0;  // routes to that prefix
};
[[nodiscard]] std::optional<HybridDecision> select_vpn_gateway_route(const Network& network,
                                                                     Index vpn_gateway,
                                                                     IpAddress dst);

// Recomputes the routes virtual private gateways propagate into VPC route tables that list them
// (`propagating_vgws`) and each table's lookup index. finalize() calls it; call it again after
// changing `learned_routes` of a finalized network (attach_learned_routes does).
//
// Learned routes given: each gateway's winning prefixes, with the origin of the winner's source
// (RouteOrigin::kPropagatedDirectConnect, ...). Not given: as before learned routes existed, the
// static routes of the gateway's available VPN connections, the CIDRs of declared on-premises
// networks behind its BGP VPN connections and behind Direct Connect gateways associated with it.
void propagate_vpn_gateway_routes(Network& network);

// With learned routes given: the routes Direct Connect gateway attachments (learned on the DX
// gateway's available transit VIFs) and VPN attachments (learned on the VPN's tunnels) propagate
// into transit gateway route tables, replacing the on-premises CIDRs finalize() propagated for
// them; a static route still hides an identical propagated one (§1.3). Between two attachments of
// one type with the same prefix, AS_PATH and MED are not compared yet. Not given: nothing changes.
void propagate_learned_transit_gateway_routes(Network& network);

// Attaches learned routes to a finalized network (sets `learned_routes.given`) and re-derives
// what depends on them (propagate_vpn_gateway_routes, propagate_learned_transit_gateway_routes).
// load::load_learned_routes reads and attaches in one call.
void attach_learned_routes(Network& network, std::vector<LearnedRoute> routes);

}  // namespace cloudtwin::model
