#include "rtp/depacketizer.h"

#include <cstdio>
#include <string>

namespace callsim::rtp {
namespace {

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

}  // namespace

Depacketizer::Depacketizer(DepacketizerConfig config) : config_(config), statistics_(config.statistics) {}

ReceiveOutcome Depacketizer::receive(std::span<const uint8_t> datagram, sim::Timestamp arrival) {
  RtpParseResult parsed = parse(datagram);
  if (!parsed.ok()) {
    ++malformed_;
    return {std::nullopt, parsed.error};
  }
  const RtpHeader& h = parsed.packet->header;
  if (ssrc_ && *ssrc_ != h.ssrc) {
    ++foreign_;
    return {std::nullopt, {8, "SSRC " + hex32(h.ssrc) + " is not this stream's " + hex32(*ssrc_)}};
  }
  if (config_.payload_type && *config_.payload_type != h.payload_type) {
    ++foreign_;
    return {std::nullopt,
            {1, "payload type " + std::to_string(h.payload_type) + ", expected " +
                    std::to_string(*config_.payload_type)}};
  }
  ssrc_ = h.ssrc;
  ReceivedPacket p;
  p.arrival = statistics_.on_packet(h.sequence, h.timestamp, arrival);
  p.payload.assign(parsed.packet->payload.begin(), parsed.packet->payload.end());
  p.header = std::move(parsed.packet->header);
  p.arrival_time = arrival;
  return {std::move(p), {}};
}

}  // namespace callsim::rtp
