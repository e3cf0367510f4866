#include "cloudtwin/hybrid/bfd_packet.h"

namespace cloudtwin::hybrid::bfd {

namespace {

// RFC 5880 §4.1, second byte: P F C A D M.
constexpr std::uint8_t kPoll = 0x20;
constexpr std::uint8_t kFinal = 0x10;
constexpr std::uint8_t kControlPlaneIndependent = 0x08;
constexpr std::uint8_t kAuthenticationPresent = 0x04;
constexpr std::uint8_t kDemand = 0x02;
constexpr std::uint8_t kMultipoint = 0x01;

void put32(std::uint8_t* at, std::uint32_t v) {
  at[0] = static_cast<std::uint8_t>(v >> 24);
  at[1] = static_cast<std::uint8_t>(v >> 16);
  at[2] = static_cast<std::uint8_t>(v >> 8);
  at[3] = static_cast<std::uint8_t>(v);
}

std::uint32_t get32(const std::uint8_t* at) {
  return (std::uint32_t{at[0]} << 24) | (std::uint32_t{at[1]} << 16) | (std::uint32_t{at[2]} << 8) |
         std::uint32_t{at[3]};
}

}  // namespace

std::string_view state_name(State state) {
  switch (state) {
    case State::kAdminDown:
      return "AdminDown";
    case State::kDown:
      return "Down";
    case State::kInit:
      return "Init";
    case State::kUp:
      return "Up";
  }
  return "?";
}

std::string_view diagnostic_name(Diagnostic diagnostic) {
  switch (diagnostic) {
    case Diagnostic::kNone:
      return "No Diagnostic";
    case Diagnostic::kControlDetectionTimeExpired:
      return "Control Detection Time Expired";
    case Diagnostic::kEchoFunctionFailed:
      return "Echo Function Failed";
    case Diagnostic::kNeighborSignaledSessionDown:
      return "Neighbor Signaled Session Down";
    case Diagnostic::kForwardingPlaneReset:
      return "Forwarding Plane Reset";
    case Diagnostic::kPathDown:
      return "Path Down";
    case Diagnostic::kConcatenatedPathDown:
      return "Concatenated Path Down";
    case Diagnostic::kAdministrativelyDown:
      return "Administratively Down";
    case Diagnostic::kReverseConcatenatedPathDown:
      return "Reverse Concatenated Path Down";
  }
  return "Reserved";
}

std::array<std::uint8_t, kControlPacketSize> encode(const ControlPacket& p) {
  std::array<std::uint8_t, kControlPacketSize> out{};
  out[0] =
      static_cast<std::uint8_t>((kVersion << 5) | (static_cast<std::uint8_t>(p.diagnostic) & 0x1F));
  out[1] = static_cast<std::uint8_t>((static_cast<std::uint8_t>(p.state) & 0x3) << 6);
  if (p.poll) out[1] |= kPoll;
  if (p.final) out[1] |= kFinal;
  if (p.control_plane_independent) out[1] |= kControlPlaneIndependent;
  if (p.authentication_present) out[1] |= kAuthenticationPresent;
  if (p.demand) out[1] |= kDemand;
  if (p.multipoint) out[1] |= kMultipoint;
  out[2] = p.detect_mult;
  out[3] = static_cast<std::uint8_t>(kControlPacketSize);
  put32(&out[4], p.my_discriminator);
  put32(&out[8], p.your_discriminator);
  put32(&out[12], p.desired_min_tx_us);
  put32(&out[16], p.required_min_rx_us);
  put32(&out[20], p.required_min_echo_rx_us);
  return out;
}

std::string_view describe(DecodeError error) {
  switch (error) {
    case DecodeError::kNone:
      return "ok";
    case DecodeError::kTruncated:
      return "shorter than the 24-byte mandatory section";
    case DecodeError::kBadVersion:
      return "version not 1 (RFC 5880 §6.8.6)";
    case DecodeError::kLengthTooSmall:
      return "Length below 24, or below 26 with the A bit (RFC 5880 §6.8.6)";
    case DecodeError::kLengthPastPayload:
      return "Length past the UDP payload (RFC 5880 §6.8.6)";
    case DecodeError::kZeroDetectMult:
      return "Detect Mult 0 (RFC 5880 §6.8.6)";
    case DecodeError::kMultipoint:
      return "Multipoint bit set (RFC 5880 §6.8.6)";
    case DecodeError::kZeroMyDiscriminator:
      return "My Discriminator 0 (RFC 5880 §6.8.6)";
    case DecodeError::kZeroYourDiscriminator:
      return "Your Discriminator 0 in state Init or Up (RFC 5880 §6.8.6)";
    case DecodeError::kBadAuthenticationSection:
      return "Auth Len below 2 or past Length (RFC 5880 §4.2)";
    case DecodeError::kAuthenticationNotSupported:
      return "authentication present, none configured (RFC 5880 §6.8.6)";
    case DecodeError::kPollAndFinal:
      return "Poll and Final both set (RFC 5880 §6.5)";
  }
  return "?";
}

DecodeResult decode(std::span<const std::uint8_t> payload) {
  DecodeResult r;
  if (payload.size() < kControlPacketSize) {
    r.error = DecodeError::kTruncated;
    return r;
  }
  const std::uint8_t* b = payload.data();
  ControlPacket& p = r.packet;
  p.diagnostic = static_cast<Diagnostic>(b[0] & 0x1F);
  p.state = static_cast<State>(b[1] >> 6);
  p.poll = (b[1] & kPoll) != 0;
  p.final = (b[1] & kFinal) != 0;
  p.control_plane_independent = (b[1] & kControlPlaneIndependent) != 0;
  p.authentication_present = (b[1] & kAuthenticationPresent) != 0;
  p.demand = (b[1] & kDemand) != 0;
  p.multipoint = (b[1] & kMultipoint) != 0;
  p.detect_mult = b[2];
  p.my_discriminator = get32(b + 4);
  p.your_discriminator = get32(b + 8);
  p.desired_min_tx_us = get32(b + 12);
  p.required_min_rx_us = get32(b + 16);
  p.required_min_echo_rx_us = get32(b + 20);
  std::size_t length = b[3];

  // RFC 5880 §6.8.6, in its order.
  if ((b[0] >> 5) != kVersion) {
    r.error = DecodeError::kBadVersion;
  } else if (length < (p.authentication_present ? kMinAuthenticatedSize : kControlPacketSize)) {
    r.error = DecodeError::kLengthTooSmall;
  } else if (length > payload.size()) {
    r.error = DecodeError::kLengthPastPayload;
  } else if (p.detect_mult == 0) {
    r.error = DecodeError::kZeroDetectMult;
  } else if (p.multipoint) {
    r.error = DecodeError::kMultipoint;
  } else if (p.my_discriminator == 0) {
    r.error = DecodeError::kZeroMyDiscriminator;
  } else if (p.your_discriminator == 0 && p.state != State::kDown && p.state != State::kAdminDown) {
    r.error = DecodeError::kZeroYourDiscriminator;
  } else if (p.authentication_present) {
    // §4.2: Auth Type, then Auth Len counting both; the section must fit in Length.
    p.authentication_type = b[24];
    std::size_t auth_length = b[25];
    r.error = auth_length < 2 || kControlPacketSize + auth_length > length
                  ? DecodeError::kBadAuthenticationSection
                  : DecodeError::kAuthenticationNotSupported;
  } else if (p.poll && p.final) {
    r.error = DecodeError::kPollAndFinal;
  }
  return r;
}

}  // namespace cloudtwin::hybrid::bfd
