// Time-varying link conditions: which models are in force at a time t, from the link's own models,
// the phases whose window [start, end) contains t (later phases win), their outage flags and their
// linear ramps. The merged models are rebuilt only when t crosses a phase boundary; ramps are
// re-evaluated at every call while a ramping phase is active.
#pragma once

#include <vector>

#include "sim/net/link_config.h"
#include "sim/time.h"

namespace callsim::sim::net {

class PhaseSchedule {
 public:
  explicit PhaseSchedule(LinkConfig config);

  // The models in force at t.
  const LinkModels& at(Timestamp t);
  // Whether an outage phase covers the t of the last at().
  bool outage() const { return outage_; }
  // The first phase boundary strictly after t (infinite when none).
  Timestamp next_change_after(Timestamp t) const;

  const LinkConfig& config() const { return config_; }

 private:
  void rebuild(Timestamp t);
  void apply_ramps(Timestamp t);

  LinkConfig config_;
  std::vector<Timestamp> boundaries_;  // sorted, unique
  LinkModels current_;
  Timestamp segment_start_, segment_end_;
  std::vector<const Phase*> ramping_;
  bool outage_ = false;
};

// Applies one ramp's value to the models.
void set_ramp_param(LinkModels& models, RampParam param, double value);

}  // namespace callsim::sim::net
