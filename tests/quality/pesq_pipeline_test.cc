// End-to-end behaviour of pesq() on speech: identity, delay, gain invariance, noise, delay
// changes, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <future>

#include "common/error.h"
#include "pesq_test_util.h"
#include "quality/pesq.h"

namespace callsim::quality {
namespace {

using namespace test;

TEST(PesqPipeline, IdenticalSignalsScoreTheMaximum) {
  for (int rate : {8000, 16000}) {
    const audio::Signal ref = talker("en_female", rate);
    const PesqResult nb = pesq(ref, ref, PesqMode::kNarrowband);
    EXPECT_NEAR(nb.raw, 4.5, 1e-9) << rate;  // zero disturbance
    EXPECT_NEAR(nb.mos_lqo, 4.5486, 1e-4);
    EXPECT_EQ(nb.symmetric_disturbance, 0.0);
    EXPECT_EQ(nb.asymmetric_disturbance, 0.0);
    for (const PesqUtterance& u : nb.utterances) EXPECT_EQ(u.delay_ms, 0.0);
  }
  const audio::Signal ref16 = talker("de_male", 16000);
  const PesqResult wb = pesq(ref16, ref16, PesqMode::kWideband);
  EXPECT_NEAR(wb.raw, 4.5, 1e-9);
  EXPECT_NEAR(wb.mos_lqo, 4.6439, 1e-4);
}

TEST(PesqPipeline, KnownDelayIsFoundExactly) {
  for (int rate : {8000, 16000}) {
    const audio::Signal ref = talker("en_male", rate);
    for (int delay : {1, 37 * rate / 1000, 333 * rate / 1000}) {
      const PesqResult r = pesq(ref, delayed(ref, delay), PesqMode::kNarrowband);
      ASSERT_FALSE(r.utterances.empty());
      for (const PesqUtterance& u : r.utterances)
        EXPECT_DOUBLE_EQ(u.delay_ms, 1000.0 * delay / rate) << rate << " Hz, delay " << delay;
      EXPECT_NEAR(r.raw, 4.5, 1e-6);
    }
  }
}

TEST(PesqPipeline, LevelAlignmentMakesTheScoreGainInvariant) {
  const audio::Signal ref = talker("de_female", 8000);
  const audio::Signal deg = with_noise(delayed(ref, 160), 15.0, 7);
  const PesqResult base = pesq(ref, deg, PesqMode::kNarrowband);
  for (double gain : {0.1, 0.5, 2.0}) {
    // Either signal may be scaled: both are aligned to the same level before the model.
    EXPECT_NEAR(pesq(ref, scaled(deg, gain), PesqMode::kNarrowband).raw, base.raw, 1e-6) << gain;
    EXPECT_NEAR(pesq(scaled(ref, gain), scaled(deg, gain), PesqMode::kNarrowband).raw, base.raw, 1e-6);
  }
}

TEST(PesqPipeline, MoreNoiseScoresLower) {
  for (PesqMode mode : {PesqMode::kNarrowband, PesqMode::kWideband}) {
    const audio::Signal ref = talker("en_female", mode == PesqMode::kWideband ? 16000 : 8000);
    double previous = 4.6;
    for (double snr : {40.0, 25.0, 15.0, 5.0, -5.0}) {
      const PesqResult r = pesq(ref, with_noise(ref, snr, 11), mode);
      EXPECT_LT(r.raw, previous) << "SNR " << snr;
      previous = r.raw;
    }
    EXPECT_LT(previous, 1.6) << "speech under white noise 5 dB louder";
  }
}

TEST(PesqPipeline, DelayChangeInAPauseIsTrackedPerUtterance) {
  // Two talkers back to back; the second part arrives 80 ms later than the first (a jitter
  // buffer adapting in the pause between them).
  const int rate = 8000;
  const audio::Signal a = talker("en_female", rate), b = talker("en_male", rate);
  const audio::Signal ref = concat({a, b});
  const audio::Signal deg = concat({delayed(a, 320), silence(rate, 0.08), b});
  const PesqResult r = pesq(ref, deg, PesqMode::kNarrowband);
  bool early = false, late = false;
  for (const PesqUtterance& u : r.utterances) {
    if (u.end_s <= a.duration_seconds() + 0.2) early |= std::fabs(u.delay_ms - 40.0) < 0.2;
    if (u.start_s >= a.duration_seconds() - 0.2) late |= std::fabs(u.delay_ms - 120.0) < 0.2;
  }
  EXPECT_TRUE(early && late);
  EXPECT_GT(r.raw, 4.2);  // only the delay changed
}

TEST(PesqPipeline, DeterministicAndThreadSafe) {
  const audio::Signal ref = talker("de_male", 16000);
  const audio::Signal deg = with_noise(delayed(ref, 999), 20.0, 3);
  const PesqResult first = pesq(ref, deg, PesqMode::kWideband);
  auto run = [&] { return pesq(ref, deg, PesqMode::kWideband).raw; };
  std::future<double> a = std::async(std::launch::async, run), b = std::async(std::launch::async, run);
  EXPECT_EQ(a.get(), first.raw);  // bit-identical
  EXPECT_EQ(b.get(), first.raw);
}

}  // namespace
}  // namespace callsim::quality
