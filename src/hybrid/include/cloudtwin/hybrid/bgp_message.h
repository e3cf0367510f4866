// BGP-4 messages on the wire (RFC 4271 §4) with what a Direct Connect or VPN peer sends:
// capabilities (RFC 5492: multiprotocol RFC 4760, route refresh RFC 2918, 4-octet AS RFC 6793,
// graceful restart RFC 4724), path attributes (ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF,
// ATOMIC_AGGREGATE, AGGREGATOR, COMMUNITIES RFC 1997, MP_REACH/MP_UNREACH for IPv4 and IPv6
// unicast), NOTIFICATION codes (RFC 4271 §4.5, RFC 4486) and ROUTE-REFRESH.
//
// Pure: no sockets, no clock. `next_frame`/`Framer` cut a TCP byte stream into messages;
// `decode` turns one message into values and never throws or crashes on input: it returns what
// the session must do, with UPDATE errors handled as RFC 7606 says (session reset,
// treat-as-withdraw or attribute discard); `encode` writes what BIRD, GoBGP and FRR accept.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cloudtwin/core/ip.h"
#include "cloudtwin/hybrid/bgp_prefix.h"

namespace cloudtwin::hybrid::bgp {

inline constexpr std::size_t kMarkerSize = 16;
inline constexpr std::size_t kHeaderSize = 19;
inline constexpr std::size_t kMaxMessageSize = 4096;  // RFC 4271 §4.1 (RFC 8654 not supported)
inline constexpr std::size_t kMinOpenSize = 29;
inline constexpr std::size_t kMinUpdateSize = 23;
inline constexpr std::size_t kMinNotificationSize = 21;
inline constexpr std::size_t kRouteRefreshSize = 23;
inline constexpr std::uint8_t kVersion = 4;
inline constexpr std::uint16_t kAsTrans = 23456;  // RFC 6793 §9

enum class MessageType : std::uint8_t {
  kOpen = 1,
  kUpdate = 2,
  kNotification = 3,
  kKeepalive = 4,
  kRouteRefresh = 5,  // RFC 2918
};

// An address family as carried by capabilities, MP_REACH/MP_UNREACH and ROUTE-REFRESH.
struct AfiSafi {
  std::uint16_t afi = 0;
  std::uint8_t safi = 0;
  friend auto operator<=>(const AfiSafi&, const AfiSafi&) = default;
};
inline constexpr std::uint16_t kAfiIpv4 = 1;
inline constexpr std::uint16_t kAfiIpv6 = 2;
inline constexpr std::uint8_t kSafiUnicast = 1;
inline constexpr AfiSafi kIpv4Unicast{kAfiIpv4, kSafiUnicast};
inline constexpr AfiSafi kIpv6Unicast{kAfiIpv6, kSafiUnicast};

// ---------------------------------------------------------------------------------------------
// NOTIFICATION (RFC 4271 §4.5)

namespace error {
inline constexpr std::uint8_t kMessageHeader = 1;
inline constexpr std::uint8_t kOpenMessage = 2;
inline constexpr std::uint8_t kUpdateMessage = 3;
inline constexpr std::uint8_t kHoldTimerExpired = 4;
inline constexpr std::uint8_t kFiniteStateMachine = 5;
inline constexpr std::uint8_t kCease = 6;
inline constexpr std::uint8_t kRouteRefreshMessage = 7;  // RFC 7313 §5
}  // namespace error

namespace header_error {  // RFC 4271 §6.1
inline constexpr std::uint8_t kConnectionNotSynchronized = 1;
inline constexpr std::uint8_t kBadMessageLength = 2;
inline constexpr std::uint8_t kBadMessageType = 3;
}  // namespace header_error

namespace open_error {  // RFC 4271 §6.2, RFC 5492 §5
inline constexpr std::uint8_t kUnspecific = 0;
inline constexpr std::uint8_t kUnsupportedVersionNumber = 1;
inline constexpr std::uint8_t kBadPeerAs = 2;
inline constexpr std::uint8_t kBadBgpIdentifier = 3;
inline constexpr std::uint8_t kUnsupportedOptionalParameter = 4;
inline constexpr std::uint8_t kUnacceptableHoldTime = 6;
inline constexpr std::uint8_t kUnsupportedCapability = 7;
}  // namespace open_error

namespace update_error {  // RFC 4271 §6.3
inline constexpr std::uint8_t kMalformedAttributeList = 1;
inline constexpr std::uint8_t kUnrecognizedWellKnownAttribute = 2;
inline constexpr std::uint8_t kMissingWellKnownAttribute = 3;
inline constexpr std::uint8_t kAttributeFlagsError = 4;
inline constexpr std::uint8_t kAttributeLengthError = 5;
inline constexpr std::uint8_t kInvalidOriginAttribute = 6;
inline constexpr std::uint8_t kInvalidNextHopAttribute = 8;
inline constexpr std::uint8_t kOptionalAttributeError = 9;
inline constexpr std::uint8_t kInvalidNetworkField = 10;
inline constexpr std::uint8_t kMalformedAsPath = 11;
}  // namespace update_error

namespace cease {  // RFC 4486 §4, RFC 8538 §5, RFC 9384
inline constexpr std::uint8_t kMaximumNumberOfPrefixesReached = 1;
inline constexpr std::uint8_t kAdministrativeShutdown = 2;
inline constexpr std::uint8_t kPeerDeconfigured = 3;
inline constexpr std::uint8_t kAdministrativeReset = 4;
inline constexpr std::uint8_t kConnectionRejected = 5;
inline constexpr std::uint8_t kOtherConfigurationChange = 6;
inline constexpr std::uint8_t kConnectionCollisionResolution = 7;
inline constexpr std::uint8_t kOutOfResources = 8;
inline constexpr std::uint8_t kHardReset = 9;
inline constexpr std::uint8_t kBfdDown = 10;
}  // namespace cease

namespace route_refresh_error {  // RFC 7313 §5
inline constexpr std::uint8_t kInvalidMessageLength = 1;
}

struct Notification {
  std::uint8_t code = 0;
  std::uint8_t subcode = 0;
  std::vector<std::uint8_t> data;
  friend bool operator==(const Notification&, const Notification&) = default;
};

// "Cease", "UPDATE Message Error"; "" for a code RFC 4271 does not name.
[[nodiscard]] std::string_view error_name(std::uint8_t code);
// "Maximum Number of Prefixes Reached" for 6/1; "" when unnamed.
[[nodiscard]] std::string_view error_subcode_name(std::uint8_t code, std::uint8_t subcode);
// "Cease / Maximum Number of Prefixes Reached (6/1)".
[[nodiscard]] std::string describe(const Notification& n);

// Cease 6/1 with the AFI, SAFI and the limit as RFC 4486 §4 suggests.
[[nodiscard]] Notification maximum_prefixes_reached(AfiSafi family, std::uint32_t limit);
// Cease 6/2 or 6/4 with a shutdown communication (RFC 9003: length octet, UTF-8, at most 255).
[[nodiscard]] Notification administrative_cease(std::uint8_t subcode, std::string_view message);

// ---------------------------------------------------------------------------------------------
// OPEN (RFC 4271 §4.2) and capabilities (RFC 5492)

namespace capability {
inline constexpr std::uint8_t kMultiprotocol = 1;     // RFC 4760 §8
inline constexpr std::uint8_t kRouteRefresh = 2;      // RFC 2918
inline constexpr std::uint8_t kGracefulRestart = 64;  // RFC 4724 §3
inline constexpr std::uint8_t kFourOctetAs = 65;      // RFC 6793 §3
}  // namespace capability

// The Graceful Restart capability (RFC 4724 §3; N bit RFC 8538 §2).
struct GracefulRestart {
  struct Family {
    AfiSafi family;
    bool forwarding_state = false;  // F: forwarding state kept across the restart
    friend auto operator<=>(const Family&, const Family&) = default;
  };
  bool restart_state = false;      // R: the sender has restarted
  bool notification = false;       // N: graceful restart also after a NOTIFICATION
  std::uint16_t restart_time = 0;  // seconds, 12 bits
  std::vector<Family> families;
  friend bool operator==(const GracefulRestart&, const GracefulRestart&) = default;
};

// A capability this codec does not interpret, kept as received (RFC 5492 §3: ignored).
struct RawCapability {
  std::uint8_t code = 0;
  std::vector<std::uint8_t> value;
  friend bool operator==(const RawCapability&, const RawCapability&) = default;
};

struct Open {
  std::uint8_t version = kVersion;
  std::uint16_t my_as = 0;  // the 2-octet field as sent: AS_TRANS when the ASN is above 65535
  std::uint16_t hold_time = 0;
  std::uint32_t bgp_identifier = 0;
  std::vector<AfiSafi> multiprotocol;
  bool route_refresh = false;
  std::optional<std::uint32_t> four_octet_as;  // capability 65: the real ASN (RFC 6793 §4.1)
  std::optional<GracefulRestart> graceful_restart;
  std::vector<RawCapability> other_capabilities;

  // The sender's ASN: the 4-octet capability's when present (RFC 6793 §4.1).
  [[nodiscard]] std::uint32_t asn() const { return four_octet_as ? *four_octet_as : my_as; }
  // Sets both fields as a NEW speaker sends them (RFC 6793 §4.2.1).
  void set_asn(std::uint32_t asn) {
    four_octet_as = asn;
    my_as = asn > 0xFFFF ? kAsTrans : static_cast<std::uint16_t>(asn);
  }
  friend bool operator==(const Open&, const Open&) = default;
};

// ---------------------------------------------------------------------------------------------
// UPDATE (RFC 4271 §4.3)

namespace attribute {
inline constexpr std::uint8_t kOrigin = 1;
inline constexpr std::uint8_t kAsPath = 2;
inline constexpr std::uint8_t kNextHop = 3;
inline constexpr std::uint8_t kMultiExitDisc = 4;
inline constexpr std::uint8_t kLocalPref = 5;
inline constexpr std::uint8_t kAtomicAggregate = 6;
inline constexpr std::uint8_t kAggregator = 7;
inline constexpr std::uint8_t kCommunities = 8;           // RFC 1997
inline constexpr std::uint8_t kOriginatorId = 9;          // RFC 4456
inline constexpr std::uint8_t kClusterList = 10;          // RFC 4456
inline constexpr std::uint8_t kMpReachNlri = 14;          // RFC 4760
inline constexpr std::uint8_t kMpUnreachNlri = 15;        // RFC 4760
inline constexpr std::uint8_t kExtendedCommunities = 16;  // RFC 4360
inline constexpr std::uint8_t kAs4Path = 17;              // RFC 6793
inline constexpr std::uint8_t kAs4Aggregator = 18;        // RFC 6793
inline constexpr std::uint8_t kLargeCommunities = 32;     // RFC 8092
}  // namespace attribute

namespace flag {  // RFC 4271 §4.3
inline constexpr std::uint8_t kOptional = 0x80;
inline constexpr std::uint8_t kTransitive = 0x40;
inline constexpr std::uint8_t kPartial = 0x20;
inline constexpr std::uint8_t kExtendedLength = 0x10;
}  // namespace flag

enum class Origin : std::uint8_t { kIgp = 0, kEgp = 1, kIncomplete = 2 };

enum class SegmentType : std::uint8_t {
  kSet = 1,
  kSequence = 2,
  kConfedSequence = 3,  // RFC 5065
  kConfedSet = 4,
};

struct AsPathSegment {
  SegmentType type = SegmentType::kSequence;
  std::vector<std::uint32_t> asns;
  friend bool operator==(const AsPathSegment&, const AsPathSegment&) = default;
};
// Always 4-octet ASNs: on a 2-octet session the decoder merges AS4_PATH in (RFC 6793 §4.2.3)
// and the encoder writes AS_TRANS and AS4_PATH (§4.2.2).
using AsPath = std::vector<AsPathSegment>;

// The path length used in route selection: a set counts 1, confederation segments 0
// (RFC 4271 §9.1.2.2, RFC 5065 §5.3).
[[nodiscard]] std::size_t path_length(const AsPath& path);

struct Aggregator {
  std::uint32_t asn = 0;  // 4-octet, merged with AS4_AGGREGATOR like the path
  std::uint32_t address = 0;
  friend bool operator==(const Aggregator&, const Aggregator&) = default;
};

// Well-known communities (RFC 1997, RFC 3765, RFC 7999, RFC 8326).
namespace community {
inline constexpr std::uint32_t kGracefulShutdown = 0xFFFF0000;
inline constexpr std::uint32_t kBlackhole = 0xFFFF029A;
inline constexpr std::uint32_t kNoExport = 0xFFFFFF01;
inline constexpr std::uint32_t kNoAdvertise = 0xFFFFFF02;
inline constexpr std::uint32_t kNoExportSubconfed = 0xFFFFFF03;
inline constexpr std::uint32_t kNoPeer = 0xFFFFFF04;
}  // namespace community
// "NO_EXPORT" for a well-known community, else "7224:8100".
[[nodiscard]] std::string community_name(std::uint32_t community);
[[nodiscard]] constexpr std::uint32_t make_community(std::uint16_t asn, std::uint16_t value) {
  return (std::uint32_t{asn} << 16) | value;
}

// An optional transitive attribute passed on as bytes: one this codec does not recognise (its
// Partial bit set, RFC 4271 §5), or extended or large communities (validated, not interpreted).
struct RawAttribute {
  std::uint8_t flags = 0;  // without the Extended Length bit, which the encoder chooses
  std::uint8_t type = 0;
  std::vector<std::uint8_t> value;
  friend bool operator==(const RawAttribute&, const RawAttribute&) = default;
};

// The attributes that describe a route (all but MP_REACH/MP_UNREACH, which carry NLRI).
struct PathAttributes {
  std::optional<Origin> origin;
  std::optional<AsPath> as_path;
  std::optional<IpAddress> next_hop;  // IPv4: for the NLRI field only
  std::optional<std::uint32_t> med;
  std::optional<std::uint32_t> local_pref;
  bool atomic_aggregate = false;
  std::optional<Aggregator> aggregator;
  std::vector<std::uint32_t> communities;  // empty: no COMMUNITIES attribute
  std::vector<RawAttribute> other;         // in type-code order
  friend bool operator==(const PathAttributes&, const PathAttributes&) = default;
};

// An MP_REACH_NLRI for IPv4 or IPv6 unicast (RFC 4760 §3; RFC 2545 §3 for the IPv6 next hop).
struct MpReach {
  AfiSafi family = kIpv6Unicast;
  IpAddress next_hop;                   // IPv4 for AFI 1, the global IPv6 address for AFI 2
  std::optional<IpAddress> link_local;  // the second IPv6 next hop (32-byte form)
  std::vector<Ipv4Prefix> ipv4;         // AFI 1
  std::vector<Ipv6Prefix> ipv6;         // AFI 2
  friend bool operator==(const MpReach&, const MpReach&) = default;
};

// An MP_UNREACH_NLRI (RFC 4760 §4); empty for End-of-RIB (RFC 4724 §2).
struct MpUnreach {
  AfiSafi family = kIpv6Unicast;
  std::vector<Ipv4Prefix> ipv4;
  std::vector<Ipv6Prefix> ipv6;
  friend bool operator==(const MpUnreach&, const MpUnreach&) = default;
};

struct Update {
  std::vector<Ipv4Prefix> withdrawn;
  PathAttributes attributes;
  std::optional<MpReach> mp_reach;
  std::optional<MpUnreach> mp_unreach;
  std::vector<Ipv4Prefix> nlri;

  // The family whose End-of-RIB marker this is (RFC 4724 §2), if it is one.
  [[nodiscard]] std::optional<AfiSafi> end_of_rib() const;
  friend bool operator==(const Update&, const Update&) = default;
};

struct Keepalive {
  friend bool operator==(const Keepalive&, const Keepalive&) = default;
};

// RFC 2918 §3; `subtype` is RFC 7313's (0 request, 1 BoRR, 2 EoRR).
struct RouteRefresh {
  AfiSafi family;
  std::uint8_t subtype = 0;
  friend bool operator==(const RouteRefresh&, const RouteRefresh&) = default;
};

using Message = std::variant<Open, Update, Notification, Keepalive, RouteRefresh>;

// ---------------------------------------------------------------------------------------------
// Framing (RFC 4271 §4.1, §6.1)

enum class FrameStatus : std::uint8_t { kNeedMore, kComplete, kError };

struct Frame {
  FrameStatus status = FrameStatus::kNeedMore;
  std::size_t size = 0;               // kComplete: the message's length, header included
  std::optional<Notification> error;  // kError: send it and close (Message Header Error)
};

// Looks at the start of a receive buffer: a complete message, more bytes needed, or a broken
// stream (marker, length outside 19..4096 or below the type's minimum, unknown type). A wrong
// marker byte is reported as soon as it arrives.
[[nodiscard]] Frame next_frame(std::span<const std::uint8_t> buffer);

// A receive buffer that yields whole messages from TCP reads.
class Framer {
 public:
  void feed(std::span<const std::uint8_t> bytes);
  // The next complete message (valid until the next feed), empty when more bytes are needed or
  // the stream is broken (then `error()` says with which NOTIFICATION; feed nothing more).
  [[nodiscard]] std::span<const std::uint8_t> next();
  [[nodiscard]] const std::optional<Notification>& error() const { return error_; }
  [[nodiscard]] std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::vector<std::uint8_t> buffer_;
  std::size_t start_ = 0;
  std::optional<Notification> error_;
};

// ---------------------------------------------------------------------------------------------
// Decoding and encoding

// What the two OPENs negotiated, and what the receiver needs to judge an UPDATE.
struct SessionOptions {
  bool four_octet_as = true;  // both OPENs carried capability 65 (RFC 6793 §4.1)
  bool external = true;       // eBGP: LOCAL_PREF is discarded (RFC 7606 §7.5)
  // The receiver's address on the session: a NEXT_HOP equal to it is semantically wrong
  // (RFC 4271 §6.3) and the route is ignored.
  std::optional<IpAddress> local_address;
};

// RFC 7606 §2, weakest to strongest.
enum class ErrorAction : std::uint8_t {
  kNone,
  kAttributeDiscard,
  kTreatAsWithdraw,
  kSessionReset,
};

struct DecodeResult {
  Message message;  // meaningless when `reset`
  // The strongest action any error asked for (RFC 7606 §3.h).
  ErrorAction action = ErrorAction::kNone;
  // Session reset: send this NOTIFICATION and close (RFC 4271 §6, RFC 7606 §3.a).
  std::optional<Notification> reset;
  // Treat-as-withdraw (RFC 7606 §2): the routes the UPDATE announced (its NLRI field and
  // MP_REACH), now to be withdrawn. The decoded UPDATE then keeps only its own withdrawals;
  // its attributes, NLRI and MP_REACH are cleared.
  std::vector<Ipv4Prefix> withdraw_ipv4;
  std::vector<Ipv6Prefix> withdraw_ipv6;
  // Every error found and what was done, with the RFC section (RFC 7606 §6 asks for a log).
  std::vector<std::string> notes;

  [[nodiscard]] bool ok() const { return !reset; }
};

// Decodes one whole message (header included, as `next_frame` cut it).
[[nodiscard]] DecodeResult decode(std::span<const std::uint8_t> message,
                                  const SessionOptions& options);

// Appends the message to `out`. False (and `out` unchanged) when it cannot be sent as is:
// longer than 4096 bytes, an UPDATE with NLRI but no ORIGIN, AS_PATH or (IPv4) NEXT_HOP, a
// next hop of the wrong family, an OPEN whose capabilities exceed 255 bytes.
// MP_UNREACH and MP_REACH go first (RFC 7606 §5.1), the other attributes in type-code order.
[[nodiscard]] bool encode_to(const Message& message, const SessionOptions& options,
                             std::vector<std::uint8_t>& out);
[[nodiscard]] std::optional<std::vector<std::uint8_t>> encode(const Message& message,
                                                              const SessionOptions& options);

}  // namespace cloudtwin::hybrid::bgp
