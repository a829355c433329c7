// ScratchDir: the one scratch folder of the tests and benchmarks. A fresh folder made by mkdtemp
// under the system temp folder ("callsim-<tag>-XXXXXX", unique across processes and threads),
// removed with everything in it when its scope ends (a test that fails an ASSERT leaves no folder
// behind either). The test utilities' own names for it (checkutil::ScratchDir, clitest::Scratch,
// hardening::Scratch, harness::testutil::TempDir) are aliases of this class.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace callsim::testing_util {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag = "test") {
    std::string pattern = (std::filesystem::temp_directory_path() / ("callsim-" + tag + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  std::string string() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace callsim::testing_util
