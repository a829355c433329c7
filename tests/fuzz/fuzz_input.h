// A cursor over a fuzzer's input bytes for targets that build structured input (packet
// sequences, signal pairs): reads fixed-size integers and byte runs, yielding zeros once the
// input is exhausted, so every input means something and nothing reads out of bounds.
// And `finding`: a broken property, said on stderr before the abort that libFuzzer (or the
// replay test) reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

namespace callsim::fuzz {

[[noreturn]] inline void finding(const char* target, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", target, what.c_str());
  std::abort();
}

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  size_t remaining() const { return pos_ < size_ ? size_ - pos_ : 0; }
  uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
  uint32_t u32() { return static_cast<uint32_t>(u16()) | (static_cast<uint32_t>(u16()) << 16); }
  // Up to n bytes (fewer at the end).
  std::span<const uint8_t> bytes(size_t n) {
    const size_t take = n < remaining() ? n : remaining();
    std::span<const uint8_t> out(data_ + pos_, take);
    pos_ += take;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace callsim::fuzz
