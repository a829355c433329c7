// `callsim merge DIR... -o OUT`: join shard (or disjoint sweep) folders into one sweep folder.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_numbers.h"
#include "commands.h"
#include "harness/sweep/merge.h"

namespace callsim::cli {
namespace {

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string out;
  bool quiet = false;
};

}  // namespace

Command add_merge(CLI::App& app) {
  auto* sub = app.add_subcommand("merge", "Join sweep shard folders into what one unsharded sweep writes");
  auto a = std::make_shared<MergeArgs>();
  sub->add_option("folders", a->inputs, "Sweep folders (each with results.jsonl)")->required();
  sub->add_option("-o,--out", a->out, "Output folder")->required()->transform(OutputPath());
  sub->add_flag("-q,--quiet", a->quiet, "Print nothing but errors");
  return {sub, [a] {
            std::vector<std::filesystem::path> dirs(a->inputs.begin(), a->inputs.end());
            const harness::MergeReport r = harness::merge_sweeps(dirs, a->out);
            if (!a->quiet)
              std::cerr << "merge: " << r.calls << " calls from " << dirs.size() << " folders: " << r.passed
                        << " passed, " << r.failed << " failed, " << r.errors
                        << " errors\nresults: " << a->out << "/results.jsonl\n";
            return r.exit_code();
          }};
}

}  // namespace callsim::cli
