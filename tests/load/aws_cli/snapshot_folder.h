// Helpers for the AWS CLI snapshot tests: a snapshot folder written by the test (removed after
// it), and loading it the way `cloudtwin validate` does.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cloudtwin/load/load.h"

namespace cloudtwin::load::testing {

struct Loaded {
  model::Network network;
  Diagnostics diagnostics;
  bool ok = false;
};

inline Loaded load(const std::string& path) {
  Loaded l;
  l.ok = load_network({path}, l.network, l.diagnostics);
  return l;
}

class SnapshotFolder {
 public:
  explicit SnapshotFolder(const std::string& name)
      : root_(std::filesystem::path(::testing::TempDir()) / name) {
    std::filesystem::remove_all(root_);
  }
  ~SnapshotFolder() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  SnapshotFolder(SnapshotFolder&&) = default;
  std::string write(const std::string& rel, const std::string& text) const {
    std::filesystem::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
    return (root_ / rel).string();
  }
  [[nodiscard]] std::string str() const { return root_.string(); }

 private:
  std::filesystem::path root_;
};

}  // namespace cloudtwin::load::testing
