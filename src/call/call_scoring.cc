#include "call/call_scoring.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "call/call_output.h"
#include "common/error.h"
#include "scoring/audio_stream.h"
#include "scenario/scenario.h"
#include "scoring/score_json.h"
#include "scoring/scorer.h"

namespace callsim::call {

std::vector<scoring::DelaySample> delay_track(const std::vector<peer::FrameRecord>& frames) {
  std::vector<scoring::DelaySample> out;
  for (const auto& f : frames)
    if (f.mouth_to_ear_ms) out.push_back({(f.play_time.to_ms() - *f.mouth_to_ear_ms) / 1000.0, *f.mouth_to_ear_ms});
  return out;
}

std::string reproduce_command(const std::string& direction, const scoring::ScoreReport& report) {
  const std::string f = scenario::direction_folder(direction) + "/";
  return scoring::score_command(f + "reference.wav", f + "degraded.wav", report);
}

void score_direction(DirectionResult& d, const scenario::ScoringConfig& config) {
  if (!config.pesq) return;
  // The samples the WAV files will hold, so that `callsim score` on them reads the same.
  const auto ref = scoring::memory_stream(scoring::quantize16(d.reference), d.name + " reference");
  const auto deg = scoring::memory_stream(scoring::quantize16(d.degraded), d.name + " degraded");
  try {
    const scoring::PairLevels levels = scoring::measure(*ref, *deg);
    const std::vector<scoring::DelaySample> track = delay_track(d.frames);
    const auto planned = scoring::with_delay_track(
        scoring::automatic_windows(levels.ref, config.window_s, scoring::delay_jump_cuts(track, levels.ref)), track,
        ref->duration_s());
    const auto windows = scoring::within_degraded(planned, ref->duration_s(), deg->duration_s());
    // Reference audio whose playout would come after the degraded recording ends (a delay that runs
    // past the call's drain) is not scored: said, not silently left out. Every call whose talker
    // speaks to the end leaves a few tens of ms unscored (the encoder's lookahead is never sent,
    // the last window is held back by its largest delay, not the delay at its end); a tail of up to
    // kQuietTailS is that and is not noted (the windows in result.json show it).
    const double planned_end = planned.empty() ? 0.0 : planned.back().end_s.value_or(ref->duration_s());
    const double scored_end = windows.empty() ? 0.0 : windows.back().end_s.value_or(ref->duration_s());
    if (scored_end + kQuietTailS + 1e-9 < planned_end) {
      char text[200];
      std::snprintf(text, sizeof text,
                    "reference audio from %.2f to %.2f s is not scored: its playout would come after the "
                    "recording ended (its delay runs past the call's end and drain)",
                    scored_end, planned_end);
      d.notes.push_back(text);
    }
    // The reference speech no window holds because it never reached the listener: after the last
    // window and after the last audio played (each frame's capture time, + 10 ms), beyond the
    // end-of-call tail (kQuietTailS: the encoder's lookahead is never sent on any network).
    double played_until = 0;
    for (const auto& f : d.frames)
      if (f.mouth_to_ear_ms)
        played_until = std::max(played_until, (f.play_time.to_ms() - *f.mouth_to_ear_ms) / 1000.0 + 0.01);
    if (const double from = std::max(scored_end, played_until); from + kQuietTailS + 1e-9 < planned_end) {
      const size_t n = levels.ref.db.size();
      d.unplayed_reference_speech_s =
          levels.ref.active_seconds(scoring::frame_at(from, n), scoring::frame_at(planned_end, n));
    }
    for (const auto mode : {quality::PesqMode::kNarrowband, quality::PesqMode::kWideband}) {
      const bool wide = mode == quality::PesqMode::kWideband;
      if (wide && d.sample_rate_hz < 16000) {
        d.notes.push_back("wb: not scored: P.862.2 needs 16 kHz audio; this direction's codec runs at " +
                          std::to_string(d.sample_rate_hz) + " Hz");
        continue;
      }
      scoring::ScoreOptions o;
      o.rate_hz = wide ? 16000 : 8000;
      o.mode = mode;
      o.windowing = scoring::Windowing::kExplicit;
      o.windows = windows;
      o.delay_source = "simulator";
      o.delay_track = track;  // P.862's alignment checked against the true delays
      o.margin_s = 0.0;  // the hints are the exact delays of the audio played for each window
      scoring::ScoreReport r = scoring::score_windows(*ref, *deg, levels, windows, o);
      for (const std::string& n : r.notes) d.notes.push_back(scoring::mode_name(mode) + ": " + n);
      (wide ? d.pesq_wb : d.pesq_nb) = std::move(r);
    }
  } catch (const InputError& e) {
    d.notes.push_back("not scored: " + e.message());
  }
}

}  // namespace callsim::call
