#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"

namespace callsim::cli {

Command add_validate(CLI::App& app) {
  auto* sub = app.add_subcommand("validate", "Check scenario files against the schema and semantic rules");
  auto files = std::make_shared<std::vector<std::string>>();
  sub->add_option("files", *files, "Scenario files")->required();
  return {sub, [files] {
    std::cerr << "validate: not built yet\n";
    return 2;
  }};
}

}  // namespace callsim::cli
