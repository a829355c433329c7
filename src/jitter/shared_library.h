// SharedLibrary: a dlopen()ed library, closed on destruction (RAII over dlopen/dlsym/dlclose).
// Failures are user-input errors (the path came from a scenario): InputError naming the path,
// with dlerror()'s reason. A relative path is made absolute (from the working folder) before
// dlopen(), which would otherwise search the library path for a name without a slash.
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
  const std::string& path() const { return path_; }  // absolute

 private:
  std::string path_;
  void* handle_ = nullptr;
};

// "fnv1a64:<16 hex digits>", the FNV-1a 64 of a file's bytes (a plugin build's identity in a
// call's result.json and in a sweep's job fingerprint). Throws InputError naming the path.
std::string plugin_fingerprint(const std::string& path);

}  // namespace callsim::jitter
