// The receive side of a call: a jitter buffer takes parsed RTP packets as they arrive and hands
// out exactly 10 ms of audio each time the receiver's playout clock ticks. It owns the decoder
// (as WebRTC NetEq does), so it decides when to decode, conceal (PLC), recover from in-band FEC,
// play comfort noise, or time-stretch to move its delay towards a target.
//
// Units: RTP timestamps are the 48 kHz clock of RFC 7587 whatever the output rate; times are
// sim::Timestamp (ns); delays in the API are milliseconds, in JitterStats seconds (as W3C
// getStats) where a name says _s.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "sim/time.h"

namespace callsim::jitter {

// One parsed RTP packet as the network delivered it.
struct ReceivedPacket {
  uint16_t sequence = 0;
  uint32_t rtp_timestamp = 0;  // 48 kHz RTP clock (RFC 7587)
  bool marker = false;         // first packet of a talkspurt (after DTX)
  std::vector<uint8_t> payload;
  sim::Timestamp arrival;  // when it reached the receiver
  uint64_t tag = 0;        // the caller's name for this packet, echoed in DiscardedPacket
};

// A packet the buffer took in and threw away without playing it: one per
// JitterStats::packets_discarded, in the order they were discarded.
struct DiscardedPacket {
  enum class Reason : uint8_t {
    kLate,          // arrived after its playout position had played (or been concealed)
    kUndecodable,   // the decoder could not decode its payload
    kBadTimestamp,  // a timestamp jump the next packet did not confirm (PacketIntake)
    kStale,         // queued behind a delay spike's stall and skipped (adaptive)
    kFlushed,       // dropped to bound the buffer: too deep, or the packet store full
    kSpeexdsp,      // speexdsp dropped it (late or its own overflow; it does not say which)
  };
  uint64_t tag = 0;  // ReceivedPacket::tag
  Reason reason = Reason::kLate;
};
const char* to_string(DiscardedPacket::Reason reason);

// 10 ms of output.
struct PlayoutFrame {
  enum Type {
    kNormal,            // decoded audio, untouched
    kExpand,            // packet-loss concealment (decoder PLC, faded towards comfort noise)
    kAccelerate,        // a pitch period was removed (delay reduction)
    kPreemptiveExpand,  // a pitch period was inserted (delay increase)
    kMerge,             // cross-fade from concealment back into decoded audio
    kComfortNoise,      // sender in DTX (or silence gap): comfort noise at the background level
    kFecRecovered,      // a lost frame rebuilt from the next packet's in-band FEC
    kSilence            // nothing to play yet (before the first packet is due)
  };
  std::vector<float> samples;  // exactly output_rate / 100 samples, float in [-1, 1)
  Type type = kSilence;
  // RTP timestamp (48 kHz) of the first sample of this frame when that sample is real (decoded
  // or FEC) audio, as NetEq's GetPlayoutTimestamp: mouth-to-ear delay of the frame is
  // now - send_time(playout_rtp_timestamp).
  std::optional<uint32_t> playout_rtp_timestamp;
  // The real audio in this frame as runs of consecutive RTP time [rtp_timestamp, +ticks) (48 kHz
  // ticks), decoded from the frame's own packet or (fec) rebuilt from the next packet's in-band
  // FEC. Tells which sent frames were played at all (the call's residual loss).
  struct PlayedSpan {
    uint32_t rtp_timestamp = 0;
    uint32_t ticks = 0;
    bool fec = false;
  };
  std::vector<PlayedSpan> played;
  // How long the frame's first decoded sample waited after its packet arrived (emission time -
  // arrival), ms, exact: the per-frame figure whose nearest-rank 95th percentile is
  // JitterStats::jitter_buffer_delay_p95_ms (frames.csv `jitter_buffer_delay_ms`). Empty for a
  // frame without decoded audio and for plugin buffers (the host does not see their waits).
  std::optional<double> jitter_buffer_delay_ms;
};

const char* to_string(PlayoutFrame::Type type);

// Receive statistics, named after W3C RTCInboundRtpStreamStats where one exists. Sample counts
// are at the output rate. packetsLost is not here: the caller computes it from RTP sequence
// numbers.
struct JitterStats {
  uint64_t packets_received = 0;             // packetsReceived: every packet handed to insert()
  uint64_t packets_discarded = 0;            // packetsDiscarded: too late to play, undecodable, or flushed
  uint64_t packets_duplicated = 0;           // packetsDuplicated: same sequence number seen before
  uint64_t fec_packets_received = 0;         // packets carrying in-band FEC (per the FEC probe)
  uint64_t fec_packets_used = 0;             // lost frames rebuilt from the next packet's FEC
  double jitter_buffer_delay_s = 0;          // jitterBufferDelay: Σ over emitted decoded samples of
                                             // (emission time - packet arrival), seconds
  double jitter_buffer_target_delay_s = 0;   // jitterBufferTargetDelay: Σ target over the same
  uint64_t jitter_buffer_emitted_count = 0;  // jitterBufferEmittedCount: decoded samples emitted
  double jitter_buffer_delay_p95_ms = 0;     // nearest-rank 95th percentile of the frames'
                                             // PlayoutFrame::jitter_buffer_delay_ms, ms
  uint64_t total_samples_received = 0;       // totalSamplesReceived: every sample output, from the
                                             // first pull on (the silence before the first packet
                                             // too: NetEq counts every GetAudio call, in Chrome
                                             // from the moment the track plays)
  uint64_t concealed_samples = 0;            // concealedSamples (includes silent ones)
  uint64_t silent_concealed_samples = 0;     // silentConcealedSamples: concealment faded to noise
  uint64_t concealment_events = 0;           // concealmentEvents
  uint64_t inserted_samples_for_deceleration = 0;  // insertedSamplesForDeceleration
  uint64_t removed_samples_for_acceleration = 0;   // removedSamplesForAcceleration
  uint64_t comfort_noise_samples = 0;              // DTX comfort noise (not concealment, as Chrome counts it);
                                                   // on a stream without DTX comfort noise is silent concealment
  uint64_t interruption_count = 0;                 // interruptionCount: concealment events >= 150 ms
  double total_interruption_duration_s = 0;        // totalInterruptionDuration

  // Mean jitter-buffer delay in ms (jitterBufferDelay / jitterBufferEmittedCount).
  double mean_delay_ms() const {
    return jitter_buffer_emitted_count ? 1000.0 * jitter_buffer_delay_s / jitter_buffer_emitted_count : 0.0;
  }
};

class JitterBuffer {
 public:
  virtual ~JitterBuffer() = default;
  // Hand over a packet at its arrival time (packets arrive in non-decreasing arrival order).
  virtual void insert(ReceivedPacket packet) = 0;
  // Called every 10 ms of the receiver's own playout clock; `now` is on the same clock as the
  // arrival times. Returns exactly 10 ms of audio.
  virtual PlayoutFrame pull(sim::Timestamp now) = 0;
  virtual JitterStats stats() const = 0;
  // The packets counted in stats().packets_discarded, each once; empty for a buffer that reports
  // the count only (plugins).
  virtual std::vector<DiscardedPacket> discarded_packets() const = 0;
  // Current playout delay and its target, ms, both relative to the fastest packet seen recently
  // (i.e. the buffering on top of the minimum network delay).
  virtual double current_delay_ms() const = 0;
  virtual double target_delay_ms() const = 0;
};

// Tells whether a payload carries in-band FEC for the frame before it (empty = Opus LBRR flag,
// codec::has_lbrr). Used to count FEC packets and to decide whether decode_fec() is worth it.
using FecProbe = std::function<bool(std::span<const uint8_t>)>;

enum class JitterBufferKind { kFixed, kAdaptive, kSpeex, kPlugin };

// Fixed playout delay: a packet with timestamp T plays at anchor + T + delay, where the anchor
// comes from the first packet's arrival.
struct FixedJitterConfig {
  double delay_ms = 80.0;
  bool use_fec = true;
};

// The NetEq-class adaptive buffer (see adaptive_jitter_buffer.h).
struct AdaptiveJitterConfig {
  double min_delay_ms = 0.0;        // target never below
  double max_delay_ms = 2000.0;     // target never above; larger delays are flushed
  double start_delay_ms = 20.0;     // floor of the target until 500 ms of arrivals are seen
  double quantile = 0.95;           // target = this quantile of the relative arrival delay
  double forget_factor = 0.9993;    // histogram forgetting per packet (memory ~ 1/(1-f) packets)
  double max_late_fraction = 0.02;  // late packets above this fraction raise the target
  double tail_sigmas = 3.8;         // target >= mean + this many sd of the last 500 delays (0: off)
  bool peak_detection = true;       // repeated delay spikes hold the target at the spike height
  bool time_stretch = true;         // accelerate / preemptive expand (else delay only via expand)
  bool use_fec = true;              // rebuild a lost frame from the next packet's in-band FEC
  double histogram_bucket_ms = 2.0;
  double arrival_window_ms = 2000.0;  // window for the fastest-packet reference
  uint64_t seed = 0;                  // set by make_jitter_buffer from JitterBufferConfig::seed
};

// speexdsp's jitter buffer (JitterBuffer_* API).
struct SpeexJitterConfig {
  double margin_ms = 40.0;    // JITTER_BUFFER_SET_MARGIN: extra delay on top of its estimate
  int max_late_rate_pct = 4;  // JITTER_BUFFER_SET_MAX_LATE_RATE
  bool use_fec = true;        // rebuild a lost frame from the next packet's in-band FEC
  uint64_t seed = 0;          // set by make_jitter_buffer from JitterBufferConfig::seed
};

struct JitterBufferConfig {
  JitterBufferKind kind = JitterBufferKind::kAdaptive;
  FixedJitterConfig fixed;
  AdaptiveJitterConfig adaptive;
  SpeexJitterConfig speex;
  std::string plugin_path;                // kind == kPlugin: shared library implementing callsim_jb_plugin.h
  std::string plugin_config_json = "{}";  // handed to the plugin's create()
  // plugin_fingerprint(plugin_path) when the scenario was read ("" = not taken): recorded in the
  // call's result.json and a sweep's job fingerprint; a library changed since is refused at load.
  std::string plugin_fingerprint;
  std::string direction;  // the call's direction ("alice->bob"), named in a plugin's errors

  FecProbe fec_probe;                     // empty = codec::has_lbrr
  // Seeds the comfort noise: sim::RandomStream(seed, "jitter/comfort_noise"); it replaces the
  // seeds of `adaptive` and `speex`. peer::Direction sets it from (scenario seed, "jitter/<direction>")
  // so two directions never share noise.
  uint64_t seed = 0;
};

// Builds a buffer that owns `decoder`; `output_rate_hz` must equal decoder->sample_rate_hz().
// Throws std::invalid_argument for bad settings and InputError (naming the .so) when a plugin
// cannot be loaded.
std::unique_ptr<JitterBuffer> make_jitter_buffer(const JitterBufferConfig& config,
                                                 std::unique_ptr<codec::Decoder> decoder, int output_rate_hz);

}  // namespace callsim::jitter
