#include "scoring/score_json.h"

#include <cmath>
#include <cstdio>

namespace callsim::scoring {
namespace {

using nlohmann::json;

double rnd(double v, int decimals) {
  const double k = std::pow(10.0, decimals);
  const double r = std::round(v * k) / k;
  return r == 0.0 ? 0.0 : r;  // no "-0"
}

std::string status_name(WindowStatus s) {
  switch (s) {
    case WindowStatus::kScored: return "scored";
    case WindowStatus::kTooLittleSpeech: return "too little reference speech";
    case WindowStatus::kNoSpeechReceived: return "no speech received";
    case WindowStatus::kNotScorable: return "not scorable";
  }
  return "";
}

json window_json(const WindowScore& w) {
  json j = {{"start_s", rnd(w.start_s, 2)},
            {"end_s", rnd(w.end_s, 2)},
            {"delay_ms", nullptr},
            {"reference_speech_s", rnd(w.reference_speech_s, 2)},
            {"speech_received_ratio", nullptr},  // not measured without reference speech
            {"scored", w.status == WindowStatus::kScored},
            {"status", status_name(w.status)},
            {"raw", nullptr},
            {"mos_lqo", nullptr}};
  if (w.reference_speech_s > 0) j["speech_received_ratio"] = rnd(w.speech_received_ratio, 4);
  if (w.delay) j["delay_ms"] = {{"min", w.delay->min_ms}, {"max", w.delay->max_ms}, {"source", w.delay_source}};
  if (w.alignment) {
    const WindowAlignment& a = *w.alignment;
    j["alignment"] = {{"tolerance_ms", kAlignToleranceMs},
                      {"misaligned_speech_s", rnd(a.misaligned_speech_s, 2)},
                      {"misaligned_speech_s_at_simulator_hint", rnd(a.first_misaligned_speech_s, 2)},
                      {"start_moved_ms", a.start_moved_ms},
                      {"p862_runs", a.tries}};
    if (w.simulator_delay)
      j["alignment"]["simulator_delay_ms"] = {{"min", w.simulator_delay->min_ms}, {"max", w.simulator_delay->max_ms}};
  }
  if (!w.phase_mos_lqo.empty()) {
    json m = json::array();
    for (double v : w.phase_mos_lqo) m.push_back(std::isnan(v) ? json(nullptr) : json(rnd(v, 4)));
    const double spread = phase_spread(w);
    json later = json::array();
    for (int k = 0; k < static_cast<int>(w.phase_mos_lqo.size()); ++k) later.push_back(k);
    j["phases"] = {{"start_later_ms", later},
                   {"mos_lqo", m},
                   {"spread", std::isnan(spread) ? json(nullptr) : json(rnd(spread, 4))}};
  }
  if (w.status == WindowStatus::kScored) {
    j["raw"] = rnd(w.raw, 4);
    j["mos_lqo"] = rnd(w.mos_lqo, 4);
  } else {
    j["note"] = w.note;
  }
  return j;
}

std::string shell_quoted(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || std::string("._/-+=:,@").find(c) != std::string::npos);
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string fmt_margin(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string mode_name(quality::PesqMode mode) { return mode == quality::PesqMode::kWideband ? "wb" : "nb"; }

json report_json(const ScoreReport& r) {
  json windows = json::array();
  for (const WindowScore& w : r.windows) windows.push_back(window_json(w));
  json j = {{"mode", mode_name(r.mode)},
            {"sample_rate_hz", r.rate_hz},
            {"windowing", r.windowing},
            {"margin_s", r.margin_s},
            {"scored_windows", r.scored_windows},
            {"unscorable_windows", r.unscorable_windows},
            {"speech_s", rnd(r.speech_s, 2)},
            {"speech_received_ratio", nullptr},  // over the windows with enough reference speech
            {"raw", nullptr},
            {"mos_lqo", nullptr},
            {"mos_lqo_min_window", nullptr},
            {"windows", windows},
            {"notes", r.notes}};
  if (r.scored_windows + r.unscorable_windows > 0) j["speech_received_ratio"] = rnd(r.speech_received_ratio, 4);
  if (r.complete) {
    j["raw"] = rnd(r.raw, 4);
    j["mos_lqo"] = rnd(r.mos_lqo, 4);
    j["mos_lqo_min_window"] = rnd(r.mos_lqo_min_window, 4);
  }
  return j;
}

std::string score_command(const std::string& ref, const std::string& deg, const ScoreReport& r) {
  return "callsim score " + shell_quoted(ref) + " " + shell_quoted(deg) + " --rate " + std::to_string(r.rate_hz) +
         " --mode " + mode_name(r.mode) + " --windows " + shell_quoted(format_windows(r.plan())) +
         (r.margin_s != kMarginS ? " --margin " + fmt_margin(r.margin_s) : std::string()) +
         (r.phases ? " --phases" : "") + " --json";
}

}  // namespace callsim::scoring
