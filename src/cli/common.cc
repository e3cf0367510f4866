#include <iostream>

#include "cloudtwin/load/load.h"
#include "commands.h"

namespace cloudtwin::cli {

bool load_or_report(const std::vector<std::string>& paths, model::Network& network,
                    Diagnostics& diagnostics, bool print_warnings) {
  bool ok = load::load_network(paths, network, diagnostics);
  diagnostics.sort();
  for (const auto& d : diagnostics.items()) {
    if (d.severity == Severity::kError || print_warnings) std::cerr << d.str() << "\n";
  }
  return ok && !diagnostics.has_errors();
}

}  // namespace cloudtwin::cli
