// JSON → peer settings: what a simulated endpoint sends (talker, talk schedule, Opus encoder
// settings) and how it receives (jitter buffer, playout clock drift).
#pragma once

#include <string>
#include <vector>

#include "audio/audio.h"
#include "codec/codec.h"
#include "jitter/jitter_buffer.h"
#include "json/json_node.h"
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
  int channels = 1;     // of the file (mixed down to mono); 1 for built-in talkers
  float peak = 0.0f;    // of the file's mono mix as far as the call reads it (above 1.0: clipped)
  std::string cut_short;  // audio::cut_short_note of the file ("" unless a WAV cut short)
  // Of the mono mix as far as the call reads it (audio::AudioInfo): seconds, mean and RMS beside
  // the mean, for input_notes (a silent or constant-offset talker, a clip too short for speech).
  double seconds_read = 0.0, mean = 0.0, ac_rms = 0.0;
  uint64_t content_hash = 0;  // stable_hash of the whole file's bytes (0 for built-in talkers)
};

// How much of a talker file a call of `duration` reads: as far as the call can use it plus a
// second (so resampling near the end sees the same neighbourhood as with the whole file). The call
// reads this much and `validate` checks this much.
inline audio::DecodeLimits talker_read_limits(sim::Duration duration) {
  return audio::DecodeLimits{duration.to_seconds() + 1.0};
}

struct PeerConfig {
  std::string name;
  TalkerSource talker;
  std::vector<TalkInterval> talk;  // empty = never talks (the parser puts the whole call when "talk" is absent)
  codec::EncoderConfig codec;
  jitter::JitterBufferConfig jitter_buffer;  // seeds are filled in by the call runner
  double clock_drift_ppm = 0.0;  // receiver playout clock vs. true time, parts per million
};

struct PeerParseContext {
  std::string base_dir;    // the scenario file's folder, for relative paths
  sim::Duration duration;  // the call's length, for talk intervals
};

codec::EncoderConfig parse_codec(const JsonNode& node);
jitter::JitterBufferConfig parse_jitter_buffer(const JsonNode& node, const PeerParseContext& ctx);
PeerConfig parse_peer(const std::string& name, const JsonNode& node, const PeerParseContext& ctx);

// How many times this process has read a whole talker file to hash it (TalkerSource::content_hash):
// once per version of each file, however many scenarios name it (tests).
uint64_t talker_files_hashed();

}  // namespace callsim::scenario
