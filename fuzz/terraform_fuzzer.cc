// Any text given to the Terraform reader yields diagnostics or a network, never a crash; a
// network that validates can be traced between its first and last interface.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cloudtwin/load/terraform.h"
#include "trace_network.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  model::Network network;
  Diagnostics diagnostics;
  if (!load::read_terraform(text, "fuzz.json", network, diagnostics)) return 0;
  fuzz::finalize_and_trace(network, diagnostics);
  return 0;
}
