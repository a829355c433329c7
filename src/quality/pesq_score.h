// From aligned signals to the P.862 raw score: runs the perceptual model over all frames,
// zeroes frames where the delay jumped back, realigns bad intervals (clauses 10.2.12, 10.2.13),
// and aggregates the disturbances over split-second intervals and the file (clauses 10.2.14 -
// 10.2.16).
#pragma once

#include <vector>

#include "quality/pesq_align.h"
#include "quality/pesq_fft.h"
#include "quality/pesq_model.h"
#include "quality/pesq_signal.h"

namespace callsim::quality::pesq_detail {

// Result of the perceptual model: the raw score and the quantities it is made of.
struct ModelScore {
  double raw = 0;                        // 4.5 - 0.1 D - 0.0309 A
  double symmetric = 0;                  // D: aggregated symmetric disturbance
  double asymmetric = 0;                 // A: aggregated asymmetric disturbance
  long first_frame = 0, last_frame = 0;  // frames aggregated (inclusive)
  long bad_intervals = 0;                // intervals realigned in clause 10.2.13
};

// The tracks must hold the level-aligned, input-filtered signals; their buffers are extended
// to a common length.
ModelScore perceptual_score(Track& ref, Track& deg, const std::vector<Utterance>& utts, const RateSetup& r,
                            FftSet& ffts);

// State of the frame loop shared with the bad-interval realignment.
struct FrameState {
  long max_length = 0;       // common Track length
  long stop_frame = 0;       // last frame index
  Eigen::ArrayXXd ref, deg;  // pitch power densities (bands x frames)
  FrameDisturbances dist;
};

// Zeroes the disturbances of frames where an utterance starts with a delay more than half a
// frame smaller than its predecessor's (clause 10.2.12).
void skip_delay_jumps(const std::vector<Utterance>& utts, const RateSetup& r, FrameState& st);

// Clause 10.2.13: finds runs of frames with symmetric disturbance above 30, searches a local
// delay for each by cross-correlation, and keeps the smaller disturbances of a re-run of the
// model on the realigned degraded signal. Returns the number of intervals realigned.
long realign_bad_intervals(const Track& ref, const Track& deg, const std::vector<Utterance>& utts,
                           const RateSetup& r, FftSet& ffts, FrameState& st);

// Normalised absolute cross-correlation search used by the realignment: the lag in
// [-range, range) maximising |sum a[n] b[n + lag]| / sqrt(sum a^2 sum b^2) of |a| and |b|.
// Returns {lag, correlation}; {0, 0} when either signal is (nearly) silent.
std::pair<long, double> envelope_correlation_delay(std::span<const double> a, std::span<const double> b,
                                                   long range, FftSet& ffts);

}  // namespace callsim::quality::pesq_detail
