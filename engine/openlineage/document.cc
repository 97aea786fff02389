#include "openlineage/document.h"

#include <string>

namespace lineagedb::openlineage {

void DocumentParser::Parse(std::string_view document, std::string_view source,
                           std::vector<IndexedEvent>* events,
                           std::vector<RejectedEvent>* rejected) {
  auto reject = [&](int64_t index, std::string reason) {
    rejected->push_back(
        RejectedEvent{std::string(source), index, std::move(reason)});
  };
  reader_.Read(
      document,
      [&](const simdjson::dom::element& e, int64_t index) {
        IndexedEvent& ie = events->emplace_back();
        ie.index = index;
        Status s = ParseEvent(e, &ie.event);
        if (!s.ok()) {
          events->pop_back();
          reject(index, std::string(s.message()));
        }
      },
      [&](int64_t index, std::string_view, std::string reason) {
        reject(index, std::move(reason));
      });
}

}  // namespace lineagedb::openlineage
