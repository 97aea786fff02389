// BulkWriter: high-volume ingestion of executions with their artifacts,
// events and contexts, committed in large atomic batches.
//
// Durability contract:
//  - Add() validates an execution with exactly PutExecution's rules against
//    the store plus everything added before it, assigns its ids and returns
//    them. Nothing is visible to readers yet.
//  - A batch is committed as one atomic RocksDB write when it reaches
//    BulkWriterOptions::batch_bytes, on Flush(), and on Close(). A full
//    batch is written on a background thread while Add() stages the next
//    one (at most one batch in flight; the next full batch waits for it).
//    When Flush() or Close() returns OK, every execution added before it is
//    committed and durable against a process crash (and against power loss
//    if sync is set).
//  - A crash loses at most the executions added since the last completed
//    commit, always whole batches: readers and a reopened store see each
//    batch all or nothing, never part of an execution.
//  - An Add() that fails validation changes nothing: the executions added
//    before it stay in the batch, and its ids are not used.
//  - An error while committing is returned by the first Add(), Flush() or
//    Close() that waits for that commit; that batch and the pending one are
//    then dropped and the writer refuses further calls with that error.
// While a BulkWriter lives it is the store's only writer: write calls from
// other threads wait until it is closed, and write calls from the thread
// that owns it fail with FAILED_PRECONDITION. Readers are never blocked.
#ifndef LINEAGEDB_BULK_WRITER_H_
#define LINEAGEDB_BULK_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "lineagedb/lineagedb.h"

namespace lineagedb {

struct BulkWriterOptions {
  // Commit when the pending batch holds this many bytes of keys and values.
  // Larger batches amortize the commit; past about 1 MiB the working set of
  // the batch outgrows the CPU caches and ingest slows down.
  // Default: 1 MiB
  size_t batch_bytes = 1u << 20;
  // Sync the write-ahead log on every commit.
  // Default: false
  bool sync = false;
  // While the writer lives, new memtables hold this many bytes before they
  // are flushed, if that is more than Options::write_buffer_bytes (the one
  // being filled when the writer starts keeps its size; afterwards they
  // hold the store's size again); up to two of them are in memory. Fewer,
  // larger flushes leave fewer table files to merge and to probe per lookup,
  // but more compaction after the writer; which wins depends on the load
  // (BENCHMARKS.md, "OpenLineage ingest").
  // Default: 0 (the store's size)
  uint64_t write_buffer_bytes = 0;
  // Options applied to every Add().
  // Default: both reuse options off
  PutExecutionOptions put_options;
};

struct BulkWriterStats {
  uint64_t executions = 0;  // Added successfully.
  // Artifacts given with the added executions: inserted, updated, or
  // (PutExecutionOptions::reuse_artifact_if_already_exist_by_external_id)
  // reused as stored.
  uint64_t artifacts = 0;
  uint64_t events = 0;
  uint64_t commits = 0;
  uint64_t keys = 0;  // Keys written by committed batches.
};

class BulkWriter {
 public:
  virtual ~BulkWriter() = default;  // Calls Close(), ignoring its status.

  // Errors: as Store::PutExecution; FAILED_PRECONDITION after Close(); after
  // a failed commit, that commit's error (see the contract above).
  virtual StatusOr<PutExecutionResult> Add(
      const Execution& execution, const std::vector<ArtifactAndEvent>& pairs,
      const std::vector<Context>& contexts) = 0;
  // Commits the pending batch. Errors: the commit's (storage errors), or
  // status() once it is not OK.
  virtual Status Flush() = 0;
  // Commits the pending batch and releases the store's write lock.
  // Errors: as Flush; FAILED_PRECONDITION when already closed.
  virtual Status Close() = 0;
  virtual BulkWriterStats stats() const = 0;
  // OK while the writer takes calls; after a failed commit, that commit's
  // error (which every later call returns); after Close(),
  // FAILED_PRECONDITION.
  virtual Status status() const = 0;
};

// Starts a bulk writer on `store`, which must outlive it.
// Errors: FAILED_PRECONDITION (the calling thread already owns one; the
// store is read-only), storage errors (setting write_buffer_bytes).
StatusOr<std::unique_ptr<BulkWriter>> NewBulkWriter(
    Store* store, const BulkWriterOptions& options = {});

}  // namespace lineagedb

#endif  // LINEAGEDB_BULK_WRITER_H_
