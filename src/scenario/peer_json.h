// JSON → peer settings: what a simulated endpoint sends (talker, talk schedule, Opus encoder
// settings) and how it receives (jitter buffer, playout clock drift).
#pragma once

#include <string>
#include <vector>

#include "codec/codec.h"
#include "scenario/json_node.h"
#include "sim/time.h"

namespace callsim::scenario {

// When a peer speaks: its talker clip plays from its start (looping if the interval is longer).
struct TalkInterval {
  sim::Duration start, end;
};

// Where a peer's voice comes from: a built-in talker name, or an audio file (any libsndfile
// format and rate, resampled to the codec rate).
struct TalkerSource {
  std::string builtin;  // e.g. "en_female"; empty when `file` is set
  std::string file;     // absolute, resolved against the scenario's folder
};

// The receive pipeline's jitter buffer choice; the parameters map 1:1 to jitter/ configs.
struct JitterBufferSpec {
  std::string type = "adaptive";  // fixed | adaptive | speex | plugin
  double delay_ms = 80.0;         // fixed: playout delay; speex: initial margin
  double min_delay_ms = 0.0;      // adaptive
  double max_delay_ms = 2000.0;   // adaptive
  double start_delay_ms = 80.0;   // adaptive: before enough statistics exist
  double quantile = 0.95;         // adaptive: target = this quantile of relative delay
  double forget_factor = 0.9993;  // adaptive: histogram forgetting per packet
  double max_late_fraction = 0.02;
  bool peak_detection = true;
  bool time_stretch = true;
  std::string plugin_path;    // plugin: shared library, resolved against the scenario folder
  std::string plugin_config;  // plugin: its "config" object, serialized JSON
};

struct PeerConfig {
  std::string name;
  TalkerSource talker;
  std::vector<TalkInterval> talk;  // empty = talks for the whole call
  codec::EncoderConfig codec;
  JitterBufferSpec jitter_buffer;
  double clock_drift_ppm = 0.0;  // receiver playout clock vs. true time, parts per million
};

struct PeerParseContext {
  std::string base_dir;    // the scenario file's folder, for relative paths
  sim::Duration duration;  // the call's length, for talk intervals
};

codec::EncoderConfig parse_codec(const JsonNode& node);
JitterBufferSpec parse_jitter_buffer(const JsonNode& node, const PeerParseContext& ctx);
PeerConfig parse_peer(const std::string& name, const JsonNode& node, const PeerParseContext& ctx);

}  // namespace callsim::scenario
