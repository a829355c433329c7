// Expected failures caused by user input (a bad scenario, an unreadable audio file, a garbage
// packet). They name the file and the place in it: a JSON pointer ("/links/0/loss/p") or a byte
// offset ("byte 44"). The CLI turns them into a one-line message and exit code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace callsim {

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string location, std::string message);

  const std::string& file() const { return file_; }
  const std::string& location() const { return location_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_, location_, message_;
};

// "file: location: message", skipping empty parts.
std::string format_input_error(const std::string& file, const std::string& location,
                               const std::string& message);

}  // namespace callsim
