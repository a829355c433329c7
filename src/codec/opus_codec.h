// The Opus implementation of codec::Encoder / codec::Decoder: RAII wrappers around libopus 1.3.1
// (float API, mono). libopus's state lives behind an opaque Handle (so this header neither includes
// opus.h nor declares libopus's global OpusEncoder/OpusDecoder names); opus_codec.cc is the one
// file in the project that includes opus.h.
//
// Determinism: for the same input samples and settings, libopus on one build produces the same
// bytes (no run-time SIMD dispatch differences on one machine), so encoded streams can be cached
// and compared bit for bit.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "codec/codec.h"

namespace callsim::codec {

// The linked libopus, e.g. "libopus 1.3.1" (scores depend on it).
std::string opus_library_version();

// True for the rates libopus runs at: 8000, 12000, 16000, 24000, 48000 Hz.
bool is_opus_sample_rate(int sample_rate_hz);

// Checks every field against what libopus accepts; throws std::invalid_argument naming the field
// and its allowed values. Bitrate: 6000..510000 bps (the range libopus documents as useful).
void validate(const EncoderConfig& config);

// One mono Opus encoder with all settings applied at construction (signal type: voice).
// Frames are config.frame_ms long at config.sample_rate_hz.
class OpusEncoder final : public Encoder {
 public:
  explicit OpusEncoder(const EncoderConfig& config);  // throws std::invalid_argument

  int sample_rate_hz() const override { return config_.sample_rate_hz; }
  int frame_samples() const override { return frame_samples_; }
  // Throws std::invalid_argument unless pcm.size() == frame_samples().
  std::vector<uint8_t> encode(std::span<const float> pcm) override;
  void set_expected_loss_pct(int pct) override;  // 0..100, else std::invalid_argument

  const EncoderConfig& config() const { return config_; }
  // Codec delay in samples at sample_rate_hz (OPUS_GET_LOOKAHEAD): decoded output lags the input
  // by this much.
  int lookahead_samples() const;
  int expected_loss_pct() const;
  // Range-coder state after the last encode (OPUS_GET_FINAL_RANGE); a decoder that decoded the
  // same packet reports the same value.
  uint32_t final_range() const;

 private:
  struct Handle;  // owns the libopus encoder state
  struct Destroy {
    void operator()(Handle* handle) const;
  };
  EncoderConfig config_;
  int frame_samples_ = 0;
  std::unique_ptr<Handle, Destroy> handle_;
};

// One mono Opus decoder at a fixed output rate (any payload, whatever rate it was encoded at).
// Garbage payloads never throw: decode() returns an empty vector and counts them.
class OpusDecoder final : public Decoder {
 public:
  explicit OpusDecoder(int sample_rate_hz);  // throws std::invalid_argument

  int sample_rate_hz() const override { return sample_rate_hz_; }
  int payload_samples(std::span<const uint8_t> payload) const override;
  std::vector<float> decode(std::span<const uint8_t> payload) override;
  // `samples` must be a positive multiple of 2.5 ms, else std::invalid_argument.
  std::vector<float> conceal(int samples) override;
  // `samples` as for conceal(). A malformed next_payload is counted as invalid and concealment
  // is returned, so the caller always gets `samples` samples.
  std::vector<float> decode_fec(std::span<const uint8_t> next_payload, int samples) override;
  void reset() override;

  // Payloads rejected by libopus (or empty) since construction.
  int64_t invalid_payloads() const { return invalid_payloads_; }
  // Duration of the last decoded or concealed frame in samples (OPUS_GET_LAST_PACKET_DURATION).
  int last_packet_samples() const;
  uint32_t final_range() const;  // OPUS_GET_FINAL_RANGE after the last decode

 private:
  struct Handle;  // owns the libopus decoder state
  struct Destroy {
    void operator()(Handle* handle) const;
  };
  void check_plc_length(int samples) const;

  int sample_rate_hz_ = 0;
  int64_t invalid_payloads_ = 0;
  std::vector<float> buffer_;  // 120 ms, the longest packet
  std::unique_ptr<Handle, Destroy> handle_;
};

}  // namespace callsim::codec
