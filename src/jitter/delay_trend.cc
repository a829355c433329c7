#include "jitter/delay_trend.h"

#include <algorithm>
#include <stdexcept>

namespace callsim::jitter {

DelayTrend::DelayTrend(DelayTrendConfig config) : config_(config) {
  if (!(config.block_ms > 0) || config.blocks < 2) throw std::invalid_argument("DelayTrend: bad block layout");
}

void DelayTrend::add(sim::Timestamp arrival, double offset_ms) {
  const auto block_ns = static_cast<int64_t>(config_.block_ms * 1e6);
  if (open_ && arrival.ns() - open_->start_ns >= block_ns) close_block();
  if (!open_) {
    open_ = Block{arrival.ns(), offset_ms};
  } else {
    open_->min_offset_ms = std::min(open_->min_offset_ms, offset_ms);
  }
}

void DelayTrend::close_block() {
  const auto block_ns = static_cast<int64_t>(config_.block_ms * 1e6);
  // A gap in arrivals (DTX, an outage) breaks the sequence: blocks must be back to back.
  if (!closed_.empty() && open_->start_ns - closed_.back().start_ns > 2 * block_ns) closed_.clear();
  closed_.push_back(*open_);
  open_.reset();
  while (closed_.size() > static_cast<size_t>(config_.blocks)) closed_.pop_front();
  fit();
}

void DelayTrend::fit() {
  rising_.reset();
  if (closed_.size() < static_cast<size_t>(config_.blocks)) return;
  for (size_t i = 1; i < closed_.size(); ++i)
    if (closed_[i].min_offset_ms < closed_[i - 1].min_offset_ms) return;
  const auto n = static_cast<double>(closed_.size());
  const int64_t t0 = closed_.front().start_ns;
  double st = 0, sy = 0;
  for (const Block& b : closed_) {
    st += static_cast<double>(b.start_ns - t0) * 1e-9;
    sy += b.min_offset_ms;
  }
  double stt = 0, sty = 0;
  for (const Block& b : closed_) {
    const double t = static_cast<double>(b.start_ns - t0) * 1e-9 - st / n;
    stt += t * t;
    sty += t * (b.min_offset_ms - sy / n);
  }
  if (stt <= 0) return;
  const double slope = sty / stt;
  if (slope >= config_.min_slope_ms_per_s) rising_ = slope;
}

}  // namespace callsim::jitter
