// Tests of `lineagedb lineage --column` and of the dataset lineage behind
// it, running the real binary (LINEAGEDB_CLI_BINARY) on Marquez's
// food_delivery events. JSON output is read with regular expressions over
// the tool's compact, fixed-order JSON.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tests/test_util.h"

#ifndef LINEAGEDB_CLI_BINARY
#error "LINEAGEDB_CLI_BINARY must name the lineagedb binary"
#endif

namespace lineagedb {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using Column = std::tuple<std::string, std::string, std::string>;

const fs::path kMarquez = fs::path(__FILE__).parent_path().parent_path() /
                          "data" / "openlineage" / "marquez_food_delivery.json";

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// `json` without the whitespace outside its strings.
std::string Minify(const std::string& json) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string && c == '\\' && i + 1 < json.size()) {
      out += json.substr(i++, 2);
      continue;
    }
    if (c == '"') in_string = !in_string;
    if (in_string || !std::isspace(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

// Every (namespace, name, field) object of `json`, in the member order both
// the tool and the Marquez file use.
std::vector<Column> Columns(const std::string& json) {
  static const std::regex kColumn(
      R"re(\{"namespace":"([^"]*)","name":"([^"]*)","field":"([^"]*)"\})re");
  std::vector<Column> out;
  for (std::sregex_iterator it(json.begin(), json.end(), kColumn), end;
       it != end; ++it) {
    out.emplace_back((*it)[1], (*it)[2], (*it)[3]);
  }
  return out;
}

class ColumnLineageCliTest : public ::testing::Test {
 protected:
  struct Result {
    int code = -1;
    std::string out;
  };

  // Runs `lineagedb --store <store> <args>`; stderr goes to err_.
  Result Lineagedb(const std::string& args) {
    const std::string command = std::string("'") + LINEAGEDB_CLI_BINARY +
                                "' --store '" + store_.string() + "' " + args +
                                " 2>'" + err_.string() + "' </dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    Result r;
    if (pipe == nullptr) return r;
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
      r.out.append(buffer, n);
    }
    const int status = pclose(pipe);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }

  void SetUp() override {
    const Result r = Lineagedb("ingest '" + kMarquez.string() + "'");
    ASSERT_EQ(r.code, 0) << r.out << Slurp(err_);
  }

  testing::TempDir dir_;
  fs::path store_ = fs::path(dir_.path()) / "store";
  fs::path err_ = fs::path(dir_.path()) / "stderr";
};

// Acceptance: the one-hop upstream of an output column equals the
// inputFields of its columnLineage facet, read from the source file here.
TEST_F(ColumnLineageCliTest, OneHopUpstreamMatchesTheFacet) {
  const std::string source = Minify(Slurp(kMarquez));
  const std::string anchor =
      R"("outputs":[{"namespace":"food_delivery","name":"public.delivery_7_days","facets":{"columnLineage":{)";
  const size_t facet = source.find(anchor);
  ASSERT_NE(facet, std::string::npos);
  const std::string field = R"("restaurant_id":{"inputFields":[)";
  const size_t begin = source.find(field, facet);
  ASSERT_NE(begin, std::string::npos);
  const size_t end = source.find(']', begin);
  const std::vector<Column> inputs = Columns(source.substr(begin, end - begin));
  ASSERT_EQ(inputs.size(), 2u);

  const Result r = Lineagedb(
      "lineage --column food_delivery:public.delivery_7_days:restaurant_id "
      "--up --hops 1 --json");
  ASSERT_EQ(r.code, 0) << Slurp(err_);
  std::set<Column> from;
  static const std::regex kEdge(
      R"re(\{"hop":(\d+),"from":(\{[^}]*\}),"to":(\{[^}]*\}),"transformation":"[^"]*"\})re");
  int edges = 0;
  for (std::sregex_iterator it(r.out.begin(), r.out.end(), kEdge), stop;
       it != stop; ++it, ++edges) {
    EXPECT_EQ((*it)[1], "1");
    EXPECT_EQ(Columns((*it)[3]),
              std::vector<Column>({{"food_delivery", "public.delivery_7_days",
                                    "restaurant_id"}}));
    from.insert(Columns((*it)[2]).at(0));
  }
  EXPECT_EQ(edges, 2) << r.out;
  EXPECT_EQ(from, std::set<Column>(inputs.begin(), inputs.end()));
}

// Acceptance: the full upstream of popular_orders_day_of_week holds a chain
// of 9 edges, back through public.menus to the etl_menus run.
TEST_F(ColumnLineageCliTest, DeepestUpstreamChainIsNineEdgesThroughMenus) {
  const Result r = Lineagedb(
      "lineage food_delivery:public.popular_orders_day_of_week --up --json");
  ASSERT_EQ(r.code, 0) << Slurp(err_);
  // Nodes "a<id>" and "e<id>"; edges in the direction of the data.
  std::map<std::string, std::vector<std::string>> preds, succs;
  static const std::regex kEvent(
      R"re(\{"artifact_id":(\d+),"execution_id":(\d+),"type":"([A-Z_]+)")re");
  for (std::sregex_iterator it(r.out.begin(), r.out.end(), kEvent), end;
       it != end; ++it) {
    const std::string a = std::string("a").append((*it)[1].str());
    const std::string e = std::string("e").append((*it)[2].str());
    const bool input = (*it)[3].str().find("INPUT") != std::string::npos;
    const std::string& from = input ? a : e;
    const std::string& to = input ? e : a;
    succs[from].push_back(to);
    preds[to].push_back(from);
  }
  std::map<std::string, std::string> names;  // Dataset name or run's job.
  // The node records, before the types (whose records also have a kind and
  // an id).
  const std::string records = r.out.substr(0, r.out.find("\"types\":"));
  static const std::regex kArtifact(
      R"re("kind":"artifact","id":(\d+),"type":"[^"]*","type_id":\d+,"name":"([^"]*)")re");
  static const std::regex kRun(
      R"re("kind":"execution","id":(\d+),[^{]*\{[^}]*"job_name":"([^"]*)")re");
  for (const auto& [re, prefix] :
       {std::pair{&kArtifact, "a"}, std::pair{&kRun, "e"}}) {
    for (std::sregex_iterator it(records.begin(), records.end(), *re), end;
         it != end; ++it) {
      names[prefix + (*it)[1].str()] = (*it)[2];
    }
  }
  ASSERT_EQ(names.size(), 24u);  // 11 datasets, 12 runs and the start.

  // Longest paths (in edges) ending at / starting from each node of the DAG.
  std::map<std::string, int> into, from;
  std::function<int(const std::string&, bool)> longest =
      [&](const std::string& node, bool backward) {
        std::map<std::string, int>& memo = backward ? into : from;
        if (auto it = memo.find(node); it != memo.end()) return it->second;
        int best = 0;
        for (const std::string& next : (backward ? preds : succs)[node]) {
          best = std::max(best, 1 + longest(next, backward));
        }
        return memo[node] = best;
      };
  int deepest = 0;
  for (const auto& [node, name] : names) {
    deepest = std::max(deepest, longest(node, true));
    longest(node, false);
  }
  EXPECT_EQ(deepest, 9);
  auto on_a_deepest_chain = [&](const std::string& name) {
    for (const auto& [node, n] : names) {
      if (n == name && into[node] + from[node] == deepest) return true;
    }
    return false;
  };
  EXPECT_TRUE(
      on_a_deepest_chain("food_delivery:public.popular_orders_day_of_week"));
  EXPECT_TRUE(on_a_deepest_chain("food_delivery:public.menus"));
  EXPECT_TRUE(on_a_deepest_chain("etl_menus"));
}

TEST_F(ColumnLineageCliTest, TextListsEachHop) {
  Result r = Lineagedb(
      "lineage --column "
      "food_delivery:public.popular_orders_day_of_week:order_day_of_week --up");
  ASSERT_EQ(r.code, 0) << Slurp(err_);
  EXPECT_THAT(r.out, HasSubstr("upstream: 4 edges"));
  EXPECT_THAT(
      r.out, HasSubstr("hop 1: food_delivery:public.popular_orders_day_of_week:"
                       "order_day_of_week <- food_delivery:public.top_delivery_"
                       "times:order_placed_on\n"));
  EXPECT_THAT(r.out, HasSubstr("hop 4: food_delivery:public.orders_7_days:"
                               "placed_on <- food_delivery:public.orders:"
                               "placed_on\n"));

  r = Lineagedb(
      "lineage --column food_delivery:public.orders:placed_on --down "
      "--hops 2");
  ASSERT_EQ(r.code, 0) << Slurp(err_);
  EXPECT_THAT(r.out, HasSubstr("downstream: 2 edges"));
  EXPECT_THAT(r.out, HasSubstr("hop 2: food_delivery:public.orders_7_days:"
                               "placed_on -> food_delivery:public.delivery_7_"
                               "days:order_placed_on\n"));

  r = Lineagedb("lineage --column food_delivery:public.orders:id --up --json");
  ASSERT_EQ(r.code, 0) << Slurp(err_);
  EXPECT_EQ(r.out, "[]\n");
}

TEST_F(ColumnLineageCliTest, NamespaceWithColonsAndScheme) {
  const fs::path event = fs::path(dir_.path()) / "pg.json";
  std::ofstream(event)
      << R"({"eventTime":"2025-01-01T00:00:00Z","producer":"p","schemaURL":"s",)"
      << R"("dataset":{"namespace":"postgres://db:5432","name":"public.t",)"
      << R"("facets":{"columnLineage":{"_producer":"p","_schemaURL":"s",)"
      << R"("fields":{"c":{"inputFields":[{"namespace":"postgres://db:5432",)"
      << R"("name":"public.s","field":"id"}]}}}}}})";
  ASSERT_EQ(Lineagedb("ingest '" + event.string() + "'").code, 0)
      << Slurp(err_);
  const Result r =
      Lineagedb("lineage --column postgres://db:5432:public.t:c --up --json");
  ASSERT_EQ(r.code, 0) << Slurp(err_);
  EXPECT_EQ(Columns(r.out),
            std::vector<Column>({{"postgres://db:5432", "public.s", "id"},
                                 {"postgres://db:5432", "public.t", "c"}}));
}

TEST_F(ColumnLineageCliTest, UsageErrorsAndUnknownDatasets) {
  const std::string good = "--column food_delivery:public.orders:id";
  for (const std::string& args : std::vector<std::string>{
           "--column food_delivery:public.orders --up", "--column ::id --up",
           "--column food_delivery::id --up", "--column a:b: --down",
           good,              // No direction.
           good + " --both",  // Not a column direction.
           good + " --up food_delivery:public.orders",  // Also a node.
           good + " --up --format dot", good + " --up --max-nodes 3",
           good + " --up --hops -2", "--up", "--column"}) {
    const Result r = Lineagedb("lineage " + args);
    EXPECT_EQ(r.code, 2) << args << ": " << Slurp(err_);
    EXPECT_THAT(Slurp(err_), HasSubstr("lineagedb: error: ")) << args;
  }
  EXPECT_EQ(
      Lineagedb("lineage --column food_delivery:public.nowhere:id --up").code,
      1);
  EXPECT_EQ(
      Lineagedb("lineage --column elsewhere:public.orders:id --down").code, 1);
  // A misspelt column is not found, not a column without lineage.
  EXPECT_EQ(
      Lineagedb("lineage --column food_delivery:public.orders:ID --down").code,
      1);
  EXPECT_THAT(Slurp(err_), HasSubstr("no stored facet names column ID"));
  const Result help = Lineagedb("lineage --help");
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, HasSubstr("--column"));
  EXPECT_THAT(help.out, HasSubstr("last two ':'"));
}

}  // namespace
}  // namespace lineagedb
