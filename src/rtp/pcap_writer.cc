#include "rtp/pcap_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/error.h"

namespace callsim::rtp {
namespace {

// The classic pcap file format (the one libpcap's pcap_dump writes and every capture tool
// reads): a 24-byte file header, then per packet a 16-byte record header and the frame. All
// fields little-endian; the magic number 0xa1b23c4d marks nanosecond timestamps. Written here
// directly rather than through libpcap, whose shared library pulls about ten more libraries
// (dbus, systemd, gcrypt...) into the start-up of every callsim command, `score` included.
// The tests read these files back with libpcap and tshark.
constexpr uint32_t kMagicNanoseconds = 0xa1b23c4d;
constexpr uint16_t kVersionMajor = 2, kVersionMinor = 4;
constexpr uint32_t kSnapLength = 65535;
constexpr uint32_t kLinkTypeEthernet = 1;  // LINKTYPE_ETHERNET
constexpr uint32_t kLinkTypeRaw = 101;     // LINKTYPE_RAW: the packet starts with the IPv4 header
constexpr int64_t kNanosPerSecond = 1000000000;
// Locally administered MAC addresses for the Ethernet framing.
constexpr uint8_t kEthernetHeader[14] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00};

void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}

void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

}  // namespace

struct PcapWriter::File {
  std::FILE* f = nullptr;
  ~File() {
    if (f) std::fclose(f);
  }
};

PcapWriter::PcapWriter(std::filesystem::path path, PcapConfig config)
    : config_(config),
      output_(std::move(path)),
      file_(std::make_unique<File>()),
      identification_(config.first_identification) {
  file_->f = std::fopen(output_.temp_path().c_str(), "wb");
  if (!file_->f) throw OutputError(output_.target().string(), std::strerror(errno));
  std::vector<uint8_t> header;
  put32(header, kMagicNanoseconds);
  put16(header, kVersionMajor);
  put16(header, kVersionMinor);
  put32(header, 0);  // time zone offset (always 0)
  put32(header, 0);  // timestamp accuracy (always 0)
  put32(header, kSnapLength);
  put32(header, config_.link == LinkType::kEthernet ? kLinkTypeEthernet : kLinkTypeRaw);
  std::fwrite(header.data(), 1, header.size(), file_->f);
  if (config_.announce_session) {
    SessionDescription session;
    session.media_ip = config_.ip.dst_ip;
    session.media_port = config_.ip.dst_port;
    session.payload_type = config_.payload_type;
    session.rtpmap = config_.rtpmap;
    write_udp(sim::Timestamp::zero(), sap_addressing(session), sap_announcement(session));
  }
}

PcapWriter::~PcapWriter() = default;

void PcapWriter::write(sim::Timestamp arrival, std::span<const uint8_t> udp_payload) {
  write_udp(arrival, config_.ip, udp_payload);
}

void PcapWriter::write_udp(sim::Timestamp arrival, const Ipv4UdpConfig& ip_config,
                           std::span<const uint8_t> udp_payload) {
  if (arrival.ns() < 0) throw std::invalid_argument("pcap: negative arrival time");
  if (!file_->f) throw std::logic_error("pcap: write after commit");
  const std::vector<uint8_t> ip = build_ipv4_udp(ip_config, identification_++, udp_payload);
  const size_t link_bytes = config_.link == LinkType::kEthernet ? sizeof kEthernetHeader : 0;
  const size_t frame_bytes = link_bytes + ip.size();
  std::vector<uint8_t> record;
  record.reserve(16 + frame_bytes);
  put32(record, static_cast<uint32_t>(config_.epoch_unix_seconds + arrival.ns() / kNanosPerSecond));
  put32(record, static_cast<uint32_t>(arrival.ns() % kNanosPerSecond));
  put32(record, static_cast<uint32_t>(frame_bytes));  // captured length
  put32(record, static_cast<uint32_t>(frame_bytes));  // length on the wire
  record.insert(record.end(), kEthernetHeader, kEthernetHeader + link_bytes);
  record.insert(record.end(), ip.begin(), ip.end());
  std::fwrite(record.data(), 1, record.size(), file_->f);
  ++packets_;
}

void PcapWriter::commit() {
  if (!file_->f) throw std::logic_error("pcap: committed twice");
  const bool failed = std::fflush(file_->f) != 0 || std::ferror(file_->f);
  const bool close_failed = std::fclose(file_->f) != 0;
  file_->f = nullptr;
  if (failed || close_failed) throw OutputError(output_.target().string(), "cannot write (disk full?)");
  output_.commit();
}

}  // namespace callsim::rtp
