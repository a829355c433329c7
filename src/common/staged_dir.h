// Output folders that are complete or absent. Files go into a temporary folder beside the target
// (".<name>.tmp-<pid>-<n>"); commit() syncs them to disk (fsync), then swaps the folder into
// place — atomically with renameat2 RENAME_EXCHANGE when a previous output is there, so a reader
// sees the old folder or the new one, never a mix — removes the previous one and syncs the parent
// folder. A process that dies (or a disk that fills up) before commit() leaves no folder at the
// target; the destructor removes the temporary, and a killed process's temporary is removed by
// remove_stale_temporaries(). What is synced is the caller's choice: every file (the default), or
// only the files a later reader relies on (a sweep syncs result.json and job.json, what resume
// reads, at 4 fsyncs per call instead of about 18).
#pragma once

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
  bool committed_ = false;
};

// What a StagedDir may replace at `dir`: nothing, an empty folder, or an earlier output of the
// same kind (`why_not_own(dir)` returns "" for one, else why not: "no result.json"). Anything else
// is the user's and is left alone: OutputError naming `dir`, "exists and is not <what> (<why>);
// remove it or choose another".
void check_replaceable(const std::filesystem::path& dir,
                       const std::function<std::string(const std::filesystem::path&)>& why_not_own,
                       const std::string& what);

// A name for a temporary sibling of `target`: ".<name>.tmp-<pid>-<n>".
std::filesystem::path temporary_sibling(const std::filesystem::path& target);

// Removes the temporaries (".<name>.tmp-<pid>" or ".<name>.tmp-<pid>-<n>", files or folders) in
// `folder` whose process no longer runs. Best effort: errors are ignored. Returns how many.
int remove_stale_temporaries(const std::filesystem::path& folder);
// The same, the first time a process asks for `folder` (StagedDir and AtomicOutput ask before
// they write there: a killed run's ".results.jsonl.tmp-<pid>-<n>" or ".baseline.json.tmp-..."
// is removed by the next command that writes beside it).
void remove_stale_temporaries_once(const std::filesystem::path& folder);

// create_directories, with OutputError naming the path (a file in the way, no permission).
void create_folder(const std::filesystem::path& path);

// fsync of one file or folder (InputError naming it on failure).
void sync_path(const std::filesystem::path& path);

}  // namespace callsim
