#include "harness/report/reference_points.h"

#include <charconv>
#include <cstdio>
#include <cmath>
#include <limits>
#include <set>
#include <string_view>
#include <tuple>

#include "common/error.h"
#include "common/file_read.h"

namespace callsim::harness {
namespace {

constexpr uint64_t kMaxReferenceFileBytes = 1ull << 20;
constexpr size_t kMaxReferencePoints = 10000;
constexpr double kMaxDelayMs = 60000.0;

const char* const kLabel = "label";
const char* const kWb = "mos_lqo_wb";
const char* const kMean = "mouth_to_ear_mean_ms";
const char* const kP95 = "mouth_to_ear_p95_ms";
const char* const kDirection = "direction";

[[noreturn]] void fail(const std::string& path, size_t line, const std::string& message) {
  throw InputError(path, "line " + std::to_string(line), message);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::vector<std::string> split(std::string_view line, const std::string& path, size_t number) {
  if (line.find('"') != std::string_view::npos)
    fail(path, number, "quotes are not supported: fields are plain text without commas or quotes");
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    out.emplace_back(trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

double number(const std::string& field, const std::string& column, double lo, double hi, const std::string& path,
              size_t line) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  if (field.empty() || ec != std::errc() || ptr != field.data() + field.size() || !std::isfinite(v))
    fail(path, line, column + ": expected a number, got \"" + field + "\"");
  if (v < lo || v > hi) {
    char range[64];
    std::snprintf(range, sizeof range, "%g to %g", lo, hi);
    fail(path, line, column + ": " + field + " is out of range (" + range + ")");
  }
  return v;
}

}  // namespace

std::vector<ReferencePoint> parse_reference_points(const std::string& text, const std::string& path) {
  std::vector<std::string> header;
  std::vector<ReferencePoint> out;
  std::set<std::tuple<std::map<std::string, std::string>, std::string, std::string>> seen;
  size_t number_of_line = 0, start = 0;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) start = 3;  // a UTF-8 byte-order mark (spreadsheet exports)
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line = trim(std::string_view(text).substr(start, end - start));
    start = end + 1;
    ++number_of_line;
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> fields = split(line, path, number_of_line);
    if (header.empty()) {
      std::set<std::string> names;
      for (const auto& f : fields) {
        if (f.empty()) fail(path, number_of_line, "the header has an empty column name");
        if (!names.insert(f).second) fail(path, number_of_line, "column \"" + f + "\" appears twice in the header");
      }
      for (const char* required : {kLabel, kWb, kMean})
        if (!names.count(required))
          fail(path, number_of_line,
               std::string("the header lacks the column \"") + required +
                   "\" (needed: label, mos_lqo_wb, mouth_to_ear_mean_ms)");
      header = std::move(fields);
      continue;
    }
    if (fields.size() != header.size())
      fail(path, number_of_line,
           "expected " + std::to_string(header.size()) + " fields as in the header, got " +
               std::to_string(fields.size()));
    if (out.size() == kMaxReferencePoints)
      fail(path, number_of_line, "more than " + std::to_string(kMaxReferencePoints) + " points");
    ReferencePoint p;
    p.file = path;
    p.line = number_of_line;
    p.p95_ms = std::numeric_limits<double>::quiet_NaN();
    for (size_t i = 0; i < header.size(); ++i) {
      const std::string& column = header[i];
      const std::string& field = fields[i];
      if (column == kLabel) {
        if (field.empty()) fail(path, number_of_line, "label: empty");
        p.label = field;
      } else if (column == kWb) {
        p.wb = number(field, column, 1.0, 5.0, path, number_of_line);
      } else if (column == kMean) {
        p.mean_ms = number(field, column, 0.0, kMaxDelayMs, path, number_of_line);
      } else if (column == kP95) {
        if (!field.empty()) p.p95_ms = number(field, column, 0.0, kMaxDelayMs, path, number_of_line);
      } else if (column == kDirection) {
        if (!field.empty() && field != "alice->bob" && field != "bob->alice")
          fail(path, number_of_line, "direction: expected alice->bob, bob->alice or empty, got \"" + field + "\"");
        p.direction = field;
      } else {
        if (field.empty()) fail(path, number_of_line, column + ": empty (a sweep parameter's value)");
        p.params[column] = field;
      }
    }
    if (!seen.insert({p.params, p.direction, p.label}).second)
      fail(path, number_of_line, "a second point \"" + p.label + "\" for the same parameters");
    out.push_back(std::move(p));
  }
  if (header.empty()) throw InputError(path, "", "empty: expected a header line and reference points");
  if (out.empty()) throw InputError(path, "", "a header but no reference points");
  return out;
}

std::vector<ReferencePoint> read_reference_points(const std::filesystem::path& file) {
  return parse_reference_points(read_regular_file(file.string(), kMaxReferenceFileBytes, "reference file"),
                                file.string());
}

}  // namespace callsim::harness
