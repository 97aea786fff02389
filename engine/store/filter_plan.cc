#include "store/filter_plan.h"

#include <algorithm>
#include <iterator>
#include <variant>

#include "codec/keys.h"
#include "codec/records.h"
#include "util/status_macros.h"

namespace lineagedb::store {
namespace {

// The predicates `field = v` among a query's top-level conjuncts, on the
// node itself (relation kSelf) or on a neighbour along `relation`.
std::vector<const filter::Expr*> Conjuncts(const filter::Query& q,
                                           filter::Relation relation,
                                           filter::Field field) {
  auto fits = [&](const filter::Expr& e) {
    return e.op == filter::Op::kCompare && e.cmp == filter::Cmp::kEq &&
           e.attribute.relation == relation && e.attribute.field == field;
  };
  std::vector<const filter::Expr*> out;
  if (fits(q.root)) out.push_back(&q.root);
  if (q.root.op == filter::Op::kAnd) {
    for (const filter::Expr& c : q.root.children) {
      if (fits(c)) out.push_back(&c);
    }
  }
  return out;
}

// The types a query's `type_id = N` or `type = 'NAME'` conjunct names
// (every version of NAME), ascending: none if no type of the kind is named
// (nothing matches); nullopt if it has neither conjunct.
std::optional<std::vector<int64_t>> TypesOfFilter(
    const filter::Query& q, const std::vector<Type>& types) {
  std::vector<int64_t> ids;
  for (const filter::Expr* e :
       Conjuncts(q, filter::Relation::kSelf, filter::Field::kTypeId)) {
    const auto* id = std::get_if<int64_t>(&e->values[0]);
    if (id == nullptr) continue;  // A fraction: compared as a number.
    if (std::any_of(types.begin(), types.end(),
                    [&](const Type& t) { return t.id == *id; })) {
      ids.push_back(*id);
    }
    return ids;
  }
  for (const filter::Expr* e :
       Conjuncts(q, filter::Relation::kSelf, filter::Field::kType)) {
    const std::string& name = std::get<std::string>(e->values[0]);
    for (const Type& t : types) {
      if (t.name == name) ids.push_back(t.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  return std::nullopt;
}

// The context a query's `contexts_X.id = N` or `contexts_X.name = 'NAME'`
// conjunct names when it names one stored context (as `view` sees it);
// nullopt if none does or NAME is the name of several; 0 if the context does
// not exist (nothing matches).
StatusOr<std::optional<int64_t>> ContextOfFilter(
    const filter::Query& q, const storage::ReadView& view,
    const std::vector<Type>& context_types) {
  for (const filter::Expr* e :
       Conjuncts(q, filter::Relation::kContexts, filter::Field::kId)) {
    const auto* id = std::get_if<int64_t>(&e->values[0]);
    if (id == nullptr) continue;  // A fraction: no context has that id.
    std::string value;
    const Status s = view.Get(codec::NodeKey(NodeKind::kContext, *id), &value);
    if (absl::IsNotFound(s)) return std::optional<int64_t>(0);
    RETURN_IF_ERROR(s);
    return std::optional<int64_t>(*id);
  }
  for (const filter::Expr* e :
       Conjuncts(q, filter::Relation::kContexts, filter::Field::kName)) {
    const std::string& name = std::get<std::string>(e->values[0]);
    std::optional<int64_t> found = 0;
    for (const Type& t : context_types) {
      const std::string key =
          codec::NodeByTypeNameKey(NodeKind::kContext, t.id, name);
      std::string value;
      const Status s = view.Get(key, &value);
      if (absl::IsNotFound(s)) continue;
      RETURN_IF_ERROR(s);
      if (*found != 0) return std::optional<int64_t>();
      int64_t id = 0;
      RETURN_IF_ERROR(codec::DecodeId(key, value, &id));
      found = id;
    }
    return found;
  }
  return std::optional<int64_t>();
}

// The ids stored under `keys` (index keys whose values are node ids).
StatusOr<std::vector<int64_t>> IdsAt(const storage::ReadView& view,
                                     const std::vector<std::string>& keys) {
  std::vector<std::string> values;
  std::vector<bool> found;
  RETURN_IF_ERROR(view.MultiGet(keys, &values, &found));
  std::vector<int64_t> ids;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!found[i]) continue;
    ids.emplace_back();
    RETURN_IF_ERROR(codec::DecodeId(keys[i], values[i], &ids.back()));
  }
  return ids;
}

// Those of `ids` that are stored nodes of `kind`.
StatusOr<std::vector<int64_t>> StoredIds(const storage::ReadView& view,
                                         NodeKind kind,
                                         const std::vector<int64_t>& ids) {
  std::vector<std::string> keys;
  for (int64_t id : ids) keys.push_back(codec::NodeKey(kind, id));
  std::vector<std::string> values;
  std::vector<bool> found;
  RETURN_IF_ERROR(view.MultiGet(keys, &values, &found));
  std::vector<int64_t> stored;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (found[i]) stored.push_back(ids[i]);
  }
  return stored;
}

// Node ids a part of a query allows; `stored` when each is known to be a
// stored node of the query's kind (read from an index).
struct Allowed {
  std::vector<int64_t> ids;  // Ascending, unique.
  bool stored = false;
};

// The values of `e` if all are strings that an index holds (not empty).
std::optional<std::vector<std::string>> IndexedStrings(const filter::Expr& e) {
  std::vector<std::string> out;
  for (const filter::Literal& l : e.values) {
    const auto* s = std::get_if<std::string>(&l);
    if (s == nullptr || s->empty()) return std::nullopt;
    out.push_back(*s);
  }
  return out;
}

// Reads the nodes that the predicate `e` (`= v` or `IN (...)` on the node's
// own id, name or external id) allows; nullopt for any other predicate.
// A name is looked up under the type `type_id`, or under each of `types`.
StatusOr<std::optional<Allowed>> AllowedByPredicate(
    const filter::Expr& e, NodeKind kind, const std::vector<Type>& types,
    int64_t type_id, const storage::ReadView& view) {
  const bool listing =
      (e.op == filter::Op::kCompare && e.cmp == filter::Cmp::kEq) ||
      (e.op == filter::Op::kIn && !e.negated);
  if (!listing || e.attribute.relation != filter::Relation::kSelf) {
    return std::optional<Allowed>();
  }
  Allowed out;
  if (e.attribute.field == filter::Field::kId) {
    for (const filter::Literal& l : e.values) {
      // A fraction matches no id and cannot be left out of an IN list.
      const auto* id = std::get_if<int64_t>(&l);
      if (id == nullptr) return std::optional<Allowed>();
      out.ids.push_back(*id);
    }
  } else if (e.attribute.field == filter::Field::kExternalId ||
             e.attribute.field == filter::Field::kName) {
    const auto values = IndexedStrings(e);
    if (!values.has_value()) return std::optional<Allowed>();
    std::vector<std::string> keys;
    if (e.attribute.field == filter::Field::kExternalId) {
      for (const std::string& v : *values) {
        keys.push_back(codec::NodeByExternalIdKey(kind, v));
      }
    } else {
      for (const Type& t : types) {
        if (type_id != 0 && t.id != type_id) continue;
        for (const std::string& v : *values) {
          keys.push_back(codec::NodeByTypeNameKey(kind, t.id, v));
        }
      }
    }
    ASSIGN_OR_RETURN(out.ids, IdsAt(view, keys));
    out.stored = true;
  } else {
    return std::optional<Allowed>();
  }
  std::sort(out.ids.begin(), out.ids.end());
  out.ids.erase(std::unique(out.ids.begin(), out.ids.end()), out.ids.end());
  return std::optional<Allowed>(std::move(out));
}

// The nodes `e` allows when it holds only for nodes it names: a predicate
// of AllowedByPredicate; an AND with at least one such part (the nodes all
// of those allow); an OR whose parts all are (the nodes any allows).
// nullopt otherwise.
StatusOr<std::optional<Allowed>> AllowedBy(const filter::Expr& e, NodeKind kind,
                                           const std::vector<Type>& types,
                                           int64_t type_id,
                                           const storage::ReadView& view) {
  if (e.op != filter::Op::kAnd && e.op != filter::Op::kOr) {
    return AllowedByPredicate(e, kind, types, type_id, view);
  }
  const bool all = e.op == filter::Op::kAnd;
  std::optional<Allowed> out;
  for (const filter::Expr& child : e.children) {
    ASSIGN_OR_RETURN(std::optional<Allowed> part,
                     AllowedBy(child, kind, types, type_id, view));
    if (!part.has_value()) {
      if (all) continue;
      return std::optional<Allowed>();  // That part may allow any node.
    }
    if (!out.has_value()) {
      out = std::move(part);
      continue;
    }
    std::vector<int64_t> merged;
    if (all) {
      std::set_intersection(out->ids.begin(), out->ids.end(), part->ids.begin(),
                            part->ids.end(), std::back_inserter(merged));
    } else {
      std::set_union(out->ids.begin(), out->ids.end(), part->ids.begin(),
                     part->ids.end(), std::back_inserter(merged));
    }
    out->ids = std::move(merged);
    // A subset of stored ids is stored; a union only if both sides are.
    out->stored =
        all ? (out->stored || part->stored) : (out->stored && part->stored);
  }
  return out;
}

// The stored nodes the query allows by id, name and external id
// (AllowedBy its root); nullopt if it names none.
StatusOr<std::optional<std::vector<int64_t>>> IdsOfFilter(
    const filter::Query& q, const std::vector<Type>& types, int64_t type_id,
    const storage::ReadView& view) {
  ASSIGN_OR_RETURN(std::optional<Allowed> allowed,
                   AllowedBy(q.root, q.kind, types, type_id, view));
  if (!allowed.has_value()) return std::optional<std::vector<int64_t>>();
  if (!allowed->stored) {
    ASSIGN_OR_RETURN(allowed->ids, StoredIds(view, q.kind, allowed->ids));
  }
  return std::optional<std::vector<int64_t>>(std::move(allowed->ids));
}

}  // namespace

StatusOr<FilterPlan> PlanFilter(const filter::Query& query,
                                const std::vector<Type>& types,
                                const std::vector<Type>& context_types,
                                const storage::ReadView& view) {
  FilterPlan plan;
  if (std::optional<std::vector<int64_t>> named = TypesOfFilter(query, types)) {
    if (named->empty()) {
      plan.none = true;
      return plan;
    }
    if (named->size() == 1) {
      plan.type_id = named->front();
    } else {
      plan.type_ids = *std::move(named);
    }
  }
  if (query.kind != NodeKind::kContext) {
    ASSIGN_OR_RETURN(std::optional<int64_t> context,
                     ContextOfFilter(query, view, context_types));
    if (context == 0) {
      plan.none = true;
      return plan;
    }
    plan.context_id = context.value_or(0);
  }
  if (query.kind == NodeKind::kArtifact) {
    for (const filter::Expr* e :
         Conjuncts(query, filter::Relation::kSelf, filter::Field::kUri)) {
      const auto* uri = std::get_if<std::string>(&e->values[0]);
      if (uri != nullptr && !uri->empty()) plan.uri = *uri;
    }
  }
  ASSIGN_OR_RETURN(plan.ids, IdsOfFilter(query, types, plan.type_id, view));
  plan.none = plan.ids.has_value() && plan.ids->empty();
  return plan;
}

}  // namespace lineagedb::store
