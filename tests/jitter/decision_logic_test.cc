#include "jitter/decision_logic.h"

#include <gtest/gtest.h>

namespace callsim::jitter {
namespace {

// 48 kHz: frame 480, quantum 120, 30 ms = 1440; margins 5 ms (240 samples).
DecisionLogic logic(bool fec = true, bool stretch = true) {
  DecisionConfig c;
  c.use_fec = fec;
  c.time_stretch = stretch;
  return DecisionLogic(c);
}

DecisionInput expected(double delay, double target) {
  DecisionInput in;
  in.expected_available = true;
  in.playout_delay_ms = delay;
  in.target_ms = target;
  in.available_samples = 1440;
  return in;
}

TEST(DecisionLogic, ExpectedPacketInBandIsNormal) {
  EXPECT_EQ(logic().decide(expected(60, 60)).op, Operation::kNormal);
  EXPECT_EQ(logic().decide(expected(64.9, 60)).op, Operation::kNormal);
  EXPECT_EQ(logic().decide(expected(55, 60)).op, Operation::kNormal);
}

TEST(DecisionLogic, TimeStretchMovesTheDelayIntoTheBandWithoutOvershoot) {
  const Decision a = logic().decide(expected(70, 60));
  EXPECT_EQ(a.op, Operation::kAccelerate);
  EXPECT_EQ(a.samples, 15 * 48);  // may remove up to excess + 5 ms: ends >= target - 5
  const Decision p = logic().decide(expected(50, 60));
  EXPECT_EQ(p.op, Operation::kPreemptiveExpand);
  EXPECT_EQ(p.samples, 15 * 48);  // may insert up to 15 ms: ends < target + 5
  const Decision f = logic().decide(expected(300, 60));
  EXPECT_EQ(f.op, Operation::kFastAccelerate);
  EXPECT_EQ(f.samples, 240 * 48);
}

TEST(DecisionLogic, NoTimeStretchWhenDisabledTooSoonShortOrAfterConcealment) {
  EXPECT_EQ(logic(true, false).decide(expected(70, 60)).op, Operation::kNormal);
  DecisionInput in = expected(70, 60);
  in.timescale_allowed = false;
  EXPECT_EQ(logic().decide(in).op, Operation::kNormal);
  in = expected(300, 60);
  in.timescale_allowed = false;
  EXPECT_EQ(logic().decide(in).op, Operation::kFastAccelerate);  // fast ignores the interval
  in = expected(70, 60);
  in.available_samples = 1439;
  EXPECT_EQ(logic().decide(in).op, Operation::kNormal);
  in = expected(70, 60);
  in.last_concealment = true;  // the producer merges first
  EXPECT_EQ(logic().decide(in).op, Operation::kNormal);
}

TEST(DecisionLogic, NothingBufferedConcealsOrPlaysComfortNoiseAfterSilence) {
  DecisionInput in;
  EXPECT_EQ(logic().decide(in).op, Operation::kExpand);
  EXPECT_EQ(logic().decide(in).samples, 480);
  in.last_decoded_silent = true;
  EXPECT_EQ(logic().decide(in).op, Operation::kComfortNoise);
  in.last_concealment = true;  // concealment already running: keep concealing
  EXPECT_EQ(logic().decide(in).op, Operation::kExpand);
}

DecisionInput missing(int64_t gap, int64_t concealed, bool fec) {
  DecisionInput in;
  in.future_gap = gap;
  in.future_duration = 960;
  in.future_has_fec = fec;
  in.concealed_in_gap = concealed;
  in.target_ms = 60;
  in.playout_delay_ms = 60;
  in.delay_if_jump_ms = 40;  // the future packet is 20 ms later
  return in;
}

TEST(DecisionLogic, SingleLossWithFecIsRecoveredEvenAfterAStall) {
  Decision d = logic().decide(missing(960, 0, true));
  EXPECT_EQ(d.op, Operation::kFecRecover);
  EXPECT_EQ(d.samples, 960);
  EXPECT_EQ(logic().decide(missing(960, 480, true)).op, Operation::kFecRecover);
  EXPECT_EQ(logic(false).decide(missing(960, 0, true)).op, Operation::kExpand);
  EXPECT_EQ(logic().decide(missing(960, 0, false)).op, Operation::kExpand);
}

TEST(DecisionLogic, LongerGapsConcealUpToTheFecFrameOrTheGap) {
  Decision d = logic().decide(missing(2880, 0, true));  // two frames lost, FEC for the second
  EXPECT_EQ(d.op, Operation::kExpand);
  EXPECT_EQ(d.samples, 480);
  d = logic().decide(missing(2880, 1920, true));
  EXPECT_EQ(d.op, Operation::kFecRecover);
  d = logic().decide(missing(1200, 960, false));  // 240 left: conceal 2.5 ms multiples
  EXPECT_EQ(d.op, Operation::kExpand);
  EXPECT_EQ(d.samples, 240);
  EXPECT_EQ(logic().decide(missing(960, 960, false)).op, Operation::kJump);  // gap covered
}

TEST(DecisionLogic, JumpsWhenTheLaterPacketIsAlreadyLateEnough) {
  DecisionInput in = missing(960, 0, false);
  in.delay_if_jump_ms = 110;  // >= target + 50
  EXPECT_EQ(logic().decide(in).op, Operation::kJump);
}

TEST(DecisionLogic, DtxResumptionWaitsUntilTheTalkspurtIsDue) {
  DecisionInput in = missing(48000, 0, false);
  in.future_marker = true;
  in.last_comfort_noise = true;
  in.delay_if_jump_ms = 59;
  EXPECT_EQ(logic().decide(in).op, Operation::kComfortNoise);
  in.delay_if_jump_ms = 60;
  EXPECT_EQ(logic().decide(in).op, Operation::kJump);
}

}  // namespace
}  // namespace callsim::jitter
