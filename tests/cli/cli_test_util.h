// Runs the built `callsim` binary for the CLI tests: stdout and stderr captured separately, the
// exit code returned (128 + signal when it died). A scratch folder per test.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "scratch_dir.h"

namespace callsim::clitest {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

CliRun callsim(const std::vector<std::string>& args);

// A fresh folder under the system temp folder, removed on destruction.
using Scratch = testing_util::ScratchDir;

void write_text(const std::filesystem::path& file, const std::string& text);
std::string read_text(const std::filesystem::path& file);

}  // namespace callsim::clitest
