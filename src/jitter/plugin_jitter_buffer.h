// PluginJitterBuffer: adapts a jitter buffer from a shared library (the C ABI in
// callsim_jb_plugin.h) to the JitterBuffer interface. It loads the library, checks the ABI
// version, creates the plugin's instance with the scenario's config JSON, and hands it a
// callsim_jb_decoder table that calls back into the codec::Decoder this object owns.
// Load-time failures (missing file, missing symbol, wrong ABI, create() refusing the config)
// are InputError naming the .so. So is everything a plugin does wrong during a call, with the
// call time: a failing insert/pull/get_stats, audio that is not finite or far out of range, a
// playout timestamp of audio it did not decode, statistics the call could not have produced
// (README.md, "Plugins": what the host checks, derives and cannot check).
#pragma once

#include <memory>
#include <string>

#include "codec/codec.h"
#include "jitter/callsim_jb_plugin.h"
#include "jitter/jitter_buffer.h"
#include "jitter/shared_library.h"

namespace callsim::jitter {

// Largest sample magnitude accepted from a plugin (callsim_jb_plugin.h: audio is in [-1, 1);
// decoded audio may overshoot full scale a little, so up to 2 is taken as it is).
constexpr float kPluginMaxSample = 2.0f;
// Largest per-tick delay accepted (current_delay_ms, target_delay_ms): a minute, far beyond any
// playout buffer; NaN is "unknown", as the ABI allows.
constexpr double kPluginMaxDelayMs = 60000.0;
// Floats past the pull buffer's n that the host fills with a marker and checks after each pull: a
// plugin that writes a little past its buffer is refused before the call goes on (a write further
// out is not seen; it runs in callsim's process).
constexpr size_t kPluginPullGuard = 64;

class PluginJitterBuffer final : public JitterBuffer {
 public:
  PluginJitterBuffer(const std::string& path, const std::string& config_json,
                     std::unique_ptr<codec::Decoder> decoder, int sample_rate_hz, std::string direction = "");
  ~PluginJitterBuffer() override;

  void insert(ReceivedPacket packet) override;
  PlayoutFrame pull(sim::Timestamp now) override;
  JitterStats stats() const override;
  // The ABI reports a count only (callsim_jb_stats::packets_discarded), not which packets.
  std::vector<DiscardedPacket> discarded_packets() const override { return {}; }
  double current_delay_ms() const override;
  double target_delay_ms() const override;
  const char* plugin_name() const { return plugin_->name ? plugin_->name : ""; }
  const std::string& path() const { return library_.path(); }

  struct Host;  // the decoder and what the host saw of the call (plugin_jitter_buffer.cc)

 private:
  struct Destroy {
    const callsim_jb_plugin* plugin;
    void operator()(void* handle) const { plugin->destroy(handle); }
  };
  // InputError naming the library: "[direction D, ]<when> <what>", when = "pull at 2.340 s".
  [[noreturn]] void fail(const std::string& when, const std::string& what) const;
  void check_audio(const PlayoutFrame& frame, const std::string& when) const;
  void check_claim(const PlayoutFrame& frame, const std::string& when) const;
  void check_stats(const JitterStats& s, const std::string& when) const;
  double checked_delay(const char* name, double ms) const;

  SharedLibrary library_;  // declared first: unloaded last
  const callsim_jb_plugin* plugin_ = nullptr;
  std::unique_ptr<Host> host_;  // outlives the handle: the plugin calls into it until destroy()
  callsim_jb_decoder decoder_table_{};
  int frame_;
  std::string direction_;  // "" outside a call
  std::unique_ptr<void, Destroy> handle_;
};

}  // namespace callsim::jitter
