#include "jitter/adaptive_jitter_buffer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace callsim::jitter {

namespace {
constexpr double kStretchIntervalMs = 40;    // at most one active (non-quiet) time stretch per this
constexpr int64_t kPauseMemoryBlocks = 500;  // a silent 10 ms block within 5 s: pauses are expected
constexpr double kFlushSlackMs = 200;        // flush when the delay exceeds max_delay + this
constexpr int kMaxPauseInsertBlocks = 10;    // at most 100 ms of pause inserted at once
}  // namespace

AdaptiveDependencies make_adaptive_dependencies(const AdaptiveJitterConfig& c, int rate) {
  AdaptiveDependencies d;
  DelayManagerConfig dm;
  dm.quantile = c.quantile;
  dm.forget_factor = c.forget_factor;
  dm.bucket_ms = c.histogram_bucket_ms;
  dm.min_delay_ms = c.min_delay_ms;
  dm.max_delay_ms = c.max_delay_ms;
  dm.start_delay_ms = std::clamp(c.start_delay_ms, c.min_delay_ms, c.max_delay_ms);
  dm.max_late_fraction = c.max_late_fraction;
  dm.tail_sigmas = c.tail_sigmas;
  dm.peak_detection = c.peak_detection;
  dm.fec_margin = c.use_fec;
  d.delay_manager = std::make_unique<DelayManager>(dm);
  d.time_stretcher = std::make_unique<TimeStretcher>(rate);
  DecisionConfig dc;
  dc.sample_rate_hz = rate;
  dc.frame_samples = rate / 100;
  dc.plc_quantum = rate / 400;
  dc.stretch_samples = d.time_stretcher->min_input_samples();
  dc.time_stretch = c.time_stretch;
  dc.use_fec = c.use_fec;
  d.decision_logic = std::make_unique<DecisionLogic>(dc);
  return d;
}

AdaptiveJitterBuffer::AdaptiveJitterBuffer(const AdaptiveJitterConfig& config,
                                           std::unique_ptr<codec::Decoder> decoder, int sample_rate_hz,
                                           AdaptiveDependencies deps)
    : config_(config),
      decoder_(std::move(decoder)),
      rate_(sample_rate_hz),
      frame_(sample_rate_hz / 100),
      deps_(std::move(deps)),
      history_(sample_rate_hz, sim::Duration::from_ms(config.arrival_window_ms)),
      producer_(*decoder_, sample_rate_hz, config.seed),
      stats_(sample_rate_hz),
      intake_(*decoder_, sample_rate_hz, deps_.fec_probe, stats_) {
  if (!deps_.delay_manager || !deps_.decision_logic || !deps_.time_stretcher)
    throw std::invalid_argument("AdaptiveJitterBuffer: missing dependency");
}

void AdaptiveJitterBuffer::insert(ReceivedPacket packet) {
  for (StoredPacket& p : intake_.accept(std::move(packet))) store(std::move(p));
}

void AdaptiveJitterBuffer::store(StoredPacket p) {
  const double relative = history_.insert(p.position, p.arrival);
  const bool late = started_ && p.end() <= next_position_;
  PacketArrivalInfo info;
  info.relative_delay_ms = relative;
  info.late = late;
  info.arrival = p.arrival;
  info.duration_ms = 1000.0 * p.duration / rate_;
  info.has_fec = p.has_fec && config_.use_fec;
  info.offset_ms = history_.offset_ms(p.position, p.arrival);
  deps_.delay_manager->packet_arrived(info);
  if (late) {
    stats_.packet_discarded(p.tag, DiscardedPacket::Reason::kLate);
    return;
  }
  uint64_t flushed = 0;
  const auto result = packets_.insert(std::move(p), &flushed);
  if (result == PacketBuffer::InsertResult::kDuplicateTimestamp) stats_.packet_duplicated();
  if (result == PacketBuffer::InsertResult::kFlushedOldest)
    stats_.packet_discarded(flushed, DiscardedPacket::Reason::kFlushed);
}

sim::Timestamp AdaptiveJitterBuffer::queue_end(sim::Timestamp now) const {
  return now + sim::Duration::nanos(static_cast<int64_t>(queue_.size()) * 1000000000 / rate_);
}

bool AdaptiveJitterBuffer::start_if_due(sim::Timestamp now) {
  const StoredPacket* first = packets_.first();
  if (!first) return false;
  const sim::Timestamp due = history_.time_for(first->position, effective_target_ms(now));
  const sim::Timestamp frame_end = now + sim::Duration::nanos(int64_t{10000000});
  if (due >= frame_end) return false;
  const auto lead = static_cast<int>(
      std::clamp<int64_t>(((due - now).ns() * rate_ + 999999999) / 1000000000, 0, frame_ - 1));
  producer_.silence(lead, queue_);
  next_position_ = first->position;
  started_ = true;
  return true;
}

PlayoutFrame AdaptiveJitterBuffer::pull(sim::Timestamp now) {
  last_now_ = now;
  if (!started_ && !start_if_due(now)) {
    producer_.silence(frame_, queue_);
    return emit(now);
  }
  flush_if_too_deep(now);
  while (queue_.size() < static_cast<size_t>(frame_)) step(now);
  current_delay_ms_ = history_.delay_ms(next_position_, queue_end(now));
  return emit(now);
}

PlayoutFrame AdaptiveJitterBuffer::emit(sim::Timestamp now) {
  PlayoutFrame frame;
  std::vector<SampleMeta> metas;
  queue_.pop(static_cast<size_t>(frame_), frame.samples, metas);
  frame.type = frame_type(metas);
  frame.playout_rtp_timestamp = playout_timestamp(metas, intake_);
  frame.played = played_spans(metas, intake_);
  frame.jitter_buffer_delay_ms = stats_.frame_emitted(now, metas, effective_target_ms(now));
  return frame;
}

DecisionInput AdaptiveJitterBuffer::make_input(sim::Timestamp now) const {
  DecisionInput in;
  in.expected_available = packets_.covering(next_position_) != nullptr;
  if (const StoredPacket* f = in.expected_available ? nullptr : packets_.next_after(next_position_)) {
    in.future_gap = f->position - next_position_;
    in.future_duration = f->duration;
    in.future_marker = f->marker;
    in.future_has_fec = f->has_fec;
    in.delay_if_jump_ms = history_.delay_ms(f->position, queue_end(now));
  }
  in.concealed_in_gap = concealed_in_gap_;
  in.last_concealment = producer_.last() == AudioProducer::Last::kConcealment;
  in.last_comfort_noise = producer_.last() == AudioProducer::Last::kComfortNoise;
  in.last_decoded_silent = producer_.last_decoded_silent();
  in.dtx_stream = intake_.dtx_seen();
  in.playout_delay_ms = history_.delay_ms(next_position_, queue_end(now));
  in.headroom_ms = headroom_ms(now);
  if (const std::optional<int64_t> dry = slack_.dry_floor_ns(now))
    in.dry_margin_ms = in.playout_delay_ms - history_.delay_of_offset_ms(*dry);
  in.target_ms = effective_target_ms(now);
  in.available_samples = available_samples(deps_.decision_logic->config().stretch_samples);
  in.timescale_allowed = (now - last_stretch_).to_ms() >= kStretchIntervalMs;
  in.pauses_expected = producer_.background().blocks_since_silent() <= kPauseMemoryBlocks;
  in.pause_ms = 10.0 * static_cast<double>(producer_.background().silent_run_blocks());
  in.leading_silence = !producer_.background().heard_sound() && producer_.last_decoded_silent();
  in.delay_rising = deps_.delay_manager->trend_margin_ms() > 0;
  in.settling = deps_.delay_manager->settling();
  return in;
}

void AdaptiveJitterBuffer::step(sim::Timestamp now) {
  const DecisionInput in = make_input(now);
  const Decision d = deps_.decision_logic->decide(in);
  ++op_counts_[static_cast<size_t>(d.op)];
  switch (d.op) {
    case Operation::kNormal:
      decode_expected();
      break;
    case Operation::kAccelerate:
    case Operation::kFastAccelerate:
    case Operation::kPreemptiveExpand:
      time_stretch(d, now);
      break;
    case Operation::kExpand:
      deps_.delay_manager->frame_missing(now);
      producer_.conceal(d.samples, queue_);
      concealed_in_gap_ += d.samples;
      break;
    case Operation::kComfortNoise:
      producer_.comfort_noise(d.samples, queue_);
      concealed_in_gap_ += d.samples;
      break;
    case Operation::kFecRecover: {
      deps_.delay_manager->frame_missing(now);
      const StoredPacket* next = packets_.next_after(next_position_);
      producer_.recover_fec(*next, d.samples, queue_);
      if (next->has_fec) stats_.fec_used();
      next_position_ = next->position;
      concealed_in_gap_ = 0;
      break;
    }
    case Operation::kJump:
      next_position_ = packets_.next_after(next_position_)->position;
      concealed_in_gap_ = 0;
      break;
    case Operation::kSkip:
      skip_stale(d.samples);
      decode_expected();
      break;
  }
}

std::optional<double> AdaptiveJitterBuffer::headroom_ms(sim::Timestamp now) const {
  const std::optional<int64_t> floor = slack_.floor_ns(now);
  if (!floor) return std::nullopt;
  return history_.delay_ms(next_position_, queue_end(now)) - history_.delay_of_offset_ms(*floor);
}

double AdaptiveJitterBuffer::effective_target_ms(sim::Timestamp now) const {
  const DelayManager& dm = *deps_.delay_manager;
  double target = dm.target_delay_ms(now);
  // FEC: the copy of a lost frame rides in the next packet, so that packet must be there when the
  // lost frame is due: the headroom must be at least one packet. Measured headroom (SlackTracker)
  // rather than a fixed margin, because where the packets land in the playout grid decides how
  // much delay that takes (20 ms on one path, 25 on another).
  const double fec = dm.fec_margin_ms(now);
  if (fec > 0) {
    const std::optional<int64_t> floor = started_ ? slack_.floor_ns(now) : std::nullopt;
    target = floor ? std::max(target, history_.delay_of_offset_ms(*floor) + fec) : target + fec;
  }
  return std::clamp(target, config_.min_delay_ms, config_.max_delay_ms);
}

int64_t AdaptiveJitterBuffer::available_samples(int64_t enough) const {
  auto available = static_cast<int64_t>(queue_.size());
  for (int64_t pos = next_position_; available < enough;) {
    const StoredPacket* p = packets_.covering(pos);
    if (!p) break;
    available += p->end() - pos;
    pos = p->end();
  }
  return available;
}

void AdaptiveJitterBuffer::insert_pause(int samples) {
  const int q = producer_.plc_quantum();
  const int n = std::clamp((samples + q - 1) / q * q, q, kMaxPauseInsertBlocks * frame_);
  producer_.insert_plc(n, queue_);
  stats_.samples_inserted(static_cast<uint64_t>(n));
}

bool AdaptiveJitterBuffer::decode_expected() {
  const StoredPacket* p = packets_.covering(next_position_);
  if (!p) return false;
  const StoredPacket packet = *packets_.take(p->position);
  slack_.taken(last_now_, packet.arrival, queue_end(last_now_) - last_now_, history_.media_ns(packet.position));
  if (producer_.decode(packet, next_position_, queue_) == 0) {
    stats_.packet_discarded(packet.tag, DiscardedPacket::Reason::kUndecodable);  // undecodable: handled as a loss from here on
    return false;
  }
  next_position_ = packet.end();
  concealed_in_gap_ = 0;
  return true;
}

void AdaptiveJitterBuffer::skip_stale(int64_t samples) {
  for (const StoredPacket* p = packets_.covering(next_position_); p && p->end() - next_position_ <= samples;) {
    const StoredPacket* next = packets_.covering(p->end());
    if (!next) break;
    samples -= p->end() - next_position_;
    next_position_ = p->end();
    stats_.packet_discarded(p->tag, DiscardedPacket::Reason::kStale);
    packets_.take(p->position);
    p = next;
  }
}

void AdaptiveJitterBuffer::time_stretch(const Decision& d, sim::Timestamp now) {
  const Operation op = d.op;
  const TimeStretcher& ts = *deps_.time_stretcher;
  const auto need = static_cast<size_t>(ts.input_samples());
  if (op == Operation::kPreemptiveExpand && d.quiet_only) {
    // A pause too short of decoded audio to stretch: grow the delay by playing more of the pause.
    insert_pause(d.samples);
    return;
  }
  bool decoded = false;
  while (queue_.size() < need && decode_expected()) decoded = true;
  if (queue_.size() < static_cast<size_t>(ts.min_input_samples())) {
    if (!decoded) decode_expected();
    return;
  }
  const auto x = queue_.samples().first(std::min(need, queue_.size()));
  const double bg = producer_.background().level_rms();
  const TimeStretcher::Result r =
      op == Operation::kPreemptiveExpand
          ? ts.preemptive_expand(x, bg, d.samples, d.quiet_only, d.multi_period)
          : ts.accelerate(x, bg, op == Operation::kFastAccelerate, d.samples, d.quiet_only);
  if (!r.applied) return;
  const bool accel = op != Operation::kPreemptiveExpand;
  queue_.replace_head(x.size(), r.output, r.source, r.spliced,
                      accel ? SampleKind::kAccelerate : SampleKind::kPreemptive);
  if (accel)
    stats_.samples_removed(static_cast<uint64_t>(r.change));
  else
    stats_.samples_inserted(static_cast<uint64_t>(r.change));
  if (!r.low_energy) last_stretch_ = now;
}

void AdaptiveJitterBuffer::flush_if_too_deep(sim::Timestamp now) {
  const double delay = history_.delay_ms(next_position_, queue_end(now));
  if (delay <= config_.max_delay_ms + kFlushSlackMs) return;
  const double target = effective_target_ms(now);
  const auto skip = static_cast<int64_t>(std::llround((delay - target) * rate_ / 1000.0));
  const int64_t from_queue = std::min<int64_t>(skip, static_cast<int64_t>(queue_.size()));
  std::vector<float> dropped;
  std::vector<SampleMeta> dropped_meta;
  queue_.pop(static_cast<size_t>(from_queue), dropped, dropped_meta);
  next_position_ += skip - from_queue;
  for (const uint64_t tag : packets_.drop_before(next_position_))
    stats_.packet_discarded(tag, DiscardedPacket::Reason::kFlushed);
}

}  // namespace callsim::jitter
