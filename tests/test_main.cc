// The main of every GoogleTest binary: each test process gets a temporary folder of its own
// (TEST_TMPDIR for ::testing::TempDir(), TMPDIR for std::filesystem::temp_directory_path()),
// because ctest runs the tests of one binary as parallel processes and fixed file names under
// a shared /tmp would collide. The folder is removed at exit.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

int main(int argc, char** argv) {
  std::string base = std::filesystem::temp_directory_path().string() + "/cloudtwin-test.XXXXXX";
  const char* dir = mkdtemp(base.data());
  if (dir != nullptr) {
    setenv("TEST_TMPDIR", dir, 1);
    setenv("TMPDIR", dir, 1);
  }
  ::testing::InitGoogleTest(&argc, argv);
  int status = RUN_ALL_TESTS();
  if (dir != nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return status;
}
