// A write call in progress: reads see the committed state plus this call's
// own pending writes, and everything is committed in one WriteBatch together
// with the store counters, or dropped.
#ifndef LINEAGEDB_STORE_WRITE_CONTEXT_H_
#define LINEAGEDB_STORE_WRITE_CONTEXT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "codec/records.h"
#include "storage/kv.h"

namespace lineagedb::store {

class WriteContext {
 public:
  // `counters` is the committed state; the context works on a copy of it.
  // `now_ms` is the wall-clock time of the call.
  WriteContext(storage::Kv* kv, const codec::Counters& counters,
               int64_t now_ms);

  // Committed value of `key` overlaid with this call's writes: OK with the
  // value, NOT_FOUND, or an error.
  Status Get(std::string_view key, std::string* value);
  // True if `key` exists (committed or pending) and is not deleted.
  StatusOr<bool> Exists(std::string_view key);

  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);

  // A fresh id of `kind` / a fresh type id.
  int64_t NextNodeId(NodeKind kind);
  int64_t NextTypeId();
  // Create time of a new node of `kind`: now, but never before the create
  // time of the kind's previous node, so create time is non-decreasing in id.
  int64_t CreateTime(NodeKind kind);

  int64_t now_ms() const { return now_ms_; }
  // The store sequence of this call.
  uint64_t seq() const { return counters_.seq; }
  const codec::Counters& counters() const { return counters_; }
  storage::ReadView* view() { return view_.get(); }
  // Pending puts and deletes.
  size_t pending() const { return batch_.Count(); }

  // Writes the batch and the counters atomically.
  Status Commit(bool sync);

 private:
  storage::Kv* kv_;
  std::unique_ptr<storage::ReadView> view_;
  storage::WriteBatch batch_;
  // Pending writes of this call; nullopt = deleted.
  absl::flat_hash_map<std::string, std::optional<std::string>> overlay_;
  codec::Counters counters_;
  int64_t now_ms_;
};

// Milliseconds since the Unix epoch.
int64_t NowMs();

}  // namespace lineagedb::store

#endif  // LINEAGEDB_STORE_WRITE_CONTEXT_H_
