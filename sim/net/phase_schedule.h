// Time-varying link conditions: which models are in force at a time t, from the link's own models,
// the phases whose window [start, end) contains t ([start, infinity) for a phase that ends with
// the call: what is sent after the call's end is in it too; later phases win), their outage flags and their
// linear ramps. The merged models are rebuilt only when t crosses a phase boundary; ramps are
// re-evaluated at every call while a ramping phase is active. A live relay adds phases at run time
// (add_phase: appended, so they win over every configured phase while they last) and ends them
// (end_added_phases).
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
  // The phases of the configuration, without those added at run time.
  size_t configured_phases() const { return configured_; }

  // Appends a phase (its window in link time); the next at() rebuilds.
  void add_phase(Phase phase);
  // Ends every added phase still in force at t (end = t); returns how many were cut.
  size_t end_added_phases(Timestamp t);

 private:
  void rebuild(Timestamp t);
  void apply_ramps(Timestamp t);
  void collect_boundaries();

  LinkConfig config_;
  std::vector<Timestamp> boundaries_;  // sorted, unique
  LinkModels current_;
  Timestamp segment_start_, segment_end_;
  std::vector<const Phase*> ramping_;
  bool outage_ = false;
  size_t configured_ = 0;
};

// Applies one ramp's value to the models.
void set_ramp_param(LinkModels& models, RampParam param, double value);

}  // namespace callsim::sim::net
