// The bytes of an audio file, wherever they are: a regular file on disk (read in place with
// pread, never loaded whole) or a buffer in memory (built-in talkers, fuzzing). Both are decoded
// by the same code (audio_file.cc), through libsndfile's virtual I/O.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "common/file_read.h"

namespace callsim::audio {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Copies up to n bytes from `offset`; returns how many (fewer at the end).
  virtual size_t read_at(uint64_t offset, void* buffer, size_t n) const = 0;
  // The name used in errors (a path, or "builtin:en_female").
  virtual const std::string& label() const = 0;
};

// A regular file (FIFOs, devices and folders are refused with an InputError naming the path).
class FileSource final : public ByteSource {
 public:
  explicit FileSource(const std::string& path) : file_(path, "audio file") {}
  uint64_t size() const override { return file_.size(); }
  size_t read_at(uint64_t offset, void* buffer, size_t n) const override {
    return file_.read_at(offset, buffer, n);
  }
  const std::string& label() const override { return file_.path(); }

 private:
  RegularFile file_;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::span<const char> bytes, std::string label) : bytes_(bytes), label_(std::move(label)) {}
  uint64_t size() const override { return bytes_.size(); }
  size_t read_at(uint64_t offset, void* buffer, size_t n) const override;
  const std::string& label() const override { return label_; }

 private:
  std::span<const char> bytes_;
  std::string label_;
};

}  // namespace callsim::audio
