// Any text given to the Terraform reader yields diagnostics or a network, never a crash; a
// network that validates can be traced between its first and last interface. Both sides of a
// plan are read: planned_values and prior_state (`cloudtwin diff plan.json`), and when both
// validate, the resource changes between them are listed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cloudtwin/load/network_changes.h"
#include "cloudtwin/load/terraform.h"
#include "trace_network.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  model::Network network, prior;
  Diagnostics diagnostics, prior_diagnostics;
  if (load::read_terraform(text, "fuzz.json", network, diagnostics))
    fuzz::finalize_and_trace(network, diagnostics);
  if (load::read_terraform(text, "fuzz.json", prior, prior_diagnostics,
                           load::TerraformSide::kPriorState))
    fuzz::finalize_and_trace(prior, prior_diagnostics);
  if (network.finalized && prior.finalized && !diagnostics.has_errors() &&
      !prior_diagnostics.has_errors())
    (void)load::network_changes(prior, network);
  return 0;
}
