// Any text given to the access scope reader yields diagnostics or a scope, never a crash. The
// reader reads files, so each input is written to a per-process file.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "cloudtwin/load/access_scope.h"
#include "scratch_path.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  namespace fs = std::filesystem;
  static const fuzz::ScratchPath scratch("access-scope.json");
  static const fs::path& file = scratch.path();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  Diagnostics diagnostics;
  auto scope = load::read_access_scope(file.string(), diagnostics);
  // A scope that reads has no errors, and one that does not says why.
  if (scope == std::nullopt && !diagnostics.has_errors()) __builtin_trap();
  if (scope && diagnostics.has_errors()) __builtin_trap();
  return 0;
}
