#include "rtp/pcap_writer.h"

#include <pcap/pcap.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/error.h"

namespace callsim::rtp {
namespace {

constexpr int kSnapLength = 65535;
constexpr int64_t kNanosPerSecond = 1000000000;
// Locally administered MAC addresses for the Ethernet framing.
constexpr uint8_t kEthernetHeader[14] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00};

}  // namespace

struct PcapWriter::Handles {
  pcap_t* pcap = nullptr;
  pcap_dumper_t* dumper = nullptr;
  ~Handles() {
    if (dumper) pcap_dump_close(dumper);
    if (pcap) pcap_close(pcap);
  }
};

PcapWriter::PcapWriter(std::filesystem::path path, PcapConfig config)
    : config_(config),
      output_(std::move(path)),
      handles_(std::make_unique<Handles>()),
      identification_(config.first_identification) {
  const int dlt = config_.link == LinkType::kEthernet ? DLT_EN10MB : DLT_RAW;
  handles_->pcap = pcap_open_dead_with_tstamp_precision(dlt, kSnapLength, PCAP_TSTAMP_PRECISION_NANO);
  if (!handles_->pcap) throw std::runtime_error("pcap: cannot create a capture handle");
  handles_->dumper = pcap_dump_open(handles_->pcap, output_.temp_path().c_str());
  if (!handles_->dumper) throw OutputError(output_.target().string(), pcap_geterr(handles_->pcap));
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
  if (!handles_->dumper) throw std::logic_error("pcap: write after commit");
  std::vector<uint8_t> frame;
  if (config_.link == LinkType::kEthernet)
    frame.assign(std::begin(kEthernetHeader), std::end(kEthernetHeader));
  const std::vector<uint8_t> ip = build_ipv4_udp(ip_config, identification_++, udp_payload);
  frame.insert(frame.end(), ip.begin(), ip.end());
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<time_t>(config_.epoch_unix_seconds + arrival.ns() / kNanosPerSecond);
  header.ts.tv_usec = static_cast<suseconds_t>(arrival.ns() % kNanosPerSecond);  // nanoseconds in this file
  header.caplen = header.len = static_cast<bpf_u_int32>(frame.size());
  pcap_dump(reinterpret_cast<u_char*>(handles_->dumper), &header, frame.data());
  ++packets_;
}

void PcapWriter::commit() {
  if (!handles_->dumper) throw std::logic_error("pcap: committed twice");
  const bool failed = pcap_dump_flush(handles_->dumper) != 0 || std::ferror(pcap_dump_file(handles_->dumper));
  pcap_dump_close(handles_->dumper);
  handles_->dumper = nullptr;
  if (failed) throw OutputError(output_.target().string(), "cannot write (disk full?)");
  output_.commit();
}

}  // namespace callsim::rtp
