// Any text given as a baseline (`--baseline`, the JSON `--write-baseline` writes; docs/ci.md)
// yields located diagnostics or a baseline, never a crash. A baseline that reads holds sorted
// fingerprints of 16 lower-case hexadecimal digits; otherwise the target aborts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cloudtwin/load/findings_files.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diagnostics;
  auto baseline = load::read_baseline_text(text, "fuzz.json", diagnostics);
  if (baseline.has_value() == diagnostics.has_errors()) std::abort();
  if (!baseline) return 0;
  if (baseline->path != "fuzz.json") std::abort();
  const auto& fps = baseline->fingerprints;
  if (!std::is_sorted(fps.begin(), fps.end())) std::abort();
  for (const auto& fp : fps) {
    if (fp.size() != 16 || !std::all_of(fp.begin(), fp.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }))
      std::abort();
  }
  return 0;
}
