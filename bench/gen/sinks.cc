// Sinks for generated lineage graphs; see sinks.h.
#include "bench/gen/sinks.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "util/json_string.h"
#include "util/status_macros.h"

namespace lineagedb::gen {
namespace {

// Pulls steps from `gen` into `write` (a Status(const GenStep&)), counting
// and reporting progress as SinkOptions says.
template <typename WriteFn>
StatusOr<SinkCounts> Drive(Generator* gen, const SinkOptions& options,
                           WriteFn write) {
  SinkCounts counts;
  int64_t max_context_id = 0;
  GenStep step;
  while ((options.max_steps == 0 || counts.executions < options.max_steps) &&
         gen->Next(&step)) {
    RETURN_IF_ERROR(write(step));
    ++counts.executions;
    for (const ArtifactAndEvent& pair : step.pairs) {
      if (pair.artifact.has_value() && pair.artifact->id == 0) {
        ++counts.artifacts;
      }
      if (pair.event.has_value()) ++counts.events;
    }
    for (int64_t id : step.context_ids) {
      if (id > max_context_id) {
        max_context_id = id;
        ++counts.contexts;
      }
    }
    if (options.progress_every > 0 && options.progress &&
        counts.executions % options.progress_every == 0) {
      options.progress(counts);
    }
  }
  return counts;
}

Status Mismatch(const GenStep& step, const std::string& what, int64_t got,
                int64_t predicted) {
  return absl::FailedPreconditionError(absl::StrCat(
      "predicted ids differ from the store's at execution ", step.execution_id,
      " (", step.execution.type, "): ", what, " is ", got, ", predicted ",
      predicted, "; the generator must be the only writer of an empty store"));
}

// Checks the ids a store returned for `step`. For a pair without a new
// artifact, `artifact_ids[i]` may be 0 (lineagedb reports none) or must be
// the referenced id.
Status CheckIds(const GenStep& step, int64_t execution_id,
                const std::vector<int64_t>& artifact_ids,
                const std::vector<int64_t>& context_ids) {
  if (execution_id != step.execution_id) {
    return Mismatch(step, "the execution id", execution_id, step.execution_id);
  }
  if (artifact_ids.size() != step.pairs.size() ||
      context_ids.size() != step.contexts.size()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the store returned ", artifact_ids.size(), " artifact ids and ",
        context_ids.size(), " context ids for ", step.pairs.size(),
        " pairs and ", step.contexts.size(), " contexts at execution ",
        step.execution_id));
  }
  for (size_t i = 0; i < artifact_ids.size(); ++i) {
    const bool is_new = step.pairs[i].artifact.has_value();
    if (!is_new && artifact_ids[i] == 0) continue;
    if (artifact_ids[i] != step.artifact_ids[i]) {
      return Mismatch(step, absl::StrCat("the artifact id of pair ", i),
                      artifact_ids[i], step.artifact_ids[i]);
    }
  }
  for (size_t i = 0; i < context_ids.size(); ++i) {
    if (context_ids[i] != step.context_ids[i]) {
      return Mismatch(step, absl::StrCat("the id of context ", i),
                      context_ids[i], step.context_ids[i]);
    }
  }
  return absl::OkStatus();
}

// ---- JSON ----

void AppendString(std::string* out, const std::string& s) {
  AppendJsonString(out, s);
}

void AppendValue(std::string* out, const Value& v) {
  switch (v.kind()) {
    case PropertyKind::kInt:
      absl::StrAppend(out, v.int_value());
      break;
    case PropertyKind::kDouble:
      if (std::isfinite(v.double_value())) {
        // Shortest round-trip form, with a fraction or exponent so that it
        // reads back as a double ("1.0", not "1").
        const size_t start = out->size();
        fmt::format_to(std::back_inserter(*out), "{}", v.double_value());
        if (out->find_first_of(".e", start) == std::string::npos) {
          out->append(".0");
        }
      } else {
        out->append("null");
      }
      break;
    case PropertyKind::kString:
      AppendString(out, v.string_value());
      break;
    case PropertyKind::kBool:
      out->append(v.bool_value() ? "true" : "false");
      break;
    case PropertyKind::kStruct:
      out->append(v.struct_value().json);
      break;
    case PropertyKind::kProto: {
      out->append("{\"type_url\":");
      AppendString(out, v.proto_value().type_url);
      out->append(",\"hex\":\"");
      for (const char c : v.proto_value().bytes) {
        fmt::format_to(std::back_inserter(*out), "{:02x}",
                       static_cast<unsigned char>(c));
      }
      out->append("\"}");
      break;
    }
    case PropertyKind::kUnknown:
      out->append("null");
      break;
  }
}

void AppendProperties(std::string* out, const NodeBase& node) {
  out->append(",\"properties\":{");
  bool first = true;
  for (const auto& [name, value] : node.properties) {
    if (!first) out->push_back(',');
    first = false;
    AppendString(out, name);
    out->push_back(':');
    AppendValue(out, value);
  }
  out->push_back('}');
  if (node.custom_properties.empty()) return;
  out->append(",\"custom_properties\":{");
  first = true;
  for (const auto& [name, value] : node.custom_properties) {
    if (!first) out->push_back(',');
    first = false;
    AppendString(out, name);
    out->push_back(':');
    AppendValue(out, value);
  }
  out->push_back('}');
}

}  // namespace

std::string StepToJson(const GenStep& step) {
  std::string out;
  out.reserve(256 + 128 * step.pairs.size());
  absl::StrAppend(&out, "{\"execution\":{\"id\":", step.execution_id,
                  ",\"type\":");
  AppendString(&out, step.execution.type);
  out.append(",\"state\":\"");
  out.append(ExecutionStateName(step.execution.last_known_state));
  out.push_back('"');
  if (!step.execution.fingerprint.empty()) {
    out.append(",\"fingerprint\":");
    AppendString(&out, step.execution.fingerprint);
  }
  AppendProperties(&out, step.execution);
  out.append("},\"events\":[");
  for (size_t i = 0; i < step.pairs.size(); ++i) {
    const ArtifactAndEvent& pair = step.pairs[i];
    if (i > 0) out.push_back(',');
    out.append("{\"type\":\"");
    out.append(pair.event ? EventTypeName(pair.event->type) : "UNKNOWN");
    out.append("\",\"path\":[");
    if (pair.event) {
      bool first = true;
      for (const PathStep& p : pair.event->path) {
        if (!first) out.push_back(',');
        first = false;
        if (const auto* key = std::get_if<std::string>(&p.step)) {
          AppendString(&out, *key);
        } else {
          absl::StrAppend(&out, std::get<int64_t>(p.step));
        }
      }
    }
    absl::StrAppend(&out, "],\"artifact_id\":", step.artifact_ids[i]);
    if (pair.artifact) {
      out.append(",\"artifact\":{\"type\":");
      AppendString(&out, pair.artifact->type);
      out.append(",\"uri\":");
      AppendString(&out, pair.artifact->uri);
      out.append(",\"state\":\"");
      out.append(ArtifactStateName(pair.artifact->state));
      out.push_back('"');
      AppendProperties(&out, *pair.artifact);
      out.push_back('}');
    }
    out.push_back('}');
  }
  out.append("],\"contexts\":[");
  for (size_t i = 0; i < step.contexts.size(); ++i) {
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, "{\"id\":", step.context_ids[i], ",\"type\":");
    AppendString(&out, step.contexts[i].type);
    out.append(",\"name\":");
    AppendString(&out, step.contexts[i].name);
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

std::string TypeToJson(const Type& type) {
  static constexpr std::string_view kItemKeys[] = {
      "", "artifact_type", "execution_type", "context_type"};
  std::string out = "{\"";
  out.append(kItemKeys[static_cast<size_t>(type.kind)]);
  out.append("\":{\"name\":");
  AppendString(&out, type.name);
  for (const auto& [key, text] :
       {std::pair{"version", &type.version},
        std::pair{"description", &type.description},
        std::pair{"external_id", &type.external_id}}) {
    if (text->empty()) continue;
    absl::StrAppend(&out, ",\"", key, "\":");
    AppendString(&out, *text);
  }
  if (type.base_type != BaseType::kUnset) {
    out.append(",\"base_type\":\"");
    out.append(BaseTypeName(type.base_type));
    out.push_back('"');
  }
  out.append(",\"properties\":{");
  bool first = true;
  for (const auto& [name, kind] : type.properties) {
    if (!first) out.push_back(',');
    first = false;
    AppendString(&out, name);
    out.append(":\"");
    out.append(PropertyKindName(kind));
    out.push_back('"');
  }
  out.append("}}}");
  return out;
}

Status PutTypes(Generator* gen, Store* store) {
  std::vector<int64_t> ids;
  for (const Type& type : gen->Types()) {
    ASSIGN_OR_RETURN(const int64_t id, store->PutType(type));
    ids.push_back(id);
  }
  return gen->BindTypeIds(ids);
}

Status PutTypes(Generator* gen, baseline::MlmdSqlite* db) {
  std::vector<int64_t> ids;
  for (const Type& type : gen->Types()) {
    ASSIGN_OR_RETURN(const int64_t id, db->PutType(type));
    ids.push_back(id);
  }
  return gen->BindTypeIds(ids);
}

StatusOr<SinkCounts> RunIntoStore(Generator* gen, Store* store,
                                  const SinkOptions& options) {
  RETURN_IF_ERROR(PutTypes(gen, store));
  PutExecutionOptions put_options;
  put_options.reuse_context_if_already_exist = true;
  return Drive(gen, options, [&](const GenStep& step) -> Status {
    ASSIGN_OR_RETURN(const PutExecutionResult r,
                     store->PutExecution(step.execution, step.pairs,
                                         step.contexts, put_options));
    return CheckIds(step, r.execution_id, r.artifact_ids, r.context_ids);
  });
}

StatusOr<SinkCounts> RunIntoBulkWriter(Generator* gen, Store* store,
                                       BulkWriterOptions bulk_options,
                                       const SinkOptions& options) {
  RETURN_IF_ERROR(PutTypes(gen, store));
  bulk_options.put_options.reuse_context_if_already_exist = true;
  ASSIGN_OR_RETURN(std::unique_ptr<BulkWriter> writer,
                   NewBulkWriter(store, bulk_options));
  ASSIGN_OR_RETURN(
      const SinkCounts counts,
      Drive(gen, options, [&](const GenStep& step) -> Status {
        ASSIGN_OR_RETURN(
            const PutExecutionResult r,
            writer->Add(step.execution, step.pairs, step.contexts));
        return CheckIds(step, r.execution_id, r.artifact_ids, r.context_ids);
      }));
  RETURN_IF_ERROR(writer->Close());
  return counts;
}

StatusOr<SinkCounts> RunIntoMlmdSqlite(Generator* gen, baseline::MlmdSqlite* db,
                                       const SinkOptions& options) {
  RETURN_IF_ERROR(PutTypes(gen, db));
  std::vector<std::pair<Artifact, Event>> pairs;
  StatusOr<SinkCounts> counts =
      Drive(gen, options, [&](const GenStep& step) -> Status {
        pairs.clear();
        for (size_t i = 0; i < step.pairs.size(); ++i) {
          const ArtifactAndEvent& pair = step.pairs[i];
          auto& [artifact, event] = pairs.emplace_back();
          if (pair.artifact) {
            artifact = *pair.artifact;
          } else {
            artifact.id = step.artifact_ids[i];
          }
          if (pair.event) event = *pair.event;  // Else kUnknown: no event.
        }
        ASSIGN_OR_RETURN(
            const baseline::ExecutionWrite w,
            db->PutExecution(step.execution, pairs, step.contexts));
        return CheckIds(step, w.execution_id, w.artifact_ids, w.context_ids);
      });
  if (!counts.ok()) return counts;
  RETURN_IF_ERROR(db->Flush());
  return counts;
}

StatusOr<SinkCounts> RunIntoNdjson(Generator* gen, std::ostream& out,
                                   const SinkOptions& options) {
  std::string line;
  for (const Type& type : gen->Types()) {
    line = TypeToJson(type);
    line.push_back('\n');
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  ASSIGN_OR_RETURN(const SinkCounts counts,
                   Drive(gen, options, [&](const GenStep& step) -> Status {
                     line = StepToJson(step);
                     line.push_back('\n');
                     out.write(line.data(),
                               static_cast<std::streamsize>(line.size()));
                     if (!out) {
                       return absl::InternalError("NDJSON write failed");
                     }
                     return absl::OkStatus();
                   }));
  out.flush();
  if (!out) return absl::InternalError("NDJSON flush failed");
  return counts;
}

StatusOr<SinkCounts> RunIntoNdjsonFile(Generator* gen, const std::string& path,
                                       const SinkOptions& options) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    return absl::InternalError(absl::StrCat("cannot open ", path));
  }
  return RunIntoNdjson(gen, file, options);
}

}  // namespace lineagedb::gen
