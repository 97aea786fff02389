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
#include <rocksdb/wal_filter.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "lineagedb/status.h"

namespace lineagedb::storage {

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
// that neither the listed candidates nor the replay hold. A table that
// cannot be read, or has no counters, is taken for one a crash cut short.
// Called on a read-only open, which writes nothing: a writable open deletes
// unlisted tables (harmless ones, once this passed).
Status CheckUnlistedTables(rocksdb::DB* db, const std::string& path,
                           const std::set<std::string>& candidates,
                           const ReplayedWrites& replayed);

}  // namespace lineagedb::storage

#endif  // LINEAGEDB_STORAGE_UNLISTED_TABLES_H_
