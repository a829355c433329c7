#include "audio/talkers.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/embedded.h"
#include "common/error.h"

namespace callsim::audio {
namespace {

constexpr std::string_view kPrefix = "assets/talkers/";
constexpr std::string_view kSuffix = ".flac";

// A read-only file in memory, for libsndfile's virtual I/O.
struct MemoryFile {
  const char* data;
  sf_count_t size;
  sf_count_t pos = 0;
};

MemoryFile& mem(void* user) { return *static_cast<MemoryFile*>(user); }

sf_count_t vio_length(void* user) { return mem(user).size; }

sf_count_t vio_seek(sf_count_t offset, int whence, void* user) {
  MemoryFile& f = mem(user);
  const sf_count_t base = whence == SEEK_CUR ? f.pos : whence == SEEK_END ? f.size : 0;
  f.pos = std::clamp<sf_count_t>(base + offset, 0, f.size);
  return f.pos;
}

sf_count_t vio_read(void* ptr, sf_count_t count, void* user) {
  MemoryFile& f = mem(user);
  const sf_count_t n = std::clamp<sf_count_t>(count, 0, f.size - f.pos);
  if (n > 0) std::memcpy(ptr, f.data + f.pos, static_cast<size_t>(n));
  f.pos += n;
  return n;
}

sf_count_t vio_write(const void*, sf_count_t, void*) { return 0; }

sf_count_t vio_tell(void* user) { return mem(user).pos; }

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};

std::string joined_names() {
  std::string out;
  for (const std::string& n : builtin_talker_names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

Signal decode_audio_bytes(std::span<const char> bytes, std::string_view label) {
  const std::string file(label);
  MemoryFile mf{bytes.data(), static_cast<sf_count_t>(bytes.size())};
  SF_VIRTUAL_IO io{vio_length, vio_seek, vio_read, vio_write, vio_tell};
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> handle(sf_open_virtual(&io, SFM_READ, &info, &mf));
  if (!handle) throw InputError(file, "", std::string("cannot decode audio: ") + sf_strerror(nullptr));
  if (info.samplerate <= 0 || info.channels <= 0 || info.frames <= 0)
    throw InputError(file, "", "audio has no samples or an invalid format");
  const auto channels = static_cast<size_t>(info.channels);
  std::vector<float> interleaved(static_cast<size_t>(info.frames) * channels);
  const sf_count_t got = sf_readf_float(handle.get(), interleaved.data(), info.frames);
  if (got != info.frames) throw InputError(file, "", "truncated audio data");
  Signal out{info.samplerate, std::vector<float>(static_cast<size_t>(got))};
  for (size_t i = 0; i < out.samples.size(); ++i) {
    float acc = 0.0f;
    for (size_t c = 0; c < channels; ++c) acc += interleaved[i * channels + c];
    out.samples[i] = acc / static_cast<float>(channels);
  }
  return out;
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
