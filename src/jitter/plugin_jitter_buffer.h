// PluginJitterBuffer: adapts a jitter buffer from a shared library (the C ABI in
// callsim_jb_plugin.h) to the JitterBuffer interface. It loads the library, checks the ABI
// version, creates the plugin's instance with the scenario's config JSON, and hands it a
// callsim_jb_decoder table that calls back into the codec::Decoder this object owns.
// Load-time failures (missing file, missing symbol, wrong ABI, create() refusing the config)
// are InputError naming the .so; a plugin failing at run time is std::runtime_error.
#pragma once

#include <memory>
#include <string>

#include "codec/codec.h"
#include "jitter/callsim_jb_plugin.h"
#include "jitter/jitter_buffer.h"
#include "jitter/shared_library.h"

namespace callsim::jitter {

class PluginJitterBuffer final : public JitterBuffer {
 public:
  PluginJitterBuffer(const std::string& path, const std::string& config_json,
                     std::unique_ptr<codec::Decoder> decoder, int sample_rate_hz);

  void insert(ReceivedPacket packet) override;
  PlayoutFrame pull(sim::Timestamp now) override;
  JitterStats stats() const override;
  double current_delay_ms() const override;
  double target_delay_ms() const override;
  const char* plugin_name() const { return plugin_->name ? plugin_->name : ""; }

 private:
  struct Destroy {
    const callsim_jb_plugin* plugin;
    void operator()(void* handle) const { plugin->destroy(handle); }
  };
  [[noreturn]] void fail(const std::string& what) const;

  SharedLibrary library_;  // declared first: unloaded last
  const callsim_jb_plugin* plugin_ = nullptr;
  std::unique_ptr<codec::Decoder> decoder_;
  callsim_jb_decoder decoder_table_{};
  int frame_;
  std::unique_ptr<void, Destroy> handle_;
};

}  // namespace callsim::jitter
