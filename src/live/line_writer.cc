#include "live/line_writer.h"

#include <stdexcept>

namespace callsim::live {

void LineWriter::open(File& file, const std::filesystem::path& path) {
  if (path.empty()) return;
  file.output = std::make_unique<AtomicOutput>(path);
  file.f = std::fopen(file.output->temp_path().c_str(), "wb");
  if (!file.f) throw std::runtime_error(file.output->temp_path().string() + ": cannot create");
}

LineWriter::LineWriter(std::ostream* stream, const std::filesystem::path& stats_file,
                       const std::filesystem::path& events_file)
    : stream_(stream) {
  open(stats_, stats_file);
  open(events_, events_file);
  thread_ = std::thread([this] { loop(); });
}

LineWriter::~LineWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  for (File* f : {&stats_, &events_})
    if (f->f) std::fclose(f->f);
}

void LineWriter::write(Kind kind, std::string line) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.emplace_back(kind, std::move(line));
  }
  wake_.notify_one();
}

void LineWriter::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
    if (queue_.empty() && closing_) return;
    auto [kind, line] = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    line += '\n';
    if (stream_) {
      *stream_ << line;
      stream_->flush();
    }
    File* file = kind == Kind::kStats ? &stats_ : kind == Kind::kEvent ? &events_ : nullptr;
    if (file && file->f && std::fwrite(line.data(), 1, line.size(), file->f) != line.size()) failed_ = true;
    lock.lock();
  }
}

void LineWriter::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  for (File* f : {&stats_, &events_}) {
    if (!f->f) continue;
    const bool bad = std::fclose(f->f) != 0;
    f->f = nullptr;
    if (bad || failed_) throw std::runtime_error(f->output->temp_path().string() + ": write failed");
    f->output->commit();
  }
}

}  // namespace callsim::live
