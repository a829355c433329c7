#include "results/link_stats_json.h"

#include <cmath>
#include <limits>
#include <string>

namespace callsim::results {

double json_round(double v, int decimals) {
  if (!std::isfinite(v)) return std::numeric_limits<double>::quiet_NaN();  // written as null
  const double k = std::pow(10.0, decimals);
  const double r = std::round(v * k) / k;
  return r == 0.0 ? 0.0 : r;  // no "-0"
}

namespace {

using nlohmann::json;

double rnd(double v, int decimals = 4) { return json_round(v, decimals); }

}  // namespace

json link_stats_json(const sim::net::LinkStats& s) {
  namespace net = sim::net;
  json causes = json::object();
  for (size_t c = 1; c < net::kDropCauseCount; ++c)
    causes[net::to_string(static_cast<net::DropCause>(c))] = s.lost_by_cause[c];
  json bursts = json::object();
  for (size_t k = 1; k < s.burst_histogram.size(); ++k)
    if (s.burst_histogram[k]) bursts[std::to_string(k)] = s.burst_histogram[k];
  return {{"sent", s.sent},
          {"delivered", s.delivered},
          {"lost", s.lost},
          {"loss_rate", rnd(s.loss_rate, 6)},
          {"lost_by_cause", causes},
          {"duplicated", s.duplicated},
          {"duplicates_delivered", s.duplicates_delivered},
          {"corrupted_delivered", s.corrupted_delivered},
          {"reordered", s.reordered},
          {"delay_ms",
           {{"mean", rnd(s.delay_mean_ms)},
            {"p50", rnd(s.delay_p50_ms)},
            {"p95", rnd(s.delay_p95_ms)},
            {"p99", rnd(s.delay_p99_ms)},
            {"min", rnd(s.delay_min_ms)},
            {"max", rnd(s.delay_max_ms)}}},
          {"delay_variation_ms",
           {{"pdv_p95", rnd(s.pdv_p95_ms)},
            {"pdv_p99", rnd(s.pdv_p99_ms)},
            {"ipdv_abs_mean", rnd(s.ipdv_abs_mean_ms)},
            {"ipdv_abs_p99", rnd(s.ipdv_abs_p99_ms)}}},
          {"interarrival_jitter_final_ms", rnd(s.jitter_ms)},
          {"loss_bursts", bursts},
          {"mean_burst_length", rnd(s.mean_burst_length)},
          {"queue",
           {{"max_packets", s.queue.max_packets},
            {"max_bytes", s.queue.max_bytes},
            {"max_sojourn_ms", rnd(s.queue.max_sojourn.to_ms())},
            {"overflow_drops", s.queue.overflow_drops}}},
          {"cross_traffic", {{"sent", s.cross_traffic.sent}, {"dropped", s.cross_traffic.dropped}}}};
}

}  // namespace callsim::results
