#include "util/json_document.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace lineagedb::util {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

struct Read {
  std::vector<std::pair<int64_t, std::string>> values;  // Minified.
  std::vector<std::pair<int64_t, std::string>> errors;
};

Read ReadAll(JsonDocumentReader& reader, std::string_view document) {
  Read r;
  reader.Read(
      document,
      [&](const simdjson::dom::element& e, int64_t index) {
        r.values.emplace_back(index, simdjson::minify(e));
      },
      [&](int64_t index, std::string_view text, std::string reason) {
        EXPECT_NE(document.find(text), std::string_view::npos);
        r.errors.emplace_back(index, std::move(reason));
      });
  return r;
}

TEST(JsonDocumentReaderTest, OneValueArrayItemsOrLines) {
  JsonDocumentReader reader;
  Read one = ReadAll(reader, R"( {"a": 1} )");
  EXPECT_THAT(one.values, ElementsAre(Pair(1, R"({"a":1})")));
  EXPECT_TRUE(one.errors.empty());

  Read array = ReadAll(reader, R"([{"a": 1}, 2, "x"])");
  EXPECT_THAT(array.values, ElementsAre(Pair(1, R"({"a":1})"), Pair(2, "2"),
                                        Pair(3, "\"x\"")));

  Read lines = ReadAll(reader, "\n{\"a\":1}\n\n  \n{\"b\":2}\r\n");
  EXPECT_THAT(lines.values,
              ElementsAre(Pair(2, R"({"a":1})"), Pair(5, R"({"b":2})")));
  EXPECT_TRUE(lines.errors.empty());
}

TEST(JsonDocumentReaderTest, ABadLineIsAnErrorAtItsLineNumber) {
  JsonDocumentReader reader;
  Read r = ReadAll(reader, "{\"a\":1}\n{\"b\":\n{\"c\":3}\n");
  EXPECT_THAT(r.values,
              ElementsAre(Pair(1, R"({"a":1})"), Pair(3, R"({"c":3})")));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].first, 2);
  EXPECT_THAT(r.errors[0].second, HasSubstr("malformed JSON: "));
}

// A malformed first line does not make the good lines after it one error.
TEST(JsonDocumentReaderTest, LinesAfterABadFirstLineAreRead) {
  JsonDocumentReader reader;
  Read r = ReadAll(reader, "{\"a\":\n\n{\"b\":2}\nnot json\n{\"c\":3}");
  EXPECT_THAT(r.values,
              ElementsAre(Pair(3, R"({"b":2})"), Pair(5, R"({"c":3})")));
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].first, 1);
  EXPECT_EQ(r.errors[1].first, 4);
  EXPECT_THAT(r.errors[1].second, HasSubstr("malformed JSON: "));
}

TEST(JsonDocumentReaderTest, ABlankDocumentHasNoValuesAndNoErrors) {
  JsonDocumentReader reader;
  for (std::string_view doc : {"", "   \n", "\n\r\n\t", "\xEF\xBB\xBF\n"}) {
    Read r = ReadAll(reader, doc);
    EXPECT_TRUE(r.values.empty()) << doc;
    EXPECT_TRUE(r.errors.empty()) << doc;
  }
}

// No line an object of its own (a malformed object across lines, say):
// one error, with the parse error of the whole.
TEST(JsonDocumentReaderTest, ADocumentThatIsNoJsonIsOneError) {
  JsonDocumentReader reader;
  for (std::string_view doc :
       {"not json", "not json\nstill not", "{\"a\":", "{\n  \"a\": 1,\n}\n"}) {
    Read r = ReadAll(reader, doc);
    EXPECT_TRUE(r.values.empty()) << doc;
    ASSERT_EQ(r.errors.size(), 1u) << doc;
    EXPECT_EQ(r.errors[0].first, 1);
    EXPECT_THAT(r.errors[0].second, HasSubstr("malformed JSON: "));
  }
}

TEST(JsonDocumentReaderTest, ANumberBeyondTheRangeKeptIsNamed) {
  JsonDocumentReader reader;
  for (std::string_view doc :
       {R"({"n": 123456789012345678901234567890})", R"({"n": 1e400})",
        "{\"n\": 1}\n{\"n\": -99999999999999999999}\n"}) {
    Read r = ReadAll(reader, doc);
    ASSERT_EQ(r.errors.size(), 1u) << doc;
    EXPECT_THAT(r.errors[0].second,
                HasSubstr("beyond the range kept (64-bit integers, finite "
                          "doubles)"))
        << doc;
  }
  // The largest integers and doubles kept are read.
  Read r = ReadAll(reader, R"([18446744073709551615, -9223372036854775808, )"
                           R"(1.7976931348623157e308])");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.values.size(), 3u);
  // Too close to zero for a double: 0, as the nearest double; the smallest
  // subnormal is kept.
  r = ReadAll(reader, "[1e-400, -1e-400, 4.9e-324]");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_THAT(r.values,
              ElementsAre(Pair(1, "0.0"), Pair(2, "-0.0"), Pair(3, "5e-324")));
}

TEST(JsonDocumentReaderTest, ALargeDocumentThenSmallOnes) {
  JsonDocumentReader reader;
  std::string big = "[";
  for (int i = 0; i < 300000; ++i) big += (i ? ",\"0123456789abcdef\"" : "0");
  big += "]";
  EXPECT_EQ(ReadAll(reader, big).values.size(), 300000u);
  EXPECT_THAT(ReadAll(reader, "[1]").values, ElementsAre(Pair(1, "1")));
}

// A first line after which no line starting with '{' can continue one JSON
// document: a string left open (JSON strings hold no raw newline), a
// complete value, an object's '{' or ',' (a key must come), a closing
// bracket that matches nothing.
TEST(NoObjectCanFollowTest, LinesNoObjectCanFollow) {
  for (const char* line :
       {R"({"eventType": "STA)", R"({"a": "x\")", R"({"a": "x\\")",
        R"({"a": 1})", R"({"a": 1} junk)", R"({"eventType": "START",)", R"({)",
        R"({"a": {"b": 1},)", R"({"a": [1, {"b": "}"}])", R"({"a")",
        R"({"a": tr)", R"({"a": 12)", R"(not json)", R"("text")", R"(])",
        R"({"a": [1]})", R"(,)"}) {
    SCOPED_TRACE(line);
    EXPECT_TRUE(NoObjectCanFollow(line));
  }
}

// Where an object may start the next line of one document: the first line
// of each document here, each of which is valid JSON.
TEST(NoObjectCanFollowTest, LinesAnObjectMayFollow) {
  for (const char* document :
       {"{\"a\":\n{\"b\": 1}}", "[\n{\"b\": 1}]", "{\"a\": [1,\n{}]}",
        "{\"a\": [\n{}]}", "{\"a\": \"x{\", \"b\": [\n{}, {}]}", "\n{}"}) {
    SCOPED_TRACE(document);
    const std::string_view text(document);
    simdjson::dom::parser parser;
    ASSERT_EQ(parser.parse(simdjson::padded_string(text)).error(),
              simdjson::SUCCESS);
    EXPECT_FALSE(NoObjectCanFollow(text.substr(0, text.find('\n'))));
  }
}

}  // namespace
}  // namespace lineagedb::util
