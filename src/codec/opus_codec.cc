// The only translation unit that includes opus.h. The OPUS_SET_*/OPUS_GET_* convenience macros
// are not used (they expand to C casts); requests are passed with explicit opus_int32 values.
#include "codec/opus_codec.h"

#include <opus.h>

#include <stdexcept>
#include <string>

namespace callsim::codec {

std::string opus_library_version() { return opus_get_version_string(); }

namespace {

constexpr int kMaxPacketBytes = 4000;  // libopus's recommended output buffer for any frame size

[[noreturn]] void invalid(const std::string& what) { throw std::invalid_argument("opus: " + what); }

void check_range(const char* field, int value, int lo, int hi) {
  if (value < lo || value > hi)
    invalid(std::string(field) + " " + std::to_string(value) + " is outside " + std::to_string(lo) + ".." +
            std::to_string(hi));
}

void encoder_set(::OpusEncoder* st, int request, int value, const char* name) {
  const int rc = opus_encoder_ctl(st, request, static_cast<opus_int32>(value));
  if (rc != OPUS_OK)
    throw std::runtime_error(std::string("opus: setting ") + name + ": " + opus_strerror(rc));
}

int encoder_get(::OpusEncoder* st, int request) {
  opus_int32 value = 0;
  const int rc = opus_encoder_ctl(st, request, &value);
  if (rc != OPUS_OK) throw std::runtime_error(std::string("opus: encoder query: ") + opus_strerror(rc));
  return value;
}

int decoder_get(::OpusDecoder* st, int request) {
  opus_int32 value = 0;
  const int rc = opus_decoder_ctl(st, request, &value);
  if (rc != OPUS_OK) throw std::runtime_error(std::string("opus: decoder query: ") + opus_strerror(rc));
  return value;
}

int to_opus(Bandwidth bw) {
  switch (bw) {
    case Bandwidth::kNarrowband:
      return OPUS_BANDWIDTH_NARROWBAND;
    case Bandwidth::kMediumband:
      return OPUS_BANDWIDTH_MEDIUMBAND;
    case Bandwidth::kWideband:
      return OPUS_BANDWIDTH_WIDEBAND;
    case Bandwidth::kSuperwideband:
      return OPUS_BANDWIDTH_SUPERWIDEBAND;
    case Bandwidth::kFullband:
      return OPUS_BANDWIDTH_FULLBAND;
  }
  invalid("unknown max_bandwidth");
}

void apply_settings(::OpusEncoder* st, const EncoderConfig& c) {
  encoder_set(st, OPUS_SET_BITRATE_REQUEST, c.bitrate_bps, "bitrate");
  encoder_set(st, OPUS_SET_VBR_REQUEST, c.rate_control == RateControl::kCbr ? 0 : 1, "vbr");
  encoder_set(st, OPUS_SET_VBR_CONSTRAINT_REQUEST, c.rate_control == RateControl::kConstrainedVbr ? 1 : 0,
              "vbr constraint");
  encoder_set(st, OPUS_SET_COMPLEXITY_REQUEST, c.complexity, "complexity");
  encoder_set(st, OPUS_SET_MAX_BANDWIDTH_REQUEST, to_opus(c.max_bandwidth), "max bandwidth");
  encoder_set(st, OPUS_SET_INBAND_FEC_REQUEST, c.inband_fec ? 1 : 0, "inband fec");
  encoder_set(st, OPUS_SET_PACKET_LOSS_PERC_REQUEST, c.expected_loss_pct, "packet loss perc");
  encoder_set(st, OPUS_SET_DTX_REQUEST, c.dtx ? 1 : 0, "dtx");
  encoder_set(st, OPUS_SET_SIGNAL_REQUEST, OPUS_SIGNAL_VOICE, "signal");
}

}  // namespace

bool is_opus_sample_rate(int hz) {
  return hz == 8000 || hz == 12000 || hz == 16000 || hz == 24000 || hz == 48000;
}

void validate(const EncoderConfig& c) {
  if (!is_opus_sample_rate(c.sample_rate_hz))
    invalid("sample_rate_hz " + std::to_string(c.sample_rate_hz) +
            " is not one of 8000, 12000, 16000, 24000, 48000");
  if (c.frame_ms != 10 && c.frame_ms != 20 && c.frame_ms != 40 && c.frame_ms != 60)
    invalid("frame_ms " + std::to_string(c.frame_ms) + " is not one of 10, 20, 40, 60");
  check_range("bitrate_bps", c.bitrate_bps, 6000, 510000);
  check_range("complexity", c.complexity, 0, 10);
  check_range("expected_loss_pct", c.expected_loss_pct, 0, 100);
  if (c.application != Application::kVoip && c.application != Application::kAudio)
    invalid("unknown application");
  if (c.rate_control != RateControl::kVbr && c.rate_control != RateControl::kConstrainedVbr &&
      c.rate_control != RateControl::kCbr)
    invalid("unknown rate_control");
  to_opus(c.max_bandwidth);
}

struct OpusEncoder::Handle {
  ::OpusEncoder* state = nullptr;
};
struct OpusDecoder::Handle {
  ::OpusDecoder* state = nullptr;
};
void OpusEncoder::Destroy::operator()(Handle* handle) const {
  if (handle->state) opus_encoder_destroy(handle->state);
  delete handle;
}
void OpusDecoder::Destroy::operator()(Handle* handle) const {
  if (handle->state) opus_decoder_destroy(handle->state);
  delete handle;
}

OpusEncoder::OpusEncoder(const EncoderConfig& config) : config_(config) {
  validate(config_);
  frame_samples_ = config_.sample_rate_hz / 1000 * config_.frame_ms;
  const int app = config_.application == Application::kVoip ? OPUS_APPLICATION_VOIP : OPUS_APPLICATION_AUDIO;
  int err = OPUS_OK;
  handle_.reset(new Handle{opus_encoder_create(config_.sample_rate_hz, 1, app, &err)});
  if (err != OPUS_OK || !handle_->state)
    throw std::runtime_error(std::string("opus_encoder_create: ") + opus_strerror(err));
  apply_settings(handle_->state, config_);
}

std::vector<uint8_t> OpusEncoder::encode(std::span<const float> pcm) {
  if (static_cast<int>(pcm.size()) != frame_samples_)
    invalid("encode needs " + std::to_string(frame_samples_) + " samples, got " + std::to_string(pcm.size()));
  std::vector<uint8_t> out(kMaxPacketBytes);
  const opus_int32 n =
      opus_encode_float(handle_->state, pcm.data(), frame_samples_, out.data(), kMaxPacketBytes);
  if (n < 0) throw std::runtime_error(std::string("opus_encode_float: ") + opus_strerror(n));
  out.resize(static_cast<size_t>(n));
  return out;
}

void OpusEncoder::set_expected_loss_pct(int pct) {
  check_range("expected_loss_pct", pct, 0, 100);
  encoder_set(handle_->state, OPUS_SET_PACKET_LOSS_PERC_REQUEST, pct, "packet loss perc");
  config_.expected_loss_pct = pct;
}

int OpusEncoder::lookahead_samples() const { return encoder_get(handle_->state, OPUS_GET_LOOKAHEAD_REQUEST); }
int OpusEncoder::expected_loss_pct() const {
  return encoder_get(handle_->state, OPUS_GET_PACKET_LOSS_PERC_REQUEST);
}
uint32_t OpusEncoder::final_range() const {
  opus_uint32 value = 0;
  opus_encoder_ctl(handle_->state, OPUS_GET_FINAL_RANGE_REQUEST, &value);
  return value;
}

OpusDecoder::OpusDecoder(int sample_rate_hz) : sample_rate_hz_(sample_rate_hz) {
  if (!is_opus_sample_rate(sample_rate_hz))
    invalid("decoder sample_rate_hz " + std::to_string(sample_rate_hz) +
            " is not one of 8000, 12000, 16000, 24000, 48000");
  int err = OPUS_OK;
  handle_.reset(new Handle{opus_decoder_create(sample_rate_hz, 1, &err)});
  if (err != OPUS_OK || !handle_->state)
    throw std::runtime_error(std::string("opus_decoder_create: ") + opus_strerror(err));
  buffer_.resize(static_cast<size_t>(sample_rate_hz / 1000 * 120));
}

int OpusDecoder::payload_samples(std::span<const uint8_t> payload) const {
  if (payload.empty()) return 0;
  const int n =
      opus_decoder_get_nb_samples(handle_->state, payload.data(), static_cast<opus_int32>(payload.size()));
  return n < 0 ? 0 : n;
}

std::vector<float> OpusDecoder::decode(std::span<const uint8_t> payload) {
  int n = OPUS_INVALID_PACKET;
  if (!payload.empty())
    n = opus_decode_float(handle_->state, payload.data(), static_cast<opus_int32>(payload.size()),
                          buffer_.data(), static_cast<int>(buffer_.size()), 0);
  if (n < 0) {
    ++invalid_payloads_;
    return {};
  }
  return {buffer_.begin(), buffer_.begin() + n};
}

void OpusDecoder::check_plc_length(int samples) const {
  const int quantum = sample_rate_hz_ / 400;  // 2.5 ms
  if (samples <= 0 || samples % quantum != 0)
    invalid("concealment length " + std::to_string(samples) + " is not a positive multiple of 2.5 ms (" +
            std::to_string(quantum) + " samples)");
}

std::vector<float> OpusDecoder::conceal(int samples) {
  check_plc_length(samples);
  std::vector<float> out(static_cast<size_t>(samples));
  const int n = opus_decode_float(handle_->state, nullptr, 0, out.data(), samples, 0);
  if (n != samples) throw std::runtime_error(std::string("opus: concealment failed: ") + opus_strerror(n));
  return out;
}

std::vector<float> OpusDecoder::decode_fec(std::span<const uint8_t> next_payload, int samples) {
  check_plc_length(samples);
  if (next_payload.empty()) {
    ++invalid_payloads_;
    return conceal(samples);
  }
  std::vector<float> out(static_cast<size_t>(samples));
  const int n = opus_decode_float(handle_->state, next_payload.data(),
                                  static_cast<opus_int32>(next_payload.size()), out.data(), samples, 1);
  if (n < 0) {
    ++invalid_payloads_;
    return conceal(samples);
  }
  out.resize(static_cast<size_t>(n));
  return out;
}

void OpusDecoder::reset() { opus_decoder_ctl(handle_->state, OPUS_RESET_STATE); }

int OpusDecoder::last_packet_samples() const {
  return decoder_get(handle_->state, OPUS_GET_LAST_PACKET_DURATION_REQUEST);
}
uint32_t OpusDecoder::final_range() const {
  opus_uint32 value = 0;
  opus_decoder_ctl(handle_->state, OPUS_GET_FINAL_RANGE_REQUEST, &value);
  return value;
}

std::unique_ptr<Encoder> make_opus_encoder(const EncoderConfig& config) {
  return std::make_unique<OpusEncoder>(config);
}
std::unique_ptr<Decoder> make_opus_decoder(int sample_rate_hz) {
  return std::make_unique<OpusDecoder>(sample_rate_hz);
}

}  // namespace callsim::codec
