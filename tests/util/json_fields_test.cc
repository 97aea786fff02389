#include "util/json_fields.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace lineagedb::util {
namespace {

using ::testing::HasSubstr;

Status Check(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  EXPECT_EQ(parser.parse(simdjson::padded_string(json)).get(root),
            simdjson::SUCCESS)
      << json;
  return CheckUniqueMembers(root, JsonPath("doc"));
}

TEST(CheckUniqueMembersTest, FindsARepeatedNameAtAnyDepth) {
  EXPECT_TRUE(Check(R"({"a":1,"b":{"a":1},"c":[{"a":1},{"a":2}]})").ok());
  EXPECT_TRUE(Check("[1,\"x\",null]").ok());
  for (const auto& [json, path] :
       std::vector<std::pair<std::string, std::string>>{
           {R"({"a":1,"a":1})", "doc.a appears twice"},
           {R"({"x":[{},{"k":{"b":1,"c":2,"b":3}}]})",
            "doc.x[1].k.b appears twice"},
           {R"([[{"":1,"":2}]])", "doc[0][0] has two members named \"\""},
       }) {
    SCOPED_TRACE(json);
    Status s = Check(json);
    EXPECT_TRUE(absl::IsInvalidArgument(s));
    EXPECT_EQ(std::string(s.message()), path);
  }
}

TEST(CheckUniqueMembersTest, ManyMembers) {
  std::string json = "{";
  for (int i = 0; i < 100; ++i) json += "\"k" + std::to_string(i) + "\":0,";
  EXPECT_TRUE(Check(json + "\"last\":0}").ok());
  Status s = Check(json + "\"k57\":0}");
  EXPECT_THAT(s.message(), HasSubstr("doc.k57 appears twice"));
}

}  // namespace
}  // namespace lineagedb::util
