// AWS's side of every BGP session a network describes (shared/reference/direct-connect.md): one
// session per virtual interface and per VPN tunnel with BGP, with the Amazon side's ASN and
// address, the customer's, the MD5 key, AWS's timers and receive limits, and the prefixes AWS
// advertises on it (§2.6). What `serve bgp` runs; pure, no sockets.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cloudtwin/hybrid/peer_config.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::hybrid {

struct AwsSession {
  model::ResourceKey resource;  // the virtual interface or VPN connection
  int tunnel = -1;              // the VPN tunnel (0 or 1); -1 for a virtual interface
  PeerConfig config;            // name "<vif-id>" or "<vpn-id>/tunnel-N"
  // Why a session the network describes cannot run (no peer addresses, a static VPN, ...);
  // empty when it can.
  std::string not_runnable;
  // Where the advertised prefixes come from, for `routes` and logs.
  std::string advertised_because;
};

// AWS's limits (§2.3): prefixes a customer may advertise per session and family.
inline constexpr std::uint32_t kPrivateVifPrefixLimit = 100;
inline constexpr std::uint32_t kPublicVifPrefixLimit = 1000;
inline constexpr std::uint32_t kVpnPrefixLimit = 100;

// Every session of a finalized network, virtual interfaces first, in the network's order.
[[nodiscard]] std::vector<AwsSession> aws_sessions(const model::Network& network);

// §2.6: the prefixes AWS advertises on a virtual interface: a private VIF on a virtual private
// gateway, its VPC's CIDRs; through a Direct Connect gateway, each associated gateway's VPC CIDRs
// that one of the association's allowed prefixes covers (all of them when it lists none); a
// transit VIF, exactly the allowed prefixes of the gateway's transit gateway associations.
// Public VIFs: none here (AWS's public prefixes come from ip-ranges.json: public_vif_routes).
[[nodiscard]] std::vector<Prefix> advertised_prefixes(const model::Network& network,
                                                      const model::VirtualInterface& vif,
                                                      std::string* because = nullptr);

// One of AWS's public prefixes (ip-ranges.json, service AMAZON) and the Region the file puts it in
// ("GLOBAL" for CloudFront's).
struct AmazonPrefix {
  Prefix prefix;
  std::string region;
};

// §2.2: what AWS advertises on a public virtual interface whose Direct Connect location is homed
// to `home_region`: every public prefix of the family, each with NO_EXPORT; 7224:8100 on the
// prefixes of the same Region, 7224:8200 on those of the same continent, none (global) on the
// rest; an AS_PATH of at least 3 (16509 16509 after the session's own 7224). Sorted by prefix.
[[nodiscard]] std::vector<Route> public_vif_routes(std::span<const AmazonPrefix> prefixes,
                                                   std::string_view home_region, bool ipv6);

// The continent of a Region for the scope communities: "us-east-1" and "ca-central-1" North
// America, "eu-west-1" Europe, ...; "" for GLOBAL and names it does not know.
[[nodiscard]] std::string_view region_continent(std::string_view region);

}  // namespace cloudtwin::hybrid
