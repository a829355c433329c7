// Delay does not leak into the score. With the delay hints the simulator gives (the exact
// per-frame delay) or the ones the delay search finds, a constant delay of 0.2, 0.8, 2 or 5 s
// scores within 0.01 of the same pair with the delay removed, and a 500 ms mid-call delay spike
// (500 ms of silence inserted in one pause, taken out in a later one) scores within 0.01 of the
// re-timed audio (the same degraded signal without the spike) when the simulator's delay track
// splits the windows at the jumps.
#include <gtest/gtest.h>

#include <cmath>

#include "../quality/pesq_test_util.h"
#include "scoring/scorer.h"

namespace callsim::scoring {
namespace {

using namespace quality::test;
constexpr int kRate = 8000;

// About 44 s of speech with 1 s pauses between four talkers.
audio::Signal call_speech() {
  return concat({talker("en_female", kRate), silence(kRate, 1.0), talker("de_male", kRate), silence(kRate, 1.0),
                 talker("en_male", kRate), silence(kRate, 1.0), talker("de_female", kRate)});
}

// Scores `windows` with hints from the delay track `delay(t)` (ms at reference time t, sampled
// every 10 ms as the simulator's frames give it): split at jumps, then each window's range, no
// margin (as `run` does with the simulator's exact delays).
template <typename Delay>
ScoreReport score_hinted(const audio::Signal& ref, const audio::Signal& deg, const std::vector<WindowSpec>& windows,
                         Delay delay, double margin_s = 0.0) {
  std::vector<DelaySample> track;
  for (double t = 0; t < ref.duration_seconds(); t += 0.01) track.push_back({t, delay(t)});
  ScoreOptions o;
  o.windowing = Windowing::kExplicit;
  o.windows = with_delay_track(windows, track, ref.duration_seconds());
  o.margin_s = margin_s;
  auto r = memory_stream(ref, "ref"), d = memory_stream(deg, "deg");
  return score_pair(*r, *d, o);
}

ScoreReport score_searched(const audio::Signal& ref, const audio::Signal& deg) {
  ScoreOptions o;
  o.windowing = Windowing::kAutomatic;
  auto r = memory_stream(ref, "ref"), d = memory_stream(deg, "deg");
  return score_pair(*r, *d, o);
}

std::vector<WindowSpec> windows_of(const audio::Signal& ref) {
  auto r = memory_stream(ref, "ref");
  return automatic_windows(frame_levels(*r), 10.0);
}

void expect_close(const ScoreReport& a, const ScoreReport& b, const std::string& what) {
  ASSERT_TRUE(a.complete) << what;
  ASSERT_TRUE(b.complete) << what;
  ASSERT_EQ(a.windows.size(), b.windows.size()) << what;
  for (size_t i = 0; i < a.windows.size(); ++i)
    EXPECT_NEAR(a.windows[i].mos_lqo, b.windows[i].mos_lqo, 0.01) << what << ", window " << i;
  EXPECT_NEAR(a.mos_lqo, b.mos_lqo, 0.01) << what;
  EXPECT_NEAR(a.mos_lqo_min_window, b.mos_lqo_min_window, 0.01) << what;
}

TEST(Delay, ConstantDelaysScoreAsThePairWithoutDelay) {
  const audio::Signal ref = call_speech();
  const audio::Signal deg0 = with_noise(ref, 35.0, 21);  // the pair with no delay
  const std::vector<WindowSpec> windows = windows_of(ref);
  const ScoreReport base = score_hinted(ref, deg0, windows, [](double) { return 0.0; });
  const ScoreReport base_searched = score_searched(ref, deg0);
  EXPECT_GT(base.mos_lqo, 3.0);
  for (double delay_s : {0.2, 0.8, 2.0, 5.0}) {
    const audio::Signal deg = delayed(deg0, static_cast<int>(std::lround(delay_s * kRate)));
    const double ms = 1000.0 * delay_s;
    expect_close(score_hinted(ref, deg, windows, [ms](double) { return ms; }), base,
                 "simulator hints, delay " + std::to_string(delay_s));
    const ScoreReport searched = score_searched(ref, deg);
    expect_close(searched, base_searched, "searched delay, delay " + std::to_string(delay_s));
    for (const WindowScore& w : searched.windows) EXPECT_NEAR(w.delay->min_ms, ms, 10.0) << delay_s;
  }
}

TEST(Delay, MidCallSpikeScoresAsTheRetimedAudio) {
  const audio::Signal ref = call_speech();
  // The re-timed audio: degraded, 40 ms behind the reference all along.
  const audio::Signal retimed = delayed(with_noise(ref, 35.0, 22), 320);
  // The spike: 500 ms more delay from the middle of the first pause to the middle of the third
  // (the audio itself intact, as a jitter buffer that stretched silence would play it).
  const double first_pause = talker("en_female", kRate).duration_seconds() + 0.5;
  const double third_pause = first_pause + 2.0 + talker("de_male", kRate).duration_seconds() +
                             talker("en_male", kRate).duration_seconds();
  const size_t at = static_cast<size_t>((first_pause + 0.04) * kRate), until = static_cast<size_t>((third_pause + 0.04) * kRate);
  audio::Signal spike = retimed;
  spike.samples.insert(spike.samples.begin() + static_cast<long>(at), kRate / 2, 0.0f);
  spike.samples.erase(spike.samples.begin() + static_cast<long>(until + kRate / 2),
                      spike.samples.begin() + static_cast<long>(until + kRate));
  const auto delay = [&](double t) { return t >= first_pause && t < third_pause ? 540.0 : 40.0; };
  // The windows the spike's delay track gives (split at the jumps), for both pairs.
  std::vector<DelaySample> track;
  for (double t = 0; t < ref.duration_seconds(); t += 0.01) track.push_back({t, delay(t)});
  auto r0 = memory_stream(ref, "ref");
  const FrameLevels levels = frame_levels(*r0);
  const std::vector<WindowSpec> windows =
      with_delay_track(automatic_windows(levels, 10.0, delay_jump_cuts(track, levels)), track, ref.duration_seconds());
  for (const WindowSpec& w : windows)  // fitted to the jumps: each window at one delay
    EXPECT_EQ(w.delay->min_ms, w.delay->max_ms) << format_windows(windows);
  const ScoreReport expected = score_hinted(ref, retimed, windows, [](double) { return 40.0; });
  expect_close(score_hinted(ref, spike, windows, delay), expected, "simulator hints");
}

}  // namespace
}  // namespace callsim::scoring
