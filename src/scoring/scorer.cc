#include "scoring/scorer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "audio/resample.h"
#include "common/error.h"
#include "scoring/delay_search.h"

namespace callsim::scoring {
namespace {

constexpr double kMaxWindowS = 120.0;  // longer windows are refused (P.862: 8-12 s of speech)
constexpr int64_t kGuardMs = 100;      // resampling guard around each window

std::string num(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Model-rate samples [a, b) of a stream at another rate: the source span plus a guard, resampled,
// cut on the model grid. The source span starts on a frame that falls on the model grid, so the
// cut is exact; the same span always gives the same samples.
std::vector<float> read_at_rate(AudioStream& s, int64_t a, int64_t b, int rate) {
  a = std::max<int64_t>(a, 0);
  b = std::max(b, a);
  const int64_t src = s.sample_rate_hz();
  if (src == rate) return s.read(a, b - a);
  const int64_t step = src / std::gcd(src, static_cast<int64_t>(rate));  // source frames per grid point
  const int64_t guard = (src * kGuardMs / 1000 + step - 1) / step * step;
  const int64_t first = std::max<int64_t>(0, (a * src / rate - guard) / step * step);
  const int64_t last = b * src / rate + guard + 1;
  const std::vector<float> x = s.read(first, last - first);
  const std::vector<float> y = audio::resample(x, static_cast<int>(src), rate);
  const int64_t offset = a - first * rate / src;
  const int64_t from = std::min<int64_t>(offset, static_cast<int64_t>(y.size()));
  const int64_t to = std::min<int64_t>(offset + (b - a), static_cast<int64_t>(y.size()));
  return {y.begin() + from, y.begin() + to};
}

void validate(const AudioStream& ref, const ScoreOptions& o) {
  if (o.rate_hz != 8000 && o.rate_hz != 16000)
    throw InputError("--rate", "", "P.862 runs at 8000 or 16000 Hz, not " + std::to_string(o.rate_hz));
  if (o.mode == quality::PesqMode::kWideband && o.rate_hz != 16000)
    throw InputError("--rate", "", "P.862.2 wideband mode needs --rate 16000");
  if (o.max_delay_s && !(*o.max_delay_s >= 0)) throw InputError("--max-delay", "", "must be >= 0");
  if (!(o.margin_s >= 0 && o.margin_s <= 10)) throw InputError("--margin", "", "must be within 0-10 s");
  if (ref.frames() == 0) throw InputError(ref.name(), "", "no audio");
}

// The window's end, checked against the reference.
double resolve_end(const WindowSpec& w, const AudioStream& ref) {
  const double end = w.end_s ? std::min(*w.end_s, ref.duration_s()) : ref.duration_s();
  const std::string item = num(w.start_s, 2) + ":" + (w.end_s ? num(*w.end_s, 2) : "end");
  if (w.start_s >= ref.duration_s())
    throw InputError("--windows", item, "starts after the reference ends (" + num(ref.duration_s(), 2) + " s)");
  if (end - w.start_s > kMaxWindowS)
    throw InputError("--windows", item, "is " + num(end - w.start_s, 1) +
                                            " s long; P.862 is defined for 8-12 s of speech (at most 120 s accepted)");
  return end;
}

// A window without a hint that covers the whole reference, with a degraded file short enough
// to be scored whole: P.862 aligns it over the whole degraded file.
bool uses_whole_degraded(const WindowSpec& w, double end, const AudioStream& ref, const AudioStream& deg) {
  return !w.delay && w.start_s == 0 && end >= ref.duration_s() && deg.duration_s() <= kMaxWindowS;
}

void fill_delays(const std::vector<WindowSpec>& windows, const std::vector<double>& ends, const AudioStream& ref,
                 const AudioStream& deg, const PairLevels& levels, const ScoreOptions& o,
                 std::vector<WindowScore>& out) {
  std::vector<WindowFrames> frames;
  bool any_search = false;
  for (size_t i = 0; i < windows.size(); ++i) {
    frames.push_back({frame_at(windows[i].start_s, levels.ref.db.size()), frame_at(ends[i], levels.ref.db.size())});
    out[i].start_s = windows[i].start_s;
    out[i].end_s = ends[i];
    out[i].delay = windows[i].delay;
    out[i].delay_source = windows[i].delay ? o.delay_source : "";
    any_search = any_search || (!windows[i].delay && !uses_whole_degraded(windows[i], ends[i], ref, deg));
  }
  if (!any_search) return;
  const std::vector<double> found = search_delays(levels.ref, levels.deg, levels.deg_threshold_db, frames, o.max_delay_s);
  for (size_t i = 0; i < windows.size(); ++i) {
    if (out[i].delay || uses_whole_degraded(windows[i], ends[i], ref, deg)) continue;
    const double ms = std::round(found[i]);
    out[i].delay = DelayHint{ms, ms};
    out[i].delay_source = "search";
  }
}

// Reference speech and the share of it the degraded signal carries; decides whether to score.
void check_speech(WindowScore& w, const AudioStream& deg, const PairLevels& levels) {
  const size_t nr = levels.ref.db.size(), nd = levels.deg.db.size();
  w.reference_speech_s = levels.ref.active_seconds(frame_at(w.start_s, nr), frame_at(w.end_s, nr));
  const double d0 = w.delay ? w.start_s + w.delay->min_ms / 1000.0 : 0.0;
  const double d1 = w.delay ? w.end_s + w.delay->max_ms / 1000.0 : deg.duration_s();
  const double received = levels.deg.seconds_above(frame_at(d0, nd), frame_at(d1, nd), levels.deg_threshold_db);
  w.speech_received_ratio = w.reference_speech_s > 0 ? std::min(1.0, received / w.reference_speech_s) : 0.0;
  if (w.reference_speech_s < kMinSpeechS) {
    w.status = WindowStatus::kTooLittleSpeech;
    w.note = "only " + num(w.reference_speech_s, 2) + " s of reference speech (at least " + num(kMinSpeechS, 1) +
             " s are needed): not scored";
  } else if (w.speech_received_ratio < kMinSpeechReceived) {
    w.status = WindowStatus::kNoSpeechReceived;
    w.note = "no speech received: the degraded signal carries speech for " +
             num(100.0 * w.speech_received_ratio, 0) + "% of the reference's " + num(w.reference_speech_s, 1) +
             " s of speech (less than " + num(100.0 * kMinSpeechReceived, 0) +
             "%); P.862 would rate the silence as if it were speech";
  } else {
    w.status = WindowStatus::kScored;
  }
}

// Reference speech of window `w` (seconds) that P.862's alignment `p` compares with degraded audio
// more than kAlignToleranceMs away from where the simulator played it. `offset_ms`: how much later
// than the window's start the degraded span began. `track`: sorted by reference time.
double misaligned_speech_s(const quality::PesqResult& p, const WindowScore& w, double offset_ms,
                           const std::vector<DelaySample>& track, const FrameLevels& ref) {
  auto it = std::lower_bound(track.begin(), track.end(), w.start_s,
                             [](const DelaySample& d, double t) { return d.reference_s < t; });
  long misaligned = 0;
  for (; it != track.end() && it->reference_s < w.end_s; ++it) {
    if (!ref.active(static_cast<size_t>(frame_at(it->reference_s, ref.db.size())))) continue;
    const double t = it->reference_s - w.start_s;
    for (const quality::PesqUtterance& u : p.utterances) {
      if (t < u.start_s || t >= u.end_s) continue;
      if (std::abs(u.delay_ms + offset_ms - it->delay_ms) > kAlignToleranceMs) ++misaligned;
      break;
    }
  }
  return static_cast<double>(misaligned) * kFrameS;
}

const std::vector<DelaySample> kNoTrack;  // a span scored without the alignment check

struct Try {
  std::optional<quality::PesqResult> result;  // unset: P.862 refused the pair
  std::string error;
  double misaligned_s = 0;
};

// P.862 on the window's reference and the degraded span its hint `delay` (or the options) give,
// that span starting `later_ms` later.
Try score_span(const WindowScore& w, const std::optional<DelayHint>& delay, AudioStream& ref, AudioStream& deg,
               const ScoreOptions& o, const std::vector<DelaySample>& track, const FrameLevels& ref_levels,
               int later_ms = 0) {
  const int rate = o.rate_hz;
  audio::Signal r{rate, read_at_rate(ref, std::llround(w.start_s * rate), std::llround(w.end_s * rate), rate)};
  int64_t a = 0, b = deg.frames() * rate / deg.sample_rate_hz() + rate;  // whole degraded file
  if (delay) {
    a = std::llround((w.start_s + delay->min_ms / 1000.0 - o.margin_s) * rate);
    b = std::llround((w.end_s + delay->max_ms / 1000.0 + o.margin_s) * rate);
  } else if (o.max_delay_s) {
    a = std::llround((w.start_s - *o.max_delay_s) * rate);
    b = std::llround((w.end_s + *o.max_delay_s) * rate);
  }
  if (later_ms > 0) a = std::max<int64_t>(a, 0) + int64_t{later_ms} * rate / 1000;
  audio::Signal d{rate, read_at_rate(deg, a, b, rate)};
  Try t;
  try {
    t.result = quality::pesq(r, d, o.mode, {ref.name(), deg.name()});
  } catch (const InputError& e) {
    t.error = e.message();
    return t;
  }
  const double offset_ms = 1000.0 * (static_cast<double>(std::max<int64_t>(a, 0)) / rate - w.start_s);
  if (!track.empty()) t.misaligned_s = misaligned_speech_s(*t.result, w, offset_ms, track, ref_levels);
  return t;
}

void score_one(WindowScore& w, AudioStream& ref, AudioStream& deg, const PairLevels& levels, const ScoreOptions& o,
               const std::vector<DelaySample>& track) {
  const bool check = w.delay && !track.empty();
  Try kept = score_span(w, w.delay, ref, deg, o, check ? track : kNoTrack, levels.ref);
  if (check && kept.result) {
    WindowAlignment a;
    a.first_misaligned_speech_s = kept.misaligned_s;
    const bool retry = kept.misaligned_s >= kAlignRetryS - 1e-9;
    for (int shift = 1; retry && shift <= kAlignShifts && kept.misaligned_s > 0; ++shift) {
      const DelayHint moved{w.delay->min_ms - shift, w.delay->max_ms};
      Try t = score_span(w, moved, ref, deg, o, track, levels.ref);
      ++a.tries;
      if (!t.result || t.misaligned_s >= kept.misaligned_s) continue;
      // The moved hint is what the command line will say: the speech check must read the same.
      WindowScore moved_w = w;
      moved_w.delay = moved;
      check_speech(moved_w, deg, levels);
      if (moved_w.status != WindowStatus::kScored) continue;
      if (!w.simulator_delay) w.simulator_delay = w.delay;
      w.delay = moved;
      w.speech_received_ratio = moved_w.speech_received_ratio;
      a.start_moved_ms = shift;
      kept = std::move(t);
    }
    a.misaligned_speech_s = kept.misaligned_s;
    w.alignment = a;
  }
  if (!kept.result) {
    w.status = WindowStatus::kNotScorable;
    w.note = "not scored: " + kept.error;
    return;
  }
  w.raw = kept.result->raw;
  w.mos_lqo = kept.result->mos_lqo;
  if (o.phases) {
    w.phase_mos_lqo = {w.mos_lqo};
    for (int later = 1; later < kPhases; ++later) {
      const Try t = score_span(w, w.delay, ref, deg, o, kNoTrack, levels.ref, later);
      w.phase_mos_lqo.push_back(t.result ? t.result->mos_lqo : std::nan(""));
    }
  }
}

void aggregate(ScoreReport& rep) {
  double speech = 0, received = 0, raw = 0, mos = 0, worst = 5.0;
  for (const WindowScore& w : rep.windows) {
    if (w.status == WindowStatus::kTooLittleSpeech) continue;
    speech += w.reference_speech_s;
    received += w.reference_speech_s * w.speech_received_ratio;
    if (w.status != WindowStatus::kScored) {
      ++rep.unscorable_windows;
      continue;
    }
    ++rep.scored_windows;
    rep.speech_s += w.reference_speech_s;
    raw += w.reference_speech_s * w.raw;
    mos += w.reference_speech_s * w.mos_lqo;
    worst = std::min(worst, w.mos_lqo);
  }
  rep.counted_speech_s = speech;
  rep.speech_received_ratio = speech > 0 ? received / speech : 0.0;
  rep.complete = rep.scored_windows > 0 && rep.unscorable_windows == 0;
  if (rep.complete && rep.scored_windows == 1) {  // exactly the window's figures
    for (const WindowScore& w : rep.windows)
      if (w.status == WindowStatus::kScored) rep.raw = w.raw, rep.mos_lqo = w.mos_lqo;
    rep.mos_lqo_min_window = worst;
  } else if (rep.complete) {
    rep.raw = raw / rep.speech_s;
    rep.mos_lqo = mos / rep.speech_s;
    rep.mos_lqo_min_window = worst;
  } else if (rep.scored_windows + rep.unscorable_windows == 0) {
    rep.notes.push_back("no window has " + num(kMinSpeechS, 1) + " s of reference speech: nothing to score");
  } else {
    rep.notes.push_back(std::to_string(rep.unscorable_windows) + " of " +
                        std::to_string(rep.scored_windows + rep.unscorable_windows) +
                        " windows with reference speech could not be scored: no call-level figure");
  }
}

}  // namespace

double phase_spread(const WindowScore& w) {
  if (w.phase_mos_lqo.empty()) return 0.0;
  double lo = w.phase_mos_lqo[0], hi = lo;
  for (double m : w.phase_mos_lqo) {
    if (std::isnan(m)) return std::nan("");
    lo = std::min(lo, m), hi = std::max(hi, m);
  }
  return hi - lo;
}

std::vector<WindowSpec> ScoreReport::plan() const {
  std::vector<WindowSpec> out;
  for (size_t i = 0; i < windows.size(); ++i) {
    WindowSpec w{windows[i].start_s, std::nullopt, windows[i].delay};
    if (i + 1 < windows.size() || windows[i].end_s < windows_end_s) w.end_s = windows[i].end_s;
    out.push_back(w);
  }
  return out;
}

PairLevels measure(AudioStream& ref, AudioStream& deg) {
  PairLevels p{frame_levels(ref), frame_levels(deg)};
  const double quieter = std::max(0.0, p.ref.p95_db - p.deg.p95_db);
  p.deg_threshold_db = std::max(kAbsoluteFloorDb, p.ref.threshold_db - quieter);
  return p;
}

std::vector<WindowSpec> plan_windows(const AudioStream& ref, const AudioStream& deg, const PairLevels& levels,
                                     const ScoreOptions& o, std::vector<std::string>& notes) {
  if (o.windowing == Windowing::kExplicit) return canonical(o.windows);
  if (o.windowing == Windowing::kAutomatic) return automatic_windows(levels.ref, o.window_s);
  const double speech = levels.ref.active_seconds(0, static_cast<long>(levels.ref.db.size()));
  if (speech <= kWholeFileMaxSpeechS && ref.duration_s() <= kWholeFileMaxLengthS &&
      deg.duration_s() <= kWholeFileMaxLengthS)
    return {WindowSpec{}};
  notes.push_back("the reference has " + num(speech, 1) + " s of speech in " + num(ref.duration_s(), 1) +
                  " s; P.862 is defined for 8-12 s of speech: scored in automatic windows of about " +
                  num(o.window_s, 0) + " s (--windows to choose them)");
  return automatic_windows(levels.ref, o.window_s);
}

ScoreReport score_windows(AudioStream& ref, AudioStream& deg, const PairLevels& levels,
                          const std::vector<WindowSpec>& windows, const ScoreOptions& o,
                          std::vector<std::string> notes) {
  validate(ref, o);
  ScoreReport rep;
  rep.mode = o.mode;
  rep.rate_hz = o.rate_hz;
  rep.margin_s = o.margin_s;
  rep.phases = o.phases;
  rep.windows_end_s = ref.duration_s();
  rep.notes = std::move(notes);
  std::vector<double> ends;
  for (const WindowSpec& w : windows) ends.push_back(resolve_end(w, ref));
  rep.windows.resize(windows.size());
  fill_delays(windows, ends, ref, deg, levels, o, rep.windows);
  const bool whole = windows.size() == 1 && uses_whole_degraded(windows[0], ends[0], ref, deg);
  rep.windowing = o.windowing == Windowing::kExplicit ? "explicit" : whole ? "whole file" : "automatic";
  std::vector<DelaySample> track = o.delay_track;
  std::stable_sort(track.begin(), track.end(),
                   [](const DelaySample& a, const DelaySample& b) { return a.reference_s < b.reference_s; });
  for (WindowScore& w : rep.windows) {
    check_speech(w, deg, levels);
    if (w.status == WindowStatus::kScored) score_one(w, ref, deg, levels, o, track);
    if (w.status == WindowStatus::kScored && phase_spread(w) >= kPhaseNoteSpread)
      rep.notes.push_back("window " + num(w.start_s, 2) + "-" + num(w.end_s, 2) + " s: P.862 gives " +
                          num(*std::min_element(w.phase_mos_lqo.begin(), w.phase_mos_lqo.end()), 3) + " to " +
                          num(*std::max_element(w.phase_mos_lqo.begin(), w.phase_mos_lqo.end()), 3) +
                          " with the degraded span starting 0-" + std::to_string(kPhases - 1) +
                          " ms later (the phase of its 4 ms alignment grid): where it splits an utterance at a "
                          "delay change is not stable here, and the figure is uncertain by that much");
    if (w.status == WindowStatus::kScored && w.alignment &&
        w.alignment->misaligned_speech_s >= kAlignNoteShare * w.reference_speech_s)
      rep.notes.push_back("window " + num(w.start_s, 2) + "-" + num(w.end_s, 2) + " s: P.862 compared " +
                          num(w.alignment->misaligned_speech_s, 2) + " s of its " + num(w.reference_speech_s, 2) +
                          " s of reference speech with degraded audio more than " + num(kAlignToleranceMs, 0) +
                          " ms from where it was played (P.862 holds one delay per utterance): the score "
                          "includes that misalignment");
  }
  aggregate(rep);
  return rep;
}

ScoreReport score_pair(AudioStream& ref, AudioStream& deg, const ScoreOptions& o) {
  validate(ref, o);
  const PairLevels levels = measure(ref, deg);
  std::vector<std::string> notes;
  for (const AudioStream* s : {&ref, &deg})
    if (std::string n = s->input_note(); !n.empty()) notes.push_back(std::move(n));
  const std::vector<WindowSpec> windows = plan_windows(ref, deg, levels, o, notes);
  return score_windows(ref, deg, levels, windows, o, std::move(notes));
}

}  // namespace callsim::scoring
