#include "common/error.h"

#include <filesystem>
#include <new>

namespace callsim {

std::string format_input_error(const std::string& file, const std::string& location,
                               const std::string& message) {
  std::string out;
  if (!file.empty()) out += file + ": ";
  if (!location.empty()) out += location + ": ";
  return out + message;
}

InputError::InputError(std::string file, std::string location, std::string message)
    : std::runtime_error(format_input_error(file, location, message)),
      file_(std::move(file)),
      location_(std::move(location)),
      message_(std::move(message)) {}

ExitCode exit_code_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const InputError&) {
    return kExitBadInput;
  } catch (const EnvironmentError&) {
    return kExitBadInput;
  } catch (const std::filesystem::filesystem_error&) {
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    return kExitBadInput;
  } catch (...) {
    return kExitBug;
  }
}

std::string describe_error(const std::exception_ptr& error) {
  std::string text;
  try {
    std::rethrow_exception(error);
  } catch (const std::bad_alloc&) {
    text = "out of memory (the input needs more memory than this machine has)";
  } catch (const std::exception& e) {
    text = e.what();
  } catch (...) {
    text = "unknown exception";
  }
  if (exit_code_of(error) == kExitBug) text = "internal error (a bug in callsim, please report it): " + text;
  return text;
}

}  // namespace callsim
