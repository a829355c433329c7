// `callsim version` and `callsim --version`: the same text, the callsim version first, then the
// libraries whose behaviour can move scores (the codec) or outputs (audio I/O, resampling).
#include <iostream>

#include "audio/audio.h"
#include "codec/opus_codec.h"
#include "commands.h"
#include "common/version.h"

namespace callsim::cli {

std::string version_text() {
  return std::string("callsim ") + kVersion + "\n" + codec::opus_library_version() + ", " +
         audio::audio_library_versions();
}

Command add_version(CLI::App& app) {
  auto* sub = app.add_subcommand("version", "Print the callsim version (and its libraries') and exit");
  return {sub, [] {
            std::cout << version_text() << "\n";
            return 0;
          }};
}

// The exit codes, at the end of `callsim --help` and of every `callsim COMMAND --help`.
void add_exit_codes_footer(CLI::App& app) {
  const std::string footer =
      "Exit codes: 0 ran, every expectation and check held; 1 an expectation, check or regression "
      "failed; 2 bad input, an unusable output path or a missing tool (the message names the file); "
      "3 internal error, a bug in callsim (please report it).";
  app.footer(footer);
  for (CLI::App* sub : app.get_subcommands({})) {
    sub->footer(footer);
    for (CLI::App* subsub : sub->get_subcommands({})) subsub->footer(footer);
  }
}

}  // namespace callsim::cli
