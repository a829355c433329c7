// FixedJitterBuffer: plays the audio at RTP position T at anchor + T / rate + delay, where the
// anchor (arrival - position / rate) is taken from the first packet. A packet that arrives after
// its slot was needed is discarded as late; a missing packet is concealed (decoder PLC with fade)
// or, with use_fec, rebuilt from the next packet's in-band FEC when that packet is already here.
// It never adapts: receiver clock drift moves its delay by the drift rate.
// current_delay_ms / target_delay_ms are relative to the anchor (the first packet's delay).
#pragma once

#include <memory>

#include "jitter/audio_producer.h"
#include "jitter/jitter_buffer.h"
#include "jitter/packet_buffer.h"
#include "jitter/packet_intake.h"
#include "jitter/playout_queue.h"
#include "jitter/stats_recorder.h"

namespace callsim::jitter {

class FixedJitterBuffer final : public JitterBuffer {
 public:
  FixedJitterBuffer(const FixedJitterConfig& config, std::unique_ptr<codec::Decoder> decoder,
                    int sample_rate_hz, FecProbe fec_probe = {}, uint64_t seed = 0);

  void insert(ReceivedPacket packet) override;
  PlayoutFrame pull(sim::Timestamp now) override;
  JitterStats stats() const override { return stats_.stats(); }
  std::vector<DiscardedPacket> discarded_packets() const override { return stats_.discarded(); }
  double current_delay_ms() const override { return current_delay_ms_; }
  double target_delay_ms() const override { return config_.delay_ms; }

 private:
  // Buffers one packet the intake passed.
  void store(StoredPacket p);
  bool start_if_due(sim::Timestamp now);
  void step();
  double delay_ms(int64_t position, sim::Timestamp at) const;
  sim::Timestamp queue_end(sim::Timestamp now) const;

  FixedJitterConfig config_;
  std::unique_ptr<codec::Decoder> decoder_;
  int rate_, frame_;
  PacketBuffer packets_;
  PlayoutQueue queue_;
  AudioProducer producer_;
  StatsRecorder stats_;
  PacketIntake intake_;
  std::optional<int64_t> anchor_ns_;  // arrival - position / rate of the first packet
  bool started_ = false;
  int64_t next_position_ = 0;
  int last_duration_;
  double current_delay_ms_ = 0;
};

}  // namespace callsim::jitter
