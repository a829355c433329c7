#include "jitter/adaptive_jitter_buffer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "jitter_test_support.h"

namespace callsim::jitter {
namespace {

using namespace testing;
constexpr int kRate = 16000;

std::unique_ptr<AdaptiveJitterBuffer> make_adaptive(const AdaptiveJitterConfig& c) {
  AdaptiveDependencies deps = make_adaptive_dependencies(c, kRate);
  deps.fec_probe = fake_has_fec;
  return std::make_unique<AdaptiveJitterBuffer>(c, std::make_unique<FakeDecoder>(kRate), kRate, std::move(deps));
}

TEST(AdaptiveJitterBuffer, PerfectNetworkPlaysTheDecodedStreamAfterTheStartDelay) {
  const auto signal = harmonic_signal(kRate, 3.0);
  const auto sent = make_stream(signal, kRate, {});
  FakeDecoder reference_decoder(kRate);
  const auto reference = decode_all(sent, reference_decoder);
  AdaptiveJitterConfig c;
  c.start_delay_ms = c.min_delay_ms = 50;  // no jitter: target = min delay = start delay, nothing to stretch
  auto jb = make_adaptive(c);
  const auto r = run(*jb, deliver(sent, [](size_t, sim::Timestamp) { return sim::Duration::millis(23); }),
                     sim::Duration::seconds(3));
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

TEST(AdaptiveJitterBuffer, Explore) {
  const auto signal = harmonic_signal(kRate, 120.0);
  const auto sent = make_stream(signal, kRate, {});
  AdaptiveJitterConfig c;
  auto jb = make_adaptive(c);
  const auto r = run(*jb, deliver(sent, normal_delay(50, 20, 1)), sim::Duration::seconds(120));
  const auto m2e = mouth_to_ear_ms(r, sent[0].packet.rtp_timestamp, sim::Timestamp::from_ms(30000));
  const auto s = jb->stats();
  std::cout << "m2e mean " << mean(m2e) << " p50 " << quantile(m2e, 0.5) << " target " << jb->target_delay_ms()
            << " current " << jb->current_delay_ms() << " late " << double(s.packets_discarded) / double(s.packets_received)
            << " concealed " << double(s.concealed_samples) / double(s.total_samples_received) << " accel "
            << s.removed_samples_for_acceleration << " pre " << s.inserted_samples_for_deceleration << "\n";
  for (size_t i = 0; i < 8; ++i) std::cout << to_string(Operation(i)) << " " << jb->operation_counts()[i] << "\n";
}

TEST(AdaptiveJitterBuffer, ExploreSpike) {
  const auto signal = harmonic_signal(kRate, 60.0);
  const auto sent = make_stream(signal, kRate, {});
  AdaptiveJitterConfig c;
  auto jb = make_adaptive(c);
  auto base = normal_delay(50, 10, 2);
  const auto r = run(*jb, deliver(sent, [&](size_t i, sim::Timestamp t) -> std::optional<sim::Duration> {
    auto d = base(i, t);
    if (t >= sim::Timestamp::from_ms(30000) && t < sim::Timestamp::from_ms(30500)) d = *d + (sim::Timestamp::from_ms(30500) - t);
    return d;
  }), sim::Duration::seconds(60));
  for (size_t i = 2900; i < 3600; i += 10) std::cout << r.times[i].to_ms() << " delay " << r.delay_ms[i] << " target " << r.target_ms[i] << " " << to_string(r.frames[i].type) << "\n";
  const auto s = jb->stats();
  std::cout << "accel " << s.removed_samples_for_acceleration << " concealed " << s.concealed_samples << "\n";
  for (size_t i = 0; i < 8; ++i) std::cout << to_string(Operation(i)) << " " << jb->operation_counts()[i] << "\n";
}

TEST(AdaptiveJitterBuffer, ExploreDrift) {
  for (double ppm : {-100.0, -50.0, 0.0, 50.0, 100.0}) {
    for (double sd : {20.0}) {
    const auto signal = harmonic_signal(kRate, 600.0);
    const auto sent = make_stream(signal, kRate, {});
    AdaptiveJitterConfig c;
    c.max_delay_ms = 500;
    auto jb = make_adaptive(c);
    const auto r = run(*jb, deliver(sent, normal_delay(80, sd, 3)), sim::Duration::seconds(599), ppm);
    double lo = 1e9, hi = -1e9;
    for (size_t i = 1000; i < r.delay_ms.size(); ++i) lo = std::min(lo, r.delay_ms[i]), hi = std::max(hi, r.delay_ms[i]);
    const auto st = jb->stats();
    for (size_t m = 0; m < r.frames.size(); m += 6000) {
      int conc = 0; double dsum = 0, tsum = 0; size_t cnt = 0;
      for (size_t i = m; i < std::min(r.frames.size(), m + 6000); ++i, ++cnt) { conc += r.frames[i].type == PlayoutFrame::kExpand; dsum += r.delay_ms[i]; tsum += r.target_ms[i]; }
      if (m == 0) std::cout << "  minute " << m / 6000 << " expand frames " << conc << " mean delay " << dsum / double(cnt) << " target " << tsum / double(cnt) << "\n";
    }
    std::cout << "ppm " << ppm << " sd " << sd << " delay range " << lo << " .. " << hi << " concealed " << double(st.concealed_samples) / double(st.total_samples_received)
              << " accel " << st.removed_samples_for_acceleration << " pre " << st.inserted_samples_for_deceleration << " events " << st.concealment_events << "\n";
    }
  }
}

TEST(AdaptiveJitterBuffer, ExploreNormal) {
  const auto signal = harmonic_signal(kRate, 120.0);
  const auto sent = make_stream(signal, kRate, {});
  for (double q : {0.9, 0.95, 0.99}) {
  AdaptiveJitterConfig c;
  c.quantile = q;
  auto jb = make_adaptive(c);
  const auto r = run(*jb, deliver(sent, [rng = sim::RandomStream(5, "x")](size_t, sim::Timestamp) mutable -> std::optional<sim::Duration> { return sim::Duration::from_ms(std::max(0.0, rng.normal(80, 20))); }), sim::Duration::seconds(120));
  const auto m2e = mouth_to_ear_ms(r, sent[0].packet.rtp_timestamp, sim::Timestamp::from_ms(30000));
  const auto s = jb->stats();
  std::cout << "q " << q << " m2e mean " << mean(m2e) << " target " << jb->target_delay_ms()
            << " late " << double(s.packets_discarded) / double(s.packets_received)
            << " concealed " << double(s.concealed_samples) / double(s.total_samples_received) << " events " << s.concealment_events << "\n";
  }
}

TEST(AdaptiveJitterBuffer, ExploreDtx) {
  const auto signal = talkspurt_signal(kRate, 20.0, 1.0, 0.6);
  StreamOptions opt;
  opt.dtx_below_rms = 1e-4;
  const auto sent = make_stream(signal, kRate, opt);
  AdaptiveJitterConfig c;
  auto jb = make_adaptive(c);
  const auto r = run(*jb, deliver(sent, normal_delay(50, 10, 4)), sim::Duration::seconds(20));
  std::string types;
  for (size_t i = 0; i < 400; ++i) types += "NEAPMCFS"[r.frames[i].type];
  std::cout << types << "\n";
  const auto s = jb->stats();
  std::cout << "sent " << sent.size() << " cn " << s.comfort_noise_samples << " concealed " << s.concealed_samples << " events " << s.concealment_events << " accel " << s.removed_samples_for_acceleration << " pre " << s.inserted_samples_for_deceleration << "\n";
  for (size_t i = 0; i < 8; ++i) std::cout << to_string(Operation(i)) << " " << jb->operation_counts()[i] << "\n";
}

}  // namespace
}  // namespace callsim::jitter
