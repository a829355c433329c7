#include "cli_numbers.h"

#include <cmath>
#include <sstream>
#include <string>

#include "common/text_parse.h"

namespace callsim::cli {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string text(double v) {
  std::ostringstream os;
  os.precision(12);
  os << v;
  return os.str();
}

}  // namespace

CLI::Validator Integer(int64_t lo, int64_t hi) {
  const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  return CLI::Validator(
      [lo, hi, range](std::string& s) -> std::string {
        const bool negative = !s.empty() && s[0] == '-';
        int64_t v = 0;
        if (!all_digits(std::string_view(s).substr(negative ? 1 : 0)) || !parse_whole_number(s, v) || v < lo || v > hi)
          return "'" + s + "' is not an integer in " + range;
        s = std::to_string(v);  // CLI11 would read "010" as octal
        return "";
      },
      "INT in " + range);
}

CLI::Validator Unsigned(uint64_t lo, uint64_t hi) {
  const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  return CLI::Validator(
      [lo, hi, range](std::string& s) -> std::string {
        uint64_t v = 0;
        if (!all_digits(s) || !parse_whole_number(s, v) || v < lo || v > hi)
          return "'" + s + "' is not an integer in " + range;
        s = std::to_string(v);  // CLI11 would read "010" as octal
        return "";
      },
      "UINT in " + range);
}

CLI::Validator Number(double lo, double hi, bool lo_open) {
  const std::string range = (lo_open ? "(" : "[") + text(lo) + ", " + text(hi) + "]";
  return CLI::Validator(
      [lo, hi, lo_open, range](std::string& s) -> std::string {
        double v = 0;
        const bool parsed =
            parse_whole_number(s, v) && s.find_first_not_of("0123456789.eE+-") == std::string::npos;
        if (!parsed || !std::isfinite(v) || (lo_open ? !(v > lo) : !(v >= lo)) || !(v <= hi))
          return "'" + s + "' is not a number in " + range;
        return "";
      },
      "NUMBER in " + range);
}

CLI::Validator NonEmptyPath() {
  return CLI::Validator([](std::string& s) -> std::string { return s.empty() ? "an empty path" : ""; }, "PATH");
}

}  // namespace callsim::cli
