// One call's relay logic with a fake clock and no sockets: endpoint learning and its limits, the
// idle timeout, what is dropped before the link (unknown sources, empty, oversized, no
// destination, in-flight limit), and that the copies' due times are exactly the offline link's
// fates for the same arrival sequence; the fate log it writes verifies against the model.
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

#include <filesystem>

#include "live/call_relay.h"
#include "live/verify.h"
#include "rtp/rtp_header.h"
#include "scratch_dir.h"

namespace callsim::live {
namespace {
namespace net = sim::net;
using Verdict = CallRelay::Verdict;

const Endpoint kA{0x7F000001, 5000}, kB{0x7F000001, 6000}, kStranger{0x0A000001, 5000};

sim::Timestamp ms(double v) { return sim::Timestamp::from_ms(v); }

std::vector<uint8_t> rtp_bytes(uint16_t seq) {
  rtp::RtpHeader h;
  h.payload_type = 0;
  h.sequence = seq;
  h.timestamp = 160u * seq;
  h.ssrc = 42;
  return rtp::serialize(h, std::vector<uint8_t>(160, 0xD5));
}

net::LinkConfig model() {
  net::LinkConfig c;
  c.loss = {net::LossModel::kBernoulli, 0.1};
  c.delay.base_ms = 40;
  c.delay.jitter_ms = 15;
  c.duplicate.p = 0.05;
  c.corrupt.p = 0.02;
  c.corrupt.deliver = true;
  c.rate.kbps = 200;
  return c;
}

CallSetup setup(bool give_b = true) {
  CallSetup s;
  s.links = {model(), net::LinkConfig{}};
  s.link_names = {"alice->bob", "bob->alice"};
  s.seed = 11;
  s.local = {Endpoint{0x7F000001, 40000}, Endpoint{0x7F000001, 40001}};
  if (give_b) s.given[1] = kB;
  return s;
}

struct Fixture {
  RelayPolicy policy;
  PayloadTypes types;
  std::vector<ScheduledCopy> copies;
  Verdict send(CallRelay& call, int side, double t_ms, const Endpoint& from, const std::vector<uint8_t>& data,
               bool room = true) {
    return call.on_datagram(side, ms(t_ms), from, data, data.size(), room, copies);
  }
};

TEST(CallRelay, LearnsDropsAndCounts) {
  Fixture f;
  f.policy.max_datagram_bytes = 200;
  CallRelay call(setup(false), &f.policy, &f.types, {});
  const auto p = rtp_bytes(1);
  EXPECT_EQ(f.send(call, 0, 0, kA, {}), Verdict::kUnknownSource);  // an empty datagram teaches nothing
  EXPECT_EQ(f.send(call, 0, 1, kA, p), Verdict::kNoDestination);   // learned a, b unknown
  EXPECT_EQ(call.endpoint(0), kA);
  EXPECT_EQ(f.send(call, 0, 2, kStranger, p), Verdict::kUnknownSource);
  EXPECT_EQ(f.send(call, 1, 3, kB, p), Verdict::kAccepted);  // learns b; b->a is a perfect link
  EXPECT_EQ(f.send(call, 0, 4, kA, std::vector<uint8_t>(201, 1)), Verdict::kOversized);
  EXPECT_EQ(f.send(call, 0, 5, kA, {}), Verdict::kEmpty);
  EXPECT_EQ(f.send(call, 0, 6, kA, p, false), Verdict::kInflightFull);
  const auto j = call.to_json(false);
  EXPECT_EQ(j["a"]["datagrams"], 6);
  EXPECT_EQ(j["a"]["from_endpoint"], 4);
  EXPECT_EQ(j["a"]["dropped"]["unknown_source"], 2);
  EXPECT_EQ(j["a"]["dropped"]["no_destination"], 1);
  EXPECT_EQ(j["a"]["dropped"]["oversized"], 1);
  EXPECT_EQ(j["a"]["dropped"]["empty"], 1);
  EXPECT_EQ(j["a"]["dropped"]["inflight_full"], 1);
  EXPECT_EQ(j["b"]["learned"], 1);
  EXPECT_EQ(j["b->a"]["packets"], 1);
  EXPECT_EQ(j["a->b"]["in"]["packets"], 2);  // the two RTP packets read from a (one had no destination)
  EXPECT_EQ(call.take_events().size(), 2u);  // learned a, learned b
}

TEST(CallRelay, IdleTimeoutLearnLimitAndAllowedSources) {
  Fixture f;
  f.policy.idle_timeout = sim::Duration::seconds(5);
  f.policy.max_learn = 2;
  f.policy.learn_from = {parse_cidr("127.0.0.0/8", "--learn-from")};
  CallRelay call(setup(), &f.policy, &f.types, {});
  const auto p = rtp_bytes(1);
  EXPECT_EQ(f.send(call, 0, 0, kStranger, p), Verdict::kUnknownSource);  // 10.0.0.1 is not allowed
  EXPECT_EQ(f.send(call, 0, 1, kA, p), Verdict::kAccepted);
  call.check_idle(ms(4000));
  EXPECT_TRUE(call.endpoint(0));
  call.check_idle(ms(5001));
  EXPECT_FALSE(call.endpoint(0));
  EXPECT_TRUE(call.endpoint(1));  // given endpoints are never forgotten
  const Endpoint other{0x7F000001, 5002};
  EXPECT_EQ(f.send(call, 0, 5002, other, p), Verdict::kAccepted);  // second learning
  call.check_idle(ms(11000));
  EXPECT_EQ(f.send(call, 0, 11001, kA, p), Verdict::kUnknownSource);  // the limit of 2 is spent
  const auto j = call.to_json(false);
  EXPECT_EQ(j["a"]["learned"], 2);
  EXPECT_EQ(j["a"]["forgotten"], 2);
  EXPECT_EQ(j["a"]["learn_refused"], 1);
}

// Idle means no traffic either way: an endpoint that sent one hello and then only listens is
// kept while the other side talks to it. It was forgotten after the timeout (its last datagram
// *from* it), and everything for it dropped as no_destination.
TEST(CallRelay, AListeningEndpointIsNotIdle) {
  Fixture f;
  f.policy.idle_timeout = sim::Duration::seconds(1);
  CallRelay call(setup(false), &f.policy, &f.types, {});
  EXPECT_EQ(f.send(call, 1, 0, kB, rtp_bytes(0)), Verdict::kNoDestination);  // B's hello: learns b
  int t = 10;
  for (uint16_t seq = 1; t <= 3000; ++seq, t += 20) {
    EXPECT_EQ(f.send(call, 0, t, kA, rtp_bytes(seq)), Verdict::kAccepted) << "at " << t << " ms";
    if (t % 500 == 10) call.check_idle(ms(t));
  }
  EXPECT_EQ(call.endpoint(1), kB);
  EXPECT_EQ(call.to_json(false)["b"]["forgotten"], 0);
  call.check_idle(ms(t + 1000));  // nobody has sent for the timeout: both are idle now
  EXPECT_FALSE(call.endpoint(0));
  EXPECT_FALSE(call.endpoint(1));
}

TEST(CallRelay, CopiesAreTheOfflineLinksFatesAndTheLogVerifies) {
  Fixture f;
  const testing_util::ScratchDir scratch("call-relay");
  const std::filesystem::path dir = scratch / "out";
  CallOutputs out;
  out.dir = dir;
  out.pcaps = false;
  CallRelay call(setup(), &f.policy, &f.types, out);
  net::Link offline(model(), 11, "alice->bob");
  std::vector<net::Delivery> want;
  const double t0 = 1234.5;  // relay time of the first packet = link time 0
  auto time_of = [&](int i) { return t0 + 20.0 * i + (i % 7) * 0.37; };  // a sender with timing noise
  std::string error;
  const auto command = parse_link_command("loss 0.5", error);
  for (uint16_t i = 0; i < 2000; ++i) {
    const double t = time_of(i);
    if (i == 1001) {  // a control command 1 ms after packet 1000
      EXPECT_EQ(call.apply(*command, 0, ms(time_of(1000) + 1))["before_index"], 1001);
      apply_link_command(*command, offline, ms(time_of(1000) + 1 - t0));
    }
    f.copies.clear();
    ASSERT_EQ(f.send(call, 0, t, kA, rtp_bytes(i)), Verdict::kAccepted);
    const size_t first = want.size();
    if (i == 1001) apply_link_command(LinkCommand{LinkCommand::Kind::kLoss, "", 0.5, {}}, offline, ms(t - 1 - t0 + 20.0 * 0 - 20 + 20) );
    offline.send(ms(t - t0), {i, 172}, want);
    size_t k = 0;
    for (size_t w = first; w < want.size(); ++w) {
      if (!want[w].delivered()) continue;
      ASSERT_LT(k, f.copies.size());
      EXPECT_EQ(f.copies[k].due, ms(t0) + want[w].arrival.since_start()) << i;
      EXPECT_EQ(f.copies[k].duplicate, want[w].duplicate);
      EXPECT_EQ(f.copies[k].corrupted, want[w].corrupted);
      call.on_released(0, f.copies[k], f.copies[k].due + sim::Duration::micros(30), rtp_bytes(i), 0);
      ++k;
    }
    EXPECT_EQ(k, f.copies.size());
  }
  const auto j = call.to_json(false);
  EXPECT_EQ(j["a->b"]["release_error_us"]["p50_at_most_us"], 30.0);
  EXPECT_GT(j["a->b"]["duplicates"].get<int>(), 50);
  call.finish();
  const FateLog log = read_fate_log(dir / "call0" / "a-to-b.fates.csv");
  EXPECT_EQ(log.controls.size(), 1u);
  const VerifyOutcome v = verify_fate_log(log, model(), 11, "alice->bob");
  EXPECT_EQ(v.packets, 2000u);
  EXPECT_EQ(v.mismatches, 0u) << (v.first_mismatches.empty() ? "" : v.first_mismatches[0]);
  // A different seed is a different fate sequence: verification can fail.
  EXPECT_GT(verify_fate_log(log, model(), 12, "alice->bob").mismatches, 100u);
}

}  // namespace
}  // namespace callsim::live
