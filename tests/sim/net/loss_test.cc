// Long-run loss rates and burst lengths of every loss model against closed-form (or independently
// computed) values. Each check allows 4 standard errors; for correlated sequences the standard
// error is a batch-means estimate (100 batches of 10^4+ packets, much longer than any burst).
#include "sim/net/loss.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "stat_helpers.h"

namespace callsim::sim::net {
namespace {

using testing::batch_means;
using testing::MeanSe;

std::vector<double> run_loss(const LossConfig& c, int n, uint64_t seed = 1) {
  LossProcess loss(RandomStream(seed, "link/test/loss"));
  std::vector<double> lost(static_cast<size_t>(n));
  for (auto& l : lost) l = loss.step(c) ? 1.0 : 0.0;
  return lost;
}

// Indicator of "packet n lost and packet n-1 lost" (its mean is P(L, L)).
std::vector<double> pairs(const std::vector<double>& lost) {
  std::vector<double> out(lost.size(), 0.0);
  for (size_t i = 1; i < lost.size(); ++i) out[i] = lost[i] * lost[i - 1];
  return out;
}

// Lost packets / loss bursts.
double mean_burst(const std::vector<double>& lost) {
  double total = 0, bursts = 0;
  for (size_t i = 0; i < lost.size(); ++i) {
    total += lost[i];
    if (lost[i] > 0 && (i == 0 || lost[i - 1] == 0)) bursts += 1;
  }
  return total / bursts;
}

TEST(LossModel, NoneNeverLoses) {
  const auto lost = run_loss(LossConfig{}, 10000);
  for (double l : lost) ASSERT_EQ(l, 0.0);
}

TEST(LossModel, BernoulliRateAndBursts) {
  LossConfig c;
  c.model = LossModel::kBernoulli;
  c.p = 0.05;
  const int n = 1000000;
  const auto lost = run_loss(c, n);
  const MeanSe rate = batch_means(lost);
  // Independent draws: SE = sqrt(p(1-p)/n) = 2.2e-4.
  EXPECT_NEAR(rate.mean, c.p, 4 * std::sqrt(c.p * (1 - c.p) / n));
  // Burst length is geometric: mean 1/(1-p), sd sqrt(p)/(1-p), about n·p·(1-p) bursts.
  const double bursts = n * c.p * (1 - c.p);
  EXPECT_NEAR(mean_burst(lost), 1 / (1 - c.p), 4 * std::sqrt(c.p) / (1 - c.p) / std::sqrt(bursts));
}

// netem's correlation: V = (1-ρ)U + ρV'. The loss rate is P(V < p) and the pair rate
// P(V' < p, V < p) = ∫_0^p f(v)·clamp((p - ρv)/(1-ρ), 0, 1) dv, computed numerically from the
// stationary law of V; both differ from the naive p and p² — the documented netem behaviour.
TEST(LossModel, CorrelatedBernoulliMatchesNetemStationaryLaw) {
  // At ρ = 0.75 and p = 0.1 the loss rate would be ~1e-6: netem's correlation all but removes
  // losses below the median, hence a larger p there.
  for (const auto& [p, rho] : {std::pair{0.1, 0.25}, std::pair{0.2, 0.5}, std::pair{0.3, 0.75}}) {
    LossConfig c;
    c.model = LossModel::kBernoulli;
    c.p = p;
    c.correlation = rho;
    const testing::NetemStationary law(rho);
    const double expected_rate = law.cdf(c.p);
    const double expected_pair = law.expect(
        [&](double v) { return v < c.p ? std::clamp((c.p - rho * v) / (1 - rho), 0.0, 1.0) : 0.0; });
    const auto lost = run_loss(c, 2000000, 7);
    const MeanSe rate = batch_means(lost);
    const MeanSe pair = batch_means(pairs(lost));
    SCOPED_TRACE(rho);
    EXPECT_LT(expected_rate, c.p);  // the correlated uniform is concentrated around 1/2
    EXPECT_NEAR(rate.mean, expected_rate, 4 * rate.se);
    EXPECT_NEAR(pair.mean, expected_pair, 4 * pair.se);
    EXPECT_GT(pair.mean / rate.mean, rate.mean);  // bursts: P(L|L) > P(L)
  }
}

// The numerical stationary law itself against the closed-form moments of V: mean 1/2, variance
// (1-ρ)/(1+ρ)/12 (from Var V = (1-ρ)²/12 + ρ²·Var V).
TEST(LossModel, NetemStationaryLawHasTheClosedFormMoments) {
  for (const double rho : {0.25, 0.5, 0.75}) {
    const testing::NetemStationary law(rho);
    EXPECT_NEAR(law.cdf(1.0), 1.0, 1e-12);
    EXPECT_NEAR(law.expect([](double v) { return v; }), 0.5, 1e-9) << rho;
    EXPECT_NEAR(law.expect([](double v) { return (v - 0.5) * (v - 0.5); }), (1 - rho) / (1 + rho) / 12, 1e-9) << rho;
  }
}

TEST(LossModel, GilbertStationaryLossAndMeanBurst) {
  LossConfig c;
  c.model = LossModel::kGilbertElliott;
  c.p = 0.01;
  c.r = 0.3;
  c.one_minus_h = 1.0;
  c.one_minus_k = 0.0;
  const auto lost = run_loss(c, 2000000, 3);
  const double pi_bad = c.p / (c.p + c.r);
  const MeanSe rate = batch_means(lost);
  EXPECT_NEAR(rate.mean, pi_bad, 4 * rate.se);
  // Lost iff in the bad state: bursts are the bad sojourns, geometric with mean 1/r and sd
  // sqrt(1-r)/r; number of bursts ≈ n·π_B·r.
  const double bursts = 2000000 * pi_bad * c.r;
  EXPECT_NEAR(mean_burst(lost), 1 / c.r, 4 * std::sqrt(1 - c.r) / c.r / std::sqrt(bursts));
}

TEST(LossModel, GilbertElliottWithLossInBothStates) {
  LossConfig c;
  c.model = LossModel::kGilbertElliott;
  c.p = 0.02;
  c.r = 0.25;
  c.one_minus_h = 0.7;
  c.one_minus_k = 0.01;
  const auto lost = run_loss(c, 2000000, 5);
  const double pi_bad = c.p / (c.p + c.r), pi_good = 1 - pi_bad;
  const double expected = pi_good * c.one_minus_k + pi_bad * c.one_minus_h;
  const MeanSe rate = batch_means(lost);
  EXPECT_NEAR(rate.mean, expected, 4 * rate.se);
}

struct FourStateParams {
  double p13, p31, p32, p23, p14;
};

// Stationary distribution of the 4-state chain by balance equations (Salsano et al.):
// π4 = p14·π1, π3 = p13/p31·π1, π2 = p32/p23·π3.
std::array<double, 5> four_state_stationary(const FourStateParams& q) {
  const double r3 = q.p13 / q.p31, r2 = r3 * q.p32 / q.p23, r4 = q.p14;
  const double pi1 = 1 / (1 + r2 + r3 + r4);
  return {0, pi1, r2 * pi1, r3 * pi1, r4 * pi1};
}

TEST(LossModel, FourStateStationaryDistributionLossAndBursts) {
  const FourStateParams q{0.02, 0.4, 0.1, 0.3, 0.01};
  LossConfig c;
  c.model = LossModel::kFourState;
  c.p13 = q.p13;
  c.p31 = q.p31;
  c.p32 = q.p32;
  c.p23 = q.p23;
  c.p14 = q.p14;
  const int n = 2000000;
  LossProcess loss(RandomStream(11, "link/test/loss"));
  std::vector<double> lost(n);
  std::array<std::vector<double>, 5> in_state;
  for (auto& v : in_state) v.assign(n, 0.0);
  for (int i = 0; i < n; ++i) {
    lost[static_cast<size_t>(i)] = loss.step(c) ? 1.0 : 0.0;
    in_state[static_cast<size_t>(loss.four_state())][static_cast<size_t>(i)] = 1.0;
  }
  const auto pi = four_state_stationary(q);
  for (int s = 1; s <= 4; ++s) {
    const MeanSe occ = batch_means(in_state[static_cast<size_t>(s)]);
    EXPECT_NEAR(occ.mean, pi[static_cast<size_t>(s)], 4 * occ.se) << "state " << s;
  }
  const MeanSe rate = batch_means(lost);
  EXPECT_NEAR(rate.mean, pi[3] + pi[4], 4 * rate.se);
  // Bursts: runs in state 3 (geometric, mean 1/(p31+p32)) entered at rate π1·p13 + π2·p23, and
  // single isolated losses (state 4) entered at rate π1·p14.
  const double e3 = pi[1] * q.p13 + pi[2] * q.p23, e4 = pi[1] * q.p14;
  const double expected_burst = (e3 / (q.p31 + q.p32) + e4) / (e3 + e4);
  // Burst-length variance of that mixture (geometric with weight a, constant 1 otherwise).
  const double a = e3 / (e3 + e4), m = 1 / (q.p31 + q.p32), var_geo = (1 - q.p31 - q.p32) * m * m;
  const double burst_var = a * (var_geo + m * m) + (1 - a) - expected_burst * expected_burst;
  EXPECT_NEAR(mean_burst(lost), expected_burst, 4 * std::sqrt(burst_var / (n * (e3 + e4))));
}

TEST(LossModel, FourStateWithNetemDefaultsIsBernoulli) {
  // netem `loss state p13` alone: p31 = 1 - p13, p32 = 0, p23 = 1, p14 = 0 → independent losses.
  LossConfig c;
  c.model = LossModel::kFourState;
  c.p13 = 0.1;
  c.p31 = 0.9;
  const auto lost = run_loss(c, 1000000, 13);
  const MeanSe rate = batch_means(lost);
  const MeanSe pair = batch_means(pairs(lost));
  EXPECT_NEAR(rate.mean, 0.1, 4 * std::sqrt(0.09 / 1e6));
  EXPECT_NEAR(pair.mean, 0.01, 4 * pair.se);
}

}  // namespace
}  // namespace callsim::sim::net
