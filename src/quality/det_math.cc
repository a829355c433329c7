#include "quality/det_math.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace callsim::quality::detmath {
namespace {

// ln 2 split so that k * kLn2Hi is exact for |k| < 2^21 (fdlibm's constants).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn10 = 0.43429448190325182765;
constexpr double kTwoPi = 6.28318530717958647692;
constexpr int kTable = 64;  // exp: 2^(j/64); log: 64 sub-intervals of [1, 2)

// Taylor polynomial of e^r for |r| <= ln2 / 2 (truncation below 1e-17 relative): builds tables.
double exp_series(double r) {
  constexpr double c[] = {1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0,
                          1.0 / 362880.0,     1.0 / 40320.0,     1.0 / 5040.0,      1.0 / 720.0,
                          1.0 / 120.0,        1.0 / 24.0,        1.0 / 6.0,         0.5,
                          1.0,                1.0};
  double p = c[0];
  for (int i = 1; i < 14; ++i) p = p * r + c[i];
  return p;
}

// log m for m in [0.7, 1.5] by 2 atanh((m - 1) / (m + 1)) (truncation below 1e-18): builds tables.
double log_series(double m) {
  const double s = (m - 1.0) / (m + 1.0), z = s * s;
  constexpr double c[] = {1.0 / 23.0, 1.0 / 21.0, 1.0 / 19.0, 1.0 / 17.0, 1.0 / 15.0, 1.0 / 13.0,
                          1.0 / 11.0, 1.0 / 9.0,  1.0 / 7.0,  1.0 / 5.0,  1.0 / 3.0};
  double p = c[0];
  for (int i = 1; i < 11; ++i) p = p * z + c[i];
  return 2.0 * s + 2.0 * s * z * p;
}

// 2^(j/64), j < 64 (for j >= 32 as 2 * 2^((j-64)/64), keeping the series' argument small).
struct ExpTable {
  std::array<double, kTable> two_pow;
  ExpTable() {
    for (int j = 0; j < kTable; ++j) {
      const int k = j < kTable / 2 ? j : j - kTable;
      const double a = k * (kLn2Hi / kTable), b = k * (kLn2Lo / kTable);  // k ln2 / 64, exactly split
      two_pow[j] = exp_series(a) * (1.0 + b) * (k == j ? 1.0 : 2.0);
    }
  }
};

// Table points c_j = 1 + j/64 for j in [-kLogBelow, kLogAbove]: inv = 1 / c_j rounded and
// log(1 / inv); c_0 = 1 exactly, so log keeps its relative accuracy near 1.
constexpr int kLogBelow = 20, kLogAbove = 28;
struct LogTable {
  std::array<double, kLogBelow + kLogAbove + 1> inv, log_c;
  LogTable() {
    for (int j = -kLogBelow; j <= kLogAbove; ++j) {
      const size_t i = static_cast<size_t>(j + kLogBelow);
      inv[i] = 1.0 / (1.0 + static_cast<double>(j) / kTable);
      log_c[i] = j == 0 ? 0.0 : log_series(1.0 / inv[i]);
    }
  }
};

const ExpTable& exp_table() {
  static const ExpTable t;
  return t;
}

const LogTable& log_table() {
  static const LogTable t;
  return t;
}

// sin and cos of x in [0, pi/4] by their Taylor series (truncation below 1e-19).
double sin_kernel(double x) {
  const double z = x * x;
  // (-1)^k / (2k+1)! for k = 9 .. 1: sin x = x + x z (c1 + c2 z + ... + c9 z^8)
  constexpr double c[] = {-1.0 / 121645100408832000.0, 1.0 / 355687428096000.0, -1.0 / 1307674368000.0,
                          1.0 / 6227020800.0,          -1.0 / 39916800.0,       1.0 / 362880.0,
                          -1.0 / 5040.0,               1.0 / 120.0,             -1.0 / 6.0};
  double p = c[0];
  for (int i = 1; i < 9; ++i) p = p * z + c[i];
  return x + x * z * p;
}

double cos_kernel(double x) {
  const double z = x * x;
  // (-1)^k / (2k)! for k = 9 .. 1, as coefficients of 1 - z/2 + z^2/24 - ...
  constexpr double c[] = {-1.0 / 6402373705728000.0, 1.0 / 20922789888000.0, -1.0 / 87178291200.0,
                          1.0 / 479001600.0,         -1.0 / 3628800.0,       1.0 / 40320.0,
                          -1.0 / 720.0,              1.0 / 24.0,             -0.5};
  double p = c[0];
  for (int i = 1; i < 9; ++i) p = p * z + c[i];
  return 1.0 + z * p;
}

}  // namespace

// 2^m for m in the normal exponent range, built from its bits.
double two_to(long m) {
  const uint64_t bits = static_cast<uint64_t>(m + 1023) << 52;
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

double exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  // x = (64 m + j) ln2 / 64 + r, |r| <= ln2 / 128; n rounded to nearest by the 1.5 * 2^52 trick
  constexpr double kShift = 6755399441055744.0;
  const double n = (x * (kTable / 0.69314718055994530942) + kShift) - kShift;
  const double r = (x - n * (kLn2Hi / kTable)) - n * (kLn2Lo / kTable);
  const long ni = static_cast<long>(n);
  const long j = ni & (kTable - 1), m = (ni - j) / kTable;  // exact: ni - j is a multiple of 64
  const double r2 = r * r;
  // e^r to degree 6 (truncation below 2e-18), evaluated in parts
  const double p =
      (1.0 + r) + r2 * ((0.5 + r * (1.0 / 6.0)) + r2 * ((1.0 / 24.0 + r * (1.0 / 120.0)) + r2 * (1.0 / 720.0)));
  const double v = exp_table().two_pow[static_cast<size_t>(j)] * p;
  if (m > -1022 && m < 1023) return v * two_to(m);
  return std::ldexp(v, static_cast<int>(m));  // results near the ends of the range
}

double log(double x) {
  if (std::isnan(x) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  int e = 0;
  double m = 0;  // x = m 2^e, m in [0.5, 1)
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const int biased = static_cast<int>((bits >> 52) & 0x7ff);
  if (biased == 0) {  // subnormal
    m = std::frexp(x, &e);
  } else {
    e = biased - 1022;
    bits = (bits & 0x800fffffffffffffULL) | (uint64_t{1022} << 52);
    std::memcpy(&m, &bits, sizeof m);
  }
  if (m < 0.70710678118654752440) m *= 2.0, --e;  // m in [sqrt(1/2), sqrt(2))
  constexpr double kShift = 6755399441055744.0;   // rounds to an integer (to even on ties)
  const int j = static_cast<int>(((m - 1.0) * kTable + kShift) - kShift);  // m - 1 is exact
  const LogTable& t = log_table();
  const size_t i = static_cast<size_t>(j + kLogBelow);
  // log m = log(1/inv) + log1p(u), m inv = 1 + u with |u| < 1/120
  const double u = j == 0 ? m - 1.0 : m * t.inv[i] - 1.0, u2 = u * u;
  const double log1p_u =
      u - u2 * ((0.5 - u * (1.0 / 3.0)) + u2 * ((0.25 - u * 0.2) + u2 * ((1.0 / 6.0 - u * (1.0 / 7.0)) + u2 * 0.125)));
  const double de = static_cast<double>(e);
  return de * kLn2Hi + ((de * kLn2Lo + t.log_c[i]) + log1p_u);
}

double log10(double x) { return log(x) * kInvLn10; }

double pow(double x, double y) {
  if (y == 0.0) return 1.0;
  if (x == 0.0) return y > 0 ? 0.0 : std::numeric_limits<double>::infinity();
  if (x == 1.0) return 1.0;
  return exp(y * log(x));
}

double cos_2pi(long i, long n) {
  double u = static_cast<double>(i % n) / static_cast<double>(n);  // [0, 1)
  if (u > 0.5) u = 1.0 - u;                                         // cos(2pi(1-u)) = cos(2pi u)
  double sign = 1.0;
  if (u > 0.25) u = 0.5 - u, sign = -1.0;  // cos(pi - t) = -cos t
  if (u > 0.125) return sign * sin_kernel((0.25 - u) * kTwoPi);
  return sign * cos_kernel(u * kTwoPi);
}

double sin_2pi(long i, long n) {
  double u = static_cast<double>(i % n) / static_cast<double>(n);
  double sign = 1.0;
  if (u > 0.5) u = 1.0 - u, sign = -1.0;  // sin(2pi(1-u)) = -sin(2pi u)
  if (u > 0.25) u = 0.5 - u;              // sin(pi - t) = sin t
  if (u > 0.125) return sign * cos_kernel((0.25 - u) * kTwoPi);
  return sign * sin_kernel(u * kTwoPi);
}

}  // namespace callsim::quality::detmath
