// Packets per second through one sim::net::Link, from a perfect wire to every model switched on
// (Gilbert-Elliott loss, correlated jitter, reordering, duplication, corruption, rate-limited queue,
// on/off cross traffic, a ramping phase). One packet per 20 ms of simulated time; the
// items_per_second counter is packets per second of wall time on one core.
#include <benchmark/benchmark.h>

#include <vector>

#include "sim/net/link.h"
#include "sim/net/link_stats.h"

namespace {
namespace net = callsim::sim::net;
using callsim::sim::Duration;
using callsim::sim::Timestamp;

net::LinkConfig all_models() {
  net::LinkConfig c;
  c.loss.model = net::LossModel::kGilbertElliott;
  c.loss.p = 0.01;
  c.loss.r = 0.3;
  c.delay.base_ms = 40;
  c.delay.jitter_ms = 10;
  c.delay.distribution = net::JitterDistribution::kNormal;
  c.delay.correlation = 0.25;
  c.reorder.p = 0.01;
  c.duplicate.p = 0.01;
  c.corrupt.p = 0.001;
  c.rate.kbps = 2000;
  c.rate.queue.limit_ms = 200;
  c.cross_traffic.kbps = 1000;
  c.cross_traffic.pattern = net::CrossPattern::kOnOff;
  c.cross_traffic.on_ms = 500;
  c.cross_traffic.off_ms = 500;
  net::Phase ramp;
  ramp.start = Duration::seconds(5);
  ramp.end = Duration::seconds(1000000);  // active for the whole run: ramps evaluated per packet
  ramp.ramps.push_back({net::RampParam::kDelayBaseMs, 40, 400});
  c.phases.push_back(ramp);
  return c;
}

void run(benchmark::State& state, const net::LinkConfig& config) {
  net::Link link(config, 1, "alice->bob");
  std::vector<net::Delivery> out;
  out.reserve(4096);
  Timestamp t;
  uint64_t id = 0;
  for (auto _ : state) {
    link.send(t, {id++, 160}, out);
    t += Duration::millis(20);
    if (out.size() >= 4000) {
      benchmark::DoNotOptimize(out.data());
      out.clear();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(id));
}

void BM_LinkPerfectWire(benchmark::State& state) { run(state, net::LinkConfig{}); }
BENCHMARK(BM_LinkPerfectWire);

void BM_LinkAllModels(benchmark::State& state) { run(state, all_models()); }
BENCHMARK(BM_LinkAllModels);

void BM_LinkParetoNormalMarginal(benchmark::State& state) {
  net::LinkConfig c = all_models();
  c.delay.distribution = net::JitterDistribution::kParetoNormal;
  c.delay.correlation_mode = net::CorrelationMode::kMarginal;
  run(state, c);
}
BENCHMARK(BM_LinkParetoNormalMarginal);

// The statistics side: collecting and finishing 100 000 deliveries (sorts for percentiles).
void BM_StatsCollect100k(benchmark::State& state) {
  net::Link link(all_models(), 1, "alice->bob");
  std::vector<net::Delivery> trace;
  for (uint64_t i = 0; i < 100000; ++i)
    link.send(Timestamp::from_ns(static_cast<int64_t>(i) * 20000000), {i, 160}, trace);
  for (auto _ : state) {
    net::LinkStatsCollector c;
    c.add(trace);
    benchmark::DoNotOptimize(c.finish());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(trace.size()));
}
BENCHMARK(BM_StatsCollect100k)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
