#include "common/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "common/error.h"

namespace callsim {
namespace {

std::filesystem::path temp_name_for(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  std::string name = "." + target.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                     std::to_string(counter.fetch_add(1));
  return target.parent_path() / name;
}

// Names the file the user asked for (not the temporary beside it) and the system's reason.
[[noreturn]] void fail(const std::string& what, const std::filesystem::path& target) {
  throw EnvironmentError(target.string() + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view data) {
  AtomicOutput out(path);
  const int fd = ::open(out.temp_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot write", out.target());
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      fail("write failed", out.target());
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) fail("write failed", out.target());
  out.commit();
}

AtomicOutput::AtomicOutput(std::filesystem::path target)
    : target_(std::move(target)), temp_(temp_name_for(target_)) {}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void AtomicOutput::commit() {
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw EnvironmentError(target_.string() + ": cannot rename into place: " + ec.message());
  committed_ = true;
}

}  // namespace callsim
