#include "jitter/packet_buffer.h"

#include <algorithm>

namespace callsim::jitter {

PacketBuffer::InsertResult PacketBuffer::insert(StoredPacket packet, uint64_t* flushed_tag) {
  if (packets_.contains(packet.position)) return InsertResult::kDuplicateTimestamp;
  InsertResult result = InsertResult::kInserted;
  if (packets_.size() >= max_packets_) {
    if (flushed_tag) *flushed_tag = packets_.begin()->second.tag;
    packets_.erase(packets_.begin());
    result = InsertResult::kFlushedOldest;
  }
  const int64_t position = packet.position;
  packets_.emplace(position, std::move(packet));
  return result;
}

const StoredPacket* PacketBuffer::covering(int64_t position) const {
  auto it = packets_.upper_bound(position);
  if (it == packets_.begin()) return nullptr;
  --it;
  return it->second.end() > position ? &it->second : nullptr;
}

const StoredPacket* PacketBuffer::next_after(int64_t position) const {
  auto it = packets_.upper_bound(position);
  return it == packets_.end() ? nullptr : &it->second;
}

const StoredPacket* PacketBuffer::first() const {
  return packets_.empty() ? nullptr : &packets_.begin()->second;
}

const StoredPacket* PacketBuffer::at(int64_t position) const {
  auto it = packets_.find(position);
  return it == packets_.end() ? nullptr : &it->second;
}

std::optional<StoredPacket> PacketBuffer::take(int64_t position) {
  auto it = packets_.find(position);
  if (it == packets_.end()) return std::nullopt;
  StoredPacket p = std::move(it->second);
  packets_.erase(it);
  return p;
}

std::vector<uint64_t> PacketBuffer::drop_before(int64_t position) {
  std::vector<uint64_t> dropped;
  while (!packets_.empty() && packets_.begin()->second.end() <= position) {
    dropped.push_back(packets_.begin()->second.tag);
    packets_.erase(packets_.begin());
  }
  return dropped;
}

int64_t PacketBuffer::span_after(int64_t position) const {
  if (packets_.empty()) return 0;
  const int64_t end = std::prev(packets_.end())->second.end();
  return std::max<int64_t>(0, end - position);
}

}  // namespace callsim::jitter
