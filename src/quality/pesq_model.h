// The perceptual model of P.862 (clause 10.2): short-term spectra on 32 ms Hann-windowed frames
// (hop 16 ms), warped to the Bark scale as pitch power densities, partial compensation of the
// reference for the system's frequency response and of the degraded signal for slow gain
// variations, Zwicker loudness densities, and the per-frame symmetric and asymmetric
// disturbances (clauses 10.2.4 - 10.2.11). Densities are stored bands x frames.
#pragma once

#include <Eigen/Core>
#include <span>
#include <vector>

#include "quality/pesq_align.h"
#include "quality/pesq_fft.h"
#include "quality/pesq_signal.h"
#include "quality/pesq_tables.h"

namespace callsim::quality::pesq_detail {

// Computes pitch power densities of single frames (clauses 10.2.4 and 10.2.5).
class FrameAnalyzer {
 public:
  FrameAnalyzer(const RateSetup& r, FftSet& ffts);
  // Pitch power density of the frame x[0, frame) into `out` (bands entries).
  void analyze(const double* x, Eigen::Ref<Eigen::ArrayXd> out);
  const BarkScale& scale() const { return scale_; }

 private:
  const BarkScale& scale_;
  RealFft& fft_;
  std::vector<double> window_, chunk_;
};

// Audible power of a frame: the sum over bands 1.. of densities above factor * threshold.
double audible_power(const BarkScale& s, const Eigen::Ref<const Eigen::ArrayXd>& dens, double factor);

// Per-frame disturbances and the reference's audible power.
struct FrameDisturbances {
  std::vector<double> symmetric, asymmetric, ref_power;
};

// Gain-compensates the degraded densities of frames [first, last) in place (the smoothing state
// starts afresh at `first`) and writes the frames' disturbances (clauses 10.2.7 - 10.2.11).
void frame_disturbances(const BarkScale& s, const Eigen::ArrayXXd& ref, Eigen::ArrayXXd& deg, long first,
                        long last, FrameDisturbances& out);

// Frequency-response compensation of the reference densities (clause 10.2.6): each band is
// multiplied by the ratio of the two signals' average audible power in non-silent frames.
void compensate_frequency_response(const BarkScale& s, Eigen::ArrayXXd& ref, const Eigen::ArrayXXd& deg,
                                   const std::vector<bool>& silent, long averaging_frames);

// Index of the utterance governing reference sample position `pos` (the last one starting at or
// before it; the first one if none does).
size_t utterance_at(const std::vector<Utterance>& utts, long pos, long block);

}  // namespace callsim::quality::pesq_detail
