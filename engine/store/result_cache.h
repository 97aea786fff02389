// A bounded cache of read results that stays exact under writes. Each result
// names the stored data it was computed from (its dependencies); every
// committed batch erases the results that depend on a key it puts or
// deletes, before the write call returns. A lookup therefore reflects every
// write that returned before it began, like a read on a fresh view.
//
// Dependencies are tokens of four families, the ones DependencyOf derives
// from a written key:
//   - a node key [20][kind][id]: the node's record;
//   - an execution's event prefix [31][execution]: all its events;
//   - a fingerprint prefix [40][fingerprint]: the executions with it;
//   - a fingerprint head key [41][fingerprint]: its newest COMPLETE one.
// A result read from any other key must not be cached here.
//
// Thread-safety: all methods may be called concurrently; Invalidate is
// called by the writer (Kv's write listener).
#ifndef LINEAGEDB_STORE_RESULT_CACHE_H_
#define LINEAGEDB_STORE_RESULT_CACHE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "lineagedb/model.h"
#include "storage/kv.h"

namespace lineagedb::store {

class ResultCache {
 public:
  // Keeps at most `capacity` results, evicting the oldest inserted first;
  // 0 keeps none.
  explicit ResultCache(size_t capacity);

  // False when the capacity is 0: Insert keeps nothing.
  bool enabled() const { return capacity_ > 0; }

  // Take a ticket before taking the read view a result is computed from,
  // and give it back to Insert: a result whose view may predate a write
  // that committed since is dropped.
  uint64_t Ticket() const;

  // The result stored under `key`, or null.
  std::shared_ptr<const void> Find(std::string_view key) const;

  // Stores `value` under `key`, computed from `dependencies` (tokens, see
  // above) on a view taken after Ticket() returned `ticket`. Dropped if a
  // batch was written since the ticket.
  void Insert(uint64_t ticket, std::string key,
              std::shared_ptr<const void> value,
              std::vector<std::string> dependencies);

  // Erases every result depending on a key of `batch`, and advances.
  void Invalidate(const storage::WriteBatch& batch);
  // Bracket a write whose effects on state a result reads besides the
  // store's keys (the graph index) land after its batch: from BeginPublish
  // to EndPublish no result is kept, since one computed then may have read
  // the batch's records with that state from before it; results computed
  // across either call are dropped by their ticket. Calls may not nest.
  void BeginPublish();
  void EndPublish();

  size_t size() const;

  // The token a written key invalidates, or "" for a key of another family.
  static std::string_view DependencyOf(std::string_view key);
  // Tokens for callers: a node, an execution's events, a fingerprint's
  // executions, its head.
  static std::string NodeToken(NodeKind kind, int64_t id);
  static std::string ExecutionEventsToken(int64_t execution_id);
  static std::string FingerprintToken(std::string_view fingerprint);
  static std::string FingerprintHeadToken(std::string_view fingerprint);

 private:
  struct Entry {
    std::shared_ptr<const void> value;
    std::vector<std::string> dependencies;
    uint64_t serial;  // Tells a re-inserted key from its evicted self.
  };
  void EraseLocked(const std::string& key);

  const size_t capacity_;
  mutable std::mutex mu_;
  uint64_t generation_ = 0;  // Batches written so far.
  bool publishing_ = false;  // Between BeginPublish and EndPublish.
  uint64_t next_serial_ = 0;
  absl::flat_hash_map<std::string, Entry> entries_;
  // Keys of the results depending on each token.
  absl::flat_hash_map<std::string, std::vector<std::string>> dependents_;
  std::deque<std::pair<std::string, uint64_t>> fifo_;  // (key, serial).
};

}  // namespace lineagedb::store

#endif  // LINEAGEDB_STORE_RESULT_CACHE_H_
