// Awkward inputs: every case ends in a finite score or an InputError naming the input at fault,
// never a crash, NaN or hang.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "pesq_test_util.h"
#include "quality/pesq.h"

namespace callsim::quality {
namespace {

using namespace test;

const PesqInputNames kNames{"ref.wav", "deg.wav"};

// Runs pesq and returns the InputError's file ("" when it scored); a score must be finite and in
// the P.862 range.
std::string outcome(const audio::Signal& ref, const audio::Signal& deg, PesqMode mode,
                    double* raw = nullptr) {
  try {
    const PesqResult r = pesq(ref, deg, mode, kNames);
    EXPECT_TRUE(std::isfinite(r.raw) && std::isfinite(r.mos_lqo));
    EXPECT_GE(r.raw, 4.5 - 0.1 * 45 - 0.0309 * 45 - 1e-9);  // frame disturbances are capped at 45
    EXPECT_LE(r.raw, 4.5 + 1e-9);
    EXPECT_GE(r.mos_lqo, 0.999);
    EXPECT_LE(r.mos_lqo, 4.999);
    if (raw) *raw = r.raw;
    return "";
  } catch (const InputError& e) {
    EXPECT_FALSE(e.message().empty());
    return e.file();
  }
}

TEST(PesqRobustness, SilentReferenceIsAnInputError) {
  const audio::Signal deg = talker("en_female", 8000);
  const audio::Signal ref = silence(8000, deg.duration_seconds());
  try {
    (void)pesq(ref, deg, PesqMode::kNarrowband, kNames);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "ref.wav");
    EXPECT_NE(e.message().find("silent"), std::string::npos) << e.message();
  }
}

TEST(PesqRobustness, SilentDegradedScoresAsTotalLoss) {
  // The reference implementation divides by zero here; we score the silence as it is. P.862 counts
  // missing signal only in the symmetric disturbance (the asymmetric one is for added signal), so
  // total loss scores low but not at the bottom of the scale (measured: raw 2.35 nb, 1.06 wb).
  for (PesqMode mode : {PesqMode::kNarrowband, PesqMode::kWideband}) {
    const audio::Signal ref = talker("en_male", 16000);
    const PesqResult r = pesq(ref, silence(16000, ref.duration_seconds()), mode);
    EXPECT_TRUE(std::isfinite(r.raw));
    EXPECT_LT(r.raw, 2.5);
    EXPECT_LT(r.mos_lqo, 2.0);
    EXPECT_GT(r.symmetric_disturbance, 15.0);
    EXPECT_EQ(r.asymmetric_disturbance, 0.0);
  }
}

TEST(PesqRobustness, TooShortInputsAreInputErrors) {
  const audio::Signal ref = talker("de_female", 8000);
  audio::Signal tiny = ref;
  tiny.samples.resize(1000);  // 125 ms
  EXPECT_EQ(outcome(tiny, ref, PesqMode::kNarrowband), "ref.wav");
  EXPECT_EQ(outcome(ref, tiny, PesqMode::kNarrowband), "deg.wav");
  EXPECT_EQ(outcome(audio::Signal{8000, {}}, ref, PesqMode::kNarrowband), "ref.wav");
}

TEST(PesqRobustness, ShortSpeechScoresOrNamesTheProblem) {
  // 0.3 .. 1.0 s cuts of speech (P.862 needs 0.25 s and a 200 ms utterance).
  const audio::Signal full = talker("en_female", 16000);
  for (double seconds : {0.3, 0.45, 0.7, 1.0}) {
    audio::Signal cut = full;
    cut.samples.erase(cut.samples.begin(), cut.samples.begin() + 8000);  // skip the leading silence
    cut.samples.resize(static_cast<size_t>(seconds * 16000));
    for (PesqMode mode : {PesqMode::kNarrowband, PesqMode::kWideband}) {
      const std::string who = outcome(cut, with_noise(delayed(cut, 40), 20, 1), mode);
      EXPECT_TRUE(who.empty() || who == "ref.wav" || who == "deg.wav") << seconds;
    }
  }
}

TEST(PesqRobustness, ReferenceWithoutSpeechIsAnInputError) {
  // A 100 ms beep in silence: no utterance of 200 ms.
  audio::Signal ref = silence(8000, 3.0);
  for (int i = 8000; i < 8800; ++i) ref.samples[i] = static_cast<float>(0.3 * std::sin(0.8 * i));
  EXPECT_EQ(outcome(ref, with_noise(ref, 30, 2), PesqMode::kNarrowband), "ref.wav");
}

TEST(PesqRobustness, ClippingLowersTheScore) {
  const audio::Signal ref = talker("en_male", 8000);
  double clean = 0, hard = 0;
  EXPECT_EQ(outcome(ref, ref, PesqMode::kNarrowband, &clean), "");
  EXPECT_EQ(outcome(ref, clipped(ref, 30.0, 0.99), PesqMode::kNarrowband, &hard), "");
  EXPECT_LT(hard, clean - 0.5);
}

TEST(PesqRobustness, DcOffsetIsFilteredOut) {
  for (PesqMode mode : {PesqMode::kNarrowband, PesqMode::kWideband}) {
    const audio::Signal ref = talker("de_male", 16000);
    audio::Signal deg = ref;
    for (float& v : deg.samples) v += 0.25f;
    double raw = 0;
    EXPECT_EQ(outcome(ref, deg, mode, &raw), "");
    EXPECT_GT(raw, 4.3);  // the input filters remove DC
  }
}

TEST(PesqRobustness, VeryDifferentLengths) {
  const audio::Signal ref = talker("en_female", 8000);
  double silent_tail = 0, short_tail = 0, long_tail = 0, raw = 0;
  // Degraded with 20 s of trailing silence: frames after the reference's speech are not scored.
  EXPECT_EQ(outcome(ref, concat({ref, silence(8000, 20.0)}), PesqMode::kNarrowband, &silent_tail), "");
  EXPECT_GT(silent_tail, 4.4);
  // Trailing noise is skipped too, but P.862 trims at most half the longer file, so 20 s of noise
  // after a 10 s reference is partly scored.
  EXPECT_EQ(outcome(ref, concat({ref, noise_only(8000, 5.0, 0.01, 4)}), PesqMode::kNarrowband, &short_tail),
            "");
  EXPECT_GT(short_tail, 4.4);
  EXPECT_EQ(outcome(ref, concat({ref, noise_only(8000, 20.0, 0.01, 4)}), PesqMode::kNarrowband, &long_tail),
            "");
  EXPECT_LT(long_tail, short_tail - 0.5);
  audio::Signal half = ref;
  half.samples.resize(half.samples.size() / 2);
  EXPECT_EQ(outcome(ref, half, PesqMode::kNarrowband, &raw), "");
  EXPECT_LT(raw, 3.5);  // half the speech is missing
  EXPECT_EQ(outcome(half, ref, PesqMode::kNarrowband, &raw), "");
}

TEST(PesqRobustness, PureNoiseDegradedScoresLow) {
  // Speech replaced by white noise, at any level (the level alignment removes it). Measured: raw
  // 1.60 / MOS-LQO 1.37 narrowband, raw 0.51 / MOS-LQO 1.17 wideband.
  const audio::Signal ref8 = talker("de_female", 8000), ref16 = talker("de_female", 16000);
  double quiet = 0, loud = 0, wide = 0;
  EXPECT_EQ(outcome(ref8, noise_only(8000, ref8.duration_seconds(), 0.005, 9), PesqMode::kNarrowband, &quiet),
            "");
  EXPECT_EQ(outcome(ref8, noise_only(8000, ref8.duration_seconds(), 0.3, 9), PesqMode::kNarrowband, &loud),
            "");
  EXPECT_LT(quiet, 2.0);
  EXPECT_NEAR(quiet, loud, 1e-6);
  EXPECT_LT(mos_lqo_from_raw(quiet, PesqMode::kNarrowband), 1.5);
  EXPECT_EQ(outcome(ref16, noise_only(16000, ref16.duration_seconds(), 0.05, 9), PesqMode::kWideband, &wide),
            "");
  EXPECT_LT(mos_lqo_from_raw(wide, PesqMode::kWideband), 1.5);
}

TEST(PesqRobustness, RateProblemsAreInputErrors) {
  const audio::Signal a = talker("en_male", 16000);
  EXPECT_EQ(outcome(talker("en_male", 44100), talker("en_male", 44100), PesqMode::kNarrowband), "ref.wav");
  EXPECT_EQ(outcome(a, talker("en_male", 8000), PesqMode::kNarrowband), "deg.wav");
  EXPECT_EQ(outcome(talker("en_male", 8000), talker("en_male", 8000), PesqMode::kWideband), "ref.wav");
}

}  // namespace
}  // namespace callsim::quality
