// Internal layout shared by the P.862 stages. Signals are processed in the 16-bit sample scale
// (a full-scale square wave has amplitude 32768) as double. Each signal is placed in a Track:
// `margin` zero samples (75 envelope blocks), the file's samples, `margin` zeros again, and a
// further 320 ms of zero padding, as the Recommendation's time alignment and frame layout assume.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <span>
#include <vector>

namespace callsim::quality::pesq_detail {

constexpr int kMarginBlocks = 75;  // search margin at each end, in 4 ms envelope blocks
constexpr int kPaddingMs = 320;    // zero padding after the trailing margin

// Rate-dependent sizes (P.862 clause 10.2.1.1): all durations are the same in milliseconds.
struct RateSetup {
  int fs = 8000;
  int block = 32;       // envelope block, 4 ms
  int align_fft = 512;  // fine time-alignment FFT, 64 ms
  int frame = 256;      // perceptual-model frame, 32 ms (hop frame/2)

  static RateSetup for_rate(int fs) {
    const int k = fs / 8000;
    return RateSetup{fs, 32 * k, 512 * k, 256 * k};
  }
  long margin() const { return static_cast<long>(kMarginBlocks) * block; }
  long padding() const { return static_cast<long>(kPaddingMs) * (fs / 1000); }
};

// One signal in the model's layout. `length` = margin + samples + margin (the padding that follows
// is not counted); x.size() >= length + padding.
struct Track {
  Eigen::ArrayXd x;
  long length = 0;

  std::span<const double> span(long from, long count) const {
    return {x.data() + from, static_cast<size_t>(count)};
  }
};

// Places `samples` (16-bit scale) in a Track whose buffer holds at least `buffer_length` samples.
inline Track make_track(std::span<const double> samples, const RateSetup& r, long buffer_length = 0) {
  Track t;
  t.length = static_cast<long>(samples.size()) + 2 * r.margin();
  t.x = Eigen::ArrayXd::Zero(std::max(buffer_length, t.length + r.padding()));
  for (size_t i = 0; i < samples.size(); ++i) t.x[r.margin() + static_cast<long>(i)] = samples[i];
  return t;
}

}  // namespace callsim::quality::pesq_detail
