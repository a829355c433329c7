// PacketBuffer: the packets waiting to be decoded, ordered by their position on the playout
// timeline (unwrapped RTP timestamp converted to output samples). It knows nothing about time;
// the buffers ask it for the packet covering a position and for the next packet after one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "sim/time.h"

namespace callsim::jitter {

struct StoredPacket {
  int64_t sequence = 0;  // unwrapped
  int64_t position = 0;  // first sample, output samples on the unwrapped timeline
  int duration = 0;      // samples at the output rate
  bool marker = false;
  bool has_fec = false;  // carries in-band FEC for the frame before it
  std::vector<uint8_t> payload;
  sim::Timestamp arrival;
  uint64_t tag = 0;  // ReceivedPacket::tag

  int64_t end() const { return position + duration; }
};

class PacketBuffer {
 public:
  enum class InsertResult { kInserted, kDuplicateTimestamp, kFlushedOldest };
  explicit PacketBuffer(size_t max_packets = 500) : max_packets_(max_packets) {}

  // A packet with the same position as a stored one is dropped (kDuplicateTimestamp). When full,
  // the oldest packet is dropped to make room (kFlushedOldest, the new one is stored; the dropped
  // one's tag goes to `flushed_tag` when given).
  InsertResult insert(StoredPacket packet, uint64_t* flushed_tag = nullptr);

  // The packet whose span contains `position` (start <= position < end), if stored.
  const StoredPacket* covering(int64_t position) const;
  // The first stored packet starting strictly after `position`.
  const StoredPacket* next_after(int64_t position) const;
  const StoredPacket* first() const;
  const StoredPacket* at(int64_t position) const;

  // Removes and returns the packet starting at `position`.
  std::optional<StoredPacket> take(int64_t position);
  // Drops packets that end at or before `position`; returns their tags, oldest first.
  std::vector<uint64_t> drop_before(int64_t position);

  size_t size() const { return packets_.size(); }
  bool empty() const { return packets_.empty(); }
  // Samples from `position` to the end of the last stored packet (0 when empty or behind).
  int64_t span_after(int64_t position) const;

 private:
  size_t max_packets_;
  std::map<int64_t, StoredPacket> packets_;  // by position
};

}  // namespace callsim::jitter
