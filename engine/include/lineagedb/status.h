// Errors cross the API as absl::Status / absl::StatusOr with MLMD's codes:
//   INVALID_ARGUMENT    the request is malformed or names unknown things
//   NOT_FOUND           a single looked-up object does not exist
//   ALREADY_EXISTS      a uniqueness rule would be broken
//   FAILED_PRECONDITION the store cannot serve the call (e.g. newer format)
//   OUT_OF_RANGE        an index in a request points past its list
//   DATA_LOSS           bytes on disk fail verification (the message names
//                       the key)
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

}  // namespace lineagedb

#endif  // LINEAGEDB_STATUS_H_
