#include "cloudtwin/hybrid/session_rules.h"

#include <algorithm>

namespace cloudtwin::hybrid {

std::string_view state_name(SessionState state) {
  switch (state) {
    case SessionState::kIdle:
      return "Idle";
    case SessionState::kConnect:
      return "Connect";
    case SessionState::kActive:
      return "Active";
    case SessionState::kOpenSent:
      return "OpenSent";
    case SessionState::kOpenConfirm:
      return "OpenConfirm";
    case SessionState::kEstablished:
      return "Established";
  }
  return "?";
}

bgp::Open make_open(const PeerConfig& c) {
  bgp::Open open;
  open.set_asn(c.local_asn);
  open.hold_time = c.hold_time;
  open.bgp_identifier = local_identifier(c);
  if (c.ipv4_unicast) open.multiprotocol.push_back(bgp::kIpv4Unicast);
  if (c.ipv6_unicast) open.multiprotocol.push_back(bgp::kIpv6Unicast);
  open.route_refresh = true;
  if (c.graceful_restart) {
    bgp::GracefulRestart gr;
    gr.restart_time = c.graceful_restart_time;
    for (const bgp::AfiSafi& f : open.multiprotocol) gr.families.push_back({f, false});
    open.graceful_restart = gr;
  }
  return open;
}

std::optional<bgp::Notification> check_open(const PeerConfig& c, const bgp::Open& peer) {
  using bgp::Notification;
  namespace e = bgp::error;
  namespace o = bgp::open_error;
  if (peer.asn() != c.peer_asn) {
    // RFC 4271 §6.2: the data is the My Autonomous System field as received.
    return Notification{
        e::kOpenMessage,
        o::kBadPeerAs,
        {static_cast<std::uint8_t>(peer.my_as >> 8), static_cast<std::uint8_t>(peer.my_as)}};
  }
  if (peer.hold_time < 3) {
    return Notification{e::kOpenMessage, o::kUnacceptableHoldTime, {}};
  }
  if (peer.bgp_identifier == 0 || (!c.external() && peer.bgp_identifier == local_identifier(c))) {
    return Notification{e::kOpenMessage, o::kBadBgpIdentifier, {}};
  }
  return std::nullopt;
}

Negotiated negotiate(const PeerConfig& c, const bgp::Open& peer) {
  Negotiated n;
  n.hold_time = std::min(c.hold_time, peer.hold_time);
  n.keepalive_time = std::max<std::uint16_t>(1, n.hold_time / 3);
  auto offers = [&](const bgp::AfiSafi& f) {
    // RFC 4760 §8: a peer without multiprotocol capabilities speaks IPv4 unicast only.
    if (peer.multiprotocol.empty()) return f == bgp::kIpv4Unicast;
    return std::find(peer.multiprotocol.begin(), peer.multiprotocol.end(), f) !=
           peer.multiprotocol.end();
  };
  n.ipv4_unicast = c.ipv4_unicast && offers(bgp::kIpv4Unicast);
  n.ipv6_unicast = c.ipv6_unicast && offers(bgp::kIpv6Unicast);
  n.four_octet_as = peer.four_octet_as.has_value();
  n.route_refresh = peer.route_refresh;
  n.graceful_restart = peer.graceful_restart.has_value();
  return n;
}

bool collision_keeps_outgoing(std::uint32_t local_id, std::uint32_t local_asn,
                              std::uint32_t peer_id, std::uint32_t peer_asn) {
  if (local_id != peer_id) return local_id > peer_id;
  return local_asn > peer_asn;
}

std::optional<Export> export_route(const Route& route, const PeerConfig& c,
                                   const IpAddress& local_address) {
  Export out;
  out.attributes = route.attributes;
  bgp::PathAttributes& a = out.attributes;
  if (!a.origin) a.origin = bgp::Origin::kIgp;
  if (!a.as_path) a.as_path = bgp::AsPath{};
  if (c.external()) {
    // RFC 4271 §5.1.2: prepend our ASN, in a new leading AS_SEQUENCE when the path starts with
    // a set or a full segment.
    bgp::AsPath& path = *a.as_path;
    if (!path.empty() && path.front().type == bgp::SegmentType::kSequence &&
        path.front().asns.size() < 255) {
      path.front().asns.insert(path.front().asns.begin(), c.local_asn);
    } else {
      path.insert(path.begin(), bgp::AsPathSegment{bgp::SegmentType::kSequence, {c.local_asn}});
    }
    a.local_pref.reset();  // RFC 4271 §5.1.5: not sent to external peers
  }
  if (route.prefix.family() == Family::kV4) {
    if (!a.next_hop || !a.next_hop->is_v4()) {
      if (c.next_hop_ipv4) {
        a.next_hop = c.next_hop_ipv4;
      } else if (local_address.is_v4()) {
        a.next_hop = local_address;
      } else {
        return std::nullopt;
      }
    }
    return out;
  }
  std::optional<IpAddress> nh;
  if (a.next_hop && a.next_hop->is_v6()) {
    nh = a.next_hop;
  } else if (c.next_hop_ipv6) {
    nh = c.next_hop_ipv6;
  } else if (local_address.is_v6()) {
    nh = local_address;
  }
  if (!nh || !nh->is_v6()) return std::nullopt;
  a.next_hop.reset();
  out.ipv6_next_hop = bgp::Ipv6NextHop{*nh, std::nullopt};
  return out;
}

}  // namespace cloudtwin::hybrid
