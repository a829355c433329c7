// The JSON reader's refusals (json_reader.cc): duplicate keys, nesting depth, overlong keys,
// numbers beyond double range, oversized documents, non-regular files — each an InputError
// naming the file and the JSON pointer or byte offset. And json_text() of non-UTF-8 strings.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.h"
#include "common/file_read.h"
#include "json/json_node.h"
#include "scratch_dir.h"

namespace callsim {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_json_text(text, "t.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(JsonReader, DuplicateKeyIsAnErrorAtItsPointer) {
  EXPECT_EQ(error_of(R"({"name": "a", "name": "b"})"), "t.json: /name: duplicate key 'name'");
  EXPECT_EQ(error_of(R"({"peers": {"a": {"talker": "x", "talker": "y"}}})"),
            "t.json: /peers/a/talker: duplicate key 'talker'");
  EXPECT_EQ(error_of(R"({"l": [{}, {"a~b/c": 1, "a~b/c": 2}]})"),
            "t.json: /l/1/a~0b~1c: duplicate key 'a~b/c'");
  // The same key in different objects is fine.
  EXPECT_EQ(parse_json_text(R"({"a": {"x": 1}, "b": {"x": 2}})", "t.json")["b"]["x"], 2);
}

// A NUL byte ended the input: `{...}\0 garbage` was accepted whole. A key holding \u0000 gave a
// message cut short at the NUL ("k.json: /links/a->b/loss" and nothing else).
TEST(JsonReader, NulBytesAndKeysWithNulAreRefusedInFull) {
  EXPECT_EQ(error_of(std::string("{\"a\": 1}\0{\"garbage\": [[[", 24)),
            "t.json: byte 8 (line 1, column 9): malformed JSON: a NUL byte (JSON text holds none)");
  const std::string e = error_of(R"({"links": {"loss\u0000x": {}}})");
  EXPECT_EQ(e, "t.json: /links/loss\\u0000x: a key must not contain a NUL character (\\u0000)");
  EXPECT_EQ(e.find('\0'), std::string::npos);
}

TEST(JsonReader, NumbersBeyondDoubleRangeNameTheByte) {
  EXPECT_EQ(error_of(R"({"duration_s": 1e400})"),
            "t.json: byte 15 (line 1, column 16): number overflow parsing '1e400'");  // its first digit
  EXPECT_EQ(error_of("[\n -1e999]"), "t.json: byte 3 (line 2, column 2): number overflow parsing '-1e999'");
  // Integers beyond 64 bits become doubles, as nlohmann does; the getters range-check them.
  EXPECT_TRUE(parse_json_text("[99999999999999999999999]", "t.json")[0].is_number_float());
}

TEST(JsonReader, NestingDeeperThan64LevelsIsRefused) {
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_NO_THROW(parse_json_text(ok, "t.json"));
  const std::string deep = "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  const std::string e = error_of(deep);
  EXPECT_NE(e.find("t.json: /a/0/0/0"), std::string::npos) << e.substr(0, 200);
  EXPECT_NE(e.find(": nested deeper than 64 levels"), std::string::npos);
}

TEST(JsonReader, OverlongKeysAndDocumentsAreRefused) {
  EXPECT_EQ(error_of("{\"" + std::string(300, 'k') + "\": 1}"),
            "t.json: /" + std::string(64, 'k') + ": key longer than 256 bytes");
  const std::string big(kMaxJsonFileBytes + 1, ' ');
  EXPECT_EQ(error_of(big), "t.json: JSON document of 16777217 bytes; the limit is 16777216 bytes");
}

TEST(JsonReader, SyntaxErrorsKeepTheirPosition) {
  EXPECT_EQ(error_of("{\"a\": tru}"),
            "t.json: byte 9 (line 1, column 10): malformed JSON: syntax error while parsing value - invalid "
            "literal; last read: '\"a\": tru}'");
}

TEST(JsonReader, ReadsOnlyRegularFiles) {
  try {
    read_json_file("/dev/zero");
    FAIL() << "read /dev/zero";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/dev/zero: JSON file is a character device; only regular files are read");
  }
  const testing_util::ScratchDir scratch("fifo");
  const std::string fifo = (scratch / "json.fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  try {
    read_json_file(fifo);  // must not block waiting for a writer
    FAIL() << "read a FIFO";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), fifo + ": JSON file is a FIFO; only regular files are read");
  }
  try {
    read_json_file(scratch.string());
    FAIL() << "read a folder";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("JSON file is a folder; only regular files are read"),
              std::string::npos);
  }
  EXPECT_THROW(read_json_file("/nonexistent/x.json"), InputError);
}

TEST(JsonReader, JsonTextReplacesInvalidUtf8) {
  const nlohmann::json j = {{"file", std::string("caf\xe9/\xff.json")}};
  EXPECT_THROW((void)j.dump(), nlohmann::json::type_error);
  EXPECT_EQ(json_text(j), "{\"file\":\"caf\xef\xbf\xbd/\xef\xbf\xbd.json\"}");
}

TEST(JsonNode, IntegersOutsideInt64AreRangeErrorsNotUndefinedConversions) {
  const nlohmann::json doc = parse_json_text(R"({"a": 1e30, "b": 18446744073709551615, "c": -5})", "t.json");
  const JsonNode root(doc, "t.json");
  try {
    (void)root.at("a").integer();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "t.json: /a: 1e+30 is too large for an integer setting");
  }
  EXPECT_THROW((void)root.at("b").integer(), InputError);
  EXPECT_EQ(root.at("c").integer(), -5);
}

}  // namespace
}  // namespace callsim
