// Full integrity verification of a store, read-only: every block of every
// table file passes its checksum; then in one ordered scan of
// every key: each value decodes and passes its checksum; each index entry
// points at a record whose fields give exactly that key, and each record has
// all of its index entries; each edge is stored in both directions and both
// of its ends exist, and each association has its context-execution-by-type
// entry; counters are past every id in use; the in-memory
// lineage index holds as many edges as the store.
#ifndef LINEAGEDB_TOOLS_CLI_CHECK_H_
#define LINEAGEDB_TOOLS_CLI_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lineagedb/lineagedb.h"

namespace lineagedb::cli {

struct CheckReport {
  int64_t keys = 0;
  int64_t types = 0;
  int64_t nodes = 0;
  int64_t index_entries = 0;
  int64_t events = 0;  // Per direction.
  int64_t links = 0;   // Attributions, associations, parent contexts.
  // One line each, naming the key (hex) where there is one.
  std::vector<std::string> problems;
};

// Errors: only failures to read (the iterator's status); bad data is
// reported in the CheckReport.
StatusOr<CheckReport> CheckStore(Store* store);

}  // namespace lineagedb::cli

#endif  // LINEAGEDB_TOOLS_CLI_CHECK_H_
