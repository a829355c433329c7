// Suite arguments: files, folders, globs; id order and uniqueness.
#include <gtest/gtest.h>

#include "common/error.h"
#include "harness/sweep/suite.h"
#include "sweep_test_util.h"

namespace callsim::harness {
namespace {

using nlohmann::json;
using testutil::TempDir;

std::vector<std::string> ids(const std::vector<Job>& jobs) {
  std::vector<std::string> out;
  for (const auto& j : jobs) out.push_back(j.id);
  return out;
}

TEST(NaturalOrder, DigitRunsCompareAsNumbers) {
  EXPECT_TRUE(natural_less("s2", "s10"));
  EXPECT_FALSE(natural_less("s10", "s2"));
  EXPECT_TRUE(natural_less("a/s9/x", "a/s10"));
  EXPECT_TRUE(natural_less("a", "a0"));
  EXPECT_TRUE(natural_less("1", "01"));  // equal value: fewer leading zeros first (a total order)
  EXPECT_FALSE(natural_less("01", "1"));
  EXPECT_FALSE(natural_less("same", "same"));
  EXPECT_TRUE(natural_less("B", "a"));  // otherwise byte order
}

TEST(SuiteExpand, FolderTakesScenariosBelowItAndSkipsTheRest) {
  TempDir dir;
  testutil::write_json(dir / "suite" / "b.json", testutil::short_call("beta"));
  testutil::write_json(dir / "suite" / "sub" / "a.json", testutil::short_call("alpha"));
  testutil::write_json(dir / "suite" / "profiles" / "p.json", testutil::short_call("in_profiles"));
  testutil::write_json(dir / "suite" / "schema" / "s.json", testutil::short_call("in_schema"));
  testutil::write_json(dir / "suite" / "notes.json", json{{"hello", "world"}});
  testutil::write_json(dir / "suite" / "m.json",
                       json{{"matrix", "m"}, {"base", "b.json"}, {"axes", {{"seed", {1}}}}});
  testutil::write_text(dir / "suite" / "readme.txt", "not json");
  const std::vector<Job> jobs = expand_suites({(dir / "suite").string()});
  EXPECT_EQ(ids(jobs), (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(jobs[0].file, (dir / "suite" / "sub" / "a.json").string());
}

TEST(SuiteExpand, GlobsMatrixFilesAndDuplicates) {
  TempDir dir;
  testutil::write_json(dir / "x1.json", testutil::short_call("x1"));
  testutil::write_json(dir / "x2.json", testutil::short_call("x2"));
  testutil::write_json(dir / "m.json",
                       json{{"matrix", "m"}, {"base", "x1.json"}, {"axes", {{"seed", {3, 1}}}}});
  EXPECT_EQ(ids(expand_suites({(dir / "x*.json").string()})), (std::vector<std::string>{"x1", "x2"}));
  // The same file twice is one job; the matrix adds its own.
  EXPECT_EQ(
      ids(expand_suites({(dir / "m.json").string(), (dir / "x2.json").string(), (dir / "x2.json").string()})),
      (std::vector<std::string>{"m/s1", "m/s3", "x2"}));
  // Another file with the same scenario name is an error.
  testutil::write_json(dir / "other" / "x1.json", testutil::short_call("x1"));
  try {
    expand_suites({dir.path().string() + "/x1.json", (dir / "other" / "x1.json").string()});
    FAIL() << "duplicate id accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("job id 'x1'"), std::string::npos) << e.what();
  }
}

TEST(SuiteExpand, BadArgumentsAreInputErrors) {
  TempDir dir;
  EXPECT_THROW(expand_suites({(dir / "missing.json").string()}), InputError);
  EXPECT_THROW(expand_suites({(dir / "nothing*.json").string()}), InputError);
  std::filesystem::create_directories(dir / "empty" / "profiles");
  testutil::write_json(dir / "empty" / "profiles" / "p.json", testutil::short_call("hidden"));
  EXPECT_THROW(expand_suites({(dir / "empty").string()}), InputError);  // no scenario below it
  testutil::write_json(dir / "notes.json", json{{"hello", "world"}});
  EXPECT_THROW(expand_suites({(dir / "notes.json").string()}), InputError);  // named, but not a scenario
  json bad = testutil::short_call("bad");
  bad["links"]["alice->bob"]["loss"]["p"] = 1.5;
  testutil::write_json(dir / "bad.json", bad);
  try {
    expand_suites({(dir / "bad.json").string()});
    FAIL() << "invalid scenario accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), (dir / "bad.json").string());
    EXPECT_EQ(e.location(), "/links/alice->bob/loss/p");
  }
}

TEST(SuiteExpand, AnIdThatIsAFolderOfAnotherIsRejected) {
  TempDir dir;
  testutil::write_json(dir / "m.json", testutil::short_call("m"));
  testutil::write_json(dir / "mx.json", json{{"matrix", "m"}, {"base", "m.json"}, {"axes", {{"seed", {1}}}}});
  EXPECT_THROW(expand_suites({(dir / "m.json").string(), (dir / "mx.json").string()}), InputError);
}

}  // namespace
}  // namespace callsim::harness
