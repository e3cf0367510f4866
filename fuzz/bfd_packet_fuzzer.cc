// The BFD Control packet codec and session state machine on arbitrary bytes. The whole input is
// decoded as one UDP payload; a packet that decodes must re-encode to bytes that decode to the
// same packet. Then the input is read as records of one time step (a byte, in milliseconds)
// and a 24-byte payload, fed to a session as its peer's packets: every packet the session sends
// must pass our own reception checks, and an Up session knows its peer. Nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "cloudtwin/hybrid/bfd_packet.h"
#include "cloudtwin/hybrid/bfd_session.h"

namespace {

using namespace cloudtwin::hybrid::bfd;

void check_round_trip(std::span<const std::uint8_t> payload) {
  DecodeResult r = decode(payload);
  if (!r.ok()) return;
  auto again = encode(r.packet);
  DecodeResult back = decode(again);
  if (!back.ok() || !(back.packet == r.packet)) std::abort();
}

void check_sent(const ControlPacket& p) {
  auto bytes = encode(p);
  if (!decode(bytes).ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> input(data, size);
  check_round_trip(input);

  constexpr std::size_t kRecord = 1 + kControlPacketSize;
  Parameters parameters;
  parameters.passive = size > 0 && (data[0] & 0x80) != 0;
  parameters.detect_mult = size > 0 && (data[0] & 0x40) != 0 ? 1 : 3;
  Session session(parameters, 0x01020304);
  TimePoint now = TimePoint{} + std::chrono::hours(1);
  double fraction = 0.0;
  for (std::size_t at = 0; at + kRecord <= size; at += kRecord) {
    now += std::chrono::milliseconds(data[at] * 8);
    fraction = static_cast<double>(data[at]) / 256.0;
    DecodeResult r = decode(input.subspan(at + 1, kControlPacketSize));
    if (r.ok() && (r.packet.your_discriminator == 0 ||
                   r.packet.your_discriminator == session.local_discriminator())) {
      (void)session.receive(r.packet, now);
    }
    if (data[at] == 0xFF) (void)session.set_admin_down(session.state() != State::kAdminDown);
    (void)session.expire(now);
    if (auto p = session.transmit(now, fraction)) check_sent(*p);
    // Up is reached only by hearing the peer, and silence ends it (§6.8.4, §6.8.1).
    if (session.state() == State::kUp && session.remote_discriminator() == 0) std::abort();
  }
  return 0;
}
