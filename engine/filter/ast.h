// The parsed form of a filter query (MLMD's filter_query): boolean operators
// over predicates, each on one attribute of the node under test or of a
// neighbour bound to an alias (`contexts_a.name`).
#ifndef LINEAGEDB_FILTER_AST_H_
#define LINEAGEDB_FILTER_AST_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "lineagedb/model.h"

namespace lineagedb::filter {

// Where an attribute is read: the node itself or one of its neighbours.
enum class Relation : uint8_t {
  kSelf,
  kContexts,        // Of an artifact or execution.
  kParentContexts,  // Of a context.
  kChildContexts,   // Of a context.
  kArtifacts,       // Attributed to a context.
  kExecutions,      // Associated with a context.
  kEvents,          // Of an artifact or execution.
};

enum class Field : uint8_t {
  kId,
  kTypeId,
  kType,
  kName,
  kExternalId,
  kCreateTime,
  kLastUpdateTime,
  kUri,
  kState,  // An artifact's state or an execution's last_known_state.
  kProperty,
  kCustomProperty,
  kEventType,
  kEventTime,
  kEventArtifactId,
  kEventExecutionId,
};

// The type of an attribute's values, which its literals must fit.
enum class ValueType : uint8_t {
  kInt,
  kDouble,
  kString,
  kBool,
  kArtifactState,
  kExecutionState,
  kEventType,
};

struct Attribute {
  Relation relation = Relation::kSelf;
  int alias = -1;                       // Into Query::aliases; -1 for kSelf.
  NodeKind kind = NodeKind::kArtifact;  // Of the node read (not for events).
  Field field = Field::kId;
  std::string property;  // kProperty, kCustomProperty.
  ValueType type = ValueType::kInt;
};

// Enum literals are held as their numbers.
using Literal = std::variant<int64_t, double, std::string, bool>;

enum class Op : uint8_t { kAnd, kOr, kNot, kCompare, kIn, kLike, kIsNull };
enum class Cmp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

struct Expr {
  Op op = Op::kAnd;
  std::vector<Expr> children;  // kAnd and kOr: two or more; kNot: one.
  // The predicates' (kCompare, kIn, kLike, kIsNull) attribute and operands.
  Attribute attribute;
  Cmp cmp = Cmp::kEq;
  std::vector<Literal> values;  // kCompare, kLike: one; kIn: one or more.
  bool negated = false;         // NOT IN, NOT LIKE, IS NOT NULL.
  // Indexes into Query::aliases of the aliases this expression names,
  // sorted.
  std::vector<int> aliases;
};

// A neighbour alias: `contexts_a` and `contexts_b` may bind two contexts.
struct Alias {
  Relation relation = Relation::kContexts;
  std::string name;  // As written, with its relation's prefix.
};

struct Query {
  NodeKind kind = NodeKind::kArtifact;  // Of the nodes it filters.
  // With NOT pushed down to the predicates (no kNot is left).
  Expr root;
  std::vector<Alias> aliases;
};

}  // namespace lineagedb::filter

#endif  // LINEAGEDB_FILTER_AST_H_
