#include "graph/huge_pages.h"

#include <cstdint>
#include <numeric>

#include "tests/test_util.h"

namespace lineagedb::graph {
namespace {

// Blocks on both sides of the 2 MiB threshold hold what is written, are
// aligned for their type, and survive growth (a reallocation copies them).
TEST(HugePagesTest, VectorsBelowAndAboveTheThresholdHoldTheirValues) {
  for (size_t n :
       {size_t{0}, size_t{1}, size_t{1000}, size_t{(2 << 20) / 4 - 1},
        size_t{(2 << 20) / 4}, size_t{3'000'001}}) {
    HugeVector<uint32_t> v(n);
    std::iota(v.begin(), v.end(), 7u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data()) % alignof(uint32_t), 0u);
    v.push_back(1);  // Grows past its capacity: a new block, a copy.
    ASSERT_EQ(v.size(), n + 1);
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(v[i], 7u + i) << i;
    EXPECT_EQ(v.back(), 1u);
  }
}

TEST(HugePagesTest, LargeBlocksAreAlignedToHugePages) {
  const size_t bytes = size_t{5} << 20;
  void* p = AllocateHuge(bytes);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (size_t{2} << 20), 0u);
  static_cast<char*>(p)[bytes - 1] = 1;  // The whole range is writable.
  FreeHuge(p, bytes);
  FreeHuge(nullptr, bytes);
}

}  // namespace
}  // namespace lineagedb::graph
