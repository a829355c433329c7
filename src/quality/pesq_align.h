// Time alignment of P.862 (clause 10.1.3): a crude delay from the cross-correlation of the two
// speech envelopes, reference utterances found from the envelope, a per-utterance envelope
// refinement followed by a fine delay from a histogram of waveform cross-correlation peaks, and
// utterance splitting where the delay changes inside an utterance. Delays are in samples
// (positive: the degraded signal lags); utterance bounds are in 4 ms envelope blocks.
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "quality/pesq_fft.h"
#include "quality/pesq_signal.h"
#include "quality/pesq_vad.h"

namespace callsim::quality::pesq_detail {

constexpr long kMinUtteranceBlocks = 50;  // 200 ms
constexpr long kMaxUtterances = 50;       // splitting stops at this count

// One reference utterance (bounds in 4 ms blocks of the Track, margins included) and the delay
// (samples) at which the degraded signal carries it.
struct Utterance {
  long start = 0, end = 0;                // reference blocks [start, end)
  long search_start = 0, search_end = 0;  // envelope search window (blocks)
  long crude_delay = 0;                   // envelope-based estimate (samples)
  long delay = 0;                         // final delay (samples)
  double confidence = 0;                  // histogram peak / total weight, in [0, 1]
};

// Histogram of the cross-correlation peak positions of successive Hann-windowed chunks
// (length RateSetup::align_fft, hop a quarter of it), smoothed by a triangular kernel
// (P.862 clause 10.1.3.2). Each chunk votes with (0.99 * peak)^0.125 for every lag within 1% of
// its peak.
class DelayHistogram {
 public:
  // `window`: the analysis window (align_fft values); empty for the Hann window.
  DelayHistogram(const RateSetup& r, FftSet& ffts, std::span<const double> window = {});
  // Adds the chunks ref[0, N) and deg[0, N).
  void add(const double* ref, const double* deg);
  // Same, with the reference chunk given by its spectrum() (reused across histograms).
  void add(std::span<const Complex> ref_spectrum, const double* deg);
  // Windowed spectrum of the chunk x[0, N); valid until the next call on this histogram.
  std::span<const Complex> spectrum(const double* x);
  // Offset (samples, in [-N/2, N/2)) of the histogram maximum and its share of the total weight.
  std::pair<long, double> peak() const;

 private:
  const RateSetup& r_;
  RealFft& fft_;
  std::vector<double> window_, hist_, chunk_, weights_;
  std::vector<Complex> ref_spec_;
  double total_ = 0;
};

// Everything the alignment stages read.
struct AlignContext {
  const Track& ref;
  const Track& deg;
  const Envelope& ref_env;
  const Envelope& deg_env;
  const RateSetup& r;
  FftSet& ffts;
};

// Lag (blocks) maximising the envelope cross-correlation of the reference blocks
// [ref_start, ref_start + nr) against the degraded blocks [deg_start, deg_start + nd); 0 when
// there is nothing to correlate. The correlation itself is left in `corr` when given (cleared when
// nothing was correlated).
long envelope_lag(const AlignContext& c, long ref_start, long nr, long deg_start, long nd,
                  std::vector<double>* corr = nullptr);
// Crude delay of the whole files (samples).
long crude_delay(const AlignContext& c);
// Envelope refinement over the reference window [search_start, search_end) (blocks) around the
// delay estimate `estimate` (samples); returns the refined estimate (samples).
long refine_envelope_delay(const AlignContext& c, long search_start, long search_end, long estimate,
                           std::vector<double>* corr = nullptr);

// Speech runs [start, end) of the reference activity that are long enough and lie inside the
// degraded file at the crude delay: the utterances of clause 10.1.3.
std::vector<std::pair<long, long>> speech_runs(const AlignContext& c, long crude);

// The full procedure: utterances with their bounds, delays and confidences, in time order.
// Empty when the reference has no utterance inside the degraded file.
std::vector<Utterance> align_utterances(const AlignContext& c, long crude);

// Utterance splitting (clause 10.1.3.3), in pesq_split.cc.
void split_utterances(const AlignContext& c, std::vector<Utterance>& utts);

}  // namespace callsim::quality::pesq_detail
