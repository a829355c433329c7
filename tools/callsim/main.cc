// callsim: parse the command line, run one subcommand, map errors to exit codes.
#include <CLI/CLI.hpp>
#include <iostream>
#include <vector>

#include "commands.h"
#include "common/error.h"

int main(int argc, char** argv) {
  using namespace callsim::cli;
  CLI::App app{"callsim: call-quality simulator and test harness"};
  app.require_subcommand(1);
  const std::vector<Command> commands = {add_run(app), add_validate(app), add_version(app), add_level(app), add_score(app), add_netsim(app), add_sweep(app), add_merge(app), add_check(app), add_baseline(app), add_report(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    for (const auto& c : commands)
      if (c.sub->parsed()) return c.run();
    return 2;
  } catch (const callsim::InputError& e) {
    std::cerr << "callsim: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "callsim: error: " << e.what() << '\n';
    return 3;
  }
}
