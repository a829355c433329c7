// The stated limits (README.md, "Limits of the inputs"): each row's error, through the binary.
#include <gtest/gtest.h>

#include "hardening_util.h"

namespace callsim::hardening {
namespace {

class Limits : public ::testing::Test {
 protected:
  Scratch dir{"limits"};
  std::string scenario(const std::string& name, const nlohmann::json& doc) {
    write_text(dir / name, doc.dump());
    return dir / name;
  }
  void expect_validate_error(const std::string& file, const std::string& message) {
    const CliResult r = run_cli({"validate", file});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find(message), std::string::npos) << "expected: " << message << "\n" << describe(r);
  }
};

TEST_F(Limits, JsonDocuments) {
  write_text(dir.path() / "big.json", "{\"name\": \"" + std::string(20 << 20, 'x') + "\"}");
  expect_validate_error(dir / "big.json", "big.json: JSON file is 20 MiB; the limit is 16 MiB");
  write_text(dir.path() / "deep.json",
             "{\"links\": {\"a->b\": " + std::string(70, '[') + std::string(70, ']') + "}}");
  expect_validate_error(dir / "deep.json", "deep.json: /links/a->b/0/0/0/0");
  expect_validate_error(dir / "deep.json", ": nested deeper than 64 levels");
  write_text(dir.path() / "key.json", "{\"" + std::string(300, 'k') + "\": 1}");
  expect_validate_error(dir / "key.json",
                        "key.json: /" + std::string(64, 'k') + ": key longer than 256 bytes");
}

TEST_F(Limits, NamesExpectationsAndLength) {
  auto doc = small_scenario();
  doc["peers"] = {{std::string(49, 'p'), {{"talker", "en_male"}}}, {"bob", nlohmann::json::object()}};
  expect_validate_error(scenario("peer.json", doc),
                        "peer.json: /peers/" + std::string(49, 'p') +
                            ": a peer name must be 1 to 48 letters, digits, '_', '-' (it names folders)");
  doc = small_scenario();
  doc["expect"] = {{"all", {"mos_lqo_nb >= 3" + std::string(200, ' ')}}};
  expect_validate_error(scenario("expect.json", doc),
                        "expect.json: /expect/all/0: an expectation is at most 200 characters");
  doc = small_scenario();
  doc["duration_s"] = 9000;
  expect_validate_error(scenario("long.json", doc), "long.json: /duration_s: 9000 is not in [1, 7200]");
  doc["duration_s"] = 0.5;  // the schema said more than 0, the parser "at least 1 s": one range now
  expect_validate_error(scenario("short.json", doc), "short.json: /duration_s: 0.5 is not in [1, 7200]");
}

TEST_F(Limits, MahimahiTraces) {
  write_text(dir.path() / "far.mahi", "0\n99999999999\n");
  auto doc = small_scenario();
  doc["links"]["alice->bob"] = {{"rate", {{"trace", "far.mahi"}}}};
  expect_validate_error(
      scenario("m.json", doc),
      "m.json: /links/alice->bob/rate/trace: Mahimahi trace 'far.mahi': " + dir / "far.mahi" +
          ": byte 2 (line 2): expected a millisecond timestamp (integer, 0 to 86400000)");
}

TEST_F(Limits, TooManyTracePacketsStopReadingAtTheLimit) {
  std::string text = "index,delay_ms\n";
  text.reserve(40000000);
  for (int i = 0; i <= 4000000; ++i) text += std::to_string(i) + ",5\n";
  write_text(dir.path() / "many.csv", text);
  auto doc = small_scenario();
  doc["links"]["alice->bob"] = {{"trace", {{"file", "many.csv"}}}};
  expect_validate_error(scenario("t.json", doc), "(line 4000002): more than 4000000 packets");
}

}  // namespace
}  // namespace callsim::hardening
