// Output folders that are complete or absent. Files go into a temporary folder beside the target
// (".<name>.tmp-<pid>-<n>-flock"); commit() syncs them to disk (fsync), then swaps the folder into
// place — atomically with renameat2 RENAME_EXCHANGE when a previous output is there, so a reader
// sees the old folder or the new one, never a mix — removes the previous one and syncs the parent
// folder. A process that dies (or a disk that fills up) before commit() leaves no folder at the
// target; the destructor removes the temporary, and a killed process's temporary is removed by
// remove_stale_temporaries(). What is synced is the caller's choice: every file (the default), or
// only the files a later reader relies on (a sweep syncs result.json and job.json, what resume
// reads, at 4 fsyncs per call instead of about 18).
//
// Whose a temporary is: its writer holds an flock (LOCK_EX) on it for as long as it exists (on the
// temporary folder itself, through a descriptor opened on it; AtomicOutput's on its file). The
// kernel drops the lock when the process ends, however it ends, so a temporary nobody holds is a
// dead writer's — also when the writer ran in another PID namespace (another container sharing the
// output volume), where the pid in the name means nothing, and when its pid is a live process here
// (a container's pid 1 killed and started again, a pid reused). The name's "-flock" ending says its
// writer locks it; names without it are older callsim versions' (the earliest locked none, and a
// name does not tell which), and are judged by their pid as well (remove_stale_temporaries).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace callsim {

class StagedDir {
 public:
  // Creates the parent folders and the temporary folder (InputError naming the path on failure).
  explicit StagedDir(std::filesystem::path target);
  ~StagedDir();
  StagedDir(const StagedDir&) = delete;
  StagedDir& operator=(const StagedDir&) = delete;

  const std::filesystem::path& path() const { return temp_; }  // write here
  const std::filesystem::path& target() const { return target_; }
  // Syncs every file and folder below path() (or, when `only` is given, those files relative to
  // path() and path() itself), then moves it to target(), replacing what was there.
  void commit(const std::vector<std::filesystem::path>* only = nullptr);
  // `path` with the temporary folder replaced by the target: how an error names a file (the user
  // looks for it where it was going to be).
  std::string as_target(const std::string& path) const;

 private:
  std::filesystem::path target_, temp_;
  int lock_fd_ = -1;  // holds the temporary folder's flock until commit() or the destructor
  bool committed_ = false;
};

// What a StagedDir may replace at `dir`: nothing, an empty folder, or an earlier output of the
// same kind (`why_not_own(dir)` returns "" for one, else why not: "no result.json"). Anything else
// is the user's and is left alone: OutputError naming `dir`, "exists and is not <what> (<why>);
// remove it or choose another".
void check_replaceable(const std::filesystem::path& dir,
                       const std::function<std::string(const std::filesystem::path&)>& why_not_own,
                       const std::string& what);

// A name for a temporary sibling of `target`: ".<name>.tmp-<pid>-<n>-flock" (the ending marks a
// temporary whose writer holds its lock: make_locked_temporary).
std::filesystem::path temporary_sibling(const std::filesystem::path& target);

// A temporary sibling of `target` made anew (a folder when `folder`, else an empty file with
// `mode`) and locked: `fd` is a descriptor of it holding flock(LOCK_EX), to be closed once the
// temporary is renamed into place or removed. A name that exists already (a process with our pid
// in another PID namespace writes beside the same target) is passed over for the next; so is one a
// cleaner in another namespace removed between its creation and the lock (the lock is taken, then
// the name is checked to still be the locked file or folder, before anything is written into it;
// with its marked name, a cleaner in this process or namespace may also do that). Where the
// filesystem cannot lock (flock on a folder over NFS) the temporary is used unlocked and
// remove_stale_temporaries, which cannot lock it either, judges it by its pid alone, as before
// locks. OutputError naming `target` ("cannot create folder: ..." or "cannot create: ...") when it
// cannot be made.
struct LockedTemporary {
  std::filesystem::path path;
  int fd = -1;
};
LockedTemporary make_locked_temporary(const std::filesystem::path& target, bool folder, mode_t mode = 0666);

// Removes the temporaries (files or folders) in `folder` whose writer is gone. One this callsim
// writes (".<name>.tmp-<pid>-<n>-flock") is removed when nobody holds a lock on it (this takes
// flock LOCK_EX|LOCK_NB, and keeps it while removing), whatever its pid: the lock tells a live
// writer in any PID namespace, and a killed one's whose pid is a live process here (a container's
// pid 1, a reused pid). One of an older callsim (".<name>.tmp-<pid>", ".<name>.tmp-<pid>-<n>") is
// removed when nobody holds its lock and also the pid in its name is not a live process here: the
// pid keeps those of versions that did not lock while their writer runs. Where the lock cannot be
// taken for want of support (flock on a folder over NFS fails with EBADF, ENOLCK) or the temporary
// does not open, either kind is judged by its pid alone, as before locks: kept while a process of
// that pid lives here, removed when none does (a live writer in another PID namespace is not told
// there; a killed one's temporary whose pid is alive here stays). Best effort: errors are ignored.
// Returns how many.
int remove_stale_temporaries(const std::filesystem::path& folder);
// The same, the first time a process asks for `folder` (StagedDir and AtomicOutput ask before
// they write there: a killed run's ".results.jsonl.tmp-<pid>-<n>-flock" or ".baseline.json.tmp-..."
// is removed by the next command that writes beside it).
void remove_stale_temporaries_once(const std::filesystem::path& folder);

// Whether `path` still names the file or folder open as `fd` (not removed, nor made anew since it
// was opened): the check that a lock taken on `fd` is a lock on what `path` names. A symbolic link
// at `path` is itself compared unless `follow_symlinks`.
bool still_names(const std::filesystem::path& path, int fd, bool follow_symlinks = false);

// create_directories, with OutputError naming the path (a file in the way, no permission). Whether
// it made `path` itself (false: a folder was there).
bool create_folder(const std::filesystem::path& path);

// fsync of one file or folder (InputError naming it on failure).
void sync_path(const std::filesystem::path& path);

}  // namespace callsim
