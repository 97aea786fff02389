// Edges: events, attributions, associations and parent contexts, each
// stored under two keys, one per direction (codec/keys.h).
#include <deque>
#include <set>

#include "codec/coding.h"
#include "codec/keys.h"
#include "store/edge_reads.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

using codec::NodeRow;
using codec::Tag;

Status StoreImpl::CheckNodeExists(WriteContext& wc, NodeKind kind, int64_t id,
                                  std::string_view role) {
  if (wc.MayExist(kind, id)) {
    if (wc.KnownCommitted(kind, id)) return absl::OkStatus();
    const bool is_new = wc.IsNew(kind, id);
    ASSIGN_OR_RETURN(bool exists, wc.Exists(codec::NodeKey(kind, id),
                                            /*only_pending=*/is_new));
    if (exists) {
      if (!is_new) wc.AddKnownCommitted(kind, id);
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(StrCat(role, " ", id, " does not exist"));
}

Status StoreImpl::StageEvent(WriteContext& wc, Event event) {
  const int type = static_cast<int>(event.type);
  if (type < 1 || type > 7) {
    return absl::InvalidArgumentError(
        StrCat("event (artifact ", event.artifact_id, ", execution ",
               event.execution_id, ") has no valid type (", type, ")"));
  }
  RETURN_IF_ERROR(CheckNodeExists(wc, NodeKind::kArtifact, event.artifact_id,
                                  "the event's artifact"));
  RETURN_IF_ERROR(CheckNodeExists(wc, NodeKind::kExecution, event.execution_id,
                                  "the event's execution"));
  const std::string by_artifact = codec::EventKey(
      Tag::kEventByArtifact, event.artifact_id, event.type, event.execution_id);
  // An event of a node inserted by this write cannot be committed yet.
  const bool only_pending = wc.IsNew(NodeKind::kArtifact, event.artifact_id) ||
                            wc.IsNew(NodeKind::kExecution, event.execution_id);
  ASSIGN_OR_RETURN(bool exists, wc.Exists(by_artifact, only_pending));
  if (exists) {
    return absl::AlreadyExistsError(
        StrCat("event (artifact ", event.artifact_id, ", execution ",
               event.execution_id, ", type ", type, ") already exists"));
  }
  if (event.time_ms == 0) event.time_ms = wc.now_ms();
  const std::string value = codec::EncodeEvent(event, wc.seq());
  wc.Put(by_artifact, value);
  wc.Put(codec::EventKey(Tag::kEventByExecution, event.execution_id, event.type,
                         event.artifact_id),
         value);
  wc.AddStagedEvent({event.artifact_id, event.execution_id, event.type});
  return absl::OkStatus();
}

Status StoreImpl::StageLink(WriteContext& wc, int64_t context_id,
                            NodeKind node_kind, int64_t node_id) {
  const bool artifact = node_kind == NodeKind::kArtifact;
  RETURN_IF_ERROR(
      CheckNodeExists(wc, NodeKind::kContext, context_id, "context"));
  RETURN_IF_ERROR(CheckNodeExists(wc, node_kind, node_id,
                                  artifact ? "artifact" : "execution"));
  const std::string key = codec::PairKey(
      artifact ? Tag::kAttributionByContext : Tag::kAssociationByContext,
      context_id, node_id);
  const bool only_pending =
      wc.IsNew(NodeKind::kContext, context_id) || wc.IsNew(node_kind, node_id);
  ASSIGN_OR_RETURN(bool exists, wc.Exists(key, only_pending));
  if (exists) return absl::OkStatus();
  const std::string value = codec::EncodeEdge(wc.now_ms(), wc.seq());
  wc.Put(key, value);
  wc.Put(codec::PairKey(artifact ? Tag::kAttributionByArtifact
                                 : Tag::kAssociationByExecution,
                        node_id, context_id),
         value);
  if (!artifact) {
    const std::string node_key = codec::NodeKey(NodeKind::kExecution, node_id);
    std::string node_value;
    RETURN_IF_ERROR(wc.Get(node_key, &node_value));
    int64_t type_id;
    RETURN_IF_ERROR(codec::DecodeNodeTypeId(node_key, node_value, &type_id));
    wc.Put(codec::ContextExecutionByTypeKey(context_id, type_id, node_id), "");
  }
  return absl::OkStatus();
}

Status StoreImpl::PutEvents(const std::vector<Event>& events) {
  ASSIGN_OR_RETURN(WriteLock lock, LockForWrite());
  WriteContext wc = BeginWrite();
  for (const Event& e : events) RETURN_IF_ERROR(StageEvent(wc, e));
  return Commit(wc);
}

Status StoreImpl::PutAttributionsAndAssociations(
    const std::vector<Attribution>& attributions,
    const std::vector<Association>& associations) {
  ASSIGN_OR_RETURN(WriteLock lock, LockForWrite());
  WriteContext wc = BeginWrite();
  for (const Attribution& a : attributions) {
    RETURN_IF_ERROR(
        StageLink(wc, a.context_id, NodeKind::kArtifact, a.artifact_id));
  }
  for (const Association& a : associations) {
    RETURN_IF_ERROR(
        StageLink(wc, a.context_id, NodeKind::kExecution, a.execution_id));
  }
  return Commit(wc);
}

namespace store {

StatusOr<std::vector<int64_t>> LinkedIds(const storage::ReadView& view, Tag tag,
                                         int64_t from) {
  std::vector<int64_t> ids;
  auto it = view.Scan(codec::PairPrefix(tag, from));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    codec::ParsedPairKey pk;
    if (!codec::ParsePairKey(it->key(), &pk)) {
      return absl::DataLossError(
          StrCat("bad edge key ", codec::Hex(it->key())));
    }
    ids.push_back(pk.to);
  }
  RETURN_IF_ERROR(it->status());
  return ids;
}

StatusOr<std::vector<NodeRow>> ReadNodeRows(const storage::ReadView& view,
                                            NodeKind kind,
                                            const std::vector<int64_t>& ids,
                                            std::string_view referrer) {
  std::vector<std::string> keys;
  for (int64_t id : ids) keys.push_back(codec::NodeKey(kind, id));
  std::vector<std::string> values;
  std::vector<bool> found;
  RETURN_IF_ERROR(view.MultiGet(keys, &values, &found));
  std::vector<NodeRow> rows;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!found[i]) {
      return absl::DataLossError(StrCat(referrer, " names node key ",
                                        codec::Hex(keys[i]),
                                        " that is absent"));
    }
    rows.emplace_back();
    RETURN_IF_ERROR(codec::DecodeNode(keys[i], values[i], &rows.back()));
  }
  return rows;
}

Status ReadEvents(const storage::ReadView& view, Tag tag, int64_t id,
                  std::vector<Event>* out) {
  auto it = view.Scan(codec::EventPrefix(tag, id));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out->emplace_back();
    RETURN_IF_ERROR(codec::DecodeEvent(it->key(), it->value(), &out->back()));
  }
  return it->status();
}

}  // namespace store

namespace {

// Parents of `child` as of `wc`: the committed edges plus `pending`.
StatusOr<std::vector<int64_t>> ParentsOf(
    const storage::ReadView& view,
    const std::multimap<int64_t, int64_t>& pending, int64_t child) {
  ASSIGN_OR_RETURN(std::vector<int64_t> parents,
                   store::LinkedIds(view, Tag::kParentByChild, child));
  auto [begin, end] = pending.equal_range(child);
  for (auto p = begin; p != end; ++p) parents.push_back(p->second);
  return parents;
}

}  // namespace

Status StoreImpl::PutParentContexts(const std::vector<ParentContext>& edges) {
  ASSIGN_OR_RETURN(WriteLock lock, LockForWrite());
  WriteContext wc = BeginWrite();
  auto view = kv_->NewReadView();
  std::multimap<int64_t, int64_t> pending;  // child -> parent, this call.
  for (const ParentContext& e : edges) {
    RETURN_IF_ERROR(
        CheckNodeExists(wc, NodeKind::kContext, e.child_id, "child context"));
    RETURN_IF_ERROR(
        CheckNodeExists(wc, NodeKind::kContext, e.parent_id, "parent context"));
    const std::string key =
        codec::PairKey(Tag::kParentByChild, e.child_id, e.parent_id);
    ASSIGN_OR_RETURN(bool exists, wc.Exists(key));
    if (exists) {
      return absl::AlreadyExistsError(StrCat(
          "context ", e.parent_id, " is already a parent of ", e.child_id));
    }
    // A cycle iff the child is the parent or one of its ancestors. The walk
    // visits each ancestor of the parent once.
    std::set<int64_t> seen = {e.parent_id};
    std::deque<int64_t> frontier = {e.parent_id};
    while (!frontier.empty()) {
      int64_t node = frontier.front();
      frontier.pop_front();
      if (node == e.child_id) {
        return absl::InvalidArgumentError(StrCat("making context ", e.parent_id,
                                                 " a parent of ", e.child_id,
                                                 " would form a cycle"));
      }
      ASSIGN_OR_RETURN(std::vector<int64_t> parents,
                       ParentsOf(*view, pending, node));
      for (int64_t p : parents) {
        if (seen.insert(p).second) frontier.push_back(p);
      }
    }
    const std::string value = codec::EncodeEdge(wc.now_ms(), wc.seq());
    wc.Put(key, value);
    wc.Put(codec::PairKey(Tag::kChildByParent, e.parent_id, e.child_id), value);
    pending.emplace(e.child_id, e.parent_id);
  }
  return Commit(wc);
}

StatusOr<std::vector<Event>> StoreImpl::GetEvents(
    Tag tag, const std::vector<int64_t>& ids) {
  auto view = kv_->NewReadView();
  std::vector<Event> out;
  for (int64_t id : ids)
    RETURN_IF_ERROR(store::ReadEvents(*view, tag, id, &out));
  return out;
}

StatusOr<std::vector<NodeRow>> StoreImpl::GetLinked(Tag tag, int64_t from,
                                                    NodeKind to_kind) {
  return GetLinked(*kv_->NewReadView(), tag, from, to_kind);
}

StatusOr<std::vector<NodeRow>> StoreImpl::GetLinked(
    const storage::ReadView& view, Tag tag, int64_t from, NodeKind to_kind) {
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, store::LinkedIds(view, tag, from));
  ASSIGN_OR_RETURN(std::vector<NodeRow> rows,
                   store::ReadNodeRows(view, to_kind, ids));
  FillTypeNames(&rows);
  return rows;
}

StatusOr<std::map<int64_t, std::vector<NodeRow>>> StoreImpl::GetLinkedContexts(
    Tag tag, const std::vector<int64_t>& ids) {
  auto view = kv_->NewReadView();
  std::map<int64_t, std::vector<NodeRow>> out;
  for (int64_t id : ids) {
    ASSIGN_OR_RETURN(std::vector<int64_t> linked,
                     store::LinkedIds(*view, tag, id));
    if (linked.empty()) continue;
    ASSIGN_OR_RETURN(std::vector<NodeRow> rows,
                     store::ReadNodeRows(*view, NodeKind::kContext, linked));
    FillTypeNames(&rows);
    out[id] = std::move(rows);
  }
  return out;
}

}  // namespace lineagedb
