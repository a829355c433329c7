#include "rtp/capture_analysis.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace callsim::rtp {

CaptureAnalysis::CaptureAnalysis(int clock_rate_hz) {
  if (clock_rate_hz < 1000) throw std::invalid_argument("rtp: clock rate below 1000 Hz");
  ticks_per_ms_ = clock_rate_hz / 1000;  // integer division, as Wireshark does
}

void CaptureAnalysis::first_packet(uint16_t sequence, uint32_t rtp_timestamp, double now_ms) {
  started_ = true;
  start_seq_ = stop_seq_ = sequence;
  last_timestamp_ = rtp_timestamp;
  last_time_ms_ = now_ms;
  figures_.packets = 1;
  figures_.expected = 1;
}

// Wireshark's wrap detection: a sequence number below the first one starts a new cycle.
void CaptureAnalysis::count_cycles(uint16_t seq, bool in_time_sequence) {
  if (!in_time_sequence) return;
  if (!under_ && (seq < start_seq_ || (seq == 0 && stop_seq_ == 65535))) {
    ++cycles_;
    under_ = true;
  } else if (under_ && seq > start_seq_) {
    under_ = false;
  }
}

void CaptureAnalysis::update_regular(double delta_ms) {
  CaptureFigures& f = figures_;
  const auto n = static_cast<double>(f.packets);  // packets before this one
  f.max_delta_ms = std::max(f.max_delta_ms, delta_ms);
  f.min_delta_ms = f.min_delta_ms < 0 ? delta_ms : std::min(f.min_delta_ms, delta_ms);
  f.mean_delta_ms = (f.mean_delta_ms * (n - 1) + delta_ms) / n;
  f.max_jitter_ms = std::max(f.max_jitter_ms, f.jitter_ms);
  f.min_jitter_ms = f.min_jitter_ms < 0 ? f.jitter_ms : std::min(f.min_jitter_ms, f.jitter_ms);
  f.mean_jitter_ms = (f.mean_jitter_ms * (n - 1) + f.jitter_ms) / n;
}

void CaptureAnalysis::on_packet(uint16_t sequence, uint32_t rtp_timestamp, bool marker,
                                sim::Timestamp arrival) {
  const double now_ms = static_cast<double>(arrival.ns()) / 1e6;
  if (!started_) return first_packet(sequence, rtp_timestamp, now_ms);
  unwrapped_timestamp_ += static_cast<int32_t>(rtp_timestamp - last_timestamp_);
  last_timestamp_ = rtp_timestamp;
  const bool in_time_sequence = unwrapped_timestamp_ >= 0;
  count_cycles(sequence, in_time_sequence);
  if (in_time_sequence) {
    const double nominal_ms = static_cast<double>(unwrapped_timestamp_) / ticks_per_ms_;
    const double diff = std::abs(now_ms - (last_time_ms_ + nominal_ms - last_nominal_ms_));
    figures_.jitter_ms = (15 * figures_.jitter_ms + diff) / 16;
    delta_ms_ = now_ms - last_time_ms_;
    last_nominal_ms_ = nominal_ms;
    last_time_ms_ = now_ms;
  }
  if (in_time_sequence && !marker) update_regular(delta_ms_);
  stop_seq_ = sequence;
  ++figures_.packets;
  figures_.expected = stop_seq_ + cycles_ * 65536 - start_seq_ + 1;
  figures_.lost = figures_.expected - figures_.packets;
}

}  // namespace callsim::rtp
