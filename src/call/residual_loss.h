// What became of each frame the sender sent (one Opus frame per RTP packet), judged from the
// audio the receiver actually played: played from its own packet, rebuilt from the next packet's
// in-band FEC, or missing — neither received in time nor recovered (lost in the network, or
// discarded as late, or never played). The missing ones are the residual loss that the listener
// hears as concealment; it feeds the E-model's Ppl and BurstR.
#pragma once

#include <cstdint>
#include <vector>

#include "call/call_result.h"

namespace callsim::call {

enum class FrameFate : uint8_t { kPlayed, kFecRecovered, kMissing };

// One fate per sent packet (duplicates excluded), in send order. A frame counts as played (or
// recovered) when at least 1 ms of it was played (a late packet may be played in part, a pitch
// period may be removed from it); `frame_ticks` is its length in 48 kHz RTP time.
std::vector<FrameFate> frame_fates(const DirectionResult& d, uint32_t frame_ticks);

struct ResidualLoss {
  int64_t sent = 0, played = 0, fec_recovered = 0, missing = 0;
  std::vector<uint8_t> missing_pattern;  // 1 = missing, per sent frame in send order (for BurstR)
};
ResidualLoss residual_loss(const std::vector<FrameFate>& fates);

}  // namespace callsim::call
