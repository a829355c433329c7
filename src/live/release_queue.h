// The copies waiting for their due time, and the buffers they live in. BufferPool hands out
// fixed-size buffers (reused, never freed while the relay runs). ReleaseQueue is a binary min-heap
// ordered by due time, then by insertion (copies due at the same nanosecond leave in the order the
// links produced them, so FIFO delivery stays FIFO on the wire).
#pragma once

#include <cstdint>
#include <memory>
#include <queue>
#include <vector>

#include "live/call_relay.h"
#include "sim/time.h"

namespace callsim::live {

class BufferPool {
 public:
  explicit BufferPool(size_t buffer_bytes) : bytes_(buffer_bytes) {}
  uint8_t* get() {
    if (free_.empty()) {
      owned_.push_back(std::make_unique<uint8_t[]>(bytes_));
      return owned_.back().get();
    }
    uint8_t* b = free_.back();
    free_.pop_back();
    return b;
  }
  void put(uint8_t* b) { free_.push_back(b); }
  size_t buffer_bytes() const { return bytes_; }
  size_t allocated() const { return owned_.size(); }

 private:
  size_t bytes_;
  std::vector<std::unique_ptr<uint8_t[]>> owned_;
  std::vector<uint8_t*> free_;
};

struct PendingRelease {
  ScheduledCopy copy;
  uint64_t order = 0;
  uint32_t call = 0;
  uint8_t direction = 0;
  uint32_t size = 0;
  uint8_t* data = nullptr;
};

class ReleaseQueue {
 public:
  void push(PendingRelease p) {
    p.order = next_order_++;
    heap_.push(p);
  }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  const PendingRelease& top() const { return heap_.top(); }
  PendingRelease pop() {
    PendingRelease p = heap_.top();
    heap_.pop();
    return p;
  }

 private:
  struct Later {
    bool operator()(const PendingRelease& a, const PendingRelease& b) const {
      return a.copy.due != b.copy.due ? a.copy.due > b.copy.due : a.order > b.order;
    }
  };
  std::priority_queue<PendingRelease, std::vector<PendingRelease>, Later> heap_;
  uint64_t next_order_ = 0;
};

}  // namespace callsim::live
