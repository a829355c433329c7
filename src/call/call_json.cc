// result.json of a call, and the call's results::CallRecord. The record's sections (expectations,
// per-direction metrics, scoring) are written by the results module's writers, so result.json and
// a sweep's results.jsonl line hold the same bytes for them.
#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

#include "call/call_output.h"
#include "call/call_metrics.h"
#include "call/call_scoring.h"
#include "common/version.h"
#include "results/link_stats_json.h"
#include "scenario/scenario.h"
#include "scoring/score_json.h"

namespace callsim::call {
namespace {

using nlohmann::json;

// Rounds to `decimals` so outputs are stable and readable (results::json_round).
double rnd(double v, int decimals = 4) { return results::json_round(v, decimals); }

// RFC 3550 receiver accounting (A.1, A.3, A.8), what RTCP receiver reports would carry. It counts
// from the first packet that arrived, so it cannot see a lost head of the stream; the loss metrics
// count against what the sender sent.
json rtp_json(const DirectionResult& d) {
  const auto& r = d.rtp;
  return {{"received", r.received},
          {"expected", r.expected},
          {"cumulative_lost", r.lost},
          {"duplicates", r.duplicates},
          {"reordered", r.reordered},
          {"malformed", d.malformed_packets},
          // null until a second packet gave the estimate something to measure (as the metrics)
          {"interarrival_jitter_ms",
           r.jitter_updates > 0
               ? json{{"final", rnd(r.jitter_ms)}, {"mean", rnd(r.mean_jitter_ms)}, {"max", rnd(r.max_jitter_ms)}}
               : json(nullptr)}};
}

// "getStats" holds only members that mirror W3C RTCInboundRtpStreamStats (same meaning, same
// units: seconds for the delay sums); the rest are callsim's own, in snake_case.
// A plugin buffer's section also names the library and its build ("plugin": path, fingerprint).
json jitter_json(const DirectionResult& d) {
  const jitter::JitterStats& j = d.jitter;
  const json get_stats = {{"packetsReceived", j.packets_received},
                          {"packetsDiscarded", j.packets_discarded},
                          {"fecPacketsReceived", j.fec_packets_received},
                          {"jitterBufferDelay", rnd(j.jitter_buffer_delay_s, 6)},
                          {"jitterBufferTargetDelay", rnd(j.jitter_buffer_target_delay_s, 6)},
                          {"jitterBufferEmittedCount", j.jitter_buffer_emitted_count},
                          {"totalSamplesReceived", j.total_samples_received},
                          {"concealedSamples", j.concealed_samples},
                          {"silentConcealedSamples", j.silent_concealed_samples},
                          {"concealmentEvents", j.concealment_events},
                          {"insertedSamplesForDeceleration", j.inserted_samples_for_deceleration},
                          {"removedSamplesForAcceleration", j.removed_samples_for_acceleration}};
  json out = {{"getStats", get_stats},
          {"packets_duplicated", j.packets_duplicated},
          {"fec_frames_recovered", j.fec_packets_used},
          // null when no decoded sample was played: no delay was measured
          {"delay_mean_ms", j.jitter_buffer_emitted_count > 0 ? json(rnd(j.mean_delay_ms())) : json(nullptr)},
          {"delay_p95_ms", j.jitter_buffer_emitted_count > 0 ? json(rnd(j.jitter_buffer_delay_p95_ms)) : json(nullptr)},
          {"comfort_noise_samples", j.comfort_noise_samples},
          {"interruption_count", j.interruption_count},
          {"interruption_duration_s", rnd(j.total_interruption_duration_s, 6)}};
  if (!d.jitter_plugin_path.empty())
    out["plugin"] = {{"path", d.jitter_plugin_path}, {"fingerprint", d.jitter_plugin_fingerprint}};
  return out;
}

// A P.862 block (src/scoring's report: every window, the call-level figures or why there are
// none) and the `callsim score` command line, relative to the call's folder, that reproduces it.
json pesq_json(const std::string& direction, const scoring::ScoreReport& r) {
  json j = scoring::report_json(r);
  // `callsim score` refuses a pair with nothing to score (exit 2): no command that would.
  if (r.scored_windows + r.unscorable_windows == 0)
    j["command_unavailable"] = "no window has 1 s of reference speech: nothing to score";
  else
    j["command"] = reproduce_command(direction, r);
  return j;
}

const char* scale_text(quality::EModelScale s) {
  switch (s) {
    case quality::EModelScale::kNarrowband: return "G.107 narrowband, R 0..100";
    case quality::EModelScale::kWideband: return "G.107.1 wideband, R 0..129";
    case quality::EModelScale::kSuperwideband: return "super-wideband, R 0..148 (provisional)";
  }
  return "?";
}

}  // namespace

json emodel_json(const quality::CallRating& c) {
  const auto& r = c.result;
  return {{"model", c.model},
          {"scale", scale_text(c.scale)},
          {"r_max", quality::scale_max(c.scale)},
          {"r", rnd(r.r, 2)},
          {"r_unclamped", rnd(c.r_unclamped, 2)},
          {"mos_cqe", rnd(r.mos, 3)},
          {"ie", rnd(c.codec.ie, 2)},
          {"bpl", rnd(c.codec.bpl_random, 2)},
          {"id", rnd(r.id, 2)},
          {"ie_eff", rnd(r.ie_eff, 2)},
          {"inputs",
           {{"ta_ms", rnd(c.inputs.mouth_to_ear_delay_ms, 3)},
            {"ppl_pct", rnd(c.inputs.packet_loss_pct, 4)},
            {"burst_r", rnd(c.inputs.burst_ratio, 4)},  // measured; the rating applies:
            {"burst_r_applied", rnd(quality::applied_burst_ratio(c.inputs.burst_ratio), 4)},
            {"bitrate_bps", c.inputs.bitrate_bps}}}};
}

namespace {

json direction_json(const DirectionResult& d) {
  json quality = json::object();
  if (d.pesq_nb) quality["pesq_nb"] = pesq_json(d.name, *d.pesq_nb);
  if (d.pesq_wb) quality["pesq_wb"] = pesq_json(d.name, *d.pesq_wb);
  if (d.emodel) {
    quality["emodel"] = emodel_json(*d.emodel);
    quality["emodel"]["command"] = emodel_command(d.emodel->inputs);
  }
  if (d.pesq_nb || d.pesq_wb) quality["unplayed_reference_speech_s"] = rnd(d.unplayed_reference_speech_s, 2);
  const std::string f = scenario::direction_folder(d.name) + "/";
  return {{"from", d.from},
          {"to", d.to},
          {"sample_rate_hz", d.sample_rate_hz},
          {"metrics", results::metrics_to_json(d.metrics)},
          {"network", results::link_stats_json(d.link)},
          {"rtp", rtp_json(d)},
          {"jitter_buffer", jitter_json(d)},
          {"quality", quality},
          {"notes", d.notes},
          {"files",
           {{"reference", f + "reference.wav"},
            {"degraded", f + "degraded.wav"},
            {"timeline", f + "timeline.csv"},
            {"frames", f + "frames.csv"},
            {"packets", f + "packets.csv"},
            {"pcap", f + "receiver.pcap"}}}};
}

}  // namespace

results::CallRecord make_record(const CallResult& r) {
  results::CallRecord c;
  c.id = r.scenario_name;
  c.scenario = r.scenario_name;
  c.file = r.scenario_file;
  c.seed = r.seed;
  c.scenario_fingerprint = r.scenario_fingerprint;
  c.callsim_build = r.callsim_build;
  c.passed = r.passed;
  c.pesq_scored = r.pesq_scored;
  for (const auto& e : r.expectations) c.expectations.push_back(scenario::to_result(e));
  for (const auto& d : r.directions) c.metrics[d.name] = d.metrics;
  results::round_for_storage(c);
  return c;
}

std::string emodel_command(const quality::CallMeasurements& m) {
  const auto number = [](double v) {
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : std::string("nan");
  };
  const char* band = m.max_band == quality::OpusMaxBand::kNarrowband ? "nb"
                     : m.max_band == quality::OpusMaxBand::kWideband ? "wb"
                                                                      : "swb";
  return "callsim emodel --delay-ms " + number(m.mouth_to_ear_delay_ms) + " --loss-pct " + number(m.packet_loss_pct) +
         " --burst-r " + number(m.burst_ratio) + " --bitrate " + std::to_string(m.bitrate_bps) + " --rate-control " +
         (m.mode == quality::OpusRateMode::kCbr ? "cbr" : "vbr") + " --max-band " + band + " --json";
}

json result_to_json(const CallResult& r) {
  const results::CallRecord record = make_record(r);
  json directions = json::object();
  for (const auto& d : r.directions) directions[d.name] = direction_json(d);
  return {{"callsim_version", kVersion},
          {"callsim_build", r.callsim_build},
          {"scenario",
           {{"name", r.scenario_name},
            {"file", r.scenario_file},
            {"description", r.scenario_description},
            {"source", r.scenario_source},
            {"tags", r.scenario_tags},
            {"links", r.link_settings},
            {"seed", r.seed},
            {"duration_s", rnd(r.duration_s, 3)},
            {"fingerprint", r.scenario_fingerprint},
            {"input_notes", r.input_notes}}},
          {"passed", r.passed},
          {"scoring", {{"pesq", r.pesq_scored}}},
          {"expectations", results::expectations_to_json(record.expectations)},
          {"directions", directions},
          {"event_trace_digest", r.event_trace_digest}};
}

}  // namespace callsim::call
