// Splitting a document into OpenLineage events: one JSON event, a JSON array
// of events, or newline-delimited JSON (one event per line).
#ifndef LINEAGEDB_OPENLINEAGE_DOCUMENT_H_
#define LINEAGEDB_OPENLINEAGE_DOCUMENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lineagedb/openlineage.h"
#include "openlineage/event.h"
#include "util/json_document.h"

namespace lineagedb::openlineage {

struct IndexedEvent {
  int64_t index = 0;  // As RejectedEvent::index.
  Event event;
};

// Parses documents of OpenLineage events (util/json_document.h). Not
// thread-safe.
class DocumentParser {
 public:
  // Parses and validates every event of `document`, in document order,
  // appending to `events` and `rejected`; indexes as
  // util::JsonDocumentReader::Read gives them.
  void Parse(std::string_view document, std::string_view source,
             std::vector<IndexedEvent>* events,
             std::vector<RejectedEvent>* rejected);

 private:
  util::JsonDocumentReader reader_;
};

}  // namespace lineagedb::openlineage

#endif  // LINEAGEDB_OPENLINEAGE_DOCUMENT_H_
