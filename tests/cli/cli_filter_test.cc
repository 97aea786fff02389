// `list --filter` with filter queries (schema/FILTERS.md), alone and with
// the KEY=VALUE shorthands; `lineage --end-artifacts / --end-executions`.
#include <regex>

#include "tests/cli/cli_fixture.h"

namespace lineagedb::cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The "id" values of a `--json list` answer, in order.
std::vector<std::string> Ids(const CliResult& r) {
  std::vector<std::string> out;
  const std::regex id("\"kind\":\"[a-z]+\",\"id\":([0-9]+)");
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), id);
       it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

class CliFilterTest : public CliTest {
 protected:
  void SetUp() override {
    // Two runs of a trainer: run-1 makes models 2 (0.91) and 3 (0.97)
    // from examples 1, run-2 model 5 (0.99, flagged) from examples 1 and 4.
    std::vector<std::string> items = {
        R"({"artifact_type":{"name":"Examples"}})",
        R"({"artifact_type":{"name":"Model","properties":{"accuracy":"DOUBLE"}}})",
        R"({"execution_type":{"name":"Trainer"}})",
        R"({"context_type":{"name":"run"}})",
        R"({"execution":{"type":"Trainer","name":"t1","state":"COMPLETE"},
            "events":[{"type":"INPUT","artifact":{"type":"Examples","uri":"s3://b/ex/1"}},
                      {"type":"OUTPUT","path":["model",0],"artifact":{"type":"Model","uri":"s3://b/m/3","properties":{"accuracy":0.91}}},
                      {"type":"OUTPUT","path":["model",1],"artifact":{"type":"Model","uri":"s3://b/m/4","properties":{"accuracy":0.97}}}],
            "contexts":[{"type":"run","name":"run-1"}]})",
        R"({"execution":{"type":"Trainer","name":"t2","state":"FAILED"},
            "events":[{"type":"INPUT","artifact_id":1},
                      {"type":"INPUT","artifact":{"type":"Examples","uri":"gs://b/ex/5"}},
                      {"type":"OUTPUT","artifact":{"type":"Model","uri":"s3://b/m/6","properties":{"accuracy":0.99},"custom_properties":{"my:flag":true}}}],
            "contexts":[{"type":"run","name":"run-2"}]})",
    };
    // One item a line.
    for (std::string& item : items) std::erase(item, '\n');
    CliResult r = IngestNative(items);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }

  std::vector<std::string> List(const std::string& args) {
    CliResult r = Run("--json list " + args + " --all");
    EXPECT_EQ(r.code, 0) << args << ": " << r.err;
    return Ids(r);
  }
};

TEST_F(CliFilterTest, QueriesOnAttributesAndProperties) {
  using V = std::vector<std::string>;
  EXPECT_EQ(List("artifact --filter \"type = 'Model'\""), (V{"2", "3", "5"}));
  EXPECT_EQ(List("artifact --filter \"properties.accuracy.double_value > "
                 "0.95\""),
            (V{"3", "5"}));
  EXPECT_EQ(List("artifact --filter \"uri LIKE 'S3://B/%' AND NOT type = "
                 "'Model'\""),
            (V{"1"}));
  EXPECT_EQ(List("artifact --filter 'custom_properties.`my:flag`.bool_value "
                 "= true'"),
            (V{"5"}));
  EXPECT_EQ(List("execution --filter 'last_known_state NOT IN (FAILED, "
                 "CANCELED)'"),
            (V{"1"}));
  // A quoted value makes type=... a query, not the shorthand.
  EXPECT_EQ(List("artifact --filter \"type='Examples'\""), (V{"1", "4"}));
  EXPECT_EQ(List("artifact --filter \"uri= 's3://b/ex/1'\""), (V{"1"}));
  EXPECT_EQ(List("artifact --filter \"type= 'Model'\""), (V{"2", "3", "5"}));
}

TEST_F(CliFilterTest, QueriesOnNeighbours) {
  using V = std::vector<std::string>;
  EXPECT_EQ(List("artifact --filter \"contexts_a.name = 'run-2'\""),
            (V{"1", "4", "5"}));
  EXPECT_EQ(List("artifact --filter \"events_e.type = OUTPUT AND "
                 "events_e.execution_id = 1\""),
            (V{"2", "3"}));
  EXPECT_EQ(List("context --filter \"executions_e.last_known_state = "
                 "FAILED\""),
            (V{"2"}));
  EXPECT_EQ(List("context --filter \"artifacts_a.uri = 's3://b/ex/1'\""),
            (V{"1", "2"}));
}

TEST_F(CliFilterTest, QueriesAndShorthandsAllHold) {
  using V = std::vector<std::string>;
  EXPECT_EQ(List("artifact --filter type=Model --filter context=1"),
            (V{"2", "3"}));
  EXPECT_EQ(List("artifact --filter type=Model --filter "
                 "\"properties.accuracy.double_value < 0.98\" --filter "
                 "\"uri != 's3://b/m/3'\""),
            (V{"3"}));
  // Pages of a filtered list join to the whole answer.
  CliResult page =
      Run("--json list artifact --limit 1 --filter \"type = "
          "'Model'\"");
  ASSERT_EQ(page.code, 0) << page.err;
  EXPECT_EQ(Ids(page), (V{"2"}));
  EXPECT_THAT(page.out, HasSubstr("next_page_token\":\"A"));
}

// type=NAME is the query `type = 'NAME'` (every version of the type)
// unless --type-version names one; a KEY=VALUE value that joins
// conditions is refused, not read as one long value.
TEST_F(CliFilterTest, ShorthandsReadAsTheirQueries) {
  using V = std::vector<std::string>;
  CliResult r = IngestNative(
      {R"({"artifact_type":{"name":"Model","version":"v2"}})",
       R"({"artifact_type":{"name":"a\\b"}})",
       R"({"execution":{"type":"Trainer"},"events":[{"type":"OUTPUT",)"
       R"("artifact":{"type":"Model","type_version":"v2","uri":"s3://b/m/7"}},)"
       R"({"type":"OUTPUT","artifact":{"type":"a\\b","uri":"s3://b/x"}}]})"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(List("artifact --filter type=Model"), (V{"2", "3", "5", "6"}));
  EXPECT_EQ(List("artifact --filter \"type = 'Model'\""),
            (V{"2", "3", "5", "6"}));
  EXPECT_EQ(List("artifact --filter type=Model --type-version v2"), (V{"6"}));
  EXPECT_EQ(List("artifact --type Model"), (V{"2", "3", "5"}));
  EXPECT_EQ(List("artifact --filter 'type=a\\b'"), (V{"7"}));
  r = Run("list artifact --filter type=Nope");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no artifact type 'Nope'"));
  for (const std::string filter :
       {"uri=s3://b/m/3 OR uri=s3://b/m/4", "type=Model or type=Examples",
        "type=Model AND id > 1"}) {
    r = Run("list artifact --filter '" + filter + "'");
    EXPECT_EQ(r.code, 2) << filter;
    EXPECT_THAT(r.err, HasSubstr("KEY=VALUE takes one value")) << filter;
  }
  // --name-prefix: names that begin with it, byte for byte (these
  // artifacts have none; the fixture's runs do).
  EXPECT_EQ(List("execution --name-prefix t"), (V{"1", "2"}));
  EXPECT_EQ(List("execution --name-prefix t2"), (V{"2"}));
  EXPECT_EQ(List("execution --name-prefix T"), V{});
  EXPECT_EQ(List("execution --name-prefix t --filter \"last_known_state = "
                 "FAILED\""),
            (V{"2"}));
  // AND or OR without a condition after it is part of the value.
  r = Run("list artifact --filter 'uri=s3://b/m/3 and more'");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(List("artifact --filter 'uri=s3://b/m/3 and more'"), V{});
  // A word that only contains AND or OR is part of the value.
  EXPECT_EQ(List("artifact --filter 'uri=s3://b/m/3ORx'"), V{});
}

TEST_F(CliFilterTest, BadQueriesAreUsageErrors) {
  CliResult r = Run("list artifact --filter \"typ = 'Model'\"");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(
      r.err,
      HasSubstr("--filter \"typ = 'Model'\": filter query, column 1: artifacts "
                "have no attribute 'typ'"));
  // Each query parses alone: its column counts in its own text, and one
  // cannot close another's parentheses.
  r =
      Run("list artifact --filter type=Model --filter 'id = 1' --filter "
          "'id >'");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--filter \"id >\": filter query, column 5: "
                               "expected a number"));
  r =
      Run("list artifact --filter \"name = 'x') OR (id > 0\" --filter "
          "\"uri = 'none'\"");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("column 11: expected AND, OR or the end"));
  r = Run("list artifact --filter ''");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--filter '' names no query"));
  // Queries that pass alone but not joined (one more parenthesis level)
  // say so, without a column of the joined text.
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "NOT ";
  deep += "id = 1";
  EXPECT_EQ(Run("list artifact --filter '" + deep + "'").code, 0);
  r = Run("list artifact --filter '" + deep + "' --filter 'id > 0'");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--filter: the 2 queries together: NOT and "
                               "parentheses nest more than 100 deep"));
  EXPECT_THAT(r.err, Not(HasSubstr("column")));
  // A type query is not the type= shorthand --type-version goes with.
  r = Run("list artifact --filter \"type='Model'\" --type-version 1");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--type-version needs a type"));
  r = Run("list execution --filter \"state = LIVE\"");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("executions have no attribute 'state'"));
  // No line of output and nothing changed: the list still answers.
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(List("artifact"),
            (std::vector<std::string>{"1", "2", "3", "4", "5"}));
}

// The "nodes" of a `lineage --json` answer.
std::vector<std::string> LineageNodes(const CliResult& r) {
  std::vector<std::string> out;
  const size_t begin = r.out.find("\"nodes\":[");
  const size_t end = r.out.find(']', begin);
  const std::regex node("\"([a-z]+:[0-9]+)\"");
  const std::string nodes = r.out.substr(begin, end - begin);
  for (auto it = std::sregex_iterator(nodes.begin(), nodes.end(), node);
       it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

TEST_F(CliFilterTest, LineageEndsWhereTheQueriesSay) {
  using V = std::vector<std::string>;
  // Examples 4 both ways: t2 reads it with examples 1 and makes model 5;
  // examples 1 goes on to t1 and its models 2 and 3.
  CliResult r = Run("--json lineage artifact:4");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(LineageNodes(r),
            (V{"artifact:4", "execution:2", "artifact:1", "artifact:5",
               "execution:1", "artifact:2", "artifact:3"}));
  // Artifacts on s3 (1 and 5) end the walk.
  r = Run("--json lineage artifact:4 --end-artifacts \"uri LIKE 's3://%'\"");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(LineageNodes(r),
            (V{"artifact:4", "execution:2", "artifact:1", "artifact:5"}));
  r =
      Run("--json lineage artifact:4 --exclude-ending --end-artifacts "
          "\"uri LIKE 's3://%'\"");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(LineageNodes(r), (V{"artifact:4", "execution:2"}));
  // The failed run ends it.
  r =
      Run("--json lineage artifact:4 --exclude-ending --end-executions "
          "'last_known_state = FAILED'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(LineageNodes(r), (V{"artifact:4"}));
  r =
      Run("lineage artifact:5 --up --end-artifacts 'id = 1' "
          "--end-executions 'uri IS NULL'");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--end-executions: filter query, column 1: "
                               "executions have no attribute 'uri'"));
  r = Run("lineage --column ns:t:c --up --end-artifacts 'id = 1'");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("do not apply to --column"));
}

}  // namespace
}  // namespace lineagedb::cli_test
