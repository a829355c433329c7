#include "common/error.h"

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

}  // namespace callsim
