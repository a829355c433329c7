// The built-in talkers: embedded, decodable, and of the documented length, level and pausing.
#include "audio/talkers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "audio/level.h"
#include "common/embedded.h"
#include "common/error.h"

namespace callsim::audio {
namespace {

const std::vector<std::string> kExpected = {"de_female", "de_male", "en_female", "en_male"};

TEST(TalkersTest, NamesListTheFourTalkers) { EXPECT_EQ(builtin_talker_names(), kExpected); }

class TalkerTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TalkerTest, HasTheDocumentedLengthLevelAndPauses) {
  const Signal s = load_builtin_talker(GetParam());
  EXPECT_EQ(s.sample_rate_hz, 48000);
  EXPECT_GE(s.duration_seconds(), 8.0);
  EXPECT_LE(s.duration_seconds(), 12.0);
  const SpeechLevel level = measure_speech_level(s);
  // Normalised to -26 dBov by tools/make_talkers.sh; 16-bit rounding moves it by < 0.01 dB.
  EXPECT_NEAR(level.active_level_dbov, -26.0, 0.5);
  EXPECT_GE(level.activity, 0.5);
  EXPECT_LE(level.activity, 0.9);
  EXPECT_LT(level.peak, 1.0);
  size_t pauses = 0;
  for (const SampleRange& r : quiet_runs(s.samples, s.sample_rate_hz, level.threshold_dbov))
    if (static_cast<double>(r.end - r.begin) >= 0.3 * s.sample_rate_hz) ++pauses;
  EXPECT_GE(pauses, 2u) << "sentences must be separated by pauses of at least 300 ms";
}

TEST_P(TalkerTest, EmbeddedBytesMatchTheRepositoryFile) {
  const std::string rel = "assets/talkers/" + GetParam() + ".flac";
  std::ifstream in(std::string(CALLSIM_SOURCE_DIR) + "/" + rel, std::ios::binary);
  ASSERT_TRUE(in) << rel;
  const std::string on_disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto embedded = find_embedded(rel);
  ASSERT_TRUE(embedded.has_value());
  EXPECT_TRUE(*embedded == on_disk) << "rebuild: the binary embeds a stale " << rel;
}

INSTANTIATE_TEST_SUITE_P(Builtin, TalkerTest, ::testing::ValuesIn(kExpected));

TEST(TalkersTest, TalkersAreDistinct) {
  std::vector<Signal> all;
  for (const std::string& n : kExpected) all.push_back(load_builtin_talker(n));
  for (size_t i = 0; i < all.size(); ++i)
    for (size_t j = i + 1; j < all.size(); ++j) EXPECT_NE(all[i].samples, all[j].samples);
}

TEST(TalkersTest, UnknownNameListsTheValidNames) {
  try {
    load_builtin_talker("klingon_male");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("klingon_male"), std::string::npos);
    for (const std::string& n : kExpected) EXPECT_NE(what.find(n), std::string::npos) << what;
  }
  EXPECT_THROW(load_builtin_talker("../talkers/en_male"), InputError);
  EXPECT_THROW(load_builtin_talker(""), InputError);
}

TEST(TalkersTest, GarbageBytesAreAnInputError) {
  const std::string garbage = "fLaC this is not really a flac stream";
  EXPECT_THROW(decode_audio_bytes(garbage, "garbage.flac"), InputError);
  EXPECT_THROW(decode_audio_bytes(std::span<const char>(), "empty"), InputError);
}

}  // namespace
}  // namespace callsim::audio
