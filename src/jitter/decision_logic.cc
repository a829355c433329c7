#include "jitter/decision_logic.h"

#include <algorithm>

namespace callsim::jitter {

namespace {
constexpr double kHeadroomSafetyMs = 1.0;  // kept above the recent arrivals when accelerating
}  // namespace

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
    case Operation::kSkip:
      return "skip";
  }
  return "?";
}

Decision DecisionLogic::decide(const DecisionInput& in) const {
  if (in.expected_available) return expected(in);
  if (in.future_gap) return missing(in);
  return dry(in);
}

Decision DecisionLogic::dry(const DecisionInput& in) const {
  // Nothing to decode: conceal what this frame lacks; below target, stall up to the deficit now.
  int64_t n = std::max<int64_t>(1, config_.frame_samples - in.available_samples);
  const double deficit = in.target_ms - in.playout_delay_ms;
  if (deficit > 0) n = std::max<int64_t>(n, samples(std::min(config_.max_stall_ms, deficit)));
  return synthetic(in, n);
}

Decision DecisionLogic::expected(const DecisionInput& in) const {
  if (!config_.time_stretch) return {Operation::kNormal};
  const double excess = in.playout_delay_ms - in.target_ms;
  const bool pause = in.leading_silence || (in.pauses_expected && in.pause_ms >= config_.min_pause_ms);
  // In a pause the delay is corrected freely: by a quiet splice, or when there is too little
  // decoded audio to splice, by playing more of the pause (the buffer decides which).
  if (pause && excess <= -config_.pause_margin_ms) return {Operation::kPreemptiveExpand, samples(-excess), true};
  // A long stall (a delay spike) ends with its late packets arriving in a burst: skip what the
  // stall added rather than play it late (the audio behind the stall is no longer worth its delay).
  const double stalled_ms = 1000.0 * static_cast<double>(in.concealed_in_gap) / config_.sample_rate_hz;
  if (in.last_concealment && stalled_ms >= config_.min_skip_stall_ms && excess >= config_.jump_margin_ms)
    return {Operation::kSkip, samples(std::min(excess, stalled_ms))};
  const bool after_synthetic = in.last_concealment || in.last_comfort_noise;
  if (after_synthetic || in.available_samples < config_.stretch_samples) return {Operation::kNormal};
  if (excess >= config_.fast_accelerate_margin_ms) return accelerate(in, Operation::kFastAccelerate, excess, false);
  if (in.pauses_expected) return with_pauses(in, excess, pause);
  if (!in.timescale_allowed) return {Operation::kNormal};
  if (excess >= config_.accelerate_margin_ms)
    return accelerate(in, Operation::kAccelerate, excess + config_.preemptive_margin_ms, false);
  if (excess < -config_.preemptive_margin_ms)
    return {Operation::kPreemptiveExpand, samples(config_.accelerate_margin_ms - excess)};
  return {Operation::kNormal};
}

Decision DecisionLogic::with_pauses(const DecisionInput& in, double excess, bool pause) const {
  if (pause) {
    if (excess >= config_.pause_margin_ms && !(in.leading_silence && in.settling))
      return accelerate(in, Operation::kAccelerate, excess, true);
    return {Operation::kNormal};
  }
  if (!in.timescale_allowed) return {Operation::kNormal};
  if (excess >= config_.speech_accelerate_margin_ms)
    return accelerate(in, Operation::kAccelerate, excess + config_.preemptive_margin_ms, false);
  const std::optional<double> margin = in.dry_margin_ms ? in.dry_margin_ms : in.headroom_ms;
  if (margin && *margin < config_.min_headroom_ms && excess < -config_.preemptive_margin_ms)
    return {Operation::kPreemptiveExpand, samples(std::min(config_.speech_grow_ms, -excess)), false,
            in.delay_rising};
  return {Operation::kNormal};
}

Decision DecisionLogic::accelerate(const DecisionInput& in, Operation op, double wanted_ms, bool quiet_only) const {
  // Never remove more than the headroom over the recent arrivals: below it the next packets are
  // late and playout stalls (on a steady path the achievable delay is set by where the packets
  // arrive within the 10 ms playout grid, not by the target).
  if (in.headroom_ms) wanted_ms = std::min(wanted_ms, *in.headroom_ms - kHeadroomSafetyMs);
  const int n = samples(wanted_ms);
  if (n < config_.plc_quantum) return {Operation::kNormal};
  return {op, n, quiet_only};
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
  const bool noise = comfort_noise_for_gap(in.dtx_stream, in.pause_ms, config_.dtx_hangover_ms, in.last_comfort_noise,
                                           in.last_concealment, in.last_decoded_silent);
  return {noise ? Operation::kComfortNoise : Operation::kExpand, n};
}

bool comfort_noise_for_gap(bool dtx_stream, double pause_ms, double hangover_ms, bool last_comfort_noise,
                           bool last_concealment, bool last_decoded_silent) {
  const bool dtx_possible = dtx_stream || pause_ms >= hangover_ms;
  return dtx_possible && (last_comfort_noise || (!last_concealment && last_decoded_silent));
}

}  // namespace callsim::jitter
