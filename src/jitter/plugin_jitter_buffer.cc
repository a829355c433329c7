#include "jitter/plugin_jitter_buffer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "common/error.h"

namespace callsim::jitter {

namespace {

// Host decoder callbacks: context is the codec::Decoder. Nothing may throw across the C ABI.
codec::Decoder& dec(void* context) { return *static_cast<codec::Decoder*>(context); }

int copy_out(const std::vector<float>& pcm, float* out, int max_samples) {
  const int n = std::min(static_cast<int>(pcm.size()), max_samples);
  std::copy_n(pcm.begin(), n, out);
  return n;
}

int cb_payload_samples(void* context, const uint8_t* payload, size_t size) {
  try {
    return dec(context).payload_samples({payload, size});
  } catch (...) {
    return -1;
  }
}

int cb_decode(void* context, const uint8_t* payload, size_t size, float* out, int max_samples) {
  try {
    const std::vector<float> pcm = dec(context).decode({payload, size});
    return pcm.empty() ? -1 : copy_out(pcm, out, max_samples);
  } catch (...) {
    return -1;
  }
}

int cb_conceal(void* context, int samples, float* out) {
  try {
    return copy_out(dec(context).conceal(samples), out, samples);
  } catch (...) {
    return -1;
  }
}

int cb_decode_fec(void* context, const uint8_t* next_payload, size_t size, int samples, float* out) {
  try {
    return copy_out(dec(context).decode_fec({next_payload, size}, samples), out, samples);
  } catch (...) {
    return -1;
  }
}

}  // namespace

PluginJitterBuffer::PluginJitterBuffer(const std::string& path, const std::string& config_json,
                                       std::unique_ptr<codec::Decoder> decoder, int sample_rate_hz)
    : library_(path),
      decoder_(std::move(decoder)),
      frame_(sample_rate_hz / 100),
      handle_(nullptr, Destroy{nullptr}) {
  if (!decoder_ || decoder_->sample_rate_hz() != sample_rate_hz)
    throw std::invalid_argument("plugin jitter buffer: decoder rate differs from the output rate");
  auto entry = reinterpret_cast<callsim_jb_plugin_entry_fn>(library_.symbol(CALLSIM_JB_PLUGIN_ENTRY));
  plugin_ = entry();
  if (!plugin_) throw InputError(path, "", std::string(CALLSIM_JB_PLUGIN_ENTRY) + "() returned NULL");
  if (plugin_->abi_version != CALLSIM_JB_PLUGIN_ABI_VERSION ||
      plugin_->struct_size < sizeof(callsim_jb_plugin))
    throw InputError(path, "",
                     "plugin ABI version " + std::to_string(plugin_->abi_version) + " (size " +
                         std::to_string(plugin_->struct_size) + "), host expects version " +
                         std::to_string(CALLSIM_JB_PLUGIN_ABI_VERSION));
  if (!plugin_->create || !plugin_->insert || !plugin_->pull || !plugin_->get_stats || !plugin_->destroy)
    throw InputError(path, "", "plugin table lacks a required function");
  decoder_table_ = {decoder_.get(), cb_payload_samples, cb_decode, cb_conceal, cb_decode_fec};
  char error[512] = {};
  void* h = plugin_->create(config_json.c_str(), sample_rate_hz, &decoder_table_, error, sizeof error);
  if (!h) {
    error[sizeof error - 1] = '\0';
    throw InputError(path, "",
                     std::string("plugin rejected its config: ") + (error[0] ? error : "create() failed"));
  }
  handle_ = std::unique_ptr<void, Destroy>(h, Destroy{plugin_});
}

void PluginJitterBuffer::fail(const std::string& what) const {
  throw InputError(library_.path(), "", "plugin " + what + " failed");  // the user's plugin: exit 2
}

void PluginJitterBuffer::insert(ReceivedPacket p) {
  if (plugin_->insert(handle_.get(), p.sequence, p.rtp_timestamp, p.marker ? 1 : 0, p.payload.data(),
                      p.payload.size(), p.arrival.ns()) != 0)
    fail("insert");
}

PlayoutFrame PluginJitterBuffer::pull(sim::Timestamp now) {
  PlayoutFrame frame;
  frame.samples.assign(static_cast<size_t>(frame_), 0.0f);
  int type = 0, valid = 0;
  uint32_t ts = 0;
  if (plugin_->pull(handle_.get(), now.ns(), frame.samples.data(), frame_, &type, &valid, &ts) != 0)
    fail("pull");
  if (type < CALLSIM_JB_NORMAL || type > CALLSIM_JB_SILENCE)
    fail("pull (frame type " + std::to_string(type) + ")");
  frame.type = static_cast<PlayoutFrame::Type>(type);
  if (valid) {
    frame.playout_rtp_timestamp = ts;
    // A plugin reports only where the frame starts: count its 10 ms from there.
    frame.played.push_back({ts, 480, frame.type == PlayoutFrame::kFecRecovered});
  }
  return frame;
}

JitterStats PluginJitterBuffer::stats() const {
  callsim_jb_stats c;
  std::memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  if (plugin_->get_stats(handle_.get(), &c) != 0) fail("get_stats");
  JitterStats s;
  s.packets_received = c.packets_received;
  s.packets_discarded = c.packets_discarded;
  s.packets_duplicated = c.packets_duplicated;
  s.fec_packets_received = c.fec_packets_received;
  s.fec_packets_used = c.fec_packets_used;
  s.jitter_buffer_delay_s = c.jitter_buffer_delay_s;
  s.jitter_buffer_target_delay_s = c.jitter_buffer_target_delay_s;
  s.jitter_buffer_emitted_count = c.jitter_buffer_emitted_count;
  s.jitter_buffer_delay_p95_ms = c.jitter_buffer_delay_p95_ms;
  s.total_samples_received = c.total_samples_received;
  s.concealed_samples = c.concealed_samples;
  s.silent_concealed_samples = c.silent_concealed_samples;
  s.concealment_events = c.concealment_events;
  s.inserted_samples_for_deceleration = c.inserted_samples_for_deceleration;
  s.removed_samples_for_acceleration = c.removed_samples_for_acceleration;
  s.comfort_noise_samples = c.comfort_noise_samples;
  s.interruption_count = c.interruption_count;
  s.total_interruption_duration_s = c.total_interruption_duration_s;
  return s;
}

double PluginJitterBuffer::current_delay_ms() const {
  return plugin_->current_delay_ms ? plugin_->current_delay_ms(handle_.get()) : std::nan("");
}

double PluginJitterBuffer::target_delay_ms() const {
  return plugin_->target_delay_ms ? plugin_->target_delay_ms(handle_.get()) : std::nan("");
}

}  // namespace callsim::jitter
