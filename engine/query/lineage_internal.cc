#include "query/lineage_internal.h"

#include <map>
#include <set>
#include <string>
#include <variant>

#include "codec/coding.h"
#include "codec/keys.h"
#include "codec/records.h"
#include "store/node_rows.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::query {

Status CheckDirection(Direction d, bool both) {
  if (d == Direction::kUpstream || d == Direction::kDownstream ||
      (both && d == Direction::kBidirectional)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      d == Direction::kBidirectional
          ? std::string("this query is upstream or downstream, not both")
          : StrCat("no direction ", static_cast<int>(d)));
}

bool IsUsable(ArtifactState s) {
  return s != ArtifactState::kPending && s != ArtifactState::kDeleted &&
         s != ArtifactState::kAbandoned &&
         s != ArtifactState::kMarkedForDeletion;
}

std::string OutputKey(const Event& e) {
  for (const PathStep& s : e.path) {
    if (const auto* key = std::get_if<std::string>(&s.step)) return *key;
  }
  return "";
}

Event MakeEvent(graph::VertexId a, graph::VertexId b, EventType type) {
  if (graph::IsExecution(a)) std::swap(a, b);
  Event e;
  e.artifact_id = graph::IdOf(a);
  e.execution_id = graph::IdOf(b);
  e.type = type;
  return e;
}

Status ReadEventDetails(const storage::ReadView& view,
                        std::vector<Event>* events) {
  std::vector<std::string> keys;
  keys.reserve(events->size());
  for (const Event& e : *events) {
    keys.push_back(codec::EventKey(codec::Tag::kEventByArtifact, e.artifact_id,
                                   e.type, e.execution_id));
  }
  std::vector<std::string> values;
  std::vector<bool> found;
  RETURN_IF_ERROR(view.MultiGet(keys, &values, &found));
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!found[i]) {
      return absl::DataLossError(StrCat("the graph index has an event ",
                                        codec::Hex(keys[i]),
                                        " that the store does not"));
    }
    RETURN_IF_ERROR(codec::DecodeEvent(keys[i], values[i], &(*events)[i]));
  }
  return absl::OkStatus();
}

Status FetchNodes(StoreImpl* impl, const storage::ReadView& view,
                  const std::vector<NodeRef>& nodes, LineageGraph* out) {
  std::vector<int64_t> ids[2];
  for (const NodeRef& n : nodes) {
    ids[n.kind == NodeKind::kExecution].push_back(n.id);
  }
  ASSIGN_OR_RETURN(std::vector<codec::NodeRow> artifacts,
                   impl->GetNodes(view, NodeKind::kArtifact, ids[0]));
  ASSIGN_OR_RETURN(std::vector<codec::NodeRow> executions,
                   impl->GetNodes(view, NodeKind::kExecution, ids[1]));
  std::set<std::pair<NodeKind, int64_t>> type_ids;
  for (const auto& r : artifacts) type_ids.emplace(r.kind, r.base.type_id);
  for (const auto& r : executions) type_ids.emplace(r.kind, r.base.type_id);
  for (const auto& [kind, id] : type_ids) {
    if (auto t = impl->CachedType(kind, id)) out->types.push_back(*t);
  }
  std::map<int64_t, Context> contexts;
  // The ids of the contexts linked to node `id` by `tag`, in order.
  auto add_contexts = [&](codec::Tag tag,
                          int64_t id) -> StatusOr<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(std::vector<codec::NodeRow> rows,
                     impl->GetLinked(view, tag, id, NodeKind::kContext));
    std::vector<int64_t> linked;
    for (auto& r : rows) {
      const int64_t cid = r.base.id;
      linked.push_back(cid);
      contexts.try_emplace(cid, store::FromRow<Context>(std::move(r)));
    }
    return linked;
  };
  for (const codec::NodeRow& a : artifacts) {
    ASSIGN_OR_RETURN(
        std::vector<int64_t> linked,
        add_contexts(codec::Tag::kAttributionByArtifact, a.base.id));
    for (int64_t cid : linked) out->attributions.push_back({cid, a.base.id});
  }
  for (const codec::NodeRow& e : executions) {
    ASSIGN_OR_RETURN(
        std::vector<int64_t> linked,
        add_contexts(codec::Tag::kAssociationByExecution, e.base.id));
    for (int64_t cid : linked) out->associations.push_back({cid, e.base.id});
  }
  for (auto& [id, c] : contexts) {
    if (auto t = impl->CachedType(NodeKind::kContext, c.type_id)) {
      if (type_ids.emplace(NodeKind::kContext, c.type_id).second) {
        out->types.push_back(*t);
      }
    }
    out->contexts.push_back(std::move(c));
  }
  out->artifacts = store::FromRows<Artifact>(std::move(artifacts));
  out->executions = store::FromRows<Execution>(std::move(executions));
  return absl::OkStatus();
}

}  // namespace lineagedb::query
