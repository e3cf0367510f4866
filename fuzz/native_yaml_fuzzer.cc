// Any text given to the native YAML reader yields diagnostics or a network, never a crash;
// a network that validates can be traced between its first and last instance.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cloudtwin/load/native_yaml.h"
#include "cloudtwin/vpc/trace.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  model::Network network;
  Diagnostics diagnostics;
  if (!load::read_native_yaml(text, "fuzz.yaml", network, diagnostics)) return 0;
  if (!model::finalize(network, diagnostics)) return 0;
  if (network.network_interfaces.empty()) return 0;
  vpc::Query q;
  q.source.kind = vpc::EndpointKind::kNetworkInterface;
  q.source.index = 0;
  q.destination.kind = vpc::EndpointKind::kNetworkInterface;
  q.destination.index = static_cast<model::Index>(network.network_interfaces.size() - 1);
  (void)vpc::trace(network, q);
  q.destination.kind = vpc::EndpointKind::kInternet;
  (void)vpc::trace(network, q);
  return 0;
}
