// The JSON form of one link's statistics (sim::net::LinkStats), written by `callsim netsim --json`
// and as each direction's "network" object in result.json: one writer, so the two never drift.
//   {"sent", "delivered", "lost", "loss_rate" (lost / sent), "lost_by_cause": {cause: count},
//    "duplicated", "duplicates_delivered", "corrupted_delivered", "reordered",
//    "delay_ms": {"mean", "p50", "p95", "p99", "min", "max"},
//    "delay_variation_ms": {"pdv_p95", "pdv_p99", "ipdv_abs_mean", "ipdv_abs_p99"},
//    "interarrival_jitter_final_ms" (RFC 3550 with the send time as timestamp),
//    "loss_bursts": {"<length>": count}, "mean_burst_length" (packets),
//    "queue": {"max_packets", "max_bytes", "max_sojourn_ms", "overflow_drops"} (the bottleneck queue
//      sees every packet that enters it: duplicate copies and cross traffic too, so overflow_drops
//      can exceed lost_by_cause.queue_overflow, which counts the stream's original packets, and
//      max_sojourn_ms can exceed the stream's limit_ms plus one serialization by a cross-traffic
//      packet's),
//    "cross_traffic": {"sent", "dropped"}}
// Counts are integers; ms figures are rounded to 4 decimals, loss_rate to 6.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/net/link_stats.h"

namespace callsim::results {

nlohmann::json link_stats_json(const sim::net::LinkStats& stats);

// `v` rounded to `decimals` places for a JSON output (stable, readable; never "-0"). A non-finite
// value (a figure that could not be measured, e.g. a mean over no samples) stays NaN, which
// nlohmann::json writes as null: it is never turned into a plausible 0.
double json_round(double v, int decimals = 4);

}  // namespace callsim::results
