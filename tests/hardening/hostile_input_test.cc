// Inputs that used to crash, hang or eat memory (issue 11, "Crashes, hangs, runaway memory"):
// each is now exit code 2 with a message naming the file and the place in it, before anything is
// written, and quickly (the time limits would catch a hang or a 20 GB allocation).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include "hardening_util.h"

namespace callsim::hardening {
namespace {

class HostileInput : public ::testing::Test {
 protected:
  Scratch dir{"hostile"};
  std::string scenario(const std::string& name, const nlohmann::json& doc) {
    write_text(dir / name, doc.dump());
    return dir / name;
  }
  std::string with_talker(const std::string& name, const std::string& talker_file) {
    auto doc = small_scenario();
    doc["peers"]["alice"]["talker"] = {{"file", talker_file}};
    return scenario(name, doc);
  }
  std::string with_trace(const std::string& name, const std::string& trace_file) {
    auto doc = small_scenario();
    doc["links"]["alice->bob"] = {{"trace", {{"file", trace_file}}}};
    return scenario(name, doc);
  }
};

void expect_refused(const CliResult& r, const std::string& message) {
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_FALSE(r.timed_out);
  EXPECT_NE(r.err.find(message), std::string::npos) << "expected: " << message << "\n" << describe(r);
}

TEST_F(HostileInput, WavClaiming2147483647HzIsRefusedByScoreRunAndValidate) {
  write_wav(dir.path() / "huge.wav", 2147483647u, 1000);
  write_wav(dir.path() / "ok.wav", 8000, 8000);
  const std::string msg =
      "huge.wav: byte 24: sample rate 2147483647 Hz is outside the supported 8000-384000 Hz";
  expect_refused(run_cli({"score", dir / "huge.wav", dir / "ok.wav"}), msg);
  const std::string s = with_talker("s.json", "huge.wav");
  expect_refused(run_cli({"validate", s}),
                 "s.json: /peers/alice/talker/file: talker file 'huge.wav': " + dir / "huge.wav");
  expect_refused(run_cli({"validate", s}), msg);
  expect_refused(run_cli({"run", s, "-o", dir / "out"}), msg);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

TEST_F(HostileInput, WavClaiming1HzIsRefusedAsTalkerAndAsDegradedFile) {
  write_wav(dir.path() / "one.wav", 1, 50);
  write_wav(dir.path() / "ok.wav", 8000, 8000);
  const std::string msg = "one.wav: byte 24: sample rate 1 Hz is outside the supported 8000-384000 Hz";
  expect_refused(run_cli({"score", dir / "ok.wav", dir / "one.wav"}, 20), msg);
  expect_refused(run_cli({"run", with_talker("s.json", "one.wav"), "-o", dir / "out"}, 20), msg);
}

// A NUL in a JSON string cut a talker file name short: "ok.wav\u0000nonexistent" read ok.wav.
TEST_F(HostileInput, ANulCharacterInAJsonStringIsRefused) {
  write_wav(dir.path() / "ok.wav", 8000, 8000);
  auto doc = small_scenario();
  doc["peers"]["alice"]["talker"] = {{"file", std::string("ok.wav\0nonexistent", 18)}};
  write_text(dir / "nul.json", doc.dump());
  for (const char* command : {"validate", "run"})
    expect_refused(run_cli({command, dir / "nul.json"}),
                   "nul.json: /peers/alice/talker/file: a string must not contain a NUL character (\\u0000)");
}

// P.862.2 of an 8 kHz reference printed 4.644 for identical files, where run says a call whose
// codec runs at 8 kHz has no wideband score.
TEST_F(HostileInput, AWidebandScoreOfANarrowbandReferenceIsRefused) {
  write_wav(dir.path() / "nb.wav", 8000, 8000);
  expect_refused(run_cli({"score", dir / "nb.wav", dir / "nb.wav", "--mode", "wb"}),
                 "nb.wav: a reference at 8000 Hz has no wideband content: P.862.2 (--mode wb) needs 16 kHz");
}

TEST_F(HostileInput, TooManyChannelsAreRefusedAndAStereoTalkerIsMixedDownWithANote) {
  write_wav(dir.path() / "wide.wav", 8000, 10, 40);
  expect_refused(run_cli({"validate", with_talker("a.json", "wide.wav")}),
                 "wide.wav: byte 22: 40 channels; supported are 1 to 32");
  write_wav(dir.path() / "stereo.wav", 16000, 16000, 2);
  const CliResult r = run_cli({"validate", with_talker("b.json", "stereo.wav")});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.err.find("note: " + dir / "b.json" + ": /peers/alice/talker: " + dir / "stereo.wav" +
                       " has 2 channels; mixed down to mono (their average)"),
            std::string::npos)
      << describe(r);
}

// A WAV cut short (its data chunk declares 2 s, the file holds 1.25 s: an interrupted copy or
// recording) was read as far as it goes without a word: a score or level of it looked like one
// of a complete file. Every command that reads it now says so; a streamed WAV's placeholder
// length (0xFFFFFFFF, what a writer that cannot seek back leaves) is expected and not noted. A
// placeholder of 0 is read the same way: libsndfile took it for an empty chunk, and the file was
// refused with "the audio file has no samples" although it held them.
TEST_F(HostileInput, AWavCutShortIsReadAsFarAsItGoesAndSaysSo) {
  write_wav(dir.path() / "whole.wav", 16000, 32000);  // 44-byte header + 64000 bytes
  const auto cut = [&](const std::string& name, uint64_t bytes, std::optional<uint32_t> data_size) {
    std::filesystem::copy_file(dir.path() / "whole.wav", dir.path() / name);
    std::filesystem::resize_file(dir.path() / name, bytes);
    if (data_size) {
      std::fstream f(dir.path() / name, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(40);
      const unsigned char le[4] = {static_cast<unsigned char>(*data_size), static_cast<unsigned char>(*data_size >> 8),
                                   static_cast<unsigned char>(*data_size >> 16),
                                   static_cast<unsigned char>(*data_size >> 24)};
      f.write(reinterpret_cast<const char*>(le), 4);
    }
  };
  cut("cut.wav", 44 + 40000, std::nullopt);          // 20000 of the 32000 frames
  cut("streamed.wav", 44 + 40000, 0xFFFFFFFFu);      // the same samples, a placeholder length
  cut("streamed0.wav", 44 + 40000, 0u);              // the same samples, a zero placeholder
  const std::string note = "cut.wav: its WAV header declares 2.000 s (32000 frames) but the file holds 1.250 s "
                           "(20000 frames): cut short; the 1.250 s that are there are used";

  const CliResult score = run_cli({"score", dir / "whole.wav", dir / "cut.wav", "--json"});
  EXPECT_NE(score.out.find(note), std::string::npos) << describe(score);
  const CliResult level = run_cli({"level", dir / "cut.wav"});
  EXPECT_EQ(level.exit_code, 0) << describe(level);
  EXPECT_NE(level.err.find("note: " + dir / "cut.wav" + ": its WAV header declares 2.000 s"), std::string::npos)
      << describe(level);
  EXPECT_NE(level.out.find("duration 1.25 s"), std::string::npos) << describe(level);
  const CliResult validate = run_cli({"validate", with_talker("cut.json", "cut.wav")});
  EXPECT_EQ(validate.exit_code, 0) << describe(validate);
  EXPECT_NE(validate.err.find("/peers/alice/talker: " + dir / note), std::string::npos) << describe(validate);

  for (const char* quiet : {"whole.wav", "streamed.wav", "streamed0.wav"}) {
    const CliResult s = run_cli({"score", dir / "whole.wav", dir / quiet, "--json"});
    EXPECT_EQ(s.out.find("cut short"), std::string::npos) << describe(s);
    const CliResult l = run_cli({"level", dir / quiet});
    EXPECT_EQ(l.exit_code, 0) << describe(l);
    EXPECT_EQ(l.err.find("cut short"), std::string::npos) << describe(l);
  }
  for (const char* streamed_file : {"streamed.wav", "streamed0.wav"}) {
    const CliResult streamed = run_cli({"level", dir / streamed_file});
    EXPECT_NE(streamed.out.find("duration 1.25 s"), std::string::npos) << streamed_file << describe(streamed);
  }
}

// NaN or infinite samples (a float WAV) are refused where they are read, naming the frame: by
// `score` on either side, and by `validate` as well as `run` for a talker, as far as the call
// reads it (the call's length + 1 s); beyond that the file is fine for both.
TEST_F(HostileInput, NanOrInfiniteSamplesAreRefusedWithTheirFrameByScoreValidateAndRun) {
  const uint32_t rate = 8000;
  std::vector<float> tone(4 * rate);
  for (size_t i = 0; i < tone.size(); ++i)
    tone[i] = static_cast<float>(0.3 * std::sin(2 * M_PI * 440.0 * static_cast<double>(i) / rate) *
                                 ((i / 4000) % 2 == 0 ? 1.0 : 0.01));
  write_float_wav(dir.path() / "ok.wav", rate, tone);
  std::vector<float> nan = tone;
  nan[12345] = std::numeric_limits<float>::quiet_NaN();
  write_float_wav(dir.path() / "nan.wav", rate, nan);
  std::vector<float> stereo;  // +infinity in the right channel of frame 777
  for (size_t i = 0; i < tone.size(); ++i) {
    stereo.push_back(tone[i]);
    stereo.push_back(i == 777 ? std::numeric_limits<float>::infinity() : tone[i]);
  }
  write_float_wav(dir.path() / "inf.wav", rate, stereo, 2);

  const std::string nan_msg = "nan.wav: frame 12345: audio contains NaN or infinite samples";
  expect_refused(run_cli({"score", dir / "ok.wav", dir / "nan.wav"}), nan_msg);
  expect_refused(run_cli({"score", dir / "nan.wav", dir / "ok.wav"}), nan_msg);
  expect_refused(run_cli({"score", dir / "ok.wav", dir / "inf.wav"}),
                 "inf.wav: frame 777: audio contains NaN or infinite samples");
  const CliResult fine = run_cli({"score", dir / "ok.wav", dir / "ok.wav", "--json"});
  EXPECT_EQ(fine.exit_code, 0) << describe(fine);

  const std::string s = with_talker("nan.json", "nan.wav");  // a 1 s call reads 2 s: frame 12345 is in it
  expect_refused(run_cli({"validate", s}), "nan.json: /peers/alice/talker/file: talker file 'nan.wav': ");
  expect_refused(run_cli({"validate", s}), nan_msg);
  expect_refused(run_cli({"run", s, "-o", dir / "out"}), nan_msg);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));

  std::vector<float> late = tone;  // NaN at 3.5 s: past what a 1 s call reads
  late[28000] = std::numeric_limits<float>::quiet_NaN();
  write_float_wav(dir.path() / "late.wav", rate, late);
  const std::string l = with_talker("late.json", "late.wav");
  const CliResult v = run_cli({"validate", l});
  EXPECT_EQ(v.exit_code, 0) << describe(v);
  const CliResult r = run_cli({"run", l, "-o", dir / "late_out", "--no-score"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
}

// A float file with finite samples far beyond full scale (found by fuzz_audio: 2.5e38 passed the
// NaN check, and resampling it for P.862 overflowed to infinity). Every sample must lie within
// +-1000 (60 dB above float full scale); 999 is still audio, however loud.
TEST_F(HostileInput, SamplesFarBeyondFullScaleAreRefusedWithTheirFrame) {
  const uint32_t rate = 8000;
  std::vector<float> tone(2 * rate);
  for (size_t i = 0; i < tone.size(); ++i)
    tone[i] = static_cast<float>(0.3 * std::sin(2 * M_PI * 440.0 * static_cast<double>(i) / rate));
  write_float_wav(dir.path() / "ok.wav", rate, tone);
  std::vector<float> huge = tone;
  huge[2345] = 2.5e38f;
  write_float_wav(dir.path() / "huge.wav", rate, huge);
  std::vector<float> stereo;  // left -1001, right +1001: the mix is 0, the file is still garbage
  for (size_t i = 0; i < tone.size(); ++i) {
    stereo.push_back(i == 99 ? -1001.0f : tone[i]);
    stereo.push_back(i == 99 ? 1001.0f : tone[i]);
  }
  write_float_wav(dir.path() / "beyond.wav", rate, stereo, 2);
  std::vector<float> loud = tone;
  loud[500] = 999.0f;
  write_float_wav(dir.path() / "loud.wav", rate, loud);

  const std::string msg =
      "huge.wav: frame 2345: sample value 2.5e+38 is beyond +-1000 (60 dB above float full scale, "
      "1.0): not audio";
  expect_refused(run_cli({"score", dir / "ok.wav", dir / "huge.wav"}), msg);
  expect_refused(run_cli({"score", dir / "huge.wav", dir / "ok.wav"}), msg);
  expect_refused(run_cli({"score", dir / "ok.wav", dir / "beyond.wav"}),
                 "beyond.wav: frame 99: sample value -1001 is beyond +-1000");
  const CliResult fine = run_cli({"score", dir / "ok.wav", dir / "loud.wav", "--json"});
  EXPECT_EQ(fine.exit_code, 0) << describe(fine);
  // As a talker it is accepted, and validate says what the call does to it.
  const CliResult noted = run_cli({"validate", with_talker("loud.json", "loud.wav")});
  EXPECT_EQ(noted.exit_code, 0) << describe(noted);
  EXPECT_NE(noted.err.find("loud.wav peaks 60.0 dB above full scale (float samples beyond +-1.0); the codec's "
                          "input is clipped there"),
            std::string::npos)
      << describe(noted);

  const std::string s = with_talker("huge.json", "huge.wav");
  expect_refused(run_cli({"validate", s}), msg);
  expect_refused(run_cli({"run", s, "-o", dir / "out"}), msg);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

// A float talker beyond full scale: the note says the codec's input is clipped, and the reference
// (16-bit PCM) is; the codec was given the unclipped samples, so the call scored audio that was
// never sent against its clipped reference (NB 2.72 against 3.52 for the same audio clipped
// beforehand). Now the degraded audio is the same as for the clipped file.
TEST_F(HostileInput, AFloatTalkerBeyondFullScaleIsSentClippedAsItsReferenceIs) {
  const uint32_t rate = 48000;  // the codec's rate: no resampling between the file and the codec
  std::vector<float> loud(2 * rate), clipped(2 * rate);
  for (size_t i = 0; i < loud.size(); ++i) {
    const double t = static_cast<double>(i) / rate;
    loud[i] = static_cast<float>(4.0 * std::sin(2 * M_PI * 220.0 * t) * (0.6 + 0.4 * std::sin(2 * M_PI * 3.0 * t)));
    clipped[i] = std::clamp(loud[i], -1.0f, 32767.0f / 32768.0f);
  }
  write_float_wav(dir.path() / "loud.wav", rate, loud);
  write_float_wav(dir.path() / "clipped.wav", rate, clipped);
  std::map<std::string, std::string> degraded;
  for (const std::string name : {"loud", "clipped"}) {
    const CliResult r = run_cli({"run", with_talker(name + ".json", name + ".wav"), "-o", dir / name, "--no-score"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    std::ifstream f(dir.path() / name / "alice-to-bob" / "degraded.wav", std::ios::binary);
    degraded[name] = std::string(std::istreambuf_iterator<char>(f), {});
  }
  EXPECT_GT(degraded["loud"].size(), 1000u);
  EXPECT_TRUE(degraded["loud"] == degraded["clipped"]) << "the loud file's call sent other audio than its clipped copy's";
  // The note went to stderr only: a sweep or report reading result.json lost it. result.json
  // keeps the input notes with the figures they qualify.
  const auto notes = nlohmann::json::parse(read_text(dir.path() / "loud" / "result.json"))["scenario"]["input_notes"];
  ASSERT_EQ(notes.size(), 1u) << notes.dump();
  EXPECT_NE(notes[0].get<std::string>().find("loud.wav peaks 12.0 dB above full scale (float samples beyond +-1.0); "
                                             "the codec's input is clipped there"),
            std::string::npos)
      << notes.dump();
  EXPECT_TRUE(nlohmann::json::parse(read_text(dir.path() / "clipped" / "result.json"))["scenario"]["input_notes"].empty());
}

// Peers "a-to-a" and "a": both directions' folders would be "a-to-a-to-a", and `run` wrote one
// direction's files over the other's (exit 0). Now validate and run refuse it at the second link.
TEST_F(HostileInput, PeerNamesThatGiveBothDirectionsOneFolderAreRefused) {
  auto doc = small_scenario();
  doc["peers"] = {{"a-to-a", {{"talker", "en_female"}}}, {"a", {{"talker", "en_male"}}}};
  doc["links"] = {{"a-to-a->a", {{"delay", {{"base_ms", 10}}}}}, {"a->a-to-a", {{"delay", {{"base_ms", 500}}}}}};
  const std::string s = scenario("fold.json", doc);
  const std::string msg = "fold.json: /links/a-to-a->a: this direction's output folder 'a-to-a-to-a' is also "
                          "that of 'a->a-to-a'; rename a peer";
  expect_refused(run_cli({"validate", s}), msg);
  expect_refused(run_cli({"run", s, "-o", dir / "out", "--no-score"}), msg);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
  doc["peers"] = {{"a-to-b", {{"talker", "en_female"}}}, {"b", {{"talker", "en_male"}}}};  // a-to-b-to-b, b-to-a-to-b
  doc["links"] = {{"a-to-b->b", nlohmann::json::object()}, {"b->a-to-b", nlohmann::json::object()}};
  const CliResult r = run_cli({"validate", scenario("distinct.json", doc)});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
}

// Seeds are 0 to 2^64 - 1 (`run --seed` takes them all, result.json records them). In a scenario
// or matrix file, one above 2^63 - 1 was refused by the schema check as "Expected number greater
// than or equal to 0" (valijson read it as a negative int64).
TEST_F(HostileInput, SeedsAbove2To63AreAcceptedInFilesAsOnTheCommandLine) {
  auto doc = small_scenario();
  doc["seed"] = std::numeric_limits<uint64_t>::max();
  const std::string s = scenario("seed.json", doc);
  const CliResult v = run_cli({"validate", s});
  EXPECT_EQ(v.exit_code, 0) << describe(v);
  const CliResult r = run_cli({"run", s, "-o", dir / "out", "--no-score", "--no-audio", "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto result = nlohmann::json::parse(read_text(dir.path() / "out" / "result.json"));
  EXPECT_EQ(result["scenario"]["seed"].get<uint64_t>(), std::numeric_limits<uint64_t>::max());
  write_text(dir.path() / "m.json", nlohmann::json{{"matrix", "m"},
                                                   {"base", "seed.json"},
                                                   {"axes", {{"seed", {18446744073709551615u, 9223372036854775808u, 9223372036854775809u, 1}}}}}
                                        .dump());
  const CliResult list = run_cli({"sweep", dir / "m.json", "--list"});
  EXPECT_EQ(list.exit_code, 0) << describe(list);
  // Distinct seeds stay distinct for the schema's uniqueItems (valijson compares numbers as doubles).
  EXPECT_EQ(list.out, "m/s1\nm/s9223372036854775808\nm/s9223372036854775809\nm/s18446744073709551615\n")
      << describe(list);
  doc["seed"] = -1;
  expect_refused(run_cli({"validate", scenario("neg.json", doc)}), "neg.json: /seed: -1 is not >= 0");
}

TEST_F(HostileInput, ScenarioNameOf50000And5MCharactersIsRefusedWithoutRecursion) {
  for (size_t length : {size_t{300}, size_t{50000}, size_t{5000000}}) {
    auto doc = small_scenario();
    doc["name"] = std::string(length, 'n');
    const std::string s = scenario("long.json", doc);
    const std::string msg =
        "long.json: /name: name must be 1 to 100 letters, digits, '_', '.', '-' (it names "
        "folders) (this one has " +
        std::to_string(length) + ")";
    expect_refused(run_cli({"validate", s}), msg);
    expect_refused(run_cli({"run", s, "-o", dir / "out"}), msg);
  }
}

TEST_F(HostileInput, DevZeroAndFifosAreNeverRead) {
  expect_refused(
      run_cli({"validate", with_talker("a.json", "/dev/zero")}, 20),
      "a.json: /peers/alice/talker/file: talker file '/dev/zero': /dev/zero: audio file is a character "
      "device; only regular files are read");
  expect_refused(run_cli({"run", dir / "a.json", "-o", dir / "out"}, 20), "only regular files are read");
  expect_refused(run_cli({"validate", with_trace("b.json", "/dev/zero")}, 20),
                 "b.json: /links/alice->bob/trace/file: packet trace '/dev/zero': /dev/zero: trace file is a "
                 "character device; only regular files are read");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  expect_refused(run_cli({"run", with_talker("c.json", "fifo"), "-o", dir / "out"}, 20),
                 "audio file is a FIFO; only regular files are read");
  expect_refused(run_cli({"validate", dir / "fifo"}, 20),
                 "fifo: JSON file is a FIFO; only regular files are read");
  expect_refused(run_cli({"score", dir / "fifo", dir / "fifo"}, 20), "audio file is a FIFO");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
  // Results read by check, baseline update and report --history: `check fifo` hung, `check
  // /dev/zero` grew to 24 GB, `baseline update /dev/null --allow-empty` wrote an empty baseline.
  expect_refused(run_cli({"check", dir / "fifo"}, 20), "fifo: results file is a FIFO; only regular files are read");
  expect_refused(run_cli({"check", "/dev/zero"}, 20), "/dev/zero: results file is a character device");
  expect_refused(run_cli({"baseline", "update", "/dev/null", "--allow-empty", "-o", dir / "empty_baseline.json"}, 20),
                 "/dev/null: results file is a character device");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "empty_baseline.json"));
}

// A link that replays a packet trace draws no loss, delay or reordering: given beside it (or set
// or ramped by a phase) they had no effect, with exit 0 and result.json showing them.
TEST_F(HostileInput, SettingsAPacketTraceReplacesAreRefusedBesideIt) {
  const std::string base = with_trace("t.json", "t.csv");
  write_text(dir.path() / "t.csv", "index,delay_ms\n0,10\n1,12\n2,lost\n");
  ASSERT_EQ(run_cli({"validate", base}).exit_code, 0);
  auto doc = nlohmann::json::parse(read_text(base));
  doc["links"]["alice->bob"]["loss"] = {{"model", "bernoulli"}, {"p", 0.9}};
  const std::string refusal = ": has no effect on a link that replays a packet trace";
  expect_refused(run_cli({"validate", scenario("loss.json", doc)}), "loss.json: /links/alice->bob/loss" + refusal);
  expect_refused(run_cli({"run", dir / "loss.json", "-o", dir / "out"}), "/links/alice->bob/loss" + refusal);
  doc["links"]["alice->bob"].erase("loss");
  doc["links"]["alice->bob"]["phases"] = {{{"name", "up"}, {"start_s", 0.5}, {"end_s", 1}, {"ramp", {{"delay.base_ms", {0, 500}}}}}};
  expect_refused(run_cli({"validate", scenario("ramp.json", doc)}),
                 "ramp.json: /links/alice->bob/phases/0/ramp/delay.base_ms" + refusal);
  doc["links"]["alice->bob"]["phases"] = {{{"name", "dup"}, {"start_s", 0.5}, {"end_s", 1}, {"set", {{"duplicate", {{"p", 0.1}}}}}}};
  EXPECT_EQ(run_cli({"validate", scenario("dup.json", doc)}).exit_code, 0) << "duplication still applies";
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

// A local profile that is not a regular file: a FIFO read "profile 'mine' not found", and a folder
// named profiles/3g.json was passed over for the built-in 3g without a word.
TEST_F(HostileInput, ALocalProfileThatIsNoRegularFileIsRefusedNotPassedOver) {
  std::filesystem::create_directories(dir.path() / "profiles/3g.json");
  ASSERT_EQ(::mkfifo((dir / "profiles/mine.json").c_str(), 0600), 0);
  auto doc = small_scenario();
  doc["links"]["alice->bob"] = {{"profile", "3g"}};
  expect_refused(run_cli({"validate", scenario("p3g.json", doc)}, 20),
                 "p3g.json: /links/alice->bob/profile: profile '3g': " + dir / "profiles/3g.json" +
                     ": JSON file is a folder; only regular files are read");
  doc["links"]["alice->bob"] = {{"profile", "mine"}};
  expect_refused(run_cli({"run", scenario("pmine.json", doc), "-o", dir / "out"}, 20),
                 "profile 'mine': " + dir / "profiles/mine.json" + ": JSON file is a FIFO; only regular files are read");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

TEST_F(HostileInput, ValuesThatPassedValidateButBrokeTheSimulatorAreRefusedByValidate) {
  auto doc = small_scenario();
  doc["links"]["alice->bob"] = {{"rate", {{"kbps", 1e-300}}}};
  expect_refused(run_cli({"validate", scenario("rate.json", doc)}),
                 "rate.json: /links/alice->bob/rate/kbps: 1e-300 is not 0 (unlimited) or in [1, 10000000]");
  for (const std::string v : {"nan", "inf", "1e15", "-0.5"}) {
    write_text(dir.path() / ("t_" + v + ".csv"), "index,delay_ms\n0,10\n1," + v + "\n2,10\n");
    const std::string s = with_trace("t_" + v + ".json", "t_" + v + ".csv");
    expect_refused(run_cli({"validate", s}),
                   "t_" + v + ".json: /links/alice->bob/trace/file: packet trace 't_" + v +
                       ".csv': " + dir / "t_" + v +
                       ".csv: byte 20 (line 3): expected a delay in ms (0 to 60000) or \"lost\"");
    expect_refused(run_cli({"run", s, "-o", dir / "out"}), "expected a delay in ms (0 to 60000)");
  }
  doc["links"]["alice->bob"] = {{"cross_traffic", {{"kbps", 900000}, {"packet_bytes", 1}}}};
  expect_refused(run_cli({"validate", scenario("cross.json", doc)}),
                 "cross.json: /links/alice->bob/cross_traffic: 900000 kbit/s in 1-byte packets is 112500000 "
                 "packets/s; the limit is 100000");
  doc["links"]["alice->bob"] = {{"delay", {{"base_ms", 1e15}}}};
  expect_refused(run_cli({"validate", scenario("delay.json", doc)}),
                 "delay.json: /links/alice->bob/delay/base_ms: 1e+15 is not in [0, 60000]");
}

TEST_F(HostileInput, NumberBeyondDoubleRangeNamesTheFileAndByte) {
  write_text(dir.path() / "big.json", R"({"name": "x", "duration_s": 1e400, "peers": {}, "links": {}})");
  expect_refused(run_cli({"validate", dir / "big.json"}),
                 dir / "big.json" + ": byte 28 (line 1, column 29): number overflow parsing '1e400'");
  expect_refused(run_cli({"run", dir / "big.json"}), "number overflow parsing '1e400'");
}

TEST_F(HostileInput, DuplicateKeysAreAnErrorAtTheirPointer) {
  write_text(dir.path() / "dup.json",
             R"({"name": "x", "peers": {"a": {"talker": "en_male", "talker": "de_male"}, "b": {}},
                 "links": {"a->b": {}}})");
  expect_refused(run_cli({"validate", dir / "dup.json"}),
                 dir / "dup.json" + ": /peers/a/talker: duplicate key 'talker'");
}

}  // namespace
}  // namespace callsim::hardening
