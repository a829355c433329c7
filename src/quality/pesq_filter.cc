#include "quality/pesq_filter.h"

#include <array>
#include <cmath>
#include <vector>

namespace callsim::quality::pesq_detail {
namespace {

// Linear interpolation of the dB response; outside the table the end segments are extended.
double response_db(double hz, std::span<const CurvePoint> c) {
  size_t hi = 1;
  if (hz >= c.back().hz) {
    hi = c.size() - 1;
  } else if (hz > c.front().hz) {
    while (c[hi].hz < hz) ++hi;
  }
  const CurvePoint& a = c[hi - 1];
  const CurvePoint& b = c[hi];
  return ((hz - a.hz) * b.db + (b.hz - hz) * a.db) / (b.hz - a.hz);
}

// Calls f(k, gain) for each FFT bin k <= size/2 (size points at rate fs) with the curve's gain
// normalised to 0 dB at 1 kHz. Inside a segment the dB response is linear in frequency, so the
// gain is geometric across bins; it is recomputed exactly at each segment start.
template <typename F>
void for_each_gain(std::span<const CurvePoint> curve, long size, int fs, F&& f) {
  const double ref_db = response_db(1000.0, curve);
  const double resolution = static_cast<double>(fs) / static_cast<double>(size);
  const size_t bins = static_cast<size_t>(size / 2 + 1);
  size_t k = 0;
  while (k < bins) {
    const double hz = static_cast<double>(k) * resolution;
    size_t seg = 1;
    while (seg + 1 < curve.size() && curve[seg].hz <= hz) ++seg;
    const CurvePoint& a = curve[seg - 1];
    const CurvePoint& b = curve[seg];
    const double ratio = std::pow(10.0, (b.db - a.db) / (b.hz - a.hz) * resolution / 20.0);
    double g = std::pow(10.0, (response_db(hz, curve) - ref_db) / 20.0);
    f(k, g);
    for (++k; k < bins && (seg + 1 == curve.size() || static_cast<double>(k) * resolution < b.hz); ++k)
      f(k, g *= ratio);
  }
}

}  // namespace

InputConditioner::InputConditioner(const RateSetup& r) : r_(r) {}

// Zero-phase filtering by one FFT of the next power of two (zero-padded) over the signal part and
// padding: the spectrum is kept, and each curve is applied to it in turn.
double InputConditioner::condition(Track& t, long max_length, const std::span<const CurvePoint>* curve,
                                   double target_power, double silent_power) {
  const long from = r_.margin(), count = t.length - 2 * r_.margin() + r_.padding();
  RealFft& fft = ffts_.get(static_cast<int>(next_pow2(count)));
  const std::span<const Complex> s = fft.forward({t.x.data() + from, static_cast<size_t>(count)});
  spectrum_.assign(s.begin(), s.end());
  auto filtered = [&](std::span<const CurvePoint> c, double gain) {
    std::span<Complex> out = fft.spectrum();
    for_each_gain(c, fft.size(), r_.fs, [&](size_t k, double g) { out[k] = spectrum_[k] * (gain * g); });
    return fft.inverse();
  };
  const std::span<const double> band = filtered(level_alignment_band(), 1.0);
  double energy = 0;
  for (long i = 0; i < count; ++i) energy += band[static_cast<size_t>(i)] * band[static_cast<size_t>(i)];
  const double power = energy / static_cast<double>(max_length - 2 * r_.margin() + r_.padding());
  const double gain = power < silent_power ? 0.0 : std::sqrt(target_power / power);
  if (curve) {
    const std::span<const double> y = filtered(*curve, gain);
    for (long i = 0; i < count; ++i) t.x[from + i] = y[static_cast<size_t>(i)];
  } else {
    t.x.head(t.length) *= gain;
  }
  return power;
}

double condition_input(Track& t, long max_length, const std::span<const CurvePoint>* curve,
                       const RateSetup& r, double target_power, double silent_power) {
  InputConditioner c(r);
  return c.condition(t, max_length, curve, target_power, silent_power);
}

void apply_wideband_filter(Track& t, const RateSetup& r) {
  constexpr int kFade = 16;
  const long first = r.margin(), last = t.length - r.margin() - 1;  // first and last file samples
  for (int i = 0; i < kFade; ++i) {
    t.x[first + i - 1] *= i / 16.0;
    t.x[last + 1 - i] *= i / 16.0;
  }
  const Biquad hp = wideband_input_filter(r.fs);
  filter_cascade({t.x.data() + first, static_cast<size_t>(last + 1 - first)}, {&hp, 1});
}

void apply_alignment_filter(Track& t, const RateSetup& r) {
  const long first = r.margin(), count = t.length - 2 * r.margin();
  // The mean is taken over the whole track length (margins included), as in the Recommendation.
  const double mean = t.x.segment(first, count).sum() / static_cast<double>(t.length);
  t.x.segment(first, count) -= mean;
  for (int k = 0; k < r.block; ++k) {
    const double taper = (0.5 + k) / r.block;
    t.x[first + k] *= taper;
    t.x[first + count - 1 - k] *= taper;
  }
  filter_cascade({t.x.data(), static_cast<size_t>(t.length + r.padding())}, alignment_prefilter(r.fs));
}

void filter_cascade(std::span<double> x, std::span<const Biquad> sections) {
  // Sample by sample through all sections (the same arithmetic as section after section), so the
  // sections' recursions overlap in the pipeline.
  std::vector<std::array<double, 2>> z(sections.size(), {0.0, 0.0});
  for (double& v : x) {
    double in = v;
    for (size_t s = 0; s < sections.size(); ++s) {
      const Biquad& q = sections[s];
      const double z0 = in - q.a1 * z[s][0] - q.a2 * z[s][1];
      in = q.b0 * z0 + q.b1 * z[s][0] + q.b2 * z[s][1];
      z[s][1] = z[s][0];
      z[s][0] = z0;
    }
    v = in;
  }
}

}  // namespace callsim::quality::pesq_detail
