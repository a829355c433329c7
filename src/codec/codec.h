// Codec interfaces. The media pipeline talks to codecs only through these; the Opus
// implementation (opus_codec.h) is the only place that includes opus.h. Audio is mono float
// in [-1, 1) at the codec's sample rate.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace callsim::codec {

enum class Application { kVoip, kAudio };
enum class RateControl { kVbr, kConstrainedVbr, kCbr };
enum class Bandwidth { kNarrowband, kMediumband, kWideband, kSuperwideband, kFullband };

// Encoder settings with libopus's real knobs. Units in the names.
struct EncoderConfig {
  int sample_rate_hz = 48000;  // 8000, 12000, 16000, 24000 or 48000
  Application application = Application::kVoip;
  int bitrate_bps = 32000;
  RateControl rate_control = RateControl::kVbr;
  int complexity = 9;  // 0..10
  int frame_ms = 20;   // 10, 20, 40 or 60
  Bandwidth max_bandwidth = Bandwidth::kFullband;
  bool inband_fec = false;
  int expected_loss_pct = 0;  // 0..100, tells the encoder how much FEC to spend
  bool dtx = false;
};

class Encoder {
 public:
  virtual ~Encoder() = default;
  virtual int sample_rate_hz() const = 0;
  virtual int frame_samples() const = 0;
  // Encodes exactly frame_samples() samples. Returns the payload; with DTX, a frame of silence
  // may give a payload of <= 2 bytes, which a sender does not transmit.
  virtual std::vector<uint8_t> encode(std::span<const float> pcm) = 0;
  // Change the expected packet loss at run time (feedback-driven adaptation).
  virtual void set_expected_loss_pct(int pct) = 0;
};

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual int sample_rate_hz() const = 0;
  // Samples (per channel, at sample_rate_hz) a payload decodes to; 0 if it is not decodable.
  virtual int payload_samples(std::span<const uint8_t> payload) const = 0;
  // Decodes one payload. Throws nothing on garbage: returns an empty vector.
  virtual std::vector<float> decode(std::span<const uint8_t> payload) = 0;
  // Packet-loss concealment: `samples` samples continuing the signal (a multiple of 2.5 ms).
  virtual std::vector<float> conceal(int samples) = 0;
  // Recovers the lost frame before `next_payload` from its in-band FEC (`samples` long). Without
  // FEC data in that payload, libopus returns concealment instead.
  virtual std::vector<float> decode_fec(std::span<const uint8_t> next_payload, int samples) = 0;
  virtual void reset() = 0;
};

std::unique_ptr<Encoder> make_opus_encoder(const EncoderConfig& config);
std::unique_ptr<Decoder> make_opus_decoder(int sample_rate_hz);

}  // namespace callsim::codec
