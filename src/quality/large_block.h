// Uninitialised storage for the large arrays of the P.862 FFT (the whole-file transform of the
// input filter: its two work buffers and its twiddle tables, 2 MB each for a 10 s pair at 8 kHz,
// 4 MB at 16 kHz). Each of them is written once per process, so the cost of first touching the
// memory (a page fault per 4 KiB page: about a tenth of the CPU time of a `callsim score`) is a
// large part of what they cost. Blocks of 1 MiB and more are therefore mapped 2 MiB-aligned and
// offered to the kernel as transparent huge pages (madvise; where THP is disabled this changes
// nothing); smaller blocks come from the heap. The contents are plain doubles either way, so
// scores do not depend on it.
#pragma once

#include <cstddef>

namespace callsim::quality::pesq_detail {

class LargeBlock {
 public:
  explicit LargeBlock(size_t doubles);
  ~LargeBlock();
  LargeBlock(const LargeBlock&) = delete;
  LargeBlock& operator=(const LargeBlock&) = delete;

  double* data() const { return data_; }

 private:
  double* data_ = nullptr;
  size_t mapped_bytes_ = 0;  // 0: data_ is from new[]
};

}  // namespace callsim::quality::pesq_detail
