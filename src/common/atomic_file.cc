#include "common/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.h"
#include "common/staged_dir.h"

namespace callsim {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& p, int err) {
  throw OutputError(p.string(), what + ": " + std::strerror(err));
}

}  // namespace

void refuse_output_over_input(const std::filesystem::path& output, const std::string& option,
                              const std::vector<std::filesystem::path>& inputs) {
  std::error_code ec;
  if (!std::filesystem::exists(output, ec)) return;
  for (const auto& input : inputs)
    if (std::filesystem::equivalent(output, input, ec))
      throw InputError(output.string(), option,
                       "is a file this command reads (" + input.string() + "); writing it would destroy the input");
}

void write_file_atomic(const std::filesystem::path& path, std::string_view data) {
  AtomicOutput out(path, 0644);
  const int fd = ::open(out.temp_path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) fail("cannot create", path, errno);
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      fail("cannot write", path, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) fail("cannot write", path, errno);  // NFS and quotas report here
  out.commit();
}

// The temporary is locked through a descriptor of our own, opened when the file is created
// (O_CREAT|O_EXCL, then flock before anything is written), not through the writer's: libsndfile
// and stdio open the file again by path, and close it before commit(). An flock belongs to the
// open file description it was taken on, so their opens and closes of the same file neither take
// nor drop it (a POSIX fcntl lock would be dropped by any close of the file in this process); it
// is dropped when we close our descriptor, after the rename or the removal, or when the process
// dies. They open it without O_EXCL and truncate it, so they write into the locked file; none of
// them replaces it by another file of that name.
AtomicOutput::AtomicOutput(std::filesystem::path target, mode_t mode) : target_(std::move(target)) {
  // A killed writer's temporary stayed beside its target for good (in reports/ next to the
  // baseline, `git add -A` took it); the next writer there removes those nobody holds.
  const std::filesystem::path parent = target_.has_parent_path() ? target_.parent_path() : ".";
  std::error_code ec;
  if (std::filesystem::is_directory(parent, ec)) remove_stale_temporaries_once(parent);
  LockedTemporary temp = make_locked_temporary(target_, false, mode);
  temp_ = std::move(temp.path);
  lock_fd_ = temp.fd;
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void AtomicOutput::commit() {
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw OutputError(target_.string(), "cannot rename into place: " + ec.message());
  committed_ = true;
  ::close(lock_fd_);
  lock_fd_ = -1;
}

}  // namespace callsim
