// Test support for the jitter buffers: a transparent fake codec (payload = 16-bit PCM, optional
// 8-bit copy of the previous frame as "FEC"), synthetic signals, packet streams sent in real time,
// a network that delays/drops them with sim::RandomStream draws, and a runner that interleaves
// arrivals and 10 ms pulls (optionally with a drifting receiver clock).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "codec/codec.h"
#include "jitter/jitter_buffer.h"
#include "sim/random.h"
#include "sim/time.h"

namespace callsim::jitter::testing {

// Payload: [flags][n lo][n hi][n x int16 LE][if flags & 1: n x int8 of the previous frame].
std::vector<uint8_t> fake_encode(std::span<const float> frame, std::span<const float> previous, bool fec);
bool fake_has_fec(std::span<const uint8_t> payload);

class FakeDecoder final : public codec::Decoder {
 public:
  explicit FakeDecoder(int rate) : rate_(rate) {}
  int sample_rate_hz() const override { return rate_; }
  int payload_samples(std::span<const uint8_t> payload) const override;
  std::vector<float> decode(std::span<const uint8_t> payload) override;
  // Repeats the last 5 ms cyclically, 0.8x per call; throws unless a multiple of 2.5 ms.
  std::vector<float> conceal(int samples) override;
  std::vector<float> decode_fec(std::span<const uint8_t> next_payload, int samples) override;
  void reset() override { history_.clear(); }

  int decodes = 0, conceals = 0, fec_decodes = 0;

 private:
  int rate_;
  std::vector<float> history_;
  float gain_ = 1.0f;
};

// Sum of 5 harmonics of f0 (amplitudes 1/k, total peak ~`amplitude`), phase-continuous.
std::vector<float> harmonic_signal(int rate, double seconds, double f0 = 200.0, double amplitude = 0.3);
// Alternating talk (harmonic, `talk_s`) and silence (`pause_s`).
std::vector<float> talkspurt_signal(int rate, double seconds, double talk_s, double pause_s);

struct SentPacket {
  ReceivedPacket packet;  // arrival unset
  sim::Timestamp send_time;
};

struct StreamOptions {
  int frame_ms = 20;
  uint16_t first_sequence = 1000;
  uint32_t first_timestamp = 123456;
  bool fec = false;
  // DTX: frames whose RMS is below this are not sent after `dtx_hangover` silent frames (as Opus
  // keeps coding 200 ms of silence before it stops); the next sent one gets the marker bit.
  double dtx_below_rms = -1.0;
  int dtx_hangover = 10;
};
// Frames of `signal` encoded with the fake codec, sent every frame at their media time.
std::vector<SentPacket> make_stream(std::span<const float> signal, int rate, const StreamOptions& opt);
// Same with a real encoder (any codec::Encoder); DTX frames (<= 2 bytes) are not sent.
std::vector<SentPacket> make_stream(std::span<const float> signal, codec::Encoder& encoder,
                                    const StreamOptions& opt);

// Network delay for packet i sent at t; nullopt = lost.
using DelayFn = std::function<std::optional<sim::Duration>(size_t index, sim::Timestamp send_time)>;
// Applies `delay` and sorts by arrival (ties keep send order).
std::vector<ReceivedPacket> deliver(const std::vector<SentPacket>& sent, const DelayFn& delay);
// base + max(0, N(0, sd)) per packet, iid, from the named stream.
DelayFn normal_delay(double base_ms, double sd_ms, uint64_t seed, double loss = 0.0);

struct RunResult {
  std::vector<PlayoutFrame> frames;
  std::vector<sim::Timestamp> times;
  std::vector<double> delay_ms, target_ms;
  std::vector<float> audio() const;
};
// Pulls every 10 ms x (1 + drift_ppm 1e-6) of true time from t = 0 for `duration`, inserting each
// packet before the first pull at or after its arrival.
RunResult run(JitterBuffer& jb, std::vector<ReceivedPacket> arrivals, sim::Duration duration,
              double drift_ppm = 0);

// The decoder output of all packets in sequence order (the "perfect network" reference).
std::vector<float> decode_all(const std::vector<SentPacket>& sent, codec::Decoder& decoder);

// Mouth-to-ear delays (ms) of frames with a playout timestamp at or after `from`, given that
// timestamp first_ts was sent at t = 0 (48 kHz RTP clock).
std::vector<double> mouth_to_ear_ms(const RunResult& r, uint32_t first_ts, sim::Timestamp from);

double mean(std::span<const double> v);
double quantile(std::vector<double> v, double q);

}  // namespace callsim::jitter::testing
