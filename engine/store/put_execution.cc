// PutExecution and PutLineageSubgraph: many nodes and edges in one atomic
// write, with MLMD's semantics.
#include <algorithm>

#include "codec/keys.h"
#include "store/node_rows.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

using codec::NodeRow;

Status StoreImpl::StageContext(WriteContext& wc, NodeRow* context, bool reuse) {
  if (context->base.id == 0 && reuse && !context->base.name.empty()) {
    ASSIGN_OR_RETURN(int64_t existing,
                     FindByTypeName(wc, NodeKind::kContext,
                                    context->base.type_id, context->base.name));
    if (existing != 0) {
      context->base.id = existing;
      return absl::OkStatus();
    }
  }
  return StageNode(wc, context, PutNodesOptions());
}

Status StoreImpl::StageArtifact(WriteContext& wc, NodeRow* artifact, bool reuse,
                                bool known_new) {
  if (known_new && artifact->base.id == 0) {
    return StageNode(wc, artifact, PutNodesOptions(),
                     KnownFree::kNameAndExternalId);
  }
  const bool look_up =
      artifact->base.id == 0 && reuse && !artifact->base.external_id.empty();
  if (look_up) {
    ASSIGN_OR_RETURN(
        int64_t existing,
        FindByExternalId(wc, NodeKind::kArtifact, artifact->base.external_id));
    if (existing != 0) {
      artifact->base.id = existing;
      return absl::OkStatus();
    }
  }
  return StageNode(wc, artifact, PutNodesOptions(),
                   look_up ? KnownFree::kExternalId : KnownFree::kNothing);
}

namespace {

// Fills in an event end from the node the request pairs it with; a given id
// that differs is INVALID_ARGUMENT.
Status FillEnd(std::string_view role, int64_t node_id, int64_t* event_end) {
  if (*event_end != 0 && *event_end != node_id) {
    return absl::InvalidArgumentError(StrCat("the event names ", role, " ",
                                             *event_end, " but is paired with ",
                                             role, " ", node_id));
  }
  *event_end = node_id;
  return absl::OkStatus();
}

}  // namespace

Status StoreImpl::StageExecution(WriteContext& wc, const Execution& execution,
                                 const std::vector<ArtifactAndEvent>& pairs,
                                 const std::vector<Context>& contexts,
                                 const PutExecutionOptions& options,
                                 PutExecutionResult* result,
                                 const NewNodes* known_new) {
  result->artifact_ids.assign(pairs.size(), 0);
  result->context_ids.clear();
  std::vector<int64_t> linked_artifacts;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (!pairs[i].artifact.has_value()) continue;
    NodeRow row = store::ToRow(*pairs[i].artifact);
    const bool new_artifact = known_new != nullptr &&
                              i < known_new->artifacts.size() &&
                              known_new->artifacts[i];
    RETURN_IF_ERROR(StageArtifact(
        wc, &row, options.reuse_artifact_if_already_exist_by_external_id,
        new_artifact));
    result->artifact_ids[i] = row.base.id;
    linked_artifacts.push_back(row.base.id);
  }
  NodeRow exec = store::ToRow(execution);
  PutNodesOptions exec_options;
  exec_options.force_update_time = options.force_update_time;
  RETURN_IF_ERROR(StageNode(wc, &exec, exec_options,
                            known_new != nullptr && known_new->execution
                                ? KnownFree::kNameAndExternalId
                                : KnownFree::kNothing));
  result->execution_id = exec.base.id;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (!pairs[i].event.has_value()) continue;
    Event event = *pairs[i].event;
    if (pairs[i].artifact.has_value()) {
      RETURN_IF_ERROR(
          FillEnd("artifact", result->artifact_ids[i], &event.artifact_id));
    } else if (event.artifact_id == 0) {
      return absl::InvalidArgumentError(StrCat(
          "pair ", i, " has an event but neither an artifact nor an id"));
    } else {
      // As MLMD: the event names the pair's artifact, which is returned and
      // attributed like a given one (StageEvent proves it exists).
      result->artifact_ids[i] = event.artifact_id;
      linked_artifacts.push_back(event.artifact_id);
    }
    RETURN_IF_ERROR(
        FillEnd("execution", result->execution_id, &event.execution_id));
    RETURN_IF_ERROR(StageEvent(wc, std::move(event)));
  }
  std::sort(linked_artifacts.begin(), linked_artifacts.end());
  linked_artifacts.erase(
      std::unique(linked_artifacts.begin(), linked_artifacts.end()),
      linked_artifacts.end());
  for (const Context& context : contexts) {
    NodeRow row = store::ToRow(context);
    RETURN_IF_ERROR(
        StageContext(wc, &row, options.reuse_context_if_already_exist));
    result->context_ids.push_back(row.base.id);
    RETURN_IF_ERROR(
        StageLink(wc, row.base.id, NodeKind::kExecution, result->execution_id));
    for (int64_t artifact_id : linked_artifacts) {
      RETURN_IF_ERROR(
          StageLink(wc, row.base.id, NodeKind::kArtifact, artifact_id));
    }
  }
  return absl::OkStatus();
}

StatusOr<PutExecutionResult> StoreImpl::PutExecution(
    const Execution& execution, const std::vector<ArtifactAndEvent>& pairs,
    const std::vector<Context>& contexts, const PutExecutionOptions& options) {
  ASSIGN_OR_RETURN(WriteLock lock, LockForWrite());
  WriteContext wc = BeginWrite();
  PutExecutionResult result;
  RETURN_IF_ERROR(
      StageExecution(wc, execution, pairs, contexts, options, &result));
  RETURN_IF_ERROR(Commit(wc));
  return result;
}

namespace {

// The id of one end of an edge: by index into `ids` if given, else the
// event's own id.
StatusOr<int64_t> ResolveEnd(size_t edge, std::string_view role,
                             const std::optional<int>& index,
                             const std::vector<int64_t>& ids,
                             int64_t event_id) {
  if (index.has_value()) {
    if (*index < 0 || static_cast<size_t>(*index) >= ids.size()) {
      return absl::OutOfRangeError(StrCat("edge ", edge, ": ", role, "_index ",
                                          *index, " is outside the request's ",
                                          ids.size(), " ", role, "s"));
    }
    const int64_t id = ids[*index];
    if (event_id != 0 && event_id != id) {
      return absl::InvalidArgumentError(
          StrCat("edge ", edge, ": ", role, "_index ", *index, " is ", role,
                 " ", id, " but the event names ", event_id));
    }
    return id;
  }
  if (event_id == 0) {
    return absl::InvalidArgumentError(StrCat("edge ", edge, " names its ", role,
                                             " neither by index nor by id"));
  }
  return event_id;
}

}  // namespace

StatusOr<LineageSubgraphWriteResult> StoreImpl::PutLineageSubgraph(
    const LineageSubgraphWrite& subgraph, const PutExecutionOptions& options) {
  // Malformed edges are refused before anything is looked up.
  for (size_t i = 0; i < subgraph.edges.size(); ++i) {
    if (!subgraph.edges[i].event.has_value()) {
      return absl::InvalidArgumentError(StrCat("edge ", i, " has no event"));
    }
  }
  ASSIGN_OR_RETURN(WriteLock lock, LockForWrite());
  WriteContext wc = BeginWrite();
  LineageSubgraphWriteResult result;
  for (const Context& context : subgraph.contexts) {
    NodeRow row = store::ToRow(context);
    RETURN_IF_ERROR(
        StageContext(wc, &row, options.reuse_context_if_already_exist));
    result.context_ids.push_back(row.base.id);
  }
  for (const Artifact& artifact : subgraph.artifacts) {
    NodeRow row = store::ToRow(artifact);
    RETURN_IF_ERROR(StageArtifact(
        wc, &row, options.reuse_artifact_if_already_exist_by_external_id));
    result.artifact_ids.push_back(row.base.id);
  }
  PutNodesOptions exec_options;
  exec_options.force_update_time = options.force_update_time;
  for (const Execution& execution : subgraph.executions) {
    NodeRow row = store::ToRow(execution);
    RETURN_IF_ERROR(StageNode(wc, &row, exec_options));
    result.execution_ids.push_back(row.base.id);
  }
  for (size_t i = 0; i < subgraph.edges.size(); ++i) {
    const EventEdge& edge = subgraph.edges[i];
    Event event = *edge.event;
    ASSIGN_OR_RETURN(event.execution_id,
                     ResolveEnd(i, "execution", edge.execution_index,
                                result.execution_ids, event.execution_id));
    ASSIGN_OR_RETURN(event.artifact_id,
                     ResolveEnd(i, "artifact", edge.artifact_index,
                                result.artifact_ids, event.artifact_id));
    RETURN_IF_ERROR(StageEvent(wc, std::move(event)));
  }
  for (int64_t context_id : result.context_ids) {
    for (int64_t id : result.execution_ids) {
      RETURN_IF_ERROR(StageLink(wc, context_id, NodeKind::kExecution, id));
    }
    for (int64_t id : result.artifact_ids) {
      RETURN_IF_ERROR(StageLink(wc, context_id, NodeKind::kArtifact, id));
    }
  }
  RETURN_IF_ERROR(Commit(wc));
  return result;
}

}  // namespace lineagedb
