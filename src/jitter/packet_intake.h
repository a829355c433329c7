// PacketIntake: the common front door of the buffers. Counts every packet, unwraps sequence
// numbers and RTP timestamps, drops duplicates (same sequence number) and payloads the decoder
// cannot size, asks the FEC probe, and converts the 48 kHz RTP time into a position on the
// output-rate timeline (position = unwrapped timestamp / (48000 / rate)).
//
// A timestamp its sequence number cannot explain (more than 1 s of media per sequence step ahead of
// the newest packet: a corrupted header delivered, netem-style) would put one packet minutes ahead
// on the timeline and poison the adaptive buffer's delay reference. Such a packet is held until the
// next one by sequence number says which timeline is real, as RFC 3550 A.1 does for a sequence
// jump: consistent with the held packet (a sender that paused without DTX keep-alives), both go
// in; consistent with the old timeline, the held packet is discarded. An older packet that far
// ahead is discarded at once.
#include <vector>
#pragma once

#include <optional>

#include "codec/codec.h"
#include "jitter/jitter_buffer.h"
#include "jitter/packet_buffer.h"
#include "jitter/rtp_unwrap.h"
#include "jitter/stats_recorder.h"

namespace callsim::jitter {

class PacketIntake {
 public:
  // Throws std::invalid_argument unless 48000 is a multiple of sample_rate_hz and the decoder runs
  // at sample_rate_hz.
  PacketIntake(const codec::Decoder& decoder, int sample_rate_hz, FecProbe probe, StatsRecorder& stats);

  // The packets to buffer now, in sequence order: none (a duplicate, an undecodable payload, a
  // timestamp jump held or discarded; all counted), the packet, or a held packet the packet
  // confirmed and then the packet.
  std::vector<StoredPacket> accept(ReceivedPacket&& packet);

  // The 48 kHz RTP timestamp of a timeline position.
  uint32_t rtp_timestamp(int64_t position) const {
    return static_cast<uint32_t>(static_cast<uint64_t>(position * ticks_per_sample_));
  }
  int ticks_per_sample() const { return ticks_per_sample_; }
  // The sender has been seen to stop sending (DTX): a packet after the first one carried the
  // marker bit, or the timestamp advanced past the audio sent with consecutive sequence numbers.
  bool dtx_seen() const { return dtx_seen_; }

 private:
  void note_dtx(const StoredPacket& s);
  // Whether `s` lies further ahead of a packet (sequence, end) than 1 s per sequence step.
  bool jumps_from(const StoredPacket& s, int64_t sequence, int64_t end) const;

  const codec::Decoder& decoder_;
  int ticks_per_sample_;
  FecProbe probe_;
  StatsRecorder& stats_;
  Unwrapper<uint16_t> seq_unwrap_;
  Unwrapper<uint32_t> ts_unwrap_;
  DuplicateDetector duplicates_;
  bool dtx_seen_ = false;
  std::optional<int64_t> last_sequence_, last_end_;  // the packet with the highest sequence number
  int64_t max_step_samples_ = 0;                      // 1 s at the output rate
  std::optional<StoredPacket> held_;                  // a timestamp jump waiting for the next packet
};

// The RTP timestamp of a frame's first sample when it is real audio.
std::optional<uint32_t> playout_timestamp(std::span<const SampleMeta> metas, const PacketIntake& intake);
// The runs of real (decoded or FEC) audio in a frame, in RTP time (PlayoutFrame::played).
std::vector<PlayoutFrame::PlayedSpan> played_spans(std::span<const SampleMeta> metas, const PacketIntake& intake);

}  // namespace callsim::jitter
