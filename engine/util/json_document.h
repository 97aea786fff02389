// Splitting an input document into JSON values: one value, a JSON array of
// values, or newline-delimited JSON (one value per line). Shared by the
// OpenLineage and native JSON ingesters.
#ifndef LINEAGEDB_UTIL_JSON_DOCUMENT_H_
#define LINEAGEDB_UTIL_JSON_DOCUMENT_H_

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"

namespace lineagedb::util {

// True if `text` is one well-formed JSON array, blank space around it
// aside.
bool IsOneJsonArray(std::string_view text);
// True if `text` is one well-formed JSON object, blank space around it
// aside.
bool IsOneJsonObject(std::string_view text);

// True if no JSON document whose first line is `line` (no newline in it)
// can have a '{' start its next line: the line holds a string it does not
// close (a JSON string holds no raw newline), ends after a complete value or
// after an object's '{' or ',' (where a key or the end must come), or has
// already completed the document's one value. False where an object may
// follow: after ':', '[', an array's ',', or nothing. Looks at the
// structure only; `line` need not be valid JSON.
bool NoObjectCanFollow(std::string_view line);

// Parses documents with one simdjson parser and one padded copy buffer,
// both kept from document to document unless a document was larger than
// kKeepBytes. Not thread-safe.
class JsonDocumentReader {
 public:
  // `element` lives until on_value returns.
  using OnValue = absl::FunctionRef<void(const simdjson::dom::element& element,
                                         int64_t index)>;
  // `text` is the value's text that did not parse (its line, or the whole
  // document).
  using OnError = absl::FunctionRef<void(int64_t index, std::string_view text,
                                         std::string reason)>;

  // Calls on_value for every value of `document`, in document order. A
  // document that parses as one JSON value is a single value (index 1)
  // unless it is an array, whose items are the values (index = array index
  // + 1); otherwise each non-blank line is a value (index = 1-based line
  // number) if some line is a JSON object of its own, and a line that is
  // not JSON goes to on_error ("malformed JSON: ..."). A blank document has
  // no values and no errors; one that is none of these gives one on_error
  // with index 1. A leading UTF-8 byte order mark is skipped.
  void Read(std::string_view document, OnValue on_value, OnError on_error);

 private:
  static constexpr size_t kKeepBytes = 4u << 20;

  void ReadValues(std::string_view document, OnValue on_value,
                  OnError on_error);
  // Parses `json` through the padded buffer; `*root` lives until the next
  // call.
  simdjson::error_code ParseJson(std::string_view json,
                                 simdjson::dom::element* root);

  simdjson::dom::parser parser_;
  std::string buffer_;
};

}  // namespace lineagedb::util

#endif  // LINEAGEDB_UTIL_JSON_DOCUMENT_H_
