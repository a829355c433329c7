#include "quality/large_block.h"

#include <cstdint>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace callsim::quality::pesq_detail {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kPage = 4096;
constexpr size_t kMinMappedBytes = size_t{1} << 20;

}  // namespace

LargeBlock::LargeBlock(size_t doubles) {
  const size_t bytes = doubles * sizeof(double);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= kMinMappedBytes) {
    // The block rounded to whole 4 KiB pages, at a 2 MiB boundary: every complete 2 MiB of it can
    // be one huge page, a partial tail stays in small pages (no huge page for a few bytes).
    const size_t length = (bytes + kPage - 1) / kPage * kPage;
    void* m = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m != MAP_FAILED) {
      const uintptr_t start = reinterpret_cast<uintptr_t>(m);
      const uintptr_t aligned = (start + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
      if (aligned > start) munmap(m, aligned - start);
      const size_t tail = (start + length + kHugePage) - (aligned + length);
      if (tail > 0) munmap(reinterpret_cast<void*>(aligned + length), tail);
      madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);  // advice only: may fail
      data_ = reinterpret_cast<double*>(aligned);
      mapped_bytes_ = length;
      return;
    }
  }
#endif
  data_ = new double[doubles];
}

LargeBlock::~LargeBlock() {
#if defined(__linux__)
  if (mapped_bytes_ > 0) {
    munmap(data_, mapped_bytes_);
    return;
  }
#endif
  delete[] data_;
}

}  // namespace callsim::quality::pesq_detail
