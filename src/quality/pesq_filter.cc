#include "quality/pesq_filter.h"

#include <cmath>

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

// Filters x[from, from + count) in place by multiplying its spectrum (FFT of the next power of
// two, zero-padded) with the curve's gain.
void curve_filter(Eigen::ArrayXd& x, long from, long count, std::span<const CurvePoint> curve, int fs,
                  FftSet& ffts) {
  RealFft& fft = ffts.get(static_cast<int>(next_pow2(count)));
  fft.forward({x.data() + from, static_cast<size_t>(count)});
  std::span<Complex> spec = fft.spectrum();
  const double ref_db = response_db(1000.0, curve);
  const double resolution = static_cast<double>(fs) / fft.size();
  for (size_t k = 0; k < spec.size(); ++k) {
    const double db = response_db(static_cast<double>(k) * resolution, curve) - ref_db;
    spec[k] *= std::pow(10.0, db / 20.0);
  }
  std::span<const double> y = fft.inverse();
  for (long i = 0; i < count; ++i) x[from + i] = y[static_cast<size_t>(i)];
}

}  // namespace

double band_power(const Track& t, long max_length, const RateSetup& r, FftSet& ffts) {
  const long count = t.length - 2 * r.margin() + r.padding();
  Eigen::ArrayXd filtered = t.x;
  curve_filter(filtered, r.margin(), count, level_alignment_band(), r.fs, ffts);
  const double energy = filtered.segment(r.margin(), count).square().sum();
  return energy / static_cast<double>(max_length - 2 * r.margin() + r.padding());
}

void scale(Track& t, double gain) { t.x.head(t.length) *= gain; }

void apply_curve_filter(Track& t, std::span<const CurvePoint> curve, const RateSetup& r, FftSet& ffts) {
  curve_filter(t.x, r.margin(), t.length - 2 * r.margin() + r.padding(), curve, r.fs, ffts);
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
  for (const Biquad& s : sections) {
    double z1 = 0, z2 = 0;
    for (double& v : x) {
      const double z0 = v - s.a1 * z1 - s.a2 * z2;
      v = s.b0 * z0 + s.b1 * z1 + s.b2 * z2;
      z2 = z1;
      z1 = z0;
    }
  }
}

}  // namespace callsim::quality::pesq_detail
