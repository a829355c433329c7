#include "results/metric_table.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace callsim::results {
namespace {

using K = MetricKind;
using W = Worse;

Tolerance abs_tol(double a) { return Tolerance{a, std::nullopt}; }
Tolerance rel_tol(double r) { return Tolerance{std::nullopt, r}; }

MetricInfo m(const char* name, K kind, W worse, Tolerance tolerance, bool tracked, const char* meaning) {
  return MetricInfo{name, kind, worse, tolerance, tracked, kind == K::kMosLqo || kind == K::kPesqRaw, meaning, false};
}

// A figure of the P.862 scoring path that is not itself a MOS (measured only when scoring runs).
MetricInfo scoring_metric(const char* name, K kind, W worse, Tolerance tolerance, bool tracked, const char* meaning) {
  MetricInfo info = m(name, kind, worse, tolerance, tracked, meaning);
  info.needs_pesq = true;
  return info;
}

// A figure of the wideband (P.862.2) scoring path: none on a direction whose codec runs below 16 kHz.
MetricInfo wideband(MetricInfo info) {
  info.needs_wideband = true;
  return info;
}

std::vector<MetricInfo> build() {
  const Tolerance none;
  return {
      // P.862 listening quality (needs scoring)
      m("mos_lqo_nb", K::kMosLqo, W::kLower, abs_tol(0.1), true,
        "P.862.1 MOS-LQO of the direction, narrowband (8 kHz): mean over the scored windows weighted by "
        "their seconds of reference speech; absent when a window with reference speech was unscorable "
        "(README \"P.862 scores\")"),
      wideband(m("mos_lqo_wb", K::kMosLqo, W::kLower, abs_tol(0.1), true,
                 "P.862.2 MOS-LQO of the direction, wideband (16 kHz; codec rate >= 16 kHz only), weighted and "
                 "absent as mos_lqo_nb")),
      m("mos_lqo_nb_min_window", K::kMosLqo, W::kLower, abs_tol(0.2), true,
        "the worst scored window's P.862.1 MOS-LQO"),
      wideband(m("mos_lqo_wb_min_window", K::kMosLqo, W::kLower, abs_tol(0.2), true,
                 "the worst scored window's P.862.2 MOS-LQO")),
      m("pesq_raw_nb", K::kPesqRaw, W::kLower, abs_tol(0.1), false,
        "P.862 raw score, narrowband, weighted as mos_lqo_nb"),
      scoring_metric("speech_received_ratio", K::kRatio, W::kLower, abs_tol(0.05), true,
                     "seconds the degraded signal carries speech (10 ms levels, in each window's span at its "
                     "delay) over seconds of reference speech, capped at 1 per window, over the narrowband "
                     "windows with at least 1 s of reference speech and the reference speech after them that "
                     "never played out before the recording ended, beyond the last 0.1 s (not received): 0 "
                     "for a dead direction"),
      scoring_metric("unscorable_windows_nb", K::kCount, W::kHigher, abs_tol(0), false,
                     "narrowband scoring windows with at least 1 s of reference speech that could not be "
                     "scored (less than half of that speech time received as speech, or refused by P.862)"),
      wideband(scoring_metric("unscorable_windows_wb", K::kCount, W::kHigher, abs_tol(0), false,
                              "the same for the wideband (P.862.2) windows")),
      // E-model
      m("emodel_mos_cqe", K::kMosCqe, W::kLower, abs_tol(0.1), true,
        "E-model MOS-CQE from R (G.107 Annex B, on R scaled to 0..100), clamped to [1, 4.5]; comparable "
        "across codec bands. Not rated (absent, with a note) above 20 % residual loss, G.107's permitted "
        "range of Ppl, nor when no received audio played"),
      m("emodel_r_nb", K::kR100, W::kLower, abs_tol(2.0), true,
        "E-model rating R, G.107 narrowband scale 0..100 (narrowband Opus)"),
      m("emodel_r_wb", K::kR129, W::kLower, abs_tol(2.0), true,
        "E-model rating R, G.107.1 wideband scale 0..129 (wideband Opus)"),
      m("emodel_r_swb", K::kR148, W::kLower, abs_tol(2.0), true,
        "E-model rating R on the 148-point super-wideband scale (G.107.1 structure, provisional; "
        "super-wideband and fullband Opus)"),
      // delay as heard
      m("mouth_to_ear_mean_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), true,
        "mean delay from capture at the talker to playout at the listener, over the frames that start "
        "with real (decoded or FEC) audio: frames.csv rows with a mouth_to_ear_ms, whatever their type "
        "(an expand or merge frame that starts with decoded audio has one)"),
      m("mouth_to_ear_p95_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), true,
        "95th percentile (nearest rank, the ceil(0.95 n)-th smallest) of the same frames' mouth-to-ear delay"),
      m("mouth_to_ear_max_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), false,
        "largest mouth-to-ear delay"),
      m("jitter_buffer_delay_mean_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), false,
        "mean time decoded audio waited in the jitter buffer after its packet arrived "
        "(jitterBufferDelay / jitterBufferEmittedCount)"),
      m("jitter_buffer_delay_p95_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), true,
        "95th percentile (nearest rank) of the per-frame jitter-buffer delay: how long each frame's first "
        "decoded sample waited after its packet arrived (frames.csv jitter_buffer_delay_ms; a plugin's own "
        "figure for plugin buffers)"),
      m("target_delay_mean_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), false,
        "mean jitter-buffer target delay over emitted decoded samples"),
      // network delay and its variation
      m("network_delay_mean_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), false,
        "mean one-way network delay (send to first arrival) of the packets that arrived"),
      m("network_delay_p95_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), false,
        "95th percentile (nearest rank) of the one-way network delay of the packets that arrived (first copies)"),
      m("pdv_p95_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), false,
        "packet delay variation (RFC 5481 PDV, Y.1540): 95th percentile (nearest rank) of delay minus the smallest "
        "delay, first copies"),
      m("pdv_p99_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), false,
        "99th percentile (nearest rank) of delay minus the smallest delay"),
      m("ipdv_abs_mean_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), false,
        "mean |IPDV| (RFC 3393): delay difference of consecutively sent packets that both arrived (first copies)"),
      m("ipdv_abs_p99_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), false, "99th percentile (nearest rank) of |IPDV|"),
      m("interarrival_jitter_mean_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), false,
        "RFC 3550 interarrival jitter at the receiver, mean of the running estimate over every datagram after "
        "the first, duplicates included as the receiver sees them (the network block's figure of the same name is "
        "over first copies); Wireshark's Mean Jitter on a stream without DTX"),
      m("interarrival_jitter_max_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), false,
        "largest value of the RFC 3550 interarrival jitter estimate (Wireshark's Max Jitter on a stream without DTX)"),
      m("interarrival_jitter_final_ms", K::kMilliseconds, W::kHigher, rel_tol(0.10), false,
        "the RFC 3550 interarrival jitter estimate after the last packet (what an RTCP report would carry)"),
      // loss, counted against what the sender sent
      m("packets_sent", K::kCount, W::kNeither, none, false,
        "RTP packets the sender sent (one codec frame each; DTX pauses send none)"),
      m("packets_received", K::kCount, W::kLower, rel_tol(0.01), false,
        "distinct sent packets that reached the receiver before its playout stopped (duplicates counted once)"),
      m("packets_lost", K::kCount, W::kHigher, abs_tol(5), false, "packets_sent - packets_received"),
      m("packet_loss_ratio", K::kRatio, W::kHigher, abs_tol(0.01), false,
        "packets_lost / packets_sent: network loss, and packets arriving after playout stopped (talk end + 2 s; "
        "cause after_call in packets.csv and lost_by_cause)"),
      m("packets_discarded_late", K::kCount, W::kHigher, abs_tol(5), false,
        "packets that arrived but were discarded: by the jitter buffer (too late, undecodable or flushed) or "
        "before it (not parsable as RTP, or more than 100 sequence numbers behind: RFC 3550's check); packets.csv's "
        "`discarded` column names each (a plugin buffer reports its count only)"),
      m("late_discard_ratio", K::kRatio, W::kHigher, abs_tol(0.01), true,
        "packets_discarded_late / packets_sent"),
      m("packets_duplicated", K::kCount, W::kNeither, none, false, "extra copies of packets that arrived"),
      m("effective_loss_ratio", K::kRatio, W::kHigher, abs_tol(0.01), true,
        "frames not played from their own packet / packets_sent: packets lost, discarded late, or arrived "
        "but never played (still queued when playout ended); at least (packets_lost + "
        "packets_discarded_late) / packets_sent, equal when every packet that arrived in time was played"),
      m("residual_loss_ratio", K::kRatio, W::kHigher, abs_tol(0.01), true,
        "frames neither played from their own packet nor rebuilt by FEC (lost, late or never played) / "
        "frames sent: what the listener hears as concealment; the E-model's Ppl and BurstR come from it "
        "(packets.csv's playout column: the missing rows)"),
      // concealment and time stretching
      m("concealed_samples", K::kCount, W::kHigher, rel_tol(0.10), false,
        "output samples made by packet-loss concealment (concealedSamples)"),
      m("concealed_ratio", K::kRatio, W::kHigher, abs_tol(0.01), true,
        "concealed_samples / samples played out (concealedSamples / totalSamplesReceived; like NetEq's "
        "counter, samples played out count from the first 10 ms pull, the silence before the first packet "
        "included, to the end of the stream the sender sent: a lost or late tail is concealed, nothing "
        "after it)"),
      m("concealment_events", K::kCount, W::kHigher, rel_tol(0.10), false,
        "runs of concealment (concealmentEvents)"),
      m("silent_concealed_samples", K::kCount, W::kNeither, none, false,
        "concealed samples faded to comfort noise (silentConcealedSamples)"),
      m("inserted_samples_for_deceleration", K::kCount, W::kHigher, rel_tol(0.25), false,
        "samples added by time stretching to slow playout down (insertedSamplesForDeceleration)"),
      m("removed_samples_for_acceleration", K::kCount, W::kHigher, rel_tol(0.25), false,
        "samples removed by time stretching to speed playout up (removedSamplesForAcceleration)"),
      m("fec_frames_recovered", K::kCount, W::kNeither, none, false,
        "lost or late frames rebuilt from the next packet's in-band FEC (Opus LBRR)"),
  };
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);  // no "-0.000"
  return s;
}

std::string escape_cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string tolerance_text(const Tolerance& t, MetricKind kind) {
  if (t.empty()) return "-";
  std::string out;
  if (t.absolute) {
    out = fixed(*t.absolute, display_decimals(kind));
    if (kind == MetricKind::kMilliseconds) out += " ms";
  }
  if (t.relative) out += (out.empty() ? "" : " or ") + fixed(100.0 * *t.relative, 0) + "%";
  return out;
}

}  // namespace

const std::vector<MetricInfo>& metric_table() {
  static const std::vector<MetricInfo> table = build();
  return table;
}

const MetricInfo* find_metric(std::string_view name) {
  for (const auto& m : metric_table())
    if (m.name == name) return &m;
  return nullptr;
}

std::string_view unit_label(MetricKind kind) {
  switch (kind) {
    case K::kCount: return "count";
    case K::kRatio: return "ratio";
    case K::kMilliseconds: return "ms";
    case K::kMosLqo: return "MOS-LQO";
    case K::kMosCqe: return "MOS-CQE";
    case K::kPesqRaw: return "P.862 raw";
    case K::kR100: return "R/100";
    case K::kR129: return "R/129";
    case K::kR148: return "R/148";
  }
  return "?";
}

std::string_view unit_description(MetricKind kind) {
  switch (kind) {
    case K::kCount: return "an integer count";
    case K::kRatio: return "a fraction in [0, 1]";
    case K::kMilliseconds: return "milliseconds";
    case K::kMosLqo: return "P.862.1 / P.862.2 MOS-LQO";
    case K::kMosCqe: return "E-model MOS-CQE, 1..4.5";
    case K::kPesqRaw: return "P.862 raw score, -0.5..4.5";
    case K::kR100: return "E-model R, G.107 narrowband scale 0..100";
    case K::kR129: return "E-model R, G.107.1 wideband scale 0..129";
    case K::kR148: return "E-model R, provisional super-wideband scale 0..148";
  }
  return "?";
}

std::string to_string(Worse worse) {
  switch (worse) {
    case W::kLower: return "lower";
    case W::kHigher: return "higher";
    case W::kNeither: return "neither";
  }
  return "?";
}

bool is_rating(MetricKind kind) { return kind == K::kR100 || kind == K::kR129 || kind == K::kR148; }

std::string scale_suffix(std::string_view metric) {
  const MetricInfo* info = find_metric(metric);
  return info && is_rating(info->kind) ? " [" + std::string(unit_label(info->kind)) + "]" : "";
}

std::string name_with_scale(std::string_view metric) { return std::string(metric) + scale_suffix(metric); }

double rating_scale_max(MetricKind kind) {
  return kind == K::kR100 ? 100.0 : kind == K::kR129 ? 129.0 : kind == K::kR148 ? 148.0 : 0.0;
}

int display_decimals(MetricKind kind) {
  switch (kind) {
    case K::kCount: return 0;
    case K::kRatio: return 4;
    case K::kMilliseconds: return 1;
    case K::kMosLqo:
    case K::kMosCqe:
    case K::kPesqRaw: return 3;
    case K::kR100:
    case K::kR129:
    case K::kR148: return 2;
  }
  return 3;
}

int stored_decimals(MetricKind kind) {
  return kind == K::kCount ? 0 : kind == K::kRatio ? 6 : 4;
}

namespace {

// The values a kind can have: [lo, hi], whole numbers only for counts. What value_fits_kind checks
// and kind_allows says come from here, so the two cannot drift apart.
struct KindRange {
  double lo, hi;
  bool whole = false;
};

KindRange kind_range(MetricKind kind) {
  constexpr double kNoBound = std::numeric_limits<double>::infinity();
  switch (kind) {
    case K::kCount:
      return {0, kNoBound, true};
    case K::kRatio:
      return {0, 1};
    case K::kMilliseconds:
      return {0, kNoBound};
    case K::kMosLqo:
      return {1, 4.64};
    case K::kMosCqe:
      return {1, 4.5};
    case K::kPesqRaw:
      return {-0.5, 4.5};
    case K::kR100:
    case K::kR129:
    case K::kR148:
      return {0, rating_scale_max(kind)};
  }
  return {kNoBound, -kNoBound};  // no value fits an unknown kind
}

}  // namespace

bool value_fits_kind(MetricKind kind, double v) {
  const KindRange r = kind_range(kind);
  return std::isfinite(v) && v >= r.lo && v <= r.hi && (!r.whole || v == std::floor(v));
}

std::string kind_allows(MetricKind kind) {
  const KindRange r = kind_range(kind);
  switch (kind) {
    case K::kCount:
      return "a whole number >= 0";
    case K::kRatio:
      return "a fraction in [0, 1]";
    case K::kMilliseconds:
      return ">= 0 ms";
    default:
      break;
  }
  if (!(r.lo <= r.hi)) return "?";
  char text[64];
  std::snprintf(text, sizeof text, "in [%g, %g]", r.lo, r.hi);
  return text;
}

double round_for_storage(std::string_view name, double value) {
  if (!std::isfinite(value)) return value;
  const MetricInfo* info = find_metric(name);
  const double k = std::pow(10.0, info ? stored_decimals(info->kind) : 4);
  const double r = std::round(value * k) / k;
  return r == 0.0 ? 0.0 : r;  // no "-0"
}

std::string format_metric(std::string_view name, double value) {
  if (const MetricInfo* info = find_metric(name)) return fixed(value, display_decimals(info->kind));
  return fixed(value, value == std::floor(value) ? 0 : 3);
}

std::string fixed_apart(double value, double other, int decimals) {
  std::string text = fixed(value, decimals);
  if (value == other) return text;
  for (int d = decimals; d <= 9; ++d) {
    text = fixed(value, d);
    if (text != fixed(other, d)) break;
  }
  return text;
}

std::string format_metric_apart(std::string_view name, double value, double other) {
  const MetricInfo* info = find_metric(name);
  if (!info && value == std::floor(value) && other == std::floor(other)) return fixed(value, 0);
  return fixed_apart(value, other, info ? display_decimals(info->kind) : 3);
}

std::string format_metric_with_unit(std::string_view name, double value) {
  const MetricInfo* info = find_metric(name);
  const std::string v = format_metric(name, value);
  if (!info) return v;
  if (info->kind == K::kMilliseconds) return v + " ms";
  if (is_rating(info->kind)) return v + " (" + std::string(unit_label(info->kind)) + ")";
  return v;
}

bool same_at_display_precision(std::string_view name, double a, double b) {
  return format_metric(name, a) == format_metric(name, b);
}

std::string metric_table_markdown() {
  std::string out =
      "| Metric | Unit | Worse | Default tolerance | Tracked | Meaning |\n"
      "|---|---|---|---|---|---|\n";
  for (const auto& mi : metric_table()) {
    std::string meaning = mi.meaning;
    if (mi.needs_pesq) meaning += " (needs P.862 scoring)";
    out += "| `" + mi.name + "` | " + std::string(unit_label(mi.kind)) + " | " + std::string(to_string(mi.worse)) +
           " | " + tolerance_text(mi.tolerance, mi.kind) + " | " + (mi.tracked ? "yes" : "") + " | " +
           escape_cell(meaning) + " |\n";
  }
  return out;
}

}  // namespace callsim::results
