// `cloudtwin export NETWORK... [--format yaml] [-o FILE]`: read a network in any supported format
// and write it in cloudtwin's native YAML.
#include <iostream>
#include <memory>

#include "cloudtwin/load/native_yaml_writer.h"
#include "commands.h"
#include "output_file.h"

namespace cloudtwin::cli {

namespace {
struct ExportOptions {
  NetworkOptions network;
  std::string format = "yaml";
  std::string output;
};
}  // namespace

Runner add_export_command(CLI::App& app) {
  auto opts = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand(
      "export", "Write the network in cloudtwin's native YAML (what AWS adds is left out)");
  add_network_options(*cmd, opts->network);
  cmd->add_option("--format", opts->format, "Output format")
      ->check(CLI::IsMember({"yaml"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", opts->output, "Write to FILE instead of standard output");
  return [opts]() {
    model::Network network;
    Diagnostics diagnostics;
    if (!load_or_report(opts->network, network, diagnostics, /*print_warnings=*/true)) {
      if (diagnostics.error_count() > 0) std::cerr << diagnostics.error_count() << " error(s)\n";
      return kExitBadInput;
    }
    const std::string text = load::write_native_yaml(network);
    if (opts->output.empty()) {
      std::cout << text;
      return kExitOk;
    }
    return write_output_file(opts->output, text, opts->network.paths) ? kExitOk : kExitBadInput;
  };
}

}  // namespace cloudtwin::cli
