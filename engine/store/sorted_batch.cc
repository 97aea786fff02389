#include "store/sorted_batch.h"

#include <algorithm>

namespace lineagedb::store {

void SortedBatch::Add(std::string_view key, std::string_view value,
                      bool is_delete) {
  Op op;
  op.key_offset = static_cast<uint32_t>(arena_.size());
  op.key_size = static_cast<uint32_t>(key.size());
  arena_.append(key);
  op.value_offset = static_cast<uint32_t>(arena_.size());
  op.value_size = static_cast<uint32_t>(value.size());
  arena_.append(value);
  op.is_delete = is_delete;
  ops_.push_back(op);
}

void SortedBatch::Put(std::string_view key, std::string_view value) {
  Add(key, value, /*is_delete=*/false);
}

void SortedBatch::Delete(std::string_view key) {
  Add(key, {}, /*is_delete=*/true);
}

void SortedBatch::Truncate(const Mark& m) {
  ops_.resize(m.ops);
  arena_.resize(m.arena);
}

void SortedBatch::Clear() {
  ops_.clear();
  arena_.clear();
}

void SortedBatch::AppendSortedTo(storage::WriteBatch* batch) {
  std::vector<uint32_t> order(ops_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
    return Key(ops_[a]) < Key(ops_[b]);
  });
  for (uint32_t i : order) {
    const Op& op = ops_[i];
    if (op.is_delete) {
      batch->Delete(Key(op));
    } else {
      batch->Put(Key(op), Value(op));
    }
  }
}

}  // namespace lineagedb::store
