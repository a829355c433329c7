// A constant-rate packet stream through one link: the core of `callsim netsim` and of the link
// tests. Packet i (id i) is sent at round(i·1e9/pps) ns, for all i with send time < duration.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/net/link.h"
#include "sim/net/link_config.h"
#include "sim/net/link_stats.h"
#include "sim/time.h"

namespace callsim::sim::net {

struct StreamResult {
  std::vector<Delivery> trace;  // every copy's fate, in send order
  LinkStats stats;
};

StreamResult run_link_stream(const LinkConfig& config, uint64_t seed, std::string_view link_name, double pps,
                             int64_t size_bytes, Duration duration);

// The per-packet trace as CSV: id,send_ms,arrival_ms,delay_ms,cause,duplicate,corrupted (times with
// 6 decimals, i.e. exact nanoseconds; arrival and delay empty for a dropped copy).
std::string trace_to_csv(const std::vector<Delivery>& trace);

}  // namespace callsim::sim::net
