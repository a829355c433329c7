#include <iostream>

#include "commands.h"
#include "common/version.h"

namespace callsim::cli {

Command add_version(CLI::App& app) {
  auto* sub = app.add_subcommand("version", "Print the callsim version");
  return {sub, [] {
            std::cout << "callsim " << kVersion << "\n";
            return 0;
          }};
}

}  // namespace callsim::cli
