// The decisions of a BGP session that need no socket or clock: the OPEN we send, whether the
// peer's OPEN is acceptable and what it negotiates, which connection survives a collision, and
// the attributes a route is advertised with. The speaker applies them; tests check them alone.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "cloudtwin/hybrid/bgp_message.h"
#include "cloudtwin/hybrid/peer_config.h"
#include "cloudtwin/hybrid/update_packer.h"

namespace cloudtwin::hybrid {

// RFC 4271 §8.2.2 states, for a session (its most advanced connection).
enum class SessionState : std::uint8_t {
  kIdle,
  kConnect,
  kActive,
  kOpenSent,
  kOpenConfirm,
  kEstablished,
};
[[nodiscard]] std::string_view state_name(SessionState state);

// The OPEN for `config`: version 4, its ASN (AS_TRANS above 65535 with capability 65), hold
// time, identifier, multiprotocol for each configured family, route refresh, graceful restart
// when configured.
[[nodiscard]] bgp::Open make_open(const PeerConfig& config);

// What the two OPENs agreed.
struct Negotiated {
  std::uint16_t hold_time = 0;       // the lower of the two (RFC 4271 §4.2)
  std::uint16_t keepalive_time = 0;  // hold / 3, at least 1 s
  bool ipv4_unicast = false;
  bool ipv6_unicast = false;
  bool four_octet_as = false;
  bool route_refresh = false;     // the peer accepts ROUTE-REFRESH
  bool graceful_restart = false;  // the peer advertised RFC 4724
};

// The NOTIFICATION the peer's OPEN earns (RFC 4271 §6.2), or nullopt when acceptable:
// 2/2 Bad Peer AS, 2/6 Unacceptable Hold Time (0 too: AWS does not support it), 2/3 Bad BGP
// Identifier (0, or equal to ours on an internal session, RFC 6286 §2.2).
[[nodiscard]] std::optional<bgp::Notification> check_open(const PeerConfig& config,
                                                          const bgp::Open& peer);
[[nodiscard]] Negotiated negotiate(const PeerConfig& config, const bgp::Open& peer);

// RFC 4271 §6.8 with RFC 6286 §2.3: the connection initiated by the higher BGP Identifier
// survives; with equal identifiers, the one initiated by the higher ASN. True: keep ours.
[[nodiscard]] bool collision_keeps_outgoing(std::uint32_t local_id, std::uint32_t local_asn,
                                            std::uint32_t peer_id, std::uint32_t peer_asn);

// The attributes a route goes out with on this session (see `Route`); nullopt when it has no
// usable next hop (an IPv6 route on a session without an IPv6 next hop).
struct Export {
  bgp::PathAttributes attributes;  // IPv4: `next_hop` set; IPv6: `next_hop` cleared
  std::optional<bgp::Ipv6NextHop> ipv6_next_hop;
};
[[nodiscard]] std::optional<Export> export_route(const Route& route, const PeerConfig& config,
                                                 const IpAddress& local_address);

}  // namespace cloudtwin::hybrid
