// JSON string literals, for the hand-written JSON of tools and benchmarks.
#ifndef LINEAGEDB_UTIL_JSON_STRING_H_
#define LINEAGEDB_UTIL_JSON_STRING_H_

#include <fmt/format.h>

#include <iterator>
#include <string>
#include <string_view>

namespace lineagedb {

// UTF-8's byte order mark, which RFC 8259 lets a JSON reader skip.
inline constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Appends `s` to *out as a quoted JSON string: quote, backslash and control
// characters escaped; other bytes (UTF-8 included) as they are.
inline void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(*out), "\\u{:04x}",
                         static_cast<unsigned>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

inline std::string JsonString(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

}  // namespace lineagedb

#endif  // LINEAGEDB_UTIL_JSON_STRING_H_
