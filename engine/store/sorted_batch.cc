#include "store/sorted_batch.h"

#include <algorithm>
#include <cstring>

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

namespace {

// An operation to sort: the first 16 bytes of its key as two big-endian
// words (zero-padded), which order most pairs of keys without reading them,
// and its position, which orders equal keys.
struct SortEntry {
  uint64_t head[2];
  uint32_t op;
};

uint64_t BigEndianWord(std::string_view bytes) {
  unsigned char word[8] = {};
  std::memcpy(word, bytes.data(), std::min<size_t>(bytes.size(), 8));
  uint64_t v = 0;
  for (unsigned char c : word) v = (v << 8) | c;
  return v;
}

}  // namespace

void SortedBatch::AppendSortedTo(storage::WriteBatch* batch) {
  std::vector<SortEntry> order(ops_.size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    const std::string_view key = Key(ops_[i]);
    order[i].head[0] = BigEndianWord(key);
    order[i].head[1] =
        BigEndianWord(key.substr(std::min<size_t>(8, key.size())));
    order[i].op = i;
  }
  // Keys that differ in their first 16 bytes compare as their heads do (a
  // shorter key's padding is below any byte a longer one has there).
  std::sort(order.begin(), order.end(),
            [this](const SortEntry& a, const SortEntry& b) {
              if (a.head[0] != b.head[0]) return a.head[0] < b.head[0];
              if (a.head[1] != b.head[1]) return a.head[1] < b.head[1];
              const std::string_view ka = Key(ops_[a.op]);
              const std::string_view kb = Key(ops_[b.op]);
              if (ka.size() > 16 || kb.size() > 16) {
                const int c = ka.compare(kb);
                if (c != 0) return c < 0;
              } else if (ka.size() != kb.size()) {
                return ka.size() < kb.size();
              }
              return a.op < b.op;
            });
  for (const SortEntry& e : order) {
    const Op& op = ops_[e.op];
    if (op.is_delete) {
      batch->Delete(Key(op));
    } else {
      batch->Put(Key(op), Value(op));
    }
  }
}

}  // namespace lineagedb::store
