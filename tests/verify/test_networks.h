// Networks for the verify tests: one of examples/, or a native YAML document. A network that
// does not load fails the test with the reader's first diagnostic.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml.h"

namespace cloudtwin::verify::testing {

inline model::Network example_network(const std::string& name) {
  model::Network n;
  Diagnostics d;
  EXPECT_TRUE(load::load_network({std::string(CLOUDTWIN_SOURCE_DIR) + "/examples/" + name}, n, d))
      << (d.items().empty() ? "" : d.items().front().str());
  return n;
}

inline model::Network yaml_network(const std::string& yaml) {
  model::Network n;
  Diagnostics d;
  EXPECT_TRUE(load::read_native_yaml(yaml, "test.yaml", n, d) && model::finalize(n, d))
      << (d.items().empty() ? "" : d.items().front().str());
  return n;
}

}  // namespace cloudtwin::verify::testing
