#include "quality/pesq_fft.h"

#include <fftw3.h>

#include <algorithm>
#include <cassert>
#include <map>
#include <mutex>

namespace callsim::quality::pesq_detail {
namespace {

// One pair of plans per transform size; created under the planner mutex, never destroyed while
// the process runs (FFTW plans are immutable and shared by all RealFft objects of that size).
struct Plans {
  fftw_plan r2c = nullptr;
  fftw_plan c2r = nullptr;
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
    if (it != plans_.end()) return &it->second;
    // Plan on scratch arrays allocated like the ones RealFft uses (fftw_malloc alignment), so
    // the new-array execute functions may be used on any RealFft's buffers.
    std::unique_ptr<double, FftwFree> re(fftw_alloc_real(static_cast<size_t>(n)));
    std::unique_ptr<fftw_complex, FftwFree> sp(fftw_alloc_complex(static_cast<size_t>(n / 2 + 1)));
    Plans p;
    p.r2c = fftw_plan_dft_r2c_1d(n, re.get(), sp.get(), FFTW_ESTIMATE);
    p.c2r = fftw_plan_dft_c2r_1d(n, sp.get(), re.get(), FFTW_ESTIMATE);
    return &plans_.emplace(n, p).first->second;
  }
  ~PlanCache() {
    for (auto& [n, p] : plans_) {
      fftw_destroy_plan(p.r2c);
      fftw_destroy_plan(p.c2r);
    }
  }

 private:
  std::mutex mutex_;
  std::map<int, Plans> plans_;
};

}  // namespace

struct RealFft::Buffers {
  std::unique_ptr<double, FftwFree> real;
  std::unique_ptr<fftw_complex, FftwFree> spec;
};

RealFft::RealFft(int n) : n_(n), plans_(PlanCache::instance().plans_for(n)), buf_(new Buffers) {
  assert(n >= 2 && n % 2 == 0);
  buf_->real.reset(fftw_alloc_real(static_cast<size_t>(n)));
  buf_->spec.reset(fftw_alloc_complex(static_cast<size_t>(n / 2 + 1)));
}

RealFft::~RealFft() = default;

std::span<const Complex> RealFft::forward(std::span<const double> in) {
  double* re = buf_->real.get();
  const size_t m = std::min(in.size(), static_cast<size_t>(n_));
  std::copy_n(in.begin(), m, re);
  std::fill(re + m, re + n_, 0.0);
  fftw_execute_dft_r2c(static_cast<const Plans*>(plans_)->r2c, re, buf_->spec.get());
  return {reinterpret_cast<const Complex*>(buf_->spec.get()), static_cast<size_t>(bins())};
}

std::span<Complex> RealFft::spectrum() {
  return {reinterpret_cast<Complex*>(buf_->spec.get()), static_cast<size_t>(bins())};
}

std::span<const double> RealFft::inverse() {
  double* re = buf_->real.get();
  fftw_execute_dft_c2r(static_cast<const Plans*>(plans_)->c2r, buf_->spec.get(), re);
  const double scale = 1.0 / n_;
  for (int i = 0; i < n_; ++i) re[i] *= scale;
  return {re, static_cast<size_t>(n_)};
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
