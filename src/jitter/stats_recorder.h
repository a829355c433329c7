// StatsRecorder: turns what the buffers do into JitterStats. Packet events are counted as they
// happen; sample counters, concealment events and the delay sums are read from each emitted
// frame's sample provenance (PlayoutQueue metas), so every buffer counts the same way.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "jitter/jitter_buffer.h"
#include "jitter/playout_queue.h"

namespace callsim::jitter {

class StatsRecorder {
 public:
  explicit StatsRecorder(int sample_rate_hz) : rate_(sample_rate_hz) {}

  void packet_received() { ++s_.packets_received; }
  void packet_duplicated() { ++s_.packets_duplicated; }
  void packets_discarded(uint64_t n) { s_.packets_discarded += n; }
  void fec_packet_received() { ++s_.fec_packets_received; }
  void fec_used() { ++s_.fec_packets_used; }
  void samples_removed(uint64_t n) { s_.removed_samples_for_acceleration += n; }
  void samples_inserted(uint64_t n) { s_.inserted_samples_for_deceleration += n; }

  // One emitted frame: `now` is its emission time, `target_ms` the target delay at that moment.
  void frame_emitted(sim::Timestamp now, std::span<const SampleMeta> metas, double target_ms);

  JitterStats stats() const;

 private:
  void concealment_ended();

  int rate_;
  JitterStats s_;
  bool in_concealment_ = false;
  bool decoded_played_ = false;
  uint64_t event_samples_ = 0;
  std::array<uint64_t, 10001> delay_hist_ms_{};  // per-frame delay, 1 ms bins, last bin = 10 s+
  uint64_t delay_frames_ = 0;
};

}  // namespace callsim::jitter
