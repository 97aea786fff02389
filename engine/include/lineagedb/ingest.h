// What lineagedb's ingesters (openlineage.h, native_json.h) report about
// the input they refuse.
#ifndef LINEAGEDB_INGEST_H_
#define LINEAGEDB_INGEST_H_

#include <cstdint>
#include <string>

namespace lineagedb {

// Where a rejected event or item came from, and why.
struct RejectedEvent {
  std::string source;  // File name, or "<stdin>".
  int64_t index = 0;   // 1-based line (NDJSON) or array index + 1.
  std::string reason;
};

}  // namespace lineagedb

#endif  // LINEAGEDB_INGEST_H_
