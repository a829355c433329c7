#include "scenario/expectation.h"

#include <cmath>
#include <cstdio>

#include "common/text_parse.h"
#include "results/expectation_text.h"
#include "results/metric_table.h"

namespace callsim::scenario {

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
  const auto parts = results::split_expectation(text);
  if (!parts) {
    *error = "'" + text + "' is not of the form 'metric op value' (op one of < <= > >= ==)";
    return std::nullopt;
  }
  Expectation e;
  e.metric = parts->metric;
  const results::MetricInfo* info = results::find_metric(e.metric);
  if (!info) {
    *error = "unknown metric '" + e.metric + "' (`callsim metrics` lists them)";
    return std::nullopt;
  }
  const std::string& op = parts->op;
  e.op = op == "<" ? CompareOp::kLess : op == "<=" ? CompareOp::kLessEqual : op == ">" ? CompareOp::kGreater
       : op == ">=" ? CompareOp::kGreaterEqual : CompareOp::kEqual;
  const std::string& value = parts->value;
  // parse_whole_number (from_chars) takes no '+'.
  if (!parse_whole_number(std::string_view(value).substr(value[0] == '+' ? 1 : 0), e.value) ||
      !std::isfinite(e.value)) {
    *error = "value '" + value + "' is out of range";  // e.g. 1e400 (std::stod threw: exit 3)
    return std::nullopt;
  }
  // A threshold the metric can never have is a mistake ("packet_loss_ratio <= 5": percent for a
  // ratio; "mos_lqo_nb >= 7"; "packets_lost == 0.5"): it would pass or fail every call alike.
  if (!results::value_fits_kind(info->kind, e.value)) {
    *error = "'" + text + "': " + value + " is not a value " + e.metric + " can have (" +
             results::kind_allows(info->kind) + ")" +
             (info->kind == results::MetricKind::kRatio && e.value > 1 && e.value <= 100 ? ": a ratio, not a percentage"
                                                                                         : "");
    return std::nullopt;
  }
  e.text = text;
  return e;
}

bool compare(double measured, CompareOp op, double threshold) {
  return results::expectation_holds(measured, op_symbol(op), threshold);
}

namespace {

std::string unmeasured_note(const std::string& direction, const MeasurementContext& context) {
  std::string note = "not measured in " + direction;
  if (auto it = context.notes.find(direction); it != context.notes.end() && !it->second.empty()) {
    note += ": ";
    for (size_t i = 0; i < it->second.size(); ++i) note += (i ? "; " : "") + it->second[i];
  }
  return note;
}

// For an E-model R metric: the R metric of another scale the direction carries ("emodel_r_swb
// 88.1"), or "" (another kind of metric, or no rating at all).
std::string other_rating_scale(const results::MetricInfo& info, const std::map<std::string, double>& metrics) {
  if (!results::is_rating(info.kind)) return "";
  for (const auto& [name, value] : metrics) {
    const results::MetricInfo* m = results::find_metric(name);
    if (m && results::is_rating(m->kind) && m->kind != info.kind && std::isfinite(value)) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", value);
      return name + " " + buf;
    }
  }
  return "";
}

}  // namespace

std::vector<ExpectationOutcome> evaluate(
    const std::vector<Expectation>& expectations,
    const std::map<std::string, std::map<std::string, double>>& metrics_by_direction,
    const MeasurementContext& context) {
  using results::ExpectationStatus;
  std::vector<ExpectationOutcome> out;
  for (const auto& e : expectations) {
    const results::MetricInfo* info = results::find_metric(e.metric);
    for (const auto& [direction, metrics] : metrics_by_direction) {
      if (e.direction != "all" && e.direction != direction) continue;
      ExpectationOutcome o{e, direction, std::nullopt, ExpectationStatus::kFailed, ""};
      auto it = metrics.find(e.metric);
      if (it != metrics.end() && std::isfinite(it->second)) {
        // Judged on the value as result files store it (rounded to its kind's decimals): the
        // recorded figure supports the recorded verdict (0.002217 "fails" >= 0.002217 no more).
        const double measured = results::round_for_storage(e.metric, it->second);
        o.measured = measured;
        o.status = compare(measured, e.op, e.value) ? ExpectationStatus::kPassed : ExpectationStatus::kFailed;
      } else if (info && info->needs_pesq && !context.pesq_scored) {
        o.status = ExpectationStatus::kSkipped;
        o.note = "skipped: " + e.metric + " needs P.862 scoring, which was off (--no-score or \"scoring\": {\"pesq\": false})";
      } else if (const std::string other = other_rating_scale(*info, metrics); !other.empty()) {
        // An R of another scale: the direction was rated, on a scale this metric is not.
        o.note = "not measured in " + direction + ": the E-model rated it on another scale (" + other +
                 "); R values of different scales are not comparable (emodel_mos_cqe is, on every scale)";
      } else {
        o.note = unmeasured_note(direction, context);
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

results::ExpectationResult to_result(const ExpectationOutcome& o) {
  return results::ExpectationResult{o.direction, o.expectation.text, o.measured, o.status, o.note};
}

}  // namespace callsim::scenario
