#include "store/json_check.h"

#include <simdjson.h>

namespace lineagedb::store {

bool IsJsonObject(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return false;
  return root.is_object();
}

}  // namespace lineagedb::store
