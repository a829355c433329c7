// Statistics of one side of one relayed direction: what the relay received from the sender
// ("in") or what it released towards the receiver ("out"). Plain counts (datagrams, bytes) by
// packet class for everything; for RTP, per SSRC (up to kMaxStreams per side), RFC 3550 figures
// (A.1 validation with probation 2, A.3 loss = expected - received, A.8 interarrival jitter with the
// payload type's clock: current, mean over updates and maximum, in ms), sequence gaps (in-order
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

// One SSRC. After an A.1 re-synchronisation (a forward or backward jump of more than 3000
// sequence numbers followed by a packet in sequence: a sender that restarted its numbering, or an
// outage that ate more than 3000 packets) the segments' received and expected are summed, as
// duplicates, reordered and gaps are; the jump itself is in no segment: the sequence numbers it
// skipped (forward distance modulo 2^16) are `resync_skipped_sequence_numbers`, not in
// `expected` or `lost`, and the packet that began the new run is `ignored`. Until A.1 validates the source (2 packets in sequence) nothing of A.1
// or A.3 is measured: those figures are null, and `packets` says how many datagrams there were.
// The jitter estimate runs on the clock of the current payload type; when the source switches to
// a payload type with another clock rate (RFC 3550 5.1: timestamps of different clocks cannot be
// compared) the estimate starts over on the new clock, its maximum and mean keep what came before
// (all in ms), `payload_types` lists every type seen and `jitter_restarts` counts the switches.
class RtpStreamStats {
 public:
  RtpStreamStats(uint32_t ssrc, uint8_t payload_type, const PayloadTypes* types);
  void on_packet(const RtpFields& rtp, sim::Timestamp t);
  nlohmann::json to_json() const;
  uint32_t ssrc() const { return ssrc_; }
  bool validated() const { return rfc_.validated(); }
  int64_t packets() const { return packets_; }
  // The A.1/A.3 counts over the whole stream (every segment), and the jitter figures.
  rtp::ReceiveCounts counts() const;
  const rtp::CaptureFigures& wireshark() const { return wireshark_.figures(); }

 private:
  uint32_t ssrc_;
  const PayloadTypes* types_;
  uint8_t payload_type_;  // the latest packet's
  std::vector<uint8_t> payload_types_;  // every type seen, in order of first appearance
  int clock_rate_hz_;  // of the current jitter estimate; 0 = unknown (jitter not reported)
  int first_clock_rate_hz_;  // the Wireshark figures' clock (they are not restarted)
  bool unknown_clock_ = false;  // a packet came on a clock not known (then no mean or max jitter)
  int64_t packets_ = 0, jitter_restarts_ = 0;
  rtp::ReceiveStatistics rfc_;
  rtp::CaptureAnalysis wireshark_;
  int64_t prior_received_ = 0, prior_expected_ = 0;  // segments before the last A.1 restart
  int64_t highest_ = -1;  // highest extended sequence counted
  int64_t gaps_ = 0, gap_packets_ = 0, max_gap_ = 0;
  int64_t resync_skipped_ = 0;  // sequence numbers skipped by A.1 re-synchronised jumps
};

// Up to kMaxStreams SSRCs are tracked per side. A slot is kept for good only by a source A.1 has
// validated (two packets in sequence): when every slot is taken and a new SSRC arrives, the
// not-validated entry that has waited longest since its last packet gives its slot up (stray
// RTP-looking datagrams with random SSRCs, one packet each, would otherwise hold every slot and
// leave the real stream without figures). Its packets are counted in
// `rtp_unvalidated_evicted_packets` (its SSRCs in `rtp_unvalidated_evicted_ssrcs`); only when all
// slots hold validated streams is a new SSRC's packet counted in `rtp_untracked_packets`. So the
// RTP class's packets = the streams' `packets` + evicted + untracked.
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
  uint64_t evicted_packets_ = 0, evicted_ssrcs_ = 0;
  std::array<uint64_t, kPacketClassCount> packets_{}, bytes_{};
  std::vector<std::unique_ptr<RtpStreamStats>> streams_;
  std::vector<uint64_t> last_packet_;  // per stream: total_packets_ at its latest packet
};

}  // namespace callsim::live
