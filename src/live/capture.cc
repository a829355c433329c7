#include "live/capture.h"

namespace callsim::live {

SideCapture::SideCapture(std::filesystem::path path, int64_t unix_ns_at_zero, const PayloadTypes* types)
    : path_(std::move(path)),
      epoch_seconds_(unix_ns_at_zero / 1000000000),
      offset_ns_(unix_ns_at_zero % 1000000000),
      types_(types) {}

void SideCapture::open(const rtp::Ipv4UdpConfig& ip, const Classified& c) {
  rtp::PcapConfig config;
  config.ip = ip;
  config.epoch_unix_seconds = epoch_seconds_;
  config.announce_session = c.cls == PacketClass::kRtp && !c.turn_channel && !types_->rtpmap(c.rtp.payload_type).empty();
  if (config.announce_session) {
    config.payload_type = c.rtp.payload_type;
    config.rtpmap = types_->rtpmap(c.rtp.payload_type);
  }
  writer_ = std::make_unique<rtp::PcapWriter>(path_, config);
}

void SideCapture::write(sim::Timestamp relay_time, const Endpoint& src, const Endpoint& dst,
                        std::span<const uint8_t> data, const Classified& c) {
  rtp::Ipv4UdpConfig ip;
  ip.src_ip = src.bytes();
  ip.dst_ip = dst.bytes();
  ip.src_port = src.port;
  ip.dst_port = dst.port;
  if (!writer_) open(ip, c);
  writer_->write_udp(relay_time + sim::Duration::nanos(offset_ns_), ip, data);
}

void SideCapture::commit() {
  if (!writer_) {
    rtp::PcapConfig config;
    config.announce_session = false;
    config.epoch_unix_seconds = epoch_seconds_;
    writer_ = std::make_unique<rtp::PcapWriter>(path_, config);
  }
  writer_->commit();
}

}  // namespace callsim::live
