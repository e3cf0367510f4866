// Exports checked in as golden files: what the writer's output looks like (flow style for short
// items, names for references, nothing AWS adds). After an intended change, regenerate them with
//   cloudtwin export examples/hybrid.yaml -o tests/load/export/hybrid.golden.yaml
//   cd tests/load/export
//   cloudtwin export networks/load_balancing.yaml -o load_balancing.golden.yaml
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../read_helpers.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml_writer.h"

namespace cloudtwin::load::testing {
namespace {

// Loads `input` (relative to the source tree), exports it and compares with `golden`.
void expect_golden(const std::string& input, const std::string& golden_path) {
  const std::string source = CLOUDTWIN_SOURCE_DIR;
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({source + "/" + input}, n, d)) << dump(d);
  std::ifstream in(source + "/" + golden_path, std::ios::binary);
  ASSERT_TRUE(in) << "missing " << golden_path;
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(write_native_yaml(n), golden.str());
}

TEST(ExportGolden, HybridExampleMatchesTheGoldenFile) {
  expect_golden("examples/hybrid.yaml", "tests/load/export/hybrid.golden.yaml");
}

// Load balancers with their listeners and rules inline, target groups, launch templates and Auto
// Scaling groups; no node interfaces, representative instances or their registrations.
TEST(ExportGolden, LoadBalancingMatchesTheGoldenFile) {
  expect_golden("tests/load/export/networks/load_balancing.yaml",
                "tests/load/export/load_balancing.golden.yaml");
}

}  // namespace
}  // namespace cloudtwin::load::testing
