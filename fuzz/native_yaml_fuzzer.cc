// Any text given to the native YAML reader yields diagnostics or a network, never a crash;
// a network that validates can be traced between its first and last instance.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cloudtwin/load/native_yaml.h"
#include "trace_network.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  model::Network network;
  Diagnostics diagnostics;
  if (!load::read_native_yaml(text, "fuzz.yaml", network, diagnostics)) return 0;
  fuzz::finalize_and_trace(network, diagnostics);
  return 0;
}
