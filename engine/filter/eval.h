// Evaluating a parsed filter query against one node.
//
// Semantics are SQL's, as MLMD's queries run them: a comparison with a
// missing value (a property the node lacks or holds in another kind, a NaN,
// an empty name, external_id or uri, a state UNKNOWN) is neither true nor
// false, and NOT, AND and OR follow three-valued logic; only true matches.
// (The parser has already made `state != X` and `state NOT IN` take a
// missing state, as MLMD does.)
// Each alias binds one neighbour: a node matches if some binding of its
// aliases makes the query true, so a node without neighbours of an alias the
// query names never matches (MLMD's inner join). MLMD joins properties the
// same way; here a missing property is only a missing value, so
// `properties.p.int_value = 1 OR name = 'x'` matches a node named 'x' that
// has no property p.
#ifndef LINEAGEDB_FILTER_EVAL_H_
#define LINEAGEDB_FILTER_EVAL_H_

#include <string_view>
#include <vector>

#include "codec/records.h"
#include "filter/ast.h"
#include "lineagedb/status.h"

namespace lineagedb::filter {

// The node under test and its neighbours, read when first asked for.
class Subject {
 public:
  virtual ~Subject() = default;
  virtual const codec::NodeRow& node() const = 0;
  // The name of type `type_id` of `kind`; empty if there is none.
  virtual std::string_view TypeName(NodeKind kind, int64_t type_id) = 0;
  // The node's neighbours along `relation` (not kSelf or kEvents).
  virtual StatusOr<const std::vector<codec::NodeRow>*> Neighbours(
      Relation relation) = 0;
  // The node's events.
  virtual StatusOr<const std::vector<Event>*> Events() = 0;
};

// Whether `subject`'s node matches `query`. Parts of an AND that share no
// alias are bound apart; aliases joined through an OR are tried in
// combination. Errors: those of `subject`; INVALID_ARGUMENT past 2^20
// combinations tried for the node.
StatusOr<bool> Matches(const Query& query, Subject& subject);

// True if `text` matches the LIKE `pattern`: '%' stands for any run of
// characters, '_' for one (UTF-8), and a backslash makes the byte after it
// a plain one (a lone one at the end is itself; the parser refuses it);
// ASCII letters match either case (as MLMD's backends compare).
bool Like(std::string_view text, std::string_view pattern);

}  // namespace lineagedb::filter

#endif  // LINEAGEDB_FILTER_EVAL_H_
