// Runs the built `callsim` binary for the CLI tests: stdout and stderr captured separately, the
// exit code returned (128 + signal when it died). A scratch folder per test.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace callsim::clitest {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

CliRun callsim(const std::vector<std::string>& args);

// A fresh folder under the system temp folder, removed on destruction.
class Scratch {
 public:
  explicit Scratch(const std::string& tag);
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void write_text(const std::filesystem::path& file, const std::string& text);
std::string read_text(const std::filesystem::path& file);

}  // namespace callsim::clitest
