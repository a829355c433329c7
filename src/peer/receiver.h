// The receiving side of one direction: every datagram the network delivers is recorded (for the
// pcap), parsed by the RTP depacketizer (garbage is counted, never trusted) and handed to the
// jitter buffer; at each tick of the receiver's own playout clock it pulls 10 ms of audio and
// records what kind of frame it was and its exact mouth-to-ear delay.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audio/audio.h"
#include "jitter/jitter_buffer.h"
#include "rtp/depacketizer.h"
#include "sim/time.h"

namespace callsim::peer {

// One 10 ms playout frame as it was played.
struct FrameRecord {
  sim::Timestamp play_time;  // true time of the tick
  jitter::PlayoutFrame::Type type = jitter::PlayoutFrame::kSilence;
  std::optional<double> mouth_to_ear_ms;  // for frames starting with real (decoded/FEC) audio
  double buffer_delay_ms = 0.0;  // the buffer's state at the tick (JitterBuffer::current_delay_ms)
  double target_delay_ms = 0.0;
  std::optional<double> jitter_buffer_delay_ms;  // PlayoutFrame::jitter_buffer_delay_ms
  std::vector<jitter::PlayoutFrame::PlayedSpan> played;  // the real audio in it, in RTP time
};

struct ArrivalRecord {
  sim::Timestamp arrival;
  std::vector<uint8_t> bytes;  // the UDP payload as delivered (possibly corrupted)
};

class Receiver {
 public:
  // Maps an RTP timestamp of real audio to the true capture time of that audio's first sample.
  using CaptureClock = std::function<sim::Timestamp(uint32_t rtp_timestamp)>;

  Receiver(std::unique_ptr<jitter::JitterBuffer> buffer, int output_rate_hz, CaptureClock capture_clock);

  // `sent_timestamp` is the RTP timestamp the sender put in the packet: the header may say
  // otherwise when the network corrupted it (netem-style corruption delivered). `tag` names the
  // datagram in discards().
  void on_datagram(sim::Timestamp arrival, std::vector<uint8_t> bytes, uint32_t sent_timestamp, uint64_t tag);
  void on_tick(sim::Timestamp now);

  const audio::Signal& output() const { return output_; }
  // Hands the recorded audio, frames and arrivals over (the receiver is done; a long call's
  // records are not copied). Afterwards those accessors return empty records.
  audio::Signal take_output() { return std::move(output_); }
  std::vector<FrameRecord> take_frames() { return std::move(frames_); }
  std::vector<ArrivalRecord> take_arrivals() { return std::move(arrivals_); }
  // Room for this many output samples up front (the call's length), so a long call's output does
  // not grow by doubling.
  void reserve_output(size_t samples) { output_.samples.reserve(samples); }
  const std::vector<FrameRecord>& frames() const { return frames_; }
  const std::vector<ArrivalRecord>& arrivals() const { return arrivals_; }
  const rtp::Depacketizer& depacketizer() const { return depacketizer_; }
  // Sent packets (by sent timestamp) whose every arriving copy was discarded before the jitter
  // buffer: not parsable as RTP, or RFC 3550 A.1's sequence check (more than 100 behind, or a
  // jump beyond 3000). They arrived and were never played, like a late discard.
  int64_t discarded_on_arrival() const;
  // The datagrams thrown away, by their on_datagram tag, and why: "refused" before the jitter
  // buffer (as above), or the buffer's reason (jitter::DiscardedPacket; a plugin buffer names
  // none). Counting a sent packet once when all its copies were refused, they add up to
  // discarded_on_arrival() + the buffer's packets_discarded.
  std::map<uint64_t, std::string> discards() const;
  // The buffer's statistics; after end_at_mark() with a mark, those of playout as it was at the
  // mark (the packet counters as they are at the end).
  jitter::JitterStats jitter_stats() const;
  double buffer_delay_ms() const { return buffer_->current_delay_ms(); }
  // Capture time of the latest real (decoded or FEC) audio played so far, and when it was played.
  std::optional<sim::Timestamp> last_real_capture() const { return last_real_capture_; }
  sim::Timestamp last_real_play_time() const { return last_real_play_time_; }
  // Frames played since the latest one that started with real audio (all of them when none did).
  size_t frames_since_real() const { return frames_.size() - frames_with_real_; }

  // The end of the call's audio. The caller marks the frame at which playout has covered the whole
  // stream the sender sent; playout may go on after it only while a packet that could still be
  // played is on its way. A frame starting with real audio after the mark drops it (the stream
  // was not over). end_at_mark() cuts the frames and audio played after a standing mark and keeps
  // the buffer's playout statistics as they were at it: concealment played past the end of what
  // was sent conceals nothing that was sent.
  void mark_stream_covered();
  bool stream_covered() const { return mark_.has_value(); }
  void end_at_mark();

 private:
  std::unique_ptr<jitter::JitterBuffer> buffer_;
  rtp::Depacketizer depacketizer_;
  // The RTP timestamp of the audio a playout position carries: a packet whose header timestamp was
  // corrupted is played where its header says, but its audio was captured where the sender put it.
  uint32_t sent_timestamp_of(uint32_t played) const;

  CaptureClock capture_clock_;
  std::map<uint32_t, uint32_t> sent_timestamps_;  // header timestamp -> sent one, of every packet buffered
  std::set<uint32_t> buffered_sent_, refused_sent_;  // sent timestamps of copies buffered / refused
  std::vector<uint64_t> refused_tags_;
  bool header_timestamp_corrupted_ = false;        // some header timestamp differs from the sent one
  audio::Signal output_;
  std::vector<FrameRecord> frames_;
  std::vector<ArrivalRecord> arrivals_;
  std::optional<sim::Timestamp> last_real_capture_;
  sim::Timestamp last_real_play_time_;
  size_t frames_with_real_ = 0;  // frames_.size() just after the latest frame starting with real audio
  struct Mark {
    size_t frames = 0;
    size_t samples = 0;
    jitter::JitterStats stats;
  };
  std::optional<Mark> mark_;
  std::optional<jitter::JitterStats> played_stats_;  // playout's statistics at the mark, once cut there
};

}  // namespace callsim::peer
