#include "live/fate_writer.h"

#include <stdexcept>

namespace callsim::live {
namespace net = sim::net;

FateLogWriter::FateLogWriter(std::filesystem::path path, const std::string& header_comment)
    : output_(std::move(path)) {
  file_ = std::fopen(output_.temp_path().c_str(), "wb");
  if (!file_) throw std::runtime_error(output_.temp_path().string() + ": cannot create the fate log");
  buffer_ = header_comment;
  buffer_ += std::string(net::kFateLogHeader) + "\n";
}

FateLogWriter::~FateLogWriter() {
  if (file_) std::fclose(file_);
}

void FateLogWriter::add(const net::FateRecord& record) {
  pending_.push_back({record, record.fate != net::DropCause::kNone});
  flush_ready();
}

void FateLogWriter::released(uint64_t index, bool duplicate, sim::Timestamp t, std::string_view note) {
  for (Pending& p : pending_) {
    if (p.record.index != index || p.record.duplicate != duplicate || p.done) continue;
    p.record.release = t;
    p.record.note = note;
    p.done = true;
    break;
  }
  flush_ready();
}

void FateLogWriter::control(const net::FateControl& control) {
  controls_.push_back(control);
  if (pending_.empty()) write_controls_up_to(control.index);
}

void FateLogWriter::write_controls_up_to(uint64_t index) {
  while (!controls_.empty() && controls_.front().index <= index) {
    net::append_control_line(buffer_, controls_.front());
    controls_.pop_front();
  }
}

void FateLogWriter::flush_ready() {
  while (!pending_.empty() && pending_.front().done) {
    const net::FateRecord& r = pending_.front().record;
    if (!r.duplicate) write_controls_up_to(r.index);
    net::append_fate_line(buffer_, r);
    pending_.pop_front();
  }
  if (buffer_.size() >= 1 << 16) drain_buffer();
}

void FateLogWriter::drain_buffer() {
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) failed_ = true;
  buffer_.clear();
}

void FateLogWriter::commit() {
  for (Pending& p : pending_) {
    if (p.done) continue;
    p.record.note = "stopped";
    p.done = true;
  }
  flush_ready();
  write_controls_up_to(UINT64_MAX);
  drain_buffer();
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed_ || close_failed) throw std::runtime_error(output_.temp_path().string() + ": write failed");
  output_.commit();
}

}  // namespace callsim::live
