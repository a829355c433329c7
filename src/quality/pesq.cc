// P.862 / P.862.2 pipeline: level alignment -> input filter -> time alignment -> perceptual
// model -> disturbance aggregation -> MOS-LQO mapping.
#include "quality/pesq.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "common/error.h"
#include "quality/det_math.h"
#include "quality/pesq_align.h"
#include "quality/pesq_filter.h"
#include "quality/pesq_score.h"
#include "quality/pesq_vad.h"

namespace callsim::quality {
namespace {

using namespace pesq_detail;

constexpr double kTargetPower = 1e7;       // clause 10.1.1: aligned power in the 350-3250 Hz band
constexpr double kSilentBandPower = 1e-4;  // far below one 16-bit LSB of noise: digital silence

std::string fmt(double v, int decimals = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void validate(const audio::Signal& ref, const audio::Signal& deg, PesqMode mode, const PesqInputNames& n) {
  const int fs = ref.sample_rate_hz;
  if (fs != 8000 && fs != 16000)
    throw InputError(
        n.reference, "",
        "P.862 needs 8000 or 16000 Hz audio, got " + std::to_string(fs) + " Hz (resample first)");
  if (deg.sample_rate_hz != fs)
    throw InputError(n.degraded, "",
                     "sample rate " + std::to_string(deg.sample_rate_hz) +
                         " Hz differs from the reference's " + std::to_string(fs) + " Hz");
  if (mode == PesqMode::kWideband && fs != 16000)
    throw InputError(n.reference, "",
                     "P.862.2 wideband mode needs 16000 Hz audio, got " + std::to_string(fs));
  for (const auto* s : {&ref, &deg}) {
    if (static_cast<long>(s->samples.size()) < fs / 4)
      throw InputError(s == &ref ? n.reference : n.degraded, "",
                       "too short: " + fmt(s->duration_seconds(), 3) + " s (P.862 needs at least 0.25 s)");
  }
}

// The signal in the 16-bit scale, in a buffer long enough for every later stage.
Track to_track(const audio::Signal& s, long max_length, const RateSetup& r) {
  Track t;
  t.length = static_cast<long>(s.samples.size()) + 2 * r.margin();
  t.x = Eigen::ArrayXd::Zero(max_length + r.padding() + r.frame);
  for (size_t i = 0; i < s.samples.size(); ++i)
    t.x[r.margin() + static_cast<long>(i)] = 32768.0 * static_cast<double>(s.samples[i]);
  return t;
}

// Level alignment (clause 10.1.1) and the narrowband input filter (clause 10.1.2); the P.862.2
// wideband filter runs on both tracks afterwards.
void condition(InputConditioner& ic, Track& t, long max_length, PesqMode mode, bool is_ref,
               const PesqInputNames& n) {
  const std::span<const CurvePoint> irs = irs_receive_curve();
  const double power = ic.condition(t, max_length, mode == PesqMode::kNarrowband ? &irs : nullptr,
                                    kTargetPower, kSilentBandPower);
  if (power < kSilentBandPower && is_ref)
    throw InputError(n.reference, "", "reference is silent (no signal in the 350-3250 Hz band)");
}

[[noreturn]] void no_utterance(const AlignContext& c, long crude, const PesqInputNames& n) {
  const std::vector<double>& v = c.ref_env.activity;
  long run = 0, longest = 0;
  for (double a : v) run = a > 0 ? run + 1 : 0, longest = std::max(longest, run);
  if (longest < kMinUtteranceBlocks)
    throw InputError(n.reference, "", "no speech found (P.862 needs at least 200 ms of continuous speech)");
  throw InputError(n.degraded, "",
                   "does not cover the reference speech at the estimated delay of " +
                       fmt(1000.0 * static_cast<double>(crude) / c.r.fs) + " ms");
}

std::vector<PesqUtterance> describe(const std::vector<Utterance>& utts, const RateSetup& r) {
  std::vector<PesqUtterance> out;
  for (const Utterance& u : utts) {
    const double block_s = static_cast<double>(r.block) / r.fs;
    out.push_back({static_cast<double>(u.start - kMarginBlocks) * block_s,
                   static_cast<double>(u.end - kMarginBlocks) * block_s,
                   1000.0 * static_cast<double>(u.delay) / r.fs, u.confidence});
  }
  return out;
}

// Time alignment (clause 10.1.3) on pre-filtered copies of the conditioned signals.
std::vector<Utterance> time_align(const Track& tr, const Track& td, const RateSetup& r, FftSet& ffts,
                                  const PesqInputNames& names) {
  Track ar = tr, ad = td;
  apply_alignment_filter(ar, ad, r);
  const Envelope er = speech_envelope(ar, r), ed = speech_envelope(ad, r);
  const AlignContext c{ar, ad, er, ed, r, ffts};
  const long crude = crude_delay(c);
  std::vector<Utterance> utts = align_utterances(c, crude);
  if (utts.empty()) no_utterance(c, crude, names);
  return utts;
}

}  // namespace

double mos_lqo_from_raw(double raw, PesqMode mode) {
  if (mode == PesqMode::kNarrowband) return 0.999 + 4.0 / (1.0 + detmath::exp(-1.4945 * raw + 4.6607));
  return 0.999 + 4.0 / (1.0 + detmath::exp(-1.3669 * raw + 3.8224));
}

PesqResult pesq(const audio::Signal& ref, const audio::Signal& deg, PesqMode mode,
                const PesqInputNames& names) {
  validate(ref, deg, mode, names);
  const RateSetup r = RateSetup::for_rate(ref.sample_rate_hz);
  const long max_length =
      static_cast<long>(std::max(ref.samples.size(), deg.samples.size())) + 2 * r.margin();
  Track tr = to_track(ref, max_length, r), td = to_track(deg, max_length, r);
  {
    InputConditioner ic(r);  // its whole-file transform buffers are freed at the end of the scope
    condition(ic, tr, max_length, mode, true, names);
    condition(ic, td, max_length, mode, false, names);
  }
  if (mode == PesqMode::kWideband) apply_wideband_filter(tr, td, r);
  FftSet ffts;
  const std::vector<Utterance> utts = time_align(tr, td, r, ffts, names);
  const ModelScore m = perceptual_score(tr, td, utts, r, ffts);
  if (m.first_frame > m.last_frame)  // no 5-sample stretch of the reference above the criterion
    throw InputError(names.reference, "", "no reference signal above P.862's silence criterion");
  PesqResult out;
  out.mode = mode;
  out.sample_rate_hz = r.fs;
  out.raw = m.raw;
  out.mos_lqo = mos_lqo_from_raw(m.raw, mode);
  out.symmetric_disturbance = m.symmetric;
  out.asymmetric_disturbance = m.asymmetric;
  out.utterances = describe(utts, r);
  out.bad_intervals = static_cast<int>(m.bad_intervals);
  return out;
}

}  // namespace callsim::quality
