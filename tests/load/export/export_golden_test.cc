// The export of examples/hybrid.yaml, checked in as hybrid.golden.yaml: what the writer's output
// looks like (flow style for short items, names for references, nothing AWS adds). After an
// intended change, regenerate it with
//   cloudtwin export examples/hybrid.yaml -o tests/load/export/hybrid.golden.yaml
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../read_helpers.h"
#include "cloudtwin/load/load.h"
#include "cloudtwin/load/native_yaml_writer.h"

namespace cloudtwin::load::testing {
namespace {

TEST(ExportGolden, HybridExampleMatchesTheGoldenFile) {
  const std::string source = CLOUDTWIN_SOURCE_DIR;
  model::Network n;
  Diagnostics d;
  ASSERT_TRUE(load_network({source + "/examples/hybrid.yaml"}, n, d)) << dump(d);
  std::ifstream in(source + "/tests/load/export/hybrid.golden.yaml", std::ios::binary);
  ASSERT_TRUE(in) << "missing tests/load/export/hybrid.golden.yaml";
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(write_native_yaml(n), golden.str());
}

}  // namespace
}  // namespace cloudtwin::load::testing
