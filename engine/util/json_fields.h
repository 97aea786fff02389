// Reading members of simdjson DOM objects with errors that name the field:
// a lazily rendered path (JsonPath) and the getters both JSON ingesters
// (OpenLineage events, native steps) share.
#ifndef LINEAGEDB_UTIL_JSON_FIELDS_H_
#define LINEAGEDB_UTIL_JSON_FIELDS_H_

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "lineagedb/status.h"

namespace lineagedb::util {

// The path of a JSON value inside a document, for error messages, rendered
// only when a message needs it: a chain of keys and array indexes, each
// step pointing at its parent (which must outlive it). str() joins keys
// with '.' and writes indexes as "[i]": "outputs[0].facets.schema".
class JsonPath {
 public:
  // The document's root (renders as "").
  JsonPath() = default;
  // A root that renders as `prefix`.
  explicit JsonPath(std::string_view prefix) : key_(prefix) {}
  JsonPath(const JsonPath& parent, std::string_view key)
      : parent_(&parent), key_(key) {}
  JsonPath(const JsonPath& parent, size_t index)
      : parent_(&parent), index_(index) {}

  std::string str() const;

 private:
  void AppendTo(std::string* out) const;

  const JsonPath* parent_ = nullptr;
  std::string_view key_;
  size_t index_ = kNoIndex;
  static constexpr size_t kNoIndex = ~size_t{0};
};

// INVALID_ARGUMENT "<path> <what>".
Status InvalidAt(const JsonPath& path, std::string_view what);

// The member `key` of `obj` if present.
std::optional<simdjson::dom::element> Member(const simdjson::dom::object& obj,
                                             std::string_view key);

// A required (or, if !required, optional) string member; `out` unchanged if
// absent. The string_view form views the parser's buffer.
// Errors: INVALID_ARGUMENT (missing and required; not a string).
Status GetString(const simdjson::dom::object& obj, std::string_view key,
                 const JsonPath& path, bool required, std::string_view* out);
Status GetString(const simdjson::dom::object& obj, std::string_view key,
                 const JsonPath& path, bool required, std::string* out);

// A required object member (or an optional one: nullopt if absent).
// Errors: INVALID_ARGUMENT (missing and required; not an object).
Status GetObject(const simdjson::dom::object& obj, std::string_view key,
                 const JsonPath& path, bool required,
                 std::optional<simdjson::dom::object>* out);

// OK if no object in `e` (at any depth) has two members of one name: RFC
// 8259 leaves such a document's meaning open, and simdjson keeps both
// copies (a lookup finds the first, iteration sees both).
// Errors: INVALID_ARGUMENT "<path of the member> appears twice" (or
// "<path> has two members named \"\"").
Status CheckUniqueMembers(const simdjson::dom::element& e,
                          const JsonPath& path);

}  // namespace lineagedb::util

#endif  // LINEAGEDB_UTIL_JSON_FIELDS_H_
