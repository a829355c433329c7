#include "json/json_node.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "common/error.h"

namespace callsim {
namespace {

std::string format_number(double v) {
  std::ostringstream os;
  os.precision(12);
  os << v;
  return os.str();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// "1.7 is not in [0, 1]", "-3 is not > 0".
std::string out_of_range(const nlohmann::json& v, const Range& range);

}  // namespace

bool Range::contains(double v) const {
  if (lo_open ? !(v > lo) : !(v >= lo)) return false;
  if (hi_open ? !(v < hi) : !(v <= hi)) return false;
  return true;
}

namespace {
std::string out_of_range(const nlohmann::json& v, const Range& range) {
  // A range without an upper (lower) bound still stops at +1e300 (-1e300), so that sums and
  // products of inputs stay finite: name that bound when it is the one broken ("1e+308 is not
  // >= 0" would be false).
  if (v.is_number()) {
    const double x = v.get<double>();
    if (x > 1e300 && range.hi >= 1e299) return v.dump() + " is above 1e300, the largest number accepted";
    if (x < -1e300 && range.lo <= -1e299) return v.dump() + " is below -1e300, the smallest number accepted";
  }
  const std::string d = range.describe();
  return v.dump() + " is not " + (d.front() == '[' || d.front() == '(' ? "in " : "") + d;
}
}  // namespace

std::string Range::describe() const {
  const bool has_lo = lo > -1e299, has_hi = hi < 1e299;
  if (has_lo && has_hi)
    return std::string(lo_open ? "(" : "[") + format_number(lo) + ", " + format_number(hi) +
           (hi_open ? ")" : "]");
  if (has_lo) return std::string(lo_open ? "> " : ">= ") + format_number(lo);
  if (has_hi) return std::string(hi_open ? "< " : "<= ") + format_number(hi);
  return "any number";
}

std::string json_text(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

JsonNode::JsonNode(const nlohmann::json& value, std::string file, std::string pointer)
    : value_(&value), file_(std::move(file)), pointer_(std::move(pointer)) {}

void JsonNode::fail(const std::string& message) const { throw InputError(file_, where(), message); }

std::string JsonNode::type_name() const {
  if (value_->is_number_integer() || value_->is_number_unsigned()) return "an integer";
  if (value_->is_number()) return "a number";
  if (value_->is_string()) return "a string";
  if (value_->is_boolean()) return "a boolean";
  if (value_->is_object()) return "an object";
  if (value_->is_array()) return "an array";
  return "null";
}

bool JsonNode::has(std::string_view key) const { return value_->is_object() && value_->contains(key); }

std::optional<JsonNode> JsonNode::find(std::string_view key) const {
  if (!value_->is_object()) fail("expected an object, got " + type_name());
  auto it = value_->find(key);
  if (it == value_->end()) return std::nullopt;
  return JsonNode(*it, file_, pointer_ + "/" + escape_pointer_token(key));
}

JsonNode JsonNode::at(std::string_view key) const {
  auto node = find(key);
  if (!node) fail("missing required key '" + std::string(key) + "'");
  return *node;
}

std::vector<std::pair<std::string, JsonNode>> JsonNode::members() const {
  if (!value_->is_object()) fail("expected an object, got " + type_name());
  std::vector<std::pair<std::string, JsonNode>> out;
  for (auto it = value_->begin(); it != value_->end(); ++it)
    out.emplace_back(it.key(), JsonNode(it.value(), file_, pointer_ + "/" + escape_pointer_token(it.key())));
  return out;
}

size_t JsonNode::size() const {
  if (!value_->is_array()) fail("expected an array, got " + type_name());
  return value_->size();
}

JsonNode JsonNode::operator[](size_t index) const {
  if (!value_->is_array()) fail("expected an array, got " + type_name());
  return JsonNode((*value_)[index], file_, pointer_ + "/" + std::to_string(index));
}

std::vector<JsonNode> JsonNode::elements() const {
  std::vector<JsonNode> out;
  for (size_t i = 0; i < size(); ++i) out.push_back((*this)[i]);
  return out;
}

const JsonNode& JsonNode::expect_keys(const std::vector<std::string>& allowed) const {
  if (!value_->is_object()) fail("expected an object, got " + type_name());
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == it.key();
    if (!ok)
      throw InputError(file_, pointer_ + "/" + escape_pointer_token(it.key()),
                       "unknown key '" + it.key() + "'; expected one of: " + join(allowed));
  }
  return *this;
}

const JsonNode& JsonNode::expect_keys(std::initializer_list<std::string_view> allowed) const {
  return expect_keys(std::vector<std::string>(allowed.begin(), allowed.end()));
}

double JsonNode::number(Range range) const {
  if (!value_->is_number()) fail("expected a number, got " + type_name());
  const double v = value_->get<double>();
  if (!std::isfinite(v) || !range.contains(v)) fail(out_of_range(*value_, range));
  return v;
}

int64_t JsonNode::integer(Range range) const {
  if (!value_->is_number_integer() && !value_->is_number_unsigned()) {
    if (value_->is_number()) {
      const double d = value_->get<double>();
      if (std::floor(d) != d) fail(value_->dump() + " is not an integer");
    } else {
      fail("expected an integer, got " + type_name());
    }
  }
  const double v = value_->get<double>();
  if (!range.contains(v)) fail(out_of_range(*value_, range));
  // Beyond ±2^63 a conversion would be undefined (or wrap, for a large unsigned).
  constexpr double kLimit = 9223372036854775807.0;
  if (!(v > -kLimit && v < kLimit) ||
      (value_->is_number_unsigned() && value_->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)))
    fail(value_->dump() + " is too large for an integer setting");
  return value_->is_number_float() ? static_cast<int64_t>(v) : value_->get<int64_t>();
}

uint64_t JsonNode::unsigned_integer() const {
  if (value_->is_number_unsigned()) return value_->get<uint64_t>();
  // Documents built in code store small integers as signed; only a negative one is out of range.
  if (value_->is_number_integer()) {
    if (value_->get<int64_t>() >= 0) return static_cast<uint64_t>(value_->get<int64_t>());
    fail(value_->dump() + " is not >= 0");
  }
  fail("expected a non-negative integer, got " + type_name());
}

bool JsonNode::boolean() const {
  if (!value_->is_boolean()) fail("expected a boolean, got " + type_name());
  return value_->get<bool>();
}

std::string JsonNode::string() const {
  if (!value_->is_string()) fail("expected a string, got " + type_name());
  std::string s = value_->get<std::string>();
  // A file name, a talker or a profile would end at it in C APIs and in messages.
  if (s.find('\0') != std::string::npos) fail("a string must not contain a NUL character (\\u0000)");
  return s;
}

std::string JsonNode::choice(std::initializer_list<std::string_view> choices) const {
  const std::string s = string();
  std::vector<std::string> names;
  for (auto c : choices) {
    if (c == s) return s;
    names.emplace_back(c);
  }
  fail("'" + s + "' is not one of: " + join(names));
}

double JsonNode::number_or(std::string_view key, double fallback, Range range) const {
  auto n = find(key);
  return n ? n->number(range) : fallback;
}

int64_t JsonNode::integer_or(std::string_view key, int64_t fallback, Range range) const {
  auto n = find(key);
  return n ? n->integer(range) : fallback;
}

bool JsonNode::boolean_or(std::string_view key, bool fallback) const {
  auto n = find(key);
  return n ? n->boolean() : fallback;
}

std::string JsonNode::string_or(std::string_view key, std::string fallback) const {
  auto n = find(key);
  return n ? n->string() : fallback;
}

std::string JsonNode::choice_or(std::string_view key, std::string fallback,
                                std::initializer_list<std::string_view> choices) const {
  auto n = find(key);
  return n ? n->choice(choices) : fallback;
}

}  // namespace callsim
