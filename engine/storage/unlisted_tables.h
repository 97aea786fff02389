// Table files the MANIFEST does not list. RocksDB recovers a MANIFEST whose
// last record is cut short as if a crash had torn it, returns the version
// before it, and a writable open then deletes the table files that version
// does not list. A real crash in the middle of a flush or a compaction also
// leaves such files, harmless: their data is still in the write-ahead log
// or in the listed tables. A file cut off by a damaged MANIFEST instead
// holds writes the store no longer has. The store's counters (codec::
// Counters, written with every write batch, their sequence one more each
// time) tell them apart: a table whose counters carry sequence S holds
// writes the store has only if the listed tables reach S, or the log
// replay holds every sequence from the listed tables' last to S.
//
// Internal to storage/: RocksDB types are allowed here.
#ifndef LINEAGEDB_STORAGE_UNLISTED_TABLES_H_
#define LINEAGEDB_STORAGE_UNLISTED_TABLES_H_

#include <rocksdb/db.h>
#include <rocksdb/file_system.h>
#include <rocksdb/wal_filter.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "lineagedb/status.h"

namespace lineagedb::storage {

// A file system that, while held, keeps the table files (N.sst) RocksDB
// deletes instead of deleting them, so that a writable open cannot remove
// a table before CheckUnlistedTables() has looked at it.
class KeepTablesFileSystem : public rocksdb::FileSystemWrapper {
 public:
  KeepTablesFileSystem();
  const char* Name() const override { return "LineagedbKeepTables"; }
  rocksdb::IOStatus DeleteFile(const std::string& name,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  // From before DB::Open until CheckUnlistedTables() passes (a refused
  // open closes the database still holding). Files a background job of
  // the open deletes meanwhile are kept too, until the next open.
  void set_holding(bool holding) { holding_ = holding; }

 private:
  std::atomic<bool> holding_{false};
};

// Set as Options::wal_filter, records the store's write sequences (the
// counters key of each batch) an open replays from the write-ahead log.
// Changes no record.
class ReplayedWrites : public rocksdb::WalFilter {
 public:
  const char* Name() const override { return "LineagedbReplayedWrites"; }
  WalProcessingOption LogRecordFound(unsigned long long log_number,
                                     const std::string& log_file_name,
                                     const rocksdb::WriteBatch& batch,
                                     rocksdb::WriteBatch* new_batch,
                                     bool* batch_changed) override;
  // Forgets what an earlier open replayed.
  void Clear() { runs_.clear(); }
  // Whether every sequence from `first` to `last` was replayed.
  bool Covers(uint64_t first, uint64_t last) const;

 private:
  void Add(uint64_t seq);
  std::map<uint64_t, uint64_t> runs_;  // First -> last; apart, in order.
};

// The names ("000012.sst") of the table files in folder `path`.
std::set<std::string> TableFiles(const std::string& path);

// Looks at the table files of `candidates` (the names in the store's
// folder `path` before `db` was opened, `replayed` watching its log replay)
// that `db` does not list. DATA_LOSS, naming the first, if one holds writes
// that neither the listed candidates nor the replay hold; otherwise OK, and
// with `remove_harmless` those files are deleted (what RocksDB's open would
// have done). A table that cannot be read, or has no counters, is taken for
// one a crash cut short.
Status CheckUnlistedTables(rocksdb::DB* db, const std::string& path,
                           const std::set<std::string>& candidates,
                           const ReplayedWrites& replayed,
                           bool remove_harmless);

}  // namespace lineagedb::storage

#endif  // LINEAGEDB_STORAGE_UNLISTED_TABLES_H_
