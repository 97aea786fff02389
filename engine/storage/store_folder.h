// The files of a store's folder: which of them the database writes, and
// the checks made on the folder before RocksDB opens or a destroy removes
// it. No RocksDB types; internal to storage/.
#ifndef LINEAGEDB_STORAGE_STORE_FOLDER_H_
#define LINEAGEDB_STORAGE_STORE_FOLDER_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "lineagedb/status.h"
#include "storage/kv.h"

namespace lineagedb::storage {

// What Kv::Destroy renames CURRENT to before it removes the other files.
inline constexpr char kDestroyingFile[] = "DESTROYING";

// `path` absolute, its symlinks resolved as far as it exists, without "."
// or ".." parts or a trailing separator; `path` itself if that fails.
// RocksDB tells folders apart by this spelling.
std::string DatabasePath(const std::string& path);

// The path of bulk load table number `n` (Kv::IngestSorted) in the store
// folder `db_path`: <db_path>/bulk-N.sst.tmp.
std::string BulkFilePath(std::string_view db_path, uint64_t n);

// Removes the table files of bulk loads that a crash left half written.
// Called under RocksDB's lock on the folder: no other process is writing
// one.
void RemoveBulkFiles(const std::string& db_path);

// True if `name` is a file a store's database writes in its folder:
// CURRENT, IDENTITY, LOG and LOG.old.N, MANIFEST-N, OPTIONS-N, N.sst,
// N.ldb, N.log, N.blob, N.dbtmp and OPTIONS-N.dbtmp (N decimal digits), and
// bulk load tables. Not LOCK.
bool IsDatabaseFile(std::string_view name);

// True if `dir` holds regular files only a RocksDB database writes, and
// whose loss loses data: MANIFEST-N, N.sst, N.log, N.blob (N decimal
// digits). Not MANIFEST-000001 alone: a creation writes it before CURRENT,
// so a crash in between leaves it, with no table or log to lose.
bool HoldsDatabaseFiles(const std::filesystem::path& dir);

// Checks the folder `db_path` (DatabasePath of `path`, which messages
// name) before RocksDB sees it; sets `*has_current`. Nothing written.
// Errors: INTERNAL (the folder cannot be read), DATA_LOSS (a CURRENT that
// names no MANIFEST; a destroy cut short; database files without CURRENT),
// NOT_FOUND (no store, and `options` create none; the folder above does
// not exist), ALREADY_EXISTS (a store, and options.error_if_exists).
Status CheckFolder(const Options& options, const std::string& path,
                   const std::string& db_path, bool* has_current);

}  // namespace lineagedb::storage

#endif  // LINEAGEDB_STORAGE_STORE_FOLDER_H_
