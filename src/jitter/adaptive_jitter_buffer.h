// AdaptiveJitterBuffer: the NetEq-class buffer. A thin orchestrator over single-purpose parts:
//   insert: unwrap -> duplicate check -> ArrivalHistory (relative delay) -> DelayManager
//           (target) -> PacketBuffer (late packets are counted and dropped)
//   pull:   start when the first packet is due at the target delay; then, while less than 10 ms
//           is queued, ask DecisionLogic for one operation and run it with AudioProducer
//           (decode / merge / expand / comfort noise / FEC) or TimeStretcher; emit 10 ms.
// The playout delay it controls is the relative delay (ms above the fastest recent packet) with
// which the next timeline position would be played: now + queued / rate - reference - position.
// Collaborators come in through AdaptiveDependencies so tests can swap them.
#pragma once

#include <array>
#include <memory>

#include "jitter/arrival_history.h"
#include "jitter/audio_producer.h"
#include "jitter/decision_logic.h"
#include "jitter/delay_manager.h"
#include "jitter/jitter_buffer.h"
#include "jitter/packet_buffer.h"
#include "jitter/packet_intake.h"
#include "jitter/playout_queue.h"
#include "jitter/slack_tracker.h"
#include "jitter/stats_recorder.h"
#include "jitter/time_stretcher.h"

namespace callsim::jitter {

struct AdaptiveDependencies {
  std::unique_ptr<DelayManager> delay_manager;
  std::unique_ptr<DecisionLogic> decision_logic;
  std::unique_ptr<TimeStretcher> time_stretcher;
  FecProbe fec_probe;  // empty = codec::has_lbrr
};
AdaptiveDependencies make_adaptive_dependencies(const AdaptiveJitterConfig& config, int sample_rate_hz);

class AdaptiveJitterBuffer final : public JitterBuffer {
 public:
  AdaptiveJitterBuffer(const AdaptiveJitterConfig& config, std::unique_ptr<codec::Decoder> decoder,
                       int sample_rate_hz, AdaptiveDependencies deps);
  AdaptiveJitterBuffer(const AdaptiveJitterConfig& config, std::unique_ptr<codec::Decoder> decoder,
                       int sample_rate_hz)
      : AdaptiveJitterBuffer(config, std::move(decoder), sample_rate_hz,
                             make_adaptive_dependencies(config, sample_rate_hz)) {}

  void insert(ReceivedPacket packet) override;
  PlayoutFrame pull(sim::Timestamp now) override;
  JitterStats stats() const override { return stats_.stats(); }
  std::vector<DiscardedPacket> discarded_packets() const override { return stats_.discarded(); }
  double current_delay_ms() const override { return current_delay_ms_; }
  double target_delay_ms() const override { return effective_target_ms(last_now_); }

  // Operations run so far, by Operation index (for tests and traces).
  const std::array<uint64_t, 9>& operation_counts() const { return op_counts_; }

 private:
  // Buffers one packet the intake passed.
  void store(StoredPacket p);
  bool start_if_due(sim::Timestamp now);
  void step(sim::Timestamp now);
  DecisionInput make_input(sim::Timestamp now) const;
  bool decode_expected();
  // The delay manager's target, raised while FEC is in use to one packet above the floor (the
  // lowest delay at which the recent packets were in time: SlackTracker).
  double effective_target_ms(sim::Timestamp now) const;
  // How much lower the playout delay could be with every recent packet still in time.
  std::optional<double> headroom_ms(sim::Timestamp now) const;
  // Queued plus contiguous stored samples from the next position, counted up to `enough`.
  int64_t available_samples(int64_t enough) const;
  // Plays `samples` (rounded to 2.5 ms, at most 100 ms) more of a pause: decoder PLC labelled as
  // inserted audio (the delay grows as by a preemptive expand).
  void insert_pause(int samples);
  void time_stretch(const Decision& d, sim::Timestamp now);
  // Drops whole stored packets from the next position, at most `samples` in all, keeping the last
  // of the contiguous run (so there is audio to merge into).
  void skip_stale(int64_t samples);
  void flush_if_too_deep(sim::Timestamp now);
  sim::Timestamp queue_end(sim::Timestamp now) const;
  PlayoutFrame emit(sim::Timestamp now);

  AdaptiveJitterConfig config_;
  std::unique_ptr<codec::Decoder> decoder_;
  int rate_, frame_;
  AdaptiveDependencies deps_;
  ArrivalHistory history_;
  PacketBuffer packets_;
  PlayoutQueue queue_;
  AudioProducer producer_;
  StatsRecorder stats_;
  PacketIntake intake_;
  SlackTracker slack_;

  bool started_ = false;
  int64_t next_position_ = 0;     // timeline position of the next sample to decode
  int64_t concealed_in_gap_ = 0;  // synthetic samples since the last real audio
  sim::Timestamp last_stretch_ = sim::Timestamp::from_ns(INT64_MIN / 2);
  sim::Timestamp last_now_;
  double current_delay_ms_ = 0;
  std::array<uint64_t, 9> op_counts_{};
};

}  // namespace callsim::jitter
