// The one entry point the CLI and servers use: reads every network file named on the command line
// (folders contribute their *.yaml and *.yml files) into one model::Network and finalizes it.
#pragma once

#include <string>
#include <vector>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

// Reads each path (a file, or a folder whose *.yaml / *.yml files are read in name order) into
// `out`, then runs model::finalize() unless reading found errors. Returns
// !diagnostics.has_errors().
bool load_network(const std::vector<std::string>& paths, model::Network& out, Diagnostics& d);

}  // namespace cloudtwin::load
