#include "scoring/levels.h"

#include <algorithm>
#include <cmath>

#include "quality/det_math.h"

namespace callsim::scoring {
namespace {

constexpr int64_t kChunkFrames = 1000;  // 10 s per read

int64_t frame_start(int64_t f, int rate) { return (f * rate + 50) / 100; }

}  // namespace

double FrameLevels::active_seconds(long first, long last) const { return seconds_above(first, last, threshold_db); }

double FrameLevels::seconds_above(long first, long last, double threshold) const {
  first = std::clamp(first, 0L, static_cast<long>(db.size()));
  last = std::clamp(last, first, static_cast<long>(db.size()));
  long n = 0;
  for (long f = first; f < last; ++f) n += db[static_cast<size_t>(f)] > threshold;
  return static_cast<double>(n) * kFrameS;
}

FrameLevels frame_levels(AudioStream& s) {
  const int rate = s.sample_rate_hz();
  FrameLevels out;
  const int64_t frames = s.frames() * 100 / rate;  // whole 10 ms frames
  for (int64_t chunk = 0; chunk < frames; chunk += kChunkFrames) {
    const int64_t last = std::min(frames, chunk + kChunkFrames);
    const int64_t first_sample = frame_start(chunk, rate);
    const std::vector<float> x = s.read(first_sample, frame_start(last, rate) - first_sample);
    for (int64_t f = chunk; f < last; ++f) {
      const int64_t a = frame_start(f, rate) - first_sample, b = frame_start(f + 1, rate) - first_sample;
      // The frame's power about its own mean: a DC offset is no sound (the codec removes it, and
      // P.862's input filter), but counted in it read every pause of an offset file as speech.
      double sum = 0, e = 0;
      for (int64_t i = a; i < b; ++i) sum += static_cast<double>(x[static_cast<size_t>(i)]);
      const double mean = sum / static_cast<double>(b - a);
      for (int64_t i = a; i < b; ++i) {
        const double v = static_cast<double>(x[static_cast<size_t>(i)]) - mean;
        e += v * v;
      }
      out.db.push_back(10.0 * quality::detmath::log10(2.0 * e / static_cast<double>(b - a) + 1e-20));
    }
  }
  if (out.db.empty()) return out;
  std::vector<double> sorted = out.db;
  const size_t p95 = static_cast<size_t>(0.95 * static_cast<double>(sorted.size() - 1));
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(p95), sorted.end());
  out.p95_db = sorted[p95];
  out.threshold_db = std::max(kAbsoluteFloorDb, out.p95_db - kRelativeFloorDb);
  return out;
}

long frame_at(double t_s, size_t frames) {
  return std::clamp(std::lround(t_s / kFrameS), 0L, static_cast<long>(frames));
}

}  // namespace callsim::scoring
