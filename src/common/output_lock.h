// An exclusive lock on an output folder another callsim must not write at the same time: a
// sweep's or merge's folder, a report's. flock on DIR/.callsim.lock.
#pragma once

#include <filesystem>

namespace callsim {

// The lock file of an output folder (hidden: not a call, not a foreign file).
inline constexpr const char* kOutputLockName = ".callsim.lock";

// An exclusive lock on a sweep's, merge's or report's output folder: flock on DIR/.callsim.lock,
// held while the object lives (the kernel releases it when the process dies). Two sweeps into one
// folder at once removed each other's calls and left results.jsonl listing calls whose folders
// were gone; two reports into one folder both said they wrote it.
// InputError naming the folder when another callsim holds it; OutputError when the lock file
// cannot be made. The file stays when released (removing it would race one opening it); a merge
// swaps in a folder without it, and a lock taken on the file of a folder swapped away (or of one
// removed: release_and_remove) is given up for the file DIR holds now (a report swaps in its folder
// as a merge does). DIR must exist (a sweep, or a merge or report into a new folder, makes it first); when it is gone before its lock file is made (a merge
// that made it failed and removed it meanwhile) it is made again.
class OutputLock {
 public:
  explicit OutputLock(const std::filesystem::path& dir);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  // Removes the lock file, then DIR itself when `folder_too` and nothing else is in it, and gives
  // the lock up: for a command that made DIR to hold its lock and failed (a merge into a new folder
  // leaves nothing behind). The file is removed while the lock is held, so no other callsim holds
  // it; one that opened it meanwhile and locks it once released sees it gone and makes DIR's anew.
  // Nothing is removed when DIR's lock file is no longer the one held (DIR was swapped for another
  // folder meanwhile).
  void release_and_remove(bool folder_too);

 private:
  std::filesystem::path dir_;
  int fd_ = -1;
};

// The same InputError when another callsim holds `dir`'s lock now; nothing when the folder has no
// lock file. Called before a command checks what the folder holds: its verdict on a folder another
// callsim is changing (a call folder half removed) would be "not a sweep's output" rather than the
// reason.
void refuse_if_locked(const std::filesystem::path& dir);

}  // namespace callsim
