#include "common/staged_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <mutex>
#include <set>

#include "common/error.h"

namespace callsim {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void io_failure(const fs::path& p, const std::string& what, int err) {
  throw OutputError(p.string(), what + ": " + std::strerror(err));
}

// The pid in ".<name>.tmp-<pid>[-<n>]", or 0 when `name` is not such a temporary.
pid_t temporary_owner(const std::string& name) {
  if (name.size() < 7 || name[0] != '.') return 0;
  const size_t at = name.rfind(".tmp-");
  if (at == std::string::npos || at == 0) return 0;
  const char* p = name.data() + at + 5;
  const char* end = name.data() + name.size();
  long pid = 0;
  const auto [next, ec] = std::from_chars(p, end, pid);
  if (ec != std::errc() || next == p || pid <= 0) return 0;
  if (next != end) {
    if (*next != '-' && *next != '.') return 0;
    long n = 0;
    const auto [last, ec2] = std::from_chars(next + 1, end, n);
    if (ec2 != std::errc() || last != end) return 0;
  }
  return static_cast<pid_t>(pid);
}

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

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

void create_folder(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw OutputError(path.string(), "cannot create folder: " + ec.message());
}

void check_replaceable(const fs::path& dir, const std::function<std::string(const fs::path&)>& why_not_own,
                       const std::string& what) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(dir, ec);
  if (ec || !fs::exists(st)) return;
  if (!fs::is_directory(st)) throw OutputError(dir.string(), "exists and is not a folder");
  if (fs::is_empty(dir, ec)) return;
  const std::string why = why_not_own(dir);
  if (why.empty()) return;
  throw OutputError(dir.string(), "exists and is not " + what + " (" + why + "); remove it or choose another");
}

fs::path temporary_sibling(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  return target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                                 "-" + std::to_string(counter.fetch_add(1)));
}

int remove_stale_temporaries(const fs::path& folder) {
  std::error_code ec;
  int removed = 0;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const pid_t owner = temporary_owner(it->path().filename().string());
    if (owner == 0 || owner == ::getpid() || process_alive(owner)) continue;
    std::error_code rm;
    if (fs::remove_all(it->path(), rm) > 0 && !rm) ++removed;
  }
  return removed;
}

StagedDir::StagedDir(fs::path target) : target_(target.lexically_normal()) {
  if (target_.filename().empty()) target_ = target_.parent_path();  // "out/" -> "out"
  if (target_.empty()) target_ = ".";
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  create_folder(parent);
  remove_stale_temporaries_once(parent);
  std::error_code ec;
  temp_ = temporary_sibling(target_.has_parent_path() ? target_ : fs::path(".") / target_);
  fs::create_directory(temp_, ec);
  // Named as the user gave it: the temporary beside it is ours.
  if (ec) throw OutputError(target_.string(), "cannot create folder: " + ec.message());
}

StagedDir::~StagedDir() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(temp_, ec);
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
    fs::remove_all(temp_, ec);
  } else {
    if (::rename(temp_.c_str(), target_.c_str()) != 0) io_failure(target_, "cannot move into place", errno);
    committed_ = true;
  }
  sync_path(parent);
}

}  // namespace callsim
