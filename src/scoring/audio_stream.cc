#include "scoring/audio_stream.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "audio/audio_source.h"
#include "common/error.h"

namespace callsim::scoring {
namespace {

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};

class FileStream : public AudioStream {
 public:
  explicit FileStream(const std::filesystem::path& path) : name_(path.string()) {
    std::optional<int64_t> declared_frames;
    {
      const audio::FileSource source(name_);  // a regular file; its WAV header read in place
      declared_frames = audio::check_wav_structure(source);
    }
    handle_.reset(sf_open(name_.c_str(), SFM_READ, &info_));
    if (!handle_) throw InputError(name_, "", std::string("cannot read audio: ") + sf_strerror(nullptr));
    audio::check_audio_format(name_, info_.samplerate, info_.channels);
    if (info_.frames <= 0) throw InputError(name_, "", "the audio file has no samples");
    if (info_.frames > audio::kMaxAudioFrames)
      throw InputError(name_, "", std::to_string(info_.frames) + " frames: more than the " +
                                      std::to_string(audio::kMaxAudioFrames) + " an audio input may have");
    const std::string cut = audio::cut_short_note({info_.samplerate, info_.channels, info_.frames, 0.0f, declared_frames});
    if (!cut.empty()) note_ = name_ + ": " + cut;
  }
  int sample_rate_hz() const override { return info_.samplerate; }
  int64_t frames() const override { return info_.frames; }
  int channels() const override { return info_.channels; }
  const std::string& name() const override { return name_; }
  std::string input_note() const override { return note_; }

  std::vector<float> read(int64_t from, int64_t count) override {
    from = std::clamp<int64_t>(from, 0, info_.frames);
    count = std::clamp<int64_t>(count, 0, info_.frames - from);
    if (count == 0) return {};
    if (sf_seek(handle_.get(), from, SEEK_SET) != from) throw InputError(name_, "", "seek failed");
    const auto ch = static_cast<size_t>(info_.channels);
    // Mono (the usual case) is read straight into the result; more channels are averaged.
    std::vector<float> out(static_cast<size_t>(count) * ch);
    const sf_count_t got = sf_readf_float(handle_.get(), out.data(), count);
    if (got != count) throw InputError(name_, "", "read error at frame " + std::to_string(from));
    audio::mix_to_mono_checked(out, ch, name_, from);
    out.resize(static_cast<size_t>(count));
    return out;
  }

 private:
  std::string name_;
  std::string note_;
  SF_INFO info_{};
  std::unique_ptr<SNDFILE, SndfileCloser> handle_;
};

class MemoryStream : public AudioStream {
 public:
  MemoryStream(audio::Signal s, std::string name) : s_(std::move(s)), name_(std::move(name)) {}
  int sample_rate_hz() const override { return s_.sample_rate_hz; }
  int64_t frames() const override { return static_cast<int64_t>(s_.samples.size()); }
  const std::string& name() const override { return name_; }
  std::vector<float> read(int64_t from, int64_t count) override {
    from = std::clamp<int64_t>(from, 0, frames());
    count = std::clamp<int64_t>(count, 0, frames() - from);
    return {s_.samples.begin() + from, s_.samples.begin() + from + count};
  }

 private:
  audio::Signal s_;
  std::string name_;
};

}  // namespace

std::unique_ptr<AudioStream> open_audio_stream(const std::filesystem::path& path) {
  return std::make_unique<FileStream>(path);
}

std::unique_ptr<AudioStream> memory_stream(audio::Signal signal, std::string name) {
  return std::make_unique<MemoryStream>(std::move(signal), std::move(name));
}

audio::Signal quantize16(const audio::Signal& s) {
  return {s.sample_rate_hz, audio::from_int16(audio::to_int16(s.samples))};
}

}  // namespace callsim::scoring
