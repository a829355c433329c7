// The CLI summary of a call (`callsim run`): one block per direction, figures formatted by the
// metric table (counts without decimals, R with its scale), then the expectation outcomes.
#include <cstdio>
#include <sstream>

#include "call/call_metrics.h"
#include "call/call_output.h"
#include "results/metric_table.h"
#include "scenario/scenario.h"

namespace callsim::call {
namespace {

class DirectionLine {
 public:
  explicit DirectionLine(const DirectionResult& d) : d_(d) {}
  // The metric as printed ("n/a" when not measured), optionally with its unit.
  std::string operator()(const std::string& name, bool unit = false) const {
    auto it = d_.metrics.find(name);
    if (it == d_.metrics.end()) return "n/a";
    return unit ? results::format_metric_with_unit(name, it->second) : results::format_metric(name, it->second);
  }
  std::string percent(const std::string& name) const {
    auto it = d_.metrics.find(name);
    if (it == d_.metrics.end()) return "n/a";
    // One decimal, more where that would read as none or all (1999 of 2000 lost is not "100.0%").
    const double pct = 100.0 * it->second;
    std::string text = results::fixed_apart(pct, pct >= 50.0 ? 100.0 : 0.0, 1);
    return text + "%";
  }

 private:
  const DirectionResult& d_;
};

std::string emodel_text(const DirectionResult& d, const DirectionLine& m) {
  if (!d.emodel) return "E-model n/a";
  const std::string r_name = scenario::emodel_r_metric(d.emodel->scale);
  char scale[16];
  std::snprintf(scale, sizeof scale, "%.0f", quality::scale_max(d.emodel->scale));
  const char* model = d.emodel->scale == quality::EModelScale::kNarrowband ? "G.107"
                      : d.emodel->scale == quality::EModelScale::kWideband ? "G.107.1"
                                                                            : "super-wideband, provisional";
  return "E-model MOS-CQE " + m("emodel_mos_cqe") + " (R " + m(r_name) + " of " + scale + ", " + model + ")";
}

void direction_block(std::ostringstream& os, const DirectionResult& d) {
  const DirectionLine m(d);
  os << "  " << d.name << ":  MOS-LQO nb " << m("mos_lqo_nb") << "  wb " << m("mos_lqo_wb") << "  "
     << emodel_text(d, m) << "\n"
     << "    network: sent " << m("packets_sent") << ", lost " << m("packets_lost") << " ("
     << m.percent("packet_loss_ratio") << ")  delay mean " << m("network_delay_mean_ms", true) << ", p95 "
     << m("network_delay_p95_ms", true) << "  PDV p95 " << m("pdv_p95_ms", true) << "  jitter (RFC 3550) mean "
     << m("interarrival_jitter_mean_ms") << ", max " << m("interarrival_jitter_max_ms", true) << "\n"
     << "    receiver: mouth-to-ear mean " << m("mouth_to_ear_mean_ms", true) << ", p95 "
     << m("mouth_to_ear_p95_ms", true) << "  jitter-buffer delay " << m("jitter_buffer_delay_mean_ms", true) << "  late "
     << m("packets_discarded_late") << "  FEC recovered " << m("fec_frames_recovered") << "  effective loss "
     << m.percent("effective_loss_ratio") << "  concealed " << m.percent("concealed_ratio") << "\n";
  for (const auto& n : d.notes) os << "    note: " << n << "\n";
}

std::string outcome_word(results::ExpectationStatus s) {
  switch (s) {
    case results::ExpectationStatus::kPassed: return "PASS ";
    case results::ExpectationStatus::kFailed: return "FAIL ";
    case results::ExpectationStatus::kSkipped: return "SKIP ";
  }
  return "?    ";
}

}  // namespace

std::string summarize(const CallResult& r) {
  std::ostringstream os;
  char head[64];
  std::snprintf(head, sizeof head, "%.1f", r.duration_s);
  os << "scenario " << r.scenario_name << " (seed " << r.seed << ", " << head << " s)\n";
  for (const auto& d : r.directions) direction_block(os, d);
  for (const auto& e : r.expectations) {
    os << "  " << outcome_word(e.status) << e.direction << ": " << e.expectation.text;
    if (e.measured)
      os << "  (measured " << results::format_metric_apart(e.expectation.metric, *e.measured, e.expectation.value)
         << ")";
    else
      os << "  (" << e.note << ")";
    os << "\n";
  }
  os << (r.passed ? "PASSED" : "FAILED") << "\n";
  return os.str();
}

}  // namespace callsim::call
