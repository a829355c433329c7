// A pcap of one side of one relayed direction (rtp::PcapWriter: IPv4/UDP with correct checksums,
// nanosecond timestamps): "in" holds the datagrams as the relay received them from the sender
// (source = the sender, destination = the relay's port), "out" those it released towards the
// receiver (source = the relay's port, destination = the receiver). Timestamps are the wall-clock
// times the relay read (received) or sent (released) them. The writer opens at the first packet;
// just before the first RTP packet (not in TURN ChannelData) whose payload type has a known
// rtpmap, whatever datagrams came before it, a SAP/SDP announcement of it is written with that
// packet's time, so Wireshark decodes a dynamic payload type and computes jitter with the right
// clock. (After a STUN request on the same addresses Wireshark keeps that conversation as STUN:
// its RTP heuristic, `-o rtp.heuristic_rtp:TRUE`, then finds the stream and the announced clock.)
// The file is
// renamed into place by commit() (an empty capture when nothing was seen).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "live/endpoint.h"
#include "live/packet_class.h"
#include "live/stream_stats.h"
#include "rtp/pcap_writer.h"
#include "sim/time.h"

namespace callsim::live {

class SideCapture {
 public:
  SideCapture(std::filesystem::path path, int64_t unix_ns_at_zero, const PayloadTypes* types);
  // `relay_time`: ns since the relay started.
  void write(sim::Timestamp relay_time, const Endpoint& src, const Endpoint& dst, std::span<const uint8_t> data,
             const Classified& c);
  void commit();
  int64_t packets() const { return writer_ ? writer_->packets() : 0; }

 private:
  void open(const rtp::Ipv4UdpConfig& ip);

  std::filesystem::path path_;
  int64_t epoch_seconds_, offset_ns_;
  const PayloadTypes* types_;
  std::unique_ptr<rtp::PcapWriter> writer_;
  bool announced_ = false;  // the SAP/SDP announcement has been written
};

}  // namespace callsim::live
