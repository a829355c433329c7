// An output stream that keeps only the stable_hash (FNV-1a, sim/random.h) of what is written to
// it, optionally copying the text to another stream. The call runner hashes its event trace
// through it, so the trace of a 2-hour call (millions of lines) costs no memory; the digest is
// the same as stable_hash() of the whole text.
#pragma once

#include <cstdint>
#include <ostream>
#include <streambuf>

namespace callsim::sim {

class HashStream : public std::ostream {
 public:
  explicit HashStream(std::ostream* copy_to = nullptr) : std::ostream(&buf_), buf_(copy_to) {}
  uint64_t digest() const { return buf_.hash; }

 private:
  struct Buf : std::streambuf {
    explicit Buf(std::ostream* copy) : copy_to(copy) {}
    uint64_t hash = 14695981039346656037ULL;
    std::ostream* copy_to;
    void add(const char* s, std::streamsize n) {
      for (std::streamsize i = 0; i < n; ++i) {
        hash ^= static_cast<unsigned char>(s[i]);
        hash *= 1099511628211ULL;
      }
      if (copy_to) copy_to->write(s, n);
    }
    int_type overflow(int_type c) override {
      if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
      const char ch = traits_type::to_char_type(c);
      add(&ch, 1);
      return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
      add(s, n);
      return n;
    }
  };
  Buf buf_;
};

}  // namespace callsim::sim
