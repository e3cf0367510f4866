// BFD Control packets (RFC 5880 §4.1) as a pure codec: no sockets, no clock. `decode` applies
// every packet-only reception check of RFC 5880 §6.8.6 and never throws or crashes on input; the
// checks that need a session (Your Discriminator selecting one, the received TTL of RFC 5881 §5)
// are the caller's. Authentication (§4.2-4.4) is not implemented: a packet with the A bit is
// parsed as far as its section's header and refused, as §6.8.6 requires of a session without
// authentication.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace cloudtwin::hybrid::bfd {

inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::size_t kControlPacketSize = 24;  // the mandatory section
inline constexpr std::size_t kMinAuthenticatedSize = 26;
inline constexpr std::uint16_t kControlPort = 3784;          // RFC 5881 §4 (single hop)
inline constexpr std::uint16_t kMultihopControlPort = 4784;  // RFC 5883 §4
inline constexpr std::uint16_t kSourcePortMin = 49152;
inline constexpr std::uint8_t kSingleHopTtl = 255;  // RFC 5881 §5 (GTSM)

// RFC 5880 §4.1 "Sta".
enum class State : std::uint8_t { kAdminDown = 0, kDown = 1, kInit = 2, kUp = 3 };
[[nodiscard]] std::string_view state_name(State state);

// RFC 5880 §4.1 "Diag"; 9-31 are reserved and decoded as their number.
enum class Diagnostic : std::uint8_t {
  kNone = 0,
  kControlDetectionTimeExpired = 1,
  kEchoFunctionFailed = 2,
  kNeighborSignaledSessionDown = 3,
  kForwardingPlaneReset = 4,
  kPathDown = 5,
  kConcatenatedPathDown = 6,
  kAdministrativelyDown = 7,
  kReverseConcatenatedPathDown = 8,
};
[[nodiscard]] std::string_view diagnostic_name(Diagnostic diagnostic);

// The mandatory section; intervals in microseconds as on the wire.
struct ControlPacket {
  Diagnostic diagnostic = Diagnostic::kNone;
  State state = State::kDown;
  bool poll = false;
  bool final = false;
  bool control_plane_independent = false;
  bool authentication_present = false;
  bool demand = false;
  bool multipoint = false;
  std::uint8_t detect_mult = 3;
  std::uint32_t my_discriminator = 0;
  std::uint32_t your_discriminator = 0;
  std::uint32_t desired_min_tx_us = 0;
  std::uint32_t required_min_rx_us = 0;
  std::uint32_t required_min_echo_rx_us = 0;
  std::uint8_t authentication_type = 0;  // decoded from the section when the A bit is set
  friend bool operator==(const ControlPacket&, const ControlPacket&) = default;
};

// Version 1, Length 24, every field as given; no authentication section is written (a packet
// with `authentication_present` is for testing the receiver's refusal).
[[nodiscard]] std::array<std::uint8_t, kControlPacketSize> encode(const ControlPacket& packet);

// Why a received packet was discarded, in the order RFC 5880 §6.8.6 checks.
enum class DecodeError : std::uint8_t {
  kNone,
  kTruncated,                   // fewer than 24 bytes: no mandatory section to read
  kBadVersion,                  // §6.8.6: version not 1
  kLengthTooSmall,              // §6.8.6: Length < 24, or < 26 with the A bit
  kLengthPastPayload,           // §6.8.6: Length > the UDP payload
  kZeroDetectMult,              // §6.8.6: Detect Mult 0
  kMultipoint,                  // §6.8.6: M bit set
  kZeroMyDiscriminator,         // §6.8.6: My Discriminator 0
  kZeroYourDiscriminator,       // §6.8.6: Your Discriminator 0 in state Init or Up
  kBadAuthenticationSection,    // §4.2: Auth Len below 2 or past Length
  kAuthenticationNotSupported,  // §6.8.6: A bit set and bfd.AuthType is zero
  kPollAndFinal,                // §6.5 forbids both; a choice to refuse, §6.8.6 is silent
};
[[nodiscard]] std::string_view describe(DecodeError error);

struct DecodeResult {
  ControlPacket packet;  // meaningful when ok(); otherwise as far as it was read
  DecodeError error = DecodeError::kNone;
  [[nodiscard]] bool ok() const { return error == DecodeError::kNone; }
};

// One UDP payload. Bytes past Length are ignored (§6.8.6 only bounds Length by the payload).
[[nodiscard]] DecodeResult decode(std::span<const std::uint8_t> payload);

}  // namespace cloudtwin::hybrid::bfd
