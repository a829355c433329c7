#include "jitter/stats_recorder.h"

#include <algorithm>
#include <cmath>

namespace callsim::jitter {

namespace {
constexpr double kInterruptionMs = 150.0;  // W3C interruptionCount threshold
}

void StatsRecorder::concealment_ended() {
  const double ms = 1000.0 * static_cast<double>(event_samples_) / rate_;
  if (ms >= kInterruptionMs && decoded_played_) {
    ++s_.interruption_count;
    s_.total_interruption_duration_s += ms / 1000.0;
  }
  in_concealment_ = false;
  event_samples_ = 0;
}

void StatsRecorder::count_comfort_noise(JitterStats& s) const {
  if (comfort_noise_run_ == 0) return;
  if (dtx_stream_) {
    s.comfort_noise_samples += comfort_noise_run_;
    return;
  }
  s.concealed_samples += comfort_noise_run_;
  s.silent_concealed_samples += comfort_noise_run_;
  if (!run_continues_concealment_) ++s.concealment_events;
}

void StatsRecorder::comfort_noise_ended() {
  count_comfort_noise(s_);
  if (dtx_stream_) {
    if (in_concealment_) concealment_ended();
  } else {
    in_concealment_ = true;  // the event goes on into what follows if that is concealment too
    event_samples_ += comfort_noise_run_;
  }
  comfort_noise_run_ = 0;
}

std::optional<double> StatsRecorder::frame_emitted(sim::Timestamp now, std::span<const SampleMeta> metas,
                                                   double target_ms) {
  int64_t frame_delay_ns = -1;
  for (const auto& m : metas) {
    ++s_.total_samples_received;
    if (m.kind == SampleKind::kComfortNoise) {
      if (!dtx_stream_) {  // undecided until the run ends
        if (comfort_noise_run_ == 0) run_continues_concealment_ = in_concealment_;
        ++comfort_noise_run_;
        continue;
      }
      if (comfort_noise_run_ > 0) comfort_noise_ended();  // DTX was seen during the run
      if (in_concealment_) concealment_ended();
      ++s_.comfort_noise_samples;
      continue;
    }
    if (comfort_noise_run_ > 0) comfort_noise_ended();
    if (is_concealment(m.kind)) {
      if (!in_concealment_) ++s_.concealment_events;
      in_concealment_ = true;
      ++event_samples_;
      ++s_.concealed_samples;
      if (m.kind == SampleKind::kExpandSilent) ++s_.silent_concealed_samples;
      continue;
    }
    if (in_concealment_) concealment_ended();
    if (m.arrival_ns >= 0) {
      const int64_t d = now.ns() - m.arrival_ns;
      s_.jitter_buffer_delay_s += static_cast<double>(d) * 1e-9;
      s_.jitter_buffer_target_delay_s += target_ms / 1000.0;
      ++s_.jitter_buffer_emitted_count;
      if (frame_delay_ns < 0) frame_delay_ns = d;
      decoded_played_ = true;
    }
  }
  if (frame_delay_ns < 0) return std::nullopt;
  frame_delays_ns_.push_back(frame_delay_ns);
  return static_cast<double>(frame_delay_ns) / 1e6;
}

JitterStats StatsRecorder::stats() const {
  JitterStats out = s_;
  count_comfort_noise(out);
  // A concealment event still playing (the call ended in it, or the stats are read during one)
  // is an interruption once it has lasted 150 ms, as it will be when it ends.
  uint64_t open = 0;
  if (comfort_noise_run_ > 0 && !dtx_stream_)
    open = (run_continues_concealment_ ? event_samples_ : 0) + comfort_noise_run_;
  else if (comfort_noise_run_ == 0 && in_concealment_)
    open = event_samples_;
  const double open_ms = 1000.0 * static_cast<double>(open) / rate_;
  if (open > 0 && open_ms >= kInterruptionMs && decoded_played_) {
    ++out.interruption_count;
    out.total_interruption_duration_s += open_ms / 1000.0;
  }
  if (!frame_delays_ns_.empty()) {
    // Nearest rank: the ceil(0.95 n)-th smallest, as the mouth-to-ear and network percentiles.
    std::vector<int64_t> d = frame_delays_ns_;
    const size_t rank = static_cast<size_t>(std::ceil(0.95 * static_cast<double>(d.size())));
    const auto nth = d.begin() + static_cast<std::ptrdiff_t>(std::max<size_t>(rank, 1) - 1);
    std::nth_element(d.begin(), nth, d.end());
    out.jitter_buffer_delay_p95_ms = static_cast<double>(*nth) / 1e6;
  }
  return out;
}

}  // namespace callsim::jitter
