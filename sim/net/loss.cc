#include "sim/net/loss.h"

namespace callsim::sim::net {

LossProcess::LossProcess(RandomStream rng) : rng_(rng), correlated_(rng_) {}

bool LossProcess::step(const LossConfig& config) {
  switch (config.model) {
    case LossModel::kNone:
      return false;
    case LossModel::kBernoulli:
      return correlated_.next(rng_, config.correlation) < config.p;
    case LossModel::kGilbertElliott:
      return step_gilbert_elliott(config);
    case LossModel::kFourState:
      return step_four_state(config);
  }
  return false;
}

bool LossProcess::step_gilbert_elliott(const LossConfig& c) {
  const double transition = rng_.uniform();
  const double loss = rng_.uniform();
  if (ge_bad_) {
    if (transition < c.r) ge_bad_ = false;
  } else {
    if (transition < c.p) ge_bad_ = true;
  }
  return loss < (ge_bad_ ? c.one_minus_h : c.one_minus_k);
}

bool LossProcess::step_four_state(const LossConfig& c) {
  const double u = rng_.uniform();
  switch (four_state_) {
    case FourState::kGapReceived:
      if (u < c.p14) {
        four_state_ = FourState::kGapLost;
      } else if (u < c.p14 + c.p13) {
        four_state_ = FourState::kBurstLost;
      }
      break;
    case FourState::kBurstReceived:
      if (u < c.p23) four_state_ = FourState::kBurstLost;
      break;
    case FourState::kBurstLost:
      if (u < c.p32) {
        four_state_ = FourState::kBurstReceived;
      } else if (u < c.p32 + c.p31) {
        four_state_ = FourState::kGapReceived;
      }
      break;
    case FourState::kGapLost:
      four_state_ = FourState::kGapReceived;
      break;
  }
  return four_state_ == FourState::kBurstLost || four_state_ == FourState::kGapLost;
}

}  // namespace callsim::sim::net
