#include "quality/pesq_fft.h"

#include <fftw3.h>

#include <algorithm>
#include <cassert>
#include <map>
#include <mutex>
#include <numbers>

namespace callsim::quality::pesq_detail {
namespace {

// A real transform of size n runs as an in-place complex transform of size n/2 on the even/odd
// samples packed as real/imaginary parts, plus a twiddle pass (FFTW plans complex transforms far
// faster than real ones, and planning dominates the cost of one P.862 run). The twiddle factors
// exp(-2 pi i k / n) are the product of a coarse table (every 256th k) and a fine one (256
// entries), so a whole-file transform needs no n-sized table. One Plans per size, created under
// the planner mutex and immutable afterwards.
struct Plans {
  fftw_plan forward = nullptr;   // complex, size n/2, in place
  fftw_plan backward = nullptr;  // complex, size n/2, in place
  std::vector<Complex> coarse;   // exp(-2 pi i 256 j / n)
  std::vector<Complex> fine;     // exp(-2 pi i j / n), j < 256

  Complex twiddle(int k) const {
    return coarse[static_cast<size_t>(k >> 8)] * fine[static_cast<size_t>(k & 255)];
  }
};

struct FftwFree {
  void operator()(void* p) const { fftw_free(p); }
};

class PlanCache {
 public:
  static PlanCache& instance() {
    static PlanCache cache;
    return cache;
  }
  const Plans* plans_for(int n) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = plans_.find(n);
    if (it != plans_.end()) return it->second.get();
    // Planned on a scratch array allocated like RealFft's (fftw_malloc alignment), so the
    // new-array execute function may run the plans on any RealFft's buffer.
    const int h = n / 2;
    std::unique_ptr<fftw_complex, FftwFree> a(fftw_alloc_complex(static_cast<size_t>(h)));
    auto p = std::make_unique<Plans>();
    p->forward = fftw_plan_dft_1d(h, a.get(), a.get(), FFTW_FORWARD, FFTW_ESTIMATE);
    p->backward = fftw_plan_dft_1d(h, a.get(), a.get(), FFTW_BACKWARD, FFTW_ESTIMATE);
    for (int j = 0; j <= h / 256; ++j)
      p->coarse.push_back(std::polar(1.0, -2.0 * std::numbers::pi * 256.0 * j / n));
    for (int j = 0; j < 256; ++j) p->fine.push_back(std::polar(1.0, -2.0 * std::numbers::pi * j / n));
    return plans_.emplace(n, std::move(p)).first->second.get();
  }
  ~PlanCache() {
    for (auto& [n, p] : plans_) {
      fftw_destroy_plan(p->forward);
      fftw_destroy_plan(p->backward);
    }
  }

 private:
  std::mutex mutex_;
  std::map<int, std::unique_ptr<Plans>> plans_;
};

}  // namespace

struct RealFft::Buffers {
  std::unique_ptr<fftw_complex, FftwFree> packed;  // n/2: the packed samples and their transform
  std::vector<Complex> spec;                       // n/2 + 1
};

RealFft::RealFft(int n) : n_(n), plans_(PlanCache::instance().plans_for(n)), buf_(new Buffers) {
  assert(n >= 2 && n % 2 == 0);
  buf_->packed.reset(fftw_alloc_complex(static_cast<size_t>(n / 2)));
  buf_->spec.resize(static_cast<size_t>(n / 2 + 1));
}

RealFft::~RealFft() = default;

std::span<const Complex> RealFft::forward(std::span<const double> in) {
  const Plans& p = *static_cast<const Plans*>(plans_);
  const int h = n_ / 2;
  double* z = reinterpret_cast<double*>(buf_->packed.get());  // interleaved re/im = x[2j], x[2j+1]
  const size_t m = std::min(in.size(), static_cast<size_t>(n_));
  std::copy_n(in.begin(), m, z);
  std::fill(z + m, z + n_, 0.0);
  fftw_execute_dft(p.forward, buf_->packed.get(), buf_->packed.get());
  double* x = reinterpret_cast<double*>(buf_->spec.data());
  x[0] = z[0] + z[1];
  x[1] = 0.0;
  x[2 * h] = z[0] - z[1];
  x[2 * h + 1] = 0.0;
  for (int k = 1; k < h; ++k) {
    // even = (Z[k] + conj Z[h-k]) / 2, odd = -i (Z[k] - conj Z[h-k]) / 2, X[k] = even + W^k odd
    const double ar = z[2 * k], ai = z[2 * k + 1], br = z[2 * (h - k)], bi = -z[2 * (h - k) + 1];
    const double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
    const double or_ = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
    const Complex w = p.twiddle(k);
    x[2 * k] = er + w.real() * or_ - w.imag() * oi;
    x[2 * k + 1] = ei + w.real() * oi + w.imag() * or_;
  }
  return buf_->spec;
}

std::span<Complex> RealFft::spectrum() { return buf_->spec; }

std::span<const double> RealFft::inverse() {
  const Plans& p = *static_cast<const Plans*>(plans_);
  const int h = n_ / 2;
  const double* x = reinterpret_cast<const double*>(buf_->spec.data());
  double* z = reinterpret_cast<double*>(buf_->packed.get());
  const double scale = 0.5 / h;  // the 1/2 of the even/odd split and the 1/h of the transform
  for (int k = 0; k < h; ++k) {
    // even = (X[k] + conj X[h-k]) / 2, odd = (X[k] - conj X[h-k]) conj(W^k) / 2, Z[k] = even + i odd
    const double ar = x[2 * k], ai = x[2 * k + 1], br = x[2 * (h - k)], bi = -x[2 * (h - k) + 1];
    const double er = ar + br, ei = ai + bi, dr = ar - br, di = ai - bi;
    const Complex w = p.twiddle(k);
    const double wr = w.real(), wi = -w.imag();
    const double or_ = dr * wr - di * wi, oi = dr * wi + di * wr;
    z[2 * k] = (er - oi) * scale;
    z[2 * k + 1] = (ei + or_) * scale;
  }
  fftw_execute_dft(p.backward, buf_->packed.get(), buf_->packed.get());
  // The interleaved (re, im) output of the half-size transform is the real sequence itself.
  return {reinterpret_cast<const double*>(buf_->packed.get()), static_cast<size_t>(n_)};
}

RealFft& FftSet::get(int n) {
  for (auto& f : ffts_)
    if (f->size() == n) return *f;
  ffts_.push_back(std::make_unique<RealFft>(n));
  return *ffts_.back();
}

long next_pow2(long x) {
  long c = 1;
  while (c < x) c <<= 1;
  return c;
}

std::vector<double> cross_correlate(FftSet& ffts, std::span<const double> a, std::span<const double> b) {
  const long na = static_cast<long>(a.size()), nb = static_cast<long>(b.size());
  const long ny = na + nb - 1;
  RealFft& fft = ffts.get(static_cast<int>(std::max(2L, next_pow2(ny))));
  std::vector<double> reversed(a.rbegin(), a.rend());
  const std::span<const Complex> fa_span = fft.forward(reversed);
  const std::vector<Complex> fa(fa_span.begin(), fa_span.end());
  fft.forward(b);
  std::span<Complex> s = fft.spectrum();
  for (size_t k = 0; k < s.size(); ++k) s[k] *= fa[k];
  std::span<const double> y = fft.inverse();
  return std::vector<double>(y.begin(), y.begin() + ny);
}

}  // namespace callsim::quality::pesq_detail
