// OpenLineage events (spec 2-0-2) as plain structs, and their parsing and
// validation from JSON. Nothing here touches the store.
#ifndef LINEAGEDB_OPENLINEAGE_EVENT_H_
#define LINEAGEDB_OPENLINEAGE_EVENT_H_

#include <simdjson.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lineagedb/status.h"

namespace lineagedb::openlineage {

enum class EventKind { kRun, kJob, kDataset };

// One facet: its name and its JSON object, minified.
struct Facet {
  std::string name;
  std::string json;
  // "_deleted": true (job and dataset facets): the facet is to be removed.
  bool deleted = false;
};

struct DatasetRef {
  std::string ns;
  std::string name;
  // facets.version.datasetVersion, or empty.
  std::string version;
  std::vector<Facet> facets;
  // inputFacets of an input, outputFacets of an output.
  std::vector<Facet> io_facets;
};

struct JobRef {
  std::string ns;
  std::string name;
};

// A point in time: milliseconds since the epoch (UTC), then nanoseconds
// within that millisecond. Ordered by both, so events less than a
// millisecond apart are still ordered.
struct Instant {
  int64_t ms = 0;
  int32_t ns = 0;  // 0-999999.
  auto operator<=>(const Instant&) const = default;
  static Instant Min() { return {std::numeric_limits<int64_t>::min(), 0}; }
};

// A validated event. Fields that an event kind lacks stay empty.
struct Event {
  EventKind kind = EventKind::kRun;
  std::string event_time;  // As given.
  Instant time;            // event_time as an instant.
  std::string event_type;  // RunEvent only; empty if absent.
  std::string run_id;      // RunEvent only.
  JobRef job;              // RunEvent and JobEvent.
  std::vector<Facet> run_facets;
  std::vector<Facet> job_facets;
  std::optional<JobRef> parent_job;  // From the run facet "parent".
  std::vector<DatasetRef> inputs;
  std::vector<DatasetRef> outputs;
  std::optional<DatasetRef> dataset;  // DatasetEvent only.
};

// Validates `root` against the spec's required fields and the known facets'
// rules, and converts it. Errors: INVALID_ARGUMENT whose message is the
// reason, naming the offending field by its path (e.g.
// "run.facets.parent.run.runId is required").
Status ParseEvent(const simdjson::dom::element& root, Event* event);

// The instant of an RFC 3339 date-time ("2020-12-28T19:52:00.001+10:00");
// without a zone offset the time is taken as UTC. Fractions of a second are
// kept to the nanosecond (later digits are ignored). nullopt if `text` is
// not such a date-time (including a day its month does not have, or an
// offset past 23:59). Second 60 is the next minute's 0; if `strict`, it is
// taken only at 23:59:60 UTC (a leap second) and refused elsewhere (times
// stored by earlier builds are read without that rule).
std::optional<Instant> ParseInstant(std::string_view text, bool strict = false);

// True for the canonical 8-4-4-4-12 hex form of a UUID.
bool IsUuid(std::string_view text);

}  // namespace lineagedb::openlineage

#endif  // LINEAGEDB_OPENLINEAGE_EVENT_H_
