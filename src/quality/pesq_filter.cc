#include "quality/pesq_filter.h"

#include <array>
#include <cmath>
#include <vector>

#include "quality/det_math.h"

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
    const double ratio = detmath::pow(10.0, (b.db - a.db) / (b.hz - a.hz) * resolution / 20.0);
    double g = detmath::pow(10.0, (response_db(hz, curve) - ref_db) / 20.0);
    f(k, g);
    for (++k; k < bins && (seg + 1 == curve.size() || static_cast<double>(k) * resolution < b.hz); ++k)
      f(k, g *= ratio);
  }
}

}  // namespace

InputConditioner::InputConditioner(const RateSetup& r) : r_(r) {}

// One FFT of the next power of two (zero-padded) over the signal part and padding. The band
// power comes from the spectrum (Parseval: the energy of the band-filtered signal over the whole
// transform, filter ringing included); the narrowband input filter is applied to the spectrum in
// place and transformed back (zero-phase filtering).
double InputConditioner::condition(Track& t, long max_length, const std::span<const CurvePoint>* curve,
                                   double target_power, double silent_power) {
  const long from = r_.margin(), count = t.length - 2 * r_.margin() + r_.padding();
  RealFft& fft = ffts_.get(static_cast<int>(next_pow2(count)));
  const std::span<const Complex> s = fft.forward({t.x.data() + from, static_cast<size_t>(count)});
  const size_t nyquist = static_cast<size_t>(fft.size() / 2);
  double energy = 0;
  for_each_gain(level_alignment_band(), fft.size(), r_.fs, [&](size_t k, double g) {
    const double e = std::norm(s[k]) * g * g;
    energy += (k == 0 || k == nyquist) ? e : 2.0 * e;  // the other bins stand for two
  });
  energy /= static_cast<double>(fft.size());
  const double power = energy / static_cast<double>(max_length - 2 * r_.margin() + r_.padding());
  const double gain = power < silent_power ? 0.0 : std::sqrt(target_power / power);
  if (curve) {
    std::span<Complex> x = fft.spectrum();
    for_each_gain(*curve, fft.size(), r_.fs, [&](size_t k, double g) { x[k] *= gain * g; });
    const std::span<const double> y = fft.inverse();
    for (long i = 0; i < count; ++i) t.x[from + i] = y[static_cast<size_t>(i)];
  } else {
    for (long i = 0; i < t.length; ++i) t.x[i] *= gain;
  }
  return power;
}

double condition_input(Track& t, long max_length, const std::span<const CurvePoint>* curve,
                       const RateSetup& r, double target_power, double silent_power) {
  InputConditioner c(r);
  return c.condition(t, max_length, curve, target_power, silent_power);
}

namespace {

// Fades the first and last 16 file samples in and out (P.862.2's wideband input stage).
std::span<double> wideband_fade(Track& t, const RateSetup& r) {
  constexpr int kFade = 16;
  const long first = r.margin(), last = t.length - r.margin() - 1;  // first and last file samples
  for (int i = 0; i < kFade; ++i) {
    t.x[first + i - 1] *= i / 16.0;
    t.x[last + 1 - i] *= i / 16.0;
  }
  return {t.x.data() + first, static_cast<size_t>(last + 1 - first)};
}

// DC removal and 4 ms tapers of the alignment pre-processing; returns the span to filter.
std::span<double> remove_dc(Track& t, const RateSetup& r) {
  const long first = r.margin(), count = t.length - 2 * r.margin();
  // The mean is taken over the whole track length (margins included), as in the Recommendation.
  double sum = 0;
  for (long i = first; i < first + count; ++i) sum += t.x[i];
  const double mean = sum / static_cast<double>(t.length);
  for (long i = first; i < first + count; ++i) t.x[i] -= mean;
  for (int k = 0; k < r.block; ++k) {
    const double taper = (0.5 + k) / r.block;
    t.x[first + k] *= taper;
    t.x[first + count - 1 - k] *= taper;
  }
  return {t.x.data(), static_cast<size_t>(t.length + r.padding())};
}

// One biquad cascade's state and its step (direct form II).
class Cascade {
 public:
  explicit Cascade(std::span<const Biquad> sections) : q_(sections), z_(sections.size(), {0.0, 0.0}) {}
  double step(double in) {
    for (size_t s = 0; s < q_.size(); ++s) {
      const Biquad& q = q_[s];
      const double z0 = in - q.a1 * z_[s][0] - q.a2 * z_[s][1];
      in = q.b0 * z0 + q.b1 * z_[s][0] + q.b2 * z_[s][1];
      z_[s][1] = z_[s][0];
      z_[s][0] = z0;
    }
    return in;
  }
  void set_state(size_t section, double z1, double z2) { z_[section] = {z1, z2}; }

 private:
  std::span<const Biquad> q_;
  std::vector<std::array<double, 2>> z_;
};

}  // namespace

void apply_wideband_filter(Track& t, const RateSetup& r) {
  const Biquad hp = wideband_input_filter(r.fs);
  filter_cascade(wideband_fade(t, r), {&hp, 1});
}

void apply_wideband_filter(Track& a, Track& b, const RateSetup& r) {
  const Biquad hp = wideband_input_filter(r.fs);
  filter_cascade(wideband_fade(a, r), wideband_fade(b, r), {&hp, 1});
}

void apply_alignment_filter(Track& t, const RateSetup& r) {
  filter_cascade(remove_dc(t, r), alignment_prefilter(r.fs));
}

void apply_alignment_filter(Track& a, Track& b, const RateSetup& r) {
  filter_cascade(remove_dc(a, r), remove_dc(b, r), alignment_prefilter(r.fs));
}

void filter_cascade(std::span<double> x, std::span<const Biquad> sections) {
  // Sample by sample through all sections (the same arithmetic as section after section), so the
  // sections' recursions overlap in the pipeline.
  Cascade c(sections);
  for (double& v : x) v = c.step(v);
}

void filter_cascade(std::span<double> x, std::span<double> y, std::span<const Biquad> sections) {
  // Two independent recursions side by side: each sees exactly the arithmetic it would alone.
  const size_t common = std::min(x.size(), y.size());
#ifdef CALLSIM_NO_SIMD
  Cascade cx(sections), cy(sections);
  for (size_t i = 0; i < common; ++i) {
    x[i] = cx.step(x[i]);
    y[i] = cy.step(y[i]);
  }
#else
  // The two signals as the two lanes of one 128-bit vector: lane-wise IEEE operations, so the
  // same bits as the scalar path (CALLSIM_NO_SIMD) in half the instructions.
  using Lanes = double __attribute__((vector_size(16)));
  std::vector<std::array<Lanes, 2>> z(sections.size(), {Lanes{0.0, 0.0}, Lanes{0.0, 0.0}});
  for (size_t i = 0; i < common; ++i) {
    Lanes in = {x[i], y[i]};
    for (size_t s = 0; s < sections.size(); ++s) {
      const Biquad& q = sections[s];
      const Lanes z0 = in - q.a1 * z[s][0] - q.a2 * z[s][1];
      in = q.b0 * z0 + q.b1 * z[s][0] + q.b2 * z[s][1];
      z[s][1] = z[s][0];
      z[s][0] = z0;
    }
    x[i] = in[0];
    y[i] = in[1];
  }
  Cascade cx(sections), cy(sections);
  for (size_t s = 0; s < sections.size(); ++s) cx.set_state(s, z[s][0][0], z[s][1][0]), cy.set_state(s, z[s][0][1], z[s][1][1]);
#endif
  for (size_t i = common; i < x.size(); ++i) x[i] = cx.step(x[i]);
  for (size_t i = common; i < y.size(); ++i) y[i] = cy.step(y[i]);
}

}  // namespace callsim::quality::pesq_detail
