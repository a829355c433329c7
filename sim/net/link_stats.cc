#include "sim/net/link_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

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
  s.mean_burst_length = bursts ? static_cast<double>(lost_total) / static_cast<double>(bursts) : 0.0;
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
  s.loss_rate = s.sent ? static_cast<double>(s.lost) / static_cast<double>(s.sent) : 0.0;
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
  s.jitter_ms = jitter;
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

std::string format_stats(const LinkStats& s) {
  char buf[1024];
  std::string out;
  std::snprintf(buf, sizeof buf, "sent %llu  delivered %llu  lost %llu (%.3f%%)\n",
                static_cast<unsigned long long>(s.sent), static_cast<unsigned long long>(s.delivered),
                static_cast<unsigned long long>(s.lost), 100.0 * s.loss_rate);
  out += buf;
  out += "lost by cause:";
  for (size_t c = 1; c < kDropCauseCount; ++c)
    out += std::string(" ") + to_string(static_cast<DropCause>(c)) + " " + std::to_string(s.lost_by_cause[c]);
  std::snprintf(buf, sizeof buf,
                "\nduplicated %llu  corrupted delivered %llu  reordered %llu\n"
                "delay ms: mean %.3f  p50 %.3f  p95 %.3f  p99 %.3f  min %.3f  max %.3f\n"
                "PDV (delay - min) p95 %.3f  p99 %.3f ms  |IPDV| mean %.3f  p99 %.3f ms\n"
                "jitter (RFC 3550, final) %.3f ms  mean loss burst %.3f packets\n"
                "queue max: %lld packets, %lld bytes, sojourn %.3f ms\n",
                static_cast<unsigned long long>(s.duplicated),
                static_cast<unsigned long long>(s.corrupted_delivered),
                static_cast<unsigned long long>(s.reordered), s.delay_mean_ms, s.delay_p50_ms, s.delay_p95_ms,
                s.delay_p99_ms, s.delay_min_ms, s.delay_max_ms, s.pdv_p95_ms, s.pdv_p99_ms, s.ipdv_abs_mean_ms,
                s.ipdv_abs_p99_ms, s.jitter_ms, s.mean_burst_length,
                static_cast<long long>(s.queue.max_packets), static_cast<long long>(s.queue.max_bytes),
                s.queue.max_sojourn.to_ms());
  out += buf;
  out += "loss bursts (length:count):";
  for (size_t k = 1; k < s.burst_histogram.size(); ++k)
    if (s.burst_histogram[k]) out += " " + std::to_string(k) + ":" + std::to_string(s.burst_histogram[k]);
  out += "\n";
  return out;
}

}  // namespace callsim::sim::net
