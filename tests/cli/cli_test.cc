// Tests of the lineagedb command-line tool that run the real binary
// (LINEAGEDB_CLI_BINARY) on stores in temporary folders and check its
// output and exit codes: subcommands, exit codes, get, list, lineage pages,
// cache and stale answers, the demo. The other cli_*_test.cc files test
// ingest, damaged stores and output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "tests/cli/cli_fixture.h"

namespace lineagedb::cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(CliTest, InitAndStatsOnEmptyStore) {
  CliResult r = Run("init");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("created store"));
  r = Run("init");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("already exists"));

  r = Run("stats");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("artifacts: 0"));
  EXPECT_THAT(r.out, HasSubstr("executions: 0"));
  EXPECT_THAT(r.out, HasSubstr("contexts: 0"));
  EXPECT_THAT(r.out, HasSubstr("disk size"));
  EXPECT_THAT(r.out, HasSubstr("lineage index"));

  r = Run("stats --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"artifacts\":{\"total\":0"));
  EXPECT_THAT(r.out, HasSubstr("\"events\":0"));
}

TEST_F(CliTest, EverySubcommandHasHelp) {
  for (const char* sub :
       {"init", "stats", "check", "ingest", "get", "list", "lineage", "path",
        "impact", "diff", "export", "cache", "stale", "demo"}) {
    CliResult r = RunRaw(std::string(sub) + " --help");
    EXPECT_EQ(r.code, 0) << sub << ": " << r.err;
    EXPECT_THAT(r.out, HasSubstr(sub)) << sub;
  }
}

// A repeatable option takes one value a flag: the node after it stays the
// positional argument.
TEST_F(CliTest, ARepeatableOptionLeavesThePositionalAlone) {
  IngestMarquez();
  const std::string node = "food_delivery:public.popular_orders_day_of_week";
  const std::string end = "food_delivery:public.orders_7_days";
  CliResult after = Run("lineage " + node + " --up --end " + end);
  ASSERT_EQ(after.code, 0) << after.err;
  CliResult before = Run("lineage --end " + end + " " + node + " --up");
  ASSERT_EQ(before.code, 0) << before.err;
  EXPECT_EQ(before.out, after.out);
  CliResult two = Run("lineage --end " + end + " --end " + end + " " + node +
                      " --up --hops 1");
  EXPECT_EQ(two.code, 0) << two.err;
  CliResult list = Run("list --filter type=openlineage.Dataset artifact");
  EXPECT_EQ(list.code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("food_delivery:public.orders"));
  CliResult impact = Run("impact --artifact-type openlineage.Dataset " + end);
  EXPECT_EQ(impact.code, 0) << impact.err;
  EXPECT_THAT(impact.out, HasSubstr(node));
}

TEST_F(CliTest, ExitCodes) {
  // Usage errors.
  EXPECT_EQ(RunRaw("").code, 2);
  CliResult unknown = RunRaw("no-such-subcommand");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command 'no-such-subcommand'"));
  unknown = Run("--no-such-option");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown option '--no-such-option'"));
  EXPECT_EQ(Run("stats --no-such-flag").code, 2);
  ASSERT_EQ(Run("init").code, 0);
  CliResult r = Run("lineage ''");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("lineagedb: error: "));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  // A word without a colon is an artifact's name.
  r = Run("lineage not-a-node");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no artifact named 'not-a-node' (a node is"));
  EXPECT_EQ(Run("get widget 1").code, 2);
  EXPECT_EQ(RunRaw("--store '' stats").code, 2);
  r = Run("--json demo --small");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("no --json output"));
  // Ids that are no positive integer (and no name), and negative hops.
  for (const std::string node : {"artifact:abc", "artifact:-1", "artifact:0",
                                 "execution:99999999999999999999"}) {
    r = Run("lineage " + node);
    EXPECT_EQ(r.code, 2) << node << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("bad id")) << node;
  }
  EXPECT_EQ(Run("impact artifact:1 --hops -5").code, 2);
  EXPECT_EQ(Run("export artifact:1 --hops -2").code, 2);
  // Counts are not negative (not wrapped to a huge number either).
  for (const std::string args :
       {"impact artifact:1 --max-listed -3",
        "lineage artifact:1 --max-nodes -1",
        "lineage artifact:1 --max-nodes ' -1'", "check --max-problems -1"}) {
    r = Run(args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.err;
  }
  // --json and another --format conflict.
  for (const std::string args :
       {"--json export --format dot", "--json lineage artifact:1 --format dot",
        "--json lineage --column a:b:c --up --format text"}) {
    r = Run(args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("conflict")) << args;
  }
  // export's walk options need a node.
  for (const std::string args : {"export --up", "export --hops 2"}) {
    r = Run(args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("need a node")) << args;
  }
  // A missing input among several: nothing is ingested.
  r = Run("ingest '" + MarquezFile() + "' '" + dir_.path() + "/none.json'");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("no such file"));
  EXPECT_THAT(Run("stats --json").out, HasSubstr("\"artifacts\":{\"total\":0"));
  // A --data file the demo cannot find, before anything is wiped.
  r = RunRaw("--store '" + (fs::path(dir_.path()) / "demo").string() +
             "' demo --small --data '" + dir_.path() + "/none.json'");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("no such file"));
  // Id options take positive 64-bit ids, not clamped or wrapped.
  for (const std::string args :
       {"get artifact 99999999999999999999", "get artifact -3",
        "get artifact 0", "get artifact 7x",
        "cache lookup --execution 99999999999999999999",
        "stale --context 1 --artifact 18446744073709551617",
        "stale --context 0 --artifact 1"}) {
    r = Run(args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("is no positive 64-bit id")) << args;
  }
  // Options that would be ignored (a usage error before the store is read).
  for (const std::string args : {"list artifact --type-version v9",
                                 "get artifact 3 --type-version v9"}) {
    r = RunRaw("--store '" + dir_.path() + "/absent' " + args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("--type-version")) << args;
  }
  // Not found.
  EXPECT_EQ(Run("get artifact 12345").code, 1);
  EXPECT_EQ(Run("lineage artifact:12345").code, 1);
  EXPECT_EQ(Run("lineage nowhere:nothing").code, 1);
  EXPECT_EQ(RunRaw("--store '" + (fs::path(dir_.path()) / "absent").string() +
                   "' stats")
                .code,
            1);
  // A folder that holds something else is no store, and stays as it was.
  const fs::path other = fs::path(dir_.path()) / "other";
  fs::create_directory(other);
  std::ofstream(other / "notes.txt") << "hi";
  EXPECT_EQ(RunRaw("--store '" + other.string() + "' stats").code, 1);
  EXPECT_EQ(
      std::distance(fs::directory_iterator(other), fs::directory_iterator()),
      1);
  // Invalid data.
  const fs::path bad = fs::path(dir_.path()) / "bad.json";
  std::ofstream(bad) << "{\"eventType\": \"START\", this is not JSON";
  r = Run("ingest '" + bad.string() + "'");
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("bad.json:1"));
  EXPECT_EQ(Run("ingest --strict '" + bad.string() + "'").code, 3);
  // Into a folder that does not exist, input with nothing to store leaves
  // no store behind.
  const fs::path fresh = fs::path(dir_.path()) / "fresh";
  for (const std::string flags : {"", "--strict ", "--native "}) {
    r = RunRaw("--store '" + fresh.string() + "' ingest " + flags + "'" +
               bad.string() + "'");
    EXPECT_EQ(r.code, 3) << flags << r.err;
    EXPECT_FALSE(fs::exists(fresh)) << flags;
  }
  r = Run("ingest --strict - -");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("standard input ('-') can be given once"));
  // A missing input file is not found.
  EXPECT_EQ(
      Run("ingest '" + (fs::path(dir_.path()) / "nope.json").string() + "'")
          .code,
      1);
}

// On a read-only file system the reading commands work, `init` finds the
// store there, and a writing command says why it cannot write.
TEST_F(CliTest, AStoreOnAReadOnlyFileSystemIsReadNotWritten) {
  IngestMarquez();
  testing::ReadOnlyBind read_only(store_.string());
  if (!read_only.mounted()) GTEST_SKIP() << "a bind mount needs CAP_SYS_ADMIN";
  auto at = [&](const std::string& args) {
    return RunRaw("--store '" + read_only.path() + "' " + args);
  };
  CliResult r = at("init");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("already exists"));
  r = at("--json init");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"created\":false"));
  r = at("--json stats");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"artifacts\":{\"total\":13"));
  r = at("ingest '" + MarquezFile() + "'");
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err, HasSubstr("cannot open the store's LOCK file to write"));
  EXPECT_THAT(r.err, HasSubstr("Read-only file system"));
  EXPECT_THAT(r.err, Not(HasSubstr("another process")));
  // A folder there without a store is none, and none can be made.
  r = RunRaw("--store '" + read_only.path() + "/nothing' init");
  EXPECT_EQ(r.code, 4) << r.out;
}

// A name two artifact types share is ambiguous: the tool asks for an id.
TEST_F(CliTest, ANameOfArtifactsOfTwoTypesIsAmbiguous) {
  CliResult r = IngestNative(
      {R"({"artifact_type": {"name": "A"}})",
       R"({"artifact_type": {"name": "B"}})",
       R"({"execution_type": {"name": "Step"}})",
       R"({"execution": {"type": "Step", "state": "COMPLETE"}, "events": [{"type": "OUTPUT", "artifact": {"type": "A", "name": "ns:x"}}, {"type": "OUTPUT", "artifact": {"type": "B", "name": "ns:x"}}, {"type": "OUTPUT", "artifact": {"type": "B", "name": "ns:y"}}]})"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Run("lineage ns:x");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_THAT(
      r.err,
      HasSubstr("names 2 artifacts of different types or type versions"));
  EXPECT_THAT(r.err, HasSubstr("artifact:1, artifact:2"));
  r = Run("lineage ns:y --up");
  EXPECT_EQ(r.code, 0) << r.err;
  // An OpenLineage dataset's name is no exception.
  r = IngestNative(
      {R"({"artifact_type": {"name": "openlineage.Dataset"}})",
       R"({"execution": {"type": "Step", "state": "COMPLETE"}, "events": [{"type": "OUTPUT", "artifact": {"type": "openlineage.Dataset", "name": "ns:y"}}]})"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Run("lineage ns:y");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("'ns:y' names 2 artifacts"));
}

// MLMD's artifact names need no colon: such a name is a node too, for
// every command that takes one.
TEST_F(CliTest, AnArtifactIsNamedWithoutAColon) {
  CliResult r = IngestNative(
      {R"({"artifact_type": {"name": "Model"}})",
       R"({"execution_type": {"name": "Trainer"}})",
       R"({"execution": {"type": "Trainer", "state": "COMPLETE"}, "events": [{"type": "INPUT", "artifact": {"type": "Model", "name": "base-model"}}, {"type": "OUTPUT", "artifact": {"type": "Model", "name": "tuned-model"}}]})"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Run("--json lineage tuned-model --up");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("base-model"));
  EXPECT_EQ(Run("path base-model tuned-model").code, 0);
  r = Run("path tuned-model base-model");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("is not upstream of"));
  r = Run("path base-model artifact:1");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("base-model and artifact:1 name the same node "
                               "(artifact:1); a path needs two"));
  r = Run("impact base-model");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("tuned-model"));
  r = Run("lineage no-such-model");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no artifact named 'no-such-model'"));
}

// get context lists a context's parent and child contexts (an
// OpenLineage parent facet makes the parent job's context a parent).
TEST_F(CliTest, GetContextShowsItsParentsAndChildren) {
  const fs::path input = WriteNdjson(
      "parent.ndjson",
      {R"({"eventType":"COMPLETE","eventTime":"2025-01-01T10:00:00Z",)"
       R"("producer":"p","schemaURL":"s",)"
       R"("run":{"runId":"00000000-0000-4000-8000-000000000001","facets":)"
       R"({"parent":{"_producer":"p","_schemaURL":"s","run":{"runId":)"
       R"("00000000-0000-4000-8000-0000000000aa"},"job":{"namespace":)"
       R"("airflow","name":"dag"}}}},)"
       R"("job":{"namespace":"airflow","name":"dag.task"}})"});
  ASSERT_EQ(Run("ingest '" + input.string() + "'").code, 0);
  std::map<std::string, std::string> by_name;
  for (int id : {1, 2}) {
    CliResult r = Run("--json get context " + std::to_string(id));
    ASSERT_EQ(r.code, 0) << r.err;
    by_name[r.out.find("\"name\":\"airflow/dag.task\"") != std::string::npos
                ? "task"
                : "dag"] = r.out;
  }
  ASSERT_EQ(by_name.size(), 2u);
  EXPECT_THAT(by_name["task"], HasSubstr(R"("parent_context_ids":[)"));
  EXPECT_THAT(by_name["task"], HasSubstr(R"("child_context_ids":[]})"));
  EXPECT_THAT(by_name["dag"], HasSubstr(R"("parent_context_ids":[],)"));
  EXPECT_THAT(by_name["dag"], Not(HasSubstr(R"("child_context_ids":[]})")));
  CliResult text = Run("get context 1");
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_THAT(text.out,
              ::testing::ContainsRegex("  (parent|child)_context: context:2 "));
}

// A dataset known only by versions is found by its namespace:name: the
// version stored last, which a note names.
TEST_F(CliTest, ADatasetNameFindsItsLastVersion) {
  auto event = [](int run, const std::string& version) {
    return R"({"eventType":"COMPLETE","eventTime":"2024-01-01T00:00:0)" +
           std::to_string(run) +
           R"(Z","run":{"runId":"00000000-0000-4000-8000-00000000000)" +
           std::to_string(run) +
           R"("},"job":{"namespace":"ns","name":"j"},"outputs":[{"namespace":"d","name":"t","facets":{"version":{"_producer":"p","_schemaURL":"s","datasetVersion":")" +
           version + R"("}}}],"producer":"p","schemaURL":"s"})";
  };
  const fs::path input =
      WriteNdjson("versions.ndjson", {event(1, "1"), event(2, "2")});
  ASSERT_EQ(Run("ingest -q '" + input.string() + "'").code, 0);
  CliResult r = Run("lineage d:t --up --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("d:t@2"));
  EXPECT_THAT(r.out, Not(HasSubstr("d:t@1")));
  // Stderr says which version answered.
  EXPECT_THAT(r.err, HasSubstr("note: 'd:t' has 2 versions; using the one "
                               "stored last, artifact:2 (version '2')"));
  r = Run("lineage d:t@1 --up --json");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  r = Run("lineage d:u --up");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("no dataset or artifact named 'd:u'"));
}

// A dataset in namespace "context" is a starting node like any other;
// "context:ID" that names none is a context, which lineage does not start
// from.
TEST_F(CliTest, ADatasetInNamespaceContextIsANode) {
  std::string event = CompleteEvent(1);
  const std::string out = R"({"namespace":"ns","name":"out1"})";
  event.replace(event.find(out), out.size(),
                R"({"namespace":"context","name":"in"})");
  const fs::path file = fs::path(dir_.path()) / "e.json";
  std::ofstream(file) << event;
  ASSERT_EQ(Run("ingest '" + file.string() + "'").code, 0);
  for (const std::string cmd : {"lineage context:in", "impact context:in"}) {
    CliResult r = Run(cmd);
    EXPECT_EQ(r.code, 0) << cmd << ": " << r.err;
    EXPECT_THAT(r.out, HasSubstr("context:in")) << cmd;
  }
  CliResult r = Run("lineage context:1");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("not contexts"));
  r = Run("lineage context:nothing");  // A dataset name mistyped.
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("no dataset or artifact named"));
}

// "artifact:ID" is a node id first; with no such node, the dataset of that
// name (namespace "artifact") if there is one.
TEST_F(CliTest, AnIdFormNamingNoNodeIsTriedAsADatasetName) {
  const fs::path input = WriteNdjson(
      "artifact_ns.json",
      {R"({"eventTime":"2025-01-01T00:00:00Z","producer":"p",)"
       R"("schemaURL":"s","dataset":{"namespace":"artifact","name":"999"}})"});
  ASSERT_EQ(Run("ingest -q '" + input.string() + "'").code, 0);
  CliResult r = Run("lineage artifact:999");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("lineage of artifact:1,"));
  r = Run("lineage artifact:1");  // Id 1 is the dataset itself.
  EXPECT_EQ(r.code, 0) << r.err;
  r = Run("lineage artifact:998");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no artifact 998"));
  r = Run("lineage execution:5");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no execution 5"));
}

// Types of one name differ by version; stats tells them apart from a type
// whose name looks like a name and a version.
TEST_F(CliTest, StatsListsTypesWithTheirVersions) {
  ASSERT_EQ(
      IngestNative({R"({"artifact_type": {"name": "M", "version": "v1"}})",
                    R"({"artifact_type": {"name": "M@v1"}})"})
          .code,
      0);
  CliResult r = Run("--json stats");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("name":"M","version":"v1","count":0})"));
  EXPECT_THAT(r.out, HasSubstr(R"("name":"M@v1","count":0})"));
  r = Run("stats");
  EXPECT_THAT(r.out, HasSubstr("M (version v1)"));
  // A type name without its version, or a name no type has, is not found,
  // as an unknown context is, with the versions the name has.
  for (const std::string cmd :
       {"list artifact --type M", "get artifact --type M --name x"}) {
    r = Run(cmd);
    EXPECT_EQ(r.code, 1) << cmd;
    EXPECT_THAT(r.err, HasSubstr("no artifact type 'M' without a version; its "
                                 "versions (--type-version): v1"))
        << cmd;
  }
  EXPECT_EQ(Run("list artifact --filter type=Nope").code, 1);
  r = Run("list artifact --type M --type-version v1");
  EXPECT_EQ(r.code, 0) << r.err;
}

// Nodes of two versions of one type name read apart in get and list: the
// version shows beside the name, in text and JSON, and for a node's
// contexts.
TEST_F(CliTest, GetAndListShowTheTypeVersion) {
  ASSERT_EQ(
      IngestNative(
          {R"({"artifact_type": {"name": "M", "version": "v2"}})",
           R"({"artifact_type": {"name": "M"}})",
           R"({"execution_type": {"name": "T"}})",
           R"({"context_type": {"name": "P", "version": "p1"}})",
           R"({"execution": {"type": "T"}, "events": [)"
           R"({"type": "OUTPUT", "artifact": {"type": "M", "type_version": )"
           R"("v2", "name": "a"}}, {"type": "OUTPUT", "artifact": )"
           R"({"type": "M", "name": "b"}}], "contexts": [{"type": "P", )"
           R"("type_version": "p1", "name": "run"}]})"})
          .code,
      0);
  CliResult r = Run("get artifact 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("type: M (version v2)\n"));
  EXPECT_THAT(r.out, HasSubstr("P (version p1)"));
  r = Run("get artifact 2");
  EXPECT_THAT(r.out, HasSubstr("type: M\n"));
  r = Run("--json get artifact 1");
  EXPECT_THAT(r.out, HasSubstr(R"("type":"M","type_version":"v2")"));
  r = Run("--json get artifact 2");
  EXPECT_THAT(r.out, HasSubstr(R"("type":"M","type_id")"));
  r = Run("list artifact --type M --type-version v2");
  EXPECT_THAT(r.out, HasSubstr("M (version v2)"));
  r = Run("list artifact --type M");
  EXPECT_THAT(r.out, Not(HasSubstr("version")));
  EXPECT_THAT(r.out, HasSubstr(" b"));
  // lineage --json and export too, for nodes and contexts.
  for (const std::string command :
       {"lineage artifact:1 --json", "export --format json",
        "export artifact:1 --format json"}) {
    SCOPED_TRACE(command);
    r = Run(command);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(R"("type":"M","type_version":"v2")"));
    EXPECT_THAT(r.out, HasSubstr(R"("type":"P","type_version":"p1")"));
    EXPECT_THAT(r.out, HasSubstr(R"("name":"b")"));
  }
}

// A lineage result cut by --max-nodes prints its cursor; --cursor gives the
// rest, page by page, each node once, until the whole result is read.
TEST_F(CliTest, LineagePagesWithItsCursor) {
  IngestMarquez();
  const std::string node =
      "lineage food_delivery:public.popular_orders_day_of_week --up";
  CliResult whole = Run("--json " + node);
  ASSERT_EQ(whole.code, 0) << whole.err;
  const std::regex nodes_re(R"re("nodes":\[([^\]]*)\])re");
  const std::regex cursor_re(R"re("cursor":"([^"]*)")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(whole.out, m, nodes_re));
  std::vector<std::string> expected = absl::StrSplit(m[1].str(), ',');
  ASSERT_EQ(expected.size(), 24u);  // The dataset, 12 runs, 11 datasets.
  EXPECT_THAT(whole.out, HasSubstr(R"("types":[{"kind":)"));
  std::vector<std::string> paged;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    CliResult r = Run("--json " + node + " --max-nodes 5" +
                      (cursor.empty() ? "" : " --cursor " + cursor));
    ASSERT_EQ(r.code, 0) << r.err;
    ASSERT_TRUE(std::regex_search(r.out, m, nodes_re));
    for (absl::string_view n : absl::StrSplit(m[1].str(), ',')) {
      paged.emplace_back(n);
    }
    ASSERT_TRUE(std::regex_search(r.out, m, cursor_re));
    cursor = m[1].str();
    if (cursor.empty()) break;
    EXPECT_THAT(r.out, HasSubstr("\"partial\":true"));
  }
  EXPECT_TRUE(cursor.empty());
  std::sort(expected.begin(), expected.end());
  std::sort(paged.begin(), paged.end());
  EXPECT_EQ(paged, expected);
  // Text says how to go on.
  CliResult r = Run(node + " --max-nodes 5");
  EXPECT_THAT(r.out, HasSubstr("(partial: the rest with --cursor "));
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(--cursor (\S+)\))")));
  const std::string first_cursor = m[1].str();
  // DOT and SVG say so too, under the drawing.
  r = Run(node + " --max-nodes 5 --format dot");
  EXPECT_THAT(r.out, HasSubstr("label=\"partial: the rest with --cursor " +
                               first_cursor + "\""));
  const fs::path svg = fs::path(dir_.path()) / "partial.svg";
  r = Run(node + " --max-nodes 5 --format svg -o '" + svg.string() + "'");
  if (r.code == 0) {  // Else graphviz is not installed.
    EXPECT_THAT(ReadAll(svg), HasSubstr("partial: the rest with &#45;&#45;"
                                        "cursor " +
                                        first_cursor + "<"));
  }
  // A later page's edges to an earlier page's nodes say where those are.
  r = Run(node + " --max-nodes 5 --cursor " + first_cursor);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(on an earlier page)"));
  EXPECT_THAT(r.out, Not(HasSubstr("(?)")));
  // In DOT they end at declared nodes.
  r = Run(node + " --max-nodes 5 --format dot --cursor " + first_cursor);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(on another page)"));
  std::set<std::string> declared;
  const std::regex node_re(R"(\n  ([ae]\d+) \[)"),
      edge_re(R"(\n  ([ae]\d+) -> ([ae]\d+);)");
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), node_re);
       it != std::sregex_iterator(); ++it) {
    declared.insert((*it)[1].str());
  }
  int edges = 0;
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), edge_re);
       it != std::sregex_iterator(); ++it, ++edges) {
    EXPECT_TRUE(declared.contains((*it)[1].str())) << (*it)[0].str();
    EXPECT_TRUE(declared.contains((*it)[2].str())) << (*it)[0].str();
  }
  EXPECT_GT(edges, 0);
  // A cursor of another query, or a damaged one, is a usage error (as
  // list's --page-token).
  r = Run(node + " --hops 3 --max-nodes 5 --cursor " + first_cursor);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--cursor: the lineage cursor belongs to "
                               "another query"));
  r = Run(node + " --max-nodes 5 --cursor junk");
  EXPECT_EQ(r.code, 2) << r.err;
  // An ingest that adds no lineage (a JobEvent) leaves the cursor valid.
  const fs::path job_event =
      fs::path(MarquezFile()).parent_path() / "serde_example_job_event.json";
  ASSERT_EQ(Run("ingest '" + job_event.string() + "'").code, 0);
  r = Run(node + " --max-nodes 5 --cursor " + first_cursor);
  EXPECT_EQ(r.code, 0) << r.err;
  // Nor does lineage written elsewhere.
  const fs::path later = fs::path(dir_.path()) / "later.json";
  std::ofstream(later) << CompleteEvent(7);
  ASSERT_EQ(Run("ingest '" + later.string() + "'").code, 0);
  r = Run(node + " --max-nodes 5 --cursor " + first_cursor);
  EXPECT_EQ(r.code, 0) << r.err;
  // Lineage written among the first page's nodes (the dataset read by the
  // run that wrote it): start again (exit 3 too).
  const fs::path among = fs::path(dir_.path()) / "among.json";
  std::ofstream(among)
      << R"({"eventType":"RUNNING","eventTime":"2025-01-15T10:00:01Z",)"
      << R"("run":{"runId":"adc8507c-595e-4d76-9dac-be2bf0ffe1ee"},)"
      << R"("job":{"namespace":"food_delivery",)"
      << R"("name":"orders_popular_day_of_week"},"inputs":[{"namespace":)"
      << R"("food_delivery","name":"public.popular_orders_day_of_week"}],)"
      << R"("producer":"p","schemaURL":"s"})";
  ASSERT_EQ(Run("ingest '" + among.string() + "'").code, 0);
  r = Run(node + " --max-nodes 5 --cursor " + first_cursor);
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("start again"));
}

TEST_F(CliTest, DemoRunsAndPrintsItsSections) {
  CliResult r = Run("demo --small");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (const char* section :
       {"== 1. A realistic ML history", "== 2. OpenLineage events",
        "== 3. Where did the latest pushed model come from?",
        "== 4. Which models does a dataset affect?", "== 5. Why does",
        "== 6. Upstream of food_delivery:public.popular_orders_day_of_week",
        "== 7. A picture", "== 8. Would re-running the latest Trainer",
        "== 9. New data arrives"}) {
    EXPECT_THAT(r.out, HasSubstr(section));
  }
  EXPECT_THAT(r.out, HasSubstr("executions/s"));
  EXPECT_THAT(r.out, HasSubstr("12 runs of 12 jobs, 11 datasets"));
  EXPECT_THAT(r.out, HasSubstr("wrote "));
  EXPECT_THAT(r.out, HasSubstr("cache HIT"));
  EXPECT_THAT(r.out, HasSubstr("cache MISS"));
  EXPECT_THAT(r.out, HasSubstr("stale, in the order to re-run them: "
                               "StatisticsGen SchemaGen Transform Trainer"));
  EXPECT_TRUE(fs::exists(store_ / "latest_model_lineage.svg") ||
              fs::exists(store_ / "latest_model_lineage.dot"));
  // The demo's store passes the check.
  CliResult check = Run("check");
  EXPECT_EQ(check.code, 0) << check.out;
  // "Try next" shows impact on a dataset that has a downstream.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(impact (\S+)\n)")));
  CliResult impact = Run("impact " + std::string(m[1]));
  EXPECT_EQ(impact.code, 0) << impact.err;
  EXPECT_THAT(impact.out, Not(HasSubstr(": 0 nodes")));
  // Its sizes: --small is 10 runs, not with --runs; a bounded history.
  for (const std::string args :
       {"demo --small --runs 5", "demo --runs 0",
        "demo --pipelines 1000 --runs 1000", "demo --runs 99999999999"}) {
    CliResult bad = Run(args);
    EXPECT_EQ(bad.code, 2) << args << ": " << bad.err;
  }
  // Other events (--data): every section runs, on the dataset stored last.
  r = Run("demo --small --data '" + DataFile("example_full_event.json") + "'");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("food_delivery")));
  EXPECT_THAT(r.out,
              HasSubstr("== 6. Upstream of "
                        "my-datasource-namespace:instance.schema.table"));
  EXPECT_THAT(r.out, HasSubstr("jobs:    myjob.mytask"));
  EXPECT_THAT(r.out, HasSubstr("== 9. New data arrives"));
}

// The demo wipes a store only under its lock, keeps files that are not the
// store's, and checks its input before it wipes anything.
TEST_F(CliTest, DemoWipesOnlyAStoreNoOneHasOpen) {
  IngestMarquez();
  const std::string before = Run("--json stats").out;
  ASSERT_THAT(before, HasSubstr("\"total\":13"));
  {
    // Open in this process: the demo's process may not take it.
    Options options;
    options.create_if_missing = false;
    auto open = Store::Open(options, store_.string());
    ASSERT_TRUE(open.ok()) << open.status();
    const CliResult r = Run("demo --small");
    EXPECT_EQ(r.code, 4) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("has the store open"));
  }
  EXPECT_EQ(Run("--json stats").out, before);
  // A --data folder: refused before the wipe.
  CliResult r = Run("demo --small --data '" + dir_.path() + "'");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("is a directory"));
  EXPECT_EQ(Run("--json stats").out, before);
  // The user's file in the store's folder stays.
  std::ofstream(store_ / "notes.txt") << "mine";
  r = Run("demo --small");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(store_ / "notes.txt"));
  EXPECT_THAT(Run("--json stats").out, Not(HasSubstr("\"total\":13,")));
}

// A store under a missing folder: the missing folder is named, and init
// is not offered as the way out (it fails the same way).
TEST_F(CliTest, InitUnderAMissingFolderNamesIt) {
  for (const std::string cmd : {"init", "demo --small"}) {
    const CliResult r =
        RunRaw("--store '" + dir_.path() + "/missing/store' " + cmd);
    EXPECT_EQ(r.code, 1) << cmd << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("missing does not exist")) << cmd;
    EXPECT_THAT(r.err, Not(HasSubstr("lineagedb init"))) << cmd;
  }
}

// The demo records the latest Trainer's fingerprint (code version
// trainer:1.0) and lands a new span, so both questions have answers.
TEST_F(CliTest, CacheLookupAndStaleSteps) {
  CliResult demo = Run("demo --small");
  ASSERT_EQ(demo.code, 0) << demo.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      demo.out, m,
      std::regex(
          R"(execution:(\d+) \(Trainer, code version trainer:1.0\), 3 inputs)")));
  const std::string trainer = m[1];
  // "Try next" shows the same question on the command line.
  EXPECT_THAT(demo.out, HasSubstr("cache lookup --execution " + trainer +
                                  " --code-version trainer:1.0\n"));
  ASSERT_TRUE(std::regex_search(
      demo.out, m,
      std::regex(R"(new Examples artifact:(\d+) from execution:(\d+))")));
  const std::string examples = m[1];
  const std::string example_gen = m[2];

  CliResult r = Run("cache lookup --execution " + trainer +
                    " --code-version trainer:1.0");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("cache hit"));
  EXPECT_THAT(r.out, HasSubstr("model -> artifact:"));
  // Another code version is another fingerprint: a miss, exit 1.
  EXPECT_EQ(Run("cache lookup --execution " + trainer).code, 1);
  EXPECT_EQ(
      Run("cache lookup --fingerprint 00000000000000000000000000000000").code,
      1);
  EXPECT_EQ(Run("cache lookup").code, 2);
  r =
      Run("cache lookup --fingerprint 00000000000000000000000000000000 "
          "--code-version x");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--code-version goes with --execution"));
  EXPECT_EQ(Run("cache evict --fingerprint ab").code, 2);

  r = Run("--json get execution " + example_gen);
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(
      std::regex_search(r.out, m, std::regex(R"("context_ids":\[(\d+)\])")))
      << r.out;
  const std::string context = m[1];
  r = Run("stale --context " + context + " --artifact " + examples);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("stale: StatisticsGen"));
  EXPECT_THAT(r.out, HasSubstr("valid: ExampleGen"));
  r = Run("--json stale --context " + context + " --artifact " + examples);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(
      r.out,
      HasSubstr(R"({"stale":[{"type":"StatisticsGen","latest_execution":)"));
  EXPECT_THAT(
      r.out, HasSubstr(R"("valid":[{"type":"ExampleGen","latest_execution":)"));
  r = Run("--json cache lookup --execution " + trainer +
          " --code-version trainer:1.0");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("outputs":{"model":[)"));
  EXPECT_EQ(Run("stale --context 999999 --artifact " + examples).code, 1);
  // The latest model: the steps after the Trainer read it (the Evaluator
  // beside its baseline model), so none is stale.
  ASSERT_TRUE(
      std::regex_search(demo.out, m, std::regex(R"(model -> artifact:(\d+))")));
  r = Run("stale --context " + context + " --artifact " + m[1].str());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("stale: (none)\n"));
}

// The values of `"field":<number or string>` in compact JSON, in order.
std::vector<std::string> JsonValues(const std::string& json,
                                    const std::string& field) {
  std::vector<std::string> out;
  const std::regex re("\"" + field + R"(":("[^"]*"|\d+))");
  for (auto it = std::sregex_iterator(json.begin(), json.end(), re);
       it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

// `list --filter` narrows by type, URI and context, all conditions at once;
// a malformed or impossible condition is a usage error, an unknown context
// is not found.
TEST_F(CliTest, ListFiltersByTypeUriAndContext) {
  ASSERT_EQ(Run("demo --small").code, 0);
  CliResult r = Run("--json list context --filter type=pipeline_run --limit 1");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::vector<std::string> ids = JsonValues(r.out, "id");
  const std::vector<std::string> names = JsonValues(r.out, "name");
  ASSERT_EQ(ids.size(), 1u);
  ASSERT_EQ(names.size(), 1u);
  const std::string run_id = ids[0];
  const std::string run_name = names[0].substr(1, names[0].size() - 2);
  // The run's executions: one per step, the same by id and by name.
  r = Run("--json list execution --all --filter context=" + run_id);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::vector<std::string> steps = JsonValues(r.out, "type");
  EXPECT_GE(steps.size(), 5u);
  EXPECT_EQ(std::count(steps.begin(), steps.end(), "\"Trainer\""), 1);
  CliResult by_name = Run(
      "--json list execution --all --filter context=pipeline_run/" + run_name);
  EXPECT_EQ(by_name.out, r.out);
  r = Run("--json list execution --all --filter context=" + run_id +
          " --filter type=Trainer");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(JsonValues(r.out, "type"), std::vector<std::string>{"\"Trainer\""});
  // By URI: artifact 1's.
  r = Run("--json get artifact 1");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::vector<std::string> uris = JsonValues(r.out, "uri");
  ASSERT_EQ(uris.size(), 1u);
  r = Run("--json list artifact --all --filter 'uri=" +
          uris[0].substr(1, uris[0].size() - 2) + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(JsonValues(r.out, "id"), std::vector<std::string>{"1"});
  // Errors.
  for (const std::string bad :
       {"artifact --filter nokey", "artifact --filter =x",
        "artifact --filter color=red", "execution --filter uri=x",
        "context --filter context=1", "artifact --filter context=abc",
        "artifact --filter context=0",
        "artifact --type Model --filter type=Model",
        "artifact --filter uri=a --filter uri=b"}) {
    r = Run("list " + bad);
    EXPECT_EQ(r.code, 2) << bad << ": " << r.out << r.err;
    EXPECT_FALSE(r.err.empty()) << bad;
  }
  EXPECT_EQ(Run("list artifact --filter context=999999").code, 1);
  EXPECT_EQ(Run("list artifact --filter context=pipeline_run/none").code, 1);
  EXPECT_EQ(Run("list artifact --filter type=").code, 2);
}

// TYPE/NAME finds a context whose type name holds '/' or has a version;
// when two contexts match, the id must be given.
TEST_F(CliTest, ListFilterFindsContextsOfAnyTypeName) {
  ASSERT_EQ(
      IngestNative(
          {R"({"context_type":{"name":"team/pipeline"}})",
           R"({"context_type":{"name":"team"}})",
           R"({"context_type":{"name":"pipeline","version":"v2"}})",
           R"({"execution_type":{"name":"Step"}})",
           R"({"execution":{"type":"Step","name":"e1"},"contexts":[{"type":"team/pipeline","name":"p1"}]})",
           R"({"execution":{"type":"Step","name":"e2"},"contexts":[{"type":"team","name":"pipeline/p1"}]})",
           R"({"execution":{"type":"Step","name":"e3"},"contexts":[{"type":"pipeline","type_version":"v2","name":"p3"}]})"})
          .code,
      0);
  CliResult r = Run("list execution --filter context=pipeline/p3");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("e3"));
  EXPECT_THAT(r.out, Not(HasSubstr("e1")));
  // "team/pipeline/p1" is context p1 of team/pipeline and pipeline/p1 of
  // team.
  r = Run("list execution --filter context=team/pipeline/p1");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("give its id"));
  EXPECT_EQ(Run("list execution --filter context=team/nothing").code, 1);
}

TEST_F(CliTest, QueriesOnTheDemoStore) {
  ASSERT_EQ(Run("demo --small").code, 0);
  CliResult r = Run("list artifact --type Model --limit 2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Model"));
  EXPECT_THAT(r.out, HasSubstr("--page-token"));
  {
    // The token of another query, or a damaged one, is a usage error.
    std::smatch m;
    ASSERT_TRUE(
        std::regex_search(r.out, m, std::regex("--page-token ([^)\\s]+)")));
    const std::string token = m[1];
    CliResult other =
        Run("list artifact --type Examples --page-token " + token);
    EXPECT_EQ(other.code, 2) << other.err;
    EXPECT_THAT(other.err, HasSubstr("--page-token: "));
    EXPECT_EQ(Run("list artifact --type Model --page-token x" + token).code, 2);
    EXPECT_EQ(
        Run("list artifact --type Model --limit 2 --page-token " + token).code,
        0);
  }
  r = Run("--json list execution --type Trainer --all");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"next_page_token\":\"\""));
  r = Run("get artifact 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("type: Examples"));
  r = Run("get context --type pipeline --name pipeline-0");
  EXPECT_EQ(r.code, 0) << r.err;

  r = Run("impact artifact:1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("downstream of artifact:1"));
  r = Run("impact artifact:1 --artifact-type Model --artifacts-only --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"type\":\"Model\""));
  // A misspelt type is not found, not "nothing affected".
  r = Run("impact artifact:1 --artifact-type Modle");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.err, HasSubstr("no artifact type 'Modle'"));
  r = Run("impact artifact:1 --execution-type Trainer --execution-type Nope");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.err, HasSubstr("no execution type 'Nope'"));
  r = Run("path artifact:1 execution:1");
  EXPECT_EQ(r.code, 1) << r.out;  // Artifact 1 is ExampleGen's output.
  r = Run("path execution:1 artifact:1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("-[OUTPUT]->"));

  r = Run("--json list artifact --type Model --limit 2");
  ASSERT_EQ(r.code, 0);
  r = Run("diff artifact:6 artifact:6");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("changed properties"));

  r = Run("export --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"attributions\":[{"));
  r = Run("export artifact:1 --down --hops 2 --format dot");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("digraph"));
  const fs::path svg = fs::path(dir_.path()) / "out.svg";
  r = Run("export artifact:1 --down --hops 2 --format svg -o '" + svg.string() +
          "'");
  if (r.code == 0) {
    EXPECT_THAT(ReadAll(svg), HasSubstr("<svg"));
    // SVG on standard output that cannot be written is this tool's
    // storage error (exit 4), not a failure of dot.
    const fs::path err = fs::path(dir_.path()) / "svg-stderr";
    const int status =
        std::system((std::string("'") + LINEAGEDB_CLI_BINARY + "' --store '" +
                     store_.string() + "' export --format svg >/dev/full 2>'" +
                     err.string() + "'")
                        .c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 4);
    EXPECT_THAT(ReadAll(err), HasSubstr("cannot write standard output"));
    // dot's own failure is one line of this tool's, with dot's reason.
    r = Run("export --format svg -o '" + dir_.path() + "/none/g.svg'");
    EXPECT_EQ(r.code, 4);
    EXPECT_THAT(r.err, HasSubstr("the `dot` program failed"));
    EXPECT_THAT(r.err, HasSubstr("none/g.svg"));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    // Into a named file, no temporary folder is needed.
    const fs::path named = fs::path(dir_.path()) / "named.svg";
    const int written =
        std::system((std::string("TMPDIR=/nonexistent '") +
                     LINEAGEDB_CLI_BINARY + "' --store '" + store_.string() +
                     "' export --format svg -o '" + named.string() + "'")
                        .c_str());
    ASSERT_TRUE(WIFEXITED(written));
    EXPECT_EQ(WEXITSTATUS(written), 0);
    EXPECT_THAT(ReadAll(named), HasSubstr("<svg"));
    // For standard output it is, and a missing one is named.
    r = RunRaw("--store '" + store_.string() + "' export --format svg",
               "TMPDIR=/nonexistent ");
    EXPECT_EQ(r.code, 4);
    EXPECT_THAT(r.err,
                HasSubstr("cannot make a temporary file in /nonexistent: No "
                          "such file or directory"));
    EXPECT_EQ(r.out, "");
  } else {
    EXPECT_THAT(r.err, HasSubstr("`dot`"));
  }
}

}  // namespace
}  // namespace lineagedb::cli_test
