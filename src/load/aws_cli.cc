// Placeholder until the AWS CLI snapshot reader lands: a located error, never a silent misread.
#include "cloudtwin/load/aws_cli.h"

#include <filesystem>

namespace cloudtwin::load {

bool is_aws_cli_snapshot(const std::string& folder) {
  std::error_code ec;
  namespace fs = std::filesystem;
  return fs::is_directory(fs::path(folder) / "aws_configs", ec) ||
         fs::is_directory(fs::path(folder) / "accounts", ec);
}

bool read_aws_cli_snapshot(const std::string& folder, model::Network& network, Diagnostics& d) {
  d.error(folder, {network.add_file(folder), 0, 0}, "", "AWS CLI snapshots are not read yet");
  return false;
}

}  // namespace cloudtwin::load
