// A per-process path under the temporary directory for fuzz targets whose reader takes files,
// removed (with everything under it) when the fuzzer exits normally. After a crash it stays,
// next to the crashing input.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace cloudtwin::fuzz {

class ScratchPath {
 public:
  explicit ScratchPath(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("cloudtwin-fuzz-" + std::to_string(getpid()) + "-" + name)) {}
  ScratchPath(const ScratchPath&) = delete;
  ScratchPath& operator=(const ScratchPath&) = delete;
  ~ScratchPath() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace cloudtwin::fuzz
