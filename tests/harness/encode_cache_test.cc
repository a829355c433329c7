// The encode-once cache: one encoding per key under concurrency, and sweeps that reuse streams
// give the same results as sweeps that encode every call.
#include "harness/sweep/encode_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "harness/sweep/suite.h"
#include "harness/sweep/sweep.h"
#include "sweep_test_util.h"

namespace callsim::harness {
namespace {

using nlohmann::json;
using testutil::TempDir;

peer::EncodedStream fake_stream(int tag) {
  peer::EncodedStream s;
  s.sample_rate_hz = 16000;
  s.frame_samples = 320;
  s.payloads.push_back({static_cast<uint8_t>(tag)});
  return s;
}

TEST(EncodeOnceCache, EightThreadsAskingForOneKeyEncodeOnce) {
  EncodeOnceCache cache;
  std::atomic<int> encodes{0};
  std::vector<std::shared_ptr<const peer::EncodedStream>> got(8);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        got[static_cast<size_t>(t)] = cache.get("k", [&] {
          ++encodes;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));  // others arrive meanwhile
          return fake_stream(7);
        });
      });
  }
  EXPECT_EQ(encodes.load(), 1);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.hits(), 7u);
  for (const auto& g : got) EXPECT_EQ(g.get(), got[0].get());
  EXPECT_EQ(got[0]->payloads[0][0], 7);
}

TEST(EncodeOnceCache, DistinctKeysAndFailedEncodings) {
  EncodeOnceCache cache;
  auto hook = cache.hook();
  EXPECT_EQ(hook("a", [] { return fake_stream(1); })->payloads[0][0], 1);
  EXPECT_EQ(hook("b", [] { return fake_stream(2); })->payloads[0][0], 2);
  EXPECT_EQ(hook("a", [] { return fake_stream(9); })->payloads[0][0], 1);
  EXPECT_THROW(cache.get("c", []() -> peer::EncodedStream { throw std::runtime_error("boom"); }),
               std::runtime_error);
  EXPECT_EQ(cache.get("c", [] { return fake_stream(3); })->payloads[0][0], 3);  // retried after the failure
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.misses(), 3u);
  EXPECT_EQ(cache.hits(), 1u);
}

// 4 networks × 2 seeds of a two-way call: every call sends the same two streams (alice's and bob's).
std::vector<Job> shared_audio_jobs(const TempDir& dir) {
  const json m = {{"matrix", "enc"},
                  {"base", testutil::short_call("call", 2.0, true)},
                  {"axes", {{"network", {"good_wifi", "3g", "satellite", "bursty_loss"}}, {"seed", {1, 2}}}}};
  testutil::write_json(dir / "enc.json", m);
  return expand_suites({(dir / "enc.json").string()});
}

TEST(EncodeOnceCache, SweepEncodesEachStreamOnceAndMatchesUncached) {
  TempDir dir;
  SweepOptions o;
  o.audio = false;
  o.threads = 2;
  o.out_dir = dir / "cached";
  const SweepReport cached = run_sweep(shared_audio_jobs(dir), o);
  EXPECT_EQ(cached.encode_misses, 2u);
  EXPECT_EQ(cached.encode_hits, 8u * 2u - 2u);
  o.out_dir = dir / "uncached";
  o.encode_cache = false;
  const SweepReport uncached = run_sweep(shared_audio_jobs(dir), o);
  EXPECT_EQ(uncached.encode_misses + uncached.encode_hits, 0u);
  EXPECT_EQ(testutil::read_text(dir / "cached" / "results.jsonl"),
            testutil::read_text(dir / "uncached" / "results.jsonl"));
  for (const auto& job : shared_audio_jobs(dir))
    EXPECT_EQ(testutil::read_text(dir / "cached" / "calls" / job.id / "result.json"),
              testutil::read_text(dir / "uncached" / "calls" / job.id / "result.json"))
        << job.id;
}

TEST(EncodeOnceCache, DifferentEncoderSettingsAreNotShared) {
  TempDir dir;
  const json m = {
      {"matrix", "enc"},
      {"base", testutil::short_call("call", 2.0)},
      {"axes",
       {{"codec", {{"a", {{"bitrate_kbps", 16}}}, {"b", {{"bitrate_kbps", 24}}}}}, {"seed", {1, 2, 3}}}}};
  testutil::write_json(dir / "enc.json", m);
  SweepOptions o;
  o.audio = false;
  o.out_dir = dir / "out";
  const SweepReport r = run_sweep(expand_suites({(dir / "enc.json").string()}), o);
  EXPECT_EQ(r.encode_misses, 2u);  // one per bitrate
  EXPECT_EQ(r.encode_hits, 4u);
}

}  // namespace
}  // namespace callsim::harness
