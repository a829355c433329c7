#include "harness/report/reference_points.h"

#include <cstdio>
#include <cmath>
#include <limits>
#include <set>
#include <string_view>
#include <tuple>

#include "common/error.h"
#include "common/file_read.h"
#include "common/text_parse.h"

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

[[noreturn]] void fail(const std::string& path, const ContentLine& line, const std::string& message) {
  throw InputError(path, location(line), message);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::vector<std::string> split(const ContentLine& line, const std::string& path) {
  if (line.text.find('"') != std::string_view::npos)
    fail(path, line, "quotes are not supported: fields are plain text without commas or quotes");
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t comma = line.text.find(',', start);
    out.emplace_back(
        trim(line.text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

double number(const std::string& field, const std::string& column, double lo, double hi, const std::string& path,
              const ContentLine& line) {
  double v = 0;
  if (!parse_whole_number(field, v) || !std::isfinite(v))
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
  // One more than the points allowed (and the header) so that a file with too many is refused.
  for (const ContentLine& line : content_lines(text, kMaxReferencePoints + 2)) {
    std::vector<std::string> fields = split(line, path);
    if (header.empty()) {
      std::set<std::string> names;
      for (const auto& f : fields) {
        if (f.empty()) fail(path, line, "the header has an empty column name");
        if (!names.insert(f).second) fail(path, line, "column \"" + f + "\" appears twice in the header");
      }
      for (const char* required : {kLabel, kWb, kMean})
        if (!names.count(required))
          fail(path, line,
               std::string("the header lacks the column \"") + required +
                   "\" (needed: label, mos_lqo_wb, mouth_to_ear_mean_ms)");
      header = std::move(fields);
      continue;
    }
    if (fields.size() != header.size())
      fail(path, line,
           "expected " + std::to_string(header.size()) + " fields as in the header, got " +
               std::to_string(fields.size()));
    if (out.size() == kMaxReferencePoints)
      fail(path, line, "more than " + std::to_string(kMaxReferencePoints) + " points");
    ReferencePoint p;
    p.file = path;
    p.line = line.number;
    p.p95_ms = std::numeric_limits<double>::quiet_NaN();
    for (size_t i = 0; i < header.size(); ++i) {
      const std::string& column = header[i];
      const std::string& field = fields[i];
      if (column == kLabel) {
        if (field.empty()) fail(path, line, "label: empty");
        p.label = field;
      } else if (column == kWb) {
        p.wb = number(field, column, 1.0, 5.0, path, line);
      } else if (column == kMean) {
        p.mean_ms = number(field, column, 0.0, kMaxDelayMs, path, line);
      } else if (column == kP95) {
        if (!field.empty()) p.p95_ms = number(field, column, 0.0, kMaxDelayMs, path, line);
      } else if (column == kDirection) {
        if (!field.empty() && field != "alice->bob" && field != "bob->alice")
          fail(path, line, "direction: expected alice->bob, bob->alice or empty, got \"" + field + "\"");
        p.direction = field;
      } else {
        if (field.empty()) fail(path, line, column + ": empty (a sweep parameter's value)");
        p.params[column] = field;
      }
    }
    if (!seen.insert({p.params, p.direction, p.label}).second)
      fail(path, line, "a second point \"" + p.label + "\" for the same parameters");
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
