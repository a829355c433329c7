// Encode once: a thread-safe in-memory cache of encoded talk streams for a sweep. A stream depends
// only on the talker audio, talk schedule, call length and encoder settings (the key from
// call::encode_key), never on the network, so calls that differ only in network, jitter
// buffer or seed share one encoding. Each key is encoded under its own once-flag: two threads
// asking for the same key never both encode it; different keys encode in parallel.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "call/call_runner.h"

namespace callsim::harness {

class EncodeOnceCache {
 public:
  // The stream for `key`: encoded by the first caller, shared with every later one.
  std::shared_ptr<const peer::EncodedStream> get(const std::string& key,
                                                 const std::function<peer::EncodedStream()>& encode);
  // The hook for call::RunOptions::encode_cache; the cache must outlive the calls using it.
  call::EncodeCache hook();

  uint64_t hits() const { return hits_.load(); }      // requests served without encoding
  uint64_t misses() const { return misses_.load(); }  // encodings performed
  size_t size() const;

 private:
  struct Entry {
    std::once_flag once;
    std::shared_ptr<const peer::EncodedStream> stream;
  };
  mutable std::mutex mutex_;  // guards entries_ (not the encoding itself)
  std::map<std::string, std::shared_ptr<Entry>> entries_;
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace callsim::harness
