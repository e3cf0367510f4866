// The reader of cloudtwin's native YAML network format (docs/format.md). It records what the file
// says, with references as written (ids or names) and every location; model::finalize() resolves
// the references and adds AWS's implicit defaults.
#pragma once

#include <string>
#include <string_view>

#include "cloudtwin/core/diagnostic.h"
#include "cloudtwin/model/network.h"

namespace cloudtwin::load {

// Reads a native-format network from `text`; `path` names the file in locations. Appends to
// `network`, so several files merge. Reports every problem to `diagnostics` and returns false if
// any was an error (the network then holds whatever could be read). Never throws on input.
bool read_native_yaml(std::string_view text, const std::string& path, model::Network& network,
                      Diagnostics& diagnostics);

// read_native_yaml() on the contents of the file at `path`; an unreadable file is an error.
bool read_native_yaml_file(const std::string& path, model::Network& network,
                           Diagnostics& diagnostics);

}  // namespace cloudtwin::load
