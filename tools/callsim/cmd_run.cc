#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "call/call_output.h"
#include "call/call_runner.h"
#include "cli_numbers.h"
#include "commands.h"
#include "scenario/scenario.h"

namespace callsim::cli {
namespace {

struct RunArgs {
  std::string scenario;
  std::string out;
  std::optional<uint64_t> seed;
  bool no_score = false, no_audio = false, quiet = false;
};

}  // namespace

Command add_run(CLI::App& app) {
  auto* sub = app.add_subcommand("run", "Run one call: the embedded default scenario, or SCENARIO");
  auto a = std::make_shared<RunArgs>();
  sub->add_option("scenario", a->scenario, "Scenario JSON file (default: the embedded default scenario)");
  sub->add_option("-o,--out", a->out, "Output folder (default: callsim-out/<scenario name>)")->transform(OutputPath());
  sub->add_option("--seed", a->seed, "Override the scenario's seed")->transform(Unsigned());
  sub->add_flag("--no-score", a->no_score, "Skip P.862 scoring (E-model and statistics only)");
  sub->add_flag("--no-audio", a->no_audio, "Do not write WAV and pcap files");
  sub->add_flag("-q,--quiet", a->quiet, "Print nothing but errors");
  return {sub, [a] {
    scenario::Scenario s = a->scenario.empty() ? scenario::default_scenario() : scenario::load_scenario(a->scenario);
    if (a->seed) scenario::reseed(s, *a->seed);
    if (!a->quiet)
      for (const auto& note : scenario::input_notes(s)) std::cerr << "callsim: note: " << note << '\n';
    call::RunOptions options;
    options.score = !a->no_score;
    const call::CallResult result = call::run_call(s, options);
    const std::string out = a->out.empty() ? "callsim-out/" + s.name : a->out;
    call::OutputOptions output;
    output.audio = output.pcap = !a->no_audio;
    call::write_call_outputs(result, out, output);
    if (!a->quiet) std::cout << call::summarize(result) << "results: " << out << "/result.json\n";
    return result.passed ? 0 : 1;
  }};
}

}  // namespace callsim::cli
