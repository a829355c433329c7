// RTP counters wrap (16-bit sequence numbers, 32-bit timestamps); the buffers work on 64-bit
// unwrapped values. Unwrapper<T> maps each new value to the 64-bit value nearest to the newest
// one seen so far (so reordering across a wrap is handled). DuplicateDetector remembers the last
// 1024 unwrapped sequence numbers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <type_traits>

namespace callsim::jitter {

template <typename T>
class Unwrapper {
  static_assert(std::is_unsigned_v<T> && sizeof(T) < 8);

 public:
  int64_t unwrap(T value) {
    if (!newest_) {
      newest_ = static_cast<int64_t>(value);
      return *newest_;
    }
    using Signed = std::make_signed_t<T>;
    const T delta = static_cast<T>(value - static_cast<T>(*newest_));
    const int64_t result = *newest_ + static_cast<Signed>(delta);
    if (result > *newest_) newest_ = result;
    return result;
  }
  std::optional<int64_t> newest() const { return newest_; }

 private:
  std::optional<int64_t> newest_;
};

class DuplicateDetector {
 public:
  // True when `unwrapped_sequence` was seen before (within the last 1024 numbers); marks it seen.
  bool seen_before(int64_t unwrapped_sequence) {
    auto& slot = slots_[static_cast<size_t>(unwrapped_sequence & (kSize - 1))];
    if (slot == unwrapped_sequence) return true;
    slot = unwrapped_sequence;
    return false;
  }

 private:
  static constexpr int64_t kSize = 1024;
  std::array<int64_t, kSize> slots_ = make_empty();
  static constexpr std::array<int64_t, kSize> make_empty() {
    std::array<int64_t, kSize> a{};
    for (auto& v : a) v = INT64_MIN;
    return a;
  }
};

}  // namespace callsim::jitter
