// cloudtwin's version, as `--version`, the man page and the Debian package give it. Keep it equal
// to project(VERSION) in the top-level CMakeLists.txt (tests/cli/tooling_test.sh checks).
#pragma once

#include <string_view>

namespace cloudtwin::cli {

inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace cloudtwin::cli
