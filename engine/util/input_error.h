// Telling a refused input from a failed store, for the ingesters.
#ifndef LINEAGEDB_UTIL_INPUT_ERROR_H_
#define LINEAGEDB_UTIL_INPUT_ERROR_H_

#include "lineagedb/status.h"

namespace lineagedb {

// True for the codes a write returns when it refuses its input
// (INVALID_ARGUMENT, ALREADY_EXISTS, NOT_FOUND, OUT_OF_RANGE): that event or
// item is rejected. Any other error is the store's and ends the ingest.
inline bool IsInputError(const Status& s) {
  return absl::IsInvalidArgument(s) || absl::IsAlreadyExists(s) ||
         absl::IsNotFound(s) || absl::IsOutOfRange(s);
}

}  // namespace lineagedb

#endif  // LINEAGEDB_UTIL_INPUT_ERROR_H_
