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

// The length of the well-formed UTF-8 sequence starting `s` (a byte of
// 0x80 or above), or 0 if there is none (Unicode's table 3-7: no overlong
// form, no surrogate, nothing past U+10FFFF).
inline size_t Utf8SequenceLength(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;  // The second byte's range.
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < n; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return n;
}

// Appends `s` to *out as a quoted JSON string: quote, backslash and control
// characters escaped; well-formed UTF-8 as it is; any other byte as
// U+FFFD, the replacement character (RFC 8259 JSON text is UTF-8, so such
// a string does not read back byte for byte).
inline void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      const size_t n = Utf8SequenceLength(s.substr(i));
      if (n == 0) {
        out->append("\\ufffd");
      } else {
        out->append(s.substr(i, n));
        i += n - 1;
      }
      continue;
    }
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
