#include "jitter/adaptive_jitter_buffer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "jitter_test_support.h"

namespace callsim::jitter {
namespace {

using namespace testing;
constexpr int kRate = 16000;

std::unique_ptr<AdaptiveJitterBuffer> make_adaptive(const AdaptiveJitterConfig& c) {
  AdaptiveDependencies deps = make_adaptive_dependencies(c, kRate);
  deps.fec_probe = fake_has_fec;
  return std::make_unique<AdaptiveJitterBuffer>(c, std::make_unique<FakeDecoder>(kRate), kRate,
                                                std::move(deps));
}

DelayFn constant_delay(int ms) {
  return [ms](size_t, sim::Timestamp) { return sim::Duration::millis(ms); };
}

// Network delay N(80, 20) ms, clipped at 0: its q-quantile is 80 + 20 z_q.
DelayFn normal_80_20(uint64_t seed) {
  auto rng = std::make_shared<sim::RandomStream>(seed, "test/normal-80-20");
  return [rng](size_t, sim::Timestamp) {
    return std::optional(sim::Duration::from_ms(std::max(0.0, rng->normal(80, 20))));
  };
}

TEST(AdaptiveJitterBuffer, PerfectNetworkPlaysTheDecodedStreamAfterTheStartDelay) {
  const auto signal = harmonic_signal(kRate, 3.0);
  const auto sent = make_stream(signal, kRate, {});
  FakeDecoder reference_decoder(kRate);
  const auto reference = decode_all(sent, reference_decoder);
  AdaptiveJitterConfig c;
  c.start_delay_ms = c.min_delay_ms = 50;  // no jitter: target = min delay = start delay, nothing to stretch
  auto jb = make_adaptive(c);
  const auto r = run(*jb, deliver(sent, constant_delay(23)), sim::Duration::seconds(3));
  const auto out = r.audio();
  const size_t start = (23 + 50) * kRate / 1000;  // first packet arrives at 23 ms, plays 50 ms later
  for (size_t i = 0; i < start; ++i) ASSERT_EQ(out[i], 0.0f) << i;
  for (size_t i = start; i < out.size(); ++i) ASSERT_EQ(out[i], reference[i - start]) << "sample " << i;
  const auto s = jb->stats();
  EXPECT_EQ(s.concealed_samples, 0u);
  EXPECT_EQ(s.removed_samples_for_acceleration + s.inserted_samples_for_deceleration, 0u);
  EXPECT_NEAR(jb->current_delay_ms(), 50.0, 0.1);
  EXPECT_DOUBLE_EQ(jb->target_delay_ms(), 50.0);
}

// Stationary jitter N(80, 20), 50 packets/s, after 30 s, the tail floor off: the target is,
// relative to the fastest packet of the last 2 s (the minimum of 100 draws: 80 - 2.51 x 20 =
// 29.8 ms), the larger of the q-quantile of the per-500-ms maxima (25 packets: the per-packet
// quantile q^(1/25)) and 1.2 x their 75th percentile (per packet 0.75^(1/25) = 0.988559, z 2.275:
// 125.5 ms, 95.7 ms above the minimum, x 1.2 = 114.8 ms). q 0.95: per packet 0.997950, z 2.870:
// 137.4 - 29.8 = 107.6 ms, so 114.8 ms; q 0.99: per packet 0.999598, z 3.352: 147.0 - 29.8 =
// 117.2 ms. With the tail floor (the default): mean + 3.8 sd of the last 500 delays, 80 + 76 =
// 156 ms mouth-to-ear for either quantile. Mouth-to-ear = 29.8 + target, plus up to one 10 ms
// playout tick and the reference's own fluctuation: tolerance -5 / +12 ms (measured: 150.6 and
// 151.7 ms against 144.6 and 147.0; 159.0 against 156). Stalls: a packet is late when its delay
// exceeds the playout delay, P(N(80, 20) > 144.6) = 0.06 %; asserted below 0.3 % of packets,
// and with the tail floor (P(N(80, 20) > 156) = 0.007 %) below 0.1 %.
TEST(AdaptiveJitterBuffer, StationaryJitterSettlesAtTheQuantileOfIntervalMaxima) {
  const auto signal = harmonic_signal(kRate, 120.0);
  const auto sent = make_stream(signal, kRate, {});
  struct Case {
    double q, tail_sigmas, expected_ms, max_stall_fraction;
  };
  for (const Case& k : {Case{0.95, 0.0, 29.8 + 114.8, 0.003}, Case{0.99, 0.0, 29.8 + 117.2, 0.003},
                        Case{0.95, 3.8, 80.0 + 3.8 * 20, 0.001}}) {
    AdaptiveJitterConfig c;
    c.quantile = k.q;
    c.tail_sigmas = k.tail_sigmas;
    auto jb = make_adaptive(c);
    const auto r = run(*jb, deliver(sent, normal_80_20(1)), sim::Duration::seconds(120));
    const auto m2e = mouth_to_ear_ms(r, sent[0].packet.rtp_timestamp, sim::Timestamp::from_ms(30000));
    EXPECT_GE(mean(m2e), k.expected_ms - 5) << "q " << k.q << " tail " << k.tail_sigmas;
    EXPECT_LE(mean(m2e), k.expected_ms + 12) << "q " << k.q << " tail " << k.tail_sigmas;
    const auto s = jb->stats();
    EXPECT_LE(static_cast<double>(s.packets_discarded) / static_cast<double>(s.packets_received),
              c.max_late_fraction);
    const double stall_fraction =
        static_cast<double>(s.concealment_events) / static_cast<double>(sent.size());
    EXPECT_LE(stall_fraction, k.max_stall_fraction) << "q " << k.q << " tail " << k.tail_sigmas;
    const std::string name = k.tail_sigmas > 0 ? "tail" : k.q == 0.95 ? "q95" : "q99";
    RecordProperty("m2e_" + name + "_ms", std::to_string(mean(m2e)));
    RecordProperty("stall_fraction_" + name, std::to_string(stall_fraction));
  }
}

// A 500 ms stall (packets sent in [30, 30.5) s all arrive at 30.5 s + normal delay): the buffer
// conceals, then fast/normal accelerate brings the delay back into the target band. Measured
// 1.5 s; asserted <= 5 s. One spike does not make a peak pattern, so the target stays put.
TEST(AdaptiveJitterBuffer, RecoversFromA500MsDelaySpikeWithinFiveSeconds) {
  const auto signal = harmonic_signal(kRate, 45.0);
  const auto sent = make_stream(signal, kRate, {});
  auto jb = make_adaptive(AdaptiveJitterConfig{});
  auto base = normal_delay(50, 10, 2);
  const auto spike_start = sim::Timestamp::from_ms(30000), spike_end = sim::Timestamp::from_ms(30500);
  const auto r = run(*jb,
                     deliver(sent,
                             [&](size_t i, sim::Timestamp t) {
                               auto d = base(i, t);
                               if (t >= spike_start && t < spike_end) d = *d + (spike_end - t);
                               return d;
                             }),
                     sim::Duration::seconds(45));
  const size_t before = 2990;  // 29.9 s
  const double old_target = r.target_ms[before];
  double peak = 0;
  size_t recovered = 0;
  for (size_t i = 3050; i < r.frames.size(); ++i) {
    peak = std::max(peak, r.delay_ms[i]);
    if (!recovered && r.delay_ms[i] <= old_target + 5 + 10) recovered = i;  // band + one frame
  }
  ASSERT_GT(recovered, 0u);
  const double recovery_s = (r.times[recovered] - spike_end).to_seconds();
  EXPECT_GT(peak, 300.0);  // the spike really pushed the delay up
  EXPECT_LE(recovery_s, 5.0);
  EXPECT_NEAR(r.target_ms.back(), old_target, 3.0);
  RecordProperty("spike_recovery_s", std::to_string(recovery_s));
}

// Heavy-tailed jitter (Pareto, alpha 1.5): late packets stay below max_late_fraction.
TEST(AdaptiveJitterBuffer, LateDiscardsStayBelowTheConfiguredFraction) {
  const auto signal = harmonic_signal(kRate, 60.0);
  const auto sent = make_stream(signal, kRate, {});
  AdaptiveJitterConfig c;
  c.max_late_fraction = 0.01;
  auto jb = make_adaptive(c);
  sim::RandomStream rng(8, "test/pareto");
  run(*jb,
      deliver(sent,
              [&](size_t, sim::Timestamp) {
                return std::optional(sim::Duration::from_ms(30 + rng.pareto(1.5, 8)));
              }),
      sim::Duration::seconds(60));
  const auto s = jb->stats();
  EXPECT_LE(static_cast<double>(s.packets_discarded), 0.01 * static_cast<double>(s.packets_received));
  EXPECT_GT(s.packets_received, 2900u);
}

// Sequence numbers and timestamps wrap; every 7th packet is duplicated 3 ms later; pairs are
// reordered; packet 100 is 1 s late. Everything is counted and the audio plays in order.
TEST(AdaptiveJitterBuffer, ReorderingDuplicatesWrapAroundAndLatePackets) {
  const auto signal = harmonic_signal(kRate, 6.0);
  StreamOptions opt;
  opt.first_sequence = 65500;
  opt.first_timestamp = 0xFFFFFFFFu - 48000;  // wraps after 1 s
  const auto sent = make_stream(signal, kRate, opt);
  auto arrivals = deliver(sent, [](size_t i, sim::Timestamp) {
    if (i == 100) return sim::Duration::millis(1030);
    return sim::Duration::millis(i % 10 == 4 ? 55 : 30);  // packet 4 arrives after packet 5
  });
  for (size_t i = 0; i < sent.size(); i += 7) {
    ReceivedPacket dup = sent[i].packet;
    dup.arrival = sent[i].send_time + sim::Duration::millis(33);
    arrivals.push_back(dup);
  }
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const auto& a, const auto& b) { return a.arrival < b.arrival; });
  AdaptiveJitterConfig c;
  c.min_delay_ms = 60;
  auto jb = make_adaptive(c);
  const auto r = run(*jb, arrivals, sim::Duration::seconds(6));
  const auto s = jb->stats();
  EXPECT_EQ(s.packets_duplicated, (sent.size() + 6) / 7);
  EXPECT_EQ(s.packets_discarded, 1u);  // packet 100
  EXPECT_EQ(s.concealment_events, 1u);
  // Playout timestamps only move forward (modulo 2^32) once audio plays.
  std::optional<uint32_t> last;
  for (const auto& f : r.frames) {
    if (!f.playout_rtp_timestamp) continue;
    if (last) {
      EXPECT_LT(static_cast<int32_t>(*last - *f.playout_rtp_timestamp), 0);
    }
    last = f.playout_rtp_timestamp;
  }
  EXPECT_LT(*last, 48000u * 5);  // wrapped
}

// Talkspurts with DTX (nothing sent after 200 ms of silence; marker on resumption): the pauses are
// comfort noise, not concealment, and each talkspurt starts at the target delay.
TEST(AdaptiveJitterBuffer, DtxPausesAreComfortNoise) {
  const auto signal = talkspurt_signal(kRate, 20.0, 1.0, 0.6);
  StreamOptions opt;
  opt.dtx_below_rms = 1e-4;
  const auto sent = make_stream(signal, kRate, opt);
  auto jb = make_adaptive(AdaptiveJitterConfig{});
  const auto r = run(*jb, deliver(sent, normal_delay(50, 10, 4)), sim::Duration::seconds(20));
  const auto s = jb->stats();
  // 12 pauses of 0.6 s, 0.2 s of which are sent: ~0.4 s x 12 of comfort noise (at 16 kHz).
  EXPECT_GT(s.comfort_noise_samples, static_cast<uint64_t>(0.3 * 12 * kRate));
  EXPECT_LT(s.concealed_samples, s.comfort_noise_samples / 5);
  int markers = 0;
  for (const auto& p : sent) markers += p.packet.marker;
  EXPECT_EQ(markers, 12);
}

TEST(AdaptiveJitterBuffer, FecHalvesConcealmentEventsAtFivePercentLoss) {
  const auto signal = harmonic_signal(kRate, 60.0);
  uint64_t events[2] = {};
  for (int fec = 0; fec < 2; ++fec) {
    StreamOptions opt;
    opt.fec = fec == 1;
    const auto sent = make_stream(signal, kRate, opt);
    AdaptiveJitterConfig c;
    c.use_fec = fec == 1;
    auto jb = make_adaptive(c);
    run(*jb, deliver(sent, normal_delay(40, 10, 21, 0.05)), sim::Duration::seconds(60));
    events[fec] = jb->stats().concealment_events;
    if (fec) {
      EXPECT_GT(jb->stats().fec_packets_used, 100u);  // ~150 losses
    }
  }
  EXPECT_LE(2 * events[1], events[0]) << "off " << events[0] << " on " << events[1];
}

TEST(AdaptiveJitterBuffer, SameInputsGiveBitIdenticalOutput) {
  const auto signal = talkspurt_signal(kRate, 10.0, 1.0, 0.5);
  StreamOptions opt;
  opt.dtx_below_rms = 1e-4;
  const auto sent = make_stream(signal, kRate, opt);
  std::vector<float> out[2];
  for (auto& o : out) {
    auto jb = make_adaptive(AdaptiveJitterConfig{});
    o = run(*jb, deliver(sent, normal_delay(60, 25, 5, 0.03)), sim::Duration::seconds(10)).audio();
  }
  EXPECT_EQ(out[0], out[1]);
}

// +-100 ppm receiver clock for 60 s (the 10-minute soak is in slow/): the delay stays within
// [min, max], concealment stays at the level jitter alone causes (2-4 % at q95), no runaway.
TEST(AdaptiveJitterBuffer, ClockDriftOneMinute) {
  const auto signal = harmonic_signal(kRate, 61.0);
  const auto sent = make_stream(signal, kRate, {});
  for (double ppm : {-100.0, 100.0}) {
    AdaptiveJitterConfig c;
    c.min_delay_ms = 40;  // above the 30 ms a time stretch needs, so the band is reachable
    c.max_delay_ms = 300;
    auto jb = make_adaptive(c);
    const auto r = run(*jb, deliver(sent, normal_delay(60, 20, 6)), sim::Duration::seconds(60), ppm);
    for (size_t i = 500; i < r.delay_ms.size(); ++i) {
      ASSERT_GE(r.delay_ms[i], c.min_delay_ms - 10) << ppm << " at " << i;  // band below target
      ASSERT_LE(r.delay_ms[i], c.max_delay_ms) << ppm << " at " << i;
    }
    const auto s = jb->stats();
    EXPECT_LT(static_cast<double>(s.concealed_samples) / static_cast<double>(s.total_samples_received), 0.05)
        << ppm;
    // Over the last 20 s the delay tracks the target: + 0..10 ms of queued audio, +-5 ms band,
    // stalls (measured +5 ms on average).
    double excess = 0;
    for (size_t i = 4000; i < 6000; ++i) excess += (r.delay_ms[i] - r.target_ms[i]) / 2000;
    EXPECT_GE(excess, -5.0) << ppm;
    EXPECT_LE(excess, 15.0) << ppm;
  }
}

}  // namespace
}  // namespace callsim::jitter
