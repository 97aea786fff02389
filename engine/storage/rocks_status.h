// RocksDB's Status and Slice at the edge of storage/. Internal to
// storage/: RocksDB types are allowed here.
#ifndef LINEAGEDB_STORAGE_ROCKS_STATUS_H_
#define LINEAGEDB_STORAGE_ROCKS_STATUS_H_

#include <rocksdb/slice.h>
#include <rocksdb/status.h>

#include <string_view>

#include "lineagedb/status.h"

namespace lineagedb::storage {

inline rocksdb::Slice ToSlice(std::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}
inline std::string_view ToView(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

// `s` mapped onto MLMD's codes, its message after `context` and ": ":
// NOT_FOUND, DATA_LOSS (corruption), FAILED_PRECONDITION (the folder's lock
// is held, by this process or another), INVALID_ARGUMENT, else INTERNAL
// (a LOCK file that cannot be opened for writing says so).
Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace lineagedb::storage

#endif  // LINEAGEDB_STORAGE_ROCKS_STATUS_H_
