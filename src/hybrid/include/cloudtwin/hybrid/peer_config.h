// What one BGP session is configured with: the two ends, timers, TCP MD5, the families, the
// receive prefix limit and the routes to advertise. Defaults are Direct Connect's
// (bgp-specific-settings.html: hold 90 s, keepalive hold/3, TTL 1, no hold time 0).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/core/ip.h"
#include "cloudtwin/hybrid/bgp_message.h"

namespace cloudtwin::hybrid {

// A route this side advertises. ORIGIN defaults to IGP; on an external session the local ASN is
// prepended to AS_PATH (RFC 4271 §5.1.2); NEXT_HOP defaults to the session's local address.
struct Route {
  Prefix prefix;
  bgp::PathAttributes attributes;
  friend bool operator==(const Route&, const Route&) = default;
};

struct PeerConfig {
  std::string name;  // for logs and snapshots; the peer address when empty
  std::uint32_t local_asn = 64512;
  std::uint32_t peer_asn = 65000;
  IpAddress local_address;  // bound before connecting; incoming sessions must arrive on it
  IpAddress peer_address;
  std::uint16_t port = 179;  // the peer's port, for outgoing connections
  // The BGP Identifier; 0 takes the local address when it is IPv4 (required for IPv6 ends).
  std::uint32_t bgp_identifier = 0;
  std::string md5_key;           // RFC 2385, at most 80 bytes; empty: none
  std::uint16_t hold_time = 90;  // seconds; 3 or more (AWS does not support 0)
  // Passive: never connect, only accept. Otherwise both connect and accept (RFC 4271 §6.8
  // resolves the collision).
  bool passive = false;
  bool ttl_one = true;  // outgoing TTL / hop limit 1: AWS's direct eBGP, no multihop
  bool ipv4_unicast = true;
  bool ipv6_unicast = false;  // RFC 4760 MP-BGP
  // Receive limits per family (0: none). More than this many takes the session down with
  // Cease 6/1 (AWS: 100 on private and transit VIFs).
  std::uint32_t max_prefixes_ipv4 = 0;
  std::uint32_t max_prefixes_ipv6 = 0;
  std::chrono::milliseconds prefix_limit_restart{30'000};  // Idle this long after a 6/1
  std::chrono::milliseconds connect_retry{5'000};          // ConnectRetryTime
  // RFC 4724 capability (restart time 120 s as AWS uses); routes are not yet kept stale.
  bool graceful_restart = false;
  std::uint16_t graceful_restart_time = 120;
  // NEXT_HOP for routes whose attributes have none: IPv4 routes, IPv6 routes (MP_REACH).
  std::optional<IpAddress> next_hop_ipv4;
  std::optional<IpAddress> next_hop_ipv6;
  std::vector<Route> routes;

  [[nodiscard]] bool external() const { return local_asn != peer_asn; }
  [[nodiscard]] std::string display_name() const {
    return name.empty() ? peer_address.str() : name;
  }
};

// Every problem with the configuration; empty when it can be used.
[[nodiscard]] std::vector<std::string> validate(const PeerConfig& config);

// The BGP Identifier the session sends.
[[nodiscard]] std::uint32_t local_identifier(const PeerConfig& config);

}  // namespace cloudtwin::hybrid
