// src/common/text_parse.h: the line walker and number parser the trace and reference readers share.
#include "common/text_parse.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace callsim {
namespace {

TEST(ContentLines, TrimmedWithByteOffsetsAndLineNumbersSkippingBlankAndCommentLines) {
  const std::string text = "# header comment\n\n  a,1 \r\n\t# indented comment\nb,2\r\n   \nc";
  const auto lines = content_lines(text, 100);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "a,1");
  EXPECT_EQ(lines[0].number, 3u);
  EXPECT_EQ(lines[0].byte, 20u);  // 17 + 1 bytes of the first two lines, then two spaces
  EXPECT_EQ(text.substr(lines[0].byte, 3), "a,1");
  EXPECT_EQ(lines[1].text, "b,2");
  EXPECT_EQ(lines[1].number, 5u);
  EXPECT_EQ(text.substr(lines[1].byte, 3), "b,2");
  EXPECT_EQ(lines[2].text, "c");  // the last line needs no newline
  EXPECT_EQ(lines[2].number, 7u);
  EXPECT_EQ(lines[2].byte, text.size() - 1);
  EXPECT_EQ(location(lines[1]), "byte " + std::to_string(lines[1].byte) + " (line 5)");
}

TEST(ContentLines, AByteOrderMarkIsSkippedButCountedAndTheLimitStopsEarly) {
  const auto bom = content_lines("\xEF\xBB\xBFx\ny\n", 100);
  ASSERT_EQ(bom.size(), 2u);
  EXPECT_EQ(bom[0].text, "x");
  EXPECT_EQ(bom[0].byte, 3u);
  EXPECT_EQ(bom[1].byte, 5u);
  // Only at the start: elsewhere it is content.
  EXPECT_EQ(content_lines("x\n\xEF\xBB\xBFy", 100)[1].text, "\xEF\xBB\xBFy");
  EXPECT_EQ(content_lines("1\n2\n3\n4\n", 2).size(), 2u);
  EXPECT_TRUE(content_lines("", 5).empty());
  EXPECT_TRUE(content_lines("\n\n# only a comment\n", 5).empty());
}

TEST(ParseWholeNumber, TheWholeFieldOrNothing) {
  int i = 7;
  EXPECT_TRUE(parse_whole_number("-42", i));
  EXPECT_EQ(i, -42);
  for (const char* bad : {"", " 1", "1 ", "+1", "1x", "0x10", "1.5", "99999999999"}) {
    int v = 0;
    EXPECT_FALSE(parse_whole_number(bad, v)) << bad;
  }
  uint16_t port = 0;
  EXPECT_TRUE(parse_whole_number("65535", port));
  EXPECT_FALSE(parse_whole_number("65536", port));
  EXPECT_FALSE(parse_whole_number("-1", port));
  double d = 0;
  EXPECT_TRUE(parse_whole_number("1e3", d));
  EXPECT_EQ(d, 1000.0);
  EXPECT_TRUE(parse_whole_number("-0.25", d));
  EXPECT_EQ(d, -0.25);
  EXPECT_FALSE(parse_whole_number("1e400", d));  // out of range
  EXPECT_FALSE(parse_whole_number("2,5", d));
  EXPECT_TRUE(parse_whole_number("inf", d));  // as the header says: callers range-check
  EXPECT_EQ(d, std::numeric_limits<double>::infinity());
}

TEST(Utf8, WellFormedTextPassesAndAnythingElseIsFoundAndEscaped) {
  EXPECT_EQ(first_unprintable("loss 5%\tcall 1 \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), std::string_view::npos);
  EXPECT_EQ(first_unprintable("\xFF\xFE"), 0u);
  EXPECT_EQ(first_unprintable("ab\xC0\x80"), 2u);          // overlong NUL
  EXPECT_EQ(first_unprintable("ab\xED\xA0\x80"), 2u);      // a surrogate
  EXPECT_EQ(first_unprintable("ab\xF4\x90\x80\x80"), 2u);  // above U+10FFFF
  EXPECT_EQ(first_unprintable("abc\xE2\x82"), 3u);         // cut short
  EXPECT_EQ(first_unprintable(std::string_view("a\0b", 3)), 1u);
  EXPECT_EQ(first_unprintable("a\x1B[2J"), 1u);
  EXPECT_EQ(first_unprintable("a\x7F"), 1u);
  EXPECT_EQ(escape_unprintable("\xFF\xFE x \xC3\xA9\x01"), "\\xFF\\xFE x \xC3\xA9\\x01");
  EXPECT_EQ(escape_unprintable("clean"), "clean");
}

}  // namespace
}  // namespace callsim
