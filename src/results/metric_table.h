// The one vocabulary of call metrics: every per-direction figure a call result carries, with its
// unit, kind, which way is worse, default regression tolerance and one-line meaning. The result
// writer, the expectation parser, the baseline, `callsim check`, JUnit, the report, the
// baseline schema's metric enum and scenarios/README.md all take metric names and their display
// from here (tests tie the produced metrics, the schema enum and the README table to it).
//
// Kinds and their units:
//   count      an integer (packets, samples, events); written and printed without decimals
//   ratio      a fraction in [0, 1] of what the meaning says (not percent)
//   ms         milliseconds
//   MOS-LQO    P.862.1 / P.862.2 listening-quality MOS, 1.02..4.56 (nb) / 1.04..4.64 (wb)
//   MOS-CQE    E-model conversational-quality MOS (G.107 Annex B), clamped to [1, 4.5]; the same
//              scale whatever the codec's band, so the E-model figure to compare across calls
//   P.862 raw  the P.862 raw score, -0.5..4.5
//   R/100, R/129, R/148   the E-model rating R on the scale of the model that rated the call:
//              G.107 narrowband (0..100), G.107.1 wideband (0..129), the provisional 148-point
//              super-wideband scale. R values of different scales are never compared or averaged.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callsim::results {

enum class MetricKind { kCount, kRatio, kMilliseconds, kMosLqo, kMosCqe, kPesqRaw, kR100, kR129, kR148 };

enum class Worse { kLower, kHigher, kNeither };  // which direction of change is a regression

// A regression tolerance: allowed = max(absolute, relative * |baseline value|), in the metric's unit.
struct Tolerance {
  std::optional<double> absolute;
  std::optional<double> relative;  // fraction of |baseline value|
  bool empty() const { return !absolute && !relative; }
};

struct MetricInfo {
  std::string name;
  MetricKind kind = MetricKind::kRatio;
  Worse worse = Worse::kNeither;
  Tolerance tolerance;      // the default tolerance (empty when `worse` is kNeither)
  bool tracked = false;     // a new baseline compares it by default
  bool needs_pesq = false;  // measured only when P.862 scoring is on
  std::string meaning;
  bool needs_wideband = false;  // P.862.2: measured only on a direction whose codec runs at >= 16 kHz
};

// Every metric, in the order the README lists them.
const std::vector<MetricInfo>& metric_table();
// nullptr for a name not in the table.
const MetricInfo* find_metric(std::string_view name);

// "count", "ratio", "ms", "MOS-LQO", "MOS-CQE", "P.862 raw", "R/100", "R/129", "R/148".
std::string_view unit_label(MetricKind kind);
// What the unit means, e.g. "E-model R, G.107.1 wideband scale 0..129".
std::string_view unit_description(MetricKind kind);
std::string to_string(Worse worse);  // "lower", "higher", "neither"
bool is_rating(MetricKind kind);          // one of the R scales
// The name with the scale of an E-model R beside it ("emodel_r_wb [R/129]"): an R figure means
// nothing without its scale. Other names as they are.
std::string name_with_scale(std::string_view metric);
// What name_with_scale adds: " [R/129]" for an R, "" otherwise.
std::string scale_suffix(std::string_view metric);
// The top of an R scale (100, 129 or 148); 0 for other kinds.
double rating_scale_max(MetricKind kind);

// Whether `value` is one a metric of this kind can have: finite; a count a whole number >= 0; a
// ratio in [0, 1]; ms >= 0; MOS-LQO in [1, 4.64]; MOS-CQE in [1, 4.5]; P.862 raw in [-0.5, 4.5];
// R in [0, its scale]. Result readers refuse other values; the call fuzz target checks the writer.
bool value_fits_kind(MetricKind kind, double value);
// What value_fits_kind allows, for messages: "a whole number >= 0", "in [0, 1]", ...
std::string kind_allows(MetricKind kind);

// Decimals a value of this kind is shown with (count 0, ms 1, ratio 4, MOS 3, P.862 raw 3, R 2).
int display_decimals(MetricKind kind);
// Decimals a value of this kind is stored with in result files (count 0, ratio 6, others 4).
int stored_decimals(MetricKind kind);
// The value rounded as result files store it (counts to integers). Unknown names: 4 decimals.
double round_for_storage(std::string_view name, double value);
// The value as printed: its display decimals ("5", "0.0123", "4.231", "123.4"); unknown names
// get 3 decimals, or none when integral.
std::string format_metric(std::string_view name, double value);
// `value` with `decimals`, or with more (up to 9) where those would print it as `other` although
// it is not: a measured 2.9537 against a threshold of 2.954 reads "2.9537" (not a FAIL that shows
// "measured 2.954"), a move of 0.1001 against an allowed 0.1 reads "0.1001".
std::string fixed_apart(double value, double other, int decimals);
// format_metric with fixed_apart's rule: `value` never prints as `other` unless it is.
std::string format_metric_apart(std::string_view name, double value, double other);
// The value with its unit where one helps the reader: "123.4 ms", "109.15 (R/148)", "5", "0.0123".
std::string format_metric_with_unit(std::string_view name, double value);
// True when a and b print the same (a change below display precision).
bool same_at_display_precision(std::string_view name, double a, double b);

// scenarios/README.md's metric table (markdown rows with header), generated from the table.
std::string metric_table_markdown();

}  // namespace callsim::results
