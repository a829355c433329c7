// Expected failures and the exit codes they map to.
//   InputError        bad user input (a bad scenario, an unreadable audio file, a garbage packet).
//                     It names the file and the place in it: a JSON pointer ("/links/0/loss/p") or
//                     a byte offset ("byte 44").
//   EnvironmentError  neither bad input nor a bug: an output path that cannot be written (a file
//                     where a folder should be, read-only, disk full) or a program the command
//                     needs (gnuplot) missing or failing. The message names the path or program.
// Both are exit code 2. Anything else that escapes a command is a bug in callsim: exit code 3.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace callsim {

// The exit codes of every `callsim` command (documented in `callsim --help` and the README).
enum ExitCode : int {
  kExitOk = 0,        // ran; every expectation and check held
  kExitFailed = 1,    // an expectation, a check or a regression failed
  kExitBadInput = 2,  // bad input, an unusable output path, a missing tool
  kExitBug = 3,       // internal error: a bug in callsim
};

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string location, std::string message);

  const std::string& file() const { return file_; }
  const std::string& location() const { return location_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_, location_, message_;
};

class EnvironmentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The EnvironmentError of an output path that cannot be written (a file where a folder should be,
// read-only, disk full), with the path and the system's reason apart: "<path>: <reason>".
class OutputError : public EnvironmentError {
 public:
  OutputError(std::string path, std::string reason)
      : EnvironmentError(path + ": " + reason), path_(std::move(path)), reason_(std::move(reason)) {}
  const std::string& path() const { return path_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string path_, reason_;
};

// "file: location: message", skipping empty parts.
std::string format_input_error(const std::string& file, const std::string& location,
                               const std::string& message);

// How a caught exception ends a command: kExitBadInput for InputError, EnvironmentError,
// std::filesystem::filesystem_error (an I/O failure at a named path) and std::bad_alloc (the
// input needs more memory than the machine has); kExitBug for everything else.
ExitCode exit_code_of(const std::exception_ptr& error);

// The one-line message for a caught exception, as the CLI prints it after "callsim: ": the
// exception's text; for a bug, prefixed "internal error (a bug in callsim, please report it): ".
std::string describe_error(const std::exception_ptr& error);

}  // namespace callsim
