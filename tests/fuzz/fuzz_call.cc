// Fuzz target: a scenario that `validate` accepts must run. JSON text through the scenario reader
// and parser (what `callsim validate` checks); a scenario it refuses (InputError) is done. One it
// accepts is run as `callsim run` runs it (P.862 scoring on), and then:
//   - anything thrown, InputError included, is a finding: validate accepted what run refused (or
//     callsim has a bug: exit 3);
//   - every metric of every direction is in the metric table and means what its kind says
//     (results::value_fits_kind, which the result readers also apply: finite; a count a whole
//     number >= 0; a ratio in [0, 1]; ms >= 0; MOS-LQO in [1, 4.64], MOS-CQE in [1, 4.5], P.862
//     raw in [-0.5, 4.5], R in [0, its scale]); P.862 metrics absent
//     when scoring is off, wideband ones absent on a narrowband direction;
//   - the packet counts add up: the link counts what the sender sent, delivers and loses at most
//     that (duplicates apart), its loss rate is a fraction; the playout covers the call and at most 2 s of
//     drain after it;
//   - the result document, the results-file record and the summary build (no throw, e.g. on text
//     that is not UTF-8);
//   - a second run gives the same result document and the same played audio, bit for bit.
// Only calls of at most 1.5 s are run (seed corpus corpus/call/: short calls), and scenarios with a
// plugin buffer are not (the target loads no shared library the input names). File references
// resolve against a folder that does not exist (built-in profiles and talkers still work).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "call/call_output.h"
#include "call/call_runner.h"
#include "common/error.h"
#include "fuzz_input.h"
#include "json/json_node.h"
#include "results/metric_table.h"
#include "scenario/scenario.h"

namespace {

[[noreturn]] void finding(const std::string& what) { callsim::fuzz::finding("fuzz_call", what); }

void check_metric(const callsim::call::DirectionResult& d, const std::string& name, double v, bool scored) {
  const auto* info = callsim::results::find_metric(name);
  const std::string where = d.name + ": metric " + name + " = " + std::to_string(v);
  if (!info) finding(where + ": not in the metric table");
  if (!std::isfinite(v)) finding(where + ": not finite");
  if (info->needs_pesq && !scored) finding(where + ": a P.862 figure without P.862 scoring");
  if (info->needs_wideband && d.sample_rate_hz < 16000) finding(where + ": a wideband figure on a narrowband direction");
  if (!callsim::results::value_fits_kind(info->kind, v))
    finding(where + ": outside what its kind (" + std::string(callsim::results::unit_label(info->kind)) +
            ") allows: " + callsim::results::kind_allows(info->kind));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  callsim::scenario::Scenario s;
  try {
    const nlohmann::json doc = callsim::parse_json_text(text, "fuzz.json");
    s = callsim::scenario::parse_scenario(doc, "fuzz.json", "/nonexistent-callsim-fuzz");
    (void)callsim::scenario::input_notes(s);
  } catch (const callsim::InputError&) {
    return 0;  // refused by validate: run would refuse it the same way
  }
  if (s.duration > callsim::sim::Duration::millis(1500)) return 0;
  for (const auto& [name, peer] : s.peers)
    if (peer.jitter_buffer.kind == callsim::jitter::JitterBufferKind::kPlugin) return 0;

  callsim::call::CallResult r;
  try {
    r = callsim::call::run_call(s);
    const std::string doc = callsim::call::result_to_json(r).dump();
    (void)callsim::call::make_record(r);
    (void)callsim::call::summarize(r);
    // Same scenario and seed: the same result, bit for bit.
    const callsim::call::CallResult again = callsim::call::run_call(s);
    if (callsim::call::result_to_json(again).dump() != doc) finding("a second run of the call gave another result.json");
    for (size_t i = 0; i < r.directions.size(); ++i)
      if (again.directions[i].degraded.samples != r.directions[i].degraded.samples)
        finding(r.directions[i].name + ": a second run played other audio");
  } catch (const std::exception& e) {
    finding(std::string("validate accepted the scenario, run threw: ") + e.what());
  }
  if (r.directions.size() != s.directions.size()) finding("a direction is missing from the result");
  for (const auto& d : r.directions) {
    for (const auto& [name, v] : d.metrics) check_metric(d, name, v, r.pesq_scored);
    if (d.packets_sent < 0 || d.malformed_packets < 0) finding(d.name + ": a negative packet count");
    const auto& l = d.link;
    if (l.delivered + l.lost > l.sent || l.duplicates_delivered > l.duplicated)
      finding(d.name + ": the link delivered " + std::to_string(l.delivered) + " (+" +
              std::to_string(l.duplicates_delivered) + " duplicates of " + std::to_string(l.duplicated) + ") and lost " +
              std::to_string(l.lost) + " of " + std::to_string(l.sent) + " sent");
    if (static_cast<int64_t>(l.sent) != d.packets_sent)
      finding(d.name + ": the sender counted " + std::to_string(d.packets_sent) + " packets, the link " + std::to_string(l.sent));
    if (!std::isnan(l.loss_rate) && !(l.loss_rate >= 0 && l.loss_rate <= 1))
      finding(d.name + ": link loss rate " + std::to_string(l.loss_rate));
    // Playout runs over the call and then drains what is still in flight (peer/direction.h: at
    // most 2 s more), in 10 ms ticks of the receiver's clock (drift within the schema's +-1000 ppm).
    const double rate = d.sample_rate_hz, call = s.duration.to_seconds();
    const double got = static_cast<double>(d.degraded.samples.size());
    if (got < call * rate * 0.999 - 0.01 * rate || got > (call + 2.0) * rate * 1.001 + 0.01 * rate)
      finding(d.name + ": " + std::to_string(got) + " samples played on a call of " + std::to_string(call) + " s at " +
              std::to_string(d.sample_rate_hz) + " Hz");
  }
  return 0;
}
