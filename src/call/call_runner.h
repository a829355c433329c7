// Runs one call: builds each direction's talk signal, encodes it (or takes it from an
// encode-once cache), wires sender → link → receiver in one Simulator, runs it, then scores the
// audio and checks the scenario's expectations. Writes nothing: see call_output.h.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "peer/encoded_stream.h"
#include "call/call_result.h"
#include "scenario/scenario.h"

namespace callsim::call {

// Returns the stream for `key`, calling `encode` only when it is not cached yet.
using EncodeCache = std::function<std::shared_ptr<const peer::EncodedStream>(
    const std::string& key, const std::function<peer::EncodedStream()>& encode)>;

struct RunOptions {
  bool score = true;               // P.862 scoring (the expensive part); E-model always
  EncodeCache encode_cache;        // empty: encode every time
  std::ostream* event_trace = nullptr;  // every simulator event, one line each
};

CallResult run_call(const scenario::Scenario& scenario, const RunOptions& options = {});

// The cache key of a direction's encoded stream: talker, talk schedule, call length, encoder.
std::string encode_key(const scenario::PeerConfig& talker, sim::Duration duration);

}  // namespace callsim::call
