#include "sweep_test_util.h"

#include "results/call_record.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace callsim::harness::testutil {

namespace fs = std::filesystem;
using nlohmann::json;

void write_text(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_json(const fs::path& path, const json& doc) { write_text(path, doc.dump(2) + "\n"); }

json short_call(const std::string& name, double duration_s, bool two_way) {
  const json codec = {{"sample_rate_hz", 16000}, {"bitrate_kbps", 20}};
  const json link = {{"delay", {{"base_ms", 30}, {"jitter_ms", 5}, {"distribution", "normal"}}},
                     {"loss", {{"model", "bernoulli"}, {"p", 0.02}}}};
  json doc = {{"name", name},
              {"duration_s", duration_s},
              {"seed", 1},
              {"peers",
               {{"alice", {{"talker", "en_female"}, {"codec", codec}}},
                {"bob", {{"talker", "en_male"}, {"codec", codec}}}}},
              {"links", {{"alice->bob", link}}},
              {"scoring", {{"pesq", false}}},
              {"expect", {{"all", {"concealed_ratio <= 0.5"}}}}};
  if (two_way) doc["links"]["bob->alice"] = link;
  return doc;
}

pid_t spawn(const std::vector<std::string>& argv, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

int run(const std::vector<std::string>& argv, const fs::path& log) { return wait_exit(spawn(argv, log)); }

json summary_without_timing(const fs::path& sweep_dir) {
  json s = json::parse(read_text(sweep_dir / "summary.json"));
  s.erase("timing");
  return s;
}

}  // namespace callsim::harness::testutil

namespace callsim::harness {

ResultLines read_results(const std::filesystem::path& file) {
  ResultLines out;
  out.lines = results::read_results_file(file).lines;
  for (const auto& l : out.lines) out.records.push_back(nlohmann::json::parse(l));
  return out;
}

}  // namespace callsim::harness
