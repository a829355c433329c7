// score_windows on calls longer than P.862's 8-12 s.
#include <gtest/gtest.h>

#include <cmath>

#include "pesq_test_util.h"
#include "quality/pesq.h"

namespace callsim::quality {
namespace {

using namespace test;

constexpr int kRate = 8000;

audio::Signal long_call() {
  return concat({talker("en_female", kRate), talker("de_male", kRate), talker("en_male", kRate),
                 talker("de_female", kRate)});
}

TEST(PesqWindows, CleanDelayedCallScoresHighInEveryWindow) {
  const audio::Signal ref = long_call();  // about 41 s
  const PesqTimeline t = score_windows(ref, delayed(ref, 1200), PesqMode::kNarrowband);
  ASSERT_GE(t.windows.size(), 3u);
  EXPECT_EQ(t.scored_windows, static_cast<int>(t.windows.size()));
  EXPECT_EQ(t.windows.front().start_s, 0.0);
  EXPECT_NEAR(t.windows.back().end_s, ref.duration_seconds(), 1e-9);
  for (size_t i = 0; i < t.windows.size(); ++i) {
    const PesqWindow& w = t.windows[i];
    if (i > 0) {
      EXPECT_EQ(w.start_s, t.windows[i - 1].end_s) << "windows tile the call";
    }
    EXPECT_GE(w.end_s - w.start_s, 5.0);
    EXPECT_LE(w.end_s - w.start_s, 15.0);
    EXPECT_GT(w.speech_fraction, 0.5);
    EXPECT_GT(w.mos_lqo, 4.4) << i;  // 150 ms of delay is not a degradation
  }
  EXPECT_GT(t.mos_lqo, 4.4);
  EXPECT_GT(t.speech_s, 25.0);
}

TEST(PesqWindows, WindowsWithoutReferenceSpeechAreReportedNotScored) {
  const audio::Signal a = talker("en_female", kRate), b = talker("en_male", kRate);
  const audio::Signal ref = concat({a, silence(kRate, 15.0), b});
  const audio::Signal deg = with_noise(delayed(ref, 400), 20.0, 5);
  const PesqTimeline t = score_windows(ref, deg, PesqMode::kNarrowband);
  int unscored = 0;
  double weighted = 0, speech = 0;
  for (const PesqWindow& w : t.windows) {
    if (!w.scored) {
      ++unscored;
      EXPECT_LT(w.speech_fraction, 0.1);
      EXPECT_NE(w.note.find("speech"), std::string::npos) << w.note;
      continue;
    }
    const double s = w.speech_fraction * (w.end_s - w.start_s);
    weighted += s * w.mos_lqo;
    speech += s;
  }
  EXPECT_EQ(unscored, 1);
  // The overall figure is the speech-weighted mean of the scored windows.
  EXPECT_NEAR(t.mos_lqo, weighted / speech, 1e-6);
  EXPECT_NEAR(t.speech_s, speech, 0.02);
}

TEST(PesqWindows, ALocalDegradationShowsInItsWindowOnly) {
  const audio::Signal ref = long_call();
  audio::Signal deg = ref;
  const audio::Signal noisy = with_noise(ref, 0.0, 8);
  const size_t from = static_cast<size_t>(21.0 * kRate), to = static_cast<size_t>(29.0 * kRate);
  for (size_t i = from; i < to; ++i) deg.samples[i] = noisy.samples[i];
  const PesqTimeline t = score_windows(ref, deg, PesqMode::kNarrowband);
  for (const PesqWindow& w : t.windows) {
    const bool hit = w.start_s < 29.0 && w.end_s > 21.0;
    if (hit) {
      EXPECT_LT(w.mos_lqo, 2.5) << w.start_s;
    } else {
      EXPECT_GT(w.mos_lqo, 4.4) << w.start_s;
    }
  }
}

TEST(PesqWindows, DelayChangingBetweenWindowsIsFollowed) {
  // 100 ms of delay in the first half of the call, 450 ms in the second.
  const audio::Signal first = concat({talker("en_female", kRate), talker("de_male", kRate)});
  const audio::Signal second = concat({talker("en_male", kRate), talker("de_female", kRate)});
  const audio::Signal ref = concat({first, second});
  const audio::Signal deg = concat({delayed(first, 800), silence(kRate, 0.35), second});
  const PesqTimeline t = score_windows(ref, deg, PesqMode::kNarrowband);
  for (const PesqWindow& w : t.windows) EXPECT_GT(w.mos_lqo, 4.2) << w.start_s;
}

}  // namespace
}  // namespace callsim::quality
