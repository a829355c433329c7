// SharedLibrary: a dlopen()ed library, closed on destruction (RAII over dlopen/dlsym/dlclose).
// Failures are user-input errors (the path came from a scenario): InputError naming the path,
// with dlerror()'s reason.
#pragma once

#include <string>

namespace callsim::jitter {

class SharedLibrary {
 public:
  explicit SharedLibrary(std::string path);  // RTLD_NOW | RTLD_LOCAL
  ~SharedLibrary();
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  // The address of an exported symbol; throws InputError when it is missing.
  void* symbol(const char* name) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  void* handle_ = nullptr;
};

}  // namespace callsim::jitter
