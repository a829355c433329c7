// Expectations: per-direction thresholds on call metrics, written as "metric op value"
// (e.g. "mos_lqo_wb >= 3.6", "mouth_to_ear_p95_ms <= 250", "concealed_ratio <= 0.03").
// A scenario passes when every expectation holds; a metric that was not measured fails.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace callsim::scenario {

enum class CompareOp { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual };

struct Expectation {
  std::string direction;  // "alice->bob", or "all" for every direction
  std::string metric;
  CompareOp op = CompareOp::kGreaterEqual;
  double value = 0.0;
  std::string text;     // as written
  std::string pointer;  // where it was written (for messages)
};

struct ExpectationOutcome {
  Expectation expectation;
  std::string direction;  // the concrete direction it was checked on
  std::optional<double> measured;
  bool passed = false;
};

// The metrics an expectation may name (the per-direction scalars of result.json).
const std::vector<std::string>& known_metrics();

// Parses "metric op value"; nullopt with `error` set when malformed or the metric is unknown.
std::optional<Expectation> parse_expectation(const std::string& text, std::string* error);

std::string op_symbol(CompareOp op);
bool compare(double measured, CompareOp op, double threshold);

// Checks every expectation against the measured metrics of each direction.
std::vector<ExpectationOutcome> evaluate(const std::vector<Expectation>& expectations,
                                         const std::map<std::string, std::map<std::string, double>>& metrics_by_direction);

}  // namespace callsim::scenario
