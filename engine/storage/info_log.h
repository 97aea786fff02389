// RocksDB's informational log (the LOG file of a store) written through
// stdio instead of RocksDB's own file writer. Debian's RocksDB 7.8 is built
// with assertions on, and its writer asserts when a line follows a failed
// write: a full disk aborted the process from a background thread instead
// of failing the write that hit it with a storage error. Only kv.cc uses
// this header.
#ifndef LINEAGEDB_STORAGE_INFO_LOG_H_
#define LINEAGEDB_STORAGE_INFO_LOG_H_

#include <rocksdb/env.h>

#include <memory>
#include <string>

namespace lineagedb::storage {

// A logger of `level` and above into the file `path`, appended to, opened
// at its first line (so that the store's folder exists by then; a failed
// open is tried again at the next line). At that open a file past 1 MiB is
// first moved to `path` + ".old" (replacing it); a writer that runs long
// keeps appending. A line is cut at 1 KiB. A line that cannot be written is
// dropped: the log never fails a call.
std::shared_ptr<rocksdb::Logger> NewInfoLog(std::string path,
                                            rocksdb::InfoLogLevel level);

}  // namespace lineagedb::storage

#endif  // LINEAGEDB_STORAGE_INFO_LOG_H_
