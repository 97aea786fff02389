// The mapping of OpenLineage onto lineagedb's model (schema/OPENLINEAGE.md):
// type and node names, URIs, and the additive merge of events into nodes.
#ifndef LINEAGEDB_OPENLINEAGE_MAPPING_H_
#define LINEAGEDB_OPENLINEAGE_MAPPING_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "lineagedb/model.h"
#include "openlineage/event.h"

namespace lineagedb::openlineage {

// Both the execution type (kind execution, base PROCESS) of every run and
// the context type of every job.
inline constexpr std::string_view kJobType = "openlineage.Job";
// The artifact type (base DATASET) of every dataset and dataset version.
inline constexpr std::string_view kDatasetType = "openlineage.Dataset";

// Custom property key prefixes of facets.
inline constexpr std::string_view kFacetPrefix = "facet.";
inline constexpr std::string_view kInputFacetPrefix = "inputFacet.";
inline constexpr std::string_view kOutputFacetPrefix = "outputFacet.";
// Before one of those keys: the mark of a facet a newer event deleted (a
// STRING custom property, that event's eventTime).
inline constexpr std::string_view kDeletedFacetPrefix = "deleted.";
// The time of a facet is the eventTime of the event that set it: the
// custom property kFacetTimePrefix + key (a STRING) if the facet has one,
// else kPropFacetsEventTime if the node has it, else the node's event_time.
inline constexpr std::string_view kFacetTimePrefix = "event_time.";
// Custom property: the eventTime of the latest event that carried facets of
// the node, while older than its event_time (later events only named it).
inline constexpr char kPropFacetsEventTime[] = "facets_event_time";

// Declared property names.
inline constexpr char kPropNamespace[] = "namespace";
inline constexpr char kPropName[] = "name";
inline constexpr char kPropVersion[] = "version";
inline constexpr char kPropEventTime[] = "event_time";
// Of a run: the eventTime of the end event (COMPLETE, FAIL, ABORT) that
// decided its state.
inline constexpr char kPropEndEventTime[] = "end_event_time";
inline constexpr char kPropJobNamespace[] = "job_namespace";
inline constexpr char kPropJobName[] = "job_name";

// The three types, as the ingester registers them.
Type RunExecutionType();
Type JobContextType();
Type DatasetArtifactType();

// "namespace/name".
std::string JobContextName(const JobRef& job);
// "namespace:name", or "namespace:name@version" for a dataset version.
std::string DatasetName(const DatasetRef& ds);
// The same names, replacing the contents of `*out` (whose capacity is kept).
void JobContextNameTo(const JobRef& job, std::string* out);
void DatasetNameTo(const DatasetRef& ds, std::string* out);
// "openlineage:" + DatasetName.
std::string DatasetExternalId(std::string_view dataset_name);
// namespace + "/" + name when the namespace has a scheme ("s3://bucket",
// "postgres://host:5432"), with one '/' between them; a namespace with no
// authority ("file://", "file:///") is followed by the name as given
// ("file:///" + "/a.csv" is "file:///a.csv"). Empty without a scheme.
std::string DatasetUri(const DatasetRef& ds);

// A job context / dataset artifact not yet stored, of the given type, with
// its identity set (name, external_id, uri, declared properties).
Context NewJobContext(const JobRef& job, int64_t type_id);
Artifact NewDatasetArtifact(const DatasetRef& ds, int64_t type_id);

// Merging events into nodes. Each Merge* returns true if it changed the
// node. A node's event_time is its latest event's; each facet keeps the
// time of the event that set it (FacetTime), so that the latest event
// carrying a facet decides it, whatever the order of arrival.
//
// Merges a RunEvent into its run's execution: job properties (first event
// wins), run facets, state and event_time.
bool MergeRunEvent(const Event& event, Execution* run);
// Merges the job facets and event_time of `event` into the job context.
bool MergeJobEvent(const Event& event, Context* job);
// Merges one dataset of `event` (facets, and inputFacets or outputFacets
// under `io_prefix`) and the event_time into its artifact.
bool MergeDatasetEvent(const Event& event, const DatasetRef& ds,
                       std::string_view io_prefix, Artifact* artifact);

// The lineage event of the index-th input (kInput) or output (kOutput) of
// an OpenLineage event: path ["inputs"|"outputs", index].
lineagedb::Event EdgeEvent(EventType type, int64_t index, int64_t time_ms);

// The time of the latest event merged into `node` (its event_time
// property), or Instant::Min() if none.
Instant NodeTime(const NodeBase& node);
// The time of the event that set the facet stored under custom property
// `key` (e.g. "facet.schema"), as kFacetTimePrefix describes.
// Instant::Min() if the node has no such facet.
Instant FacetTime(const NodeBase& node, const std::string& key);
// The STRING property `key` of `properties`, or null (absent, another kind).
const std::string* TextProperty(const PropertyMap& properties,
                                const std::string& key);

// True for COMPLETE, FAILED and CANCELED.
bool IsEnded(ExecutionState state);
// True for COMPLETE, FAIL and ABORT.
bool IsEndEventType(std::string_view event_type);
// The time of the end event that decided `run`'s state (end_event_time; for
// an ended run without it, NodeTime), or Instant::Min() if it has not ended.
Instant EndTime(const Execution& run);

// Facets of one kind (run, job, dataset, input or output) of an event, kept
// under custom property keys `prefix` + facet name.
struct FacetList {
  const std::vector<Facet>* facets;
  std::string_view prefix;
};

// Merges the facet lists of `event` into node->custom_properties and moves
// the node's event_time. A facet replaces the stored one of its name if its
// event is newer than the one that set that (FacetTime), fills in a missing
// one, and does neither if a newer event deleted it (the kDeletedFacetPrefix
// mark holds that event's eventTime). A deleted facet newer than the stored
// one is removed and leaves that mark, which keeps older events (or the
// same ones ingested again) from bringing it back; a newer event that
// carries the facet clears the mark. Ties keep what arrived first. Returns
// true if the node changed.
bool MergeFacetsAndTime(const Event& event,
                        std::initializer_list<FacetList> lists, NodeBase* node);

// The run state after an event of `event_type` (empty = OTHER): START and
// RUNNING give RUNNING unless the run has ended; COMPLETE, FAIL and ABORT
// give COMPLETE, FAILED and CANCELED, but replace another end state only if
// `newer` (than the end event that decided it: EndTime); OTHER keeps the
// state.
ExecutionState MergeState(ExecutionState state, std::string_view event_type,
                          bool newer);

}  // namespace lineagedb::openlineage

#endif  // LINEAGEDB_OPENLINEAGE_MAPPING_H_
