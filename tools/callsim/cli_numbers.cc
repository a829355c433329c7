#include "cli_numbers.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
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

CLI::Validator OutputPath() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s.empty()) return "an empty path";
        namespace fs = std::filesystem;
        const fs::path given(s);
        if (std::none_of(given.begin(), given.end(), [](const fs::path& part) { return part == ".."; })) return "";
        // "ghost/../victim" with no folder ghost: the kernel finds no such path, so the check of
        // what is there found nothing, and the writer (which normalises) replaced victim/. One
        // reading for both: the path as it reads, unless a link makes the kernel go elsewhere.
        fs::path normal = given.lexically_normal();
        if (normal.filename().empty() && normal.has_parent_path()) normal = normal.parent_path();  // "x/" -> "x"
        if (normal.empty()) normal = ".";
        const auto resolved = [](const fs::path& p, std::error_code& ec) {
          fs::path r = fs::weakly_canonical(fs::absolute(p), ec).lexically_normal();
          if (r.filename().empty() && r.has_parent_path() && r != r.root_path()) r = r.parent_path();  // "x/" -> "x"
          return r;
        };
        std::error_code e1, e2;
        const fs::path physical = resolved(given, e1), logical = resolved(normal, e2);
        if (!e1 && !e2 && physical != logical)
          return "'" + s + "' reads as '" + normal.string() + "' but leads through a link to '" + physical.string() +
                 "': give the folder without '..'";
        s = normal.string();
        return "";
      },
      "PATH");
}

}  // namespace callsim::cli
