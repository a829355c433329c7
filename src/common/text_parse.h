// Small parsers shared by the readers of line-based text inputs (link trace CSVs and Mahimahi
// schedules, `report --reference` files) and of option values: the content lines of a file with
// their byte offset and line number, and a whole field as a number. Errors in such files name
// `location(line)`, "byte N (line L)", as the other readers name a byte offset.
#pragma once

#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace callsim {

struct ContentLine {
  std::string_view text;  // trimmed: no leading or trailing spaces or tabs, no '\r'
  size_t byte = 0;        // offset of text's first character in the file
  size_t number = 0;      // 1-based line number
};

// The non-blank lines of `text` that do not start with '#', trimmed, with their position. A
// UTF-8 byte-order mark at the start (spreadsheet exports) is skipped, the offsets still count
// it. Stops after `limit` lines: a caller that allows N lines asks for N + 1 and reports "more
// than N" at the last one.
std::vector<ContentLine> content_lines(std::string_view text, size_t limit);

// "byte N (line L)": where a content line is, for InputError's location.
std::string location(const ContentLine& line);

// The whole of `s` as a number with std::from_chars (locale-independent; no leading '+' or
// spaces, no hexadecimal prefix). False for an empty field, trailing characters, or a value out of
// T's range. For floating point, "inf" and "nan" parse: range-check the result.
template <typename T>
bool parse_whole_number(std::string_view s, T& out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF) that starts at s[i]: 1 for ASCII, 2-4 otherwise, 0 when the bytes there are not
// one.
size_t utf8_sequence_length(std::string_view s, size_t i);

// Where `s` first holds a byte that is not part of well-formed UTF-8 or is a control character
// (below 0x20 other than tab, or 0x7F), or npos when there is none: text from outside (a
// control command) that may go into JSON or a log line as it is.
size_t first_unprintable(std::string_view s);

// `s` with each of those bytes written as \xNN (two upper-case hex digits), so raw text from
// outside can be recorded in JSON and read: "\xFF\xFE garbage".
std::string escape_unprintable(std::string_view s);

}  // namespace callsim
