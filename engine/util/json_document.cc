#include "util/json_document.h"

#include <simdjson.h>

#include <algorithm>
#include <string>
#include <vector>

#include "util/json_string.h"
#include "util/str_cat.h"

namespace lineagedb::util {

namespace {

bool Blank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string Malformed(simdjson::error_code err) {
  // simdjson's DOM answers NUMBER_ERROR both for a number that is not JSON
  // and for one that is valid JSON beyond what it represents (RFC 8259 lets
  // a parser limit the range), so the message names both.
  if (err == simdjson::NUMBER_ERROR || err == simdjson::NUMBER_OUT_OF_RANGE) {
    return "malformed JSON: a number is not JSON, or is beyond the range "
           "kept (64-bit integers, finite doubles)";
  }
  return StrCat("malformed JSON: ", simdjson::error_message(err));
}

bool IsOneJsonValueOf(std::string_view text, simdjson::dom::element_type type) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  return parser.parse(simdjson::padded_string(text)).get(root) ==
             simdjson::SUCCESS &&
         root.type() == type;
}

}  // namespace

bool IsOneJsonArray(std::string_view text) {
  return IsOneJsonValueOf(text, simdjson::dom::element_type::ARRAY);
}

bool IsOneJsonObject(std::string_view text) {
  return IsOneJsonValueOf(text, simdjson::dom::element_type::OBJECT);
}

bool NoObjectCanFollow(std::string_view line) {
  enum Last { kNothing, kValue, kOpen, kComma, kColon };
  Last last = kNothing;
  std::vector<char> open;  // The '{' and '[' not closed yet.
  bool complete = false;   // The document's one value has ended.
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    switch (c) {
      case ' ':
      case '\t':
      case '\r':
        continue;
      case '"': {
        size_t j = i + 1;
        while (j < line.size() && line[j] != '"') j += line[j] == '\\' ? 2 : 1;
        if (j >= line.size()) return true;  // A string left open.
        i = j;
        last = kValue;
        break;
      }
      case '{':
      case '[':
        open.push_back(c);
        last = kOpen;
        break;
      case '}':
      case ']':
        if (open.empty() || open.back() != (c == '}' ? '{' : '[')) return true;
        open.pop_back();
        last = kValue;
        break;
      case ',':
        last = kComma;
        break;
      case ':':
        last = kColon;
        break;
      default:  // A byte of a number or a literal.
        last = kValue;
    }
    if (open.empty() && last == kValue) complete = true;
  }
  if (complete || last == kValue) return true;
  if (last == kOpen || last == kComma)
    return open.empty() || open.back() == '{';
  return false;  // After ':', or a blank line.
}

simdjson::error_code JsonDocumentReader::ParseJson(
    std::string_view json, simdjson::dom::element* root) {
  if (buffer_.size() < json.size() + simdjson::SIMDJSON_PADDING) {
    buffer_.resize(json.size() + simdjson::SIMDJSON_PADDING);
  }
  std::copy(json.begin(), json.end(), buffer_.begin());
  std::fill_n(buffer_.begin() + json.size(), simdjson::SIMDJSON_PADDING, '\0');
  return parser_.parse(buffer_.data(), json.size(), /*realloc_if_needed=*/false)
      .get(*root);
}

void JsonDocumentReader::Read(std::string_view document, OnValue on_value,
                              OnError on_error) {
  // A UTF-8 byte order mark, which RFC 8259 lets a parser ignore.
  if (document.starts_with(kByteOrderMark)) {
    document.remove_prefix(kByteOrderMark.size());
  }
  ReadValues(document, on_value, on_error);
  // A large document's buffers are not kept for the next ones.
  if (buffer_.size() > kKeepBytes) {
    buffer_ = std::string();
    parser_ = simdjson::dom::parser();
  }
}

void JsonDocumentReader::ReadValues(std::string_view document, OnValue on_value,
                                    OnError on_error) {
  simdjson::dom::element root;
  const simdjson::error_code whole = ParseJson(document, &root);
  if (whole == simdjson::SUCCESS) {
    if (!root.is_array()) {
      on_value(root, 1);
      return;
    }
    int64_t index = 0;
    const simdjson::dom::array items = root.get_array().value();
    for (simdjson::dom::element e : items) {
      on_value(e, ++index);
    }
    return;
  }
  if (Blank(document)) return;  // No value at all: nothing to read.
  // Not one JSON value: newline-delimited values if some line is a JSON
  // object of its own (a malformed first line does not hide the good ones);
  // else the parse error of the whole.
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < document.size()) {
    size_t end = document.find('\n', start);
    if (end == std::string_view::npos) end = document.size();
    lines.push_back(document.substr(start, end - start));
    start = end + 1;
  }
  bool any_object = false;
  for (size_t i = 0; i < lines.size() && !any_object; ++i) {
    simdjson::dom::element e;
    any_object = !Blank(lines[i]) &&
                 ParseJson(lines[i], &e) == simdjson::SUCCESS && e.is_object();
  }
  if (!any_object) {
    on_error(1, document, Malformed(whole));
    return;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (Blank(lines[i])) continue;
    const int64_t index = static_cast<int64_t>(i) + 1;
    simdjson::dom::element e;
    const simdjson::error_code err = ParseJson(lines[i], &e);
    if (err != simdjson::SUCCESS) {
      on_error(index, lines[i], Malformed(err));
      continue;
    }
    on_value(e, index);
  }
}

}  // namespace lineagedb::util
