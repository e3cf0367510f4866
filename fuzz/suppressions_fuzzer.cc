// Any text given as a suppression file (`--suppressions`, docs/ci.md) yields located diagnostics
// or entries, never a crash. Every entry that reads has a rule naming its verb (or `*`), a reason
// and a valid or empty expiry; its patterns are matched with the findings layer's glob: a pattern
// matches itself and itself without its `*`s. Otherwise the target aborts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cloudtwin/load/findings_files.h"
#include "findings.h"  // src/cli: glob_match

namespace {

using namespace cloudtwin;

void check_pattern(const std::string& pattern) {
  if (!cli::glob_match(pattern, pattern)) std::abort();
  std::string plain = pattern;
  plain.erase(std::remove(plain.begin(), plain.end(), '*'), plain.end());
  if (!cli::glob_match(pattern, plain)) std::abort();
  (void)cli::glob_match(pattern, "exposure/ssh-open");
  (void)cli::glob_match(pattern, "sg-0123456789abcdef0");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diagnostics;
  auto suppressions = load::read_suppressions_text(text, "fuzz.yaml", diagnostics);
  if (suppressions.has_value() == diagnostics.has_errors()) std::abort();
  if (!suppressions) return 0;
  for (const auto& s : *suppressions) {
    if (s.rule.empty() || (s.rule != "*" && s.rule.find('/') == std::string::npos)) std::abort();
    if (s.reason.empty() || s.path != "fuzz.yaml" || s.at.line == 0) std::abort();
    if (!s.expires.empty() && s.expires.size() != 10) std::abort();
    check_pattern(s.rule);
    if (!s.resource.empty()) check_pattern(s.resource);
  }
  return 0;
}
