#include "quality/pesq_model.h"

#include <algorithm>
#include <cmath>

#include "quality/det_math.h"

namespace callsim::quality::pesq_detail {
namespace {

constexpr double kMaxGain = 5.0, kMinGain = 3e-4;  // clause 10.2.7 limits
constexpr double kDeadZone = 0.25;                 // clause 10.2.9 masking share

// Zwicker's law (clause 10.2.8): loudness density of pitch power density `p` in one band.
double loudness(const BarkScale& s, int band, double p) {
  const double thr = s.hearing_threshold[band];
  if (p <= thr) return 0.0;
  return s.loudness_factor[band] * (detmath::pow(0.5 + 0.5 * p / thr, s.zwicker_exponent[band]) - 1.0);
}

// Bark-width-weighted L2 (p = 2) or L1 (p = 1) norm over bands 1.. (clause 10.2.11).
double band_norm(const BarkScale& s, const std::vector<double>& d, int p) {
  double sum = 0, weight = 0;
  for (int b = 1; b < s.bands; ++b) {
    const double w = s.width_bark[b];
    const double v = std::fabs(d[b]) * w;
    sum += p == 2 ? v * v : v;
    weight += w;
  }
  const double mean = sum / weight;
  return (p == 2 ? std::sqrt(mean) : mean) * weight;
}

// Asymmetry factor (clause 10.2.10): ((deg + 50) / (ref + 50))^1.2, capped at 12, zero below 3.
double asymmetry(double ref, double deg) {
  const double ratio = (deg + 50.0) / (ref + 50.0);
  if (ratio < 2.49) return 0.0;  // 2.49^1.2 < 3: skips the power for most cells
  const double h = detmath::pow(ratio, 1.2);
  return h > 12.0 ? 12.0 : (h < 3.0 ? 0.0 : h);
}

}  // namespace

FrameAnalyzer::FrameAnalyzer(const RateSetup& r, FftSet& ffts)
    : scale_(bark_scale(r.fs)), fft_(ffts.get(r.frame)), window_(r.frame), chunk_(r.frame) {
  for (int n = 0; n < r.frame; ++n) window_[n] = 0.5 * (1.0 - detmath::cos_2pi(n, r.frame));
}

void FrameAnalyzer::analyze(const double* x, Eigen::Ref<Eigen::ArrayXd> out) {
  const int n = fft_.size();
  for (int i = 0; i < n; ++i) chunk_[i] = x[i] * window_[i];
  const std::span<const Complex> spec = fft_.forward(chunk_);
  int bin = 0;  // band 0 is the DC bin alone, whose power is left out
  for (int b = 0; b < scale_.bands; ++b) {
    double sum = 0;
    for (int k = 0; k < scale_.bins_per_band[b]; ++k, ++bin)
      if (bin > 0) sum += std::norm(spec[bin]);
    out[b] = sum * scale_.power_correction[b] * scale_.power_scale;
  }
}

double audible_power(const BarkScale& s, const Eigen::Ref<const Eigen::ArrayXd>& dens, double factor) {
  double sum = 0;
  for (int b = 1; b < s.bands; ++b)
    if (dens[b] > factor * s.hearing_threshold[b]) sum += dens[b];
  return sum;
}

void frame_disturbances(const BarkScale& s, const Eigen::ArrayXXd& ref, Eigen::ArrayXXd& deg, long first,
                        long last, FrameDisturbances& out) {
  double previous = 1.0;
  std::vector<double> d(static_cast<size_t>(s.bands));
  for (long f = first; f < last; ++f) {
    const double ref_power = audible_power(s, ref.col(f), 1.0);
    double gain = (ref_power + 5e3) / (audible_power(s, deg.col(f), 1.0) + 5e3);
    if (f > 0) gain = 0.2 * previous + 0.8 * gain;
    previous = gain;
    deg.col(f) *= std::clamp(gain, kMinGain, kMaxGain);
    for (int b = 0; b < s.bands; ++b) {
      const double lr = loudness(s, b, ref(b, f)), ld = loudness(s, b, deg(b, f));
      const double m = kDeadZone * std::min(lr, ld);
      const double diff = ld - lr;
      d[b] = diff > m ? diff - m : (diff < -m ? diff + m : 0.0);
    }
    out.ref_power[f] = ref_power;
    out.symmetric[f] = band_norm(s, d, 2);
    for (int b = 0; b < s.bands; ++b) d[b] *= asymmetry(ref(b, f), deg(b, f));
    out.asymmetric[f] = band_norm(s, d, 1);
  }
}

void compensate_frequency_response(const BarkScale& s, Eigen::ArrayXXd& ref, const Eigen::ArrayXXd& deg,
                                   const std::vector<bool>& silent, long averaging_frames) {
  for (int b = 0; b < s.bands; ++b) {
    const double floor = 100.0 * s.hearing_threshold[b];
    double sum_ref = 0, sum_deg = 0;
    for (long f = 0; f < ref.cols(); ++f) {
      if (silent[f]) continue;
      if (ref(b, f) > floor) sum_ref += ref(b, f);
      if (deg(b, f) > floor) sum_deg += deg(b, f);
    }
    const double avg_ref = sum_ref / static_cast<double>(averaging_frames);
    const double avg_deg = sum_deg / static_cast<double>(averaging_frames);
    ref.row(b) *= std::clamp((avg_deg + 1000.0) / (avg_ref + 1000.0), 0.01, 100.0);
  }
}

size_t utterance_at(const std::vector<Utterance>& utts, long pos, long block) {
  for (size_t u = utts.size(); u-- > 0;)
    if (utts[u].start * block <= pos) return u;
  return 0;
}

}  // namespace callsim::quality::pesq_detail
