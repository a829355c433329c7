// The random-loss process of a link: steps once per packet sent on the link and says whether the
// packet is lost. Holds the state of every model (correlated last value, Gilbert-Elliott state,
// four-state chain), so a phase may switch models or parameters and the chains continue.
//
// Semantics follow netem (net/sched/sch_netem.c):
//  - bernoulli: lost when the netem-correlated uniform is < p.
//  - gilbert_elliott: first the state transition (good→bad with p, bad→good with r), then the
//    loss draw in the new state (1-k in good, 1-h in bad). Stationary loss rate
//    π_G·(1-k) + π_B·(1-h) with π_B = p/(p+r); mean burst 1/r when 1-h = 1 and 1-k = 0.
//  - four_state: states 1 (received in gap), 2 (received in burst), 3 (lost in burst),
//    4 (isolated loss); transitions 1→3 p13, 1→4 p14, 3→1 p31, 3→2 p32, 2→3 p23, 4→1 always;
//    the packet is lost when the new state is 3 or 4.
#pragma once

#include <cstdint>

#include "sim/net/correlated.h"
#include "sim/net/link_config.h"
#include "sim/random.h"

namespace callsim::sim::net {

class LossProcess {
 public:
  enum class FourState : uint8_t { kGapReceived = 1, kBurstReceived = 2, kBurstLost = 3, kGapLost = 4 };

  explicit LossProcess(RandomStream rng);

  // Advances the model one packet; true when that packet is lost.
  bool step(const LossConfig& config);

  bool gilbert_bad() const { return ge_bad_; }
  FourState four_state() const { return four_state_; }

 private:
  bool step_gilbert_elliott(const LossConfig& c);
  bool step_four_state(const LossConfig& c);

  RandomStream rng_;
  NetemCorrelated correlated_;
  bool ge_bad_ = false;
  FourState four_state_ = FourState::kGapReceived;
};

}  // namespace callsim::sim::net
