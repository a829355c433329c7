// SpeexJitterBuffer: speexdsp's adaptive jitter buffer (speex/speex_jitter.h) behind the
// JitterBuffer interface. speexdsp decides what to play; this class feeds it packets (timestamps
// and spans in eighths of a millisecond from the stream's start, kUnitsPerSecond) and every 10 ms
// asks it for 10 ms:
//   JITTER_BUFFER_OK        -> decode (skipping a negative start offset, concealing a positive one)
//   JITTER_BUFFER_MISSING   -> decoder PLC with fade (AudioProducer)
//   JITTER_BUFFER_INSERTION -> decoder PLC labelled as inserted (its way to grow the delay)
// then reports the audio it still holds (jitter_buffer_remaining_span), which drives speexdsp's
// own delay adaptation. speexdsp drops late packets silently; they are counted as
// inserted - returned - still buffered. It exposes no target, so target_delay_ms() reports the
// current delay.
// Units: speexdsp keeps its arrival timings and its delay decisions in 16-bit integers of the
// caller's timestamp unit. In 48 kHz RTP ticks they overflowed at 682 ms: a margin_ms of 700
// played at 36 ms with 16 % of the packets dropped late, and printed libspeexdsp's "negative
// buffering, your code might be broken" warnings. Eighths of a millisecond hold +-4 s (margin_ms
// is limited to 3000 ms, and to 150 packets: speexdsp holds 200) and every packet edge of Opus
// (2.5 ms steps) exactly.
// In-band FEC (use_fec): speexdsp cannot show its next packet, but this class keeps a copy of every
// packet it put; when speexdsp reports the packet due as MISSING and the packet after it is already
// here with FEC for it, the lost frame is rebuilt from that FEC, and the MISSING answers speexdsp
// still gives for the rebuilt span are consumed without playing anything.
#pragma once

#include <map>
#include <memory>

#include "jitter/arrival_history.h"
#include "jitter/audio_producer.h"
#include "jitter/jitter_buffer.h"
#include "jitter/packet_intake.h"
#include "jitter/playout_queue.h"
#include "jitter/stats_recorder.h"

struct JitterBuffer_;  // speexdsp's opaque state

namespace callsim::jitter {

class SpeexJitterBuffer final : public JitterBuffer {
 public:
  SpeexJitterBuffer(const SpeexJitterConfig& config, std::unique_ptr<codec::Decoder> decoder,
                    int sample_rate_hz, FecProbe fec_probe = {});

  void insert(ReceivedPacket packet) override;
  PlayoutFrame pull(sim::Timestamp now) override;
  JitterStats stats() const override;
  std::vector<DiscardedPacket> discarded_packets() const override;
  // What speexdsp itself says is gone: put, never returned, not available at its pointer. Equals
  // the speexdsp drops in discarded_packets() but for overflow drops still ahead of the pointer.
  uint64_t speexdsp_gone_count() const;
  double current_delay_ms() const override { return current_delay_ms_; }
  double target_delay_ms() const override { return current_delay_ms_; }

 private:
  // Buffers one packet the intake passed.
  void store(StoredPacket p);
  struct Destroy {
    void operator()(JitterBuffer_* jb) const;
  };
  struct Pending {
    StoredPacket packet;  // with its payload (for FEC); speexdsp holds its own copy
  };
  void fetch();
  // MISSING at the pointer: rebuilds the frame from the next packet's FEC; false when it cannot.
  bool recover_fec();
  void forget_old();
  // Tags of the packets speexdsp dropped (see the .cc).
  std::vector<uint64_t> dropped_by_speexdsp() const;
  // speexdsp's timestamp units for a number of samples at the codec rate, and back (rounded down).
  int64_t to_units(int64_t samples) const { return samples * kUnitsPerSecond / rate_; }
  int64_t from_units(int64_t units) const { return units * rate_ / kUnitsPerSecond; }
  static constexpr int64_t kUnitsPerSecond = 8000;

  std::unique_ptr<codec::Decoder> decoder_;
  int rate_, frame_;
  std::unique_ptr<JitterBuffer_, Destroy> jb_;
  ArrivalHistory history_;
  PlayoutQueue queue_;
  AudioProducer producer_;
  StatsRecorder stats_;
  PacketIntake intake_;
  std::map<uint32_t, Pending> pending_;  // by user_data id
  uint32_t next_id_ = 1;
  size_t max_payload_ = 0;
  uint64_t put_ = 0, returned_ = 0;
  std::vector<uint64_t> dropped_;  // tags of dropped packets forget_old has let go
  bool started_ = false;
  bool use_fec_ = true;
  int64_t next_position_ = 0;
  int64_t recovered_until_ = INT64_MIN;  // FEC has played the timeline up to here
  double current_delay_ms_ = 0;
};

}  // namespace callsim::jitter
