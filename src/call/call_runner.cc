#include "call/call_runner.h"

#include <algorithm>
#include <sstream>

#include "audio/resample.h"
#include "audio/talkers.h"
#include "call/call_metrics.h"
#include "call/call_scoring.h"
#include "common/build_id.h"
#include "peer/direction.h"
#include "peer/talk_schedule.h"
#include "sim/hash_stream.h"
#include "sim/random.h"

namespace callsim::call {
namespace {

// A talker file is read only as far as the call can use it (scenario::talker_read_limits).
audio::Signal load_talker(const scenario::TalkerSource& t, int rate, sim::Duration duration) {
  const audio::Signal clip = t.builtin.empty()
                                 ? audio::read_audio_file(t.file, scenario::talker_read_limits(duration)).signal
                                 : audio::load_builtin_talker(t.builtin);
  audio::Signal out = audio::resample(clip, rate);
  // What is sent is what the reference holds: the reference is written as 16-bit PCM, which clips
  // at full scale, so the codec's input is clipped the same way (a float talker 31.7 dB above full
  // scale was encoded unclipped and scored against its clipped reference: NB 2.72 against 3.52
  // for the same audio clipped beforehand). scenario::input_notes says so before the call.
  constexpr float kLow = -1.0f, kHigh = 32767.0f / 32768.0f;
  for (float& v : out.samples) v = std::clamp(v, kLow, kHigh);
  return out;
}

audio::Signal reference_signal(const scenario::PeerConfig& talker, sim::Duration duration) {
  const int rate = talker.codec.sample_rate_hz;
  std::vector<peer::TalkSpan> spans;
  for (const auto& ti : talker.talk) spans.push_back({ti.start, ti.end});
  return peer::build_talk_signal(load_talker(talker.talker, rate, duration), spans, duration, rate);
}

std::string hex64(uint64_t v) {
  std::ostringstream os;
  os << std::hex;
  os.width(16);
  os.fill('0');
  os << v;
  return os.str();
}

// Moves the direction's records into the result (a 2-hour call's audio is not copied).
DirectionResult collect(peer::Direction& dir, const scenario::Direction& names) {
  DirectionResult d;
  d.name = names.name;
  d.from = names.from;
  d.to = names.to;
  d.sample_rate_hz = dir.setup().stream->sample_rate_hz;
  d.degraded = dir.receiver().take_output();
  d.frames = dir.receiver().take_frames();
  d.packets = dir.packets();
  d.arrivals = dir.receiver().take_arrivals();
  d.link = dir.link_stats();
  d.rtp = dir.receiver().depacketizer().statistics().counts();
  d.packets_sent = dir.packets_sent();
  d.frame_ticks = static_cast<uint32_t>(dir.sender().frame_duration().ns() * 48 / 1000000);
  d.malformed_packets = dir.receiver().depacketizer().malformed();
  d.discarded_on_arrival = dir.receiver().discarded_on_arrival();
  d.discards = dir.receiver().discards();
  d.jitter = dir.receiver().jitter_stats();
  if (dir.setup().jitter_buffer.kind == jitter::JitterBufferKind::kPlugin) {
    d.jitter_plugin_path = dir.setup().jitter_buffer.plugin_path;
    d.jitter_plugin_fingerprint = dir.setup().jitter_buffer.plugin_fingerprint;
  }
  return d;
}

}  // namespace

std::string encode_key(const scenario::PeerConfig& p, sim::Duration duration) {
  const auto& c = p.codec;
  std::ostringstream k;
  k << "talker=" << (p.talker.builtin.empty() ? "file:" + p.talker.file : p.talker.builtin) << ";talk=";
  for (const auto& t : p.talk) k << t.start.ns() << '-' << t.end.ns() << ',';
  k << ";dur=" << duration.ns() << ";rate=" << c.sample_rate_hz << ";app=" << static_cast<int>(c.application)
    << ";br=" << c.bitrate_bps << ";rc=" << static_cast<int>(c.rate_control) << ";cx=" << c.complexity
    << ";fr=" << c.frame_ms << ";bw=" << static_cast<int>(c.max_bandwidth) << ";fec=" << c.inband_fec
    << ";loss=" << c.expected_loss_pct << ";dtx=" << c.dtx;
  return k.str();
}

CallResult run_call(const scenario::Scenario& s, const RunOptions& options) {
  sim::Simulator simulator;
  sim::HashStream trace(options.event_trace);  // digest only: a long call's trace is not kept
  simulator.set_trace(&trace);

  std::vector<audio::Signal> references;
  std::vector<std::shared_ptr<const peer::EncodedStream>> streams;
  std::vector<std::unique_ptr<peer::Direction>> directions;
  for (const auto& dn : s.directions) {
    const scenario::PeerConfig& talker = s.peers.at(dn.from);
    const scenario::PeerConfig& listener = s.peers.at(dn.to);
    references.push_back(reference_signal(talker, s.duration));
    auto encode = [&] { return peer::encode_talk(references.back(), talker.codec); };
    streams.push_back(options.encode_cache ? options.encode_cache(encode_key(talker, s.duration), encode)
                                           : std::make_shared<const peer::EncodedStream>(encode()));
    peer::DirectionSetup setup;
    setup.name = dn.name;
    setup.stream = streams.back().get();
    setup.link = s.links.at(dn.name);
    setup.jitter_buffer = listener.jitter_buffer;
    setup.clock_drift_ppm = listener.clock_drift_ppm;
    setup.seed = s.seed;
    setup.duration = s.duration;
    directions.push_back(std::make_unique<peer::Direction>(std::move(setup), simulator));
  }
  for (auto& d : directions) d->start();
  simulator.run();

  CallResult result;
  result.scenario_name = s.name;
  result.scenario_file = s.file;
  result.scenario_description = s.description;
  result.scenario_source = s.source;
  result.scenario_tags = s.tags;
  result.scenario_fingerprint = s.fingerprint;
  result.callsim_build = build_id();
  result.link_settings = s.link_settings;
  result.seed = s.seed;
  result.duration_s = s.duration.to_seconds();
  result.event_trace_digest = hex64(trace.digest());
  // Printed on stderr by validate and run; a sweep or report reading result.json lost them.
  result.input_notes = scenario::input_notes(s);

  std::map<std::string, std::map<std::string, double>> metrics;
  scenario::MeasurementContext context;
  context.pesq_scored = result.pesq_scored = options.score && s.scoring.pesq;
  for (size_t i = 0; i < directions.size(); ++i) {
    const scenario::Direction& names = s.directions[i];
    const scenario::PeerConfig& talker = s.peers.at(names.from);
    DirectionResult d = collect(*directions[i], names);
    d.reference = std::move(references[i]);
    d.timeline = build_timeline(d, s.duration.to_ms());  // and on to the last send, arrival or playout frame
    if (d.packets_sent > 0 && d.link.delivered == 0)
      d.notes.push_back("nothing arrived: all " + std::to_string(d.packets_sent) +
                        " packets were lost, so no delay or jitter figure was measured, nor a concealed ratio (no "
                        "audio from packets to conceal in; the getStats concealment counters read 0)");
    if (options.score) score_direction(d, s.scoring);
    rate_direction(d, talker.codec);
    collect_metrics(d);
    metrics[d.name] = d.metrics;
    context.notes[d.name] = d.notes;
    result.directions.push_back(std::move(d));
  }
  result.expectations = evaluate(s.expectations, metrics, context);
  for (const auto& e : result.expectations) result.passed = result.passed && !e.failed();
  return result;
}

}  // namespace callsim::call
