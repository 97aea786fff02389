// OpenLineage events (spec 2-0-2) as plain structs, and their parsing and
// validation from JSON. Nothing here touches the store.
#ifndef LINEAGEDB_OPENLINEAGE_EVENT_H_
#define LINEAGEDB_OPENLINEAGE_EVENT_H_

#include <simdjson.h>

#include <cstdint>
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

// A validated event. Fields that an event kind lacks stay empty.
struct Event {
  EventKind kind = EventKind::kRun;
  std::string event_time;  // As given.
  int64_t time_ms = 0;     // event_time in ms since the epoch (UTC).
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

// Milliseconds since the epoch of an RFC 3339 date-time
// ("2020-12-28T19:52:00.001+10:00"); without a zone offset the time is taken
// as UTC. nullopt if `text` is not such a date-time.
std::optional<int64_t> ParseDateTime(std::string_view text);

// True for the canonical 8-4-4-4-12 hex form of a UUID.
bool IsUuid(std::string_view text);

}  // namespace lineagedb::openlineage

#endif  // LINEAGEDB_OPENLINEAGE_EVENT_H_
