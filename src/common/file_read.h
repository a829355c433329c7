// Reading input files defensively: only regular files (a FIFO, a device such as /dev/zero or a
// folder is refused before anything is read, so nothing hangs or fills memory), with a size limit
// per kind of file. Errors are InputError naming the path (exit code 2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace callsim {

// Input size limits, stated in README.md ("Limits").
constexpr uint64_t kMaxJsonFileBytes = 16ull << 20;   // scenario, matrix, profile, baseline files
constexpr uint64_t kMaxTraceFileBytes = 64ull << 20;  // link trace CSV and Mahimahi files
constexpr uint64_t kMaxResultsFileBytes = 1ull << 30;  // results.jsonl and a call's CSVs read back (1 GiB)

// "a folder", "a FIFO", "a character device", ... for an existing path that is not a regular
// file; "" for a regular file. Throws InputError when the path does not exist or cannot be
// examined. Symbolic links are followed.
std::string non_regular_kind(const std::string& path);

// Throws InputError unless `path` is an existing regular file: "<what> '<path>' is a FIFO; only
// regular files are read". `what` names the role ("audio file", "trace").
void require_regular_file(const std::string& path, std::string_view what);

// Reads a whole regular file of at most `max_bytes` bytes. Opens without blocking (a FIFO that
// appears between the check and the open is still refused), checks the type and size on the
// open descriptor, then reads. Throws InputError naming the path.
std::string read_regular_file(const std::string& path, uint64_t max_bytes, std::string_view what);

// An open, checked regular file for readers that want to read only parts (audio headers).
// The descriptor is closed by the destructor.
class RegularFile {
 public:
  RegularFile(const std::string& path, std::string_view what);
  ~RegularFile();
  RegularFile(const RegularFile&) = delete;
  RegularFile& operator=(const RegularFile&) = delete;

  int fd() const { return fd_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Reads up to `n` bytes at `offset`; returns the count (less at the end of the file).
  size_t read_at(uint64_t offset, void* buffer, size_t n) const;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace callsim
