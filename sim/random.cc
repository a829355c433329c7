#include "sim/random.h"

#include <cmath>
#include <cstdio>

namespace callsim::sim {
namespace {
constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

uint64_t stable_hash(std::string_view text) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string fnv_label(uint64_t hash) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return std::string("fnv1a64:") + hex;
}

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

RandomStream::RandomStream(uint64_t raw_seed) {
  uint64_t st = raw_seed;
  for (auto& s : s_) s = splitmix64(st);
}

RandomStream::RandomStream(uint64_t scenario_seed, std::string_view component)
    : RandomStream(scenario_seed ^ rotl(stable_hash(component), 17) ^ 0x6A09E667F3BCC909ULL) {}

uint64_t RandomStream::next_u64() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double RandomStream::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

uint64_t RandomStream::below(uint64_t n) {
  // Rejection sampling on the top of the range: unbiased and platform independent.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
  uint64_t x = next_u64();
  while (x >= limit) x = next_u64();
  return x % n;
}

double RandomStream::normal() {
  for (;;) {
    const double u = 2.0 * uniform() - 1.0;
    const double v = 2.0 * uniform() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

double RandomStream::exponential(double mean) {
  // 1 - U lies in (0, 1], so the log is finite.
  return -mean * std::log(1.0 - uniform());
}

double RandomStream::pareto(double alpha, double xm) {
  return xm / std::pow(1.0 - uniform(), 1.0 / alpha);
}

RandomStream RandomStream::fork(std::string_view child) const {
  RandomStream copy = *this;
  const uint64_t a = copy.next_u64();
  return RandomStream(a ^ stable_hash(child));
}

}  // namespace callsim::sim
