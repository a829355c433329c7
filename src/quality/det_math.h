// Elementary functions that give the same bits on every x86-64 CPU. glibc selects FMA / AVX2
// variants of exp, log, pow, sin and cos at run time, and their results differ from the SSE2
// variants' in the last bit for some inputs; P.862 decisions (VAD thresholds, histogram maxima)
// can turn such a bit into a different score. These use only IEEE-754 double additions,
// multiplications and divisions in a fixed order (the quality library is compiled with
// -ffp-contract=off, so no fused multiply-add is formed) and exact bit manipulations; tables are
// built at first use with the same operations. Accuracy (unit tests compare with glibc): exp
// within 4 ULP, log within 4e-16 absolute (and a few ULP where |log x| > 0.35 or x is near 1),
// pow as exp(y log x), cos_2pi / sin_2pi within 4e-16 absolute.
#pragma once

namespace callsim::quality::detmath {

double exp(double x);
double log(double x);    // x > 0; log(0) = -inf, NaN for x < 0
double log10(double x);  // log(x) / ln 10
// x^y for x >= 0 as exp(y log x); 0^y = 0 for y > 0, x^0 = 1.
double pow(double x, double y);
// cos(2 pi i / n) and sin(2 pi i / n) for integers 0 <= i, n > 0 (window and FFT tables).
double cos_2pi(long i, long n);
double sin_2pi(long i, long n);

}  // namespace callsim::quality::detmath
