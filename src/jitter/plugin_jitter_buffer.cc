#include "jitter/plugin_jitter_buffer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "sim/random.h"

namespace callsim::jitter {

// The host side of the decoder table (its context), and what the host itself saw of the call:
// the checks of what a plugin reports are made against it.
struct PluginJitterBuffer::Host {
  std::unique_ptr<codec::Decoder> decoder;
  uint32_t ticks_per_sample = 1;  // 48 kHz RTP ticks per output sample

  uint64_t packets_inserted = 0;
  uint64_t pulls = 0;
  uint64_t expand_frames = 0;
  uint64_t comfort_noise_frames = 0;  // may stand for lost packets (silent concealment)
  uint64_t decoded_samples = 0;  // by decode and decode_fec
  int64_t last_pull_ns = 0;

  // Inserted packets by the hash of their payload: all of them (the next packet of a FEC
  // rebuild), and those no decode has matched yet.
  std::unordered_map<uint64_t, std::vector<uint32_t>> inserted, undecoded;
  // RTP time the plugin had the host decode: start -> length in ticks.
  std::map<uint32_t, uint32_t> decoded;

  static uint64_t key(const uint8_t* payload, size_t size) {
    return sim::stable_hash(std::string_view(reinterpret_cast<const char*>(payload), size));
  }
  void mark_decoded(uint32_t start, uint32_t ticks) {
    uint32_t& t = decoded[start];
    t = std::max(t, ticks);
  }
  // A decode of these bytes: every inserted packet not decoded yet that carries them (identical
  // payloads, such as DTX frames, cannot be told apart: all count as decoded).
  void decoded_payload(const uint8_t* payload, size_t size, int samples) {
    decoded_samples += static_cast<uint64_t>(samples);
    auto it = undecoded.find(key(payload, size));
    if (it == undecoded.end()) return;
    for (uint32_t ts : it->second) mark_decoded(ts, static_cast<uint32_t>(samples) * ticks_per_sample);
    undecoded.erase(it);
  }
  // A FEC rebuild of the `samples` before the packet carrying next_payload.
  void rebuilt_before(const uint8_t* next_payload, size_t size, int samples) {
    decoded_samples += static_cast<uint64_t>(samples);
    auto it = inserted.find(key(next_payload, size));
    if (it == inserted.end()) return;
    const uint32_t ticks = static_cast<uint32_t>(samples) * ticks_per_sample;
    const size_t from = it->second.size() > 64 ? it->second.size() - 64 : 0;  // the recent ones
    for (size_t i = from; i < it->second.size(); ++i) mark_decoded(it->second[i] - ticks, ticks);
  }
  // Whether RTP time ts lies in audio the host decoded (the nearest 64 starts at or before it,
  // modulo 2^32).
  bool was_decoded(uint32_t ts) const {
    if (decoded.empty()) return false;
    auto it = decoded.upper_bound(ts);
    for (int i = 0; i < 64; ++i) {
      if (it == decoded.begin()) it = decoded.end();
      --it;
      const uint32_t into = ts - it->first;
      if (into < it->second) return true;
      if (into > 48000u) return false;  // a second before: no packet is that long
    }
    return false;
  }
};

namespace {

using Host = PluginJitterBuffer::Host;

// Host decoder callbacks: context is the Host. Nothing may throw across the C ABI.
Host& host(void* context) { return *static_cast<Host*>(context); }

int copy_out(const std::vector<float>& pcm, float* out, int max_samples) {
  const int n = std::min(static_cast<int>(pcm.size()), max_samples);
  std::copy_n(pcm.begin(), n, out);
  return n;
}

int cb_payload_samples(void* context, const uint8_t* payload, size_t size) {
  try {
    return host(context).decoder->payload_samples({payload, size});
  } catch (...) {
    return -1;
  }
}

int cb_decode(void* context, const uint8_t* payload, size_t size, float* out, int max_samples) {
  try {
    Host& h = host(context);
    const std::vector<float> pcm = h.decoder->decode({payload, size});
    if (pcm.empty()) return -1;
    const int n = copy_out(pcm, out, max_samples);
    h.decoded_payload(payload, size, n);
    return n;
  } catch (...) {
    return -1;
  }
}

int cb_conceal(void* context, int samples, float* out) {
  try {
    return copy_out(host(context).decoder->conceal(samples), out, samples);
  } catch (...) {
    return -1;
  }
}

int cb_decode_fec(void* context, const uint8_t* next_payload, size_t size, int samples, float* out) {
  try {
    Host& h = host(context);
    const int n = copy_out(h.decoder->decode_fec({next_payload, size}, samples), out, samples);
    if (n > 0) h.rebuilt_before(next_payload, size, n);
    return n;
  } catch (...) {
    return -1;
  }
}

// The guard's marker after the pull buffer: a quiet NaN with a payload no arithmetic makes.
constexpr uint32_t kGuardBits = 0x7FC5A3E1u;

std::string seconds(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ns) * 1e-9);
  return buf;
}

// A number as a message shows it: "NaN", "+inf", "-inf" or up to 9 significant digits.
std::string number_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

PluginJitterBuffer::PluginJitterBuffer(const std::string& path, const std::string& config_json,
                                       std::unique_ptr<codec::Decoder> decoder, int sample_rate_hz,
                                       std::string direction)
    : library_(path),
      host_(std::make_unique<Host>()),
      frame_(sample_rate_hz / 100),
      direction_(std::move(direction)),
      handle_(nullptr, Destroy{nullptr}) {
  if (!decoder || decoder->sample_rate_hz() != sample_rate_hz || sample_rate_hz <= 0 || 48000 % sample_rate_hz != 0)
    throw std::invalid_argument("plugin jitter buffer: decoder rate differs from the output rate");
  host_->decoder = std::move(decoder);
  host_->ticks_per_sample = static_cast<uint32_t>(48000 / sample_rate_hz);
  const std::string& file = library_.path();
  auto entry = reinterpret_cast<callsim_jb_plugin_entry_fn>(library_.symbol(CALLSIM_JB_PLUGIN_ENTRY));
  plugin_ = entry();
  if (!plugin_) throw InputError(file, "", std::string(CALLSIM_JB_PLUGIN_ENTRY) + "() returned NULL");
  if (plugin_->abi_version != CALLSIM_JB_PLUGIN_ABI_VERSION ||
      plugin_->struct_size < sizeof(callsim_jb_plugin))
    throw InputError(file, "",
                     "plugin ABI version " + std::to_string(plugin_->abi_version) + " (size " +
                         std::to_string(plugin_->struct_size) + "), host expects version " +
                         std::to_string(CALLSIM_JB_PLUGIN_ABI_VERSION));
  if (!plugin_->create || !plugin_->insert || !plugin_->pull || !plugin_->get_stats || !plugin_->destroy)
    throw InputError(file, "", "plugin table lacks a required function");
  decoder_table_ = {host_.get(), cb_payload_samples, cb_decode, cb_conceal, cb_decode_fec};
  char error[512] = {};
  void* h = plugin_->create(config_json.c_str(), sample_rate_hz, &decoder_table_, error, sizeof error);
  if (!h) {
    error[sizeof error - 1] = '\0';
    throw InputError(file, "",
                     std::string("plugin rejected its config: ") + (error[0] ? error : "create() failed"));
  }
  handle_ = std::unique_ptr<void, Destroy>(h, Destroy{plugin_});
}

PluginJitterBuffer::~PluginJitterBuffer() = default;

void PluginJitterBuffer::fail(const std::string& when, const std::string& what) const {
  const std::string call = direction_.empty() ? "" : "direction " + direction_ + ", ";
  throw InputError(library_.path(), "", call + when + " " + what);  // the user's plugin: exit 2
}

void PluginJitterBuffer::insert(ReceivedPacket p) {
  const int r = plugin_->insert(handle_.get(), p.sequence, p.rtp_timestamp, p.marker ? 1 : 0, p.payload.data(),
                                p.payload.size(), p.arrival.ns());
  if (r != 0)
    fail("insert at " + seconds(p.arrival.ns()),
         "(sequence " + std::to_string(p.sequence) + ") failed: returned " + std::to_string(r));
  Host& h = *host_;
  ++h.packets_inserted;
  const uint64_t key = Host::key(p.payload.data(), p.payload.size());
  h.inserted[key].push_back(p.rtp_timestamp);
  h.undecoded[key].push_back(p.rtp_timestamp);
}

PlayoutFrame PluginJitterBuffer::pull(sim::Timestamp now) {
  const std::string when = "pull at " + seconds(now.ns());
  PlayoutFrame frame;
  // The frame, then a guard of marker values the plugin must leave as they are.
  const size_t n = static_cast<size_t>(frame_);
  frame.samples.assign(n + kPluginPullGuard, 0.0f);
  const float marker = std::bit_cast<float>(kGuardBits);
  std::fill(frame.samples.begin() + static_cast<std::ptrdiff_t>(n), frame.samples.end(), marker);
  int type = 0, valid = 0;
  uint32_t ts = 0;
  const int r = plugin_->pull(handle_.get(), now.ns(), frame.samples.data(), frame_, &type, &valid, &ts);
  for (size_t i = n; i < frame.samples.size(); ++i)
    if (std::bit_cast<uint32_t>(frame.samples[i]) != kGuardBits)
      fail(when, "wrote past the " + std::to_string(n) + " samples it was given (at index " + std::to_string(i) +
                     "): a buffer overrun in the plugin");
  frame.samples.resize(n);
  if (r != 0) fail(when, "failed: returned " + std::to_string(r));
  if (type < CALLSIM_JB_NORMAL || type > CALLSIM_JB_SILENCE)
    fail(when, "returned frame type " + std::to_string(type) + " (not a callsim_jb_frame_type)");
  frame.type = static_cast<PlayoutFrame::Type>(type);
  check_audio(frame, when);
  if (valid) {
    frame.playout_rtp_timestamp = ts;
    check_claim(frame, when);
    // A plugin reports only where the frame starts: count its 10 ms from there.
    frame.played.push_back({ts, 480, frame.type == PlayoutFrame::kFecRecovered});
  }
  Host& h = *host_;
  ++h.pulls;
  h.expand_frames += frame.type == PlayoutFrame::kExpand;
  h.comfort_noise_frames += frame.type == PlayoutFrame::kComfortNoise;
  h.last_pull_ns = now.ns();
  return frame;
}

void PluginJitterBuffer::check_audio(const PlayoutFrame& frame, const std::string& when) const {
  for (size_t i = 0; i < frame.samples.size(); ++i) {
    const float v = frame.samples[i];
    if (std::isfinite(v) && std::fabs(v) <= kPluginMaxSample) continue;
    fail(when, "returned sample " + number_text(v) + " at index " + std::to_string(i) +
                   " (audio must be finite, in [-1, 1); up to +-" + number_text(kPluginMaxSample) +
                   " is accepted)");
  }
}

void PluginJitterBuffer::check_claim(const PlayoutFrame& frame, const std::string& when) const {
  const uint32_t ts = *frame.playout_rtp_timestamp;
  if (frame.type == PlayoutFrame::kSilence)
    fail(when, "claimed playout timestamp " + std::to_string(ts) +
                   " for a SILENCE frame (a frame without audio of a packet has none)");
  if (!host_->was_decoded(ts))
    fail(when, "claimed playout timestamp " + std::to_string(ts) +
                   ", RTP time of no packet it had decoded (or rebuilt from FEC) by then");
}

void PluginJitterBuffer::check_stats(const JitterStats& s, const std::string& when) const {
  const Host& h = *host_;
  auto n = [](uint64_t v) { return std::to_string(v); };
  auto count_at_most = [&](const char* name, uint64_t v, uint64_t limit, const std::string& what) {
    if (v > limit) fail(when, "reported " + std::string(name) + " " + n(v) + ", more than " + what);
  };
  auto seconds_ok = [&](const char* name, double v, double limit, const std::string& what) {
    if (!std::isfinite(v) || v < 0 || v > limit)
      fail(when, "reported " + std::string(name) + " " + number_text(v) +
                     " (must be finite, >= 0 and at most " + what + ")");
  };
  const uint64_t received = s.packets_received, samples = s.total_samples_received;
  const std::string packets = "the " + n(received) + " packets inserted";
  count_at_most("packetsDiscarded", s.packets_discarded, received, packets);
  count_at_most("packetsDuplicated", s.packets_duplicated, received, packets);
  count_at_most("fecPacketsReceived", s.fec_packets_received, received, packets);
  count_at_most("fec_packets_used", s.fec_packets_used, received, packets);
  const std::string pulled = "the " + n(samples) + " samples pulled";
  count_at_most("jitterBufferEmittedCount", s.jitter_buffer_emitted_count, samples, pulled);
  count_at_most("comfort_noise_samples", s.comfort_noise_samples, samples, pulled);
  count_at_most("insertedSamplesForDeceleration", s.inserted_samples_for_deceleration, samples, pulled);
  count_at_most("removedSamplesForAcceleration", s.removed_samples_for_acceleration, h.decoded_samples,
                "the " + n(h.decoded_samples) + " samples the host decoded for it");
  const uint64_t frame = static_cast<uint64_t>(frame_);
  // Comfort noise played for lost packets is silent concealment (W3C silentConcealedSamples), as
  // the built-in buffers count it on a stream without DTX.
  count_at_most("concealedSamples", s.concealed_samples, (h.expand_frames + h.comfort_noise_frames) * frame,
                "its " + n(h.expand_frames) + " EXPAND and " + n(h.comfort_noise_frames) +
                    " COMFORT_NOISE frames hold (" + n(frame) + " samples each)");
  if (s.concealed_samples < h.expand_frames)
    fail(when, "reported concealedSamples " + n(s.concealed_samples) + " after " + n(h.expand_frames) +
                   " EXPAND frames (each holds concealment)");
  if (h.expand_frames > 0 && s.concealment_events == 0)
    fail(when, "reported concealmentEvents 0 after " + n(h.expand_frames) + " EXPAND frames");
  count_at_most("silentConcealedSamples", s.silent_concealed_samples, s.concealed_samples, "its concealedSamples");
  count_at_most("concealmentEvents", s.concealment_events, s.concealed_samples, "its concealedSamples");
  count_at_most("interruption_count", s.interruption_count, s.concealment_events, "its concealmentEvents");
  const double rate = static_cast<double>(frame_) * 100.0;
  const double call_s = static_cast<double>(h.last_pull_ns) * 1e-9;
  seconds_ok("totalInterruptionDuration", s.total_interruption_duration_s,
             static_cast<double>(s.concealed_samples) / rate + 1e-6, "its concealedSamples' duration");
  // Each emitted sample waited at most from the call's start (no packet arrives before it).
  seconds_ok("jitterBufferDelay", s.jitter_buffer_delay_s,
             static_cast<double>(s.jitter_buffer_emitted_count) * call_s + 1e-6,
             "jitterBufferEmittedCount x the call time so far");
  seconds_ok("jitterBufferTargetDelay", s.jitter_buffer_target_delay_s, HUGE_VAL, "finite");
  seconds_ok("jitter_buffer_delay_p95_ms", s.jitter_buffer_delay_p95_ms, 1000.0 * call_s + 1.0,
             "the call time so far");
}

JitterStats PluginJitterBuffer::stats() const {
  callsim_jb_stats c;
  std::memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  const std::string when = "get_stats after the pull at " + seconds(host_->last_pull_ns);
  const int r = plugin_->get_stats(handle_.get(), &c);
  if (r != 0) fail(when, "failed: returned " + std::to_string(r));
  JitterStats s;
  // Counted by the host, whatever the plugin says: every packet handed to insert() and every
  // sample pulled (README.md, "Plugins").
  s.packets_received = host_->packets_inserted;
  s.total_samples_received = host_->pulls * static_cast<uint64_t>(frame_);
  s.packets_discarded = c.packets_discarded;
  s.packets_duplicated = c.packets_duplicated;
  s.fec_packets_received = c.fec_packets_received;
  s.fec_packets_used = c.fec_packets_used;
  s.jitter_buffer_delay_s = c.jitter_buffer_delay_s;
  s.jitter_buffer_target_delay_s = c.jitter_buffer_target_delay_s;
  s.jitter_buffer_emitted_count = c.jitter_buffer_emitted_count;
  s.jitter_buffer_delay_p95_ms = c.jitter_buffer_delay_p95_ms;
  s.concealed_samples = c.concealed_samples;
  s.silent_concealed_samples = c.silent_concealed_samples;
  s.concealment_events = c.concealment_events;
  s.inserted_samples_for_deceleration = c.inserted_samples_for_deceleration;
  s.removed_samples_for_acceleration = c.removed_samples_for_acceleration;
  s.comfort_noise_samples = c.comfort_noise_samples;
  s.interruption_count = c.interruption_count;
  s.total_interruption_duration_s = c.total_interruption_duration_s;
  check_stats(s, when);
  return s;
}

double PluginJitterBuffer::checked_delay(const char* name, double ms) const {
  if (std::isnan(ms) || (ms >= 0 && ms <= kPluginMaxDelayMs)) return ms;
  fail("after the pull at " + seconds(host_->last_pull_ns),
       std::string(name) + " returned " + number_text(ms) + " ms (must be NaN for unknown, or finite, >= 0 and at most " +
           number_text(kPluginMaxDelayMs) + ")");
}

double PluginJitterBuffer::current_delay_ms() const {
  return plugin_->current_delay_ms ? checked_delay("current_delay_ms", plugin_->current_delay_ms(handle_.get()))
                                   : std::nan("");
}

double PluginJitterBuffer::target_delay_ms() const {
  return plugin_->target_delay_ms ? checked_delay("target_delay_ms", plugin_->target_delay_ms(handle_.get()))
                                  : std::nan("");
}

}  // namespace callsim::jitter
