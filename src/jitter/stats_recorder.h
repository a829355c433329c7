// StatsRecorder: turns what the buffers do into JitterStats. Packet events are counted as they
// happen; sample counters, concealment events and the delay sums are read from each emitted
// frame's sample provenance (PlayoutQueue metas), so every buffer counts the same way.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "jitter/jitter_buffer.h"
#include "jitter/playout_queue.h"

namespace callsim::jitter {

class StatsRecorder {
 public:
  explicit StatsRecorder(int sample_rate_hz) : rate_(sample_rate_hz) {}

  void packet_received() { ++s_.packets_received; }
  void packet_duplicated() { ++s_.packets_duplicated; }
  void packet_discarded(uint64_t tag, DiscardedPacket::Reason why) {
    ++s_.packets_discarded;
    discarded_.push_back(DiscardedPacket{tag, why});
  }
  const std::vector<DiscardedPacket>& discarded() const { return discarded_; }
  void fec_packet_received() { ++s_.fec_packets_received; }
  void fec_used() { ++s_.fec_packets_used; }
  void samples_removed(uint64_t n) { s_.removed_samples_for_acceleration += n; }
  void samples_inserted(uint64_t n) { s_.inserted_samples_for_deceleration += n; }
  // The sender has been seen to use DTX (PacketIntake: a talkspurt's marker, or a timestamp jump
  // between consecutive sequence numbers).
  void dtx_seen() { dtx_stream_ = true; }

  // One emitted frame: `now` is its emission time, `target_ms` the target delay at that moment.
  // Returns the frame's jitter-buffer delay (PlayoutFrame::jitter_buffer_delay_ms): how long its
  // first decoded sample waited after its packet arrived, ms; empty without decoded audio.
  std::optional<double> frame_emitted(sim::Timestamp now, std::span<const SampleMeta> metas, double target_ms);

  // Comfort noise stands for the sender's DTX silence only on a stream that uses DTX; on one that
  // does not, every frame was sent, and comfort noise played in a gap replaces lost or late
  // packets: silent concealment (W3C silentConcealedSamples), as the decoder's faded concealment is.
  // Which one a run of comfort noise was is decided when it ends (the packet after a stream's
  // first DTX pause is what shows it uses DTX) or, for a run still playing, when stats are read.
  JitterStats stats() const;

 private:
  void concealment_ended();
  void comfort_noise_ended();
  // Adds the pending comfort-noise run to `s` as what it was (see stats()).
  void count_comfort_noise(JitterStats& s) const;

  int rate_;
  JitterStats s_;
  bool in_concealment_ = false;
  bool decoded_played_ = false;
  uint64_t event_samples_ = 0;
  bool dtx_stream_ = false;
  uint64_t comfort_noise_run_ = 0;         // samples of the comfort noise playing now, not yet counted
  bool run_continues_concealment_ = false;  // the run began right after concealment (one event)
  std::vector<DiscardedPacket> discarded_;
  std::vector<int64_t> frame_delays_ns_;  // per-frame delay, exact (8 bytes a frame: 2.9 MB an hour)
};

}  // namespace callsim::jitter
