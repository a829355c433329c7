// The `callsim` subcommands. Each add_* declares a subcommand with its options on the app and
// returns the function that runs it. Every command that writes a file or folder takes it as
// `-o,--out`. Exit codes (common/error.h): 0 success (expectations hold), 1 an expectation or check
// failed, 2 bad input, an unusable output path or a missing tool (InputError, EnvironmentError:
// thrown and mapped in main), 3 a bug.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
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
Command add_metrics(CLI::App& app);
Command add_relay(CLI::App& app);
Command add_emodel(CLI::App& app);

// "callsim X.Y.Z\nlibopus …, libsndfile-…, libsoxr …": `callsim version` and `callsim --version`.
std::string version_text();
// Puts the exit codes at the end of the help of the app and of every subcommand.
void add_exit_codes_footer(CLI::App& app);

}  // namespace callsim::cli
