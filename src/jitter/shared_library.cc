#include "jitter/shared_library.h"

#include <dlfcn.h>

#include <cstdio>
#include <filesystem>

#include "common/error.h"
#include "common/file_read.h"
#include "sim/random.h"

namespace callsim::jitter {

namespace {
std::string last_dl_error() {
  const char* e = dlerror();
  return e ? e : "unknown dynamic-loader error";
}
}  // namespace

// dlopen() searches LD_LIBRARY_PATH and the system folders for a name without a slash ("mine.so"
// next to the scenario, or "sub/../mine.so" normalised): it would fail to find the file meant, or
// load another library of that name. An absolute path is only ever that file.
SharedLibrary::SharedLibrary(std::string path)
    : path_(path.empty() ? path : std::filesystem::absolute(path).lexically_normal().string()) {
  dlerror();
  handle_ = dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) throw InputError(path_, "", "cannot load jitter-buffer plugin: " + last_dl_error());
}

SharedLibrary::~SharedLibrary() {
  if (handle_) dlclose(handle_);
}

void* SharedLibrary::symbol(const char* name) const {
  dlerror();
  void* address = dlsym(handle_, name);
  if (!address) throw InputError(path_, "", std::string("missing symbol ") + name + ": " + last_dl_error());
  return address;
}

std::string plugin_fingerprint(const std::string& path) {
  const std::string bytes = read_regular_file(path, 1ull << 30, "a plugin library");
  return sim::fnv_label(sim::stable_hash(bytes));
}

}  // namespace callsim::jitter
