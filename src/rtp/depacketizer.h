// Receiver side of one RTP stream: parses each arriving datagram (never trusting it), locks onto
// the first SSRC it sees (and optionally one payload type), and feeds the RFC 3550 receive
// statistics. Every accepted packet is handed on with its extended sequence number and arrival
// classification; the jitter buffer decides what to do with duplicates and late packets.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rtp/receive_statistics.h"
#include "rtp/rtp_header.h"
#include "sim/time.h"

namespace callsim::rtp {

struct DepacketizerConfig {
  ReceiveConfig statistics;
  std::optional<uint8_t> payload_type;  // accept only this payload type (others are errors)
};

struct ReceivedPacket {
  RtpHeader header;
  std::vector<uint8_t> payload;  // without padding
  Arrival arrival;
  sim::Timestamp arrival_time;

  // False for duplicates and for packets A.1 ignores (bad jumps): a jitter buffer drops those.
  bool usable() const {
    return arrival.kind != ArrivalKind::kDuplicate && arrival.kind != ArrivalKind::kBadJump;
  }
};

struct ReceiveOutcome {
  std::optional<ReceivedPacket> packet;  // set when accepted
  ParseError error;                      // why not, with the byte offset of the offending field

  bool ok() const { return packet.has_value(); }
};

class Depacketizer {
 public:
  explicit Depacketizer(DepacketizerConfig config = {});

  ReceiveOutcome receive(std::span<const uint8_t> datagram, sim::Timestamp arrival);

  const ReceiveStatistics& statistics() const { return statistics_; }
  std::optional<uint32_t> ssrc() const { return ssrc_; }
  int64_t malformed() const { return malformed_; }  // datagrams that failed to parse
  int64_t foreign() const { return foreign_; }      // other SSRC or payload type

 private:
  DepacketizerConfig config_;
  ReceiveStatistics statistics_;
  std::optional<uint32_t> ssrc_;
  int64_t malformed_ = 0, foreign_ = 0;
};

}  // namespace callsim::rtp
