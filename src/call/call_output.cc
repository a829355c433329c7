#include "call/call_output.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/staged_dir.h"
#include "common/version.h"
#include "json/json_node.h"
#include "rtp/pcap_writer.h"

namespace callsim::call {
namespace {

using nlohmann::json;

// Rounds to `decimals` so outputs are stable and readable.
double rnd(double v, int decimals = 4) {
  if (!std::isfinite(v)) return 0.0;
  const double k = std::pow(10.0, decimals);
  const double r = std::round(v * k) / k;
  return r == 0.0 ? 0.0 : r;  // no "-0"
}

std::string fixed(double v, int decimals = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

json network_json(const sim::net::LinkStats& s) {
  json causes = json::object();
  for (size_t c = 1; c < sim::net::kDropCauseCount; ++c)
    causes[sim::net::to_string(static_cast<sim::net::DropCause>(c))] = s.lost_by_cause[c];
  return {{"sent", s.sent},
          {"delivered", s.delivered},
          {"lost", s.lost},
          {"lost_by_cause", causes},
          {"loss_rate", rnd(s.loss_rate, 6)},
          {"duplicated", s.duplicated},
          {"reordered", s.reordered},
          {"corrupted_delivered", s.corrupted_delivered},
          {"delay_ms",
           {{"mean", rnd(s.delay_mean_ms)},
            {"p50", rnd(s.delay_p50_ms)},
            {"p95", rnd(s.delay_p95_ms)},
            {"p99", rnd(s.delay_p99_ms)},
            {"min", rnd(s.delay_min_ms)},
            {"max", rnd(s.delay_max_ms)}}},
          {"jitter_ms", rnd(s.jitter_ms)},
          {"burst_histogram", s.burst_histogram},
          {"mean_burst_length", rnd(s.mean_burst_length)}};
}

json rtp_json(const DirectionResult& d) {
  const auto& r = d.rtp;
  return {{"packetsSent", d.packets_sent},   {"packetsReceived", r.received},
          {"expected", r.expected},          {"packetsLost", r.lost},
          {"duplicates", r.duplicates},      {"reordered", r.reordered},
          {"jitter_ms", rnd(r.jitter_ms)},   {"max_jitter_ms", rnd(r.max_jitter_ms)},
          {"malformed", d.malformed_packets}};
}

json jitter_json(const jitter::JitterStats& j) {
  return {{"packetsReceived", j.packets_received},
          {"packetsDiscarded", j.packets_discarded},
          {"packetsDuplicated", j.packets_duplicated},
          {"fecPacketsReceived", j.fec_packets_received},
          {"fecPacketsUsed", j.fec_packets_used},
          {"jitterBufferDelay", rnd(j.jitter_buffer_delay_s, 6)},
          {"jitterBufferTargetDelay", rnd(j.jitter_buffer_target_delay_s, 6)},
          {"jitterBufferEmittedCount", j.jitter_buffer_emitted_count},
          {"jitterBufferDelayMean_ms", rnd(j.mean_delay_ms())},
          {"jitterBufferDelayP95_ms", rnd(j.jitter_buffer_delay_p95_ms)},
          {"totalSamplesReceived", j.total_samples_received},
          {"concealedSamples", j.concealed_samples},
          {"silentConcealedSamples", j.silent_concealed_samples},
          {"concealmentEvents", j.concealment_events},
          {"insertedSamplesForDeceleration", j.inserted_samples_for_deceleration},
          {"removedSamplesForAcceleration", j.removed_samples_for_acceleration},
          {"comfortNoiseSamples", j.comfort_noise_samples},
          {"interruptionCount", j.interruption_count},
          {"totalInterruptionDuration", rnd(j.total_interruption_duration_s, 6)}};
}

json pesq_json(const quality::PesqTimeline& t) {
  json windows = json::array();
  for (const auto& w : t.windows) {
    json jw = {{"start_s", rnd(w.start_s, 3)},
               {"end_s", rnd(w.end_s, 3)},
               {"speech_fraction", rnd(w.speech_fraction, 3)},
               {"scored", w.scored}};
    if (w.scored) {
      jw["raw"] = rnd(w.raw, 3);
      jw["mos_lqo"] = rnd(w.mos_lqo, 3);
    } else {
      jw["note"] = w.note;
    }
    windows.push_back(jw);
  }
  return {{"sample_rate_hz", t.sample_rate_hz}, {"raw", rnd(t.raw, 3)},
          {"mos_lqo", rnd(t.mos_lqo, 3)},       {"scored_windows", t.scored_windows},
          {"speech_s", rnd(t.speech_s, 3)},     {"windows", windows}};
}

json emodel_json(const quality::CallRating& c) {
  const auto& r = c.result;
  return {{"model", c.model},          {"ie", rnd(c.codec.ie, 2)}, {"bpl", rnd(c.codec.bpl_random, 2)},
          {"r", rnd(r.r, 2)},          {"mos_cqe", rnd(r.mos, 3)}, {"id", rnd(r.id, 2)},
          {"ie_eff", rnd(r.ie_eff, 2)}};
}

json direction_json(const DirectionResult& d) {
  json metrics = json::object();
  for (const auto& [k, v] : d.metrics) metrics[k] = rnd(v);
  json quality = json::object();
  if (d.pesq_nb) quality["pesq_nb"] = pesq_json(*d.pesq_nb);
  if (d.pesq_wb) quality["pesq_wb"] = pesq_json(*d.pesq_wb);
  if (d.emodel) quality["emodel"] = emodel_json(*d.emodel);
  const std::string f = direction_folder(d.name) + "/";
  return {{"from", d.from},
          {"to", d.to},
          {"sample_rate_hz", d.sample_rate_hz},
          {"metrics", metrics},
          {"network", network_json(d.link)},
          {"rtp", rtp_json(d)},
          {"jitter_buffer", jitter_json(d.jitter)},
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

std::string timeline_csv(const DirectionResult& d) {
  std::ostringstream os;
  os << "start_ms,packets_sent,packets_lost,packets_arrived,network_delay_ms,buffer_delay_ms,target_delay_ms,"
        "concealed_frames,stretched_frames,fec_frames,mouth_to_ear_ms\n";
  for (const auto& b : d.timeline) {
    os << fixed(b.start_ms, 0) << ',' << b.packets_sent << ',' << b.packets_lost << ',' << b.packets_arrived
       << ',' << (b.network_delay_ms ? fixed(*b.network_delay_ms) : "") << ',' << fixed(b.buffer_delay_ms)
       << ',' << fixed(b.target_delay_ms) << ',' << b.concealed_frames << ',' << b.stretched_frames << ','
       << b.fec_frames << ',' << (b.mouth_to_ear_ms ? fixed(*b.mouth_to_ear_ms) : "") << '\n';
  }
  return os.str();
}

std::string frames_csv(const DirectionResult& d) {
  std::ostringstream os;
  os << "frame,play_ms,type,mouth_to_ear_ms,buffer_delay_ms,target_delay_ms\n";
  for (size_t i = 0; i < d.frames.size(); ++i) {
    const auto& f = d.frames[i];
    os << i << ',' << fixed(f.play_time.to_ms(), 6) << ',' << jitter::to_string(f.type) << ','
       << (f.mouth_to_ear_ms ? fixed(*f.mouth_to_ear_ms, 6) : "") << ',' << fixed(f.buffer_delay_ms) << ','
       << fixed(f.target_delay_ms) << '\n';
  }
  return os.str();
}

std::string packets_csv(const DirectionResult& d) {
  std::ostringstream os;
  os << "sequence,send_ms,arrival_ms,delay_ms,cause,duplicate,corrupted\n";
  for (const auto& p : d.packets) {
    const auto& v = p.delivery;
    os << p.sequence << ',' << fixed(v.sent.to_ms(), 6) << ','
       << (v.delivered() ? fixed(v.arrival.to_ms(), 6) : "") << ','
       << (v.delivered() ? fixed(v.delay().to_ms(), 6) : "") << ',' << sim::net::to_string(v.cause) << ','
       << v.duplicate << ',' << v.corrupted << '\n';
  }
  return os.str();
}

}  // namespace

std::string direction_folder(const std::string& direction) {
  const auto arrow = direction.find("->");
  return arrow == std::string::npos ? direction
                                    : direction.substr(0, arrow) + "-to-" + direction.substr(arrow + 2);
}

json result_to_json(const CallResult& r) {
  json expectations = json::array();
  for (const auto& e : r.expectations) {
    json je = {{"direction", e.direction}, {"expect", e.expectation.text}, {"passed", e.passed}};
    je["measured"] = e.measured ? json(rnd(*e.measured)) : json(nullptr);
    expectations.push_back(je);
  }
  json directions = json::object();
  for (const auto& d : r.directions) directions[d.name] = direction_json(d);
  return {{"callsim_version", kVersion},
          {"scenario",
           {{"name", r.scenario_name},
            {"file", r.scenario_file},
            {"description", r.scenario_description},
            {"source", r.scenario_source},
            {"tags", r.scenario_tags},
            {"links", r.link_settings},
            {"seed", r.seed},
            {"duration_s", rnd(r.duration_s, 3)}}},
          {"passed", r.passed},
          {"expectations", expectations},
          {"directions", directions},
          {"event_trace_digest", r.event_trace_digest}};
}

namespace {

// What may be replaced by a call's outputs: nothing, an empty folder, or an earlier call's
// output folder (it has a result.json). Anything else is the user's and is left alone.
void check_replaceable(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(dir, ec);
  if (ec || !fs::exists(st)) return;
  if (!fs::is_directory(st)) throw OutputError(dir.string(), "exists and is not a folder");
  if (fs::is_empty(dir, ec) || fs::is_regular_file(dir / "result.json")) return;
  throw OutputError(dir.string(),
                    "exists and is not a call's output folder (no result.json); remove it or choose another");
}

void write_files(const CallResult& r, const std::filesystem::path& out, const OutputOptions& options) {
  for (const auto& d : r.directions) {
    const auto sub = out / direction_folder(d.name);
    create_folder(sub);
    if (options.audio) {
      audio::write_audio16(sub / "reference.wav", d.reference);
      audio::write_audio16(sub / "degraded.wav", d.degraded);
    }
    if (options.csv) {
      write_file_atomic(sub / "timeline.csv", timeline_csv(d));
      write_file_atomic(sub / "frames.csv", frames_csv(d));
      write_file_atomic(sub / "packets.csv", packets_csv(d));
    }
    if (options.pcap) {
      rtp::PcapWriter pcap(sub / "receiver.pcap");
      for (const auto& a : d.arrivals) pcap.write(a.arrival, a.bytes);
      pcap.commit();
    }
  }
  write_file_atomic(out / "result.json", json_text(result_to_json(r), 2) + "\n");
  for (const auto& [name, content] : options.extra_files) write_file_atomic(out / name, content);
}

}  // namespace

void write_call_outputs(const CallResult& r, const std::filesystem::path& dir, const OutputOptions& options) {
  if (!options.replace_any) check_replaceable(dir);
  StagedDir staged(dir);  // complete or absent: written aside, synced, then swapped into place
  try {
    write_files(r, staged.path(), options);
  } catch (const OutputError& e) {  // name the file as the user will look for it
    std::string file = e.path();
    if (const std::string tmp = staged.path().string(); file.starts_with(tmp))
      file = staged.target().string() + file.substr(tmp.size());
    throw OutputError(file, e.reason());
  }
  staged.commit();
}

std::string summarize(const CallResult& r) {
  std::ostringstream os;
  os << "scenario " << r.scenario_name << " (seed " << r.seed << ", " << fixed(r.duration_s, 1) << " s)\n";
  for (const auto& d : r.directions) {
    auto m = [&](const char* k) {
      auto it = d.metrics.find(k);
      return it == d.metrics.end() ? std::string("n/a") : fixed(it->second, 2);
    };
    os << "  " << d.name << ":  MOS-LQO nb " << m("mos_lqo_nb") << "  wb " << m("mos_lqo_wb")
       << "  E-model R " << m("emodel_r") << " (MOS-CQE " << m("emodel_mos") << ")\n"
       << "    network: loss " << fixed(100.0 * d.link.loss_rate, 1) << "%  delay mean "
       << fixed(d.link.delay_mean_ms, 1) << " ms, p95 " << fixed(d.link.delay_p95_ms, 1) << " ms  jitter "
       << fixed(d.rtp.jitter_ms, 1) << " ms\n"
       << "    receiver: mouth-to-ear mean " << m("mouth_to_ear_mean_ms") << " ms, p95 "
       << m("mouth_to_ear_p95_ms") << " ms  buffer " << m("jitter_buffer_delay_mean_ms") << " ms  concealed "
       << fixed(100.0 * d.metrics.at("concealed_ratio"), 1) << "%  late " << m("packets_discarded_late")
       << "  FEC used " << m("fec_packets_used") << "\n";
    for (const auto& n : d.notes) os << "    note: " << n << "\n";
  }
  for (const auto& e : r.expectations)
    os << "  " << (e.passed ? "PASS " : "FAIL ") << e.direction << ": " << e.expectation.text
       << "  (measured " << (e.measured ? fixed(*e.measured, 3) : std::string("nothing")) << ")\n";
  os << (r.passed ? "PASSED" : "FAILED") << "\n";
  return os.str();
}

}  // namespace callsim::call
