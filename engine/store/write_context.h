// A write in progress: reads see the committed state plus this write's own
// pending puts and deletes, and everything is committed in one WriteBatch
// together with the store counters, or dropped.
//
// A WriteContext serves one write call, or a BulkWriter's successive
// batches (CommitAndContinue). Only the holder of the store's write lock may
// use one.
#ifndef LINEAGEDB_STORE_WRITE_CONTEXT_H_
#define LINEAGEDB_STORE_WRITE_CONTEXT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "codec/records.h"
#include "storage/kv.h"
#include "store/sorted_batch.h"

namespace lineagedb::store {

// An event added by a write, for the graph index.
struct StagedEvent {
  int64_t artifact_id;
  int64_t execution_id;
  EventType type;
};

class WriteContext {
 public:
  // `counters` is the committed state; the context works on a copy.
  // `now_ms` is the wall-clock time of the write.
  WriteContext(storage::Kv* kv, const codec::Counters& counters,
               int64_t now_ms);

  // Committed value of `key` overlaid with this write's changes: OK with the
  // value, NOT_FOUND, or an error. Committed values of the unique-index
  // families (a node by type and name, by external id), present or absent,
  // are read from storage once and kept across batches: while the context
  // lives only its own Put and Delete change them, and both drop the key.
  Status Get(std::string_view key, std::string* value);
  // Like Get, but only this write's changes: true with the value if this
  // write put `key`; nullopt if it did not touch it.
  std::optional<bool> GetPending(std::string_view key, std::string* value);
  // True if `key` exists, committed or pending. With `only_pending`, the
  // committed state is not read (the caller knows the key cannot be there).
  StatusOr<bool> Exists(std::string_view key, bool only_pending = false);

  // Keys of the write-only families (see write_context.cc) are not visible
  // to Get, GetPending and Exists.
  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);

  // A fresh id of `kind` / a fresh type id. Errors: RESOURCE_EXHAUSTED when
  // the ids are used up (a stored counter keeps room to count up, so the
  // last id is INT64_MAX - 2).
  StatusOr<int64_t> NextNodeId(NodeKind kind);
  StatusOr<int64_t> NextTypeId();
  // True if node `id` of `kind` was inserted by this write (so nothing
  // committed can refer to it yet).
  bool IsNew(NodeKind kind, int64_t id) const;
  // True if node `id` of `kind` was inserted since the save point, or by
  // this write when there is none: the caller's failure drops it, so its id
  // is never stored.
  bool IsNewSinceSavePoint(NodeKind kind, int64_t id) const;
  // False if no node `id` of `kind` was ever inserted (ids are never
  // reused, so every id below the counter was once assigned).
  bool MayExist(NodeKind kind, int64_t id) const;
  // A cache of nodes known to exist: committed, or in a batch being written
  // in the background (detached) that the next commit follows. Kept across
  // batches (nodes are never deleted while a write holds the lock).
  bool KnownCommitted(NodeKind kind, int64_t id) const;
  void AddKnownCommitted(NodeKind kind, int64_t id);
  // Create time of a new node of `kind`: now, but never before the create
  // time of the kind's previous node, so create time is non-decreasing in id.
  int64_t CreateTime(NodeKind kind);

  int64_t now_ms() const { return now_ms_; }
  // The store sequence of this write.
  uint64_t seq() const { return counters_.seq; }
  const codec::Counters& counters() const { return counters_; }
  // Pending puts and deletes, and their bytes.
  size_t pending() const { return batch_.count(); }
  size_t pending_bytes() const { return batch_.bytes(); }
  void AddStagedEvent(const StagedEvent& e) { staged_events_.push_back(e); }
  const std::vector<StagedEvent>& staged_events() const {
    return staged_events_;
  }

  // Marks the current state; RollbackToSavePoint() returns to it (pending
  // writes, counters and staged events). One level.
  void SetSavePoint();
  void RollbackToSavePoint();
  // Keeps everything since the mark and drops the mark.
  void ReleaseSavePoint();

  // Writes the batch and the counters atomically.
  Status Commit(bool sync);

  // A batch taken out for a background commit (BulkWriter): its writes with
  // the counters, and what the store applies once it is written.
  struct DetachedBatch {
    std::unique_ptr<storage::WriteBatch> batch;
    size_t keys = 0;  // Puts and deletes, the counters not included.
    codec::Counters counters;
    std::vector<StagedEvent> events;
  };
  // Takes the pending batch and starts the next one, as ContinueAfterCommit
  // does. Until ReleaseDetached(), reads still see the detached batch's
  // changes, since the storage view predates them. At most one detached
  // batch at a time: call ReleaseDetached() once it is written (or
  // abandoned), before the next Detach().
  DetachedBatch Detach(int64_t now_ms);
  void ReleaseDetached();
  // True between Detach() and ReleaseDetached().
  bool has_detached() const { return detached_batch_.count() > 0; }
  // Sorts and frames the pending writes into the WriteBatch that Detach()
  // takes out (Detach adds the counters as they are then), unless a Put,
  // Delete or RollbackToSavePoint comes first. It reads only the pending
  // writes, so a BulkWriter does it while the previous detached batch is still
  // being written.
  void PrepareDetach();
  // After a successful Commit: starts the next batch on a fresh view with
  // the next store sequence.
  void ContinueAfterCommit(int64_t now_ms);

 private:
  struct SavePoint {
    SortedBatch::Mark batch;
    codec::Counters counters;
    size_t staged_events = 0;
    // Overlay entries that existed at the mark and changed since, with the
    // operation they named then. Entries added since the mark are found by
    // the batch's operations after it.
    std::vector<std::pair<std::string, uint32_t>> undo;
  };
  // Points the overlay entry of `key` at operation `op` of batch_.
  void Track(std::string_view key, uint32_t op);
  // The pending writes, sorted, then the counters: what a commit writes.
  void FillBatch(storage::WriteBatch* batch);
  void AppendCounters(storage::WriteBatch* batch);
  // An upper bound of the bytes FillBatch() adds.
  size_t FilledBytes() const;
  // Resets what is per batch, after the pending writes were taken.
  void StartNextBatch(int64_t now_ms);

  storage::Kv* kv_;
  std::unique_ptr<storage::ReadView> view_;
  SortedBatch batch_;
  // The sorted writes of batch_ as it is, from PrepareDetach(); dropped by
  // any Put, Delete or RollbackToSavePoint.
  std::unique_ptr<storage::WriteBatch> prepared_;
  // Pending changes: each key's last operation in batch_ (a put or a
  // delete), so that values are not copied twice.
  absl::flat_hash_map<std::string, uint32_t> overlay_;
  // The detached batch's operations and changes, read after overlay_.
  SortedBatch detached_batch_;
  absl::flat_hash_map<std::string, uint32_t> detached_;
  codec::Counters counters_;
  int64_t batch_first_id_[3];  // next_node_id at the start of the batch.
  std::vector<StagedEvent> staged_events_;
  std::optional<SavePoint> save_point_;
  static constexpr size_t kMaxKnown = 1 << 20;
  absl::flat_hash_set<int64_t> known_[3];
  // Committed unique-index entries read by Get (nullopt = absent); at most
  // kMaxKnown, then cleared.
  absl::flat_hash_map<std::string, std::optional<std::string>> committed_;
  int64_t now_ms_;
};

// Milliseconds since the Unix epoch.
int64_t NowMs();

}  // namespace lineagedb::store

#endif  // LINEAGEDB_STORE_WRITE_CONTEXT_H_
