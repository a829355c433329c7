// DecisionLogic: what the adaptive buffer does next. It is asked each time the playout queue
// holds less than 10 ms, and answers with one operation (NetEq's decision logic, simplified):
//   expected packet there  -> normal decode (merged in by the producer after concealment), or
//                             accelerate / fast accelerate / preemptive expand when the playout
//                             delay is outside [target - preemptive_margin, target + accelerate_margin),
//                             by at most what keeps it above target - preemptive_margin
//                             (below target + accelerate_margin), so it does not oscillate.
//                             When the stream has pauses (speech), a small correction is only made
//                             in a quiet segment (Decision::quiet_only): a delay change inside a
//                             talkspurt is what listeners and P.862 notice, the same change in a
//                             pause is free. Only an excess of speech_accelerate_margin (deficit of
//                             speech_preemptive_margin) is corrected inside a talkspurt.
//   packet missing, later one there
//                          -> DTX resumption (marker bit or comfort noise playing): comfort noise
//                             until the later packet is due at the target delay, then jump to it;
//                             FEC in the later packet and at most its frame still unconcealed:
//                             FEC recovery of that frame;
//                             gap already covered by concealment, or the later packet would play
//                             above target + jump_margin: jump; otherwise conceal (or comfort
//                             noise after silence) up to the gap
//   nothing buffered       -> conceal (comfort noise if the last decoded audio was silent)
// Concealment does not advance the timeline, so waiting for a late packet raises the delay, as in
// NetEq; the time stretcher brings it back.
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
  double playout_delay_ms = 0;       // relative delay the next position would be played with
  double delay_if_jump_ms = 0;       // same for the future packet if it were played next
  double target_ms = 0;
  int64_t available_samples = 0;  // queued + contiguous decodable samples
  bool timescale_allowed = true;  // enough time since the last active time stretch
  bool pauses_expected = false;   // the stream had a quiet stretch recently (speech with pauses)
  double pause_ms = 0;            // how long the decoded audio has been silent (the current pause)
};

struct DecisionConfig {
  int frame_samples = 480;     // 10 ms
  int plc_quantum = 120;       // 2.5 ms
  int stretch_samples = 1440;  // what one time stretch needs (30 ms)
  bool time_stretch = true;
  bool use_fec = true;
  int sample_rate_hz = 48000;
  double accelerate_margin_ms = 5;  // accelerate at target + this
  double preemptive_margin_ms = 5;  // preemptive expand below target - this
  double fast_accelerate_margin_ms = 100;
  double jump_margin_ms = 50;  // skip an unconcealed gap when this far above target
  // With pauses expected: corrections are made in pauses at least this long (to the target, within
  // pause_margin); inside a talkspurt only an excess / deficit of the speech margins is corrected.
  double min_pause_ms = 100;
  double pause_margin_ms = 10;
  double speech_accelerate_margin_ms = 60;
  double speech_preemptive_margin_ms = 20;
};

struct Decision {
  Operation op = Operation::kNormal;
  int samples = 0;          // for kExpand, kComfortNoise, kFecRecover: how many to make;
                            // for time stretching: the most it may change (so the delay stays in band)
  bool quiet_only = false;  // time stretching: only in a quiet segment (else do nothing yet)
};

class DecisionLogic {
 public:
  explicit DecisionLogic(DecisionConfig config) : config_(config) {}
  virtual ~DecisionLogic() = default;
  virtual Decision decide(const DecisionInput& in) const;
  const DecisionConfig& config() const { return config_; }

 private:
  Decision expected(const DecisionInput& in) const;
  Decision with_pauses(const DecisionInput& in, double excess) const;
  int samples(double ms) const;
  Decision missing(const DecisionInput& in) const;
  Decision synthetic(const DecisionInput& in, int64_t samples) const;

  DecisionConfig config_;
};

}  // namespace callsim::jitter
