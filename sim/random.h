// Seeded random streams for reproducible simulation.
//
// Every component draws from its own stream, derived from the scenario seed and the component's
// stable name (e.g. "link/alice->bob/loss"), so adding a component never changes another's draws.
// Engine: xoshiro256** (Blackman & Vigna), seeded through SplitMix64. Distributions are our own
// (never std::*_distribution, whose output differs between standard libraries).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace callsim::sim {

// 64-bit FNV-1a hash of a component name, stable across platforms.
uint64_t stable_hash(std::string_view text);
// "fnv1a64:<16 hex digits>": how result files and messages write such a hash (file and scenario
// fingerprints).
std::string fnv_label(uint64_t hash);

// SplitMix64 step: advances state and returns a well-mixed 64-bit value.
uint64_t splitmix64(uint64_t& state);

class RandomStream {
 public:
  // Seed from a scenario seed and a component name.
  RandomStream(uint64_t scenario_seed, std::string_view component);
  explicit RandomStream(uint64_t raw_seed);

  uint64_t next_u64();
  // Uniform in [0, 1) with 53 bits of precision.
  double uniform();
  // Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), n > 0, without modulo bias.
  uint64_t below(uint64_t n);
  bool bernoulli(double p) { return uniform() < p; }
  // Standard normal N(0,1), Marsaglia polar method (no cached spare, so each call is independent
  // of call history beyond the engine state).
  double normal();
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // Exponential with the given mean.
  double exponential(double mean);
  // Pareto (type I) with shape alpha and scale xm: xm / U^(1/alpha).
  double pareto(double alpha, double xm);

  // Derive an independent child stream (e.g. per packet source inside a component).
  RandomStream fork(std::string_view child) const;

 private:
  uint64_t s_[4];
};

}  // namespace callsim::sim
