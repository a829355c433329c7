// The link JSON parser: good links (inline, profiles, overrides), and exact error strings (file +
// JSON pointer + message) for each kind of mistake, including inside a profile and trace files.
#include "scenario/link_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.h"
#include "scratch_dir.h"

namespace callsim::scenario {
namespace {
namespace fs = std::filesystem;
namespace net = sim::net;

const std::string kProfiles = std::string(CALLSIM_SOURCE_DIR) + "/scenarios/profiles";

// A scratch folder per test, <tmp>/callsim_net_<test>-<pid>/, removed when the test ends.
testing_util::ScratchDir scratch() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return testing_util::ScratchDir(std::string("callsim_net_") + info->name());
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// Parses `link_json` as /links/a->b of a scenario file `file`.
net::LinkConfig parse(const std::string& link_json, const LinkParseContext& ctx,
                      const std::string& file = "x.json") {
  const nlohmann::json doc = nlohmann::json::parse(link_json);
  return parse_link(JsonNode(doc, file, "/links/a->b"), ctx);
}

LinkParseContext call(double seconds = 20, std::string dir = "") {
  LinkParseContext ctx;
  ctx.base_dir = std::move(dir);
  ctx.duration = sim::Duration::from_seconds(seconds);
  ctx.profile_dirs = {"/nonexistent"};  // independent of the environment
  return ctx;
}

std::string error_of(const std::string& link_json, const LinkParseContext& ctx,
                     const std::string& file = "x.json") {
  try {
    parse(link_json, ctx, file);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(LinkJson, FullInlineLink) {
  const auto c = parse(R"({
    "description": "d", "source": "s",
    "loss": {"model": "gilbert_elliott", "p": 0.01, "r": 0.3, "one_minus_h": 0.9},
    "delay": {"base_ms": 40, "jitter_ms": 10, "distribution": "paretonormal", "correlation": 0.25,
              "correlation_mode": "marginal", "reorder_by_jitter": true},
    "reorder": {"p": 0.01, "gap": 3}, "duplicate": {"p": 0.02, "correlation": 0.1},
    "corrupt": {"p": 0.001, "deliver": true},
    "rate": {"kbps": 64, "overhead_bytes": 48, "queue": {"limit_ms": 200, "limit_packets": 50}},
    "cross_traffic": {"kbps": 32, "pattern": "on_off", "on_ms": 500, "off_ms": 1500, "packet_bytes": 800},
    "phases": [{"name": "handover", "start_s": 5, "end_s": 5.3, "outage": true},
               {"start_s": 10, "end_s": 15, "ramp": {"delay.base_ms": [40, 400], "rate.kbps": [64, 16]}},
               {"start_s": 16, "end_s": 17, "set": {"loss": {"model": "bernoulli", "p": 1}, "delay": {"base_ms": 300}}}]
  })",
                       call());
  EXPECT_EQ(c.loss.model, net::LossModel::kGilbertElliott);
  EXPECT_EQ(c.loss.r, 0.3);
  EXPECT_EQ(c.loss.one_minus_h, 0.9);
  EXPECT_EQ(c.loss.one_minus_k, 0.0);
  EXPECT_EQ(c.delay.distribution, net::JitterDistribution::kParetoNormal);
  EXPECT_EQ(c.delay.correlation_mode, net::CorrelationMode::kMarginal);
  EXPECT_TRUE(c.delay.reorder_by_jitter);
  EXPECT_EQ(c.reorder.gap, 3);
  EXPECT_TRUE(c.corrupt.deliver);
  EXPECT_EQ(c.rate.overhead_bytes, 48);
  EXPECT_EQ(c.rate.queue.limit_packets, 50);
  EXPECT_EQ(c.rate.queue.limit_ms, 200);
  EXPECT_EQ(c.cross_traffic.pattern, net::CrossPattern::kOnOff);
  ASSERT_EQ(c.phases.size(), 3u);
  EXPECT_EQ(c.phases[0].name, "handover");
  EXPECT_EQ(c.phases[0].end, sim::Duration::millis(5300));
  EXPECT_TRUE(c.phases[0].outage);
  ASSERT_EQ(c.phases[1].ramps.size(), 2u);
  EXPECT_EQ(c.phases[1].ramps[0].param, net::RampParam::kDelayBaseMs);
  EXPECT_EQ(c.phases[1].ramps[1].to, 16);
  // The set's delay is merged onto the link's: only base_ms changes.
  ASSERT_TRUE(c.phases[2].delay.has_value());
  EXPECT_EQ(c.phases[2].delay->base_ms, 300);
  EXPECT_EQ(c.phases[2].delay->jitter_ms, 10);
  EXPECT_EQ(c.phases[2].loss->model, net::LossModel::kBernoulli);
  EXPECT_FALSE(c.phases[2].rate.has_value());
}

TEST(LinkJson, NetemDefaults) {
  const auto ge = parse(R"({"loss": {"model": "gilbert_elliott", "p": 0.2}})", call());
  EXPECT_DOUBLE_EQ(ge.loss.r, 0.8);  // r = 1 - p
  EXPECT_EQ(ge.loss.one_minus_h, 1.0);
  const auto four = parse(R"({"loss": {"model": "four_state", "p13": 0.1}})", call());
  EXPECT_DOUBLE_EQ(four.loss.p31, 0.9);
  EXPECT_EQ(four.loss.p23, 1.0);
  const auto empty = parse("{}", call());
  EXPECT_EQ(empty.loss.model, net::LossModel::kNone);
  EXPECT_FALSE(empty.rate.limited());
  EXPECT_EQ(empty.rate.overhead_bytes, 28);
}

TEST(LinkJson, EveryProfileParsesAndDocumentsItself) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(kProfiles)) {
    if (entry.path().extension() != ".json") continue;
    ++count;
    const auto c = parse(R"({"profile": ")" + entry.path().stem().string() + R"("})",
                         call(20, CALLSIM_SOURCE_DIR "/scenarios"));
    const nlohmann::json doc = read_json_file(entry.path().string());
    EXPECT_TRUE(doc.contains("description") && doc.contains("source")) << entry.path();
    EXPECT_GT(c.delay.base_ms, 0) << entry.path();
  }
  EXPECT_GE(count, 5);
}

TEST(LinkJson, ProfileOverrideMergesKeyByKey) {
  const auto c =
      parse(R"({"profile": "3g", "override": {"delay": {"base_ms": 120}, "loss": {"model": "none"}}})",
            call(20, CALLSIM_SOURCE_DIR "/scenarios"));
  EXPECT_EQ(c.delay.base_ms, 120);
  EXPECT_EQ(c.delay.jitter_ms, 20);  // kept from the profile
  EXPECT_EQ(c.loss.model, net::LossModel::kNone);
  EXPECT_EQ(c.rate.kbps, 384);
}

TEST(LinkJson, ProfileSearchOrder) {
  const testing_util::ScratchDir scratch_dir = scratch();
  const fs::path& dir = scratch_dir.path();
  write(dir / "profiles" / "mine.json", R"({"delay": {"base_ms": 11}})");
  write(dir / "suite" / "deeper.json", "{}");
  write(dir / "env" / "envonly.json", R"({"delay": {"base_ms": 33}})");
  EXPECT_EQ(parse(R"({"profile": "mine"})", call(20, dir.string())).delay.base_ms, 11);
  EXPECT_EQ(parse(R"({"profile": "mine"})", call(20, (dir / "suite").string())).delay.base_ms,
            11);  // ../profiles
  EXPECT_EQ(
      parse(R"({"profile": "../profiles/mine.json"})", call(20, (dir / "suite").string())).delay.base_ms, 11);
  LinkParseContext ctx = call(20, dir.string());
  ctx.profile_dirs = {(dir / "env").string()};
  EXPECT_EQ(parse(R"({"profile": "envonly"})", ctx).delay.base_ms, 33);
  // Not on disk: the built-in copy.
  const ProfileLocation builtin = find_profile("satellite", call(20, dir.string()), nullptr);
  EXPECT_TRUE(builtin.builtin);
  EXPECT_EQ(parse(R"({"profile": "satellite"})", call(20, dir.string())).delay.base_ms, 280);
}

TEST(LinkJson, PhasesOfAProfileMustFitTheCall) {
  // The scenario's reference first, then the profile file and the place in it.
  EXPECT_EQ(error_of(R"({"profile": "lte_handover"})", call(10, CALLSIM_SOURCE_DIR "/scenarios")),
            "x.json: /links/a->b/profile: profile 'lte_handover': " CALLSIM_SOURCE_DIR
            "/scenarios/profiles/lte_handover.json: /phases/2: phase [14, 14.06) s is outside the "
            "call (0 to 10 s)");
}

TEST(LinkJson, ExactErrors) {
  const LinkParseContext ctx = call();
  EXPECT_EQ(error_of(R"({"loss": {"model": "bernoulli", "p": 1.7}})", ctx, "lte.json"),
            "lte.json: /links/a->b/loss/p: 1.7 is not in [0, 1]");
  EXPECT_EQ(error_of(R"({"delay": {"base": 40}})", ctx),
            "x.json: /links/a->b/delay/base: unknown key 'base'; expected one of: base_ms, jitter_ms, "
            "distribution, "
            "correlation, correlation_mode, reorder_by_jitter");
  EXPECT_EQ(error_of(R"({"delay": {"base_ms": "40"}})", ctx),
            "x.json: /links/a->b/delay/base_ms: expected a number, got a string");
  EXPECT_EQ(
      error_of(R"({"delay": {"distribution": "gauss"}})", ctx),
      "x.json: /links/a->b/delay/distribution: 'gauss' is not one of: uniform, normal, pareto, paretonormal");
  EXPECT_EQ(error_of(R"({"loss": {"p": 0.1}})", ctx),
            "x.json: /links/a->b/loss: missing required key 'model'");
  EXPECT_EQ(error_of(R"({"loss": {"model": "bernoulli", "p": 0.1, "r": 0.2}})", ctx),
            "x.json: /links/a->b/loss/r: unknown key 'r'; expected one of: model, p, correlation");
  EXPECT_EQ(error_of(R"({"loss": {"model": "four_state", "p13": 0.6, "p14": 0.5}})", ctx),
            "x.json: /links/a->b/loss: p13 + p14 = 1.1 exceeds 1");
  EXPECT_EQ(error_of(R"({"delay": {"correlation": 1}})", ctx),
            "x.json: /links/a->b/delay/correlation: 1 is not in [0, 1)");
  EXPECT_EQ(error_of(R"({"reorder": {"gap": 0}})", ctx),
            "x.json: /links/a->b/reorder/gap: 0 is not in [1, 1000000]");
  EXPECT_EQ(error_of(R"({"rate": {"kbps": 64, "trace": "t.mahi"}})", ctx),
            "x.json: /links/a->b/rate: give either \"kbps\" or \"trace\", not both");
  EXPECT_EQ(error_of(R"({"phases": [{"start_s": 18, "end_s": 25, "outage": true}]})", ctx),
            "x.json: /links/a->b/phases/0: phase [18, 25) s is outside the call (0 to 20 s)");
  EXPECT_EQ(error_of(R"({"phases": [{"start_s": 3, "end_s": 2, "outage": true}]})", ctx),
            "x.json: /links/a->b/phases/0: end_s (2) must be after start_s (3)");
  EXPECT_EQ(error_of(R"({"phases": [{"start_s": 1, "end_s": 2}]})", ctx),
            "x.json: /links/a->b/phases/0: a phase needs \"outage\": true, \"set\" or \"ramp\"");
  EXPECT_EQ(error_of(R"({"phases": [{"start_s": 1, "end_s": 2, "ramp": {"loss.r": [0.1, 0.5]}}]})", ctx),
            "x.json: /links/a->b/phases/0/ramp/loss.r: ramp needs a gilbert_elliott loss model");
  EXPECT_EQ(error_of(R"({"phases": [{"start_s": 1, "end_s": 2, "ramp": {"delay.base_ms": [40]}}]})", ctx),
            "x.json: /links/a->b/phases/0/ramp/delay.base_ms: expected [from, to]: an array of 2 numbers");
  EXPECT_EQ(error_of(R"({"phases": [{"start_s": 1, "end_s": 2, "set": {"delay": {"jitter_ms": -1}}}]})", ctx),
            "x.json: /links/a->b/phases/0/set/delay/jitter_ms: -1 is not in [0, 60000]");
  EXPECT_EQ(error_of(R"({"profile": "lte_handover", "loss": {"model": "none"}})", ctx),
            "x.json: /links/a->b/loss: unknown key 'loss'; expected one of: profile, override, description");
  EXPECT_EQ(
      error_of(R"({"profile": "3g", "override": {"description": "no"}})",
               call(20, CALLSIM_SOURCE_DIR "/scenarios")),
      "x.json: /links/a->b/override/description: unknown key 'description'; expected one of: loss, delay, "
      "reorder, duplicate, corrupt, rate, cross_traffic, phases, trace");
}

TEST(LinkJson, MissingProfileAndErrorsInsideAProfile) {
  const testing_util::ScratchDir scratch_dir = scratch();
  const fs::path& dir = scratch_dir.path();
  const std::string d = dir.string();
  EXPECT_EQ(error_of(R"({"profile": "nope"})", call(20, d)),
            "x.json: /links/a->b/profile: profile 'nope' not found (looked in: " + d +
                "/profiles/nope.json, " + d +
                "/../profiles/nope.json, /nonexistent/nope.json, the built-in profiles)");
  write(dir / "profiles" / "bad.json", R"({"description": "x", "delay": {"jitter_ms": -3}})");
  EXPECT_EQ(error_of(R"({"profile": "bad"})", call(20, d)),
            "x.json: /links/a->b/profile: profile 'bad': " + d +
                "/profiles/bad.json: /delay/jitter_ms: -3 is not in "
                "[0, 60000]");
  write(dir / "profiles" / "chain.json", R"({"profile": "bad"})");
  EXPECT_EQ(error_of(R"({"profile": "chain"})", call(20, d)),
            "x.json: /links/a->b/profile: profile 'chain': " + d +
                "/profiles/chain.json: /profile: a profile cannot refer to another profile");
}

TEST(LinkJson, TraceFiles) {
  const testing_util::ScratchDir scratch_dir = scratch();
  const fs::path& dir = scratch_dir.path();
  const std::string d = dir.string();
  write(dir / "good.csv", "# replay\nindex,delay_ms\n0,10.5\n1,lost\n\n2,20\n");
  const auto c = parse(R"({"trace": {"file": "good.csv", "loop": false}})", call(20, d));
  ASSERT_TRUE(c.trace);
  ASSERT_EQ(c.trace->entries.size(), 3u);
  EXPECT_EQ(c.trace->entries[0].delay, sim::Duration::micros(10500));
  EXPECT_TRUE(c.trace->entries[1].lost);
  EXPECT_FALSE(c.trace->loop);
  write(dir / "bad.csv", "index,delay_ms\n0,10\n1,-4\n");
  EXPECT_EQ(error_of(R"({"trace": {"file": "bad.csv"}})", call(20, d)),
            "x.json: /links/a->b/trace/file: packet trace 'bad.csv': " + d +
                "/bad.csv: byte 20 (line 3): expected a delay in ms (0 to 60000) or \"lost\"");
  write(dir / "gap.csv", "index,delay_ms\n0,10\n2,10\n");
  EXPECT_EQ(error_of(R"({"trace": {"file": "gap.csv"}})", call(20, d)),
            "x.json: /links/a->b/trace/file: packet trace 'gap.csv': " + d +
                "/gap.csv: byte 20 (line 3): expected packet index 1");
  EXPECT_EQ(error_of(R"({"trace": {"file": "none.csv"}})", call(20, d)),
            "x.json: /links/a->b/trace/file: packet trace 'none.csv': " + d + "/none.csv: no such file");
  write(dir / "link.mahi", "1\n1\n3\n");
  const auto m = parse(R"({"rate": {"trace": "link.mahi", "queue": {"limit_packets": 10}}})", call(20, d));
  ASSERT_TRUE(m.rate.trace);
  EXPECT_EQ(m.rate.trace->opportunities.size(), 3u);
  write(dir / "back.mahi", "5\n3\n");
  EXPECT_EQ(error_of(R"({"rate": {"trace": "back.mahi"}})", call(20, d)),
            "x.json: /links/a->b/rate/trace: Mahimahi trace 'back.mahi': " + d +
                "/back.mahi: byte 2 (line 2): timestamps must not decrease");
  // A spreadsheet's UTF-8 byte-order mark before the header is skipped; byte offsets still count it.
  write(dir / "bom.csv", "\xEF\xBB\xBFsend_time_ms,delay_ms\n0,10\n20,x\n");
  EXPECT_EQ(error_of(R"({"trace": {"file": "bom.csv"}})", call(20, d)),
            "x.json: /links/a->b/trace/file: packet trace 'bom.csv': " + d +
                "/bom.csv: byte 30 (line 3): expected a delay in ms (0 to 60000) or \"lost\"");
  write(dir / "bom.csv", "\xEF\xBB\xBFsend_time_ms,delay_ms\n0,10\n20,12\n");
  ASSERT_EQ(parse(R"({"trace": {"file": "bom.csv"}})", call(20, d)).trace->entries.size(), 2u);
}

}  // namespace
}  // namespace callsim::scenario
