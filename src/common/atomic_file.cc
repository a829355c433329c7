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
  AtomicOutput out(path);
  const int fd = ::open(out.temp_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
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

AtomicOutput::AtomicOutput(std::filesystem::path target)
    : target_(std::move(target)), temp_(temporary_sibling(target_)) {
  // A killed writer's temporary stayed beside its target for good (in reports/ next to the
  // baseline, `git add -A` took it); the next writer there removes those of dead processes.
  const std::filesystem::path parent = target_.has_parent_path() ? target_.parent_path() : ".";
  std::error_code ec;
  if (std::filesystem::is_directory(parent, ec)) remove_stale_temporaries_once(parent);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void AtomicOutput::commit() {
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw OutputError(target_.string(), "cannot rename into place: " + ec.message());
  committed_ = true;
}

}  // namespace callsim
