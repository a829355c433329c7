// What one call produced: per direction the reference and degraded audio, the network, RTP and
// jitter-buffer statistics, per-frame playout records, a 100 ms timeline, the quality scores,
// and the flat metrics that expectations and the CI check read.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "audio/audio.h"
#include "jitter/jitter_buffer.h"
#include "peer/direction.h"
#include "quality/emodel.h"
#include "quality/pesq.h"
#include "scoring/scorer.h"
#include "rtp/receive_statistics.h"
#include "scenario/expectation.h"
#include "sim/net/link_stats.h"

namespace callsim::call {

// One 100 ms slice of a direction, by true time.
struct TimelineBin {
  double start_ms = 0;
  int packets_sent = 0;     // by send time (duplicates are not sent packets)
  int packets_lost = 0;     // sent in this bin, no copy arrived
  int packets_arrived = 0;  // sent packets whose first copy to arrive did so in the bin
  std::optional<double> network_delay_ms;  // mean one-way delay of those first copies
  // At the bin's last playout tick; none in a bin without one (a receiver clock running fast ends
  // its playout before the call's last bin).
  std::optional<double> buffer_delay_ms, target_delay_ms;
  int concealed_frames = 0;  // 10 ms frames of expand (PLC)
  int stretched_frames = 0;  // accelerate / preemptive expand
  int fec_frames = 0;
  std::optional<double> mouth_to_ear_ms;  // mean over the bin's real-audio frames
};

struct DirectionResult {
  std::string name, from, to;
  int sample_rate_hz = 0;
  audio::Signal reference;  // as sent, at the codec rate
  audio::Signal degraded;   // as played out, at the codec rate
  std::vector<peer::FrameRecord> frames;
  std::vector<peer::PacketRecord> packets;
  std::vector<peer::ArrivalRecord> arrivals;
  sim::net::LinkStats link;
  rtp::ReceiveCounts rtp;
  int64_t packets_sent = 0;
  int64_t malformed_packets = 0;
  int64_t discarded_on_arrival = 0;  // peer::Receiver::discarded_on_arrival
  std::map<uint64_t, std::string> discards;  // packets row -> why that copy was thrown away (Receiver::discards)
  uint32_t frame_ticks = 960;  // one sent frame in 48 kHz RTP time
  jitter::JitterStats jitter;
  // A plugin buffer's library (absolute path) and the FNV-1a 64 of its bytes; "" otherwise.
  std::string jitter_plugin_path, jitter_plugin_fingerprint;
  std::vector<TimelineBin> timeline;
  std::optional<scoring::ScoreReport> pesq_nb, pesq_wb;  // P.862 / P.862.2 windows and call-level figures
  // Seconds of reference speech after the last scoring window that were never played out (the
  // recording ended first), when more than the end-of-call tail (kQuietTailS) is: outside every
  // window, counted as not received in speech_received_ratio (call_scoring.cc).
  double unplayed_reference_speech_s = 0;
  std::optional<quality::CallRating> emodel;
  std::map<std::string, double> metrics;  // names from results/metric_table.h; unmeasured ones absent
  std::vector<std::string> notes;         // e.g. why a score is missing
};

struct CallResult {
  std::string scenario_name, scenario_file;
  std::string scenario_description, scenario_source;  // as the scenario states them ("" if absent)
  std::vector<std::string> scenario_tags;
  std::string scenario_fingerprint;  // scenario::Scenario::fingerprint ("" when not computed)
  std::string callsim_build;         // common/build_id.h of the build that ran the call
  std::map<std::string, nlohmann::json> link_settings;  // per link, as configured (scenario.h)
  uint64_t seed = 0;
  double duration_s = 0;
  std::vector<DirectionResult> directions;
  std::vector<scenario::ExpectationOutcome> expectations;
  bool passed = true;       // no expectation failed (skipped ones do not fail)
  bool pesq_scored = true;  // P.862 scoring ran (off with --no-score or "scoring": {"pesq": false})
  std::string event_trace_digest;  // FNV-1a of the simulator's event trace, hex
  // scenario::input_notes: what validate and run say about the inputs (a clipped, silent, DC or
  // mixed-down talker, FEC that will not be sent, ...), kept with the figures they qualify.
  std::vector<std::string> input_notes;
};

}  // namespace callsim::call
