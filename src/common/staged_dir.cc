#include "common/staged_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <mutex>
#include <set>
#include <string_view>

#include "common/error.h"

namespace callsim {
namespace fs = std::filesystem;
namespace {

// Ends the name of a temporary whose writer holds an flock on it while it exists (every temporary
// this callsim makes): the lock alone tells whether its writer is gone.
constexpr const char* kLockedMarker = "-flock";

[[noreturn]] void io_failure(const fs::path& p, const std::string& what, int err) {
  throw OutputError(p.string(), what + ": " + std::strerror(err));
}

// What a temporary's name says of it: `pid` is 0 when `name` is not a temporary.
struct TemporaryName {
  pid_t pid = 0;
  bool locked = false;  // named by a writer that locks its temporaries (kLockedMarker)
};

// ".<name>.tmp-<pid>-<n>-flock", as this callsim names its temporaries; or ".<name>.tmp-<pid>",
// ".<name>.tmp-<pid>-<n>" or ".<name>.tmp-<pid>.<n>", unmarked, as older ones did. Older versions
// read the marked name as none of theirs (they parse only what follows the pid), so they leave a
// marked temporary alone.
TemporaryName parse_temporary_name(std::string_view name) {
  TemporaryName t;
  const bool marked = name.ends_with(kLockedMarker);
  if (marked) name.remove_suffix(std::string_view(kLockedMarker).size());
  if (name.size() < 7 || name[0] != '.') return t;
  const size_t at = name.rfind(".tmp-");
  if (at == std::string_view::npos || at == 0) return t;
  const char* p = name.data() + at + 5;
  const char* end = name.data() + name.size();
  long pid = 0;
  const auto [next, ec] = std::from_chars(p, end, pid);
  if (ec != std::errc() || next == p || pid <= 0) return t;
  if (next != end) {
    if (*next != '-' && (marked || *next != '.')) return t;
    long n = 0;
    const auto [last, ec2] = std::from_chars(next + 1, end, n);
    if (ec2 != std::errc() || last != end) return t;
  } else if (marked) {
    return t;  // a marked name always has its <n>
  }
  t.pid = static_cast<pid_t>(pid);
  t.locked = marked;
  return t;
}

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

enum class Lock { kTaken, kHeld, kUnsupported };

// flock(LOCK_EX) on a temporary just made. A cleaner may hold it for a moment (it locks every
// temporary it looks at, and keeps the lock while it removes one): wait for that, up to a second.
Lock lock_new_temporary(int fd) {
  for (int tries = 0; tries < 1000; ++tries) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return Lock::kTaken;
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) return Lock::kUnsupported;  // NFS cannot flock a folder (EBADF), ENOLCK
    const timespec ms{0, 1000000};
    ::nanosleep(&ms, nullptr);
  }
  return Lock::kHeld;
}

void sync_tree(const fs::path& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() || entry.is_directory()) sync_path(entry.path());
  sync_path(dir);
}

}  // namespace

// Stale temporaries are looked for once per folder and process (a sweep stages thousands of call
// folders in the same parent).
void remove_stale_temporaries_once(const fs::path& folder) {
  static std::mutex mutex;
  static std::set<std::string> cleaned;
  {
    std::lock_guard lock(mutex);
    if (!cleaned.insert(fs::absolute(folder).lexically_normal().string()).second) return;
  }
  remove_stale_temporaries(folder);
}

void sync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) io_failure(path, "cannot open to sync", errno);
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    io_failure(path, "cannot sync to disk", err);
  }
  ::close(fd);
}

bool create_folder(const fs::path& path) {
  std::error_code ec;
  const bool made = fs::create_directories(path, ec);
  if (ec) throw OutputError(path.string(), "cannot create folder: " + ec.message());
  return made;
}

void check_replaceable(const fs::path& dir, const std::function<std::string(const fs::path&)>& why_not_own,
                       const std::string& what) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(dir, ec);
  if (ec || !fs::exists(st)) return;
  if (fs::is_symlink(st))  // said "exists and is not a folder" of a link to an empty folder
    throw OutputError(dir.string(), "is a symbolic link: an output folder is replaced whole, which would replace the "
                                    "link, not what it leads to; give the folder itself");
  if (!fs::is_directory(st)) throw OutputError(dir.string(), "exists and is not a folder");
  if (fs::is_empty(dir, ec)) return;
  const std::string why = why_not_own(dir);
  if (why.empty()) return;
  throw OutputError(dir.string(), "exists and is not " + what + " (" + why + "); remove it or choose another");
}

fs::path temporary_sibling(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  // A name is at most 255 bytes; the temporary's adds up to ~35 to the target's (an output folder
  // named with 240 bytes was refused, "cannot create folder: File name too long"). Only the
  // suffix identifies a temporary (parse_temporary_name), so the target's part may be cut.
  std::string stem = target.filename().string();
  if (stem.size() > 200) stem.resize(200);
  return target.parent_path() / ("." + stem + ".tmp-" + std::to_string(::getpid()) +
                                 "-" + std::to_string(counter.fetch_add(1)) + kLockedMarker);
}

LockedTemporary make_locked_temporary(const fs::path& target, bool folder, mode_t mode) {
  const std::string what = folder ? "cannot create folder" : "cannot create";
  for (int attempt = 1;; ++attempt) {
    const fs::path path = temporary_sibling(target);
    // A file is created with its descriptor (O_EXCL: never another's file); a folder is opened
    // right after mkdir. Until the lock is taken a cleaner (in this process, or any other: the name
    // is marked, so the lock alone decides) may lock it first and remove it: the check below sees
    // that and this takes another name, nothing having been written into it.
    int fd = -1;
    bool made = false;
    if (folder) {
      made = ::mkdir(path.c_str(), 0777) == 0;
      if (made) fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    } else {
      fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
      made = fd >= 0;
    }
    if (fd < 0) {
      const int err = errno;
      // Taken already (a process with our pid in another namespace), or removed before it opened.
      if ((err == EEXIST || (made && err == ENOENT)) && attempt < 100) continue;
      throw OutputError(target.string(), what + ": " + std::strerror(err));
    }
    const Lock lock = lock_new_temporary(fd);
    if (lock != Lock::kHeld && still_names(path, fd)) return {path, fd};
    // Removed (and perhaps made anew) by a cleaner, or locked by another for a second: not ours to
    // write into, nor to remove. A held one left behind is removed once nobody holds it.
    ::close(fd);
    if (attempt >= 100) throw OutputError(target.string(), what + ": every temporary name was taken");
  }
}

bool still_names(const fs::path& path, int fd, bool follow_symlinks) {
  struct stat held{}, named{};
  const int got = follow_symlinks ? ::stat(path.c_str(), &named) : ::lstat(path.c_str(), &named);
  return ::fstat(fd, &held) == 0 && got == 0 && held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

int remove_stale_temporaries(const fs::path& folder) {
  std::error_code ec;
  int removed = 0;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path path = it->path();
    const TemporaryName name = parse_temporary_name(path.filename().string());
    // An unmarked name with our pid is an older callsim's (in another PID namespace), which the pid
    // rule below keeps; a marked one is judged by its lock (ours are held while we write them).
    if (name.pid == 0 || (!name.locked && name.pid == ::getpid())) continue;
    // Read-write where it opens (NFS locks a file exclusively only when it is open for writing),
    // else read-only (a folder); never following a link, nor waiting on a FIFO.
    constexpr int kFlags = O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    int fd = ::open(path.c_str(), O_RDWR | kFlags);
    if (fd < 0) fd = ::open(path.c_str(), O_RDONLY | kFlags);
    bool locked = false;
    if (fd >= 0) {
      locked = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
      if (!locked && errno == EWOULDBLOCK) {  // its writer runs, in whatever namespace
        ::close(fd);
        continue;
      }
    }
    // Locked by us now: a marked temporary is a dead writer's whatever its pid (its writer held the
    // lock while it lived; the pid may be alive as another process: a container's pid 1, a pid
    // reused); an unmarked one only if its pid is dead too (an older callsim's: the earliest did not
    // lock). Removed only if the name is still what was locked, and while the lock is kept. Not
    // lockable (a folder over NFS, ENOLCK; one that does not open): the pid decides, marked or not.
    const bool stale = locked ? (name.locked || !process_alive(name.pid)) && still_names(path, fd)
                              : !process_alive(name.pid);
    if (stale) {
      std::error_code rm;
      if (fs::remove_all(path, rm) > 0 && !rm) ++removed;
    }
    if (fd >= 0) ::close(fd);
  }
  return removed;
}

StagedDir::StagedDir(fs::path target) : target_(target.lexically_normal()) {
  if (target_.filename().empty()) target_ = target_.parent_path();  // "out/" -> "out"
  if (target_.empty()) target_ = ".";
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  create_folder(parent);
  remove_stale_temporaries_once(parent);
  // Named as the user gave it: the temporary beside it is ours. Locked until commit() or the
  // destructor: no cleaner removes it meanwhile, whichever PID namespace it runs in.
  LockedTemporary temp = make_locked_temporary(target_.has_parent_path() ? target_ : fs::path(".") / target_, true);
  temp_ = std::move(temp.path);
  lock_fd_ = temp.fd;
}

StagedDir::~StagedDir() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(temp_, ec);
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);  // after the removal: until then the folder is ours
}

std::string StagedDir::as_target(const std::string& path) const {
  const std::string tmp = temp_.string();
  return path.starts_with(tmp) ? target_.string() + path.substr(tmp.size()) : path;
}

void StagedDir::commit(const std::vector<fs::path>* only) {
  if (only) {
    for (const auto& f : *only) sync_path(temp_ / f);
    sync_path(temp_);
  } else {
    sync_tree(temp_);
  }
  const fs::path parent = temp_.parent_path();
  std::error_code ec;
  const bool existed = fs::exists(fs::symlink_status(target_, ec));
  if (existed) {
    if (!fs::is_directory(fs::symlink_status(target_)))
      throw OutputError(target_.string(), "exists and is not a folder");
    // Swap atomically; the previous output then sits at temp_ and is removed.
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0)
      io_failure(target_, fs::is_empty(target_, ec) ? "cannot replace the empty folder" : "cannot replace the previous output", errno);
    committed_ = true;
    fs::remove_all(temp_, ec);  // the previous output, now at temp_ (it was never locked)
  } else {
    if (::rename(temp_.c_str(), target_.c_str()) != 0) io_failure(target_, "cannot move into place", errno);
    committed_ = true;
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);  // the folder is the target now: no temporary is left to hold
  lock_fd_ = -1;
  sync_path(parent);
}

}  // namespace callsim
