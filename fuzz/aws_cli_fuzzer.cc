// Any text given to the AWS CLI snapshot reader, as one describe-* answer of a snapshot,
// yields diagnostics or a network, never a crash; a network that validates is traced. The
// reader reads folders, so each input is written to a per-process snapshot folder.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "cloudtwin/load/aws_cli.h"
#include "scratch_path.h"
#include "trace_network.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cloudtwin;
  namespace fs = std::filesystem;
  static const fuzz::ScratchPath scratch("aws-cli");
  static const fs::path& root = scratch.path();
  static const fs::path file = root / "aws_configs" / "us-east-1" / "answer.json";
  fs::create_directories(file.parent_path());
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  model::Network network;
  Diagnostics diagnostics;
  if (!load::read_aws_cli_snapshot(root.string(), network, diagnostics)) return 0;
  fuzz::finalize_and_trace(network, diagnostics);
  return 0;
}
