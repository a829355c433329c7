// DecisionLogic: what the adaptive buffer does next. It is asked each time the playout queue
// holds less than 10 ms, and answers with one operation (NetEq's decision logic, reworked for
// speech with pauses). Delays are the playout delay of the next undecoded position (after what
// is queued) and the target, both relative to the fastest recent packet; the headroom is how much
// earlier the recent packets could have been played (SlackTracker).
//   expected packet there  -> after a stall of min_skip_stall with the delay jump_margin above
//                             target (a spike's burst): skip the stale audio, at most what the
//                             stall added; else normal decode (merged in by the producer after
//                             concealment), or a delay correction:
//       in a pause (>= min_pause of silence, or the silence before anyone talked): to within
//       pause_margin of the target, a quiet splice or, short of decoded audio, more of the pause
//       (Decision::quiet_only; the buffer picks) - a change made in a pause is not heard; in the
//       silence before anyone talked, while the target rests on a handful of packets (settling),
//       the delay only grows: a shrink the next packets undo is a stall in the first words;
//       inside a talkspurt (the stream has pauses): accelerate only an excess of
//       speech_accelerate_margin, grow only while the running-dry margin is under min_headroom
//       and the delay under target (by one pitch period; by several in one splice while the
//       delay is rising steadily): a delay change inside a talkspurt is what listeners and P.862
//       notice, so a target raised by a late packet waits for the next pause unless playout is
//       about to run dry (a rising delay);
//       a stream without pauses (music, tones): the NetEq rule, +-5 ms around the target;
//       accelerating never removes more than the headroom (below it the next packet would be late).
//   packet missing, later one there
//                          -> DTX resumption (marker bit or comfort noise playing): comfort noise
//                             until the later packet is due at the target delay, then jump to it;
//                             FEC in the later packet and at most its frame still unconcealed:
//                             FEC recovery of that frame;
//                             gap already covered by concealment, or the later packet would play
//                             above target + jump_margin: jump; otherwise conceal (or comfort
//                             noise after silence on a DTX stream) up to the gap
//   nothing buffered       -> conceal what the frame lacks, or up to the deficit below target
//                             (at most max_stall); comfort noise only when the last decoded audio
//                             was silent on a DTX stream or for a DTX hangover (200 ms): without
//                             DTX every frame is sent, so one missing in a short quiet stretch of
//                             speech is lost or late, never a pause
// Concealment does not advance the timeline, so waiting for a late packet raises the delay, as in
// NetEq; the time stretcher brings it back in the next pause.
#pragma once

#include <cstdint>
#include <optional>

namespace callsim::jitter {

enum class Operation {
  kNormal,
  kAccelerate,
  kFastAccelerate,
  kPreemptiveExpand,
  kExpand,
  kComfortNoise,
  kFecRecover,
  kJump,  // skip to the next stored packet
  kSkip,  // drop up to Decision::samples of stored audio at the next position (stale after a long stall)
};
const char* to_string(Operation op);

struct DecisionInput {
  bool expected_available = false;  // a stored packet covers the next timeline position
  // The next stored packet after the missing position, if any.
  std::optional<int64_t> future_gap;  // samples from the next position to it
  int future_duration = 0;            // its duration, samples
  bool future_marker = false;
  bool future_has_fec = false;
  int64_t concealed_in_gap = 0;      // synthetic samples made since the last real audio
  bool last_concealment = false;     // last output was concealment of speech
  bool last_comfort_noise = false;   // last output was comfort noise
  bool last_decoded_silent = false;  // the last decoded audio was at background level
  bool dtx_stream = false;           // the sender has been seen to pause (DTX): silence may be comfort noise
  double playout_delay_ms = 0;       // relative delay the next position would be played with
  double delay_if_jump_ms = 0;       // same for the future packet if it were played next
  // How much earlier the recent packets could have been played (SlackTracker): how close playout
  // is to running dry.
  std::optional<double> headroom_ms;
  // How much later the recent packets could have arrived without playout running dry (the
  // SlackTracker's running-dry floor): what a rising delay eats. Up to 10 ms below the headroom.
  std::optional<double> dry_margin_ms;
  double target_ms = 0;
  int64_t available_samples = 0;  // queued + contiguous decodable samples
  bool timescale_allowed = true;  // enough time since the last active time stretch
  bool pauses_expected = false;   // the stream had a quiet stretch recently (speech with pauses)
  double pause_ms = 0;            // how long the decoded audio has been silent (the current pause)
  bool leading_silence = false;   // nothing but silence decoded so far (the call has not started talking)
  bool settling = false;          // the target rests on a handful of packets (DelayManager::settling)
  bool delay_rising = false;      // the network delay is rising steadily (DelayTrend)
};

struct DecisionConfig {
  int frame_samples = 480;     // 10 ms
  int plc_quantum = 120;       // 2.5 ms
  int stretch_samples = 960;   // the least one time stretch works on (20 ms)
  bool time_stretch = true;
  bool use_fec = true;
  int sample_rate_hz = 48000;
  double accelerate_margin_ms = 5;  // accelerate at target + this
  double preemptive_margin_ms = 5;  // preemptive expand below target - this
  double fast_accelerate_margin_ms = 100;
  double jump_margin_ms = 50;  // skip an unconcealed gap when this far above target
  // The expected packet arrives after a stall of at least this long (a delay spike) with the delay
  // at least jump_margin above target: the audio queued behind the stall is skipped, as much as
  // the stall added (down to the target), instead of being played late. The stall was heard as a
  // dropout already; playing the burst would keep the spike's delay and shift every word after it.
  double min_skip_stall_ms = 100;
  // With pauses expected: corrections are made in pauses at least this long (to the target, within
  // pause_margin); inside a talkspurt only an excess of speech_accelerate_margin is removed.
  double min_pause_ms = 100;
  double pause_margin_ms = 3;
  double speech_accelerate_margin_ms = 60;
  // Inside a talkspurt, grow the delay towards the target when the running-dry margin is below
  // this (a path whose delay is rising would otherwise run dry before the next pause), by one pitch period of
  // at most speech_grow_ms (the time stretcher inserts whole periods: a cap at the few ms the
  // headroom lacks would refuse every period longer than that, and playout would run dry). While
  // the delay is rising steadily (delay_rising), by as many whole periods as fit in speech_grow_ms
  // (one splice): one period now would only mean another one soon, and every step inside an
  // utterance is one more delay change heard; on i.i.d. jitter one period covers the dip.
  double min_headroom_ms = 5;
  double speech_grow_ms = 15;
  // Playout ran dry while below target: the stall conceals up to the deficit, at most this, in
  // one go (a few long stalls on a rising delay are heard less than many 10 ms ones).
  double max_stall_ms = 40;
  // A silence this long may be the sender's DTX hangover: a gap after it is comfort noise.
  double dtx_hangover_ms = 200;
};

struct Decision {
  Operation op = Operation::kNormal;
  int samples = 0;          // for kExpand, kComfortNoise, kFecRecover: how many to make;
                            // for time stretching: the most it may change (so the delay stays in band)
  bool quiet_only = false;  // time stretching: only in a quiet segment (else do nothing yet)
  bool multi_period = false;  // preemptive expand: as many whole periods as fit in `samples`
};

// Whether a gap (no packet for the audio due now) is played as comfort noise rather than the
// decoder's concealment: only where the sender may be in DTX (a stream seen to use it, or after a
// silence as long as an encoder's DTX hangover: libopus sends 200 ms of silence before it stops),
// and only continuing comfort noise or silent decoded audio (not concealment already under way).
// Without DTX every packet is sent, so one missing in a short quiet stretch of speech is lost or
// late, and the decoder's concealment continues it. The rule of every built-in buffer.
bool comfort_noise_for_gap(bool dtx_stream, double pause_ms, double hangover_ms, bool last_comfort_noise,
                           bool last_concealment, bool last_decoded_silent);

class DecisionLogic {
 public:
  explicit DecisionLogic(DecisionConfig config) : config_(config) {}
  virtual ~DecisionLogic() = default;
  virtual Decision decide(const DecisionInput& in) const;
  const DecisionConfig& config() const { return config_; }

 private:
  Decision expected(const DecisionInput& in) const;
  Decision with_pauses(const DecisionInput& in, double excess, bool pause) const;
  int samples(double ms) const;
  Decision accelerate(const DecisionInput& in, Operation op, double wanted_ms, bool quiet_only) const;
  Decision missing(const DecisionInput& in) const;
  Decision dry(const DecisionInput& in) const;
  Decision synthetic(const DecisionInput& in, int64_t samples) const;

  DecisionConfig config_;
};

}  // namespace callsim::jitter
