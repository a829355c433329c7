// TimeStretcher: time-scale modification by whole pitch periods (pitch-synchronous overlap-add,
// the method of NetEq's accelerate / preemptive expand). One operation looks at 2 x max_pitch
// samples (30 ms by default) with the splice point s in the middle:
//   pitch search: normalised autocorrelation on a ~4 kHz decimated copy over lags 2.5 .. 15 ms;
//                 every strong coarse peak is refined at the full rate and the shortest period
//                 within 5 % of the best correlation wins (no octave errors);
//   accelerate:   x[0, s-L) + crossfade(x[s-L, s) -> x[s, s+L)) + x[s+L, N)   (L samples shorter)
//   preemptive:   x[0, s) + crossfade(x[s, s+L) -> x[s-L, s)) + x[s, N)       (L samples longer)
// Both ends of every cross-fade continue their neighbours, so the output has no step. It is only
// applied when it will not be heard: the two periods correlate >= correlation_threshold (voiced,
// periodic; "active" stretching) or the whole segment is quiet (energy <= 8 x background or below
// -60 dBFS, and always below -40 dBFS). A quiet segment carries no pitch worth keeping: there the
// splice length is what the caller asks for, up to max_pitch (NetEq's passive-speech case, which
// removes more). Fast accelerate removes as many whole periods as fit in max_pitch when they also
// correlate, and a multi-period preemptive expand inserts as many. With quiet_only, active
// stretching is not done (the caller waits for a pause).
// Each result maps output samples to input samples (`source`) so callers can carry provenance.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace callsim::jitter {

struct TimeStretchConfig {
  double min_pitch_ms = 2.5;
  double max_pitch_ms = 15.0;
  double correlation_threshold = 0.9;
  double min_splice_ms = 10.0;  // shortest splice point: inputs down to 2 x this are accepted
};

class TimeStretcher {
 public:
  explicit TimeStretcher(int sample_rate_hz, TimeStretchConfig config = {});

  // Samples one operation uses at most: 2 x max pitch.
  int input_samples() const { return 2 * max_lag_; }
  // The shortest input accepted: 2 x min_splice (periods up to min_splice are found in it).
  int min_input_samples() const { return min_input_; }

  struct Pitch {
    int lag = 0;               // samples
    double correlation = 0.0;  // normalised, of the two periods around the splice point
  };
  // Pitch at the splice point of x (x.size() >= input_samples()).
  Pitch find_pitch(std::span<const float> x) const;
  Pitch find_pitch(std::span<const float> x, int splice) const;

  struct Result {
    bool applied = false;
    bool low_energy = false;
    int lag = 0;     // pitch period found
    int change = 0;  // samples removed (accelerate) or inserted (preemptive expand)
    std::vector<float> output;
    std::vector<int> source;       // output[i] came from (or was spliced at) input[source[i]]
    std::vector<uint8_t> spliced;  // output[i] is part of the cross-fade / inserted period
  };
  // Both use the first n = min(x.size(), input_samples()) samples of x (rounded down to even,
  // splice point n / 2, periods up to n / 2) and return output for exactly that region; x must
  // hold at least min_input_samples(). Nothing is done when the period found is longer than
  // max_change samples.
  Result accelerate(std::span<const float> x, double background_rms, bool fast, int max_change = 1 << 30,
                    bool quiet_only = false) const;
  // multi: insert as many whole periods as fit in max_change (and the splice point) when they also
  // correlate, as fast accelerate removes them: one larger step instead of several one-period ones.
  Result preemptive_expand(std::span<const float> x, double background_rms, int max_change = 1 << 30,
                           bool quiet_only = false, bool multi = false) const;

  // True when x[from, to) is quiet enough to stretch without pitch (see the class comment).
  static bool quiet(std::span<const float> x, int from, int to, double background_rms);

 private:
  double correlation(std::span<const float> x, int start, int lag, int length) const;
  // The splice length: a pitch-synchronous one (0 = none) or, in a quiet segment, max_change
  // capped at max_pitch.
  int splice_length(std::span<const float> x, int splice, double background_rms, int max_change,
                    bool quiet_only, bool fast, Result& r) const;
  int splice_point(std::span<const float> x) const;

  int rate_;
  TimeStretchConfig config_;
  int min_lag_, max_lag_, min_input_, decimation_;
};

}  // namespace callsim::jitter
