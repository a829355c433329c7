#include "quality/pesq_score.h"

#include <algorithm>
#include <cmath>

#include "quality/det_math.h"

namespace callsim::quality::pesq_detail {
namespace {

constexpr double kSilenceOf5Samples = 500.0;  // |x| summed over 5 samples (16-bit scale)
constexpr double kSilentFramePower = 1e7;     // audible power (factor 100) of a silent frame
constexpr long kSyllableFrames = 20;          // split-second interval: 20 frames, hop 10
constexpr double kMaxFrameDisturbance = 45.0;

// Samples of reference silence (5-sample sums below the criterion) before the speech starts and
// after it ends, measured on the common length.
std::pair<long, long> silent_edges(const Track& ref, long max_length, const RateSetup& r) {
  auto quiet = [&](long first) {
    double sum = 0;
    for (long i = 0; i < 5; ++i) sum += std::fabs(ref.x[first + i]);
    return sum < kSilenceOf5Samples;
  };
  const long limit = max_length / 2;
  long head = 0, tail = 0;
  while (quiet(r.margin() + head) && ++head < limit) {
  }
  const long last = max_length - r.margin() + r.padding() - 1;
  while (quiet(last - tail - 4) && ++tail < limit) {
  }
  return {head, tail};
}

// Lp aggregation in two stages (clauses 10.2.14, 10.2.15): power p over 20-frame intervals
// overlapping by half, then power q over the intervals, weighted by the time weights.
// (p = 6 over the intervals, q = 2 over the file for both disturbances.)
double aggregate(const std::vector<double>& d, const std::vector<double>& time_weight, long first,
                 long last) {
  double acc = 0, weights = 0;
  for (long s = first; s <= last; s += kSyllableFrames / 2) {
    double sum = 0;
    for (long f = s; f < s + kSyllableFrames && f <= last; ++f) {
      const double d2 = d[f] * d[f];
      sum += d2 * d2 * d2;
    }
    const double interval = detmath::pow(sum / kSyllableFrames, 1.0 / 6.0);
    const double w = time_weight[s - first];  // indexed from the first frame, as specified
    acc += (w * interval) * (w * interval);
    weights += w * w;
  }
  return std::sqrt(acc / weights);
}

// Time weights for files longer than 1000 frames (16 s): later frames weigh more.
std::vector<double> time_weights(long frames, long max_length, const RateSetup& r) {
  std::vector<double> w(static_cast<size_t>(frames), 1.0);
  if (frames <= 1000) return w;
  const long n = (max_length - 2 * r.margin()) / (r.frame / 2) - 1;
  const double factor = std::min((static_cast<double>(n) - 1000.0) / 5500.0, 0.5);
  for (long f = 0; f < frames; ++f)
    w[f] = (1.0 - factor) + factor * static_cast<double>(f) / static_cast<double>(n);
  return w;
}

void analyze_frames(Track& ref, Track& deg, const std::vector<Utterance>& utts, const RateSetup& r,
                    FftSet& ffts, FrameState& st) {
  FrameAnalyzer fa(r, ffts);
  const BarkScale& s = fa.scale();
  const long frames = st.stop_frame + 1, half = r.frame / 2;
  st.ref = Eigen::ArrayXXd::Zero(s.bands, frames);
  st.deg = Eigen::ArrayXXd::Zero(s.bands, frames);
  std::vector<bool> silent(static_cast<size_t>(frames));
  for (long f = 0; f < frames; ++f) {
    const long pos = r.margin() + f * half;
    fa.analyze(ref.x.data() + pos, st.ref.col(f));
    const long dpos = pos + utts[utterance_at(utts, pos, r.block)].delay;
    if (dpos > 0 && dpos + r.frame < st.max_length + r.padding())
      fa.analyze(deg.x.data() + dpos, st.deg.col(f));
    silent[f] = audible_power(s, st.ref.col(f), 100.0) < kSilentFramePower;
  }
  const long averaging = (st.max_length - 2 * r.margin() + r.padding()) / half - 1;
  compensate_frequency_response(s, st.ref, st.deg, silent, averaging);
  st.dist.symmetric.assign(frames, 0.0);
  st.dist.asymmetric.assign(frames, 0.0);
  st.dist.ref_power.assign(frames, 0.0);
  frame_disturbances(s, st.ref, st.deg, 0, frames, st.dist);
}

}  // namespace

ModelScore perceptual_score(Track& ref, Track& deg, const std::vector<Utterance>& utts, const RateSetup& r,
                            FftSet& ffts) {
  FrameState st;
  st.max_length = std::max(ref.length, deg.length);
  const long buffer = st.max_length + r.padding() + r.frame;
  for (Track* t : {&ref, &deg})
    if (t->x.size() < buffer) t->x.conservativeResizeLike(Eigen::ArrayXd::Zero(buffer));
  const long half = r.frame / 2;
  const auto [head, tail] = silent_edges(ref, st.max_length, r);
  ModelScore out;
  out.first_frame = head / half;
  st.stop_frame = (st.max_length - 2 * r.margin() + r.padding() - tail) / half - 1;
  out.last_frame = st.stop_frame;
  analyze_frames(ref, deg, utts, r, ffts, st);
  const bool any_bad =
      std::any_of(st.dist.symmetric.begin(), st.dist.symmetric.end(), [](double v) { return v > 30.0; });
  skip_delay_jumps(utts, r, st);
  if (any_bad) out.bad_intervals = realign_bad_intervals(ref, deg, utts, r, ffts, st);

  const long frames = st.stop_frame + 1;
  for (long f = 0; f < frames; ++f) {
    const double h = detmath::pow((st.dist.ref_power[f] + 1e5) / 1e7, 0.04);  // emphasis on soft parts
    st.dist.symmetric[f] = std::min(st.dist.symmetric[f] / h, kMaxFrameDisturbance);
    st.dist.asymmetric[f] = std::min(st.dist.asymmetric[f] / h, kMaxFrameDisturbance);
  }
  const std::vector<double> w = time_weights(frames, st.max_length, r);
  out.symmetric = aggregate(st.dist.symmetric, w, out.first_frame, st.stop_frame);
  out.asymmetric = aggregate(st.dist.asymmetric, w, out.first_frame, st.stop_frame);
  out.raw = 4.5 - 0.1 * out.symmetric - 0.0309 * out.asymmetric;
  return out;
}

}  // namespace callsim::quality::pesq_detail
