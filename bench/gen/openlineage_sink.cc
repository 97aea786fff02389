// The OpenLineage NDJSON sink; see openlineage_sink.h.
#include "bench/gen/openlineage_sink.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "util/json_string.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::gen {
namespace {

constexpr std::string_view kProducer =
    "https://github.com/lineagedb/lineagedb/tree/main/bench/gen";
constexpr std::string_view kRunEventSchema =
    "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
constexpr std::string_view kFacetSpec = "https://openlineage.io/spec/facets/";

// Salts of the hashes, so that runIds, parent runIds and draws differ.
enum Salt : uint64_t { kRunSalt = 1, kParentSalt = 2, kFailSalt = 3 };

// Appends each argument formatted with "{}".
template <typename... Args>
void Append(std::string* out, const Args&... args) {
  (fmt::format_to(std::back_inserter(*out), "{}", args), ...);
}

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer.
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Hash(uint64_t seed, Salt salt, int64_t id) {
  return Mix(Mix(seed) ^ Mix(static_cast<uint64_t>(id) * 4 + salt));
}

// A version 4, variant 1 UUID from two hashes.
std::string Uuid(uint64_t seed, Salt salt, int64_t id) {
  uint64_t hi = Hash(seed, salt, id);
  uint64_t lo = Mix(hi ^ seed);
  hi = (hi & ~uint64_t{0xf000}) | 0x4000;
  lo = (lo & ~(uint64_t{3} << 62)) | (uint64_t{2} << 62);
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32,
                     (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48,
                     lo & 0xffffffffffffULL);
}

const char* KindName(PropertyKind kind) {
  switch (kind) {
    case PropertyKind::kInt:
      return "INTEGER";
    case PropertyKind::kDouble:
      return "DOUBLE";
    case PropertyKind::kString:
      return "STRING";
    case PropertyKind::kBool:
      return "BOOLEAN";
    case PropertyKind::kStruct:
      return "STRUCT";
    case PropertyKind::kProto:
      return "PROTO";
    case PropertyKind::kUnknown:
      break;
  }
  return "UNKNOWN";
}

// Scalars as JSON; structs, protos and non-finite doubles as null.
void AppendScalar(std::string* out, const Value& v) {
  if (v.kind() == PropertyKind::kInt) {
    Append(out, v.int_value());
  } else if (v.kind() == PropertyKind::kDouble &&
             std::isfinite(v.double_value())) {
    Append(out, v.double_value());
  } else if (v.kind() == PropertyKind::kString) {
    AppendJsonString(out, v.string_value());
  } else if (v.kind() == PropertyKind::kBool) {
    out->append(v.bool_value() ? "true" : "false");
  } else {
    out->append("null");
  }
}

// Opens facet `name` with its base fields; the caller appends its own
// fields (each after a comma) and the closing brace.
void OpenFacet(std::string* out, std::string_view name,
               std::string_view schema) {
  AppendJsonString(out, name);
  Append(out, ":{\"_producer\":\"", kProducer, "\",\"_schemaURL\":\"", schema,
         "\"");
}

void OpenStandardFacet(std::string* out, std::string_view name,
                       std::string_view version, std::string_view def) {
  OpenFacet(out, name,
            StrCat(kFacetSpec, version, "/", def, ".json#/$defs/", def));
}

enum class Phase { kStart, kEnd };

// Turns steps into event lines; remembers the type of every artifact so
// that a reference names its dataset like the step that created it.
class EventWriter {
 public:
  EventWriter(const OpenLineageSinkOptions& options,
              const std::vector<Type>& types)
      : options_(options) {
    for (const Type& t : types) {
      if (t.kind != NodeKind::kArtifact) continue;
      type_index_.emplace(t.name, static_cast<uint16_t>(type_names_.size()));
      type_names_.push_back(t.name);
    }
    type_names_.push_back("Artifact");  // For an id never seen.
  }

  // Prepares the step's identities and counts its runs, datasets and
  // edges (named by its START).
  void BeginStep(const GenStep& step, OpenLineageSinkCounts* counts);
  // The event of `phase` for the current step, without newline.
  void AppendEvent(Phase phase, int64_t time_ms, std::string* out) const;
  bool failed() const { return end_type_ == std::string_view("FAIL"); }

 private:
  void AppendRunFacets(Phase phase, int64_t time_ms, std::string* out) const;
  void AppendDatasets(Phase phase, bool inputs, std::string* out) const;
  void AppendOutputFacets(const Artifact& a, int64_t id,
                          std::string* out) const;

  const OpenLineageSinkOptions& options_;
  std::map<std::string, uint16_t> type_index_;
  std::vector<std::string> type_names_;
  std::vector<uint16_t> artifact_type_;  // By artifact id - 1.
  std::set<std::string> jobs_;
  // The current step and its identities.
  const GenStep* step_ = nullptr;
  std::string run_id_, parent_run_id_, pipeline_, job_name_;
  std::vector<std::string> dataset_names_;  // Per pair.
  const char* end_type_ = "COMPLETE";
};

void EventWriter::BeginStep(const GenStep& step,
                            OpenLineageSinkCounts* counts) {
  step_ = &step;
  run_id_ = Uuid(options_.seed, kRunSalt, step.execution_id);
  pipeline_.clear();
  parent_run_id_.clear();
  if (!step.contexts.empty()) {
    pipeline_ = step.contexts.front().name;
    parent_run_id_ = Uuid(options_.seed, kParentSalt, step.context_ids.back());
  }
  job_name_ = pipeline_.empty() ? step.execution.type
                                : StrCat(pipeline_, ".", step.execution.type);
  const double draw =
      static_cast<double>(Hash(options_.seed, kFailSalt, step.execution_id) >>
                          11) *
      0x1p-53;
  end_type_ = step.execution.last_known_state == ExecutionState::kCanceled
                  ? "ABORT"
              : step.execution.last_known_state == ExecutionState::kFailed ||
                      draw < options_.fail_share
                  ? "FAIL"
                  : "COMPLETE";
  ++counts->runs;
  if (jobs_.insert(job_name_).second) ++counts->jobs;
  dataset_names_.clear();
  std::set<std::pair<int64_t, bool>> edges;
  for (size_t i = 0; i < step.pairs.size(); ++i) {
    const ArtifactAndEvent& pair = step.pairs[i];
    const int64_t id = step.artifact_ids[i];
    if (static_cast<size_t>(id) > artifact_type_.size()) {
      artifact_type_.resize(id, type_names_.size() - 1);
    }
    if (pair.artifact.has_value()) {
      auto it = type_index_.find(pair.artifact->type);
      if (it != type_index_.end()) artifact_type_[id - 1] = it->second;
      ++counts->datasets;
    }
    dataset_names_.push_back(
        StrCat(type_names_[artifact_type_[id - 1]], "/", id));
    const bool input = pair.event.has_value() && IsInputEvent(pair.event->type);
    if (edges.emplace(id, input).second) ++counts->edges;
  }
}

void EventWriter::AppendEvent(Phase phase, int64_t time_ms,
                              std::string* out) const {
  const std::string_view type = phase == Phase::kStart ? "START" : end_type_;
  Append(out, "{\"eventType\":\"", type, "\",\"eventTime\":\"",
         FormatUtcMillis(time_ms), "\",\"producer\":\"", kProducer,
         "\",\"schemaURL\":\"", kRunEventSchema, "\",\"run\":{");
  Append(out, "\"runId\":\"", run_id_, "\",\"facets\":{");
  AppendRunFacets(phase, time_ms, out);
  out->append("}},\"job\":{\"namespace\":");
  AppendJsonString(out, options_.job_namespace);
  out->append(",\"name\":");
  AppendJsonString(out, job_name_);
  out->append(",\"facets\":{");
  if (phase == Phase::kStart) {
    OpenStandardFacet(out, "jobType", "2-0-3", "JobTypeJobFacet");
    out->append(
        ",\"processingType\":\"BATCH\",\"integration\":\"LINEAGE_GEN\","
        "\"jobType\":\"TASK\"}");
  }
  out->append("}},\"inputs\":[");
  AppendDatasets(phase, /*inputs=*/true, out);
  out->append("],\"outputs\":[");
  AppendDatasets(phase, /*inputs=*/false, out);
  out->append("]}");
}

void EventWriter::AppendRunFacets(Phase phase, int64_t time_ms,
                                  std::string* out) const {
  bool first = true;
  const auto comma = [&] {
    if (!first) out->push_back(',');
    first = false;
  };
  if (!pipeline_.empty()) {
    comma();
    OpenStandardFacet(out, "parent", "1-0-1", "ParentRunFacet");
    Append(out, ",\"run\":{\"runId\":\"", parent_run_id_,
           "\"},\"job\":{\"namespace\":");
    AppendJsonString(out, options_.job_namespace);
    out->append(",\"name\":");
    AppendJsonString(out, pipeline_);
    out->append("}}");
  }
  if (phase == Phase::kStart) {
    comma();
    OpenStandardFacet(out, "nominalTime", "1-0-1", "NominalTimeRunFacet");
    Append(out, ",\"nominalStartTime\":\"", FormatUtcMillis(time_ms), "\"}");
    comma();
    OpenStandardFacet(out, "processing_engine", "1-1-1",
                      "ProcessingEngineRunFacet");
    out->append(",\"version\":\"1.0\",\"name\":\"lineage-gen\"}");
    return;
  }
  comma();
  OpenFacet(out, "lineageGen", StrCat(kProducer, "/LineageGenRunFacet"));
  out->append(",\"executionType\":");
  AppendJsonString(out, step_->execution.type);
  // A run the draw failed is FAILED, whatever the generator's state.
  const ExecutionState state =
      failed() ? ExecutionState::kFailed : step_->execution.last_known_state;
  Append(out, ",\"mlmdState\":", static_cast<int>(state), ",\"properties\":{");
  bool first_property = true;
  for (const auto& [name, value] : step_->execution.properties) {
    if (!first_property) out->push_back(',');
    first_property = false;
    AppendJsonString(out, name);
    out->push_back(':');
    AppendScalar(out, value);
  }
  out->append("}}");
  if (failed()) {
    comma();
    OpenStandardFacet(out, "errorMessage", "1-0-1", "ErrorMessageRunFacet");
    Append(out, ",\"message\":\"", step_->execution.type,
           " failed\",\"programmingLanguage\":\"python\"}");
  }
}

void EventWriter::AppendDatasets(Phase phase, bool inputs,
                                 std::string* out) const {
  bool first = true;
  for (size_t i = 0; i < step_->pairs.size(); ++i) {
    const ArtifactAndEvent& pair = step_->pairs[i];
    const bool is_input =
        pair.event.has_value() && IsInputEvent(pair.event->type);
    if (is_input != inputs) continue;
    if (!first) out->push_back(',');
    first = false;
    out->append("{\"namespace\":");
    AppendJsonString(out, options_.dataset_namespace);
    out->append(",\"name\":");
    AppendJsonString(out, dataset_names_[i]);
    if (phase == Phase::kEnd && !inputs && pair.artifact.has_value() &&
        !failed()) {
      AppendOutputFacets(*pair.artifact, step_->artifact_ids[i], out);
    }
    out->push_back('}');
  }
}

void EventWriter::AppendOutputFacets(const Artifact& a, int64_t id,
                                     std::string* out) const {
  out->append(",\"facets\":{");
  OpenStandardFacet(out, "schema", "1-1-1", "SchemaDatasetFacet");
  out->append(",\"fields\":[");
  bool first = true;
  for (const auto& [name, value] : a.properties) {
    if (!first) out->push_back(',');
    first = false;
    out->append("{\"name\":");
    AppendJsonString(out, name);
    Append(out, ",\"type\":\"", KindName(value.kind()), "\"}");
  }
  if (first) out->append("{\"name\":\"uri\",\"type\":\"STRING\"}");
  out->append("]},");
  OpenStandardFacet(out, "dataSource", "1-0-1", "DatasourceDatasetFacet");
  out->append(",\"name\":");
  AppendJsonString(out, options_.dataset_namespace);
  out->append(",\"uri\":");
  AppendJsonString(out, options_.dataset_namespace);
  out->append("}},\"outputFacets\":{");
  OpenStandardFacet(out, "outputStatistics", "1-0-2",
                    "OutputStatisticsOutputDatasetFacet");
  const int64_t rows =
      1000 + static_cast<int64_t>(Hash(options_.seed, kRunSalt, -id) % 1000000);
  Append(out, ",\"rowCount\":", rows, ",\"size\":", rows * 128, "}}");
}

// Days since 1970-01-01 to (year, month, day): H. Hinnant's
// civil_from_days.
void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

}  // namespace

std::string FormatUtcMillis(int64_t ms) {
  const int64_t day_ms = 86400000;
  const int64_t days = (ms >= 0 ? ms : ms - day_ms + 1) / day_ms;
  const int64_t in_day = ms - days * day_ms;
  int64_t y = 0;
  int m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d,
                     in_day / 3600000, in_day / 60000 % 60, in_day / 1000 % 60,
                     in_day % 1000);
}

namespace {

Status CheckOptions(const OpenLineageSinkOptions& options) {
  if (!(options.fail_share >= 0 && options.fail_share <= 1) ||
      options.interval_ms < 0 || options.job_namespace.empty() ||
      options.dataset_namespace.empty()) {
    return absl::InvalidArgumentError(
        "OpenLineageSinkOptions: fail_share must be in [0, 1], interval_ms "
        ">= 0 and the namespaces non-empty");
  }
  return absl::OkStatus();
}

}  // namespace

StatusOr<OpenLineageSinkCounts> RunIntoOpenLineageNdjson(
    Generator* gen, std::ostream& out, const OpenLineageSinkOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  OpenLineageSinkCounts counts;
  EventWriter writer(options, gen->Types());
  GenStep step;
  std::string line;
  const auto done = [&] {
    return options.max_events > 0 && counts.events >= options.max_events;
  };
  const auto write = [&](Phase phase) -> Status {
    line.clear();
    writer.AppendEvent(
        phase, options.start_time_ms + counts.events * options.interval_ms,
        &line);
    line.push_back('\n');
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
    if (!out) return absl::InternalError("OpenLineage NDJSON write failed");
    ++counts.events;
    if (options.progress_every > 0 && options.progress &&
        counts.events % options.progress_every == 0) {
      options.progress(counts.events);
    }
    return absl::OkStatus();
  };
  while (!done() && gen->Next(&step)) {
    writer.BeginStep(step, &counts);
    RETURN_IF_ERROR(write(Phase::kStart));
    if (done()) break;
    RETURN_IF_ERROR(write(Phase::kEnd));
    if (writer.failed()) ++counts.failed;
  }
  out.flush();
  if (!out) return absl::InternalError("OpenLineage NDJSON flush failed");
  return counts;
}

StatusOr<OpenLineageSinkCounts> RunIntoOpenLineageNdjsonFile(
    Generator* gen, const std::string& path,
    const OpenLineageSinkOptions& options) {
  // Bad options leave an existing file as it was.
  RETURN_IF_ERROR(CheckOptions(options));
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return absl::InternalError(StrCat("cannot open ", path));
  return RunIntoOpenLineageNdjson(gen, file, options);
}

}  // namespace lineagedb::gen
