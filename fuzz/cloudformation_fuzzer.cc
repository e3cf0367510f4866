// Any text given to the CloudFormation reader yields diagnostics or a network, never a crash;
// a network that validates can be traced between its first and last interface.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cloudtwin/load/cloudformation.h"
#include "cloudtwin/vpc/trace.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  model::Network network;
  Diagnostics diagnostics;
  load::LoadOptions options;
  options.parameters["Env"] = "prod";
  if (!load::read_cloudformation(text, "fuzz.yaml", options, network, diagnostics)) return 0;
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
