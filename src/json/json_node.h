// A JSON value that knows where it came from (file + JSON pointer), with typed, range-checked
// getters whose errors name that place: `lte.json: /links/alice->bob/loss/p: 1.7 is not in [0, 1]`.
// Every parser of scenario JSON reads through this class, so unknown keys and wrong types are
// always reported the same way (InputError → exit code 2).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callsim {

// An interval for numeric checks; open ends exclude the bound.
struct Range {
  double lo = -1e300, hi = 1e300;
  bool lo_open = false, hi_open = false;
  static Range closed(double lo, double hi) { return {lo, hi, false, false}; }
  static Range at_least(double lo) { return {lo, 1e300, false, false}; }
  static Range positive() { return {0.0, 1e300, true, false}; }
  static Range probability() { return closed(0.0, 1.0); }
  bool contains(double v) const;
  std::string describe() const;  // "[0, 1]", "> 0", ">= 0"
};

class JsonNode {
 public:
  JsonNode(const nlohmann::json& value, std::string file, std::string pointer = "");

  const nlohmann::json& json() const { return *value_; }
  const std::string& file() const { return file_; }
  const std::string& pointer() const { return pointer_; }  // "" for the root
  std::string where() const { return pointer_.empty() ? "/" : pointer_; }

  bool is_object() const { return value_->is_object(); }
  bool is_array() const { return value_->is_array(); }
  bool is_string() const { return value_->is_string(); }
  bool is_number() const { return value_->is_number(); }
  bool has(std::string_view key) const;

  // Object access. at() fails with "missing required key"; find() returns nullopt.
  JsonNode at(std::string_view key) const;
  std::optional<JsonNode> find(std::string_view key) const;
  // Object members in document order (nlohmann sorts keys; order is by key).
  std::vector<std::pair<std::string, JsonNode>> members() const;
  // Array access.
  size_t size() const;
  JsonNode operator[](size_t index) const;
  std::vector<JsonNode> elements() const;

  // Checks that this is an object whose keys are all in `allowed`; an unknown key is an error
  // at its own pointer ("unknown key; expected one of: a, b").
  const JsonNode& expect_keys(std::initializer_list<std::string_view> allowed) const;
  const JsonNode& expect_keys(const std::vector<std::string>& allowed) const;

  // Typed getters; fail with the expected type or range.
  double number(Range range = {}) const;
  int64_t integer(Range range = {}) const;
  uint64_t unsigned_integer() const;
  bool boolean() const;
  std::string string() const;
  // A string that must be one of `choices`.
  std::string choice(std::initializer_list<std::string_view> choices) const;

  // Optional members with defaults.
  double number_or(std::string_view key, double fallback, Range range = {}) const;
  int64_t integer_or(std::string_view key, int64_t fallback, Range range = {}) const;
  bool boolean_or(std::string_view key, bool fallback) const;
  std::string string_or(std::string_view key, std::string fallback) const;
  std::string choice_or(std::string_view key, std::string fallback,
                        std::initializer_list<std::string_view> choices) const;

  [[noreturn]] void fail(const std::string& message) const;

 private:
  std::string type_name() const;
  const nlohmann::json* value_;
  std::string file_;
  std::string pointer_;
};

// Serializes for an output file: like dump(indent), but bytes that are not UTF-8 (a path from a
// non-UTF-8 file system) become U+FFFD instead of an exception, so the output is always valid JSON.
std::string json_text(const nlohmann::json& value, int indent = -1);

// JSON pointer token escaping (RFC 6901): '~' → "~0", '/' → "~1".
std::string escape_pointer_token(std::string_view token);

// Limits of the JSON reader (README.md, "Limits"): documents up to kMaxJsonFileBytes
// (common/file_read.h), nesting up to kMaxJsonDepth levels, keys up to kMaxJsonKeyBytes.
constexpr int kMaxJsonDepth = 64;
constexpr size_t kMaxJsonKeyBytes = 256;

// Parses JSON text (json_reader.cc). Syntax errors and numbers out of double range name the byte
// offset and line:column; a duplicate key, too deep nesting or an overlong key name the JSON
// pointer. Throws InputError.
nlohmann::json parse_json_text(std::string_view text, const std::string& file);
// Reads and parses a JSON file: a regular file of at most kMaxJsonFileBytes (InputError otherwise).
nlohmann::json read_json_file(const std::string& path);

}  // namespace callsim
