#include "graph/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace lineagedb::graph {

namespace {

constexpr size_t kHugePage = size_t{2} << 20;

size_t RoundUp(size_t n) { return (n + kHugePage - 1) & ~(kHugePage - 1); }

}  // namespace

void* AllocateHuge(size_t bytes) {
  if (bytes < kHugePage) return ::operator new(bytes);
  const size_t size = RoundUp(bytes);
  // One huge page more than needed, to cut an aligned range out of it.
  const size_t mapped = size + kHugePage;
  void* raw = mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
  if (aligned > start) munmap(raw, aligned - start);
  // aligned < start + kHugePage, so a tail of at least one byte remains.
  const uintptr_t tail = aligned + size;
  munmap(reinterpret_cast<void*>(tail), start + mapped - tail);
  void* p = reinterpret_cast<void*>(aligned);
  madvise(p, size, MADV_HUGEPAGE);  // Advice only: ignored where unsupported.
  return p;
}

void FreeHuge(void* p, size_t bytes) {
  if (p == nullptr) return;
  if (bytes < kHugePage) {
    ::operator delete(p);
    return;
  }
  munmap(p, RoundUp(bytes));
}

}  // namespace lineagedb::graph
