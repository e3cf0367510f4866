// Any text given to the policy reader yields located diagnostics or a policy, never a crash; a
// policy that reads has named, located rules with their parties.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cloudtwin/load/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diagnostics;
  auto policy = load::read_policy_text(text, "fuzz.yaml", diagnostics);
  if (policy.has_value() == diagnostics.has_errors()) std::abort();
  if (!policy) return 0;
  for (const auto& rule : policy->rules) {
    if (rule.name.empty() || rule.from.empty() || rule.to.empty() || rule.at.line == 0)
      std::abort();
  }
  return 0;
}
