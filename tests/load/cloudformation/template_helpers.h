// Helpers shared by the CloudFormation reader tests: read one template (as `stack.yaml`) into a
// finalized network, and print its diagnostics.
#pragma once

#include <string>

#include "cloudtwin/load/cloudformation.h"

namespace cloudtwin::load::testing {

struct Loaded {
  model::Network network;
  Diagnostics diagnostics;
  bool ok = false;
};

inline Loaded load(const std::string& text, LoadOptions options = {}) {
  Loaded l;
  l.ok = read_cloudformation(text, "stack.yaml", options, l.network, l.diagnostics) &&
         model::finalize(l.network, l.diagnostics);
  return l;
}

inline std::string dump(const Diagnostics& d) {
  std::string s;
  for (const auto& i : d.items()) s += "  " + i.str() + "\n";
  return s;
}

}  // namespace cloudtwin::load::testing
