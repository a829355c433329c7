#include "peer/direction.h"

#include <algorithm>
#include <cmath>

#include "codec/opus_codec.h"
#include "sim/random.h"

namespace callsim::peer {
namespace {

constexpr sim::Duration kTick = sim::Duration::millis(10);
constexpr sim::Duration kSlack = sim::Duration::micros(50);  // a few samples at 48 kHz

rtp::Packetizer make_packetizer(const DirectionSetup& s) {
  return rtp::Packetizer(rtp::PacketizerConfig{}, sim::RandomStream(s.seed, "rtp/" + s.name));
}

// The buffer's random streams (comfort noise) are seeded from the scenario seed and this
// direction's name, like the link's and the packetizer's: the two directions of a call never
// share noise, and the scenario seed changes it.
std::unique_ptr<jitter::JitterBuffer> make_buffer(const DirectionSetup& s) {
  const int rate = s.stream->sample_rate_hz;
  jitter::JitterBufferConfig config = s.jitter_buffer;
  config.seed = sim::RandomStream(s.seed, "jitter/" + s.name).next_u64();
  config.direction = s.name;
  return jitter::make_jitter_buffer(config, codec::make_opus_decoder(rate), rate);
}

}  // namespace

Direction::Direction(DirectionSetup setup, sim::Simulator& simulator)
    : setup_(std::move(setup)),
      sim_(&simulator),
      sender_(*setup_.stream, make_packetizer(setup_)),
      link_(setup_.link, setup_.seed, setup_.name) {
  receiver_ = std::make_unique<Receiver>(make_buffer(setup_), setup_.stream->sample_rate_hz,
                                         [this](uint32_t ts) { return capture_time(ts); });
  // The call's length plus a second of playout drain.
  const auto rate = static_cast<size_t>(setup_.stream->sample_rate_hz);
  receiver_->reserve_output(static_cast<size_t>(setup_.duration.to_seconds() + 1.0) * rate);
}

void Direction::start() {
  if (sender_.frame_count() > 0)
    sim_->schedule_at(sender_.send_time(0), setup_.name + " send", [this] { send_frame(0); });
  sim_->schedule_at(tick_time(0), setup_.name + " tick", [this] { tick(0); }, sim::Order::kAfterArrivals);
}

sim::Timestamp Direction::tick_time(int64_t n) const {
  // The receiver's 10 ms lasts 10 ms / (1 + ppm·1e-6) of true time.
  const double period_ns = 1e7 / (1.0 + setup_.clock_drift_ppm * 1e-6);
  return sim::Timestamp::from_ns(std::llround(static_cast<double>(n) * period_ns));
}

sim::Timestamp Direction::capture_time(uint32_t rtp_timestamp) const {
  // RTP ticks since frame 0 (48 kHz, modulo 2^32) → decoded sample position → input sample,
  // minus the codec's lookahead; frame 0's first sample was captured at time 0.
  const auto ticks = static_cast<int32_t>(rtp_timestamp - sender_.first_timestamp());
  const double decoded_ns = static_cast<double>(ticks) * 1e9 / 48000.0;
  const double lookahead_ns = setup_.stream->lookahead_samples * 1e9 / setup_.stream->sample_rate_hz;
  return sim::Timestamp::from_ns(std::llround(decoded_ns - lookahead_ns));
}

void Direction::send_frame(size_t k) {
  const sim::Timestamp now = sim_->now();
  ++frames_sent_;
  if (auto packet = sender_.take(k)) {
    const sim::Timestamp end = capture_time(packet->timestamp) + sender_.frame_duration();
    if (!last_sent_end_ || end > *last_sent_end_) last_sent_end_ = end;
    scratch_.clear();
    link_.send(now, sim::net::PacketInfo{k, static_cast<int64_t>(packet->bytes.size())}, scratch_);
    for (auto& d : scratch_) {
      // Playout stops at the latest at talk end + max_drain (playout_finished): a copy arriving
      // then or later is never played, nor seen by the receiver. It was counted as received (at
      // 1 kbit/s with cross traffic packets came 115 days of simulated time later: 500 received,
      // 0 % loss, a network delay mean of 5e9 ms) and kept playout waiting up to max_drain.
      if (d.delivered() && d.arrival >= call_end()) {
        d.cause = sim::net::DropCause::kAfterCall;
        d.arrival = sim::Timestamp::infinite();
      }
      const uint64_t row = packets_.size();  // the datagram's tag: its row in packets()
      packets_.push_back(PacketRecord{packet->sequence, packet->timestamp, d});
      stats_.add(d);
      if (d.duplicate) ++duplicates_;
      if (!d.delivered()) continue;
      last_arrival_ = std::max(last_arrival_, d.arrival);
      if (!last_delivered_end_ || end > *last_delivered_end_) last_delivered_end_ = end;
      std::vector<uint8_t> bytes = packet->bytes;
      if (d.corrupted && d.corrupt_byte < bytes.size())
        bytes[d.corrupt_byte] ^= static_cast<uint8_t>(1u << d.corrupt_bit);
      sim_->schedule_at(d.arrival, setup_.name + " arrive",
                        [this, arrival = d.arrival, b = std::move(bytes), ts = packet->timestamp, row]() mutable {
                          receiver_->on_datagram(arrival, std::move(b), ts, row);
                        });
    }
  }
  const size_t next = k + 1;
  if (next < sender_.frame_count())
    sim_->schedule_at(sender_.send_time(next), setup_.name + " send", [this, next] { send_frame(next); });
}

void Direction::tick(int64_t n) {
  receiver_->on_tick(sim_->now());
  if (stream_covered()) receiver_->mark_stream_covered();
  const sim::Timestamp next = tick_time(n + 1);
  if (playout_finished(sim_->now(), next)) {
    receiver_->end_at_mark();
    return;
  }
  sim_->schedule_at(next, setup_.name + " tick", [this, n] { tick(n + 1); }, sim::Order::kAfterArrivals);
}

bool Direction::stream_covered() const {
  if (frames_sent_ < sender_.frame_count() || !last_sent_end_) return false;
  const auto played = receiver_->last_real_capture();
  if (!played) return false;
  // The real audio played reaches *played + kTick (its frame's first real sample is captured at
  // *played); each frame after it covers 10 ms more of the stream, by concealment or comfort noise.
  // A remainder shorter than a frame is left unplayed: playing it would add to the concealment
  // statistics the part of the frame that lies past the end of what was sent (after a time
  // stretch frames are not aligned to packets).
  const sim::Duration covered = kTick * static_cast<int64_t>(1 + receiver_->frames_since_real());
  return *last_sent_end_ - (*played + covered) < kTick - kSlack;
}

sim::Timestamp Direction::call_end() const { return sim::Timestamp::zero() + setup_.duration + setup_.max_drain; }

bool Direction::playout_finished(sim::Timestamp now, sim::Timestamp next_tick) const {
  const sim::Timestamp talk_end = sim::Timestamp::zero() + setup_.duration;
  if (next_tick < talk_end) return false;
  if (next_tick >= call_end()) return true;
  if (frames_sent_ < sender_.frame_count()) return false;
  if (!last_delivered_end_) return true;  // nothing was ever delivered
  // A packet still to arrive (before the next tick, too: arrivals come before a tick's pull).
  if (last_arrival_ > now) return false;
  // Every packet that will arrive has: playout ends once it has covered the stream the sender
  // sent (played, concealed or comfort noise to the end of the last packet sent) and the newest
  // audio delivered has played (to within a frame, as the stream), or the buffer, which may hold it
  // behind concealment that did not advance its timeline, had drain_idle to play it; frames
  // after the mark are cut (Receiver::end_at_mark).
  if (receiver_->stream_covered()) {
    const auto played = receiver_->last_real_capture();
    const bool newest_played = played && *last_delivered_end_ - (*played + kTick) < kTick - kSlack;
    return newest_played || next_tick >= last_arrival_ + setup_.drain_idle;
  }
  // Not yet: each frame of concealment covers 10 ms more (max_drain bounds it). A receiver that
  // never played real audio has nothing to cover from: drain_idle after the last arrival.
  if (receiver_->last_real_capture()) return false;
  return next_tick >= last_arrival_ + setup_.drain_idle;
}

sim::net::LinkStats Direction::link_stats() const { return stats_.finish(link_); }

}  // namespace callsim::peer
