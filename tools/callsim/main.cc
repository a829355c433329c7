// callsim: parse the command line, run one subcommand, map errors to exit codes (common/error.h):
// 0 ran and everything held, 1 an expectation or check failed, 2 bad input / unusable output path /
// missing tool, 3 internal error (a bug).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <vector>

#include "commands.h"
#include "common/error.h"

int main(int argc, char** argv) {
  using namespace callsim::cli;
  CLI::App app{"callsim: call-quality simulator and test harness"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text(), "Print the callsim version (and its libraries') and exit");
  const std::vector<Command> commands = {add_run(app), add_validate(app), add_version(app), add_level(app), add_score(app), add_netsim(app), add_sweep(app), add_merge(app), add_check(app), add_baseline(app), add_report(app), add_metrics(app), add_emodel(app), add_relay(app)};
  add_exit_codes_footer(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? callsim::kExitOk : callsim::kExitBadInput;
  }
  try {
    for (const auto& c : commands)
      if (c.sub->parsed()) return c.run();
    return callsim::kExitBug;  // require_subcommand(1) guarantees one parsed
  } catch (...) {
    const std::exception_ptr error = std::current_exception();
    std::cerr << "callsim: " << callsim::describe_error(error) << '\n';
    return callsim::exit_code_of(error);
  }
}
