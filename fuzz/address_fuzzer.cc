// The address, prefix, port and protocol parsers, and the endpoint parser of `trace`, accept or
// reject any text without crashing; what they accept prints back and re-parses to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cloudtwin/core/ip.h"
#include "cloudtwin/core/packet.h"
#include "cloudtwin/vpc/endpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto a = IpAddress::parse(text)) {
    if (IpAddress::parse(a->str()) != a) std::abort();
  }
  if (auto p = Prefix::parse(text)) {
    if (Prefix::parse(p->str(), true) != p) std::abort();
    if (!p->contains(p->address()) || !p->contains(p->last())) std::abort();
  }
  if (auto r = PortRange::parse(text)) {
    if (r->from > r->to) std::abort();
  }
  (void)Protocol::parse(text);
  static const model::Network empty;
  (void)vpc::parse_endpoint(empty, text);
  return 0;
}
