// `cloudtwin validate NETWORK...`: load, materialise AWS defaults, report every problem.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"

namespace cloudtwin::cli {

namespace {
struct ValidateOptions {
  NetworkOptions network;
  bool json = false;
};
}  // namespace

Runner add_validate_command(CLI::App& app) {
  auto opts = std::make_shared<ValidateOptions>();
  auto* cmd = app.add_subcommand("validate", "Check a network and print every problem found");
  add_network_options(*cmd, opts->network);
  cmd->add_flag("--json", opts->json, "Print a JSON document");
  return [opts]() {
    model::Network network;
    Diagnostics diagnostics;
    bool ok = load_or_report(opts->network, network, diagnostics, !opts->json);
    if (opts->json) {
      nlohmann::json doc;
      doc["schema"] = "cloudtwin/validate/v1";
      doc["valid"] = ok;
      doc["problems"] = nlohmann::json::array();
      for (const auto& d : diagnostics.items()) {
        doc["problems"].push_back({{"severity", d.severity == Severity::kError ? "error" : "warning"},
                                   {"file", d.file},
                                   {"line", d.line},
                                   {"column", d.column},
                                   {"resource", d.resource},
                                   {"message", d.message},
                                   {"hint", d.hint}});
      }
      if (ok) {
        nlohmann::json counts;
        for (int k = 0; k <= static_cast<int>(model::Kind::kOnPremisesNetwork); ++k) {
          auto kind = static_cast<model::Kind>(k);
          if (network.count(kind) > 0) counts[model::kind_name(kind)] = network.count(kind);
        }
        doc["resources"] = counts;
      }
      std::cout << doc.dump(2) << "\n";
      return ok ? kExitOk : kExitBadInput;
    }
    if (!ok) {
      if (diagnostics.error_count() > 0) std::cerr << diagnostics.error_count() << " error(s)\n";
      return kExitBadInput;
    }
    std::cout << "ok: " << network.vpcs.size() << " VPC(s), " << network.subnets.size()
              << " subnet(s), " << network.network_interfaces.size() << " network interface(s), "
              << network.security_groups.size() << " security group(s)";
    if (!network.hosted_zones.empty()) {
      std::cout << ", " << network.hosted_zones.size() << " hosted zone(s), " << network.record_sets.size()
                << " record set(s)";
    }
    std::cout << "\n";
    return kExitOk;
  };
}

}  // namespace cloudtwin::cli
