#include "common/text_parse.h"

namespace callsim {

std::vector<ContentLine> content_lines(std::string_view text, size_t limit) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  std::vector<ContentLine> out;
  size_t start = text.substr(0, kByteOrderMark.size()) == kByteOrderMark ? kByteOrderMark.size() : 0;
  size_t number = 1;
  while (start <= text.size() && out.size() < limit) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    size_t lead = 0;
    while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
    line.remove_prefix(lead);
    if (!line.empty() && line.front() != '#') out.push_back({line, start + lead, number});
    start = end + 1;
    ++number;
  }
  return out;
}

std::string location(const ContentLine& line) {
  return "byte " + std::to_string(line.byte) + " (line " + std::to_string(line.number) + ")";
}

}  // namespace callsim
