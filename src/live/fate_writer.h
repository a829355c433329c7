// Writes one direction's fate log (format: sim/net/fate_log.h) while the relay runs. Records come
// in packet order when the link decides their fate; a delivered copy is complete only when it has
// been released, so lines wait in a small reorder queue (the packets in flight) and leave in index
// order, with each control line before the first packet it applied to. The file is written to a
// temporary name and renamed into place by commit(), so a reader never sees a partial log; copies
// still in flight at commit() are logged as not released (note "stopped").
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/atomic_file.h"
#include "sim/net/fate_log.h"

namespace callsim::live {

class FateLogWriter {
 public:
  // Throws std::runtime_error when the temporary file cannot be created.
  FateLogWriter(std::filesystem::path path, const std::string& header_comment);
  ~FateLogWriter();
  FateLogWriter(const FateLogWriter&) = delete;
  FateLogWriter& operator=(const FateLogWriter&) = delete;

  void add(const sim::net::FateRecord& record);
  // A pending delivered copy was sent at `t` (link time), or could not be (t infinite, `note` why).
  void released(uint64_t index, bool duplicate, sim::Timestamp t, std::string_view note = {});
  void control(const sim::net::FateControl& control);
  // Flushes everything and renames the file into place. Throws std::runtime_error on I/O errors.
  void commit();
  size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    sim::net::FateRecord record;
    bool done = false;
  };
  void flush_ready();
  void write_controls_up_to(uint64_t index);
  void drain_buffer();

  AtomicOutput output_;
  std::FILE* file_ = nullptr;
  std::deque<Pending> pending_;
  std::deque<sim::net::FateControl> controls_;
  std::string buffer_;
  bool failed_ = false;
};

}  // namespace callsim::live
