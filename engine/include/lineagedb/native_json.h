// Ingestion of lineagedb's native JSON: MLMD's types and PutExecution
// requests as JSON objects, as schema/NATIVE_JSON.md describes. A document
// holds one item, a JSON array of items, or one item per line (NDJSON);
// `lineage_gen --format native` writes it.
//
// Ids written in the input are the input's own: an id on a node the input
// declares (an execution, an event's "artifact", a context with type and
// name) labels it for later items; any other id names a node already in the
// store. Contexts are found by type and name, or created.
//
// Each item is atomic: a bad item (malformed JSON, an unknown field, type or
// enum name, a property of the wrong kind, an unknown id, a name already
// taken) is rejected with a reason and nothing of it is stored.
#ifndef LINEAGEDB_NATIVE_JSON_H_
#define LINEAGEDB_NATIVE_JSON_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "lineagedb/ingest.h"
#include "lineagedb/lineagedb.h"

namespace lineagedb {

struct NativeJsonOptions {
  // Stop at the first bad item. An item that is not valid native JSON
  // stops its document before any item of it is stored; an item the store
  // refuses stops it after the items before it.
  // Default: false
  bool strict = false;
  // How a type item may change the stored type of its name and version
  // (Store::PutType's options).
  // Default: neither adding nor omitting properties
  PutTypeOptions type_options;
  // Commit after this many bytes of pending writes (see BulkWriterOptions).
  // Default: 1 MiB
  size_t batch_bytes = 1u << 20;
};

struct NativeJsonSummary {
  int64_t types = 0;       // Type items applied.
  int64_t executions = 0;  // Executions stored.
  int64_t artifacts = 0;   // Artifacts the input declared.
  int64_t events = 0;
  int64_t rejected = 0;
  std::vector<RejectedEvent> rejections;
};

class NativeJsonIngester {
 public:
  virtual ~NativeJsonIngester() = default;
  // Ingests a document; `source` names it in rejections. The whole document
  // is parsed before any of it is applied: feed a large NDJSON stream a
  // line or a chunk of lines at a time (as `lineagedb ingest` does).
  // Errors: INVALID_ARGUMENT (strict and a bad item: the message names
  // source, index and reason), FAILED_PRECONDITION (the calling thread
  // holds another BulkWriter on the store), storage errors. Any but
  // INVALID_ARGUMENT ends the ingester, every later call returning it: the
  // items before it stay applied, and feeding the document again would
  // apply them twice.
  virtual Status IngestDocument(std::string_view document,
                                std::string_view source) = 0;
  // Whether every item of a document is valid native JSON, without applying
  // any: a caller can check its whole input before it ingests any of it
  // (`lineagedb ingest --native --strict` does). Whether the store takes an
  // item (a type it names, a label) is known only by ingesting it.
  // Errors: INVALID_ARGUMENT (the first item that is not: the message names
  // source, index and reason; it counts in the summary's rejections) and
  // the error that ended the ingester.
  virtual Status CheckDocument(std::string_view document,
                               std::string_view source) = 0;
  // Commits everything accepted so far.
  virtual Status Finish() = 0;
  virtual const NativeJsonSummary& summary() const = 0;
};

// The ingester writes steps through a BulkWriter on `store`, which must
// outlive it. From a step until the next type item or Finish() the ingester
// holds that BulkWriter and is the store's only writer; a type item commits
// the pending steps and is written on its own.
StatusOr<std::unique_ptr<NativeJsonIngester>> NewNativeJsonIngester(
    Store* store, const NativeJsonOptions& options = {});

}  // namespace lineagedb

#endif  // LINEAGEDB_NATIVE_JSON_H_
