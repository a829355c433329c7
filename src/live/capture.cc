#include "live/capture.h"

#include "rtp/session_announcement.h"

namespace callsim::live {

SideCapture::SideCapture(std::filesystem::path path, int64_t unix_ns_at_zero, const PayloadTypes* types)
    : path_(std::move(path)),
      epoch_seconds_(unix_ns_at_zero / 1000000000),
      offset_ns_(unix_ns_at_zero % 1000000000),
      types_(types) {}

void SideCapture::open(const rtp::Ipv4UdpConfig& ip) {
  rtp::PcapConfig config;
  config.ip = ip;
  config.epoch_unix_seconds = epoch_seconds_;
  config.announce_session = false;  // announced by write() before the first RTP packet it can map
  writer_ = std::make_unique<rtp::PcapWriter>(path_, config);
}

void SideCapture::write(sim::Timestamp relay_time, const Endpoint& src, const Endpoint& dst,
                        std::span<const uint8_t> data, const Classified& c) {
  rtp::Ipv4UdpConfig ip;
  ip.src_ip = src.bytes();
  ip.dst_ip = dst.bytes();
  ip.src_port = src.port;
  ip.dst_port = dst.port;
  if (!writer_) open(ip);
  const sim::Timestamp at = relay_time + sim::Duration::nanos(offset_ns_);
  // The announcement goes in before the first RTP packet whose payload type has an rtpmap,
  // whatever came before it (an ICE endpoint's first datagram is a STUN request): it used to be
  // written only when the capture's very first datagram was such a packet.
  if (!announced_ && c.cls == PacketClass::kRtp && !c.turn_channel && !types_->rtpmap(c.rtp.payload_type).empty()) {
    rtp::SessionDescription session;
    session.media_ip = ip.dst_ip;
    session.media_port = ip.dst_port;
    session.payload_type = c.rtp.payload_type;
    session.rtpmap = types_->rtpmap(c.rtp.payload_type);
    writer_->write_udp(at, rtp::sap_addressing(session), rtp::sap_announcement(session));
    announced_ = true;
  }
  writer_->write_udp(at, ip, data);
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
