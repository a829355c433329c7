// The one P.862 scoring path. `callsim run` (on the audio it writes, quantized to 16 bits) and
// `callsim score` (on files) both call score_windows(); given the same samples, rate, mode,
// windows and delay hints they produce bit-identical figures.
//
//   ref, deg streams ─▶ 10 ms levels (one streaming pass each)          levels.h
//     ─▶ windows: explicit, automatic (~10 s cut in pauses) or the whole file    window_plan.h
//     ─▶ delay hint per window: given (the simulator's mouth-to-ear delay) or searched  delay_search.h
//     ─▶ per window: reference speech (< 1 s: skipped), speech received (< half: unscorable),
//        ref [start, end) and deg [start + min delay - 0.5 s, end + max delay + 0.5 s) read,
//        resampled to the model rate, P.862 / P.862.2 (quality/pesq.h)
//     ─▶ call-level figures: speech-weighted mean and worst window, only when every window with
//        enough reference speech was scored
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "quality/pesq.h"
#include "scoring/audio_stream.h"
#include "scoring/levels.h"
#include "scoring/window_plan.h"

namespace callsim::scoring {

constexpr double kMinSpeechS = 1.0;            // reference speech a window needs to be scored
constexpr double kMinSpeechReceived = 0.5;     // below this share the window is unscorable
constexpr double kMarginS = 0.5;               // degraded audio beyond the hinted delays (default)
constexpr double kWholeFileMaxSpeechS = 30.0;  // above this (or files > 60 s): automatic windows
constexpr double kWholeFileMaxLengthS = 60.0;

enum class Windowing { kDefault, kAutomatic, kExplicit };

struct ScoreOptions {
  int rate_hz = 8000;  // P.862 model rate: 8000 or 16000 (wideband: 16000)
  quality::PesqMode mode = quality::PesqMode::kNarrowband;
  Windowing windowing = Windowing::kDefault;  // default: whole file unless long, then automatic
  std::vector<WindowSpec> windows;            // with Windowing::kExplicit
  double window_s = 10.0;                     // automatic window length
  std::optional<double> max_delay_s;          // delay search range (default: the file length)
  double margin_s = kMarginS;                 // degraded audio beyond each window's hinted delays
  std::string delay_source = "given";         // what explicit hints are ("simulator" for run)
  // `run`: the simulator's delay of every 10 ms frame it played (reference timeline). P.862's time
  // alignment of each hinted window is checked against it; see WindowAlignment.
  std::vector<DelaySample> delay_track;
  // `score --phases`: each scored window also scored with the degraded span starting 1, 2 and 3 ms
  // later (the other phases of P.862's 4 ms alignment grid), to show how stable its figure is.
  bool phases = false;
};

constexpr int kPhases = 4;                 // --phases: starts 0, 1, 2, 3 ms later
constexpr double kPhaseNoteSpread = 0.1;   // a note when the phases' MOS-LQO differ this much

// P.862's time alignment of a window checked against the delays the simulator knows. P.862 aligns
// on a 4 ms grid anchored at the start of the degraded span it is given, and its utterance
// splitting can fall differently with the grid's phase: in smoke/good_wifi/wb24fec bob->alice a
// 10 ms delay step at 5.22 s (reference time) was placed at 4.28 s when the span started 51 ms
// into the file (WB 1.73; the ITU-T reference code gives the same), but near the step from a start
// 1 ms earlier (2.59): 1 s of speech had been compared 10 ms out of step. When at least
// kAlignRetryS of reference speech is aligned more than kAlignToleranceMs away from its true
// delay, the window is scored again from starts 1, 2 and 3 ms earlier (the other phases of the
// grid) and the alignment closest to the true delays is kept (the least misaligned speech; the
// earlier try on a tie). The kept start is the hint's minimum, so the command line reproduces the
// score.
constexpr double kAlignToleranceMs = 5.0;
constexpr double kAlignRetryS = 0.1;
constexpr int kAlignShifts = 3;  // extra starts, 1 ms apart
constexpr double kAlignNoteShare = 0.1;  // a note when this share of the speech stays misaligned
struct WindowAlignment {
  double misaligned_speech_s = 0;        // reference speech aligned > kAlignToleranceMs off, as scored
  double first_misaligned_speech_s = 0;  // the same at the simulator's own hint
  int start_moved_ms = 0;                // how much earlier the kept degraded span starts
  int tries = 1;                         // P.862 runs
};

// Both streams' 10 ms levels and the degraded activity threshold derived from them: the
// reference's, lowered by how much quieter the degraded signal is overall, floored at -70 dB.
struct PairLevels {
  FrameLevels ref, deg;
  double deg_threshold_db = kAbsoluteFloorDb;
};
PairLevels measure(AudioStream& ref, AudioStream& deg);

enum class WindowStatus { kScored, kTooLittleSpeech, kNoSpeechReceived, kNotScorable };

struct WindowScore {
  double start_s = 0, end_s = 0;     // reference timeline
  std::optional<DelayHint> delay;    // unset: the whole degraded file, P.862's own search
  std::string delay_source;          // "simulator", "given", "search" or "" (none)
  double reference_speech_s = 0;     // active 10 ms frames of the reference
  double speech_received_ratio = 0;  // degraded speech time over reference speech time, <= 1 (0 and
                                     // null in JSON without reference speech)
  WindowStatus status = WindowStatus::kNotScorable;
  double raw = 0, mos_lqo = 0;  // when scored
  std::string note;             // why not scored
  std::optional<WindowAlignment> alignment;  // checked (run's windows with a delay track)
  std::optional<DelayHint> simulator_delay;  // the simulator's hint when the kept start moved
  std::vector<double> phase_mos_lqo;          // --phases: MOS-LQO from starts 0..kPhases-1 ms later (NaN: refused)
};

// Largest minus smallest of a window's phase_mos_lqo (0 without phases; NaN when one was refused).
double phase_spread(const WindowScore& w);

struct ScoreReport {
  quality::PesqMode mode = quality::PesqMode::kNarrowband;
  int rate_hz = 0;
  std::string windowing;  // "whole file", "automatic", "explicit"
  double margin_s = kMarginS;
  bool phases = false;  // scored with --phases
  std::vector<WindowScore> windows;
  int scored_windows = 0;
  int unscorable_windows = 0;        // enough reference speech, but no score
  double speech_s = 0;               // reference speech in the scored windows
  double speech_received_ratio = 0;  // speech-weighted over windows with enough reference speech
  double counted_speech_s = 0;       // reference speech of those windows (the ratio's weight)
                                     // (0 and null in JSON when there is none)
  bool complete = false;             // at least one scored window and none unscorable
  double raw = 0, mos_lqo = 0, mos_lqo_min_window = 0;  // valid when complete
  std::vector<std::string> notes;
  double windows_end_s = 0;  // the reference's length: a window ending there ends at "end"

  // The windows with the delay hints that were used: what reproduces this report.
  std::vector<WindowSpec> plan() const;
};

// The windows to score (options.windowing), before delay hints; notes say what was decided.
std::vector<WindowSpec> plan_windows(const AudioStream& ref, const AudioStream& deg, const PairLevels& levels,
                                     const ScoreOptions& options, std::vector<std::string>& notes);

// Scores `windows` (canonical form; windows without a hint get a searched one, except a single
// whole-file window, which P.862 aligns itself). Throws InputError for unusable options or rates.
ScoreReport score_windows(AudioStream& ref, AudioStream& deg, const PairLevels& levels,
                          const std::vector<WindowSpec>& windows, const ScoreOptions& options,
                          std::vector<std::string> notes = {});

// measure + plan_windows + score_windows.
ScoreReport score_pair(AudioStream& ref, AudioStream& deg, const ScoreOptions& options);

}  // namespace callsim::scoring
