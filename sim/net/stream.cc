#include "sim/net/stream.h"

#include <cmath>

#include "sim/net/fate_log.h"

namespace callsim::sim::net {

StreamResult run_link_stream(const LinkConfig& config, uint64_t seed, std::string_view link_name, double pps,
                             int64_t size_bytes, Duration duration) {
  Link link(config, seed, link_name);
  StreamResult result;
  LinkStatsCollector collector;
  for (uint64_t i = 0;; ++i) {
    const Timestamp t = Timestamp::from_ns(std::llround(static_cast<double>(i) * 1e9 / pps));
    if (t.ns() >= duration.ns()) break;
    const size_t first = result.trace.size();
    link.send(t, {i, size_bytes}, result.trace);
    for (size_t k = first; k < result.trace.size(); ++k) collector.add(result.trace[k]);
  }
  result.stats = collector.finish(link);
  return result;
}

std::string trace_to_csv(const std::vector<Delivery>& trace) {
  std::string out = "id,send_ms,arrival_ms,delay_ms,cause,duplicate,corrupted\n";
  out.reserve(trace.size() * 48 + out.size());
  for (const auto& d : trace) {
    out += std::to_string(d.id);
    out += ',';
    append_exact_ms(out, d.sent.ns());
    out += ',';
    if (d.delivered()) {
      append_exact_ms(out, d.arrival.ns());
      out += ',';
      append_exact_ms(out, (d.arrival - d.sent).ns());
    } else {
      out += ',';
    }
    out += ',';
    out += to_string(d.cause);
    out += d.duplicate ? ",1," : ",0,";
    out += d.corrupted ? "1\n" : "0\n";
  }
  return out;
}

}  // namespace callsim::sim::net
