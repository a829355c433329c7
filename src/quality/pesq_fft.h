// FFTW (double precision) wrapped once for the P.862 implementation. Transforms of any size are
// planned with FFTW_ESTIMATE only (FFTW_MEASURE times candidate algorithms and so is not
// reproducible run to run); each size is planned once per process under a mutex (the FFTW
// planner is not thread-safe) and the plans are shared. Executing a plan is thread-safe, so each
// RealFft owns its own aligned scratch buffers and may be used by one thread at a time.
// Conventions: forward = sum x[n] e^{-2 pi i k n / N} (unnormalised), inverse includes 1/N.
// Internally a real transform of size N is a complex FFTW transform of size N/2 (see pesq_fft.cc).
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace callsim::quality::pesq_detail {

using Complex = std::complex<double>;

class RealFft {
 public:
  explicit RealFft(int n);
  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  int size() const { return n_; }
  int bins() const { return n_ / 2 + 1; }

  // Forward transform of `in` (at most n samples; missing samples are zero) into n/2+1 bins.
  std::span<const Complex> forward(std::span<const double> in);
  // Writable spectrum of the last forward() call (or any spectrum the caller places there).
  std::span<Complex> spectrum();
  // Inverse transform of spectrum() into n real samples, scaled by 1/n. The result is valid until
  // the next forward() or inverse() call.
  std::span<const double> inverse();

 private:
  struct Buffers;
  int n_;
  const void* plans_;
  std::unique_ptr<Buffers> buf_;
};

// Keeps one RealFft per size for one computation (one thread).
class FftSet {
 public:
  RealFft& get(int n);

 private:
  std::vector<std::unique_ptr<RealFft>> ffts_;
};

// Smallest power of two >= x (x >= 1).
long next_pow2(long x);

// Linear cross-correlation through the FFT: y[k] = sum_j a[j] * b[j + k - (a.size() - 1)] for
// k in [0, a.size() + b.size() - 1), i.e. index a.size()-1 is lag 0 (b delayed w.r.t. a > 0).
std::vector<double> cross_correlate(FftSet& ffts, std::span<const double> a, std::span<const double> b);

}  // namespace callsim::quality::pesq_detail
