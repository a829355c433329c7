// The scorer: the whole file is exactly P.862 on the signals; files and memory give the same bits;
// windows without reference speech are skipped; a degraded window without speech is unscorable
// (never the ~2.3 P.862 gives silence) and leaves the call without a call-level figure.
#include "scoring/scorer.h"
#include "scoring/score_json.h"
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "../quality/pesq_test_util.h"
#include "audio/resample.h"
#include "common/error.h"
#include "scratch_dir.h"

namespace callsim::scoring {
namespace {

using namespace quality::test;
using quality::PesqMode;

audio::Signal long_call(int rate = 8000) {
  return concat({talker("en_female", rate), talker("de_male", rate), talker("en_male", rate),
                 talker("de_female", rate)});  // about 41 s
}

ScoreReport score(const audio::Signal& ref, const audio::Signal& deg, ScoreOptions o = {}) {
  auto r = memory_stream(ref, "ref"), d = memory_stream(deg, "deg");
  return score_pair(*r, *d, o);
}

ScoreOptions automatic() {
  ScoreOptions o;
  o.windowing = Windowing::kAutomatic;
  return o;
}

TEST(Scorer, WholeFileIsP862OnTheSignalsBitForBit) {
  for (const auto& [rate, mode] : {std::pair{8000, PesqMode::kNarrowband}, std::pair{16000, PesqMode::kNarrowband},
                                   std::pair{16000, PesqMode::kWideband}}) {
    const audio::Signal ref = talker("en_female", rate), deg = with_noise(delayed(ref, rate / 10), 20.0, 1);
    ScoreOptions o;
    o.rate_hz = rate;
    o.mode = mode;
    const ScoreReport r = score(ref, deg, o);
    const quality::PesqResult p = quality::pesq(ref, deg, mode);
    ASSERT_EQ(r.windowing, "whole file");
    ASSERT_TRUE(r.complete);
    EXPECT_EQ(r.raw, p.raw) << rate;
    EXPECT_EQ(r.mos_lqo, p.mos_lqo) << rate;
    EXPECT_EQ(r.mos_lqo_min_window, p.mos_lqo);
    EXPECT_GT(r.speech_received_ratio, 0.95);
  }
}

TEST(Scorer, FileAndMemoryGiveTheSameBitsThroughResampling) {
  const audio::Signal ref = quantize16(audio::resample(long_call(16000), 48000));
  const audio::Signal deg = quantize16(with_noise(delayed(ref, 4800), 25.0, 2));
  const testing_util::ScratchDir scratch("scorer");
  const std::filesystem::path& dir = scratch.path();
  audio::write_audio16(dir / "ref.wav", ref);
  audio::write_audio16(dir / "deg.wav", deg);
  ScoreOptions o = automatic();
  o.rate_hz = 16000;
  o.mode = PesqMode::kWideband;
  auto fr = open_audio_stream(dir / "ref.wav"), fd = open_audio_stream(dir / "deg.wav");
  auto mr = memory_stream(ref, "ref"), md = memory_stream(deg, "deg");
  const ScoreReport a = score_pair(*fr, *fd, o), b = score_pair(*mr, *md, o);
  ASSERT_EQ(a.windows.size(), b.windows.size());
  ASSERT_GE(a.windows.size(), 3u);
  for (size_t i = 0; i < a.windows.size(); ++i) {
    EXPECT_EQ(a.windows[i].raw, b.windows[i].raw) << i;
    EXPECT_EQ(a.windows[i].delay, b.windows[i].delay) << i;
    EXPECT_NEAR(a.windows[i].delay->min_ms, 100.0, 10.0) << "searched delay of window " << i;
  }
  EXPECT_EQ(a.mos_lqo, b.mos_lqo);
  EXPECT_GT(a.mos_lqo, 2.0);
}

TEST(Scorer, SilentDegradedIsUnscorableNotTwoPointThree) {
  const audio::Signal ref = talker("en_male", 8000);
  // What P.862 alone makes of digital silence: a plausible-looking figure.
  EXPECT_GT(quality::pesq(ref, silence(8000, ref.duration_seconds()), PesqMode::kNarrowband).mos_lqo, 1.8);
  for (const audio::Signal& deg : {silence(8000, ref.duration_seconds()), noise_only(8000, ref.duration_seconds(), 1e-4, 3)}) {
    const ScoreReport r = score(ref, deg);
    ASSERT_EQ(r.windows.size(), 1u);
    EXPECT_EQ(r.windows[0].status, WindowStatus::kNoSpeechReceived);
    EXPECT_LT(r.windows[0].speech_received_ratio, 0.05);
    EXPECT_NE(r.windows[0].note.find("no speech received"), std::string::npos) << r.windows[0].note;
    EXPECT_FALSE(r.complete);
    EXPECT_EQ(r.unscorable_windows, 1);
    EXPECT_LT(r.speech_received_ratio, 0.05);
  }
}

TEST(Scorer, ADeadStretchLeavesTheCallWithoutACallLevelFigure) {
  const audio::Signal ref = long_call();
  audio::Signal deg = with_noise(ref, 25.0, 4);
  for (size_t i = 12 * 8000; i < 26 * 8000; ++i) deg.samples[i] = 0.0f;  // 14 s of dead air
  const ScoreReport r = score(ref, deg, automatic());
  int dead = 0, scored = 0;
  for (const WindowScore& w : r.windows) {
    dead += w.status == WindowStatus::kNoSpeechReceived;
    scored += w.status == WindowStatus::kScored;
    if (w.status == WindowStatus::kScored) {
      EXPECT_GT(w.speech_received_ratio, 0.5);
    }
  }
  EXPECT_GE(dead, 1);
  EXPECT_GE(scored, 1);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.unscorable_windows, dead);
  EXPECT_LT(r.speech_received_ratio, 0.8);
  EXPECT_GT(r.speech_received_ratio, 0.3);
}

TEST(Scorer, WindowsWithoutReferenceSpeechAreSkippedAndTheMeanIsSpeechWeighted) {
  const audio::Signal ref = concat({talker("en_female", 8000), silence(8000, 15.0), talker("en_male", 8000)});
  const audio::Signal deg = with_noise(delayed(ref, 400), 20.0, 5);
  const ScoreReport r = score(ref, deg, automatic());
  int skipped = 0;
  double weighted = 0, speech = 0;
  for (const WindowScore& w : r.windows) {
    if (w.status == WindowStatus::kTooLittleSpeech) {
      ++skipped;
      EXPECT_LT(w.reference_speech_s, kMinSpeechS);
      continue;
    }
    ASSERT_EQ(w.status, WindowStatus::kScored);
    weighted += w.reference_speech_s * w.mos_lqo;
    speech += w.reference_speech_s;
  }
  EXPECT_EQ(skipped, 1);
  ASSERT_TRUE(r.complete);
  EXPECT_NEAR(r.mos_lqo, weighted / speech, 1e-12);
  EXPECT_NEAR(r.speech_s, speech, 1e-9);
}

// How much speech arrived cannot be measured where the reference has none: result.json and
// `callsim score --json` write null there, not the 0 (nothing arrived) of a dead direction.
TEST(Scorer, SpeechReceivedIsNullWhereThereWasNoSpeechToMeasure) {
  const audio::Signal silent = silence(8000, 4.0);
  const nlohmann::json none = report_json(score(silent, silent));
  ASSERT_EQ(none["windows"].size(), 1u);
  EXPECT_EQ(none["windows"][0]["reference_speech_s"], 0.0);
  EXPECT_TRUE(none["windows"][0]["speech_received_ratio"].is_null()) << none.dump();
  EXPECT_TRUE(none["speech_received_ratio"].is_null()) << none.dump();

  // 0.6 s of speech: measured in its window, but the window is too short to count, so the
  // call-level figure (over the counted windows) is null too.
  const audio::Signal voice = talker("en_female", 8000);
  audio::Signal bit = silence(8000, 3.0);
  bit.samples.insert(bit.samples.end(), voice.samples.begin() + 4000, voice.samples.begin() + 8800);
  const ScoreReport r = score(bit, bit);
  ASSERT_EQ(r.windows.size(), 1u);
  ASSERT_EQ(r.windows[0].status, WindowStatus::kTooLittleSpeech);
  ASSERT_GT(r.windows[0].reference_speech_s, 0.0);
  const nlohmann::json some = report_json(r);
  EXPECT_EQ(some["windows"][0]["speech_received_ratio"], 1.0) << some.dump();
  EXPECT_TRUE(some["speech_received_ratio"].is_null()) << some.dump();

  // A dead direction: speech sent, none received: 0, a measured figure.
  const audio::Signal sent = talker("en_female", 8000);
  const nlohmann::json dead = report_json(score(sent, silence(8000, sent.duration_seconds())));
  EXPECT_EQ(dead["speech_received_ratio"], 0.0) << dead.dump();
}

TEST(Scorer, LongInputIsWindowedAutomaticallyAndSaysSo) {
  const audio::Signal ref = long_call();
  const ScoreReport r = score(ref, delayed(ref, 1200));
  EXPECT_EQ(r.windowing, "automatic");
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes[0].find("automatic windows"), std::string::npos) << r.notes[0];
  ASSERT_TRUE(r.complete);
  for (const WindowScore& w : r.windows) {
    EXPECT_GT(w.mos_lqo, 4.4) << w.start_s;  // 150 ms of delay is no degradation
    EXPECT_NEAR(w.delay->min_ms, 150.0, 10.0);
  }
}

TEST(Scorer, ALocalDegradationShowsInItsWindowOnly) {
  const audio::Signal ref = long_call();
  audio::Signal deg = ref;
  const audio::Signal noisy = with_noise(ref, 0.0, 8);
  for (size_t i = 21 * 8000; i < 29 * 8000; ++i) deg.samples[i] = noisy.samples[i];
  const ScoreReport r = score(ref, deg, automatic());
  for (const WindowScore& w : r.windows) {
    if (w.start_s < 29.0 && w.end_s > 21.0) {
      EXPECT_LT(w.mos_lqo, 2.5) << w.start_s;
    } else {
      EXPECT_GT(w.mos_lqo, 4.4) << w.start_s;
    }
  }
  EXPECT_LT(r.mos_lqo_min_window, 2.5);
}

TEST(Scorer, QuietButPresentSpeechIsReceived) {
  const audio::Signal ref = talker("de_female", 8000);
  const ScoreReport r = score(ref, scaled(ref, 0.1));  // -20 dB
  ASSERT_TRUE(r.complete);
  EXPECT_GT(r.speech_received_ratio, 0.9);
}

TEST(Scorer, OptionsAreCheckedAsInputErrors) {
  const audio::Signal ref = talker("de_female", 8000);
  ScoreOptions o;
  o.rate_hz = 12000;
  EXPECT_THROW(score(ref, ref, o), InputError);
  o.rate_hz = 8000;
  o.mode = PesqMode::kWideband;
  EXPECT_THROW(score(ref, ref, o), InputError);
  o.mode = PesqMode::kNarrowband;
  o.windowing = Windowing::kExplicit;
  o.windows = parse_windows("50:60");
  EXPECT_THROW(score(ref, ref, o), InputError);  // starts after the reference ends
}

}  // namespace
}  // namespace callsim::scoring
