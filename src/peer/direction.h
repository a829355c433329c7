// One direction of a call (talker → listener) running in a shared Simulator: the sender's frame
// events feed the link, the link's deliveries become arrival events at the receiver, and the
// receiver's playout clock ticks every 10 ms of its own (possibly drifting) time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jitter/jitter_buffer.h"
#include "peer/encoded_stream.h"
#include "peer/receiver.h"
#include "peer/sender.h"
#include "sim/net/link.h"
#include "sim/net/link_stats.h"
#include "sim/simulator.h"

namespace callsim::peer {

struct DirectionSetup {
  std::string name;                       // "alice->bob": names the random streams and trace events
  const EncodedStream* stream = nullptr;  // must outlive the run
  sim::net::LinkConfig link;
  jitter::JitterBufferConfig jitter_buffer;
  double clock_drift_ppm = 0.0;  // receiver playout clock rate error
  uint64_t seed = 1;
  sim::Duration duration;  // the talker sends during [0, duration)
  // After the talker stops, playout goes on until every packet that will arrive has arrived and
  // playout has covered the stream the sender sent (to the end of its last packet: real audio,
  // concealment or comfort noise), less a remainder shorter than a 10 ms frame, and the newest
  // audio delivered has played (or the buffer had drain_idle after the last arrival to play it);
  // frames played past the point where the stream was covered are cut unless real audio followed
  // (Receiver::end_at_mark). When no real audio has been played, until drain_idle after the last
  // arrival; never longer than max_drain.
  sim::Duration max_drain = sim::Duration::seconds(2);
  sim::Duration drain_idle = sim::Duration::millis(200);
};

// A delivered or dropped packet, as the network saw it.
struct PacketRecord {
  uint16_t sequence = 0;
  uint32_t rtp_timestamp = 0;  // 48 kHz RTP time of the frame's first sample
  sim::net::Delivery delivery;
};

class Direction {
 public:
  Direction(DirectionSetup setup, sim::Simulator& simulator);
  // Schedules the first send and the first playout tick.
  void start();

  const DirectionSetup& setup() const { return setup_; }
  const Receiver& receiver() const { return *receiver_; }
  Receiver& receiver() { return *receiver_; }
  const Sender& sender() const { return sender_; }
  const std::vector<PacketRecord>& packets() const { return packets_; }
  sim::net::LinkStats link_stats() const;
  // True time of playout tick n on the receiver's clock.
  sim::Timestamp tick_time(int64_t n) const;
  int64_t packets_sent() const { return static_cast<int64_t>(packets_.size()) - duplicates_; }

 private:
  void send_frame(size_t k);
  void tick(int64_t n);
  bool playout_finished(sim::Timestamp now, sim::Timestamp next_tick) const;
  // Whether the frames played so far cover the stream the sender sent (all of it has been sent).
  bool stream_covered() const;
  // When this direction's playout stops at the latest (talk end + max_drain): copies arriving then
  // or later are lost to the call (DropCause::kAfterCall).
  sim::Timestamp call_end() const;
  sim::Timestamp capture_time(uint32_t rtp_timestamp) const;

  DirectionSetup setup_;
  sim::Simulator* sim_;
  Sender sender_;
  sim::net::Link link_;
  std::unique_ptr<Receiver> receiver_;
  sim::net::LinkStatsCollector stats_;
  std::vector<PacketRecord> packets_;
  std::vector<sim::net::Delivery> scratch_;
  int64_t duplicates_ = 0;
  size_t frames_sent_ = 0;
  sim::Timestamp last_arrival_;
  std::optional<sim::Timestamp> last_sent_end_;       // capture time of the end of the newest audio sent
  std::optional<sim::Timestamp> last_delivered_end_;  // ... of the newest audio delivered
};

}  // namespace callsim::peer
