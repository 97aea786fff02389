#include "store/json_check.h"

#include <simdjson.h>

namespace lineagedb::store {

std::string JsonObjectProblem(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (const auto error = parser.parse(padded).get(root);
      error != simdjson::SUCCESS) {
    return std::string("does not parse: ") + simdjson::error_message(error);
  }
  return root.is_object() ? "" : "is not a JSON object";
}

}  // namespace lineagedb::store
