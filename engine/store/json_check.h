// JSON checks for struct property values.
#ifndef LINEAGEDB_STORE_JSON_CHECK_H_
#define LINEAGEDB_STORE_JSON_CHECK_H_

#include <string>
#include <string_view>

namespace lineagedb::store {

// Empty if `json` is one well-formed JSON object (MLMD's Struct); else why
// not: "is not a JSON object", or "does not parse: " and the parser's
// reason (malformed, nested too deep).
std::string JsonObjectProblem(std::string_view json);

}  // namespace lineagedb::store

#endif  // LINEAGEDB_STORE_JSON_CHECK_H_
