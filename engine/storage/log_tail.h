// The tails of a store's write-ahead logs, read before RocksDB replays them.
//
// RocksDB's log format (leveldb's, db/log_format.h in RocksDB): 32 KiB
// blocks of records, each
//   [u32 LE masked CRC-32C][u16 LE payload length][u8 type]
//   [u32 LE log number, recyclable types 5-8 only][payload]
// where the CRC covers the type byte, the log number if present and the
// payload; a record never crosses a block. Replaying with
// kTolerateCorruptedTailRecords, a record in a file's last (partial) block
// whose length runs past the end of the file ends that file's replay, and
// nothing is reported: right for a write cut short by a crash, which is the
// file's last bytes. A damaged length field of a whole record reads the
// same, and would drop that write and every later one in silence. The two
// differ in what follows: after a damaged length come whole records, whose
// checksums hold. (The length of a log's last record, damaged, cannot be
// told from a write cut short, and is dropped as one.)
#ifndef LINEAGEDB_STORAGE_LOG_TAIL_H_
#define LINEAGEDB_STORAGE_LOG_TAIL_H_

#include <string>
#include <string_view>

#include "lineagedb/status.h"

namespace lineagedb::storage {

// RocksDB's log block size.
inline constexpr size_t kLogBlockBytes = 32 * 1024;

// The offset in `block` (a log file's last, partial block) of a record
// whose length runs past the block's end while a record with a valid
// checksum starts after it; -1 if there is none (records that fit, then
// at most a record or header cut short, or the zeros of preallocated space).
int64_t DamagedRecordInTail(std::string_view block);

// DATA_LOSS, with the kDamagedLogPayload payload, if a write-ahead log file
// (`N.log`) in the database folder `db_path` has a damaged record in its
// last block (DamagedRecordInTail). Reads at most a block of each log.
// Errors: DATA_LOSS, INTERNAL (a log that cannot be read).
Status CheckLogTails(const std::string& db_path);

}  // namespace lineagedb::storage

#endif  // LINEAGEDB_STORAGE_LOG_TAIL_H_
