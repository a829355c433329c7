// `callsim validate FILE…`: checks scenario files against the JSON Schema and the semantic
// rules; prints "FILE: ok" or the first error (file + JSON pointer), exit 2 if any is bad.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "common/error.h"
#include "scenario/scenario.h"

namespace callsim::cli {

Command add_validate(CLI::App& app) {
  auto* sub = app.add_subcommand("validate", "Check scenario files against the schema and semantic rules");
  auto files = std::make_shared<std::vector<std::string>>();
  sub->add_option("files", *files, "Scenario files")->required();
  return {sub, [files] {
    int rc = 0;
    for (const auto& f : *files) {
      try {
        const scenario::Scenario s = scenario::load_scenario(f);
        for (const auto& note : scenario::input_notes(s)) std::cerr << "note: " << note << '\n';
        std::cout << f << ": ok (" << s.name << ", " << s.directions.size() << " direction"
                  << (s.directions.size() == 1 ? "" : "s") << ", " << s.duration.to_seconds() << " s)\n";
      } catch (const InputError& e) {
        std::cerr << e.what() << '\n';
        rc = 2;
      }
    }
    return rc;
  }};
}

}  // namespace callsim::cli
