// The JSON text reader behind parse_json_text / read_json_file: a SAX handler that builds the
// document and refuses what nlohmann's DOM parser would accept silently or crash on later:
// duplicate keys (nlohmann keeps the last), nesting deeper than kMaxJsonDepth (every consumer
// recurses), keys longer than kMaxJsonKeyBytes, and numbers that overflow a double ("1e400").
// Every error names the file and the byte offset (line, column); duplicates and depth also name
// the JSON pointer.
#include <cmath>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/file_read.h"
#include "json/json_node.h"

namespace callsim {
namespace {

using nlohmann::json;

std::string position_text(std::string_view text, size_t byte) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "byte " + std::to_string(byte) + " (line " + std::to_string(line) + ", column " +
         std::to_string(col) + ")";
}

class DocumentBuilder final : public nlohmann::json_sax<json> {
 public:
  json root;
  std::string error_pointer, error_message;  // set when a rule (not the syntax) stopped parsing
  size_t syntax_byte = 0;
  std::string syntax_message;

  bool null() override { return add(json(nullptr)); }
  bool boolean(bool v) override { return add(json(v)); }
  bool number_integer(number_integer_t v) override { return add(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return add(json(v)); }
  bool number_float(number_float_t v, const string_t& s) override {
    if (!std::isfinite(v)) return rule(pointer(), "number " + s + " is out of range");
    return add(json(v));
  }
  bool string(string_t& v) override { return add(json(std::move(v))); }
  bool binary(binary_t&) override { return rule(pointer(), "binary values are not JSON"); }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    if (k.find('\0') != std::string::npos) {  // it cut the message short where it was printed
      std::string shown;
      for (const char c : k.substr(0, 64)) shown += c == '\0' ? std::string("\\u0000") : std::string(1, c);
      return rule(pointer() + "/" + escape_pointer_token(shown), "a key must not contain a NUL character (\\u0000)");
    }
    const std::string at = pointer() + "/" + escape_pointer_token(k.substr(0, 64));
    if (k.size() > kMaxJsonKeyBytes)
      return rule(at, "key longer than " + std::to_string(kMaxJsonKeyBytes) + " bytes");
    if (stack_.back()->contains(k)) return rule(at, "duplicate key '" + k + "'");
    key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& e) override {
    syntax_byte = position > 0 ? position - 1 : 0;  // 1-based: just after the offending character
    // A number out of range is reported at its first character.
    if (e.id == 406 && position >= last_token.size()) syntax_byte = position - last_token.size();
    std::string what = e.what();
    if (const auto pos = what.find("syntax error"); pos != std::string::npos)
      what = what.substr(pos);
    else if (const auto p2 = what.find("] "); p2 != std::string::npos)
      what = what.substr(p2 + 2);
    syntax_message = what;
    return false;
  }

 private:
  std::vector<json*> stack_;
  std::vector<std::string> tokens_;  // pointer token of each open container
  std::string key_;

  std::string pointer() const {
    std::string out;
    for (const auto& t : tokens_) out += "/" + t;
    return out;
  }
  bool rule(std::string at, std::string message) {
    error_pointer = at.empty() ? "/" : std::move(at);
    error_message = std::move(message);
    return false;
  }
  // Places a value in the current container; returns its address and pointer token.
  std::pair<json*, std::string> place(json&& v) {
    if (stack_.empty()) {
      root = std::move(v);
      return {&root, ""};
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return {&parent.back(), std::to_string(parent.size() - 1)};
    }
    json& slot = parent[key_];
    slot = std::move(v);
    return {&slot, escape_pointer_token(key_)};
  }
  bool add(json&& v) {
    place(std::move(v));
    return true;
  }
  bool open(json&& container) {
    if (stack_.size() >= static_cast<size_t>(kMaxJsonDepth))
      return rule(pointer(), "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    auto [p, token] = place(std::move(container));
    stack_.push_back(p);
    if (stack_.size() > 1) tokens_.push_back(std::move(token));
    return true;
  }
  bool close() {
    stack_.pop_back();
    if (!tokens_.empty() && stack_.size() == tokens_.size()) tokens_.pop_back();
    return true;
  }
};

}  // namespace

nlohmann::json parse_json_text(std::string_view text, const std::string& file) {
  if (text.size() > kMaxJsonFileBytes)
    throw InputError(file, "",
                     "JSON document of " + std::to_string(text.size()) + " bytes; the limit is " +
                         std::to_string(kMaxJsonFileBytes) + " bytes");
  // The parser takes a NUL byte for the end of the input: what followed it was ignored. JSON text
  // holds none (in a string it is written \u0000).
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos)
    throw InputError(file, position_text(text, nul), "malformed JSON: a NUL byte (JSON text holds none)");
  DocumentBuilder builder;
  const bool ok = json::sax_parse(text, &builder, json::input_format_t::json, true, false);
  if (ok) return std::move(builder.root);
  if (!builder.error_message.empty()) throw InputError(file, builder.error_pointer, builder.error_message);
  const std::string what = builder.syntax_message.empty() ? "malformed JSON" : builder.syntax_message;
  throw InputError(file, position_text(text, builder.syntax_byte),
                   what.starts_with("syntax error") ? "malformed JSON: " + what : what);
}

nlohmann::json read_json_file(const std::string& path) {
  return parse_json_text(read_regular_file(path, kMaxJsonFileBytes, "JSON file"), path);
}

}  // namespace callsim
