// Memory for the adjacency index's large arrays. A block of 2 MiB or more
// is mapped on its own, aligned to 2 MiB and advised to use transparent
// huge pages, so that filling it faults once per 2 MiB instead of once per
// 4 KiB page: loading a 2.5M-node index spent most of its time in page
// faults on this project's virtual machine. Smaller blocks come from
// operator new. Where huge pages are off, the advice is ignored and the
// memory behaves as any other.
#ifndef LINEAGEDB_GRAPH_HUGE_PAGES_H_
#define LINEAGEDB_GRAPH_HUGE_PAGES_H_

#include <cstddef>
#include <vector>

namespace lineagedb::graph {

// Throws std::bad_alloc when out of memory, as operator new does.
void* AllocateHuge(size_t bytes);
// `bytes` must be the size given to AllocateHuge.
void FreeHuge(void* p, size_t bytes);

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding.
  T* allocate(size_t n) { return static_cast<T*>(AllocateHuge(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { FreeHuge(p, n * sizeof(T)); }
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) {
    return true;
  }
};

template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace lineagedb::graph

#endif  // LINEAGEDB_GRAPH_HUGE_PAGES_H_
