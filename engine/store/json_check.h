// JSON checks for struct property values.
#ifndef LINEAGEDB_STORE_JSON_CHECK_H_
#define LINEAGEDB_STORE_JSON_CHECK_H_

#include <string_view>

namespace lineagedb::store {

// True if `json` is one well-formed JSON object (MLMD's Struct).
bool IsJsonObject(std::string_view json);

}  // namespace lineagedb::store

#endif  // LINEAGEDB_STORE_JSON_CHECK_H_
