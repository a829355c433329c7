// Writes the relay's JSON lines (statistics, events, the final record) from its own thread, so a
// slow reader of stdout or a slow disk never delays a packet release. Each line goes to the
// stream (stdout) and, when a file is given for its kind, to that file — written under a temporary
// name and renamed into place by close(), like every other output of the relay.
#pragma once

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "common/atomic_file.h"

namespace callsim::live {

class LineWriter {
 public:
  enum class Kind { kStats, kEvent, kOther };
  // `stream` may be null; `stats_file` / `events_file` may be empty.
  LineWriter(std::ostream* stream, const std::filesystem::path& stats_file, const std::filesystem::path& events_file);
  ~LineWriter();
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  void write(Kind kind, std::string line);  // `line` without the newline
  // Writes everything queued, stops the thread and commits the files. Throws std::runtime_error.
  void close();

 private:
  struct File {
    std::unique_ptr<AtomicOutput> output;
    std::FILE* f = nullptr;
  };
  void loop();
  static void open(File& file, const std::filesystem::path& path);

  std::ostream* stream_;
  File stats_, events_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<Kind, std::string>> queue_;
  bool closing_ = false, failed_ = false;
  std::thread thread_;
};

}  // namespace callsim::live
