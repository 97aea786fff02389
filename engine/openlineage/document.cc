#include "openlineage/document.h"

#include <simdjson.h>

#include <string>

#include "util/str_cat.h"

namespace lineagedb::openlineage {

namespace {

void Add(const simdjson::dom::element& e, int64_t index,
         std::string_view source, std::vector<IndexedEvent>* events,
         std::vector<RejectedEvent>* rejected) {
  IndexedEvent ie;
  ie.index = index;
  Status s = ParseEvent(e, &ie.event);
  if (s.ok()) {
    events->push_back(std::move(ie));
  } else {
    rejected->push_back(
        RejectedEvent{std::string(source), index, std::string(s.message())});
  }
}

bool Blank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

void ParseDocument(std::string_view document, std::string_view source,
                   std::vector<IndexedEvent>* events,
                   std::vector<RejectedEvent>* rejected) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(document);
  const simdjson::error_code whole = parser.parse(padded).get(root);
  if (whole == simdjson::SUCCESS) {
    if (!root.is_array()) {
      Add(root, 1, source, events, rejected);
      return;
    }
    int64_t index = 0;
    const simdjson::dom::array items = root.get_array().value();
    for (simdjson::dom::element e : items) {
      Add(e, ++index, source, events, rejected);
    }
    return;
  }
  // Not one JSON value: newline-delimited events if the first non-blank
  // line is a JSON value of its own; else the parse error of the whole.
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < document.size()) {
    size_t end = document.find('\n', start);
    if (end == std::string_view::npos) end = document.size();
    lines.push_back(document.substr(start, end - start));
    start = end + 1;
  }
  size_t first = 0;
  while (first < lines.size() && Blank(lines[first])) ++first;
  simdjson::dom::element ignored;
  if (first == lines.size() ||
      parser.parse(simdjson::padded_string(lines[first])).get(ignored) !=
          simdjson::SUCCESS) {
    rejected->push_back(RejectedEvent{
        std::string(source), 1,
        StrCat("malformed JSON: ", simdjson::error_message(whole))});
    return;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (Blank(lines[i])) continue;
    const int64_t index = static_cast<int64_t>(i) + 1;
    const simdjson::padded_string line(lines[i]);
    simdjson::dom::element e;
    const simdjson::error_code err = parser.parse(line).get(e);
    if (err != simdjson::SUCCESS) {
      rejected->push_back(RejectedEvent{
          std::string(source), index,
          StrCat("malformed JSON: ", simdjson::error_message(err))});
      continue;
    }
    Add(e, index, source, events, rejected);
  }
}

}  // namespace lineagedb::openlineage
