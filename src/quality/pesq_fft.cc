#include "quality/pesq_fft.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <mutex>

#include "quality/det_math.h"
#include "quality/large_block.h"

namespace callsim::quality::pesq_detail {
namespace {

// The complex FFT of size h = n/2 that carries a real transform of size n: a Stockham autosort
// transform (no bit reversal) in radix-4 stages and, when log2 h is odd, one final radix-2
// stage, on split real / imaginary arrays. Every output is a fixed sequence of double additions
// and multiplications of its inputs, so the result does not depend on whether (or how wide) the
// compiler vectorises the loops.
struct Plan {
  explicit Plan(int size);
  int n = 0;  // real size
  LargeBlock tables;  // real_w, then stage_w
  // exp(-2 pi i k / n), k < n/2, as interleaved (re, im): the real/complex split
  double* real_w = nullptr;
  // Per radix-4 stage of length len = 4m: six arrays of m values, the real and imaginary parts
  // of W^p, W^2p and W^3p (W = exp(-2 pi i / len)), p < m.
  double* stage_w = nullptr;
};

size_t stage_table_doubles(long n) {
  size_t total = 0;
  for (long len = n / 2; len >= 4; len /= 4) total += static_cast<size_t>(6 * (len / 4));
  return total;
}

Plan::Plan(int size)
    : n(size),
      tables(static_cast<size_t>(size) + stage_table_doubles(size)),
      real_w(tables.data()),
      stage_w(tables.data() + size) {}

// Split-format complex buffer.
struct Split {
  double* re;
  double* im;
};

// Twiddles of one stage (see Plan::stage_w).
struct StageTwiddles {
  const double *w1r, *w1i, *w2r, *w2i, *w3r, *w3i;
  StageTwiddles(const double* w, long m)
      : w1r(w), w1i(w + m), w2r(w + 2 * m), w2i(w + 3 * m), w3r(w + 4 * m), w3i(w + 5 * m) {}
};

// The radix-4 butterfly: x0..x3 a quarter apart in, y[0], y[s], y[2s], y[3s] out (the last
// three rotated by w1..w3, or by their conjugates for the inverse transform).
template <bool kInverse>
inline void butterfly(double x0r, double x0i, double x1r, double x1i, double x2r, double x2i, double x3r,
                      double x3i, double w1r, double w1i, double w2r, double w2i, double w3r, double w3i,
                      double* __restrict yr, double* __restrict yi, long s) {
  if (kInverse) w1i = -w1i, w2i = -w2i, w3i = -w3i;
  const double apc_r = x0r + x2r, apc_i = x0i + x2i, amc_r = x0r - x2r, amc_i = x0i - x2i;
  const double bpd_r = x1r + x3r, bpd_i = x1i + x3i, bmd_r = x1r - x3r, bmd_i = x1i - x3i;
  // forward: -i (b - d); inverse: +i (b - d)
  const double j_r = kInverse ? -bmd_i : bmd_i, j_i = kInverse ? bmd_r : -bmd_r;
  const double u1r = amc_r + j_r, u1i = amc_i + j_i;
  const double u2r = apc_r - bpd_r, u2i = apc_i - bpd_i;
  const double u3r = amc_r - j_r, u3i = amc_i - j_i;
  yr[0] = apc_r + bpd_r;
  yi[0] = apc_i + bpd_i;
  yr[s] = u1r * w1r - u1i * w1i;
  yi[s] = u1r * w1i + u1i * w1r;
  yr[2 * s] = u2r * w2r - u2i * w2i;
  yi[2 * s] = u2r * w2i + u2i * w2r;
  yr[3 * s] = u3r * w3r - u3i * w3i;
  yi[3 * s] = u3r * w3i + u3i * w3r;
}

// The first stage (stride 1): inputs src[p + l m], outputs dst[4p + r].
template <bool kInverse>
void first_stage(const double* __restrict sr, const double* __restrict si, double* __restrict dr,
                 double* __restrict di, long m, const StageTwiddles& w) {
  for (long p = 0; p < m; ++p)
    butterfly<kInverse>(sr[p], si[p], sr[p + m], si[p + m], sr[p + 2 * m], si[p + 2 * m], sr[p + 3 * m],
                        si[p + 3 * m], w.w1r[p], w.w1i[p], w.w2r[p], w.w2i[p], w.w3r[p], w.w3i[p],
                        dr + 4 * p, di + 4 * p, 1);
}

// The butterflies of one p of a later stage (stride s >= 4), over q < s: every row is contiguous
// in q and the rows do not overlap, which the restrict qualifiers tell the vectoriser.
struct Rows {
  const double* __restrict x0r;
  const double* __restrict x0i;
  const double* __restrict x1r;
  const double* __restrict x1i;
  const double* __restrict x2r;
  const double* __restrict x2i;
  const double* __restrict x3r;
  const double* __restrict x3i;
};

template <bool kInverse>
void stage_group(Rows x, double* __restrict y0r, double* __restrict y0i, double* __restrict y1r,
                 double* __restrict y1i, double* __restrict y2r, double* __restrict y2i, double* __restrict y3r,
                 double* __restrict y3i, long s, double w1r, double w1i, double w2r, double w2i, double w3r,
                 double w3i) {
  if (kInverse) w1i = -w1i, w2i = -w2i, w3i = -w3i;
  for (long q = 0; q < s; ++q) {
    const double apc_r = x.x0r[q] + x.x2r[q], apc_i = x.x0i[q] + x.x2i[q];
    const double amc_r = x.x0r[q] - x.x2r[q], amc_i = x.x0i[q] - x.x2i[q];
    const double bpd_r = x.x1r[q] + x.x3r[q], bpd_i = x.x1i[q] + x.x3i[q];
    const double bmd_r = x.x1r[q] - x.x3r[q], bmd_i = x.x1i[q] - x.x3i[q];
    const double j_r = kInverse ? -bmd_i : bmd_i, j_i = kInverse ? bmd_r : -bmd_r;
    const double u1r = amc_r + j_r, u1i = amc_i + j_i;
    const double u2r = apc_r - bpd_r, u2i = apc_i - bpd_i;
    const double u3r = amc_r - j_r, u3i = amc_i - j_i;
    y0r[q] = apc_r + bpd_r;
    y0i[q] = apc_i + bpd_i;
    y1r[q] = u1r * w1r - u1i * w1i;
    y1i[q] = u1r * w1i + u1i * w1r;
    y2r[q] = u2r * w2r - u2i * w2i;
    y2i[q] = u2r * w2i + u2i * w2r;
    y3r[q] = u3r * w3r - u3i * w3i;
    y3i[q] = u3r * w3i + u3i * w3r;
  }
}

// One radix-4 stage on sub-transforms of length len = 4m at stride s (Stockham layout): reads
// src[q + s (p + l m)], writes dst[q + s (4p + r)].
template <bool kInverse>
void radix4_stage(Split src, Split dst, long m, long s, const StageTwiddles& w) {
  if (s == 1) {
    first_stage<kInverse>(src.re, src.im, dst.re, dst.im, m, w);
    return;
  }
  const long k = s * m;  // a quarter of the input
  for (long p = 0; p < m; ++p) {
    const double *xr = src.re + s * p, *xi = src.im + s * p;
    double *yr = dst.re + 4 * s * p, *yi = dst.im + 4 * s * p;
    stage_group<kInverse>({xr, xi, xr + k, xi + k, xr + 2 * k, xi + 2 * k, xr + 3 * k, xi + 3 * k}, yr, yi,
                          yr + s, yi + s, yr + 2 * s, yi + 2 * s, yr + 3 * s, yi + 3 * s, s, w.w1r[p], w.w1i[p],
                          w.w2r[p], w.w2i[p], w.w3r[p], w.w3i[p]);
  }
}

// Complex transform of x (size h) using y as scratch; returns where the result is.
template <bool kInverse>
Split complex_fft(Split x, Split y, long h, const Plan& plan) {
  long len = h, s = 1;
  const double* w = plan.stage_w;
  while (len >= 4) {
    radix4_stage<kInverse>(x, y, len / 4, s, StageTwiddles(w, len / 4));
    w += 6 * (len / 4);
    std::swap(x, y);
    len /= 4;
    s *= 4;
  }
  if (len == 2) {
    for (long q = 0; q < s; ++q) {
      const double ar = x.re[q], ai = x.im[q], br = x.re[q + s], bi = x.im[q + s];
      y.re[q] = ar + br;
      y.im[q] = ai + bi;
      y.re[q + s] = ar - br;
      y.im[q + s] = ai - bi;
    }
    std::swap(x, y);
  }
  return x;
}

// exp(-2 pi i k / n) for 0 <= k < 3n/4. Only the first octant comes from the series; the rest
// follows by exact symmetries (swaps and sign changes), so a table of n/8 + 1 values serves every
// k and the plan never holds the 3n/4 roots at once (for the whole-file transform of a 10 s pair
// that was 1.5 MB of memory to fault in and fill per process).
class Roots {
 public:
  explicit Roots(long n) : n_(n), direct_(n % 8 != 0) {
    if (direct_) return;
    octant_.resize(static_cast<size_t>(n / 8 + 1));
    for (long k = 0; k <= n / 8; ++k) octant_[static_cast<size_t>(k)] = {detmath::cos_2pi(k, n), -detmath::sin_2pi(k, n)};
  }
  Complex operator()(long k) const {
    if (direct_) return {detmath::cos_2pi(k, n_), -detmath::sin_2pi(k, n_)};
    const long eighth = n_ / 8, quarter = n_ / 4;
    int turns = 0;  // quarter turns beyond the first quadrant: times -i each
    for (; k > quarter; k -= quarter) ++turns;
    Complex v;
    if (k <= eighth) {
      v = octant_[static_cast<size_t>(k)];
    } else {  // angle pi/2 - t: (sin t, -cos t)
      const Complex m = octant_[static_cast<size_t>(quarter - k)];
      v = {-m.imag(), -m.real()};
    }
    for (; turns > 0; --turns) v = {v.imag(), -v.real()};
    return v;
  }

 private:
  long n_;
  bool direct_;
  std::vector<Complex> octant_;
};

std::unique_ptr<Plan> make_plan(int n) {
  auto p = std::make_unique<Plan>(n);
  const Roots w(n);
  for (long k = 0; k < n / 2; ++k) {
    const Complex v = w(k);
    p->real_w[2 * k] = v.real();
    p->real_w[2 * k + 1] = v.imag();
  }
  size_t base = 0;
  for (long len = n / 2; len >= 4; len /= 4) {  // W_len^j = W_n^(j n / len)
    const long step = n / len, m = len / 4;
    for (long r = 1; r <= 3; ++r)
      for (long q = 0; q < m; ++q) {
        const Complex v = w(r * q * step);
        p->stage_w[base + static_cast<size_t>((2 * r - 2) * m + q)] = v.real();
        p->stage_w[base + static_cast<size_t>((2 * r - 1) * m + q)] = v.imag();
      }
    base += static_cast<size_t>(6 * m);
  }
  return p;
}

class PlanCache {
 public:
  static PlanCache& instance() {
    static PlanCache cache;
    return cache;
  }
  const Plan* plan_for(int n) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = plans_.find(n);
    if (it != plans_.end()) return it->second.get();
    return plans_.emplace(n, make_plan(n)).first->second.get();
  }

 private:
  std::mutex mutex_;
  std::map<int, std::unique_ptr<Plan>> plans_;
};

}  // namespace

// Two buffers of n/2 + 1 complex values each. A buffer holds either a split-format complex
// sequence of n/2 values (all real parts, then all imaginary parts) or the interleaved spectrum of
// n/2 + 1 bins or the n real output samples; the transforms ping-pong between the two, so the
// spectrum lives in whichever buffer the last forward() did not end in.
struct RealFft::Buffers {
  // Raw storage, left uninitialised (every transform writes before it reads), viewed as
  // std::complex<double> where it holds a spectrum (array-compatible with double[2]).
  std::unique_ptr<LargeBlock> block;  // a, then b
  double* a = nullptr;
  double* b = nullptr;
  long h = 0;
  Complex* spec = nullptr;
  Complex* as_complex(double* d) { return reinterpret_cast<Complex*>(d); }
  static Split split(Complex* buffer, long h) {
    double* d = reinterpret_cast<double*>(buffer);
    return {d, d + h};
  }
  Complex* first() { return as_complex(a); }
  Complex* second() { return as_complex(b); }
  Complex* other(const double* in) { return in == a ? second() : first(); }
};

RealFft::RealFft(int n) : n_(n), plans_(PlanCache::instance().plan_for(n)), buf_(new Buffers) {
  assert(n >= 4 && (n & (n - 1)) == 0);
  buf_->h = n / 2;
  buf_->block = std::make_unique<LargeBlock>(2 * static_cast<size_t>(n + 2));
  buf_->a = buf_->block->data();
  buf_->b = buf_->a + n + 2;
  buf_->spec = buf_->second();
}

RealFft::~RealFft() = default;

std::span<const Complex> RealFft::forward(std::span<const double> in) {
  const Plan& p = *static_cast<const Plan*>(plans_);
  const long h = n_ / 2;
  const long m = static_cast<long>(std::min(in.size(), static_cast<size_t>(n_)));
  const Split z = Buffers::split(buf_->first(), h);  // z[j] = x[2j] + i x[2j+1]
  const double* x_in = in.data();
  const long pairs = m / 2;
  for (long j = 0; j < pairs; ++j) z.re[j] = x_in[2 * j], z.im[j] = x_in[2 * j + 1];
  std::fill(z.re + pairs, z.re + h, 0.0);
  std::fill(z.im + pairs, z.im + h, 0.0);
  if (m % 2) z.re[pairs] = x_in[m - 1];
  const Split zf = complex_fft<false>(z, Buffers::split(buf_->second(), h), h, p);
  buf_->spec = buf_->other(zf.re);
  double* x = reinterpret_cast<double*>(buf_->spec);  // interleaved re, im
  const double* wr = p.real_w;
  x[0] = zf.re[0] + zf.im[0];
  x[1] = 0.0;
  x[2 * h] = zf.re[0] - zf.im[0];
  x[2 * h + 1] = 0.0;
  for (long k = 1; k < h; ++k) {
    // even = (Z[k] + conj Z[h-k]) / 2, odd = -i (Z[k] - conj Z[h-k]) / 2, X[k] = even + W^k odd
    const double ar = zf.re[k], ai = zf.im[k], br = zf.re[h - k], bi = -zf.im[h - k];
    const double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
    const double or_ = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
    const double w_r = wr[2 * k], w_i = wr[2 * k + 1];
    x[2 * k] = er + (w_r * or_ - w_i * oi);
    x[2 * k + 1] = ei + (w_r * oi + w_i * or_);
  }
  return spectrum();
}

std::span<Complex> RealFft::spectrum() { return {buf_->spec, static_cast<size_t>(n_ / 2 + 1)}; }

std::span<const double> RealFft::inverse() {
  const Plan& p = *static_cast<const Plan*>(plans_);
  const long h = n_ / 2;
  const double* x = reinterpret_cast<const double*>(buf_->spec);
  const double* wt = p.real_w;
  Complex* free_buffer = buf_->other(x);
  const Split z = Buffers::split(free_buffer, h);
  const double scale = 0.5 / static_cast<double>(h);  // the 1/2 of the even/odd split and the 1/h
  for (long k = 0; k < h; ++k) {
    // even = X[k] + conj X[h-k], odd = (X[k] - conj X[h-k]) conj(W^k), Z[k] = (even + i odd) / 2h
    const double ar = x[2 * k], ai = x[2 * k + 1], br = x[2 * (h - k)], bi = -x[2 * (h - k) + 1];
    const double er = ar + br, ei = ai + bi, dr = ar - br, di = ai - bi;
    const double wr = wt[2 * k], wi = -wt[2 * k + 1];
    const double or_ = dr * wr - di * wi, oi = dr * wi + di * wr;
    z.re[k] = (er - oi) * scale;
    z.im[k] = (ei + or_) * scale;
  }
  // The spectrum's buffer is the scratch of the complex transform (the spectrum is consumed).
  const Split r = complex_fft<true>(z, Buffers::split(buf_->other(z.re), h), h, p);
  // The (re, im) pairs of the half-size transform are the real sequence itself.
  double* out = reinterpret_cast<double*>(buf_->other(r.re));
  for (long j = 0; j < h; ++j) out[2 * j] = r.re[j], out[2 * j + 1] = r.im[j];
  buf_->spec = nullptr;
  return {out, static_cast<size_t>(n_)};
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
  RealFft& fft = ffts.get(static_cast<int>(std::max(4L, next_pow2(ny))));
  std::vector<double> reversed(a.rbegin(), a.rend());
  const std::span<const Complex> fa_span = fft.forward(reversed);
  const std::vector<Complex> fa(fa_span.begin(), fa_span.end());
  fft.forward(b);
  std::span<Complex> s = fft.spectrum();
  for (size_t k = 0; k < s.size(); ++k) s[k] = multiply(s[k], fa[k]);
  std::span<const double> y = fft.inverse();
  return std::vector<double>(y.begin(), y.begin() + ny);
}

}  // namespace callsim::quality::pesq_detail
