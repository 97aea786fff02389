// Ingestion of OpenLineage events (spec 2-0-2): RunEvent, JobEvent and
// DatasetEvent, mapped onto lineagedb's model as schema/OPENLINEAGE.md
// describes (job -> execution type and context, run -> execution, dataset
// -> artifact, inputs/outputs -> events, parent run -> parent context,
// facets kept as custom properties), and column-level lineage read from
// the stored columnLineage facets.
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

#include "lineagedb/ingest.h"
#include "lineagedb/lineage.h"
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
  // The memtable size while a large ingest writes (one that reaches 4096
  // pending events; see BulkWriterOptions::write_buffer_bytes; the default
  // is measured in BENCHMARKS.md). 0 keeps the store's size.
  // Default: 256 MiB
  uint64_t write_buffer_bytes = 256ull << 20;
};

struct OpenLineageSummary {
  int64_t events = 0;    // Accepted events.
  int64_t runs = 0;      // Distinct runs seen.
  int64_t jobs = 0;      // Distinct jobs of events (not parent-only jobs).
  int64_t datasets = 0;  // Distinct datasets (or dataset versions) seen.
  int64_t edges = 0;     // Input/output events stored (new ones; parent
                         // context links not counted).
  int64_t rejected = 0;
  std::vector<RejectedEvent> rejections;
};

class OpenLineageIngester {
 public:
  virtual ~OpenLineageIngester() = default;
  // Ingests a document holding one event, a JSON array of events, or
  // newline-delimited events. `source` names it in rejections.
  // Errors: INVALID_ARGUMENT (strict and a bad event: the message names
  // source, index and reason), the type write's errors (see
  // NewOpenLineageIngester), storage errors.
  virtual Status IngestDocument(std::string_view document,
                                std::string_view source) = 0;
  // The checks a strict IngestDocument makes before it applies anything,
  // strict or not, without applying the document, so that a caller can
  // check several documents before it ingests any. Errors: INVALID_ARGUMENT
  // (the first bad event: the message names source, index and reason; it
  // counts in the summary's rejections), storage errors.
  virtual Status CheckDocument(std::string_view document,
                               std::string_view source) = 0;
  // Commits everything accepted so far.
  virtual Status Finish() = 0;
  virtual const OpenLineageSummary& summary() const = 0;
};

// The ingester writes through a BulkWriter on `store`, which must outlive
// it. Between its first accepted event and Finish() it must be the store's
// only writer (from its first batch write to Finish() it holds the store's
// write lock): a write by anyone else before that batch makes its next
// IngestDocument or CheckDocument fail with FAILED_PRECONDITION, and the
// events not yet written are lost. After Finish() other writers (another
// ingester included) may write; the next document reads the store anew,
// so no run or dataset is stored twice. When the first event
// gets past the parser it puts the OpenLineage types (schema/OPENLINEAGE.md),
// evolving stored ones, in one write; input without such an event writes
// nothing. That write's errors come from IngestDocument and end the
// ingester: ALREADY_EXISTS (a stored type of the same kind and name has a
// property of another kind; no type is written), FAILED_PRECONDITION (the
// calling thread owns an open BulkWriter), storage errors. Creating the
// ingester writes nothing and does not fail.
StatusOr<std::unique_ptr<OpenLineageIngester>> NewOpenLineageIngester(
    Store* store, const OpenLineageOptions& options = {});

// A column of an OpenLineage dataset: the dataset's namespace and name, and
// the field (column) name, as a columnLineage facet's inputFields name them.
struct ColumnRef {
  std::string ns;
  std::string name;
  std::string field;
  friend auto operator<=>(const ColumnRef&, const ColumnRef&) = default;
};

// One column lineage edge: column `from` feeds column `to` (the direction of
// the data, whichever way the query walks).
struct ColumnEdge {
  ColumnRef from;
  ColumnRef to;
  // The hop of the edge's far end from the start: 1 for the edges touching
  // the start, 2 for the next ones, and so on.
  int hop = 0;
  // How `from` becomes `to`, empty if the facet does not say: the inputField's
  // `transformations`, each "TYPE[/SUBTYPE][: description][ (masking)]",
  // joined by "; "; failing those, the output field's deprecated
  // `transformationType` and `transformationDescription` as "TYPE: text".
  std::string transformation;
  friend bool operator==(const ColumnEdge&, const ColumnEdge&) = default;
};

// The column lineage of `start`, read from the `facet.columnLineage`
// properties of the openlineage.Dataset artifacts (schema/OPENLINEAGE.md).
// kUpstream: the columns feeding `start` (hop 1: the inputFields of start's
// field in its dataset's facet; hop 2: their inputFields; ...). kDownstream:
// the columns `start` feeds, hop by hop. Each column is expanded once, so
// cycles end; every edge out of an expanded column is returned once (a
// duplicate (from, to) pair of one facet keeps its first transformation).
// Edges are ordered by hop, then by the far end's (ns, name, field), then by
// the near end's. max_hops -1 is unbounded; 0 gives no edges.
//
// A dataset with several artifacts (versions) is read from the one with the
// newest columnLineage facet (the latest time of the event that set it,
// schema/OPENLINEAGE.md "Facets"; then the highest id). A column named by a
// facet whose dataset has no artifact is returned but has no lineage of its
// own. A start with no edges must be named by a stored facet: a field of
// its dataset's chosen columnLineage facet or of one of its schema facets,
// or an input field of a chosen columnLineage facet (else NOT_FOUND, so
// that a misspelt field is not taken for a column without lineage).
//
// Cost: one paged scan of all openlineage.Dataset artifacts (each page is
// its own snapshot). Upstream parses only the facets of the datasets the
// walk reaches (and, for a start with no edges, every chosen facet, whose
// errors are then ignored); downstream parses every chosen facet to build
// the reverse map. Memory: one page of artifacts, every dataset's (ns,
// name), the chosen facets and the links read from them.
//
// Errors: INVALID_ARGUMENT (an empty ns, name or field; a direction other
// than kUpstream/kDownstream; max_hops < -1; a facet the walk reads that is
// not a columnLineage object of the spec's shape: the message names the
// dataset, its artifact and the offending path), NOT_FOUND (no dataset
// artifact with start's namespace and name; a start with no edges that no
// stored facet names), storage errors.
StatusOr<std::vector<ColumnEdge>> GetColumnLineage(Store* store,
                                                   const ColumnRef& start,
                                                   Direction direction,
                                                   int max_hops = -1);

}  // namespace lineagedb

#endif  // LINEAGEDB_OPENLINEAGE_H_
