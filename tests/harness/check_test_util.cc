#include "check_test_util.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "audio/audio.h"

namespace callsim::harness::checkutil {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// 4 s of 100 ms bins: delay ramps 40 → 79 ms, a loss every 7th bin, buffer level 60 ms, target 70.
std::string timeline_csv(double loss) {
  std::string out =
      "start_ms,packets_sent,packets_lost,packets_arrived,network_delay_ms,buffer_delay_ms,target_delay_ms,"
      "concealed_frames,stretched_frames,fec_frames,mouth_to_ear_ms\n";
  for (int b = 0; b < 40; ++b) {
    const int lost = (b % 7 == 3 && loss > 0) ? 1 : 0;
    out += std::to_string(b * 100) + ",5," + std::to_string(lost) + "," + std::to_string(5 - lost) + "," +
           fixed(40.0 + b, 3) + ",60.000,70.000," + std::to_string(2 * lost) + ",0,0," + fixed(140.0 + b, 3) +
           "\n";
  }
  return out;
}

// 400 frames of 10 ms; mouth-to-ear 120 + (i mod 50) ms; every 70th frame concealed.
std::string frames_csv() {
  std::string out = "frame,play_ms,type,mouth_to_ear_ms,buffer_delay_ms,target_delay_ms\n";
  for (int i = 0; i < 400; ++i) {
    const bool concealed = i % 70 == 35;
    out += std::to_string(i) + "," + fixed(10.0 * i, 6) + "," + (concealed ? "expand" : "normal") + "," +
           (concealed ? "" : fixed(120.0 + i % 50, 6)) + ",60.000,70.000\n";
  }
  return out;
}

// 200 packets of 20 ms; delay 40 + (i mod 40) ms; every 50th lost.
std::string packets_csv() {
  std::string out = "sequence,send_ms,arrival_ms,delay_ms,cause,duplicate,corrupted\n";
  for (int i = 0; i < 200; ++i) {
    const double send = 20.0 * i, delay = 40.0 + i % 40;
    if (i % 50 == 25)
      out += std::to_string(1000 + i) + "," + fixed(send, 6) + ",,,random_loss,0,0\n";
    else
      out += std::to_string(1000 + i) + "," + fixed(send, 6) + "," + fixed(send + delay, 6) + "," +
             fixed(delay, 6) + ",,0,0\n";
  }
  return out;
}

json pesq_json(double mos) {
  json windows = json::array();
  for (int w = 0; w < 4; ++w)
    windows.push_back({{"start_s", w},
                       {"end_s", w + 1},
                       {"reference_speech_s", 0.6},
                       {"scored", true},
                       {"raw", mos - 0.2},
                       {"mos_lqo", mos - 0.1 * w}});
  return {{"sample_rate_hz", 16000}, {"raw", mos - 0.2}, {"mos_lqo", mos},
          {"scored_windows", 4},     {"speech_s", 2.4},  {"windows", windows}};
}

json direction_json(const std::string& from, const std::string& to,
                    const std::map<std::string, double>& metrics, double mos) {
  const std::string f = from + "-to-" + to + "/";
  return {{"from", from},
          {"to", to},
          {"sample_rate_hz", 16000},
          {"metrics", metrics},
          {"notes", json::array()},
          {"network",
           {{"sent", 200},
            {"delivered", 196},
            {"lost", 4},
            {"loss_rate", 0.02},
            {"jitter_ms", 5.5},
            {"delay_ms",
             {{"mean", 59.5}, {"p50", 59.5}, {"p95", 77.0}, {"p99", 79.0}, {"min", 40.0}, {"max", 79.0}}}}},
          {"rtp", {{"packetsSent", 200}, {"packetsReceived", 196}, {"packetsLost", 4}, {"jitter_ms", 5.5}}},
          {"jitter_buffer",
           {{"concealedSamples", 960}, {"concealmentEvents", 5}, {"jitterBufferDelayMean_ms", 60.0}}},
          {"quality",
           {{"pesq_nb", pesq_json(mos)},
            {"pesq_wb", pesq_json(mos)},
            {"emodel", {{"model", "G.107.1"}, {"r", 85.0}, {"mos_cqe", 4.1}, {"ie", 10.0}, {"bpl", 20.0}}}}},
          {"files",
           {{"reference", f + "reference.wav"},
            {"degraded", f + "degraded.wav"},
            {"timeline", f + "timeline.csv"},
            {"frames", f + "frames.csv"},
            {"packets", f + "packets.csv"},
            {"pcap", f + "receiver.pcap"}}}};
}

void write_direction_files(const fs::path& dir, double loss) {
  fs::create_directories(dir);
  write_file(dir / "timeline.csv", timeline_csv(loss));
  write_file(dir / "frames.csv", frames_csv());
  write_file(dir / "packets.csv", packets_csv());
  audio::Signal s{16000, std::vector<float>(16000)};
  for (size_t i = 0; i < s.samples.size(); ++i)
    s.samples[i] = 0.25f * static_cast<float>(std::sin(0.1 * static_cast<double>(i)));
  audio::write_audio16(dir / "reference.wav", s);
  for (size_t i = 0; i < s.samples.size(); i += 7) s.samples[i] = 0;
  audio::write_audio16(dir / "degraded.wav", s);
}

// result.json's scenario/links: alice->bob a profile with an override, bob->alice inline.
json scenario_links(double loss) {
  const json profile = {{"description", "A test profile."},
                        {"delay", {{"base_ms", 40}, {"jitter_ms", 10}, {"distribution", "normal"}}},
                        {"loss", {{"model", "bernoulli"}, {"p", loss}}},
                        {"phases", {{{"name", "outage"}, {"start_s", 1.0}, {"end_s", 1.2}, {"outage", true}}}}};
  return {{"alice->bob",
           {{"profile", "test_profile"},
            {"profile_file", "scenarios/profiles/test_profile.json"},
            {"profile_settings", profile},
            {"override", {{"rate", {{"kbps", 64}}}}}}},
          {"bob->alice", {{"delay", {{"base_ms", 40}}}, {"loss", {{"model", "bernoulli"}, {"p", loss}}}}}};
}

CallRecord sweep_record(const SweepCall& c) {
  auto m = good_metrics();
  m["mos_lqo_nb"] = m["mos_lqo_wb"] = c.mos;
  m["packet_loss_ratio"] = c.loss;
  m["mouth_to_ear_p95_ms"] = c.mouth_to_ear;
  CallRecord r = make_call(c.id, m, c.passed);
  r.params = {{"codec", c.codec}, {"network", "loss" + fixed(100 * c.loss, 0)}};
  r.dir = "calls/" + c.id;
  return r;
}

}  // namespace

void write_file(const fs::path& path, const std::string& text) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::map<std::string, double> good_metrics() {
  return {{"mos_lqo_nb", 4.0},
          {"mos_lqo_wb", 4.2},
          {"emodel_r_wb", 85.0},
          {"mouth_to_ear_p95_ms", 200.0},
          {"mouth_to_ear_mean_ms", 150.0},
          {"packet_loss_ratio", 0.02},
          {"concealed_ratio", 0.01}};
}

CallRecord make_call(const std::string& id, const std::map<std::string, double>& metrics, bool passed) {
  CallRecord c;
  c.id = id;
  c.scenario = "smoke_call";
  c.file = "scenarios/matrices/smoke.json";
  c.seed = 1;
  c.passed = passed;
  c.metrics["alice->bob"] = metrics;
  c.metrics["bob->alice"] = metrics;
  // The expectation's verdict is the call's and its figure gives it (the readers refuse one it does
  // not): met at 3 (or 1, below 3), failed at 4.5 (or above the scale's top); a passed call whose
  // MOS was not measured has none.
  const auto measured = metrics.count("mos_lqo_nb") ? std::optional(metrics.at("mos_lqo_nb")) : std::nullopt;
  if (!measured && passed) return c;
  const std::string expect = passed ? (*measured >= 3 ? "mos_lqo_nb >= 3" : "mos_lqo_nb >= 1")
                                    : (!measured || *measured < 4.5 ? "mos_lqo_nb >= 4.5" : "mos_lqo_nb > 4.64");
  c.expectations.push_back({"alice->bob", expect, measured,
                            passed ? results::ExpectationStatus::kPassed : results::ExpectationStatus::kFailed, ""});
  return c;
}

json record_json(const CallRecord& c) { return results::record_to_json(c); }

void write_results(const fs::path& file, const std::vector<CallRecord>& calls) {
  std::string text;
  for (const auto& c : calls) text += record_json(c).dump() + "\n";
  write_file(file, text);
}

fs::path write_sweep(const fs::path& dir, const std::vector<SweepCall>& calls) {
  std::vector<CallRecord> records;
  for (const auto& c : calls) {
    records.push_back(sweep_record(c));
    const CallRecord& r = records.back();
    json directions = json::object();
    for (const auto& [direction, metrics] : r.metrics) {
      const auto arrow = direction.find("->");
      const std::string from = direction.substr(0, arrow), to = direction.substr(arrow + 2);
      directions[direction] = direction_json(from, to, metrics, c.mos);
      write_direction_files(dir / r.dir / (from + "-to-" + to), c.loss);
    }
    const json result = {
        {"callsim_version", "0.1.0"},
        {"passed", c.passed},
        {"expectations", record_json(r)["expectations"]},
        {"scenario", {{"name", r.scenario}, {"file", r.file}, {"seed", 1}, {"duration_s", 4.0},
                      {"description", "Synthetic call <" + c.id + "> for the report tests."},
                      {"source", "Formulas in tests/harness/check_test_util.cc."},
                      {"tags", {"synthetic", c.codec}},
                      {"links", scenario_links(c.loss)}}},
        {"directions", directions}};
    write_file(dir / r.dir / "result.json", result.dump(2) + "\n");
  }
  write_results(dir / "results.jsonl", records);
  return dir;
}

int run_callsim(const std::vector<std::string>& args, const fs::path& log, uint64_t file_size_limit) {
#ifdef CALLSIM_BINARY_DIR
  const std::string binary = std::string(CALLSIM_BINARY_DIR) + "/callsim";
#else
  const std::string binary = "callsim";
#endif
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    std::FILE* f = std::fopen(log.c_str(), "w");
    if (f) {
      ::dup2(::fileno(f), 1);
      ::dup2(::fileno(f), 2);
    }
    if (file_size_limit > 0) {
      ::signal(SIGXFSZ, SIG_IGN);  // write() then fails with EFBIG instead of killing the process
      const rlimit limit{file_size_limit, file_size_limit};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace callsim::harness::checkutil
