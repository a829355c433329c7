// Decoding any libsndfile format from a ByteSource, within the stated limits (audio.h): sample
// rate, channel count and length are checked on the header before any sample is read; samples
// are read in blocks and mixed down to mono as they come, so memory is the mono result only.
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "audio/audio.h"
#include "audio/audio_source.h"
#include "common/error.h"

namespace callsim::audio {
namespace {

// libsndfile's view of a ByteSource: a read position over it.
struct VirtualFile {
  const ByteSource* source;
  sf_count_t pos = 0;
};

VirtualFile& vf(void* user) { return *static_cast<VirtualFile*>(user); }
sf_count_t vio_length(void* user) { return static_cast<sf_count_t>(vf(user).source->size()); }
sf_count_t vio_seek(sf_count_t offset, int whence, void* user) {
  VirtualFile& f = vf(user);
  const auto size = static_cast<sf_count_t>(f.source->size());
  const sf_count_t base = whence == SEEK_CUR ? f.pos : whence == SEEK_END ? size : 0;
  // Saturating: libsndfile may seek by values read from a hostile header.
  if (offset > 0 && base > INT64_MAX - offset) return f.pos = size;
  f.pos = std::clamp<sf_count_t>(base + offset, 0, size);
  return f.pos;
}
sf_count_t vio_read(void* ptr, sf_count_t count, void* user) {
  VirtualFile& f = vf(user);
  if (count <= 0) return 0;
  const size_t got = f.source->read_at(static_cast<uint64_t>(f.pos), ptr, static_cast<size_t>(count));
  f.pos += static_cast<sf_count_t>(got);
  return static_cast<sf_count_t>(got);
}
sf_count_t vio_write(const void*, sf_count_t, void*) { return 0; }
sf_count_t vio_tell(void* user) { return vf(user).pos; }

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfileHandle = std::unique_ptr<SNDFILE, SndfileCloser>;

struct OpenAudio {
  VirtualFile file;
  SF_INFO info{};
  SndfileHandle handle;
};

// Opens the source with libsndfile and checks the header against the limits.
void open_checked(const ByteSource& source, OpenAudio& a) {
  const std::string& label = source.label();
  check_wav_structure(source);
  a.file = VirtualFile{&source, 0};
  SF_VIRTUAL_IO io{vio_length, vio_seek, vio_read, vio_write, vio_tell};
  a.handle.reset(sf_open_virtual(&io, SFM_READ, &a.info, &a.file));
  if (!a.handle) throw InputError(label, "", std::string("cannot read audio: ") + sf_strerror(nullptr));
  check_audio_format(label, a.info.samplerate, a.info.channels);
  if (a.info.frames <= 0) throw InputError(label, "", "the audio file has no samples");
}

}  // namespace

size_t MemorySource::read_at(uint64_t offset, void* buffer, size_t n) const {
  if (offset >= bytes_.size()) return 0;
  const size_t count = std::min<uint64_t>(n, bytes_.size() - offset);
  std::memcpy(buffer, bytes_.data() + offset, count);
  return count;
}

void check_audio_format(const std::string& label, int64_t rate, int64_t channels) {
  if (rate < kMinSampleRateHz || rate > kMaxSampleRateHz)
    throw InputError(label, "",
                     "sample rate " + std::to_string(rate) + " Hz is outside the supported " +
                         std::to_string(kMinSampleRateHz) + "-" + std::to_string(kMaxSampleRateHz) + " Hz");
  if (channels < 1 || channels > kMaxChannels)
    throw InputError(
        label, "",
        std::to_string(channels) + " channels; supported are 1 to " + std::to_string(kMaxChannels));
}

AudioInfo probe_audio(const ByteSource& source) {
  OpenAudio a;
  open_checked(source, a);
  return AudioInfo{a.info.samplerate, a.info.channels, a.info.frames};
}

DecodedAudio decode_audio(const ByteSource& source, const DecodeLimits& limits) {
  const std::string& label = source.label();
  OpenAudio a;
  open_checked(source, a);
  DecodedAudio out;
  out.info = AudioInfo{a.info.samplerate, a.info.channels, a.info.frames};
  int64_t wanted = a.info.frames;
  if (limits.max_seconds)
    wanted =
        std::min<int64_t>(wanted, static_cast<int64_t>(std::ceil(*limits.max_seconds * a.info.samplerate)));
  else if (wanted > kMaxAudioFrames)
    throw InputError(label, "",
                     std::to_string(a.info.frames) + " frames; the limit is " +
                         std::to_string(kMaxAudioFrames) + " (" +
                         std::to_string(kMaxAudioFrames / a.info.samplerate / 60) + " min at " +
                         std::to_string(a.info.samplerate) + " Hz)");
  out.signal.sample_rate_hz = a.info.samplerate;
  const auto channels = static_cast<size_t>(a.info.channels);
  constexpr sf_count_t kBlock = 4096;
  std::vector<float> block(static_cast<size_t>(kBlock) * channels);
  out.signal.samples.reserve(static_cast<size_t>(std::min<int64_t>(wanted, 1 << 24)));
  for (int64_t done = 0; done < wanted;) {
    const sf_count_t got =
        sf_readf_float(a.handle.get(), block.data(), std::min<int64_t>(kBlock, wanted - done));
    if (got <= 0) break;  // a data chunk claiming more than the file holds: keep what exists
    for (sf_count_t i = 0; i < got; ++i) {
      float acc = 0.0f;
      for (size_t c = 0; c < channels; ++c) acc += block[static_cast<size_t>(i) * channels + c];
      const float v = acc / static_cast<float>(channels);
      if (!std::isfinite(v))
        throw InputError(label, "frame " + std::to_string(done + i),
                         "audio contains NaN or infinite samples");
      out.signal.samples.push_back(v);
    }
    done += got;
  }
  if (out.signal.samples.empty()) throw InputError(label, "", "the audio file has no readable samples");
  return out;
}

}  // namespace callsim::audio
