#include "jitter/decision_logic.h"

#include <algorithm>

namespace callsim::jitter {

const char* to_string(Operation op) {
  switch (op) {
    case Operation::kNormal:
      return "normal";
    case Operation::kAccelerate:
      return "accelerate";
    case Operation::kFastAccelerate:
      return "fast_accelerate";
    case Operation::kPreemptiveExpand:
      return "preemptive_expand";
    case Operation::kExpand:
      return "expand";
    case Operation::kComfortNoise:
      return "comfort_noise";
    case Operation::kFecRecover:
      return "fec_recover";
    case Operation::kJump:
      return "jump";
  }
  return "?";
}

Decision DecisionLogic::decide(const DecisionInput& in) const {
  if (in.expected_available) return expected(in);
  if (in.future_gap) return missing(in);
  return synthetic(in, config_.frame_samples);
}

Decision DecisionLogic::expected(const DecisionInput& in) const {
  const bool after_synthetic = in.last_concealment || in.last_comfort_noise;
  if (!config_.time_stretch || after_synthetic || in.available_samples < config_.stretch_samples)
    return {Operation::kNormal};
  const double excess = in.playout_delay_ms - in.target_ms;
  if (excess >= config_.fast_accelerate_margin_ms) return {Operation::kFastAccelerate, samples(excess)};
  if (in.pauses_expected) return with_pauses(in, excess);
  if (!in.timescale_allowed) return {Operation::kNormal};
  if (excess >= config_.accelerate_margin_ms)
    return {Operation::kAccelerate, samples(excess + config_.preemptive_margin_ms)};
  if (excess < -config_.preemptive_margin_ms)
    return {Operation::kPreemptiveExpand, samples(config_.accelerate_margin_ms - excess)};
  return {Operation::kNormal};
}

Decision DecisionLogic::with_pauses(const DecisionInput& in, double excess) const {
  if (in.pause_ms >= config_.min_pause_ms) {
    if (excess >= config_.pause_margin_ms) return {Operation::kAccelerate, samples(excess), true};
    if (excess <= -config_.pause_margin_ms) return {Operation::kPreemptiveExpand, samples(-excess), true};
    return {Operation::kNormal};
  }
  if (!in.timescale_allowed) return {Operation::kNormal};
  if (excess >= config_.speech_accelerate_margin_ms)
    return {Operation::kAccelerate, samples(excess + config_.preemptive_margin_ms)};
  if (-excess >= config_.speech_preemptive_margin_ms)
    return {Operation::kPreemptiveExpand, samples(config_.accelerate_margin_ms - excess)};
  return {Operation::kNormal};
}

int DecisionLogic::samples(double ms) const { return static_cast<int>(ms * config_.sample_rate_hz / 1000.0); }

Decision DecisionLogic::missing(const DecisionInput& in) const {
  const int64_t gap = *in.future_gap;
  if (in.future_marker || in.last_comfort_noise) {
    // Talkspurt after DTX: re-establish the target delay on its first packet.
    if (in.delay_if_jump_ms >= in.target_ms) return {Operation::kJump};
    return synthetic(in, config_.frame_samples);
  }
  const int64_t remaining = gap - in.concealed_in_gap;
  // The later packet's FEC rebuilds the frame just before it: use it once concealment has covered
  // the rest of the gap (a concealment stall only added delay, as waiting for a late packet does).
  if (config_.use_fec && in.future_has_fec && remaining <= in.future_duration)
    return {Operation::kFecRecover, in.future_duration};
  if (remaining <= 0 || in.delay_if_jump_ms >= in.target_ms + config_.jump_margin_ms)
    return {Operation::kJump};
  // Conceal up to the gap (leaving the last frame to FEC when it can rebuild it).
  int64_t todo = remaining;
  if (config_.use_fec && in.future_has_fec && remaining > in.future_duration)
    todo = remaining - in.future_duration;
  return synthetic(in, std::min<int64_t>(todo, config_.frame_samples));
}

Decision DecisionLogic::synthetic(const DecisionInput& in, int64_t samples) const {
  const int q = config_.plc_quantum;
  const int n = static_cast<int>(std::max<int64_t>(q, (samples + q - 1) / q * q));
  const bool noise = in.last_comfort_noise || (!in.last_concealment && in.last_decoded_silent);
  return {noise ? Operation::kComfortNoise : Operation::kExpand, n};
}

}  // namespace callsim::jitter
