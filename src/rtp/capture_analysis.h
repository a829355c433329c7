// What Wireshark's RTP stream analysis reports for one stream (tshark -q -z rtp,streams and
// Telephony > RTP > Stream Analysis, checked against tshark 4.0), recomputed from the packets as
// they arrive, so the figures of a simulated call can be compared with its pcap. It differs from
// the RFC 3550 statistics in receive_statistics.h on purpose:
//  - lost = (last arrived sequence + wraps * 65536) - first arrived sequence + 1 - packets, so a
//    late final packet or one older than the first changes it;
//  - the jitter estimate is A.8's, in ms, but packets whose timestamp precedes the first packet's
//    are left out of it;
//  - min/mean/max of jitter and of the arrival delta (time since the previous in-sequence packet)
//    cover only "regular" packets: not the first, not marker-bit ones, not those older timestamps;
//  - the means are Wireshark's running form mean = (mean * (n - 1) + x) / n, n = packets before
//    this one of any kind, so they are not plain averages when irregular packets occur.
// RTP timestamp wrap-around (once per 24.9 h at 48 kHz) is handled by unwrapping, which Wireshark
// versions do differently. Units: ms, arrival times as virtual time.
#pragma once

#include <cstdint>

#include "sim/time.h"

namespace callsim::rtp {

struct CaptureFigures {
  int64_t packets = 0;
  int64_t expected = 0;
  int64_t lost = 0;
  double min_delta_ms = -1, mean_delta_ms = 0, max_delta_ms = 0;     // -1: no regular packet yet
  double min_jitter_ms = -1, mean_jitter_ms = 0, max_jitter_ms = 0;  // likewise
  double jitter_ms = 0;                                              // the current estimate
};

class CaptureAnalysis {
 public:
  explicit CaptureAnalysis(int clock_rate_hz = 48000);  // throws std::invalid_argument if < 1000

  void on_packet(uint16_t sequence, uint32_t rtp_timestamp, bool marker, sim::Timestamp arrival);
  const CaptureFigures& figures() const { return figures_; }

 private:
  void first_packet(uint16_t sequence, uint32_t rtp_timestamp, double now_ms);
  void count_cycles(uint16_t sequence, bool in_time_sequence);
  void update_regular(double delta_ms);

  double ticks_per_ms_ = 48;
  bool started_ = false;
  uint16_t start_seq_ = 0, stop_seq_ = 0;
  int64_t cycles_ = 0;
  bool under_ = false;
  uint32_t last_timestamp_ = 0;
  int64_t unwrapped_timestamp_ = 0;  // of the last packet, first packet = 0
  double last_time_ms_ = 0;          // arrival of the last in-sequence packet
  double last_nominal_ms_ = 0;       // its timestamp, relative to the first, in ms
  double delta_ms_ = 0;
  CaptureFigures figures_;
};

}  // namespace callsim::rtp
