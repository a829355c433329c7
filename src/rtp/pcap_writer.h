// Writes what a receiver saw to a pcap file (the classic libpcap format with nanosecond
// timestamps, written directly: no libpcap at run time, see pcap_writer.cc): each RTP packet
// wrapped in IPv4 + UDP (optionally Ethernet), stamped with its arrival time = virtual time +
// a fixed epoch, so Wireshark shows a sane, reproducible date. By default the file starts with a
// SAP/SDP announcement at virtual time 0 mapping the payload type to opus/48000/2, so Wireshark
// decodes the stream and its RTP analysis uses the right clock without any options. The file
// appears atomically at commit(); an uncommitted writer leaves nothing behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "common/atomic_file.h"
#include "rtp/ip_udp.h"
#include "rtp/session_announcement.h"
#include "sim/time.h"

namespace callsim::rtp {

// 2026-01-01T00:00:00Z in Unix seconds: virtual time 0 in every capture.
constexpr int64_t kDefaultPcapEpochUnixSeconds = 1767225600;

enum class LinkType { kRawIpv4, kEthernet };

struct PcapConfig {
  LinkType link = LinkType::kRawIpv4;
  Ipv4UdpConfig ip;
  uint16_t first_identification = 1;  // IPv4 identification of the first packet, then +1 each
  int64_t epoch_unix_seconds = kDefaultPcapEpochUnixSeconds;
  bool announce_session = true;  // first packet: SAP/SDP for ip.dst_ip:ip.dst_port
  uint8_t payload_type = 111;    // for the announcement
  std::string rtpmap = "opus/48000/2";
};

class PcapWriter {
 public:
  // Throws OutputError (a std::runtime_error) when the temporary file cannot be created.
  explicit PcapWriter(std::filesystem::path path, PcapConfig config = {});
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // One received RTP packet (the UDP payload). Call in arrival order. Throws
  // std::invalid_argument for a negative arrival time or an oversized packet.
  void write(sim::Timestamp arrival, std::span<const uint8_t> udp_payload);
  // Any other UDP datagram (e.g. a session announcement), with its own addresses and ports.
  void write_udp(sim::Timestamp arrival, const Ipv4UdpConfig& ip, std::span<const uint8_t> udp_payload);
  // Flushes, closes and renames the file into place. Throws std::runtime_error on I/O errors.
  void commit();

  int64_t packets() const { return packets_; }

 private:
  struct File;  // the open temporary file
  PcapConfig config_;
  AtomicOutput output_;
  std::unique_ptr<File> file_;
  uint16_t identification_ = 0;
  int64_t packets_ = 0;
};

}  // namespace callsim::rtp
