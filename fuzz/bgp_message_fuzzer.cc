// The BGP-4 codec on arbitrary bytes: a TCP stream cut by the Framer (the first byte picks the
// read size), every message decoded on a 4-octet and on a 2-octet AS session, and every message
// that decoded re-encoded: the re-encoding must decode again, error-free, to the same message.
// Nothing may crash.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "cloudtwin/hybrid/bgp_message.h"

namespace {

using namespace cloudtwin::hybrid::bgp;

void check(std::span<const std::uint8_t> message, const SessionOptions& options) {
  DecodeResult r = decode(message, options);
  if (!r.ok()) return;
  std::vector<std::uint8_t> again;
  // A message may grow on re-encoding (AS4_PATH written in full) past 4096 bytes: not sent.
  if (!encode_to(r.message, options, again)) return;
  DecodeResult back = decode(again, options);
  if (!back.ok() || back.action != ErrorAction::kNone || !(back.message == r.message)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t chunk = 1 + data[0] % 64;
  std::span<const std::uint8_t> input(data + 1, size - 1);
  SessionOptions four;
  SessionOptions two;
  two.four_octet_as = false;
  two.external = false;
  two.local_address = cloudtwin::IpAddress::v4(0xA9FEFF01);
  Framer framer;
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    framer.feed(input.subspan(at, std::min(chunk, input.size() - at)));
    for (auto m = framer.next(); !m.empty(); m = framer.next()) {
      check(m, four);
      check(m, two);
    }
    if (framer.error()) break;
  }
  // The input as one message, whatever its length field says.
  (void)decode(input, four);
  return 0;
}
