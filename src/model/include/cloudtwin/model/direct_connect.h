// AWS Direct Connect (shared/reference/direct-connect.md): connections (dedicated or hosted, with
// MACsec), link aggregation groups, virtual interfaces (private, transit, public) and what AWS
// checks of them. Direct Connect gateways and VPN connections, which predate these, live in
// network.h. The BGP sessions these describe are played by src/hybrid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cloudtwin/core/ip.h"
#include "cloudtwin/model/resource.h"

namespace cloudtwin::model {

// One CKN/CAK pair of a MACsec keychain (§6): 64 hex characters each, or a Secrets Manager ARN
// holding them. The CAK is kept to check its form and for `export`; no message prints it.
struct MacsecKey {
  std::string ckn;
  std::string cak;
  std::string secret_arn;
  std::string state = "associated";
  Location at;
};

// A physical connection at a Direct Connect location, or a hosted connection a partner made on
// theirs (one virtual interface, on the partner's VLAN).
struct DirectConnectConnection : Resource {
  std::string location;   // "EqDC2"
  std::string bandwidth;  // as the API writes it: "1Gbps", "10Gbps", "100Gbps", "500Mbps"
  bool hosted = false;
  std::uint32_t vlan = 0;  // hosted: the partner's VLAN (0: not given)
  Ref lag;                 // the LAG it is a member of
  bool macsec_capable = false;
  std::string encryption_mode;  // "no_encrypt", "should_encrypt", "must_encrypt"; empty: none
  std::vector<MacsecKey> macsec_keys;
  std::string state = "available";
  Location bandwidth_at, encryption_at;
};

// A link aggregation group (LACP) of dedicated connections of one bandwidth at one location.
struct DirectConnectLag : Resource {
  std::string location;
  std::string bandwidth;  // of each member
  std::uint32_t minimum_links = 0;
  std::vector<Ref> connections;  // as written; members naming the LAG are added by finalize()
  bool macsec_capable = false;
  std::string encryption_mode;
  std::vector<MacsecKey> macsec_keys;
  std::string state = "available";
  Location bandwidth_at, encryption_at;
};

enum class VirtualInterfaceType : std::uint8_t { kPrivate, kTransit, kPublic };
const char* virtual_interface_type_name(VirtualInterfaceType t);  // "private", "transit", "public"

// A virtual interface: one VLAN on a connection or LAG, one BGP session per address family
// (§2.4, §2.5). Private: to a virtual private gateway, or to a Direct Connect gateway; transit:
// to a Direct Connect gateway associated with transit gateways; public: to AWS's public prefixes.
struct VirtualInterface : Resource {
  VirtualInterfaceType type = VirtualInterfaceType::kPrivate;
  Ref connection;  // a connection or a LAG
  std::uint32_t vlan = 0;
  std::uint32_t customer_asn = 0;
  std::string address_family = "ipv4";  // "ipv4" or "ipv6"
  // The BGP peer addresses ("169.254.255.1/30": the address and the length of the link's
  // prefix, one length for both). Private and transit VIFs: AWS picks them when not given.
  std::optional<IpAddress> amazon_address, customer_address;
  int peer_prefix_length = 0;
  std::string auth_key;  // BGP MD5 (RFC 2385); AWS generates one when not given
  std::uint32_t mtu = 1500;
  Ref vpn_gateway;             // private
  Ref direct_connect_gateway;  // private or transit
  std::vector<Prefix> route_filter_prefixes;  // public: the customer's own prefixes
  std::string state = "available";
  Location vlan_at, asn_at, mtu_at, address_at;
  // derived
  Kind connection_kind = Kind::kDirectConnectConnection;
  // The Amazon side's ASN: the gateway's (virtual private gateway or Direct Connect gateway);
  // 7224 on a public VIF (§2.4, the legacy Amazon ASN AWS peers public VIFs from).
  std::uint32_t amazon_side_asn = 0;
};

// The ASNs an Amazon-side gateway may have (§2.4): 64512-65534 and 4200000000-4294967294.
[[nodiscard]] bool amazon_side_asn_allowed(std::uint64_t asn);

}  // namespace cloudtwin::model
