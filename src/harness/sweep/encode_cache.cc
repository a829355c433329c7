#include "harness/sweep/encode_cache.h"

namespace callsim::harness {

std::shared_ptr<const peer::EncodedStream> EncodeOnceCache::get(
    const std::string& key, const std::function<peer::EncodedStream()>& encode) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto& slot = entries_[key];
    if (!slot) slot = std::make_shared<Entry>();
    entry = slot;
  }
  bool encoded_here = false;
  // If encode() throws, the flag stays unset and the next caller tries again.
  std::call_once(entry->once, [&] {
    entry->stream = std::make_shared<const peer::EncodedStream>(encode());
    encoded_here = true;
  });
  (encoded_here ? misses_ : hits_).fetch_add(1);
  return entry->stream;
}

call::EncodeCache EncodeOnceCache::hook() {
  return [this](const std::string& key, const std::function<peer::EncodedStream()>& encode) {
    return get(key, encode);
  };
}

size_t EncodeOnceCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace callsim::harness
