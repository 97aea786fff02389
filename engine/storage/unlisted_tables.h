// Table files the MANIFEST does not list. RocksDB recovers a MANIFEST whose
// last record is cut short as if a crash had torn it, returns the version
// before it, and a writable open then deletes the table files that version
// does not list. A real crash in the middle of a flush or a compaction also
// leaves such files, harmless: their data is still in the write-ahead log
// or in the listed tables. A file cut off by a damaged MANIFEST instead
// holds writes the store no longer has. The store's counters (codec::
// Counters, written with every write batch) tell them apart: a table whose
// counters carry a later sequence than the store's holds lost writes.
//
// Internal to storage/: RocksDB types are allowed here.
#ifndef LINEAGEDB_STORAGE_UNLISTED_TABLES_H_
#define LINEAGEDB_STORAGE_UNLISTED_TABLES_H_

#include <rocksdb/db.h>
#include <rocksdb/file_system.h>

#include <atomic>
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

// The names ("000012.sst") of the table files in folder `path`.
std::set<std::string> TableFiles(const std::string& path);

// Looks at the table files of `candidates` (names in the store's folder
// `path`) that `db` does not list. DATA_LOSS, naming the first, if one holds
// writes later than the store's last; otherwise OK, and with
// `remove_harmless` those files are deleted (what RocksDB's open would have
// done). A table that cannot be read is taken for one a crash cut short.
Status CheckUnlistedTables(rocksdb::DB* db, const std::string& path,
                           const std::set<std::string>& candidates,
                           bool remove_harmless);

}  // namespace lineagedb::storage

#endif  // LINEAGEDB_STORAGE_UNLISTED_TABLES_H_
