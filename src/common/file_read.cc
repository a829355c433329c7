#include "common/file_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace callsim {
namespace {

std::string kind_of(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string size_text(uint64_t bytes) {
  if (bytes >= (1ull << 20)) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

[[noreturn]] void refuse(const std::string& path, std::string_view what, const std::string& kind) {
  throw InputError(path, "", std::string(what) + " is " + kind + "; only regular files are read");
}

}  // namespace

std::string non_regular_kind(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    throw InputError(path, "",
                     err == ENOENT ? "no such file" : std::string("cannot open: ") + std::strerror(err));
  }
  return kind_of(st.st_mode);
}

void require_regular_file(const std::string& path, std::string_view what) {
  if (const std::string kind = non_regular_kind(path); !kind.empty()) refuse(path, what, kind);
}

RegularFile::RegularFile(const std::string& path, std::string_view what) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd_ < 0) {
    const int err = errno;
    throw InputError(path, "",
                     err == ENOENT ? "no such file" : std::string("cannot open: ") + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int err = errno;
    ::close(fd_);
    throw InputError(path, "", std::string("cannot examine: ") + std::strerror(err));
  }
  if (const std::string kind = kind_of(st.st_mode); !kind.empty()) {
    ::close(fd_);
    refuse(path, what, kind);
  }
  size_ = static_cast<uint64_t>(st.st_size);
}

RegularFile::~RegularFile() {
  if (fd_ >= 0) ::close(fd_);
}

size_t RegularFile::read_at(uint64_t offset, void* buffer, size_t n) const {
  size_t done = 0;
  auto* out = static_cast<char*>(buffer);
  while (done < n) {
    const ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw InputError(path_, "byte " + std::to_string(offset + done),
                       std::string("read error: ") + std::strerror(errno));
    }
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  return done;
}

std::string read_regular_file(const std::string& path, uint64_t max_bytes, std::string_view what) {
  const RegularFile file(path, what);
  if (file.size() > max_bytes)
    throw InputError(
        path, "",
        std::string(what) + " is " + size_text(file.size()) + "; the limit is " + size_text(max_bytes));
  std::string text(file.size(), '\0');
  text.resize(file.read_at(0, text.data(), text.size()));
  return text;
}

}  // namespace callsim
