// Tests of the reading of a document into events (openlineage/document.h)
// through the ingester: NDJSON and arrays, line numbers, a byte-order mark.
#include <simdjson.h>

#include <sstream>
#include <string>
#include <vector>

#include "lineagedb/openlineage.h"
#include "tests/openlineage/ingest_fixture.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

// The minified events of a JSON array document, one per line.
std::string ToNdjson(const std::string& array_json) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(simdjson::padded_string(array_json)).get(e),
            simdjson::SUCCESS);
  std::string out;
  const simdjson::dom::array items = e.get_array().value();
  for (simdjson::dom::element item : items) {
    out += simdjson::minify(item);
    out += "\n";
  }
  return out;
}

TEST_F(IngesterTest, NdjsonAndArrayDocumentsGiveTheSameGraph) {
  const std::string array = ReadFile(kData + "marquez_food_delivery.json");
  OpenLineageSummary s = Ingest(ToNdjson(array), "marquez.ndjson");
  EXPECT_EQ(s.events, 26);
  EXPECT_EQ(s.edges, 27);
  EXPECT_EQ(s.rejected, 0);
  const auto before = Dump();
  EXPECT_EQ(Ingest(array, "marquez.json").edges, 0);
  EXPECT_EQ(Dump(), before);
}

TEST_F(IngesterTest, NdjsonRejectionsNameTheLine) {
  std::string doc = ToNdjson(ReadFile(kData + "marquez_food_delivery.json"));
  // Line 3 becomes malformed, line 5 loses its runId.
  std::vector<std::string> lines;
  std::stringstream ss(doc);
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  lines[2] = "{\"eventType\": ";
  const size_t pos = lines[4].find("\"runId\"");
  ASSERT_NE(pos, std::string::npos);
  lines[4].replace(pos, 7, "\"noRunId\"");
  lines.insert(lines.begin() + 6, "");  // A blank line counts as a line.
  std::string edited;
  for (const std::string& line : lines) edited += line + "\n";
  OpenLineageSummary s = Ingest(edited, "edited.ndjson");
  EXPECT_EQ(s.events, 24);
  ASSERT_THAT(s.rejections, SizeIs(2));
  EXPECT_EQ(s.rejections[0].index, 3);
  EXPECT_THAT(s.rejections[0].reason, HasSubstr("malformed JSON"));
  EXPECT_EQ(s.rejections[1].index, 5);
  EXPECT_THAT(s.rejections[1].reason, HasSubstr("run.runId is required"));
}

TEST_F(IngesterTest, AByteOrderMarkIsSkipped) {
  const std::string id = "00000000-0000-4000-8000-000000000001";
  const std::string bom = "\xEF\xBB\xBF";
  const std::string start = RunEvent("START", "2025-01-01T10:00:00Z", id, "j");
  const std::string end = RunEvent("COMPLETE", "2025-01-01T10:00:05Z", id, "j");
  EXPECT_EQ(Ingest(bom + start, "one").events, 1);
  EXPECT_EQ(Ingest(bom + "[" + start + "," + end + "]", "array").events, 2);
  OpenLineageSummary s = Ingest(bom + start + "\n" + end + "\n", "lines");
  EXPECT_EQ(s.events, 2);
  EXPECT_EQ(s.rejected, 0);
}

}  // namespace
}  // namespace lineagedb
