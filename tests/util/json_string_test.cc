#include "util/json_string.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

namespace lineagedb {
namespace {

// The string `json` (one JSON string literal) holds, as simdjson reads it;
// a parse error (invalid UTF-8 included) fails the test.
std::string ReadBack(const std::string& json) {
  simdjson::dom::parser parser;
  std::string_view value;
  EXPECT_EQ(parser.parse(simdjson::padded_string(json)).get(value),
            simdjson::SUCCESS)
      << json;
  return std::string(value);
}

TEST(JsonStringTest, EscapesWhatJsonMust) {
  const std::string s = std::string("q\"b\\n\nr\rt\tc\x01z\x1f", 14) + '\0';
  EXPECT_EQ(JsonString(s), R"("q\"b\\n\nr\rt\tc\u0001z\u001f\u0000")");
  EXPECT_EQ(ReadBack(JsonString(s)), s);
}

TEST(JsonStringTest, KeepsWellFormedUtf8) {
  for (const std::string s : {"é", "€", "𝄞", "\xF4\x8F\xBF\xBF", "aé€𝄞z"}) {
    EXPECT_EQ(JsonString(s), "\"" + s + "\"");
    EXPECT_EQ(ReadBack(JsonString(s)), s);
  }
}

// JSON text is UTF-8 (RFC 8259): a byte that starts no well-formed sequence
// is written as U+FFFD, so the output always parses.
TEST(JsonStringTest, WritesOtherBytesAsTheReplacementCharacter) {
  const std::string kReplacement = "\xEF\xBF\xBD";
  for (const auto& [in, out] : std::vector<std::pair<std::string, std::string>>{
           {"bad\xFF", "bad" + kReplacement},
           {"\x80", kReplacement},                     // A lone continuation.
           {"\xC3", kReplacement},                     // Cut short.
           {"\xC3(", kReplacement + "("},              // Not a continuation.
           {"\xC0\xAF", kReplacement + kReplacement},  // Overlong '/'.
           {"\xE0\x80\xAF", std::string(3, 'R')},      // Overlong, 3 bytes.
           {"\xED\xA0\x80", std::string(3, 'R')},      // A surrogate.
           {"\xF4\x90\x80\x80", std::string(4, 'R')},  // Past U+10FFFF.
           {"\xF5\x80\x80\x80", std::string(4, 'R')}}) {
    std::string expected = out;
    if (expected.find_first_not_of('R') == std::string::npos) {
      expected.clear();
      for (size_t i = 0; i < out.size(); ++i) expected += kReplacement;
    }
    EXPECT_EQ(ReadBack(JsonString(in)), expected) << JsonString(in);
  }
}

}  // namespace
}  // namespace lineagedb
