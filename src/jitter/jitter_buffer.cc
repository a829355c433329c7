#include "jitter/jitter_buffer.h"

#include <stdexcept>

#include "common/error.h"
#include "jitter/adaptive_jitter_buffer.h"
#include "jitter/fixed_jitter_buffer.h"
#include "jitter/plugin_jitter_buffer.h"
#include "jitter/speex_jitter_buffer.h"

namespace callsim::jitter {

const char* to_string(PlayoutFrame::Type type) {
  switch (type) {
    case PlayoutFrame::kNormal:
      return "normal";
    case PlayoutFrame::kExpand:
      return "expand";
    case PlayoutFrame::kAccelerate:
      return "accelerate";
    case PlayoutFrame::kPreemptiveExpand:
      return "preemptive_expand";
    case PlayoutFrame::kMerge:
      return "merge";
    case PlayoutFrame::kComfortNoise:
      return "comfort_noise";
    case PlayoutFrame::kFecRecovered:
      return "fec_recovered";
    case PlayoutFrame::kSilence:
      return "silence";
  }
  return "?";
}

const char* to_string(DiscardedPacket::Reason reason) {
  switch (reason) {
    case DiscardedPacket::Reason::kLate:
      return "late";
    case DiscardedPacket::Reason::kUndecodable:
      return "undecodable";
    case DiscardedPacket::Reason::kBadTimestamp:
      return "bad_timestamp";
    case DiscardedPacket::Reason::kStale:
      return "stale";
    case DiscardedPacket::Reason::kFlushed:
      return "flushed";
    case DiscardedPacket::Reason::kSpeexdsp:
      return "speexdsp";
  }
  return "?";
}

std::unique_ptr<JitterBuffer> make_jitter_buffer(const JitterBufferConfig& config,
                                                 std::unique_ptr<codec::Decoder> decoder,
                                                 int output_rate_hz) {
  if (!decoder) throw std::invalid_argument("make_jitter_buffer: no decoder");
  switch (config.kind) {
    case JitterBufferKind::kFixed:
      return std::make_unique<FixedJitterBuffer>(config.fixed, std::move(decoder), output_rate_hz,
                                                 config.fec_probe, config.seed);
    case JitterBufferKind::kAdaptive: {
      AdaptiveJitterConfig adaptive = config.adaptive;
      adaptive.seed = config.seed;
      AdaptiveDependencies deps = make_adaptive_dependencies(adaptive, output_rate_hz);
      deps.fec_probe = config.fec_probe;
      return std::make_unique<AdaptiveJitterBuffer>(adaptive, std::move(decoder), output_rate_hz,
                                                    std::move(deps));
    }
    case JitterBufferKind::kSpeex: {
      SpeexJitterConfig speex = config.speex;
      speex.seed = config.seed;
      return std::make_unique<SpeexJitterBuffer>(speex, std::move(decoder), output_rate_hz, config.fec_probe);
    }
    case JitterBufferKind::kPlugin: {
      auto buffer = std::make_unique<PluginJitterBuffer>(config.plugin_path, config.plugin_config_json,
                                                         std::move(decoder), output_rate_hz, config.direction);
      // The build the result will name is the one that plays the call (a sweep reads its
      // scenarios long before it runs the last call).
      if (!config.plugin_fingerprint.empty() && plugin_fingerprint(buffer->path()) != config.plugin_fingerprint)
        throw InputError(buffer->path(), "",
                         "the plugin library changed since the scenario was read (was " +
                             config.plugin_fingerprint + ")");
      return buffer;
    }
  }
  throw std::invalid_argument("make_jitter_buffer: unknown kind");
}

}  // namespace callsim::jitter
