// The `callsim` subcommands. Each add_* declares a subcommand with its options on the app and
// returns the function that runs it. Exit codes: 0 success (expectations hold), 1 an expectation
// or check failed, 2 bad input (InputError, thrown and mapped in main).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace callsim::cli {

using Runner = std::function<int()>;
struct Command {
  CLI::App* sub;
  Runner run;
};

Command add_run(CLI::App& app);
Command add_validate(CLI::App& app);
Command add_version(CLI::App& app);
Command add_level(CLI::App& app);
Command add_score(CLI::App& app);
Command add_netsim(CLI::App& app);
Command add_check(CLI::App& app);
Command add_baseline(CLI::App& app);
Command add_report(CLI::App& app);
Command add_sweep(CLI::App& app);
Command add_merge(CLI::App& app);

}  // namespace callsim::cli
