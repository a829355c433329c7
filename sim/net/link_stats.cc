#include "sim/net/link_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>

namespace callsim::sim::net {

double percentile_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  const auto n = static_cast<double>(sorted.size());
  const auto rank = static_cast<size_t>(std::max(1.0, std::ceil(q * n)));
  return sorted[std::min(rank, sorted.size()) - 1];
}

void LinkStatsCollector::add(const Delivery& d) {
  if (!d.duplicate) {
    packets_.push_back({d.sent, d.delivered() ? d.arrival : Timestamp::infinite(), d.cause});
  } else {
    ++duplicated_;
    if (d.delivered()) {
      ++duplicates_delivered_;
      if (!packets_.empty()) packets_.back().arrival = std::min(packets_.back().arrival, d.arrival);
    }
  }
  if (d.delivered() && d.corrupted) ++corrupted_;
}

namespace {

void delay_figures(const std::vector<double>& delays_ms, LinkStats& s) {
  if (delays_ms.empty()) return;
  std::vector<double> sorted = delays_ms;
  std::sort(sorted.begin(), sorted.end());
  s.delay_mean_ms = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
  s.delay_p50_ms = percentile_sorted(sorted, 0.50);
  s.delay_p95_ms = percentile_sorted(sorted, 0.95);
  s.delay_p99_ms = percentile_sorted(sorted, 0.99);
  s.delay_min_ms = sorted.front();
  s.delay_max_ms = sorted.back();
  // PDV: the same order statistics shifted by the minimum.
  s.pdv_p95_ms = s.delay_p95_ms - s.delay_min_ms;
  s.pdv_p99_ms = s.delay_p99_ms - s.delay_min_ms;
}

// RFC 3393 IPDV over consecutive packets in send order that both arrived (first copies).
template <typename Packets>
void ipdv_figures(const Packets& packets, LinkStats& s) {
  std::vector<double> abs_ipdv;
  for (size_t i = 1; i < packets.size(); ++i) {
    const auto& a = packets[i - 1];
    const auto& b = packets[i];
    if (a.arrival.is_infinite() || b.arrival.is_infinite()) continue;
    abs_ipdv.push_back(std::abs(((b.arrival - b.sent) - (a.arrival - a.sent)).to_ms()));
  }
  s.ipdv_pairs = abs_ipdv.size();
  if (abs_ipdv.empty()) return;
  s.ipdv_abs_mean_ms = std::accumulate(abs_ipdv.begin(), abs_ipdv.end(), 0.0) / static_cast<double>(abs_ipdv.size());
  std::sort(abs_ipdv.begin(), abs_ipdv.end());
  s.ipdv_abs_p99_ms = percentile_sorted(abs_ipdv, 0.99);
}

void burst_figures(const std::vector<bool>& lost, LinkStats& s) {
  s.burst_histogram.assign(1, 0);
  uint64_t run = 0, bursts = 0, lost_total = 0;
  auto close_run = [&] {
    if (run == 0) return;
    if (s.burst_histogram.size() <= run) s.burst_histogram.resize(run + 1, 0);
    ++s.burst_histogram[run];
    ++bursts;
    lost_total += run;
    run = 0;
  };
  for (bool l : lost) {
    if (l) {
      ++run;
    } else {
      close_run();
    }
  }
  close_run();
  if (bursts) s.mean_burst_length = static_cast<double>(lost_total) / static_cast<double>(bursts);
}

}  // namespace

LinkStats LinkStatsCollector::finish() const {
  LinkStats s;
  s.sent = packets_.size();
  s.duplicated = duplicated_;
  s.duplicates_delivered = duplicates_delivered_;
  s.corrupted_delivered = corrupted_;
  std::vector<bool> lost(packets_.size());
  std::vector<size_t> arrived;  // indices of delivered packets
  for (size_t i = 0; i < packets_.size(); ++i) {
    const Packet& p = packets_[i];
    lost[i] = p.arrival.is_infinite();
    if (lost[i]) {
      ++s.lost;
      ++s.lost_by_cause[static_cast<size_t>(p.cause)];
    } else {
      arrived.push_back(i);
    }
  }
  s.delivered = arrived.size();
  if (s.sent) s.loss_rate = static_cast<double>(s.lost) / static_cast<double>(s.sent);
  // Arrival order; ties keep send order.
  std::stable_sort(arrived.begin(), arrived.end(),
                   [&](size_t a, size_t b) { return packets_[a].arrival < packets_[b].arrival; });
  std::vector<double> delays_ms;
  delays_ms.reserve(arrived.size());
  size_t highest = 0;
  double jitter = 0.0;
  for (size_t k = 0; k < arrived.size(); ++k) {
    const Packet& p = packets_[arrived[k]];
    delays_ms.push_back((p.arrival - p.sent).to_ms());
    if (k > 0) {
      if (arrived[k] < highest) ++s.reordered;
      const Packet& prev = packets_[arrived[k - 1]];
      const double d = ((p.arrival - prev.arrival) - (p.sent - prev.sent)).to_ms();
      jitter += (std::abs(d) - jitter) / 16.0;
    }
    highest = std::max(highest, arrived[k]);
  }
  // RFC 3550's estimate needs a pair of arrivals; after one packet it is its initial 0, not a
  // measurement (the RTP figures and the metric say "not measured" there too).
  if (arrived.size() >= 2) s.jitter_ms = jitter;
  delay_figures(delays_ms, s);
  ipdv_figures(packets_, s);
  burst_figures(lost, s);
  return s;
}

LinkStats LinkStatsCollector::finish(const Link& link) const {
  LinkStats s = finish();
  s.queue = link.queue_stats();
  s.cross_traffic = link.cross_traffic_stats();
  return s;
}

namespace {

// A figure with three decimals, or "n/a" when it was not measured.
std::string fig(double v, double scale = 1.0) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", scale * v);
  return buf;
}

}  // namespace

std::string format_stats(const LinkStats& s) {
  const auto n = [](uint64_t v) { return std::to_string(v); };
  std::string out = "sent " + n(s.sent) + "  delivered " + n(s.delivered) + "  lost " + n(s.lost) + " (" +
                    fig(s.loss_rate, 100.0) + "%)\n";
  out += "lost by cause:";
  for (size_t c = 1; c < kDropCauseCount; ++c)
    out += std::string(" ") + to_string(static_cast<DropCause>(c)) + " " + std::to_string(s.lost_by_cause[c]);
  out += "\nduplicated " + n(s.duplicated) + "  corrupted delivered " + n(s.corrupted_delivered) + "  reordered " +
         n(s.reordered) + "\n";
  out += "delay ms: mean " + fig(s.delay_mean_ms) + "  p50 " + fig(s.delay_p50_ms) + "  p95 " + fig(s.delay_p95_ms) +
         "  p99 " + fig(s.delay_p99_ms) + "  min " + fig(s.delay_min_ms) + "  max " + fig(s.delay_max_ms) + "\n";
  out += "PDV (delay - min) p95 " + fig(s.pdv_p95_ms) + "  p99 " + fig(s.pdv_p99_ms) + " ms  |IPDV| mean " +
         fig(s.ipdv_abs_mean_ms) + "  p99 " + fig(s.ipdv_abs_p99_ms) + " ms\n";
  out += "jitter (RFC 3550, final) " + fig(s.jitter_ms) + " ms  mean loss burst " + fig(s.mean_burst_length) +
         " packets\n";
  out += "queue max: " + std::to_string(s.queue.max_packets) + " packets, " + std::to_string(s.queue.max_bytes) +
         " bytes, sojourn " +
         fig(s.queue.max_sojourn.to_ms()) + " ms\n";
  out += "loss bursts (length:count):";
  for (size_t k = 1; k < s.burst_histogram.size(); ++k)
    if (s.burst_histogram[k]) out += " " + std::to_string(k) + ":" + std::to_string(s.burst_histogram[k]);
  out += "\n";
  return out;
}

}  // namespace callsim::sim::net
