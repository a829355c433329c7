// The FFT of the P.862 implementation: real transforms of power-of-two sizes, computed by our own
// Stockham radix-4 complex transform of half the size (see pesq_fft.cc), with twiddle factors
// from det_math.h. No run-time choice of algorithm or CPU-specific code path: the same input
// gives the same bits on every x86-64 CPU and with or without compiler vectorisation. Tables are
// made once per size per process under a mutex and shared; each RealFft owns its buffers and may
// be used by one thread at a time.
// Conventions: forward = sum x[n] e^{-2 pi i k n / N} (unnormalised), inverse includes 1/N.
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
  // Writable spectrum of the last forward() call, for the caller to modify before inverse().
  std::span<Complex> spectrum();
  // Inverse transform of spectrum() into n real samples, scaled by 1/n; consumes the spectrum
  // (spectrum() is invalid until the next forward()). The result is valid until the next
  // forward() or inverse() call.
  std::span<const double> inverse();

 private:
  struct Buffers;
  int n_;
  const void* plans_;
  std::unique_ptr<Buffers> buf_;
};

// a * b and a * conj(b) as plain double arithmetic (std::complex's operator* may take a library
// path for NaN results); the same bits however the caller is compiled.
inline Complex multiply(Complex a, Complex b) {
  return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}
inline Complex multiply_conj(Complex a, Complex b) {
  return {a.real() * b.real() + a.imag() * b.imag(), a.imag() * b.real() - a.real() * b.imag()};
}

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
