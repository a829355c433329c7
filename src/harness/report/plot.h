// Plots for the HTML report come from gnuplot: the report writes a gnuplot script and its data
// files into a folder, then runs gnuplot there as a child process (fork/exec with arguments, no
// shell), so every plot can be re-made by hand with `cd <folder> && gnuplot <script>`.
// SVG output of gnuplot is deterministic for the same script and data.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"

namespace callsim::harness {

// Thrown when gnuplot cannot be started or fails; the message says what to do. Exit code 2.
class PlotError : public EnvironmentError {
 public:
  using EnvironmentError::EnvironmentError;
};

// Runs `gnuplot <script file name>` with `dir` as working directory (`script` lives in `dir`),
// stdin from /dev/null. Returns what gnuplot printed (warnings) when it exits 0; throws PlotError
// naming the script and gnuplot's output otherwise, or when the program cannot be executed.
std::string run_gnuplot(const std::string& program, const std::filesystem::path& dir,
                        const std::string& script);

// Builds a gnuplot script that writes several SVG files.
class PlotScript {
 public:
  PlotScript();
  // Starts a new SVG output of the given size in pixels.
  void output(const std::string& svg_file, int width_px, int height_px);
  // Appends a raw command line.
  void line(const std::string& command);
  // Resets titles, ranges, keys and axes to the defaults between plots.
  void reset();
  const std::string& text() const { return text_; }
  int outputs() const { return static_cast<int>(files_.size()); }
  const std::vector<std::string>& files() const { return files_; }  // the SVGs it writes, in order

 private:
  std::string text_;
  std::vector<std::string> files_;
};

// `v` with `decimals` places for a data file or a range, or "nan" when it is not finite (the
// missing-data marker every report script sets: gnuplot leaves the point out).
std::string format_fixed(double v, int decimals);

// A string as a gnuplot string literal ("..." with escapes), for titles and file names.
std::string gp_quote(const std::string& text);

}  // namespace callsim::harness
