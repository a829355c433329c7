#include "jitter/shared_library.h"

#include <dlfcn.h>

#include "common/error.h"

namespace callsim::jitter {

namespace {
std::string last_dl_error() {
  const char* e = dlerror();
  return e ? e : "unknown dynamic-loader error";
}
}  // namespace

SharedLibrary::SharedLibrary(std::string path) : path_(std::move(path)) {
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

}  // namespace callsim::jitter
