// The filter query language (MLMD's filter_query, an AIP-160-like subset of
// SQL's WHERE clause) for lists and lineage starting and ending nodes.
//
//   expr      := term { OR term }
//   term      := factor { AND factor }
//   factor    := NOT factor | '(' expr ')' | predicate
//   predicate := attribute ( cmp literal | [NOT] IN '(' literal {',' literal}
//   ')'
//                | [NOT] LIKE string | IS [NOT] NULL )
//   cmp       := = | != | <> | < | <= | > | >=
//   attribute := [neighbour '.'] field
//   field     := id | type_id | type | name | external_id
//              | create_time_since_epoch | last_update_time_since_epoch
//              | uri | state (artifacts) | last_known_state (executions)
//              | (properties | custom_properties) '.' NAME '.'
//                (int_value | double_value | string_value | bool_value)
//   neighbour := contexts_ALIAS (of artifacts and executions)
//              | parent_contexts_ALIAS | child_contexts_ALIAS
//              | artifacts_ALIAS | executions_ALIAS (of contexts)
//              | events_ALIAS (of artifacts and executions; its fields are
//                type, milliseconds_since_epoch, and artifact_id for
//                executions or execution_id for artifacts)
//
// Keywords, attribute names and enum names are case-insensitive (property
// names are not); NOT and parentheses nest at most 100 deep. Strings are
// quoted with ' or " (a doubled quote or a backslash escapes one) and
// ordered by their bytes. A name with characters other than [0-9A-Za-z_] is
// back-quoted: properties.`my:flag`.bool_value. Literals must fit their
// attribute: numbers for ids, times and int/double values, strings for
// names, TRUE/FALSE for bool_value, enum names (LIVE, COMPLETE, INPUT,
// quoted or not) for state, last_known_state and event type; ordering
// comparisons take numbers and strings only, LIKE strings only.
#ifndef LINEAGEDB_FILTER_PARSER_H_
#define LINEAGEDB_FILTER_PARSER_H_

#include <string_view>

#include "filter/ast.h"
#include "lineagedb/status.h"

namespace lineagedb::filter {

// Parses `text` as a filter on nodes of `kind`.
// Errors: INVALID_ARGUMENT naming the column (the byte offset + 1) and the
// problem: an empty query, a syntax error, nesting past 100, an attribute or
// neighbour `kind` does not have, a literal that does not fit its attribute, an
// operator its attribute does not take.
StatusOr<Query> Parse(NodeKind kind, std::string_view text);

}  // namespace lineagedb::filter

#endif  // LINEAGEDB_FILTER_PARSER_H_
