// Splitting a document into OpenLineage events: one JSON event, a JSON array
// of events, or newline-delimited JSON (one event per line).
#ifndef LINEAGEDB_OPENLINEAGE_DOCUMENT_H_
#define LINEAGEDB_OPENLINEAGE_DOCUMENT_H_

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lineagedb/openlineage.h"
#include "openlineage/event.h"

namespace lineagedb::openlineage {

struct IndexedEvent {
  int64_t index = 0;  // As RejectedEvent::index.
  Event event;
};

// Parses documents with one simdjson parser and one padded copy buffer,
// both kept from document to document unless a document was larger than
// kKeepBytes. Not thread-safe.
class DocumentParser {
 public:
  // Parses and validates every event of `document`, in document order,
  // appending to `events` and `rejected`. A document that parses as one
  // JSON value is a single event (an object, index 1) or an array (index =
  // array index + 1); otherwise each non-blank line is an event (index =
  // 1-based line number) if the first non-blank line is JSON of its own. A
  // document that is none of these gives one rejection with index 1.
  void Parse(std::string_view document, std::string_view source,
             std::vector<IndexedEvent>* events,
             std::vector<RejectedEvent>* rejected);

 private:
  static constexpr size_t kKeepBytes = 4u << 20;

  void ParseEvents(std::string_view document, std::string_view source,
                   std::vector<IndexedEvent>* events,
                   std::vector<RejectedEvent>* rejected);
  // Parses `json` through the padded buffer; `*root` lives until the next
  // call.
  simdjson::error_code ParseJson(std::string_view json,
                                 simdjson::dom::element* root);

  simdjson::dom::parser parser_;
  std::string buffer_;
};

}  // namespace lineagedb::openlineage

#endif  // LINEAGEDB_OPENLINEAGE_DOCUMENT_H_
