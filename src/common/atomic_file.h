// Atomic output files: write to a temporary file beside the target, then rename over it, so a
// reader never sees a partial or corrupted result (also when the process dies mid-write). The
// writer holds an flock on its temporary while it exists (common/staged_dir.h): the next writer in
// that folder removes a temporary nobody holds, whatever the pid in its name (an older callsim's,
// unmarked, only when its pid is not a live process), not a live one of a writer in another PID
// namespace.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace callsim {

// Write `data` to `path` atomically (temp file ".<name>.tmp-<pid>-<n>-flock" + rename). Throws
// OutputError naming the path (exit code 2) when it cannot be written.
void write_file_atomic(const std::filesystem::path& path, std::string_view data);

// Refuses (InputError naming `output` and `option`, exit code 2) to write an output file over one
// of the files the command reads: `inputs` lists them (those that do not exist are skipped). A
// file is the same when the filesystem says so (links, `./x` and `x`).
void refuse_output_over_input(const std::filesystem::path& output, const std::string& option,
                              const std::vector<std::filesystem::path>& inputs);

// For writers that need a path to write to (libsndfile, stdio): hands out a temporary path;
// commit() renames it over the target; the destructor removes it when not committed. The
// temporary file is created (empty, with `mode` less the umask) and locked by the constructor:
// OutputError naming the target, "cannot create: ...", when it cannot be. Open it by path without
// O_EXCL (fopen "wb", sf_open, O_TRUNC): that writes into the same file, which stays locked.
class AtomicOutput {
 public:
  explicit AtomicOutput(std::filesystem::path target, mode_t mode = 0666);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }
  void commit();

 private:
  std::filesystem::path target_, temp_;
  int lock_fd_ = -1;  // holds the temporary's flock until commit() or the destructor
  bool committed_ = false;
};

}  // namespace callsim
