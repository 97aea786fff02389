// Filter queries (filter/) evaluated over a store snapshot.
#ifndef LINEAGEDB_STORE_FILTER_SUBJECT_H_
#define LINEAGEDB_STORE_FILTER_SUBJECT_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "filter/eval.h"
#include "storage/kv.h"

namespace lineagedb {

class StoreImpl;

namespace store {

// The candidates of one query in turn, with their neighbours read from
// `view` as the query asks for them.
class StoreSubject : public filter::Subject {
 public:
  StoreSubject(StoreImpl* store, const storage::ReadView& view)
      : store_(store), view_(view) {}

  // Whether `row` (a node of `view`) matches `query`.
  // Errors: DATA_LOSS (a neighbour's record is absent or damaged).
  StatusOr<bool> Matches(const filter::Query& query, const codec::NodeRow& row);

  const codec::NodeRow& node() const override { return *row_; }
  std::string_view TypeName(NodeKind kind, int64_t type_id) override;
  StatusOr<const std::vector<codec::NodeRow>*> Neighbours(
      filter::Relation relation) override;
  StatusOr<const std::vector<Event>*> Events() override;

 private:
  StoreImpl* store_;
  const storage::ReadView& view_;
  const codec::NodeRow* row_ = nullptr;
  std::map<std::pair<NodeKind, int64_t>, std::string> type_names_;
  // Of row_, read on first use.
  std::map<filter::Relation, std::vector<codec::NodeRow>> neighbours_;
  std::optional<std::vector<Event>> events_;
};

}  // namespace store
}  // namespace lineagedb

#endif  // LINEAGEDB_STORE_FILTER_SUBJECT_H_
