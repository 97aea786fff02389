// Write-ahead log damage that RocksDB's replay would take for the log's end.
//
// RocksDB's log format (leveldb's; db/log_format.h and log_reader.cc of
// RocksDB 7.8, which Debian 12 ships): 32 KiB blocks of records, each
//   [u32 LE masked CRC-32C][u16 LE payload length][u8 type]
//   [u32 LE log number, recyclable types 5-8 only][payload]
// where the CRC covers the type byte, the log number if present and the
// payload, not the length; a record never crosses a block. Replaying with
// kTolerateCorruptedTailRecords, RocksDB ends a log's replay without a
// report at
//  - a record in the log's last (partial) block whose length runs past the
//    end of the file: right for a write cut short by a crash;
//  - a record of a recyclable type (5-8) whose log number is not the log's:
//    right for a recycled log's stale tail, but lineagedb never recycles.
// A damaged length or a damaged type byte of a whole record reads the same,
// and would drop that write and every later one in silence. They differ in
// what the bytes say: the record's checksum holds for the bytes of a whole
// record (its payload up to the end of the file or up to a record whose own
// checksum holds; its payload under the type it had), which a write cut
// short, a prefix of a record, does not give but by a 2^-32 chance.
#ifndef LINEAGEDB_STORAGE_LOG_TAIL_H_
#define LINEAGEDB_STORAGE_LOG_TAIL_H_

#include <string>
#include <string_view>

#include "lineagedb/status.h"

namespace lineagedb::storage {

// RocksDB's log block size.
inline constexpr size_t kLogBlockBytes = 32 * 1024;

// The offset in `block` (a block of a log; `next` the block after it,
// empty if `block` is the log's last) of a whole record at which RocksDB's
// replay would stop without a report (above), or -1 if there is none.
int64_t SilentlyDroppedRecord(std::string_view block, std::string_view next);

// DATA_LOSS, with the kDamagedLogPayload payload, if a write-ahead log file
// (`N.log`) in the database folder `db_path` has such a record. Reads every
// log whole, a block at a time (the replay reads them all again).
// Errors: DATA_LOSS, INTERNAL (a log that cannot be read).
Status CheckLogTails(const std::string& db_path);

}  // namespace lineagedb::storage

#endif  // LINEAGEDB_STORAGE_LOG_TAIL_H_
