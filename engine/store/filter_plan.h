// How a filter query narrows the candidates of a list or of a lineage
// filter before the query is tested on each: from its top-level conjuncts,
// each of which every match satisfies, and from the nodes it names by id,
// name or external id, looked up in the store's indexes. A plan only
// narrows; the query itself still decides every candidate.
#ifndef LINEAGEDB_STORE_FILTER_PLAN_H_
#define LINEAGEDB_STORE_FILTER_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "filter/ast.h"
#include "lineagedb/model.h"
#include "lineagedb/status.h"
#include "storage/kv.h"

namespace lineagedb::store {

struct FilterPlan {
  // `type = 'NAME'` naming exactly one type of the kind, or `type_id = N`
  // naming one; 0: any type.
  int64_t type_id = 0;
  // `type = 'NAME'` naming several types of the kind (versions of one
  // name): their ids, ascending. Empty otherwise.
  std::vector<int64_t> type_ids;
  // `contexts_X.id = N` or `contexts_X.name = 'NAME'` naming exactly one
  // stored context (artifacts and executions only); 0: any.
  int64_t context_id = 0;
  // `uri = 'U'` with U not empty (artifacts only).
  std::optional<std::string> uri;
  // The stored nodes the query allows by naming them, ascending: the
  // predicates `id = N`, `id IN (...)`, `name = 'N'`, `name IN (...)`,
  // `external_id = 'E'` and `external_id IN (...)`, each allowing the
  // nodes it names; an AND allowing what all its parts that name nodes
  // allow; an OR whose parts all name nodes allowing what any allows.
  // nullopt when the query names no nodes so.
  std::optional<std::vector<int64_t>> ids;
  // The conjuncts name no stored type, context or node: nothing matches.
  bool none = false;
};

// The plan of `query` over `view`, given the types of the query's kind and
// the context types. Errors: those of `view`'s reads; DATA_LOSS (an index
// entry that does not decode).
StatusOr<FilterPlan> PlanFilter(const filter::Query& query,
                                const std::vector<Type>& types,
                                const std::vector<Type>& context_types,
                                const storage::ReadView& view);

}  // namespace lineagedb::store

#endif  // LINEAGEDB_STORE_FILTER_PLAN_H_
