#include <iostream>
#include <map>

#include "commands.h"

namespace cloudtwin::cli {

namespace {

// Splits Key=Value pairs; reports the first malformed one.
bool split_pairs(const std::vector<std::string>& pairs, const char* option,
                 std::map<std::string, std::string>& out) {
  for (const auto& p : pairs) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "error: " << option << " `" << p << "` is not Key=Value\n";
      return false;
    }
    out[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return true;
}

}  // namespace

void add_network_options(CLI::App& cmd, NetworkOptions& o) {
  cmd.add_option("NETWORK", o.paths,
                 "Network files or folders: cloudtwin YAML, CloudFormation, Terraform JSON, AWS "
                 "CLI snapshot (detected; several are merged)")
      ->required();
  cmd.add_option("--param", o.params, "CloudFormation parameter override Key=Value (repeatable)");
  cmd.add_option("--import", o.imports, "CloudFormation Fn::ImportValue answer Name=Value (repeatable)");
  cmd.add_option("--region", o.region, "Region for inputs that do not say (default us-east-1)");
  cmd.add_option("--account", o.account, "Account id for inputs that do not say");
}

bool load_or_report(const NetworkOptions& options, model::Network& network,
                    Diagnostics& diagnostics, bool print_warnings) {
  load::LoadOptions lo;
  if (!split_pairs(options.params, "--param", lo.parameters)) return false;
  if (!split_pairs(options.imports, "--import", lo.imports)) return false;
  lo.region = options.region;
  lo.account = options.account;
  bool ok = load::load_network(options.paths, network, diagnostics, lo);
  diagnostics.sort();
  for (const auto& d : diagnostics.items()) {
    if (d.severity == Severity::kError || print_warnings) std::cerr << d.str() << "\n";
  }
  return ok && !diagnostics.has_errors();
}

}  // namespace cloudtwin::cli
