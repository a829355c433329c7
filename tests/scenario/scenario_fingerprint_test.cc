// The scenario fingerprint (scenario.h): what a call's figures depend on, and nothing else. The
// baseline compares a call only with values of the same fingerprint, so a fingerprint that moved
// with the clone's folder would fail every CI check, and one blind to a file's bytes would let an
// edited talker or trace be compared with the old one's figures.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "audio/audio.h"
#include "scenario/peer_json.h"
#include "scenario/scenario.h"
#include "scratch_dir.h"

namespace callsim::scenario {
namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

void write_tone(const fs::path& path, double hz) {
  audio::Signal s;
  s.sample_rate_hz = 16000;
  for (int i = 0; i < 16000 * 3; ++i) s.samples.push_back(0.3f * static_cast<float>(std::sin(2 * M_PI * hz * i / 16000.0)));
  audio::write_audio16(path, s);
}

// A scenario folder: scenario.json naming a talker file, a delay trace, a Mahimahi trace (in a
// phase) and a link profile file, all relative to it.
fs::path write_folder(const fs::path& dir) {
  fs::create_directories(dir / "data");
  write_tone(dir / "data" / "talk.wav", 440);
  write_text(dir / "data" / "delays.csv", "index,delay_ms\n0,30\n1,45\n2,38\n");
  write_text(dir / "data" / "link.mahi", "5\n10\n15\n20\n");
  write_text(dir / "data" / "prof.json", R"({"delay": {"base_ms": 25}, "loss": {"model": "bernoulli", "p": 0.01}})");
  write_text(dir / "scenario.json", R"({
    "name": "fingerprinted", "description": "a call", "tags": ["x"], "duration_s": 2, "seed": 3,
    "peers": {"alice": {"talker": {"file": "data/talk.wav"}}, "bob": {"talker": "en_female"}},
    "links": {"alice->bob": {"trace": {"file": "data/delays.csv"},
                             "phases": [{"name": "slow", "start_s": 1, "end_s": 2, "set": {"rate": {"trace": "data/link.mahi"}}}]},
              "bob->alice": {"profile": "data/prof.json"}},
    "expect": {"all": ["packet_loss_ratio <= 0.5"]}})");
  return dir / "scenario.json";
}

std::string fingerprint_of(const fs::path& file) { return load_scenario(file.string()).fingerprint; }

// Rewrites key `key` of scenario.json's top level.
void set_key(const fs::path& file, const std::string& key, const nlohmann::json& value) {
  nlohmann::json doc = read_json_file(file.string());
  doc[key] = value;
  write_text(file, doc.dump());
}

TEST(ScenarioFingerprint, DependsOnTheCallsInputsNotOnWhereTheyLieOrHowTheCallIsJudged) {
  const testing_util::ScratchDir scratch("fingerprint");
  const fs::path file = write_folder(scratch / "a");
  const std::string first = fingerprint_of(file);
  EXPECT_EQ(first.rfind("fnv1a64:", 0), 0u);
  EXPECT_EQ(first.size(), 8u + 16u);
  EXPECT_EQ(fingerprint_of(file), first);  // reading again

  // The same folder elsewhere, deeper, read through a relative path or an absolute one.
  const fs::path copy = write_folder(scratch / "b" / "deeper");
  EXPECT_EQ(fingerprint_of(copy), first);
  EXPECT_EQ(fingerprint_of(fs::relative(copy)), first);

  // What only names or judges the call.
  set_key(copy, "name", "renamed");
  set_key(copy, "description", "another text");
  set_key(copy, "tags", nlohmann::json::array({"y", "z"}));
  set_key(copy, "source", "a measurement");
  set_key(copy, "expect", {{"all", {"packet_loss_ratio <= 0.1"}}});
  EXPECT_EQ(fingerprint_of(copy), first);

  // How a number or a path is spelled, a profile's description, a default seed written out: the
  // same call (these read as "scenario changed" in a first version).
  nlohmann::json doc = read_json_file(copy.string());
  doc["duration_s"] = 2.0;
  doc["peers"]["alice"]["talker"]["file"] = "./data/../data/talk.wav";
  doc["links"]["alice->bob"]["trace"]["file"] = (copy.parent_path() / "data" / "delays.csv").string();  // absolute
  write_text(copy, doc.dump());
  EXPECT_EQ(fingerprint_of(copy), first);
  write_text(copy.parent_path() / "data" / "prof.json",
             R"({"description": "edited", "delay": {"base_ms": 25.0}, "loss": {"model": "bernoulli", "p": 0.01}})");
  EXPECT_EQ(fingerprint_of(copy), first);
  doc.erase("seed");
  write_text(copy, doc.dump());
  const Scenario unseeded = load_scenario(copy.string());
  EXPECT_EQ(unseeded.seed, 1u);
  doc["seed"] = 1;
  write_text(copy, doc.dump());
  EXPECT_EQ(fingerprint_of(copy), unseeded.fingerprint);
}

// `callsim run --seed` sets the seed after the scenario was read: it kept the fingerprint of the
// scenario's own seed, so a reseeded call was checked against the other seed's baseline figures.
TEST(ScenarioFingerprint, ReseedingGivesTheFingerprintOfTheNewSeed) {
  const testing_util::ScratchDir scratch("fingerprint_seed");
  const fs::path file = write_folder(scratch / "s");
  Scenario s = load_scenario(file.string());
  const std::string seed3 = s.fingerprint;
  reseed(s, 7);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_NE(s.fingerprint, seed3);
  set_key(file, "seed", 7);
  EXPECT_EQ(fingerprint_of(file), s.fingerprint);
  reseed(s, 3);
  EXPECT_EQ(s.fingerprint, seed3);
}

TEST(ScenarioFingerprint, EachInputChangesIt) {
  const testing_util::ScratchDir scratch("fingerprint_inputs");
  const fs::path file = write_folder(scratch / "s");
  const std::string first = fingerprint_of(file);
  std::set<std::string> seen{first};
  auto changed = [&](const std::string& what) {
    const std::string now = fingerprint_of(file);
    EXPECT_TRUE(seen.insert(now).second) << what << " left the fingerprint as it was: " << now;
  };
  set_key(file, "seed", 4);
  changed("the seed");
  set_key(file, "duration_s", 2.5);
  changed("the duration");
  write_tone(file.parent_path() / "data" / "talk.wav", 450);
  changed("the talker file's audio");
  write_text(file.parent_path() / "data" / "delays.csv", "index,delay_ms\n0,30\n1,45\n2,39\n");
  changed("the delay trace");
  write_text(file.parent_path() / "data" / "link.mahi", "5\n10\n15\n21\n");
  changed("the Mahimahi trace of a phase");
  write_text(file.parent_path() / "data" / "prof.json", R"({"delay": {"base_ms": 26}, "loss": {"model": "bernoulli", "p": 0.01}})");
  changed("the link profile file");
  nlohmann::json doc = read_json_file(file.string());
  doc["peers"]["bob"]["jitter_buffer"] = {{"type", "fixed"}, {"delay_ms", 60}};
  write_text(file, doc.dump());
  changed("a receiver setting");
  doc["scoring"] = {{"window_s", 8}};
  write_text(file, doc.dump());
  changed("the scoring window");
}

// A sweep parses its scenario once per job: a matrix over one long talker file read all of it once
// per job to hash it. A file is hashed once per version per process now, unless it changed in the
// last 2 s (the kernel's file times tick in milliseconds, so a rewrite in the same tick would look
// like the same version): those are hashed every time, and an edit is always seen.
TEST(ScenarioFingerprint, ATalkerFileIsHashedOncePerProcessUnlessItJustChanged) {
  const testing_util::ScratchDir scratch("fingerprint_cache");
  const fs::path asset = fs::path(CALLSIM_SOURCE_DIR) / "assets" / "talkers" / "en_female.flac";  // checked out long ago
  auto scenario_with = [&](const fs::path& talker) {
    const nlohmann::json doc = {{"name", "t"},
                                {"duration_s", 2},
                                {"peers", {{"alice", {{"talker", {{"file", talker.string()}}}}}, {"bob", nlohmann::json::object()}}},
                                {"links", {{"alice->bob", {{"delay", {{"base_ms", 40}}}}}}}};
    return parse_scenario(doc, "t.json", scratch.path().string()).fingerprint;
  };
  const uint64_t before = talker_files_hashed();
  const std::string settled = scenario_with(asset);
  EXPECT_EQ(talker_files_hashed(), before + 1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(scenario_with(asset), settled);
  EXPECT_EQ(talker_files_hashed(), before + 1) << "a settled talker file was read again";

  // Just written: hashed on every parse, and a rewrite of the same size at once is seen.
  write_tone(scratch / "fresh.wav", 440);
  const std::string fresh = scenario_with(scratch / "fresh.wav");
  EXPECT_EQ(scenario_with(scratch / "fresh.wav"), fresh);
  EXPECT_EQ(talker_files_hashed(), before + 3);
  const auto size = fs::file_size(scratch / "fresh.wav");
  write_tone(scratch / "fresh.wav", 450);
  ASSERT_EQ(fs::file_size(scratch / "fresh.wav"), size);
  EXPECT_NE(scenario_with(scratch / "fresh.wav"), fresh);
}

// A talker file of silence, of a constant offset (which the codec removes) or of a single sample
// ran without a word: the call then read "no speech received", blaming the network, or scored the
// codec's start-up transient (a one-sample file scored MOS-LQO 3.09). validate and run say so.
TEST(TalkerNotes, ASilentConstantOrTooShortTalkerIsNoted) {
  const testing_util::ScratchDir scratch("talker_notes");
  auto notes_for = [&](const std::string& name, const std::vector<float>& samples) {
    audio::Signal s{16000, samples};
    audio::write_audio16(scratch / (name + ".wav"), s);
    const nlohmann::json doc = {{"name", "t"},
                                {"duration_s", 3},
                                {"peers", {{"alice", {{"talker", {{"file", name + ".wav"}}}}}, {"bob", nlohmann::json::object()}}},
                                {"links", {{"alice->bob", {{"delay", {{"base_ms", 40}}}}}}}};
    return input_notes(parse_scenario(doc, "t.json", scratch.path().string()));
  };
  const std::string at = "t.json: /peers/alice/talker: " + (scratch / "").string();
  EXPECT_EQ(notes_for("dc", std::vector<float>(16000 * 5, 0.25f)),
            std::vector<std::string>{at + "dc.wav holds no signal but a constant offset (-12.0 dBFS; beside it -inf dBFS over "
                                          "the 4.000 s the call reads): the codec removes the offset, so P.862 finds no "
                                          "speech to score or scores the codec's start-up transient; a talker should be a "
                                          "speech recording"});
  EXPECT_EQ(notes_for("one", {0.25f}),
            std::vector<std::string>{at + "one.wav holds no signal but a constant offset (-12.0 dBFS; beside it -inf dBFS over "
                                          "the 0.0625 ms the call reads): the codec removes the offset, so P.862 finds no "
                                          "speech to score or scores the codec's start-up transient; a talker should be a "
                                          "speech recording"});
  EXPECT_EQ(notes_for("silent", std::vector<float>(16000 * 5, 0.0f)),
            std::vector<std::string>{at + "silent.wav is silent (-inf dBFS over the 4.000 s the call reads): P.862 finds no "
                                          "speech to score; a talker should be a speech recording"});
  std::vector<float> tone;
  for (int i = 0; i < 4000; ++i) tone.push_back(0.25f * static_cast<float>(std::sin(2 * M_PI * 440 * i / 16000.0)));
  EXPECT_EQ(notes_for("short", tone),
            std::vector<std::string>{at + "short.wav is only 250 ms long: it repeats every 250 ms over each talk span, not "
                                          "running speech; P.862 is made for speech"});
  // At -69 dBFS beside a large offset: not silent, but the offset is noted (the codec removes it,
  // the reference keeps it); a tone a second long: no note.
  std::vector<float> quiet;
  for (int i = 0; i < 16000 * 5; ++i) quiet.push_back(0.5f + 0.000355f * static_cast<float>(std::sin(2 * M_PI * 440 * i / 16000.0)) * 1.4142f);
  EXPECT_EQ(notes_for("quiet", quiet),
            std::vector<std::string>{at + "quiet.wav has a DC offset of -6.0 dBFS over the 4.000 s the call reads: the "
                                          "codec removes it from what it sends, the reference keeps it (P.862 may count "
                                          "the difference); remove it from the file"});
  // A DC offset under -50 dBFS is not noted.
  for (float& v : quiet) v = v - 0.5f + 0.003f;
  EXPECT_TRUE(notes_for("small_offset", quiet).empty());
  tone.resize(16000, 0.0f);
  for (int i = 4000; i < 16000; ++i) tone[i] = 0.25f * static_cast<float>(std::sin(2 * M_PI * 440 * i / 16000.0));
  EXPECT_TRUE(notes_for("second", tone).empty());
}

}  // namespace
}  // namespace callsim::scenario
