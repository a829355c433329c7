#include "hardening_util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace callsim::hardening {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void exec_child(const std::vector<std::string>& args, int out_fd, int err_fd, long fsize_limit) {
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  if (fsize_limit > 0) {
    ::signal(SIGXFSZ, SIG_IGN);  // writes past the limit fail with EFBIG instead of killing
    const rlimit lim{static_cast<rlim_t>(fsize_limit), static_cast<rlim_t>(fsize_limit)};
    ::setrlimit(RLIMIT_FSIZE, &lim);
  }
  const std::string binary = std::string(CALLSIM_BINARY_DIR) + "/callsim";
  std::vector<char*> argv{const_cast<char*>(binary.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(binary.c_str(), argv.data());
  ::_exit(127);
}

long rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  while (in >> key) {
    if (key == "VmRSS:" && in >> value) return value;
    in.ignore(1 << 12, '\n');
  }
  return 0;
}

// Reads both pipes until the child closes them or the deadline passes, sampling its memory.
bool drain(pid_t pid, int out_fd, int err_fd, CliResult& r, std::chrono::steady_clock::time_point deadline,
           const std::function<void(long)>& on_sample) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    const long rss = rss_kb(pid);
    r.peak_rss_kb = std::max(r.peak_rss_kb, rss);
    if (on_sample && rss > 0) on_sample(rss);
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (::poll(fds, 2, static_cast<int>(std::min<long>(left.count(), 500))) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  return true;
}

}  // namespace

CliResult run_cli(const std::vector<std::string>& args, double timeout_s, long fsize_limit_bytes,
                  const std::function<void(long)>& on_sample) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) exec_child(args, out_pipe[1], err_pipe[1], fsize_limit_bytes);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  CliResult r;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::milliseconds(std::llround(timeout_s * 1000));
  if (!drain(pid, out_pipe[0], err_pipe[0], r, deadline, on_sample)) {
    r.timed_out = true;
    ::kill(pid, SIGKILL);
  }
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json small_scenario(const std::string& name, double seconds) {
  return {{"name", name},
          {"duration_s", seconds},
          {"peers", {{"alice", {{"talker", "en_female"}}}, {"bob", nlohmann::json::object()}}},
          {"links", {{"alice->bob", {{"delay", {{"base_ms", 40}}}}}}},
          {"scoring", {{"pesq", false}}}};
}

namespace {
std::string le(uint32_t v, int bytes) {
  std::string s;
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}

// RIFF/WAVE with a 16-byte fmt chunk (format tag 1: PCM, 3: IEEE float) and `data` as given.
void write_wav_chunks(const fs::path& path, uint16_t format, uint32_t rate, int channels, int bits,
                      const std::string& data) {
  const uint32_t block = static_cast<uint32_t>(bits / 8 * channels);
  const std::string fmt = le(format, 2) + le(static_cast<uint32_t>(channels), 2) + le(rate, 4) +
                          le(rate * block, 4) + le(block, 2) + le(static_cast<uint32_t>(bits), 2);
  const std::string body =
      "WAVEfmt " + le(16, 4) + fmt + "data" + le(static_cast<uint32_t>(data.size()), 4) + data;
  write_text(path, "RIFF" + le(static_cast<uint32_t>(body.size()), 4) + body);
}
}  // namespace

void write_wav(const fs::path& path, uint32_t rate, int frames, int channels) {
  std::string data;
  for (int i = 0; i < frames; ++i) {
    const auto v = static_cast<int16_t>(8000 * std::sin(2 * M_PI * 440.0 * i / 8000.0));
    for (int c = 0; c < channels; ++c) data += le(static_cast<uint16_t>(v), 2);
  }
  write_wav_chunks(path, 1, rate, channels, 16, data);
}

void write_float_wav(const fs::path& path, uint32_t rate, const std::vector<float>& samples, int channels) {
  std::string data;
  for (float x : samples) {
    uint32_t bits = 0;
    std::memcpy(&bits, &x, sizeof bits);
    data += le(bits, 4);
  }
  write_wav_chunks(path, 3, rate, channels, 32, data);
}

std::string describe(const CliResult& r) {
  return "exit " + std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : "") +
         "\nstdout: " + r.out.substr(0, 2000) + "\nstderr: " + r.err.substr(0, 2000);
}

}  // namespace callsim::hardening
