#include "scenario/expectation.h"

#include <algorithm>
#include <cmath>
#include <regex>

namespace callsim::scenario {

const std::vector<std::string>& known_metrics() {
  static const std::vector<std::string> names = {
      "mos_lqo_nb", "mos_lqo_wb", "pesq_raw_nb", "mos_lqo_nb_min_window", "mos_lqo_wb_min_window",
      "emodel_r", "emodel_mos", "mouth_to_ear_mean_ms", "mouth_to_ear_p95_ms", "mouth_to_ear_max_ms",
      "jitter_buffer_delay_mean_ms", "jitter_buffer_delay_p95_ms", "target_delay_mean_ms",
      "packets_sent", "packets_received", "packets_lost", "packet_loss_ratio", "packets_discarded_late",
      "late_discard_ratio", "packets_duplicated", "network_delay_mean_ms", "network_delay_p95_ms",
      "network_jitter_ms", "concealed_samples", "concealed_ratio", "concealment_events",
      "silent_concealed_samples", "inserted_samples_for_deceleration", "removed_samples_for_acceleration",
      "fec_packets_used", "effective_loss_ratio"};
  return names;
}

std::string op_symbol(CompareOp op) {
  switch (op) {
    case CompareOp::kLess: return "<";
    case CompareOp::kLessEqual: return "<=";
    case CompareOp::kGreater: return ">";
    case CompareOp::kGreaterEqual: return ">=";
    case CompareOp::kEqual: return "==";
  }
  return "?";
}

std::optional<Expectation> parse_expectation(const std::string& text, std::string* error) {
  static const std::regex re(R"(^\s*([a-z0-9_]+)\s*(<=|>=|==|<|>)\s*([-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) {
    *error = "'" + text + "' is not of the form 'metric op value' (op one of < <= > >= ==)";
    return std::nullopt;
  }
  Expectation e;
  e.metric = m[1];
  const auto& names = known_metrics();
  if (std::find(names.begin(), names.end(), e.metric) == names.end()) {
    *error = "unknown metric '" + e.metric + "'";
    return std::nullopt;
  }
  const std::string op = m[2];
  e.op = op == "<" ? CompareOp::kLess : op == "<=" ? CompareOp::kLessEqual : op == ">" ? CompareOp::kGreater
       : op == ">=" ? CompareOp::kGreaterEqual : CompareOp::kEqual;
  e.value = std::stod(m[3]);
  e.text = text;
  return e;
}

bool compare(double measured, CompareOp op, double threshold) {
  if (!std::isfinite(measured)) return false;
  switch (op) {
    case CompareOp::kLess: return measured < threshold;
    case CompareOp::kLessEqual: return measured <= threshold;
    case CompareOp::kGreater: return measured > threshold;
    case CompareOp::kGreaterEqual: return measured >= threshold;
    case CompareOp::kEqual: return measured == threshold;
  }
  return false;
}

std::vector<ExpectationOutcome> evaluate(
    const std::vector<Expectation>& expectations,
    const std::map<std::string, std::map<std::string, double>>& metrics_by_direction) {
  std::vector<ExpectationOutcome> out;
  for (const auto& e : expectations) {
    for (const auto& [direction, metrics] : metrics_by_direction) {
      if (e.direction != "all" && e.direction != direction) continue;
      ExpectationOutcome o{e, direction, std::nullopt, false};
      auto it = metrics.find(e.metric);
      if (it != metrics.end()) {
        o.measured = it->second;
        o.passed = compare(it->second, e.op, e.value);
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

}  // namespace callsim::scenario
