#include "cloudtwin/hybrid/peer_config.h"

namespace cloudtwin::hybrid {

std::vector<std::string> validate(const PeerConfig& c) {
  std::vector<std::string> problems;
  if (c.local_asn == 0 || c.peer_asn == 0) problems.push_back("ASN 0 is reserved (RFC 7607)");
  if (c.local_address.family() != c.peer_address.family()) {
    problems.push_back("local and peer addresses are of different families");
  }
  if (c.hold_time < 3) {
    problems.push_back("hold time must be at least 3 s (AWS does not support 0)");
  }
  if (c.md5_key.size() > 80) problems.push_back("TCP MD5 key longer than 80 bytes");
  if (local_identifier(c) == 0) {
    problems.push_back("a BGP Identifier is required when the local address is IPv6");
  }
  if (!c.ipv4_unicast && !c.ipv6_unicast) problems.push_back("no address family enabled");
  if (c.connect_retry.count() <= 0) problems.push_back("connect retry must be positive");
  if (c.graceful_restart_time > 4095) problems.push_back("graceful restart time above 4095 s");
  return problems;
}

std::uint32_t local_identifier(const PeerConfig& c) {
  if (c.bgp_identifier != 0) return c.bgp_identifier;
  if (c.local_address.is_v4()) return static_cast<std::uint32_t>(c.local_address.bits());
  return 0;
}

}  // namespace cloudtwin::hybrid
