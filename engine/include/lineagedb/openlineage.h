// Ingestion of OpenLineage events (spec 2-0-2): RunEvent, JobEvent and
// DatasetEvent, mapped onto lineagedb's model as schema/OPENLINEAGE.md
// describes (job -> execution type and context, run -> execution, dataset
// -> artifact, inputs/outputs -> events, parent run -> parent context,
// facets kept as custom properties).
//
// Events of one run are merged additively; ingesting an event twice changes
// nothing. A bad event (malformed JSON, missing required fields, a facet
// without _producer/_schemaURL) is rejected with a reason and nothing of it
// is stored.
#ifndef LINEAGEDB_OPENLINEAGE_H_
#define LINEAGEDB_OPENLINEAGE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lineagedb/lineagedb.h"

namespace lineagedb {

struct OpenLineageOptions {
  // Stop at the first bad event; the events of the current batch that came
  // before it are not stored either.
  // Default: false
  bool strict = false;
  // Commit after this many bytes of pending writes (see BulkWriterOptions).
  // Default: 1 MiB
  size_t batch_bytes = 1u << 20;
};

// Where a rejected event came from, and why.
struct RejectedEvent {
  std::string source;  // File name, or "<stdin>".
  int64_t index = 0;   // 1-based line (NDJSON) or array index + 1.
  std::string reason;
};

struct OpenLineageSummary {
  int64_t events = 0;    // Accepted events.
  int64_t runs = 0;      // Distinct runs seen.
  int64_t jobs = 0;      // Distinct jobs seen.
  int64_t datasets = 0;  // Distinct datasets (or dataset versions) seen.
  int64_t edges = 0;     // Input/output events stored (new ones).
  int64_t rejected = 0;
  std::vector<RejectedEvent> rejections;
};

class OpenLineageIngester {
 public:
  virtual ~OpenLineageIngester() = default;
  // Ingests a document holding one event, a JSON array of events, or
  // newline-delimited events. `source` names it in rejections.
  // Errors: INVALID_ARGUMENT (strict and a bad event: the message names
  // source, index and reason), storage errors.
  virtual Status IngestDocument(std::string_view document,
                                std::string_view source) = 0;
  // Commits everything accepted so far.
  virtual Status Finish() = 0;
  virtual const OpenLineageSummary& summary() const = 0;
};

// The ingester writes through a BulkWriter on `store`, which must outlive
// it; while it lives it is the store's only writer.
StatusOr<std::unique_ptr<OpenLineageIngester>> NewOpenLineageIngester(
    Store* store, const OpenLineageOptions& options = {});

}  // namespace lineagedb

#endif  // LINEAGEDB_OPENLINEAGE_H_
