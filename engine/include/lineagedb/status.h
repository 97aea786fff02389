// Errors cross the API as absl::Status / absl::StatusOr with MLMD's codes:
//   INVALID_ARGUMENT    the request is malformed or names unknown things
//   NOT_FOUND           a single looked-up object does not exist
//   ALREADY_EXISTS      a uniqueness rule would be broken
//   FAILED_PRECONDITION the store cannot serve the call (e.g. newer format)
//   OUT_OF_RANGE        an index in a request points past its list
//   DATA_LOSS           bytes on disk fail verification (the message names
//                       the key, or the file where RocksDB found them)
//   INTERNAL            a bug or an unexpected storage failure
// No exception crosses the API.
#ifndef LINEAGEDB_STATUS_H_
#define LINEAGEDB_STATUS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace lineagedb {

using Status = absl::Status;
template <typename T>
using StatusOr = absl::StatusOr<T>;

// The payload (type URL; its value is empty) of a DATA_LOSS from
// Store::Open whose damage is in the write-ahead log: a store that opens
// with Options::salvage_log, without the damaged write and every later one.
inline constexpr char kDamagedLogPayload[] =
    "lineagedb/damaged-write-ahead-log";

}  // namespace lineagedb

#endif  // LINEAGEDB_STATUS_H_
