// Statistics of one side of one relayed direction: what the relay received from the sender
// ("in") or what it released towards the receiver ("out"). Plain counts (datagrams, bytes) by
// packet class for everything; for RTP, per SSRC (up to kMaxStreams per side), RFC 3550 figures
// (A.1 validation with probation 2, A.3 loss = expected - received, A.8 interarrival jitter with the
// payload type's clock: current, mean over packets and maximum, in ms), sequence gaps (in-order
// arrivals that skip numbers: count, packets skipped, longest), reordered and duplicate packets,
// and the figures Wireshark's `tshark -z rtp,streams` prints for the same packets
// (rtp::CaptureAnalysis), so a pcap of this side reads with the same numbers. Jitter needs the RTP
// clock rate: without one (a dynamic payload type not given with --rtpmap) it is reported as null.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/packet_class.h"
#include "rtp/capture_analysis.h"
#include "rtp/receive_statistics.h"
#include "sim/time.h"

namespace callsim::live {

// RTP payload type -> clock rate and rtpmap ("opus/48000/2"), the static ones of RFC 3551 built in.
class PayloadTypes {
 public:
  PayloadTypes();
  // "PT=ENCODING/RATE[/CHANNELS]", PT 0..127; throws InputError naming `option`.
  void add(const std::string& spec, const std::string& option);
  int clock_rate_hz(uint8_t pt) const { return pt < 128 ? rate_[pt] : 0; }  // 0 = unknown
  const std::string& rtpmap(uint8_t pt) const { return map_[pt & 127]; }

 private:
  std::array<int, 128> rate_{};
  std::array<std::string, 128> map_;
};

class RtpStreamStats {
 public:
  RtpStreamStats(uint32_t ssrc, uint8_t payload_type, int clock_rate_hz);
  void on_packet(const RtpFields& rtp, sim::Timestamp t);
  nlohmann::json to_json() const;
  uint32_t ssrc() const { return ssrc_; }
  rtp::ReceiveCounts counts() const { return rfc_.counts(); }
  const rtp::CaptureFigures& wireshark() const { return wireshark_.figures(); }

 private:
  uint32_t ssrc_;
  uint8_t payload_type_;
  int clock_rate_hz_;  // 0 = unknown (jitter not reported)
  rtp::ReceiveStatistics rfc_;
  rtp::CaptureAnalysis wireshark_;
  int64_t highest_ = -1;  // highest extended sequence counted
  int64_t gaps_ = 0, gap_packets_ = 0, max_gap_ = 0;
  double jitter_sum_ms_ = 0;
  int64_t jitter_samples_ = 0, counted_ = 0;
};

class SideStats {
 public:
  static constexpr size_t kMaxStreams = 16;
  explicit SideStats(const PayloadTypes* types) : types_(types) {}

  void on_packet(sim::Timestamp t, size_t size, const Classified& c);
  nlohmann::json to_json() const;
  uint64_t packets() const { return total_packets_; }
  uint64_t bytes() const { return total_bytes_; }
  const std::vector<std::unique_ptr<RtpStreamStats>>& streams() const { return streams_; }

 private:
  const PayloadTypes* types_;
  uint64_t total_packets_ = 0, total_bytes_ = 0, turn_channel_ = 0, untracked_rtp_ = 0;
  std::array<uint64_t, kPacketClassCount> packets_{}, bytes_{};
  std::vector<std::unique_ptr<RtpStreamStats>> streams_;
};

}  // namespace callsim::live
