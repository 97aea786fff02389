// SortedBatch (sorted_batch.h): whatever the order and the lengths of the
// keys, the batch holds them in RocksDB's bytewise order (unsigned bytes, a
// prefix first), each key's operations in the order they were made, and the
// last operation on a key is the one that stays.
#include "store/sorted_batch.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/kv.h"
#include "tests/test_util.h"

namespace lineagedb::store {
namespace {

// A key of 1 to 24 bytes from a small alphabet with zero bytes, so that
// keys share long heads, some are prefixes of others, and some differ only
// past byte 16 or by trailing zeros.
std::string RandomKey(std::mt19937& rng) {
  static constexpr char kBytes[] = {'\0', '\1', 'a', '\xff'};
  std::uniform_int_distribution<int> length(1, 24), byte(0, 3);
  std::string key(static_cast<size_t>(length(rng)), '\0');
  for (size_t i = 0; i < key.size(); ++i) {
    key[i] = i < 14 && byte(rng) != 0 ? 'k' : kBytes[byte(rng)];
  }
  return key;
}

TEST(SortedBatchTest, TheLastOperationOnEachKeyWins) {
  testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<storage::Kv> kv,
                       storage::Kv::Open(Options{}, dir.path() + "/kv"));
  std::mt19937 rng(7);
  std::vector<std::string> keys;
  for (int i = 0; i < 300; ++i) keys.push_back(RandomKey(rng));
  std::uniform_int_distribution<size_t> pick(0, keys.size() - 1);
  std::uniform_int_distribution<int> percent(0, 99);
  SortedBatch sorted;
  std::map<std::string, std::optional<std::string>> expected;
  for (int i = 0; i < 5000; ++i) {
    const std::string& key = keys[pick(rng)];
    if (percent(rng) < 20) {
      sorted.Delete(key);
      expected[key] = std::nullopt;
    } else {
      const std::string value = absl::StrCat("v", i);
      sorted.Put(key, value);
      expected[key] = value;
    }
  }
  storage::WriteBatch batch;
  sorted.AppendSortedTo(&batch);
  EXPECT_EQ(batch.Count(), 5000u);
  // std::string compares as unsigned bytes, a prefix first: the order of
  // RocksDB's BytewiseComparator.
  std::vector<std::string> order;
  batch.ForEachKey([&](std::string_view key) { order.emplace_back(key); });
  ASSERT_EQ(order.size(), 5000u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  ASSERT_OK(kv->Write(&batch, /*sync=*/false));
  auto view = kv->NewReadView();
  for (const auto& [key, value] : expected) {
    std::string stored;
    Status s = view->Get(key, &stored);
    if (value.has_value()) {
      ASSERT_OK(s);
      EXPECT_EQ(stored, *value);
    } else {
      EXPECT_TRUE(absl::IsNotFound(s)) << s.ToString();
    }
  }
}

}  // namespace
}  // namespace lineagedb::store
