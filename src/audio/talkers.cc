#include "audio/talkers.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "audio/audio_source.h"
#include "common/embedded.h"
#include "common/error.h"

namespace callsim::audio {
namespace {

constexpr std::string_view kPrefix = "assets/talkers/";
constexpr std::string_view kSuffix = ".flac";

std::string joined_names() {
  std::string out;
  for (const std::string& n : builtin_talker_names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

Signal decode_audio_bytes(std::span<const char> bytes, std::string_view label) {
  return decode_audio(MemorySource(bytes, std::string(label))).signal;
}

std::vector<std::string> builtin_talker_names() {
  std::vector<std::string> names;
  for (const std::string& path : embedded_names()) {
    if (!path.starts_with(kPrefix) || !path.ends_with(kSuffix)) continue;
    const std::string name = path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
    if (name.find('/') == std::string::npos) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Signal load_builtin_talker(std::string_view name) {
  const std::string path = std::string(kPrefix) + std::string(name) + std::string(kSuffix);
  const auto bytes = find_embedded(path);
  if (!bytes || name.find('/') != std::string_view::npos)
    throw InputError(
        "", "", "unknown talker \"" + std::string(name) + "\" (built-in talkers: " + joined_names() + ")");
  // Decoded once per process: a sweep loads the same talkers for every call (harness).
  static std::mutex mutex;
  static std::map<std::string, Signal, std::less<>> decoded;
  {
    std::lock_guard lock(mutex);
    if (auto it = decoded.find(name); it != decoded.end()) return it->second;
  }
  Signal signal = decode_audio_bytes(std::span<const char>(bytes->data(), bytes->size()), "builtin:" + std::string(name));
  std::lock_guard lock(mutex);
  return decoded.emplace(std::string(name), std::move(signal)).first->second;
}

}  // namespace callsim::audio
