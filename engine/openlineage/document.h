// Splitting a document into OpenLineage events: one JSON event, a JSON array
// of events, or newline-delimited JSON (one event per line).
#ifndef LINEAGEDB_OPENLINEAGE_DOCUMENT_H_
#define LINEAGEDB_OPENLINEAGE_DOCUMENT_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "lineagedb/openlineage.h"
#include "openlineage/event.h"

namespace lineagedb::openlineage {

struct IndexedEvent {
  int64_t index = 0;  // As RejectedEvent::index.
  Event event;
};

// Parses and validates every event of `document`, in document order. A
// document that parses as one JSON value is a single event (an object,
// index 1) or an array (index = array index + 1); otherwise each non-blank
// line is an event (index = 1-based line number) if the first non-blank line
// is JSON of its own. A document that is none of these gives one rejection
// with index 1.
void ParseDocument(std::string_view document, std::string_view source,
                   std::vector<IndexedEvent>* events,
                   std::vector<RejectedEvent>* rejected);

}  // namespace lineagedb::openlineage

#endif  // LINEAGEDB_OPENLINEAGE_DOCUMENT_H_
