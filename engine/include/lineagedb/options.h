// Options, by lifetime: Options for a whole store (given to Open), and small
// per-call option structs. Every field says its default.
#ifndef LINEAGEDB_OPTIONS_H_
#define LINEAGEDB_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace lineagedb {

// Options for opening a store.
struct Options {
  // Create the store if the folder holds none.
  // Default: true
  bool create_if_missing = true;

  // Fail with ALREADY_EXISTS if the folder already holds a store.
  // Default: false
  bool error_if_exists = false;

  // Sync the write-ahead log before a write call returns. When false, an
  // acknowledged write survives a process crash but may be lost with the
  // machine (power loss, kernel panic); a write is never half applied.
  // Default: false
  bool sync_writes = false;

  // Open a store whose write-ahead log has a damaged record by dropping
  // that record and every later one (RocksDB's point-in-time recovery).
  // Otherwise such an open fails with DATA_LOSS and changes nothing (a last
  // record cut short by a crash is dropped either way). For a machine that
  // lost power while unsynced writes were in flight: what is dropped is
  // lost.
  // Default: false
  bool salvage_log = false;

  // Open without writing anything to the folder and without locking it, so
  // that a reader may open a store another process writes (it sees the
  // store as of its open) or one on a read-only file system. Write calls
  // and BulkWriters fail with FAILED_PRECONDITION; a missing store is
  // NOT_FOUND (create_if_missing does not apply); the graph index is built
  // in memory when its saved copy is stale, and not saved; there is no row
  // cache (row_cache_bytes is ignored).
  // Default: false
  bool read_only = false;

  // Size of RocksDB's block cache, shared by all reads.
  // Default: 256 MiB
  uint64_t block_cache_bytes = 256ull << 20;

  // Size of RocksDB's row cache: whole values of recent point reads (nodes,
  // events), which then skip the block search. 0 turns it off.
  // Default: 64 MiB
  uint64_t row_cache_bytes = 64ull << 20;

  // Size of one memtable before it is flushed to disk. A BulkWriter may
  // raise it while it lives (BulkWriterOptions::write_buffer_bytes).
  // Default: 64 MiB
  uint64_t write_buffer_bytes = 64ull << 20;

  // Answers of repeated reads kept in memory (FindCachedExecution's),
  // each until a write changes a record it was read from. 0 turns it off.
  // Default: 16384
  uint64_t result_cache_entries = 16384;

  // Read the store's tables through memory maps: opening reads every
  // table's filter and index blocks in place from the OS page cache instead
  // of copying them (a 10M-node store opens 3x faster), and point reads
  // skip a copy. The cost: an I/O error under a mapped page stops the
  // process (SIGBUS) instead of returning a status; corrupt bytes are
  // DATA_LOSS either way. `lineagedb check` turns it off.
  // Default: true
  bool mmap_reads = true;

  // Keep the in-memory adjacency index used by lineage queries. When false,
  // lineage queries walk the edge keys in RocksDB instead.
  // Default: true
  bool use_graph_index = true;
};

// Options of PutType.
struct PutTypeOptions {
  // Allow the stored type to gain properties it did not declare.
  // Default: false
  bool can_add_fields = false;
  // Allow the stored type to keep properties the given type omits.
  // Default: false
  bool can_omit_fields = false;
};

// Options of Put (nodes).
struct PutNodesOptions {
  // For an update: the fields to change, MLMD-style ("properties.NAME",
  // "custom_properties.NAME", "properties", "custom_properties", "name",
  // "uri", "external_id", "state", "last_known_state", "fingerprint").
  // Empty = replace the whole node (properties omitted from the given node
  // are removed).
  // Default: empty
  std::vector<std::string> update_mask;
  // An update that changes nothing still writes the node, moving its
  // last_update_time (MLMD's force_update_time). When false, as in MLMD,
  // such an update writes nothing.
  // Default: false
  bool force_update_time = false;
};

// Sort key of a list call. Ties are always broken by id in the same
// direction.
enum class OrderBy : uint8_t {
  kId = 0,
  kCreateTime = 1,
  kLastUpdateTime = 2,
};

// Paging of every list call.
struct ListOptions {
  // At most this many results per page; must be in [1, 10000].
  // Default: 100
  int max_result_size = 100;
  // Default: kId
  OrderBy order_by = OrderBy::kId;
  // Default: true
  bool ascending = true;
  // The next_page_token of the previous page of the same query; empty for
  // the first page. A token from another query is INVALID_ARGUMENT.
  // Default: empty
  std::string page_token;
};

}  // namespace lineagedb

#endif  // LINEAGEDB_OPTIONS_H_
