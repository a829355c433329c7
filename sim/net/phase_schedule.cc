#include "sim/net/phase_schedule.h"

#include <algorithm>

namespace callsim::sim::net {

void set_ramp_param(LinkModels& m, RampParam param, double value) {
  switch (param) {
    case RampParam::kLossP:
      m.loss.p = value;
      break;
    case RampParam::kLossR:
      m.loss.r = value;
      break;
    case RampParam::kLossOneMinusH:
      m.loss.one_minus_h = value;
      break;
    case RampParam::kLossOneMinusK:
      m.loss.one_minus_k = value;
      break;
    case RampParam::kDelayBaseMs:
      m.delay.base_ms = value;
      break;
    case RampParam::kDelayJitterMs:
      m.delay.jitter_ms = value;
      break;
    case RampParam::kRateKbps:
      m.rate.kbps = value;
      break;
    case RampParam::kDuplicateP:
      m.duplicate.p = value;
      break;
    case RampParam::kCorruptP:
      m.corrupt.p = value;
      break;
    case RampParam::kReorderP:
      m.reorder.p = value;
      break;
    case RampParam::kCrossTrafficKbps:
      m.cross_traffic.kbps = value;
      break;
  }
}

PhaseSchedule::PhaseSchedule(LinkConfig config) : config_(std::move(config)), configured_(config_.phases.size()) {
  collect_boundaries();
  rebuild(Timestamp::zero());
}

void PhaseSchedule::collect_boundaries() {
  boundaries_.clear();
  for (const auto& phase : config_.phases) {
    boundaries_.push_back(Timestamp::zero() + phase.start);
    // A phase ending at the call's end stays in force after it: the last packet of a talk whose
    // length is not a whole number of frames is sent up to a frame later (60 ms frames in 10 s:
    // at 10.02 s), and an outage "to the end of the call" must drop it too.
    if (!phase.through_call_end) boundaries_.push_back(Timestamp::zero() + phase.end);
  }
  std::sort(boundaries_.begin(), boundaries_.end());
  boundaries_.erase(std::unique(boundaries_.begin(), boundaries_.end()), boundaries_.end());
}

void PhaseSchedule::add_phase(Phase phase) {
  ramping_.clear();  // points into config_.phases, which may move
  config_.phases.push_back(std::move(phase));
  collect_boundaries();
  segment_end_ = Timestamp::from_ns(INT64_MIN);  // forces a rebuild at the next at()
}

size_t PhaseSchedule::end_added_phases(Timestamp t) {
  size_t cut = 0;
  for (size_t i = configured_; i < config_.phases.size(); ++i) {
    Phase& p = config_.phases[i];
    if (Timestamp::zero() + p.end <= t) continue;
    p.end = std::max(p.start, t.since_start());
    p.through_call_end = false;  // ended here: no longer in force after its end
    ++cut;
  }
  if (cut) {
    ramping_.clear();
    collect_boundaries();
    segment_end_ = Timestamp::from_ns(INT64_MIN);
  }
  return cut;
}

Timestamp PhaseSchedule::next_change_after(Timestamp t) const {
  const auto it = std::upper_bound(boundaries_.begin(), boundaries_.end(), t);
  return it == boundaries_.end() ? Timestamp::infinite() : *it;
}

void PhaseSchedule::rebuild(Timestamp t) {
  const auto it = std::upper_bound(boundaries_.begin(), boundaries_.end(), t);
  segment_end_ = it == boundaries_.end() ? Timestamp::infinite() : *it;
  segment_start_ = it == boundaries_.begin() ? Timestamp::from_ns(INT64_MIN) : *(it - 1);
  current_ = static_cast<const LinkModels&>(config_);
  outage_ = false;
  ramping_.clear();
  for (const auto& phase : config_.phases) {
    const Timestamp end = Timestamp::zero() + phase.end;
    if (t < Timestamp::zero() + phase.start || (t >= end && !phase.through_call_end)) continue;
    if (phase.loss) current_.loss = *phase.loss;
    if (phase.delay) current_.delay = *phase.delay;
    if (phase.reorder) current_.reorder = *phase.reorder;
    if (phase.duplicate) current_.duplicate = *phase.duplicate;
    if (phase.corrupt) current_.corrupt = *phase.corrupt;
    if (phase.rate) current_.rate = *phase.rate;
    if (phase.cross_traffic) current_.cross_traffic = *phase.cross_traffic;
    outage_ = outage_ || phase.outage;
    if (!phase.ramps.empty()) ramping_.push_back(&phase);
  }
}

void PhaseSchedule::apply_ramps(Timestamp t) {
  for (const Phase* phase : ramping_) {
    const double span = static_cast<double>((phase->end - phase->start).ns());
    // Past the call's end (a phase through it) a ramp holds its end value.
    const double frac = std::min(1.0, static_cast<double>((t - (Timestamp::zero() + phase->start)).ns()) / span);
    for (const auto& ramp : phase->ramps)
      set_ramp_param(current_, ramp.param, ramp.from + (ramp.to - ramp.from) * frac);
  }
}

const LinkModels& PhaseSchedule::at(Timestamp t) {
  if (t < segment_start_ || t >= segment_end_) rebuild(t);
  if (!ramping_.empty()) apply_ramps(t);
  return current_;
}

}  // namespace callsim::sim::net
