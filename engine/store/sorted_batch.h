// The puts and deletes of a write, kept in an arena and handed to RocksDB in
// key order. The memtable is a skip list: inserting a batch in key order
// lets each insert start where the previous one ended, which is several
// times cheaper than inserting the same keys in the order a write makes
// them (families interleaved).
#ifndef LINEAGEDB_STORE_SORTED_BATCH_H_
#define LINEAGEDB_STORE_SORTED_BATCH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/kv.h"

namespace lineagedb::store {

class SortedBatch {
 public:
  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);

  size_t count() const { return ops_.size(); }
  size_t bytes() const { return arena_.size(); }
  // Operation `i` (0 <= i < count()), in the order they were added. The
  // views are valid until the next change of the batch.
  std::string_view key(size_t i) const { return Key(ops_[i]); }
  std::string_view value(size_t i) const { return Value(ops_[i]); }
  bool is_delete(size_t i) const { return ops_[i].is_delete; }

  // A position to Truncate() back to.
  struct Mark {
    size_t ops = 0;
    size_t arena = 0;
  };
  Mark mark() const { return {ops_.size(), arena_.size()}; }
  void Truncate(const Mark& m);
  void Clear();

  // Appends every operation to `batch` in key order; operations on the same
  // key keep their order, so the last one wins as it would unsorted.
  void AppendSortedTo(storage::WriteBatch* batch);

 private:
  struct Op {
    uint32_t key_offset;
    uint32_t key_size;
    uint32_t value_offset;
    uint32_t value_size;
    bool is_delete;
  };
  std::string_view Key(const Op& op) const {
    return std::string_view(arena_).substr(op.key_offset, op.key_size);
  }
  std::string_view Value(const Op& op) const {
    return std::string_view(arena_).substr(op.value_offset, op.value_size);
  }
  void Add(std::string_view key, std::string_view value, bool is_delete);

  std::string arena_;
  std::vector<Op> ops_;
};

}  // namespace lineagedb::store

#endif  // LINEAGEDB_STORE_SORTED_BATCH_H_
