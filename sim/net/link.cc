#include "sim/net/link.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace callsim::sim::net {
namespace {

std::string stream_name(std::string_view link, std::string_view model) {
  std::string s = "link/";
  s.append(link).append("/").append(model);
  return s;
}

}  // namespace

const char* to_string(DropCause cause) {
  switch (cause) {
    case DropCause::kNone:
      return "";
    case DropCause::kRandomLoss:
      return "random_loss";
    case DropCause::kQueueOverflow:
      return "queue_overflow";
    case DropCause::kOutage:
      return "outage";
    case DropCause::kCorruption:
      return "corruption";
    case DropCause::kTrace:
      return "trace";
    case DropCause::kAfterCall:
      return "after_call";
  }
  return "?";
}

Link::Link(LinkConfig config, uint64_t seed, std::string_view name)
    : name_(name),
      schedule_(std::move(config)),
      trace_(schedule_.config().trace),
      duplicate_rng_(seed, stream_name(name, "duplicate")),
      corrupt_rng_(seed, stream_name(name, "corrupt")),
      corrupt_bits_rng_(seed, stream_name(name, "corrupt_bits")),
      reorder_rng_(seed, stream_name(name, "reorder")),
      loss_(RandomStream(seed, stream_name(name, "loss"))),
      jitter_(RandomStream(seed, stream_name(name, "delay"))),
      duplicate_corr_(duplicate_rng_),
      corrupt_corr_(corrupt_rng_),
      reorder_corr_(reorder_rng_) {}

Link::TraceSample Link::trace_sample(uint64_t index, Timestamp now) const {
  const auto& entries = trace_->entries;
  const PacketTraceEntry* e = nullptr;
  if (trace_->key == PacketTrace::Key::kIndex) {
    const uint64_t n = entries.size();
    e = &entries[trace_->loop ? index % n : std::min(index, n - 1)];
  } else {
    // The last entry sent at or before `now` (the first one before the trace starts).
    const auto it = std::upper_bound(entries.begin(), entries.end(), now.ns(),
                                     [](int64_t t, const PacketTraceEntry& x) { return t < x.key; });
    e = it == entries.begin() ? &entries.front() : &*(it - 1);
  }
  return {e->lost, e->delay};
}

bool Link::reorder_now(const ReorderConfig& reorder) {
  // netem: after gap-1 normally delayed packets, each packet goes ahead with probability p.
  if (reorder.p <= 0.0 || reorder_counter_ + 1 < reorder.gap ||
      reorder_corr_.next(reorder_rng_, reorder.correlation) >= reorder.p) {
    ++reorder_counter_;
    return false;
  }
  reorder_counter_ = 0;
  return true;
}

void Link::emit(const Delivery& d, std::vector<Delivery>& out) {
  if (d.delivered()) {
    ++counters_.delivered_copies;
    if (d.corrupted) ++counters_.corrupted_delivered;
  } else {
    ++counters_.drops[static_cast<size_t>(d.cause)];
  }
  out.push_back(d);
}

void Link::add_phase(Phase phase) {
  assert(Timestamp::zero() + phase.start >= last_now_ && "Link::add_phase: the past cannot change");
  cross_.wake_at(Timestamp::zero() + phase.start);
  schedule_.add_phase(std::move(phase));
}

size_t Link::end_added_phases(Timestamp t) {
  assert(t >= last_now_ && "Link::end_added_phases: the past cannot change");
  cross_.wake_at(t);
  return schedule_.end_added_phases(t);
}

void Link::send(Timestamp now, const PacketInfo& packet, std::vector<Delivery>& out) {
  assert(now >= last_now_ && "Link::send: time must not go backwards");
  last_now_ = now;
  cross_.advance(now, schedule_, bottleneck_);
  const LinkModels& m = schedule_.at(now);
  const uint64_t index = counters_.sent++;

  // Every model draws once per packet from its own stream, whatever the others decide.
  TraceSample trace;
  bool random_loss = false;
  if (trace_) {
    trace = trace_sample(index, now);
  } else {
    random_loss = loss_.step(m.loss);
  }
  const bool duplicate = duplicate_corr_.next(duplicate_rng_, m.duplicate.correlation) < m.duplicate.p;
  const bool corrupt = corrupt_corr_.next(corrupt_rng_, m.corrupt.correlation) < m.corrupt.p;
  const double jitter = jitter_.next(m.delay);

  Delivery d;
  d.id = packet.id;
  d.sent = now;
  if (schedule_.outage()) {
    d.cause = DropCause::kOutage;
  } else if (trace.lost) {
    d.cause = DropCause::kTrace;
  } else if (random_loss) {
    d.cause = DropCause::kRandomLoss;
  }
  if (!d.delivered()) return emit(d, out);

  const TraceSample* tr = trace_ ? &trace : nullptr;
  send_copy(now, packet, m, tr, {jitter, corrupt, &corrupt_bits_rng_}, d, out);
  if (duplicate) {
    ++counters_.duplicates;
    // The copy's own draws come from the duplicate stream, so they never shift the originals'.
    CopyDraws copy;
    copy.jitter = jitter_quantile(m.delay.distribution, duplicate_rng_.uniform());
    copy.corrupt = duplicate_rng_.uniform() < m.corrupt.p;
    copy.corrupt_rng = &duplicate_rng_;
    d.duplicate = true;
    send_copy(now, packet, m, tr, copy, d, out);
  }
}

void Link::send_copy(Timestamp now, const PacketInfo& packet, const LinkModels& m, const TraceSample* trace,
                     const CopyDraws& draws, Delivery d, std::vector<Delivery>& out) {
  const auto departure = bottleneck_.enqueue(now, packet.size_bytes + m.rate.overhead_bytes, m.rate);
  if (!departure) {
    d.cause = DropCause::kQueueOverflow;
    return emit(d, out);
  }
  if (trace) {
    d.arrival = *departure + trace->delay;  // replayed exactly, no FIFO clamp
  } else {
    d.reordered = !d.duplicate && reorder_now(m.reorder);
    const double delay_ms = d.reordered ? 0.0 : m.delay.base_ms + m.delay.jitter_ms * draws.jitter;
    d.arrival = *departure + Duration::from_ms(std::max(0.0, delay_ms));
    if (!d.reordered && !m.delay.reorder_by_jitter) {
      d.arrival = std::max(d.arrival, last_fifo_arrival_);
      last_fifo_arrival_ = d.arrival;
    }
  }
  if (draws.corrupt) {
    if (m.corrupt.deliver && packet.size_bytes > 0) {
      d.corrupted = true;
      d.corrupt_byte =
          static_cast<uint32_t>(draws.corrupt_rng->below(static_cast<uint64_t>(packet.size_bytes)));
      d.corrupt_bit = static_cast<uint8_t>(draws.corrupt_rng->below(8));
    } else {
      d.cause = DropCause::kCorruption;
      d.arrival = Timestamp::infinite();
    }
  }
  emit(d, out);
}

}  // namespace callsim::sim::net
