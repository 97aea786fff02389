#include "store/filter_subject.h"

#include "store/edge_reads.h"
#include "store/store_impl.h"
#include "util/status_macros.h"

namespace lineagedb::store {

using codec::NodeRow;
using codec::Tag;
using filter::Relation;

StatusOr<bool> StoreSubject::Matches(const filter::Query& query,
                                     const NodeRow& row) {
  row_ = &row;
  neighbours_.clear();
  events_.reset();
  return filter::Matches(query, *this);
}

std::string_view StoreSubject::TypeName(NodeKind kind, int64_t type_id) {
  auto [it, added] = type_names_.try_emplace({kind, type_id});
  if (added) {
    std::shared_ptr<const Type> type = store_->CachedType(kind, type_id);
    if (type != nullptr) it->second = type->name;
  }
  return it->second;
}

StatusOr<const std::vector<NodeRow>*> StoreSubject::Neighbours(
    Relation relation) {
  auto it = neighbours_.find(relation);
  if (it != neighbours_.end()) return &it->second;
  Tag tag;
  NodeKind kind = NodeKind::kContext;
  switch (relation) {
    case Relation::kContexts:
      tag = row_->kind == NodeKind::kArtifact ? Tag::kAttributionByArtifact
                                              : Tag::kAssociationByExecution;
      break;
    case Relation::kParentContexts:
      tag = Tag::kParentByChild;
      break;
    case Relation::kChildContexts:
      tag = Tag::kChildByParent;
      break;
    case Relation::kArtifacts:
      tag = Tag::kAttributionByContext;
      kind = NodeKind::kArtifact;
      break;
    case Relation::kExecutions:
      tag = Tag::kAssociationByContext;
      kind = NodeKind::kExecution;
      break;
    default:
      return absl::InternalError("no neighbours of that relation");
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                   LinkedIds(view_, tag, row_->base.id));
  ASSIGN_OR_RETURN(std::vector<NodeRow> rows, ReadNodeRows(view_, kind, ids));
  return &(neighbours_[relation] = std::move(rows));
}

StatusOr<const std::vector<Event>*> StoreSubject::Events() {
  if (!events_.has_value()) {
    std::vector<Event> events;
    RETURN_IF_ERROR(ReadEvents(view_,
                               row_->kind == NodeKind::kArtifact
                                   ? Tag::kEventByArtifact
                                   : Tag::kEventByExecution,
                               row_->base.id, &events));
    events_ = std::move(events);
  }
  return &*events_;
}

}  // namespace lineagedb::store
