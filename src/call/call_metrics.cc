#include "call/call_metrics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "call/residual_loss.h"
#include "common/error.h"

namespace callsim::call {
namespace {

using jitter::PlayoutFrame;

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return sim::net::percentile_sorted(v, q);
}

double mean(const std::vector<double>& v) {
  if (v.empty()) return 0.0;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// The first copy of each sent packet to arrive, by packet id (a duplicate shares its original's):
// a packet counts as received when any copy arrived, with that copy's delay (sim/net/link_stats.h).
std::map<uint64_t, const sim::net::Delivery*> first_arrivals(const DirectionResult& d) {
  std::map<uint64_t, const sim::net::Delivery*> out;
  for (const auto& p : d.packets) {
    if (!p.delivery.delivered()) continue;
    auto [it, fresh] = out.emplace(p.delivery.id, &p.delivery);
    if (!fresh && p.delivery.arrival < it->second->arrival) it->second = &p.delivery;
  }
  return out;
}

std::vector<double> mouth_to_ear(const DirectionResult& d) {
  std::vector<double> out;
  for (const auto& f : d.frames)
    if (f.mouth_to_ear_ms) out.push_back(*f.mouth_to_ear_ms);
  return out;
}

}  // namespace

std::vector<TimelineBin> build_timeline(const DirectionResult& d, double duration_ms, double bin_ms) {
  // Every send, first arrival and playout frame gets its bin: the bins run to the last of them,
  // not only to the call's length on the receiver's clock (a slow clock plays past it).
  const auto arrivals = first_arrivals(d);
  size_t bins = static_cast<size_t>(std::ceil(duration_ms / bin_ms));
  auto cover = [&](sim::Timestamp t) {  // the bin of t exists
    if (t.to_ms() >= 0) bins = std::max(bins, static_cast<size_t>(t.to_ms() / bin_ms) + 1);
  };
  for (const auto& p : d.packets) cover(p.delivery.sent);
  for (const auto& [id, copy] : arrivals) cover(copy->arrival);
  for (const auto& f : d.frames) cover(f.play_time);
  std::vector<TimelineBin> out(bins);
  for (size_t i = 0; i < bins; ++i) out[i].start_ms = static_cast<double>(i) * bin_ms;
  auto bin_of = [&](sim::Timestamp t) -> TimelineBin* {
    const double ms = t.to_ms();
    if (ms < 0) return nullptr;
    const auto i = static_cast<size_t>(ms / bin_ms);
    return i < bins ? &out[i] : nullptr;
  };
  std::vector<double> delay_sum(bins, 0.0), m2e_sum(bins, 0.0);
  std::vector<int> m2e_n(bins, 0);
  for (const auto& p : d.packets) {
    if (p.delivery.duplicate) continue;
    const auto first = arrivals.find(p.delivery.id);
    if (auto* b = bin_of(p.delivery.sent)) {
      ++b->packets_sent;
      if (first == arrivals.end()) ++b->packets_lost;
    }
    if (first == arrivals.end()) continue;
    if (auto* b = bin_of(first->second->arrival)) {
      ++b->packets_arrived;
      delay_sum[static_cast<size_t>(b - out.data())] += first->second->delay().to_ms();
    }
  }
  for (const auto& f : d.frames) {
    auto* b = bin_of(f.play_time);
    if (!b) continue;
    const size_t i = static_cast<size_t>(b - out.data());
    b->buffer_delay_ms = f.buffer_delay_ms;
    b->target_delay_ms = f.target_delay_ms;
    b->concealed_frames += f.type == PlayoutFrame::kExpand;
    b->stretched_frames += f.type == PlayoutFrame::kAccelerate || f.type == PlayoutFrame::kPreemptiveExpand;
    b->fec_frames += f.type == PlayoutFrame::kFecRecovered;
    if (f.mouth_to_ear_ms) {
      m2e_sum[i] += *f.mouth_to_ear_ms;
      ++m2e_n[i];
    }
  }
  for (size_t i = 0; i < bins; ++i) {
    if (out[i].packets_arrived) out[i].network_delay_ms = delay_sum[i] / out[i].packets_arrived;
    if (m2e_n[i]) out[i].mouth_to_ear_ms = m2e_sum[i] / m2e_n[i];
  }
  return out;
}

void rate_direction(DirectionResult& d, const codec::EncoderConfig& codec) {
  const auto m2e = mouth_to_ear(d);
  if (m2e.empty()) {
    d.notes.push_back("E-model: not rated, no audio from received packets was played (mouth-to-ear delay unmeasured)");
    return;
  }
  quality::CallMeasurements m;
  m.mouth_to_ear_delay_ms = mean(m2e);
  // Ppl and BurstR from the residual loss: frames neither played from their own packet nor
  // rebuilt by FEC (network loss and late discards alike), over the frames sent.
  const ResidualLoss r = residual_loss(frame_fates(d, d.frame_ticks));
  m.packet_loss_pct = r.sent > 0 ? 100.0 * static_cast<double>(r.missing) / static_cast<double>(r.sent) : 0.0;
  if (const std::string why = quality::unrated_loss_reason(m.packet_loss_pct); !why.empty()) {
    d.notes.push_back("E-model: not rated, residual loss " + why +
                      "; there its figures swing with the burst ratio (see residual_loss_ratio and the P.862 scores)");
    return;
  }
  m.burst_ratio = quality::burst_ratio(r.missing_pattern);
  m.bitrate_bps = codec.bitrate_bps;
  m.mode = codec.rate_control == codec::RateControl::kCbr ? quality::OpusRateMode::kCbr : quality::OpusRateMode::kVbr;
  m.max_band = scenario::emodel_max_band(codec);
  d.emodel = quality::rate_call(m);
}

namespace {

// P.862 figures. The call-level MOS exists only when every window with enough reference speech
// was scored (report.complete); the speech received and the unscorable windows are measured
// whenever scoring ran, so a dead direction reads speech_received_ratio 0, not a MOS. The speech
// received counts the reference speech that never played out after the last window
// (`unplayed_speech_s`) as not received: the windows' own ratio (what `callsim score` gives) is over
// the windows only, and read 1.0 for a call whose second half never reached the listener.
void pesq_metrics(const std::optional<scoring::ScoreReport>& r, bool wide, double unplayed_speech_s,
                  std::map<std::string, double>& m) {
  if (!r) return;
  const std::string band = wide ? "wb" : "nb";
  m["unscorable_windows_" + band] = r->unscorable_windows;
  if (!wide && (r->scored_windows > 0 || r->unscorable_windows > 0))
    m["speech_received_ratio"] =
        r->speech_received_ratio * r->counted_speech_s / (r->counted_speech_s + unplayed_speech_s);
  if (!r->complete) return;
  m["mos_lqo_" + band] = r->mos_lqo;
  m["mos_lqo_" + band + "_min_window"] = r->mos_lqo_min_window;
  if (!wide) m["pesq_raw_nb"] = r->raw;
}

void quality_metrics(const DirectionResult& d, std::map<std::string, double>& m) {
  pesq_metrics(d.pesq_nb, false, d.unplayed_reference_speech_s, m);
  pesq_metrics(d.pesq_wb, true, d.unplayed_reference_speech_s, m);
  if (d.emodel) {
    m["emodel_mos_cqe"] = d.emodel->result.mos;
    m[scenario::emodel_r_metric(d.emodel->scale)] = d.emodel->result.r;
  }
}

void delay_metrics(const DirectionResult& d, std::map<std::string, double>& m) {
  const auto m2e = mouth_to_ear(d);
  if (!m2e.empty()) {
    m["mouth_to_ear_mean_ms"] = mean(m2e);
    m["mouth_to_ear_p95_ms"] = percentile(m2e, 0.95);
    m["mouth_to_ear_max_ms"] = *std::max_element(m2e.begin(), m2e.end());
  }
  const auto& j = d.jitter;
  if (j.jitter_buffer_emitted_count > 0) {
    m["jitter_buffer_delay_mean_ms"] = j.mean_delay_ms();
    m["jitter_buffer_delay_p95_ms"] = j.jitter_buffer_delay_p95_ms;
    m["target_delay_mean_ms"] = 1000.0 * j.jitter_buffer_target_delay_s / static_cast<double>(j.jitter_buffer_emitted_count);
  }
  if (d.link.delivered > 0) {
    m["network_delay_mean_ms"] = d.link.delay_mean_ms;
    m["network_delay_p95_ms"] = d.link.delay_p95_ms;
    m["pdv_p95_ms"] = d.link.pdv_p95_ms;
    m["pdv_p99_ms"] = d.link.pdv_p99_ms;
  }
  if (d.link.ipdv_pairs > 0) {
    m["ipdv_abs_mean_ms"] = d.link.ipdv_abs_mean_ms;
    m["ipdv_abs_p99_ms"] = d.link.ipdv_abs_p99_ms;
  }
  if (d.rtp.jitter_updates > 0) {
    m["interarrival_jitter_mean_ms"] = d.rtp.mean_jitter_ms;
    m["interarrival_jitter_max_ms"] = d.rtp.max_jitter_ms;
    m["interarrival_jitter_final_ms"] = d.rtp.jitter_ms;
  }
}

void loss_metrics(const DirectionResult& d, std::map<std::string, double>& m) {
  const Losses l = losses(d);
  m["packets_sent"] = static_cast<double>(l.sent);
  m["packets_received"] = static_cast<double>(l.received);
  m["packets_lost"] = static_cast<double>(l.lost);
  m["packets_discarded_late"] = static_cast<double>(l.late);
  m["packets_duplicated"] = static_cast<double>(l.duplicates);
  m["fec_frames_recovered"] = static_cast<double>(d.jitter.fec_packets_used);
  if (l.sent == 0) return;  // nothing was sent: no ratio of it
  const auto sent = static_cast<double>(l.sent);
  m["packet_loss_ratio"] = static_cast<double>(l.lost) / sent;
  m["late_discard_ratio"] = static_cast<double>(l.late) / sent;
  const std::vector<FrameFate> fates = frame_fates(d, d.frame_ticks);
  const ResidualLoss r = residual_loss(fates);
  // Frames not played from their own packet: lost, discarded late, or arrived and never played
  // (still queued when playout ended: a queue that delays packets past the call's end). The last
  // kind is neither lost nor late, so (lost + late) / sent read 0 on calls whose second half was
  // never heard. A packet the network lost counts whatever the audio spans say, and the figure is
  // never below (lost + late) / sent.
  const auto arrivals = first_arrivals(d);
  int64_t not_played = 0;
  size_t k = 0;
  for (const auto& p : d.packets) {
    if (p.delivery.duplicate) continue;
    // Lost only when no copy arrived: a duplicate that arrived in place of a dropped original is
    // the packet received.
    not_played += !arrivals.contains(p.delivery.id) || (k < fates.size() && fates[k] != FrameFate::kPlayed);
    ++k;
  }
  m["effective_loss_ratio"] = std::min(1.0, static_cast<double>(std::max(not_played, l.lost + l.late)) / sent);
  m["residual_loss_ratio"] = static_cast<double>(r.missing) / static_cast<double>(r.sent);
}

void playout_metrics(const DirectionResult& d, std::map<std::string, double>& m) {
  const auto& j = d.jitter;
  m["concealed_samples"] = static_cast<double>(j.concealed_samples);
  m["concealment_events"] = static_cast<double>(j.concealment_events);
  m["silent_concealed_samples"] = static_cast<double>(j.silent_concealed_samples);
  m["inserted_samples_for_deceleration"] = static_cast<double>(j.inserted_samples_for_deceleration);
  m["removed_samples_for_acceleration"] = static_cast<double>(j.removed_samples_for_acceleration);
  // A stream that never played a decoded sample has no concealment ratio (as getStats has no
  // inbound-rtp object for it): not measured rather than a reassuring 0.
  if (j.jitter_buffer_emitted_count > 0 && j.total_samples_received > 0)
    m["concealed_ratio"] = static_cast<double>(j.concealed_samples) / static_cast<double>(j.total_samples_received);
}

}  // namespace

Losses losses(const DirectionResult& d) {
  Losses l;
  l.sent = d.packets_sent;
  // Distinct sent packets the network delivered (a duplicate counts when its original was lost),
  // from the network's own record: the receiver's RFC 3550 count would take a packet whose header
  // was corrupted on the way for another packet.
  std::set<uint64_t> delivered;
  int64_t copies = 0;
  for (const auto& p : d.packets) {
    if (!p.delivery.delivered()) continue;
    delivered.insert(p.delivery.id);
    ++copies;
  }
  l.received = static_cast<int64_t>(delivered.size());
  l.duplicates = copies - l.received;
  l.lost = l.sent - l.received;
  // Discarded by the jitter buffer, or before it (not RTP, or RFC 3550's sequence check: a packet
  // 167 behind was counted as received yet neither played nor discarded).
  l.late = static_cast<int64_t>(d.jitter.packets_discarded) + d.discarded_on_arrival;
  return l;
}

void collect_metrics(DirectionResult& d) {
  quality_metrics(d, d.metrics);
  delay_metrics(d, d.metrics);
  loss_metrics(d, d.metrics);
  playout_metrics(d, d.metrics);
}

}  // namespace callsim::call
