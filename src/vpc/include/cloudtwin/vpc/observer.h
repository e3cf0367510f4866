// What a symbolic caller learns from one concrete walk: every test the walker makes on the
// packet's fields. src/verify turns the tests into a path condition, the set of all packets
// that take the same decisions, so the concrete walker stays the one specification of the
// forwarding semantics and the symbolic engine cannot drift from it.
#pragma once

#include <cstdint>
#include <span>

#include "cloudtwin/core/ip.h"
#include "cloudtwin/core/packet.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::vpc {

// Which field of the packet as its source sent it a field of the packet in flight still
// carries. The reply carries the request's fields swapped; a NAT rewrite writes a constant.
enum class Origin : std::uint8_t { kConstant, kSrc, kDst, kSrcPort, kDstPort };

// A header with the origin of each field. The protocol never changes, and neither does the
// family.
struct Packet : Header {
  Origin src_origin = Origin::kSrc;
  Origin dst_origin = Origin::kDst;
  Origin src_port_origin = Origin::kSrcPort;
  Origin dst_port_origin = Origin::kDstPort;

  Packet() = default;
  explicit Packet(const Header& h) : Header(h) {}

  // The reply to this packet (see Header::reversed). ICMP replies carry a type and code the
  // replier chose, so those fields become constants.
  [[nodiscard]] Packet reversed() const {
    Packet r(Header::reversed());
    r.src_origin = dst_origin;
    r.dst_origin = src_origin;
    r.src_port_origin = protocol.is_icmp() ? Origin::kConstant : dst_port_origin;
    r.dst_port_origin = protocol.is_icmp() ? Origin::kConstant : src_port_origin;
    return r;
  }
};

enum class AddressField : std::uint8_t { kSrc, kDst };
enum class PortField : std::uint8_t { kSrc, kDst };

// Address sets too large to list at every test.
enum class AddressSet : std::uint8_t {
  kPrivateAddresses,  // the private IPv4 and IPv6 addresses of the ENIs of one VPC
  kOwnPublicAddresses,  // ENI and NAT gateway public IPv4 addresses and every VPC IPv6 CIDR
};

// A filter's answer when some of its rules have a peer cloudtwin cannot know
// (SecurityGroupRule::unknown, NetworkAclEntry::unknown): such a rule may match any peer.
enum class Decision : std::uint8_t {
  kNo,     // not admitted, whatever the unknown peers are
  kYes,    // admitted, whatever the unknown peers are
  kMaybe,  // admitted or not depending on an unknown peer
};

class PathObserver {
 public:
  virtual ~PathObserver() = default;
  // False when the observer ignores address() and address_in() (a walk whose addresses are
  // pinned): the walker then skips building the prefix lists those tests take.
  [[nodiscard]] virtual bool wants_addresses() const { return true; }
  // The walker's decision depended on which of `prefixes` hold the field: every packet whose
  // field lies in the same cell of the partition the prefixes induce decides alike.
  virtual void address(const Packet& p, AddressField f, std::span<const Prefix> prefixes) = 0;
  virtual void address_in(const Packet& p, AddressField f, AddressSet set, model::Index vpc,
                          bool member) = 0;
  virtual void family(const Packet& p) = 0;
  virtual void protocol_in(const Packet& p, std::span<const int> protocols, bool member) = 0;
  virtual void port_in(const Packet& p, PortField f, PortRange range, bool member) = 0;
  // The walker continues past a kMaybe as if admitted (and the walk's verdict is then at best
  // inconclusive). `relayed_by`: as for rules.h match_security_groups.
  virtual void security_groups(const Packet& p, model::Index eni, bool ingress,
                               model::Index relayed_by, Decision admitted) = 0;
  virtual void network_acl(const Packet& p, model::Index acl, bool ingress,
                           Decision allowed) = 0;
  // The walker compared two values that came from fields of the given origins.
  virtual void same_address(Origin a, IpAddress va, Origin b, IpAddress vb) = 0;
  virtual void same_port(Origin a, std::uint16_t va, Origin b, std::uint16_t vb) = 0;
};

}  // namespace cloudtwin::vpc
