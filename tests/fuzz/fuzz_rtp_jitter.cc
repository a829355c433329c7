// Fuzz target: the receive path of a call — RTP parsing, the depacketizer (SSRC lock, RFC 3550
// statistics) and each jitter buffer (fixed, adaptive, speex) with the real Opus decoder — fed an
// arbitrary sequence of datagrams at arbitrary (non-decreasing, as the buffer's contract says)
// arrival times, interleaved with 10 ms playout pulls.
//
// Input: [buffer kind + rate][then records] where a record is
//   [delta ms][flags][length] then either `length` raw datagram bytes (flags & 1) or a built
//   packet: [seq u16][timestamp u32] and `length` payload bytes, marker = flags & 2.
// Checked: every pull returns exactly 10 ms of finite samples; counters stay consistent.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "codec/codec.h"
#include "fuzz_input.h"
#include "jitter/jitter_buffer.h"
#include "rtp/depacketizer.h"
#include "rtp/rtp_header.h"

namespace {

using callsim::fuzz::FuzzInput;
namespace jitter = callsim::jitter;
namespace rtp = callsim::rtp;
using callsim::sim::Duration;
using callsim::sim::Timestamp;

constexpr int kRates[] = {8000, 16000, 48000};

std::unique_ptr<jitter::JitterBuffer> make_buffer(uint8_t selector, int rate) {
  jitter::JitterBufferConfig c;
  const int kind = selector % 3;
  c.kind = kind == 0   ? jitter::JitterBufferKind::kFixed
           : kind == 1 ? jitter::JitterBufferKind::kAdaptive
                       : jitter::JitterBufferKind::kSpeex;
  c.fixed.delay_ms = 20.0 * ((selector >> 4) & 7);
  c.adaptive.time_stretch = (selector & 0x80) == 0;
  c.adaptive.seed = c.speex.seed = 7;
  return jitter::make_jitter_buffer(c, callsim::codec::make_opus_decoder(rate), rate);
}

std::vector<uint8_t> next_datagram(FuzzInput& in, uint8_t flags, size_t length) {
  if (flags & 1) {
    auto raw = in.bytes(length);
    return {raw.begin(), raw.end()};
  }
  rtp::RtpHeader h;
  h.payload_type = 111;
  h.ssrc = 0x1234abcd;
  h.sequence = in.u16();
  h.timestamp = in.u32();
  h.marker = (flags & 2) != 0;
  return rtp::serialize(h, in.bytes(length));
}

void pull_until(jitter::JitterBuffer& jb, Timestamp& clock, Timestamp until, int rate) {
  while (clock <= until) {
    const jitter::PlayoutFrame f = jb.pull(clock);
    if (f.samples.size() != static_cast<size_t>(rate / 100)) __builtin_trap();
    for (float v : f.samples)
      if (!std::isfinite(v)) __builtin_trap();
    (void)jb.current_delay_ms();
    (void)jb.target_delay_ms();
    clock = clock + Duration::millis(10);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  const uint8_t selector = in.u8();
  const int rate = kRates[(selector >> 2) % 3];
  auto jb = make_buffer(selector, rate);
  rtp::DepacketizerConfig dc;
  dc.statistics.min_sequential = 1;
  rtp::Depacketizer depacketizer(dc);
  Timestamp arrival = Timestamp::zero(), clock = Timestamp::zero();
  uint64_t inserted = 0;
  for (int records = 0; !in.empty() && records < 400; ++records) {
    const uint8_t delta = in.u8(), flags = in.u8();
    const size_t length = in.u8() + ((flags & 4) ? 256 : 0);
    arrival = arrival + Duration::millis(delta) + Duration::millis((flags & 8) ? 1000 : 0);
    const std::vector<uint8_t> datagram = next_datagram(in, flags, length);
    pull_until(*jb, clock, arrival, rate);
    rtp::ReceiveOutcome out = depacketizer.receive(datagram, arrival);
    if (!out.ok() || out.packet->arrival.kind == rtp::ArrivalKind::kBadJump) continue;
    rtp::ReceivedPacket& p = *out.packet;
    jb->insert(jitter::ReceivedPacket{p.header.sequence, p.header.timestamp, p.header.marker,
                                      std::move(p.payload), arrival});
    ++inserted;
  }
  pull_until(*jb, clock, arrival + Duration::millis(300), rate);
  const jitter::JitterStats s = jb->stats();
  if (s.packets_received != inserted || s.concealed_samples > s.total_samples_received) __builtin_trap();
  return 0;
}
