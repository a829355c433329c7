// `callsim validate FILE…`: checks what `callsim run` and `callsim sweep` would read, without
// running it. A scenario file is checked against the JSON Schema and the semantic rules (with the
// files it names: talkers, traces, profiles); a matrix file, a folder or a glob is expanded exactly as
// `callsim sweep` expands it, every call's scenario checked the same way. Prints "FILE: ok (...)"
// or the first error (file + JSON pointer or byte offset); exit 2 if any is bad.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "common/error.h"
#include "harness/sweep/suite.h"
#include "json/json_node.h"
#include "scenario/scenario.h"

namespace callsim::cli {
namespace {

// A folder, a glob that names no file, or a JSON document with a "matrix" key: what `callsim
// sweep` expands into calls.
bool is_sweep_input(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return true;
  if (path.find_first_of("*?[") != std::string::npos && !std::filesystem::exists(path, ec)) return true;
  const nlohmann::json doc = read_json_file(path);
  return doc.is_object() && doc.contains("matrix");
}

void validate_one(const std::string& f) {
  if (is_sweep_input(f)) {
    const std::vector<harness::Job> jobs = harness::expand_suites({f});
    std::cout << f << ": ok (" << jobs.size() << " call" << (jobs.size() == 1 ? "" : "s")
              << ", each scenario valid, as `callsim sweep` expands it)\n";
    return;
  }
  const scenario::Scenario s = scenario::load_scenario(f);
  for (const auto& note : scenario::input_notes(s)) std::cerr << "note: " << note << '\n';
  std::cout << f << ": ok (" << s.name << ", " << s.directions.size() << " direction"
            << (s.directions.size() == 1 ? "" : "s") << ", " << s.duration.to_seconds() << " s)\n";
}

}  // namespace

Command add_validate(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "validate", "Check scenario files, matrix files and suite folders as run and sweep would read them");
  auto files = std::make_shared<std::vector<std::string>>();
  sub->add_option("files", *files, "Scenario files, matrix files or folders of scenarios")->required();
  return {sub, [files] {
    int rc = 0;
    for (const auto& f : *files) {
      try {
        validate_one(f);
      } catch (const InputError& e) {
        std::cerr << e.what() << '\n';
        rc = 2;
      }
    }
    return rc;
  }};
}

}  // namespace callsim::cli
