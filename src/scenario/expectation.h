// Expectations: per-direction thresholds on call metrics, written as "metric op value"
// (e.g. "mos_lqo_wb >= 3.6", "mouth_to_ear_p95_ms <= 250", "concealed_ratio <= 0.03"); the
// metric names are those of results/metric_table.h. A scenario passes when no expectation
// fails. An expectation on a metric that was not measured fails (with a note saying so), except
// when the metric needs P.862 scoring and scoring was off: then it is skipped, with a note, and
// does not fail the call.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "results/call_record.h"

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
  results::ExpectationStatus status = results::ExpectationStatus::kFailed;
  std::string note;  // why nothing was measured / why skipped
  bool failed() const { return status == results::ExpectationStatus::kFailed; }
};

// What evaluate() needs to know about how a call was measured.
struct MeasurementContext {
  bool pesq_scored = true;  // P.862 scoring ran
  // Per direction, why some figures are missing (e.g. "nb: no window had enough speech to score").
  std::map<std::string, std::vector<std::string>> notes;
};

// Parses "metric op value"; nullopt with `error` set when malformed or the metric is unknown.
std::optional<Expectation> parse_expectation(const std::string& text, std::string* error);

std::string op_symbol(CompareOp op);
bool compare(double measured, CompareOp op, double threshold);

// Checks every expectation against the measured metrics of each direction.
std::vector<ExpectationOutcome> evaluate(const std::vector<Expectation>& expectations,
                                         const std::map<std::string, std::map<std::string, double>>& metrics_by_direction,
                                         const MeasurementContext& context = {});

// The record form of an outcome (results.jsonl, result.json).
results::ExpectationResult to_result(const ExpectationOutcome& outcome);

}  // namespace callsim::scenario
