#include "common/output_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "common/error.h"
#include "common/staged_dir.h"

namespace callsim {

namespace {

InputError folder_in_use(const std::filesystem::path& dir) {
  return InputError(dir.string(), "",
                    "another callsim is writing this folder (a sweep, merge or report into it is running); wait for it "
                    "to finish or choose another folder");
}

}  // namespace

OutputLock::OutputLock(const std::filesystem::path& dir) : dir_(dir) {
  const std::filesystem::path file = dir / kOutputLockName;
  for (int attempt = 1;; ++attempt) {
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      const int err = errno;
      // The folder made by the caller is gone: a merge that made it too failed and removed it
      // (release_and_remove). Made again, as the caller made it.
      std::error_code ec;
      if (err == ENOENT && attempt < 100 && std::filesystem::create_directories(dir, ec) && !ec) continue;
      throw OutputError(file.string(), std::string("cannot create the lock file: ") + std::strerror(err));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd_);
      fd_ = -1;
      if (err == EWOULDBLOCK) throw folder_in_use(dir);
      throw OutputError(file.string(), std::string("cannot lock: ") + std::strerror(err));
    }
    // The lock file is the folder's only while the folder holds it: a merge swaps its new folder
    // in (without this file) and removes the old one. A lock taken on the file of a folder swapped
    // away meanwhile (opened before the swap, locked once that merge ended) locks nothing; the
    // folder's file now is taken instead.
    if (still_names(file, fd_, true)) return;
    ::close(fd_);
    fd_ = -1;
    if (attempt == 100) throw folder_in_use(dir);
  }
}

void refuse_if_locked(const std::filesystem::path& dir) {
  const int fd = ::open((dir / kOutputLockName).c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return;  // no lock file (yet): OutputLock makes it
  const bool busy = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // releases it when taken
  if (busy) throw folder_in_use(dir);
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock; the file stays (removing it would race a locker)
}

void OutputLock::release_and_remove(bool folder_too) {
  if (fd_ < 0) return;
  // The lock file in DIR is the one held: DIR is the folder it was taken in. rmdir removes only an
  // empty folder, so nothing another callsim (which would first make and lock a lock file there) or
  // the user put in DIR meanwhile is lost.
  const std::filesystem::path file = dir_ / kOutputLockName;
  if (still_names(file, fd_, true) && ::unlink(file.c_str()) == 0 && folder_too) ::rmdir(dir_.c_str());
  ::close(fd_);
  fd_ = -1;
}

}  // namespace callsim
