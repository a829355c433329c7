#include "jitter/decision_logic.h"

#include <gtest/gtest.h>

namespace callsim::jitter {
namespace {

// 48 kHz: frame 480, quantum 120, a stretch needs 20 ms = 960; margins 5 ms (240 samples).
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
  in.available_samples = 959;
  EXPECT_EQ(logic().decide(in).op, Operation::kNormal);
  in = expected(70, 60);
  in.last_concealment = true;  // the producer merges first
  EXPECT_EQ(logic().decide(in).op, Operation::kNormal);
}

TEST(DecisionLogic, NothingBufferedConcealsWhatTheFrameLacks) {
  DecisionInput in;
  EXPECT_EQ(logic().decide(in).op, Operation::kExpand);
  EXPECT_EQ(logic().decide(in).samples, 480);
  in.available_samples = 200;  // 4.2 ms queued: 5.8 ms missing, rounded up to 2.5 ms
  EXPECT_EQ(logic().decide(in).samples, 360);
}

// Comfort noise only where the sender may pause (DTX): without DTX every packet is sent, so a
// missing one in a short quiet stretch of speech is lost or late and the decoder's PLC continues
// it. A silence as long as libopus's DTX hangover (200 ms) may be the start of DTX.
TEST(DecisionLogic, ComfortNoiseOnlyOnADtxStreamOrAfterADtxHangover) {
  DecisionInput in;
  in.last_decoded_silent = true;
  in.pause_ms = 150;
  EXPECT_EQ(logic().decide(in).op, Operation::kExpand);
  in.pause_ms = 200;
  EXPECT_EQ(logic().decide(in).op, Operation::kComfortNoise);
  in.pause_ms = 150;
  in.dtx_stream = true;
  EXPECT_EQ(logic().decide(in).op, Operation::kComfortNoise);
  in.last_concealment = true;  // concealment already running: keep concealing
  EXPECT_EQ(logic().decide(in).op, Operation::kExpand);
}

// Playout ran dry below its target: the stall covers the deficit at once, up to 40 ms.
TEST(DecisionLogic, ADryBufferBelowTargetStallsUpToTheDeficit) {
  DecisionInput in;
  in.playout_delay_ms = 20;
  in.target_ms = 45;
  EXPECT_EQ(logic().decide(in).samples, 25 * 48);
  in.target_ms = 200;
  EXPECT_EQ(logic().decide(in).samples, 40 * 48);
  in.target_ms = 10;  // above target: only what the frame lacks
  EXPECT_EQ(logic().decide(in).samples, 480);
}

DecisionInput speech(double delay, double target, double headroom) {
  DecisionInput in = expected(delay, target);
  in.pauses_expected = true;
  in.pause_ms = 0;
  in.headroom_ms = headroom;
  return in;
}

// Inside a talkspurt a target above the delay waits for the next pause, unless playout is about
// to run dry (headroom under 5 ms): then it grows by one pitch period of up to 15 ms (not more
// than the target allows); while the delay rises steadily, by as many whole periods as fit in
// 15 ms in one splice (dev-set ramp40_140: five one-period steps in one sentence, WB 3.957; three
// steps, the last of three periods, WB 4.108). The time stretcher inserts whole periods, so a limit of the few ms the
// headroom lacks (3 ms here, as before) refused every period longer than that: on the dev set's
// ramp playout then ran dry twice in speech instead of growing.
TEST(DecisionLogic, InsideATalkspurtTheDelayGrowsOnlyWhenAboutToRunDry) {
  EXPECT_EQ(logic().decide(speech(60, 100, 12)).op, Operation::kNormal);
  Decision d = logic().decide(speech(60, 100, 2));
  EXPECT_EQ(d.op, Operation::kPreemptiveExpand);
  EXPECT_EQ(d.samples, 15 * 48);
  EXPECT_FALSE(d.quiet_only);
  EXPECT_FALSE(d.multi_period);  // one period covers a dip of i.i.d. jitter
  DecisionInput rising = speech(60, 100, 2);
  rising.delay_rising = true;  // a steady rise: as many whole periods as fit, one step not several
  d = logic().decide(rising);
  EXPECT_EQ(d.op, Operation::kPreemptiveExpand);
  EXPECT_EQ(d.samples, 15 * 48);
  EXPECT_TRUE(d.multi_period);
  d = logic().decide(speech(60, 72, 4.5));  // 0.5 ms short of 5 ms headroom, 12 ms below target
  EXPECT_EQ(d.op, Operation::kPreemptiveExpand);
  EXPECT_EQ(d.samples, 12 * 48);
  EXPECT_EQ(logic().decide(speech(60, 62, 0)).op, Operation::kNormal);  // within 5 ms of target
  DecisionInput in = speech(60, 100, 8.8);  // 8.8 ms could be removed, but the next packet...
  EXPECT_EQ(logic().decide(in).op, Operation::kNormal);
  in.dry_margin_ms = 0.5;  // ...arriving 0.5 ms later than the last would miss its tick: grow
  EXPECT_EQ(logic().decide(in).op, Operation::kPreemptiveExpand);
  EXPECT_EQ(logic().decide(speech(100, 60, 50)).op, Operation::kNormal);  // 40 ms over: waits
  EXPECT_EQ(logic().decide(speech(130, 60, 80)).op, Operation::kAccelerate);  // 70 ms over
}

// In a pause the delay goes to within 3 ms of the target: quiet operations (the buffer splices or
// plays more of the pause), never removing more than the headroom.
TEST(DecisionLogic, InAPauseTheDelayGoesToTheTargetWithinTheHeadroom) {
  DecisionInput in = speech(60, 100, 30);
  in.pause_ms = 150;
  Decision d = logic().decide(in);
  EXPECT_EQ(d.op, Operation::kPreemptiveExpand);
  EXPECT_TRUE(d.quiet_only);
  EXPECT_EQ(d.samples, 40 * 48);
  in.available_samples = 0;  // nothing decoded to splice: still asked, the buffer inserts
  EXPECT_EQ(logic().decide(in).op, Operation::kPreemptiveExpand);
  in = speech(100, 60, 30);
  in.pause_ms = 150;
  d = logic().decide(in);
  EXPECT_EQ(d.op, Operation::kAccelerate);
  EXPECT_TRUE(d.quiet_only);
  EXPECT_EQ(d.samples, 29 * 48);  // headroom 30 - 1 ms safety, not the 40 ms excess
  in.headroom_ms = 1.5;  // the next packets would be late
  EXPECT_EQ(logic().decide(in).op, Operation::kNormal);
  in = speech(62, 60, 30);
  in.pause_ms = 150;
  EXPECT_EQ(logic().decide(in).op, Operation::kNormal);  // within 3 ms
}

// Before anyone talked, the silence is a pause however short it is.
TEST(DecisionLogic, LeadingSilenceIsAPause) {
  DecisionInput in = speech(20, 80, 10);
  EXPECT_EQ(logic().decide(in).op, Operation::kNormal);
  in.leading_silence = true;
  EXPECT_EQ(logic().decide(in).op, Operation::kPreemptiveExpand);
  EXPECT_TRUE(logic().decide(in).quiet_only);
}

// ...but while the target rests on a handful of packets (settling) the delay only grows there: a
// shrink the next packets undo would be a stall in the first words. An excess is removed in the first pause
// after talking (or, inside speech, beyond speech_accelerate_margin; fast accelerate still acts).
TEST(DecisionLogic, WhileSettlingLeadingSilenceOnlyGrowsTheDelay) {
  DecisionInput in = speech(100, 60, 50);
  in.pause_ms = 150;
  in.leading_silence = true;
  in.settling = true;
  EXPECT_EQ(logic().decide(in).op, Operation::kNormal);
  in.leading_silence = false;  // the same pause after talking: removed
  EXPECT_EQ(logic().decide(in).op, Operation::kAccelerate);
  in.leading_silence = true;  // a listener's long silence, once settled: removed too
  in.settling = false;
  EXPECT_EQ(logic().decide(in).op, Operation::kAccelerate);
  in = speech(170, 60, 120);
  in.leading_silence = true;
  in.settling = true;
  EXPECT_EQ(logic().decide(in).op, Operation::kFastAccelerate);
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

// After a stall of 100 ms or more with the delay at least 50 ms above target (a spike's late
// packets arriving in one burst), the stale audio is skipped: as much as the stall added, down to
// the target. Shorter stalls, or a delay near the target, play on (merged after the concealment).
TEST(DecisionLogic, AfterALongStallTheStaleAudioIsSkipped) {
  DecisionInput in = expected(350, 40);
  in.last_concealment = true;
  in.concealed_in_gap = 380 * 48;
  Decision d = logic().decide(in);
  EXPECT_EQ(d.op, Operation::kSkip);
  EXPECT_EQ(d.samples, 310 * 48);  // down to the target
  in.concealed_in_gap = 200 * 48;
  EXPECT_EQ(logic().decide(in).samples, 200 * 48);  // no more than the stall added
  in.concealed_in_gap = 90 * 48;
  EXPECT_EQ(logic().decide(in).op, Operation::kNormal);  // a short stall
  in = expected(80, 40);
  in.last_concealment = true;
  in.concealed_in_gap = 380 * 48;
  EXPECT_EQ(logic().decide(in).op, Operation::kNormal);  // 40 ms over target: plays on
}

TEST(DecisionLogic, DtxResumptionWaitsUntilTheTalkspurtIsDue) {
  DecisionInput in = missing(48000, 0, false);
  in.future_marker = true;
  in.last_comfort_noise = true;
  in.dtx_stream = true;
  in.delay_if_jump_ms = 59;
  EXPECT_EQ(logic().decide(in).op, Operation::kComfortNoise);
  in.delay_if_jump_ms = 60;
  EXPECT_EQ(logic().decide(in).op, Operation::kJump);
}

}  // namespace
}  // namespace callsim::jitter
