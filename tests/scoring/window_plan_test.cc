// Window lists: the text form round-trips, errors name the option and the item, automatic
// windows tile the reference and cut in pauses.
#include "scoring/window_plan.h"

#include <gtest/gtest.h>

#include "../quality/pesq_test_util.h"
#include "common/error.h"
#include "scoring/audio_stream.h"

namespace callsim::scoring {
namespace {

using namespace quality::test;

TEST(WindowPlan, TextFormRoundTrips) {
  const std::vector<WindowSpec> w = parse_windows("0:10.02@523,10.02:20.5@-40:1040,20.5:end");
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].start_s, 0.0);
  EXPECT_EQ(*w[0].end_s, 10.02);
  EXPECT_EQ(w[0].delay, (DelayHint{523, 523}));
  EXPECT_EQ(w[1].delay, (DelayHint{-40, 1040}));
  EXPECT_FALSE(w[2].end_s.has_value());
  EXPECT_FALSE(w[2].delay.has_value());
  EXPECT_EQ(format_windows(w), "0.00:10.02@523,10.02:20.50@-40:1040,20.50:end");
  EXPECT_EQ(format_windows(parse_windows(format_windows(w))), format_windows(w));
}

TEST(WindowPlan, BadItemsAreInputErrorsNamingTheItem) {
  // "0:4@12.5": delays are whole milliseconds; 12.5 was used as 12 without a word. "1e92:end": no
  // file is that long, and its text form was cut to 48 characters, another number (found by the
  // windows fuzz target).
  for (const std::string bad : {"", "5", "a:3", "3:2", "-1:4", "0:4@x", "0:4@50:10", "0:4,", "0:4@1:2:3", "0:4@12.5",
                                "0:4@10:12.5", "1e92:end", "0:86400.01", "2:end,1e92:end@00,2:end",
                                "2:end,1:3", "0:4,3.99:6", "4:6,0:4", "0:end,6:8"}) {
    try {
      (void)parse_windows(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "--windows") << bad;
    }
  }
}

// Overlapping windows counted the overlap's speech twice in the call's mean ("2:end,1:3" scored
// both). Windows touching on the 10 ms grid they are used on are not an overlap.
TEST(WindowPlan, WindowsAreInTimeOrderWithoutOverlap) {
  EXPECT_EQ(format_windows(parse_windows("0:4,4:end")), "0.00:4.00,4.00:end");
  EXPECT_EQ(format_windows(parse_windows("0:1.004,1:2,5:6")), "0.00:1.00,1.00:2.00,5.00:6.00");
  try {
    (void)parse_windows("2:end,1:3");
    ADD_FAILURE() << "accepted an overlap";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("1:3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("do not overlap"), std::string::npos) << e.what();
  }
}

// A DC offset is no sound: a frame's level is its power about its own mean. With the offset
// counted, a talker 1 % off zero read its pauses as speech (7.4 -> 9.99 s of reference speech, and
// speech_received_ratio 0.746 at 2.6 % loss on the speech the codec sent without the offset).
TEST(WindowPlan, FrameLevelsIgnoreADcOffset) {
  audio::Signal clean = talker("en_female", 8000);
  audio::Signal offset = clean;
  for (float& v : offset.samples) v += 0.01f;  // -40 dBFS
  auto a = memory_stream(clean, "clean");
  auto b = memory_stream(offset, "offset");
  const FrameLevels lc = frame_levels(*a), lo = frame_levels(*b);
  ASSERT_EQ(lc.db.size(), lo.db.size());
  const long n = static_cast<long>(lc.db.size());
  EXPECT_GT(lc.active_seconds(0, n), 3.0);
  EXPECT_NEAR(lo.active_seconds(0, n), lc.active_seconds(0, n), 0.02);
  EXPECT_NEAR(lo.p95_db, lc.p95_db, 0.05);
}

TEST(WindowPlan, AutomaticWindowsTileTheCallAndCutInPauses) {
  const audio::Signal ref = concat({talker("en_female", 8000), talker("de_male", 8000), talker("en_male", 8000),
                                    talker("de_female", 8000)});  // about 41 s
  auto s = memory_stream(ref, "ref");
  const FrameLevels levels = frame_levels(*s);
  const std::vector<WindowSpec> w = automatic_windows(levels, 10.0);
  ASSERT_GE(w.size(), 3u);
  EXPECT_EQ(w.front().start_s, 0.0);
  EXPECT_FALSE(w.back().end_s.has_value()) << "the last window runs to the end";
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    ASSERT_TRUE(w[i].end_s.has_value());
    EXPECT_EQ(*w[i].end_s, w[i + 1].start_s) << "windows tile the call";
    EXPECT_GE(*w[i].end_s - w[i].start_s, 5.0);
    EXPECT_LE(*w[i].end_s - w[i].start_s, 15.0);
    // the cut is in the quietest 20 ms nearby: far below the loud frames
    const size_t f = static_cast<size_t>(std::lround(*w[i].end_s / kFrameS));
    EXPECT_LT(levels.db[f], levels.p95_db - 20.0) << "cut at " << *w[i].end_s;
  }
}

// A 24 s reference, the degraded file 24.11 s long: at 113-114 ms of delay the reference's last
// 4 ms were still in flight when playout stopped, so the last window ends at 23.99 (24.11 -
// 0.114, down to the 10 ms grid); at 2 s of delay a window starting after 22.11 s has nothing
// left and is dropped; a window without a hint (searched) and one that ends early are kept.
TEST(WindowPlan, WithinDegradedCutsWhatWasStillInFlight) {
  EXPECT_EQ(format_windows(within_degraded(parse_windows("0:8.28@91:159,8.28:16.29@113:114,16.29:end@113:114"), 24.0,
                                           24.11)),
            "0.00:8.28@91:159,8.28:16.29@113:114,16.29:23.99@113:114");
  EXPECT_EQ(format_windows(within_degraded(parse_windows("0:10@2000,10:22.2@2000,22.2:end@2000"), 24.0, 24.11)),
            "0.00:10.00@2000,10.00:22.11@2000");
  EXPECT_EQ(format_windows(within_degraded(parse_windows("0:10,10:end"), 24.0, 24.11)), "0.00:10.00,10.00:end");
  EXPECT_EQ(format_windows(within_degraded(parse_windows("0:20@100"), 24.0, 24.11)), "0.00:20.00@100");
}

}  // namespace
}  // namespace callsim::scoring
