// Tests of the lineagedb command-line tool that run the real binary
// (LINEAGEDB_CLI_BINARY) on stores in temporary folders and check its
// output and exit codes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "codec/coding.h"
#include "codec/keys.h"
#include "codec/records.h"
#include "graph/adjacency_index.h"
#include "storage/kv.h"
#include "store/store_impl.h"
#include "tests/test_util.h"

#ifndef LINEAGEDB_CLI_BINARY
#error "LINEAGEDB_CLI_BINARY must name the lineagedb binary"
#endif

namespace lineagedb {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The project's copy of an OpenLineage example file.
std::string DataFile(const std::string& name) {
  return (fs::path(__FILE__).parent_path().parent_path() / "data" /
          "openlineage" / name)
      .string();
}

// The project's copy of Marquez's food_delivery events.
std::string MarquezFile() { return DataFile("marquez_food_delivery.json"); }

// A COMPLETE event of run i (1-9) of job "ns/job<i>" with output ns:out<i>.
std::string CompleteEvent(int i) {
  const std::string n = std::to_string(i);
  return "{\"eventType\":\"COMPLETE\",\"eventTime\":"
         "\"2024-01-01T00:00:00Z\",\"run\":{\"runId\":"
         "\"00000000-0000-4000-8000-00000000000" +
         n + "\"},\"job\":{\"namespace\":\"ns\",\"name\":\"job" + n +
         "\"},\"inputs\":[],\"outputs\":[{\"namespace\":\"ns\","
         "\"name\":\"out" +
         n + "\"}],\"producer\":\"p\",\"schemaURL\":\"s\"}";
}

class CliTest : public ::testing::Test {
 protected:
  // Runs `lineagedb --store <store> <args>` and captures its output.
  CliResult Run(const std::string& args) {
    return RunRaw("--store '" + store_.string() + "' " + args);
  }

  // `shell` comes before the command in the shell's line ("ulimit ...;").
  CliResult RunRaw(const std::string& args, const std::string& shell = "") {
    const fs::path out = fs::path(dir_.path()) / "stdout";
    const fs::path err = fs::path(dir_.path()) / "stderr";
    const std::string command = shell + "'" + LINEAGEDB_CLI_BINARY + "' " +
                                args + " >'" + out.string() + "' 2>'" +
                                err.string() + "' </dev/null";
    const int status = std::system(command.c_str());
    CliResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadAll(out);
    r.err = ReadAll(err);
    return r;
  }

  // Writes `lines` as the NDJSON file `name` of the test's folder.
  fs::path WriteNdjson(const std::string& name,
                       const std::vector<std::string>& lines) {
    const fs::path input = fs::path(dir_.path()) / name;
    std::ofstream out(input);
    for (const std::string& line : lines) out << line << "\n";
    return input;
  }

  // Writes `lines` as an NDJSON file of native items and ingests it.
  CliResult IngestNative(const std::vector<std::string>& lines) {
    const fs::path input = WriteNdjson("native.ndjson", lines);
    return Run("ingest --native '" + input.string() + "'");
  }

  void IngestMarquez() {
    CliResult r = Run("ingest '" + MarquezFile() + "'");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }

  // Puts `value` under `key`, or deletes `key` if there is none, in the
  // store's RocksDB behind lineagedb's back: a damaged store.
  void WriteRawKey(const std::string& key,
                   const std::optional<std::string>& value) {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(rocksdb::Options(), store_.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    const rocksdb::Status s =
        value.has_value() ? db->Put(rocksdb::WriteOptions(), key, *value)
                          : db->Delete(rocksdb::WriteOptions(), key);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE(db->Close().ok());
  }

  testing::TempDir dir_;
  fs::path store_ = fs::path(dir_.path()) / "store";
};

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

TEST_F(CliTest, IngestMarquezSummary) {
  CliResult r = Run("ingest '" + MarquezFile() + "'");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("13 runs, 13 jobs, 13 datasets, 27 edges, "
                               "0 rejected"));
  r = Run("stats --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"executions\":{\"total\":13"));
  EXPECT_THAT(r.out, HasSubstr("\"events\":27"));

  // Ingesting the same events again adds nothing.
  r = Run("ingest --json '" + MarquezFile() + "'");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"edges\":0"));
}

// A pipe is read as a stream (what `<(zcat events.gz)` gives); a folder is
// a usage error and a missing file not found.
TEST_F(CliTest, IngestReadsAPipeAndRefusesAFolder) {
  const fs::path fifo = fs::path(dir_.path()) / "events.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer(
      [&] { std::ofstream(fifo, std::ios::binary) << ReadAll(MarquezFile()); });
  CliResult r = Run("ingest '" + fifo.string() + "'");
  writer.join();
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("13 runs, 13 jobs, 13 datasets, 27 edges"));
  r = Run("ingest '" + dir_.path() + "'");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("is a directory"));
  r = Run("ingest '" + dir_.path() + "/none.json'");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("no such file"));
}

// A UTF-8 byte order mark before NDJSON: the lines are still events, and a
// bad one is named by its line.
TEST_F(CliTest, NdjsonAfterAByteOrderMark) {
  const fs::path input = WriteNdjson(
      "bom.ndjson",
      {"\xEF\xBB\xBF" + CompleteEvent(1), "{not json}", CompleteEvent(2)});
  CliResult r = Run("ingest -q '" + input.string() + "'");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("bom.ndjson:2: malformed JSON"));
  EXPECT_THAT(r.out, HasSubstr("ingested 2 events: 2 runs, 2 jobs"));
  // The mark on a line of its own, then blank lines: no rejection.
  const fs::path alone =
      WriteNdjson("alone.ndjson", {"\xEF\xBB\xBF", " \r", CompleteEvent(3)});
  r = Run("ingest -q '" + alone.string() + "'");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ingested 1 events"));
}

TEST_F(CliTest, IngestNativeJsonAndReportBadItems) {
  const fs::path input = fs::path(dir_.path()) / "steps.ndjson";
  std::ofstream(input)
      << R"({"artifact_type": {"name": "Data"}})"
         "\n"
         R"({"execution_type": {"name": "Train", "properties": {"lr": "DOUBLE"}}})"
         "\n"
         R"({"execution": {"type": "Train", "state": "COMPLETE", "properties": {"lr": 1}}, "events": [{"type": "OUTPUT", "path": ["out", 0], "artifact_id": 7, "artifact": {"type": "Data", "uri": "/d"}}]})"
         "\n"
         R"({"execution": {"type": "Train"}, "events": [{"type": "INPUT", "artifact_id": 7}]})"
         "\n"
         R"({"execution": {"type": "Missing"}})"
         "\n";
  CliResult r = Run("ingest --native '" + input.string() + "'");
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("ingested 2 executions: 2 types, 1 artifacts, "
                               "2 events, 1 rejected"));
  EXPECT_THAT(r.err, HasSubstr("1 item was rejected"));
  EXPECT_THAT(r.err, HasSubstr(input.string() +
                               ":5: execution.type: no execution type named "
                               "'Missing'"));
  r = Run("get execution 1 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"state\":\"COMPLETE\""));
  r = Run("lineage artifact:1 --down --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"execution_id\":2"));
}

TEST_F(CliTest, IngestNativeStrictKeepsTheItemsBeforeARefusedOne) {
  const fs::path input =
      WriteNdjson("steps.ndjson", {R"({"execution_type": {"name": "Train"}})",
                                   R"({"execution": {"type": "Train"}})",
                                   R"({"execution": {"type": "Missing"}})",
                                   R"({"execution": {"type": "Train"}})"});
  CliResult r = Run("ingest --native --strict '" + input.string() + "'");
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr(input.string() +
                               ":3: execution.type: no execution type named "
                               "'Missing'"));
  EXPECT_EQ(Run("get execution 1").code, 0);
  EXPECT_EQ(Run("get execution 2").code, 1);
}

// --strict on native NDJSON that is not valid JSON stores nothing of it
// (the whole input is one document), and no store is left where there was
// none.
TEST_F(CliTest, IngestNativeStrictStoresNothingOfMalformedInput) {
  const fs::path input = WriteNdjson(
      "steps.ndjson", {R"({"execution_type": {"name": "Train"}})",
                       R"({"execution": {"type": "Train"}})",
                       R"({"execution": {"type": "Train", not json}})",
                       R"({"execution": {"type": "Train"}})"});
  CliResult r = Run("ingest --native --strict '" + input.string() + "'");
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("malformed JSON"));
  EXPECT_FALSE(fs::exists(store_));
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

// An SVG past kMaxSvgNodes is refused before graphviz is run (its layout
// would take minutes), with the ways to draw less; DOT is still written.
TEST_F(CliTest, AnSvgTooLargeToLayOutIsRefused) {
  std::vector<std::string> lines = {
      R"({"artifact_type": {"name": "D"}})",
      R"({"execution_type": {"name": "S"}})",
      R"({"execution": {"type": "S"}, "events": [{"type": "OUTPUT", )"
      R"("artifact_id": 1, "artifact": {"type": "D"}}]})"};
  // A chain of 2,501 steps after the first: 5,004 nodes, past the 5,000
  // that kMaxSvgNodes (tools/cli/output.h) allows.
  for (size_t i = 1; i <= 2501; ++i) {
    lines.push_back(absl::StrCat(
        R"({"execution": {"type": "S"}, "events": [{"type": "INPUT", )",
        R"("artifact_id": )", i, R"(}, {"type": "OUTPUT", "artifact_id": )",
        i + 1, R"(, "artifact": {"type": "D"}}]})"));
  }
  ASSERT_EQ(IngestNative(lines).code, 0);
  for (const std::string command :
       {"lineage artifact:1 --down --hops 6000 --format svg",
        "export --format svg"}) {
    SCOPED_TRACE(command);
    CliResult r = Run(command);
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr("nodes are too many to draw as SVG"));
    EXPECT_THAT(r.err, HasSubstr("--format dot"));
    EXPECT_TRUE(r.out.empty());
  }
  CliResult dot = Run("lineage artifact:1 --down --hops 6000 --format dot");
  EXPECT_EQ(dot.code, 0) << dot.err;
  // A part of it still draws.
  if (std::system("command -v dot >/dev/null 2>&1") == 0) {
    CliResult svg = Run("lineage artifact:1 --down --hops 4 --format svg");
    EXPECT_EQ(svg.code, 0) << svg.err;
    EXPECT_THAT(svg.out, HasSubstr("<svg"));
  }
}

// Lineage in every format; OpenLineage runs are named by their jobs.
TEST_F(CliTest, LineageOfADatasetInEveryFormat) {
  IngestMarquez();
  const std::string node = "food_delivery:public.popular_orders_day_of_week";
  CliResult text = Run("lineage " + node + " --up");
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("openlineage.Job"));
  EXPECT_THAT(text.out, HasSubstr("popular_orders_day_of_week"));
  EXPECT_THAT(text.out,
              HasSubstr("24 nodes"));  // 12 runs, 11 datasets and the start.
  // A run has no name: it is shown by its job's.
  EXPECT_THAT(text.out, HasSubstr("openlineage.Job      "
                                  "food_delivery/orders_popular_day_of_week"));

  CliResult json = Run("--json lineage " + node + " --up");
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(json.out.front(), '{');
  EXPECT_THAT(json.out, HasSubstr("\"executions\":[{"));
  EXPECT_THAT(json.out, HasSubstr("\"events\":[{"));

  CliResult dot = Run("lineage " + node + " --up --format dot");
  ASSERT_EQ(dot.code, 0) << dot.err;
  EXPECT_THAT(dot.out, HasSubstr("digraph lineage {"));
  EXPECT_THAT(dot.out, HasSubstr(" -> "));
  EXPECT_THAT(dot.out, HasSubstr("food_delivery/orders_popular_day_of_week"));
  CliResult path = Run("path food_delivery:public.menus " + node);
  EXPECT_THAT(path.out, HasSubstr("(openlineage.Job "
                                  "'food_delivery/etl_orders_7_days')"));

  CliResult by_id = Run("lineage artifact:1 --down --hops 2");
  EXPECT_EQ(by_id.code, 0) << by_id.err;
}

TEST_F(CliTest, ExitCodes) {
  // Usage errors.
  EXPECT_EQ(RunRaw("").code, 2);
  CliResult unknown = RunRaw("no-such-subcommand");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command 'no-such-subcommand'"));
  EXPECT_EQ(Run("stats --no-such-flag").code, 2);
  ASSERT_EQ(Run("init").code, 0);
  CliResult r = Run("lineage not-a-node");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("lineagedb: error: "));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(Run("get widget 1").code, 2);
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
  EXPECT_EQ(Run("export artifact:1 --hops -1").code, 2);
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

// --strict checks every input before it ingests any: a bad event in either
// of two files stores nothing of the other.
TEST_F(CliTest, StrictIngestOfSeveralFilesStoresNothingOnABadEvent) {
  ASSERT_EQ(Run("init").code, 0);
  const std::string before = Run("export --format json").out;
  const fs::path bad = fs::path(dir_.path()) / "bad.json";
  std::ofstream(bad) << "{\"eventType\": \"START\", this is not JSON";
  const std::string good = "'" + MarquezFile() + "'";
  for (const std::string& files :
       {good + " '" + bad.string() + "'", "'" + bad.string() + "' " + good}) {
    CliResult r = Run("ingest --strict " + files);
    EXPECT_EQ(r.code, 3) << files;
    EXPECT_THAT(r.err, HasSubstr("bad.json:1")) << files;
    EXPECT_EQ(Run("export --format json").out, before) << files;
    EXPECT_THAT(Run("list execution").out, HasSubstr("(no executions)"));
  }
  CliResult r = Run("ingest --strict " + good + " " + good);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ingested 52 events: 13 runs, 13 jobs"));
}

// A strict refusal gives --json its report on stdout: what was stored and
// the refused event (whose message is also the error line).
TEST_F(CliTest, StrictRefusalStillReportsInJson) {
  const fs::path bad = fs::path(dir_.path()) / "bad.json";
  std::ofstream(bad) << "{\"eventType\": \"START\", this is not JSON";
  CliResult r = Run("--json ingest --strict '" + MarquezFile() + "' '" +
                    bad.string() + "'");
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("bad.json:1"));
  EXPECT_THAT(r.err, Not(HasSubstr("rejected ")));
  EXPECT_THAT(r.out, HasSubstr("\"events\":0,"));
  EXPECT_THAT(r.out, HasSubstr("\"rejections\":[{\"source\":\"" + bad.string() +
                               "\",\"index\":1,"));
  EXPECT_FALSE(fs::exists(store_));

  // Native: the items before the refused one stay stored, and say so.
  const fs::path steps =
      WriteNdjson("steps.ndjson", {R"({"execution_type": {"name": "Train"}})",
                                   R"({"execution": {"type": "Train"}})",
                                   R"({"execution": {"type": "Missing"}})"});
  r = Run("--json ingest --native --strict '" + steps.string() + "'");
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.out, HasSubstr("\"executions\":1,\"types\":1,"));
  EXPECT_THAT(r.out, HasSubstr("\"index\":3,"));
}

// NDJSON is read in 16 MiB blocks: an event across a block's end goes in
// whole, also when it is the first line (which decides whether the input is
// NDJSON), rejections name their line in the whole input, and a last line
// without a newline is read.
TEST_F(CliTest, NdjsonLinesAcrossReadBlocks) {
  constexpr size_t kBlock = size_t{16} << 20;
  // The event on line `across` (from 0) spans the first block's end.
  for (const int across : {0, 1}) {
    SCOPED_TRACE(across);
    fs::remove_all(store_);
    std::string text = across == 0 ? "" : CompleteEvent(1) + "\n";
    const std::string spanning = CompleteEvent(across + 1);
    // Blank lines up to the middle of that event at the block's end.
    const size_t blanks = kBlock - text.size() - spanning.size() / 2;
    text.append(blanks, '\n');
    text += spanning + "\n";
    const size_t bad_line = blanks + across + 2;  // From 1.
    text += "{\"eventType\": \"START\", not JSON}\n";
    for (int i = across + 2; i <= 3; ++i) {
      text += '\n';
      text += CompleteEvent(i);
    }
    const fs::path input = fs::path(dir_.path()) / "blocks.ndjson";
    std::ofstream(input, std::ios::binary | std::ios::trunc) << text;

    CliResult r = Run("ingest -q '" + input.string() + "'");
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_THAT(r.out,
                HasSubstr("ingested 3 events: 3 runs, 3 jobs, 3 datasets"));
    EXPECT_THAT(r.err, HasSubstr("blocks.ndjson:" + std::to_string(bad_line) +
                                 ": malformed JSON"));
    for (int i = 1; i <= 3; ++i) {
      CliResult got =
          Run("get artifact --type openlineage.Dataset --name ns:out" +
              std::to_string(i));
      EXPECT_EQ(got.code, 0) << i << got.err;
    }
  }
}

TEST_F(CliTest, OutputThatCannotBeWrittenIsAStorageError) {
  IngestMarquez();
  const fs::path err = fs::path(dir_.path()) / "stderr";
  for (const std::string args : {"export", "--json stats", "list artifacts"}) {
    SCOPED_TRACE(args);
    const std::string command = std::string("'") + LINEAGEDB_CLI_BINARY +
                                "' --store '" + store_.string() + "' " + args +
                                " >/dev/full 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 4);
    const std::string message = ReadAll(err);
    EXPECT_THAT(message, HasSubstr("cannot write standard output"));
    EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
  }
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
  EXPECT_THAT(r.err, HasSubstr("names 2 artifacts of different types"));
  EXPECT_THAT(r.err, HasSubstr("artifact:1, artifact:2"));
  r = Run("lineage ns:y --up");
  EXPECT_EQ(r.code, 0) << r.err;
}

// Names with quotes come out of --json escaped: the output stays JSON.
TEST_F(CliTest, JsonOfCacheLookupAndStaleEscapesNames) {
  CliResult r = IngestNative(
      {R"({"artifact_type": {"name": "Data"}})",
       R"({"execution_type": {"name": "Ste\"p"}})",
       R"({"context_type": {"name": "pipeline"}})",
       R"({"execution": {"type": "Ste\"p", "state": "COMPLETE", "fingerprint": "fp1"}, "events": [{"type": "OUTPUT", "path": ["m\"x", 0], "artifact": {"type": "Data", "uri": "/d"}}], "contexts": [{"type": "pipeline", "name": "p"}]})"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Run("--json cache lookup --fingerprint fp1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("outputs":{"m\"x":[1]})")) << r.out;
  r = Run("--json stale --context 1 --artifact 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("valid":[{"type":"Ste\"p")")) << r.out;
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

// A whole DOUBLE is shown with ".0", in text and JSON, so that it is told
// from an INT and an export reads back with the same kinds.
TEST_F(CliTest, AWholeDoubleIsShownAsADouble) {
  CliResult r = IngestNative(
      {R"({"execution_type": {"name": "Step", "properties": {"lr": "DOUBLE"}}})",
       R"({"execution": {"type": "Step", "properties": {"lr": 2}, "custom_properties": {"d": 3.0, "i": 3, "big": 1e300, "neg": -0.0}}})"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Run("--json get execution 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("lr":2.0)"));
  EXPECT_THAT(r.out, HasSubstr(R"("d":3.0)"));
  EXPECT_THAT(r.out, HasSubstr(R"("i":3)"));
  EXPECT_THAT(r.out, HasSubstr(R"("big":1e+300)"));
  r = Run("get execution 1");
  EXPECT_THAT(r.out, HasSubstr("d: 3.0\n"));
  EXPECT_THAT(r.out, HasSubstr("i: 3\n"));
}

// What is stored is shown: an execution's fingerprint (get, export) and a
// type's base type, description and external id (export), a proto's bytes
// (export, as native JSON takes them in).
TEST_F(CliTest, GetAndExportShowFingerprintsAndTypeFields) {
  CliResult r = IngestNative(
      {R"({"artifact_type": {"name": "Data"}})",
       R"({"execution_type": {"name": "Step", "base_type": "TRAIN", "description": "trains", "external_id": "x-step"}})",
       R"({"execution": {"type": "Step", "state": "COMPLETE", "fingerprint": "fp1", "custom_properties": {"p": {"type_url": "t/x.Y", "hex": "de00ef"}}}, "events": [{"type": "OUTPUT", "artifact": {"type": "Data", "uri": "/d"}}]})"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = Run("get execution 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("  fingerprint: fp1\n"));
  r = Run("--json get execution 1");
  EXPECT_THAT(r.out, HasSubstr(R"("fingerprint":"fp1")"));
  r = Run("export --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("fingerprint":"fp1")"));
  EXPECT_THAT(
      r.out,
      HasSubstr(
          R"("description":"trains","external_id":"x-step","base_type":"TRAIN")"));
  // A proto's bytes, as native JSON takes them in.
  EXPECT_THAT(r.out, HasSubstr(R"("p":{"type_url":"t/x.Y","hex":"de00ef"})"));
}

// A name longer than a DOT label is cut between characters, not inside one.
TEST_F(CliTest, DotLabelsCutLongNamesBetweenCharacters) {
  std::string name;
  for (int i = 0; i < 40; ++i) name += "\xC3\xA9";  // é
  ASSERT_EQ(
      IngestNative(
          {R"({"artifact_type": {"name": "Data"}})",
           R"({"execution_type": {"name": "Step"}})",
           R"({"execution": {"type": "Step", "state": "COMPLETE"}, "events": [{"type": "OUTPUT", "artifact": {"type": "Data", "name": ")" +
               name + R"("}}]})"})
          .code,
      0);
  CliResult dot = Run("export --format dot");
  ASSERT_EQ(dot.code, 0) << dot.err;
  EXPECT_THAT(dot.out, HasSubstr("\xC3\xA9..."));
  for (size_t i = 0; i < dot.out.size(); ++i) {
    const unsigned char c = dot.out[i];
    if (c < 0x80) continue;
    // A lead byte of a 2-byte character followed by its continuation byte.
    ASSERT_EQ(c, 0xC3) << "at " << i;
    ASSERT_LT(i + 1, dot.out.size());
    ASSERT_EQ(static_cast<unsigned char>(dot.out[++i]), 0xA9) << "at " << i;
  }
}

// Control characters in names (a NUL, a newline) are escaped in DOT, so
// graphviz can draw the store.
TEST_F(CliTest, DotEscapesControlCharactersAndEntitiesInNames) {
  const fs::path input = WriteNdjson(
      "ctl.ndjson",
      {R"({"eventType":"COMPLETE","eventTime":"2024-01-01T00:00:00Z","run":{"runId":"00000000-0000-4000-8000-000000000001"},"job":{"namespace":"ns","name":"j"},"outputs":[{"namespace":"d","name":"a\u0000b\nc"},{"namespace":"d","name":"x&amp;y"}],"producer":"p","schemaURL":"s"})"});
  ASSERT_EQ(Run("ingest -q '" + input.string() + "'").code, 0);
  CliResult dot = Run("export --format dot");
  ASSERT_EQ(dot.code, 0) << dot.err;
  EXPECT_EQ(dot.out.find('\0'), std::string::npos);
  EXPECT_THAT(dot.out, HasSubstr(R"(d:a\\x00b\\x0Ac)"));
  // Graphviz would read an entity in a name as its character.
  EXPECT_THAT(dot.out, HasSubstr("d:x&amp;amp;y"));
  if (std::system("command -v dot >/dev/null 2>&1") == 0) {
    const fs::path svg = fs::path(dir_.path()) / "g.svg";
    CliResult r = Run("export --format svg -o '" + svg.string() + "'");
    EXPECT_EQ(r.code, 0) << r.err;
    std::ifstream f(svg);
    const std::string text(std::istreambuf_iterator<char>(f), {});
    EXPECT_THAT(text, HasSubstr("d:x&amp;amp;y"));  // Shows "x&amp;y".
  }
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

// A damaged write-ahead log: every command fails (exit 4) and says how to
// get past it; --salvage-log opens the store without the damaged writes.
TEST_F(CliTest, ADamagedLogIsAStorageErrorUntilSalvaged) {
  IngestMarquez();
  // A write left in the log (RocksDB's close does not flush it): artifact
  // 1's record again, as it is.
  const std::string key = codec::NodeKey(NodeKind::kArtifact, 1);
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(rocksdb::Options(), store_.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, value).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  fs::path log;
  for (const auto& e : fs::directory_iterator(store_)) {
    if (e.path().extension() == ".log" && e.file_size() > 0) log = e.path();
  }
  ASSERT_FALSE(log.empty());
  const auto size = static_cast<std::streamoff>(fs::file_size(log));
  {
    std::fstream f(log, std::ios::binary | std::ios::in | std::ios::out);
    f.seekg(size - 20);
    const char c = static_cast<char>(f.get() ^ 0x01);
    f.seekp(size - 20);
    f.put(c);
  }
  CliResult r = Run("stats");
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--salvage-log"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  r = Run("--salvage-log stats");
  EXPECT_EQ(r.code, 0) << r.err;
  // Salvaged for good: the store as it was before the damaged write.
  r = Run("check");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(Run("stats --json").out,
              HasSubstr("\"artifacts\":{\"total\":13"));
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

// Text output shows control characters in stored names as \xNN: a name
// cannot break a line of the output or drive the terminal.
TEST_F(CliTest, TextOutputEscapesControlCharacters) {
  std::string event = CompleteEvent(1);
  const std::string out = R"("name":"out1")";
  event.replace(event.find(out), out.size(),
                R"("name":"a\nb\u001b[31mc\u009b")");
  const fs::path file = fs::path(dir_.path()) / "e.json";
  std::ofstream(file) << event;
  ASSERT_EQ(Run("ingest '" + file.string() + "'").code, 0);
  for (const std::string cmd :
       {"get artifact 1", "list artifact", "lineage artifact:1",
        "path execution:1 artifact:1"}) {
    CliResult r = Run(cmd);
    ASSERT_EQ(r.code, 0) << cmd << ": " << r.err;
    EXPECT_THAT(r.out, HasSubstr("ns:a\\x0Ab\\x1B[31mc\\xC2\\x9B")) << cmd;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << cmd;
  }
  // JSON keeps the name as it is, escaped the JSON way.
  EXPECT_THAT(Run("--json get artifact 1").out,
              HasSubstr(R"("name":"ns:a\nb\u001b[31mc)"));
  // Impact's per-hop counts name types: a type name is stored text too.
  CliResult r = IngestNative(
      {R"({"artifact_type": {"name": "D\u001bX"}})",
       R"({"execution_type": {"name": "S"}})",
       R"({"execution": {"type": "S"}, "events": [{"type": "OUTPUT", "artifact": {"type": "D\u001bX"}}, {"type": "OUTPUT", "artifact": {"type": "D\u001bX"}}]})"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Run("impact execution:2 --max-listed 0");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 D\\x1BX"));
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  // Errors and rejections quoting the input: one line each, escaped.
  r = IngestNative({R"({"execution": {"type": "E\nZ\u001b[2J"}})"});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("no execution type named 'E\\x0AZ\\x1B[2J'"));
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
  r = Run("get artifact --type 'D\x1bX' --name 'n\x1b'");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  // A backslash is escaped too: the text "\x0A" is not a newline.
  event = CompleteEvent(2);
  event.replace(event.find(R"("name":"out2")"), 13, R"("name":"a\\x0Ab")");
  std::ofstream(file) << event;
  ASSERT_EQ(Run("ingest '" + file.string() + "'").code, 0);
  EXPECT_THAT(Run("list artifact").out, HasSubstr("ns:a\\\\x0Ab"));
}

// A line of NDJSON holding an array is one bad value, with or without
// --strict (which reads the input as one document), at its own line.
TEST_F(CliTest, AnNdjsonLineHoldingAnArrayIsOneBadItem) {
  const fs::path input = WriteNdjson(
      "mix.ndjson",
      {R"({"execution_type": {"name": "T"}})",
       R"([{"execution": {"type": "T"}}, {"execution": {"type": "T"}}])",
       R"({"execution": {"type": "T"}})",
       R"([1], {"execution": {"type": "T"}})"});
  for (const std::string strict : {"", "--strict "}) {
    CliResult r = Run("ingest --native " + strict + "'" + input.string() + "'");
    EXPECT_EQ(r.code, 3) << strict;
    EXPECT_THAT(r.err, HasSubstr("mix.ndjson:2: an item must be a JSON object"))
        << strict;
    // A malformed line that starts as an array is one malformed value.
    if (strict.empty()) {
      EXPECT_THAT(r.err, HasSubstr("mix.ndjson:4: malformed JSON"));
    }
  }
  CliResult r = Run("--json stats");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("executions":{"total":1,)"));  // Line 3.
}

// impact and diff name the nodes they list; a hop's nodes go one a line.
TEST_F(CliTest, ImpactAndDiffTextNameTheirNodes) {
  IngestMarquez();
  CliResult r = Run("impact food_delivery:public.orders_7_days --hops 5");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(openlineage.Job "
                               "'food_delivery/etl_delivery_7_days')\n"));
  EXPECT_THAT(r.out, HasSubstr("    4 hops artifact:11 (openlineage.Dataset "
                               "'food_delivery:public.top_delivery_times')\n"
                               "           artifact:12 (openlineage.Dataset "
                               "'food_delivery:public.discounts')\n"));
  r =
      Run("diff food_delivery:public.popular_orders_day_of_week "
          "food_delivery:public.top_delivery_times");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("upstream of a only: 2\n  artifact:11 "
                               "(openlineage.Dataset "
                               "'food_delivery:public.top_delivery_times')\n"
                               "  execution:12 (openlineage.Job "
                               "'food_delivery/orders_popular_day_of_week')"));
  r =
      Run("--json diff food_delivery:public.popular_orders_day_of_week "
          "food_delivery:public.top_delivery_times");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("only_a":["artifact:11","execution:12"])"));
  EXPECT_THAT(r.out, HasSubstr(R"("execution:12":{"type":"openlineage.Job",)"
                               R"("name":"food_delivery/)"
                               R"(orders_popular_day_of_week"})"));
}

// One event over two lines whose first line looks like an object ("{...}")
// but is not one on its own is one value, strict or not, native too.
TEST_F(CliTest, OneValueOverLinesIsNotTakenForNdjson) {
  std::string event = CompleteEvent(1);
  const size_t job = event.find(",\"job\"");
  ASSERT_NE(job, std::string::npos);
  event.insert(job, "\n");
  const fs::path input = WriteNdjson("split.json", {event});
  const fs::path native = WriteNdjson(
      "split_native.json", {R"({"artifact_type": {"name": "M"})", "}"});
  for (const std::string& args :
       {"ingest -q '" + input.string() + "'",
        "ingest -q --strict '" + input.string() + "'",
        "ingest -q --native '" + native.string() + "'"}) {
    SCOPED_TRACE(args);
    fs::remove_all(store_);
    CliResult r = Run(args);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(args.find("native") == std::string::npos
                                     ? "ingested 1 events"
                                     : "1 types"));
  }
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

// Empty input is no events, not a rejection; a malformed first line of
// NDJSON is one rejection, and the lines after it go in.
TEST_F(CliTest, EmptyInputAndABadFirstLine) {
  const fs::path empty = WriteNdjson("empty.ndjson", {});
  for (const std::string& input :
       std::vector<std::string>{"", "-", "'" + empty.string() + "'"}) {
    SCOPED_TRACE(input);
    CliResult r = Run("ingest -q " + input);  // stdin is /dev/null.
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("ingested 0 events: 0 runs"));
  }
  const fs::path bad_first = WriteNdjson(
      "bad_first.ndjson",
      {R"({"eventType": "START",)", CompleteEvent(1), "", CompleteEvent(2)});
  CliResult r = Run("ingest -q '" + bad_first.string() + "'");
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.out, HasSubstr("ingested 2 events: 2 runs, 2 jobs"));
  EXPECT_THAT(r.err, HasSubstr("bad_first.ndjson:1: malformed JSON"));
  EXPECT_THAT(r.err, HasSubstr("1 event was rejected"));
}

// A first line no JSON value over several lines can begin (an event cut off
// in a string) does not make a large NDJSON input be read whole: 64 MiB of
// it goes in line by line within 1 GB of address space (read whole, it
// failed with bad_alloc).
TEST_F(CliTest, ABadFirstLineDoesNotMakeALargeInputReadWhole) {
  const std::string event = CompleteEvent(1);
  const fs::path input = fs::path(dir_.path()) / "cut_first.ndjson";
  {
    std::ofstream out(input, std::ios::binary);
    out << event.substr(0, event.find("\"job\"") + 3) << "\n"
        << event << "\n"
        << CompleteEvent(2) << "\n"
        << std::string(size_t{64} << 20, '\n') << CompleteEvent(3) << "\n";
  }
  CliResult r = RunRaw(
      "--store '" + store_.string() + "' ingest -q '" + input.string() + "'",
      "ulimit -v 1000000; ");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ingested 3 events: 3 runs"));
  EXPECT_THAT(r.err, HasSubstr("cut_first.ndjson:1: malformed JSON"));
}

// An ingest that stores nothing into an empty folder leaves it empty;
// --evolve-types lets a native type item add a property.
TEST_F(CliTest, IngestLeavesAnEmptyFolderEmptyAndEvolvesTypesOnRequest) {
  fs::create_directories(store_);
  const fs::path bad = WriteNdjson("bad.ndjson", {"not json"});
  EXPECT_EQ(Run("ingest --native '" + bad.string() + "'").code, 3);
  EXPECT_TRUE(fs::is_directory(store_));
  EXPECT_TRUE(fs::is_empty(store_));
  ASSERT_EQ(IngestNative({R"({"artifact_type": {"name": "M"}})"}).code, 0);
  const fs::path more = WriteNdjson(
      "more.ndjson",
      {R"({"artifact_type": {"name": "M", "properties": {"p": "INT"}}})"});
  EXPECT_EQ(Run("ingest --native '" + more.string() + "'").code, 3);
  CliResult r = Run("ingest --native --evolve-types '" + more.string() + "'");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Run("ingest --evolve-types '" + more.string() + "'").code, 2);
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

// diff tells an empty value from an absent property.
TEST_F(CliTest, DiffTellsAnEmptyValueFromAnAbsentOne) {
  ASSERT_EQ(
      IngestNative(
          {R"({"artifact_type": {"name": "D"}})",
           R"({"execution_type": {"name": "P"}})",
           R"({"execution": {"type": "P"}, "events": [{"type": "OUTPUT", "artifact": {"type": "D"}}]})",
           R"({"execution": {"type": "P", "custom_properties": {"note": ""}}, "events": [{"type": "INPUT", "artifact_id": 1}, {"type": "OUTPUT", "artifact": {"type": "D"}}]})",
           R"({"execution": {"type": "P"}, "events": [{"type": "INPUT", "artifact_id": 1}, {"type": "OUTPUT", "artifact": {"type": "D"}}]})"})
          .code,
      0);
  CliResult r = Run("diff artifact:2 artifact:3");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("P custom_properties.note: \"\" -> (absent)"));
  r = Run("--json diff artifact:2 artifact:3");
  EXPECT_THAT(
      r.out,
      HasSubstr(R"("property":"custom_properties.note","a":"","b":null)"));
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
  // The lineage changed since the first page: start again (exit 3 too).
  const fs::path later = fs::path(dir_.path()) / "later.json";
  std::ofstream(later) << CompleteEvent(7);
  ASSERT_EQ(Run("ingest '" + later.string() + "'").code, 0);
  r = Run(node + " --max-nodes 5 --cursor " + first_cursor);
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("start again"));
}

// A store that lost its CURRENT file is damaged, not absent: every command,
// `init` and `ingest` included, fails (exit 4) and leaves its files as they
// were (RocksDB would start a new database and delete the tables).
TEST_F(CliTest, AStoreWithoutItsCurrentFileIsDamagedNotAbsent) {
  IngestMarquez();
  ASSERT_TRUE(fs::remove(store_ / "CURRENT"));
  auto files = [&] {
    std::map<std::string, uintmax_t> sizes;
    for (const auto& e : fs::directory_iterator(store_)) {
      sizes[e.path().filename().string()] = e.file_size();
    }
    return sizes;
  };
  const auto before = files();
  for (const std::string& args : std::vector<std::string>{
           "stats", "init", "ingest '" + MarquezFile() + "'",
           "--salvage-log check"}) {
    CliResult r = Run(args);
    EXPECT_EQ(r.code, 4) << args << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("no CURRENT file")) << args;
    EXPECT_THAT(r.err, Not(HasSubstr("--salvage-log"))) << args;
    EXPECT_EQ(files(), before) << args;
  }
}

// `check` compares the lineage index with the store's events edge by edge:
// a snapshot stamped as this store's, with as many edges but other ones, is
// a problem (exit 4), not "0 problems".
TEST_F(CliTest, CheckFindsALineageIndexThatHoldsOtherEdges) {
  IngestMarquez();
  graph::AdjacencyIndex::Stamp stamp;
  uint64_t edges = 0;
  {
    Options o;
    o.read_only = true;
    auto store = Store::Open(o, store_.string());
    ASSERT_TRUE(store.ok()) << store.status();
    stamp = (*store)->impl()->IndexStamp();
    edges = (*store)->impl()->graph_index()->edges();
  }
  ASSERT_EQ(edges, 27u);
  auto kv = storage::Kv::Open(Options(), dir_.path() + "/empty");
  ASSERT_TRUE(kv.ok()) << kv.status();
  auto index = graph::AdjacencyIndex::Build(*(*kv)->NewReadView());
  ASSERT_TRUE(index.ok()) << index.status();
  std::vector<graph::EdgeTriple> other;
  for (int64_t i = 1; i <= 27; ++i) other.push_back({i, 1, EventType::kInput});
  ASSERT_TRUE((*index)->Add(other).ok());
  ASSERT_TRUE(
      (*index)->Save((store_ / "lineagedb-graph.idx").string(), stamp).ok());
  CliResult r = Run("check");
  EXPECT_EQ(r.code, 4) << r.out << r.err;
  EXPECT_THAT(r.out + r.err, HasSubstr("other edges than the store's events"));
}

// A snapshot whose components split one (its checksum made right, as a
// writer bug would save it) would make `path` deny a path that `lineage`
// shows: check compares the components with the edges.
TEST_F(CliTest, CheckFindsALineageIndexWithWrongComponents) {
  IngestMarquez();
  const fs::path file = store_ / "lineagedb-graph.idx";
  std::string bytes;
  {
    std::ifstream f(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  // The file ends with u64 slots, u32 roots[slots], u64 checksum.
  uint64_t slots = 0;
  size_t roots = 0;
  for (uint64_t n = 1; 16 + 4 * n <= bytes.size(); ++n) {
    uint64_t count;
    std::memcpy(&count, bytes.data() + bytes.size() - 16 - 4 * n, 8);
    if (count == n) {
      slots = n;
      roots = bytes.size() - 8 - 4 * n;
      break;
    }
  }
  ASSERT_GT(slots, 0u);
  // A slot under another root becomes a root of its own: still flat, so
  // the snapshot loads.
  bool split = false;
  for (uint32_t v = 0; v < slots && !split; ++v) {
    uint32_t parent;
    std::memcpy(&parent, bytes.data() + roots + 4 * v, 4);
    if (parent == v) continue;
    std::memcpy(bytes.data() + roots + 4 * v, &v, 4);
    split = true;
  }
  ASSERT_TRUE(split);
  const uint64_t sum = XXH64(bytes.data(), bytes.size() - 8, 0);
  std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  CliResult r = Run("check");
  EXPECT_EQ(r.code, 4) << r.out << r.err;
  EXPECT_THAT(r.out + r.err,
              HasSubstr("components are not those of its edges"));
}

// Files that are not RocksDB's (its names are numbers) do not make a folder
// a damaged store; a path the file system refuses is an error, not a crash.
TEST_F(CliTest, OnlyRocksDbFilesMakeAFolderADamagedStore) {
  const fs::path folder = fs::path(dir_.path()) / "notes";
  fs::create_directory(folder);
  for (const char* name : {"build.log", "x.sst", "MANIFEST-draft"}) {
    std::ofstream(folder / name) << "hi";
  }
  const std::string store = "--store '" + folder.string() + "' ";
  EXPECT_EQ(RunRaw(store + "stats").code, 1);
  CliResult r = RunRaw(store + "init");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(RunRaw(store + "check").code, 0);
  const std::string too_long(300, 'a');
  for (const std::string cmd : {"init", "stats"}) {
    r = RunRaw("--store '" + (fs::path(dir_.path()) / too_long).string() +
               "' " + cmd);
    EXPECT_TRUE(r.code == 1 || r.code == 4) << cmd << ": " << r.code;
    EXPECT_THAT(r.err, HasSubstr("lineagedb: error:")) << cmd;
  }
}

// An event key the lineage index cannot hold (execution id 0) leaves the
// store usable: queries answer, and check names the key (exit 4).
TEST_F(CliTest, CheckNamesAnEventKeyTheIndexCannotHold) {
  IngestMarquez();
  const std::string bad_key =
      codec::EventKey(codec::Tag::kEventByArtifact, 1, EventType::kInput, 0);
  WriteRawKey(bad_key, "");
  fs::remove(store_ / "lineagedb-graph.idx");
  EXPECT_EQ(Run("stats").code, 0);
  EXPECT_EQ(Run("lineage food_delivery:public.orders_7_days --up").code, 0);
  CliResult r = Run("check");
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.out, HasSubstr("under key " + codec::Hex(bad_key)));
}

// Only a damaged write-ahead log is pointed to --salvage-log: a damaged
// table is not what it repairs.
TEST_F(CliTest, ADamagedTableIsNotPointedToSalvage) {
  IngestMarquez();
  for (const auto& e : fs::directory_iterator(store_)) {
    if (e.path().extension() != ".sst") continue;
    std::fstream f(e.path(), std::ios::binary | std::ios::in | std::ios::out);
    f.seekg(100);
    const char c = static_cast<char>(f.get() ^ 0x01);
    f.seekp(100);
    f.put(c);
  }
  CliResult r = Run("stats");
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_THAT(r.err, HasSubstr("checksum mismatch"));
  EXPECT_THAT(r.err, Not(HasSubstr("--salvage-log")));
}

// check names every damaged table file, not the first only, and reports
// where its scan of the keys had to stop: problems, not an error without
// a report.
TEST_F(CliTest, CheckNamesEveryDamagedTable) {
  // Two ingests, two table files of many blocks.
  for (const int first : {0, 1000}) {
    std::vector<std::string> events;
    for (int i = first; i < first + 500; ++i) {
      std::string event = CompleteEvent(0);
      std::string id = std::to_string(i);
      id.insert(0, 12 - id.size(), '0');
      event.replace(event.find("000000000000"), 12, id);
      event.replace(event.find("\"job0\""), 6, "\"job" + id + "\"");
      event.replace(event.find("\"out0\""), 6, "\"out" + id + "\"");
      events.push_back(std::move(event));
    }
    const fs::path input = WriteNdjson("events.ndjson", events);
    ASSERT_EQ(Run("ingest -q '" + input.string() + "'").code, 0);
  }
  std::vector<fs::path> tables;
  for (const auto& e : fs::directory_iterator(store_)) {
    if (e.path().extension() == ".sst") tables.push_back(e.path());
  }
  ASSERT_EQ(tables.size(), 2u);
  for (const fs::path& table : tables) {
    // In a data block past the first (whose meta keys an open reads).
    const auto at = static_cast<std::streamoff>(fs::file_size(table) / 2);
    std::fstream f(table, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(at);
    f.put('\x5a').put('\xa5');
  }
  CliResult r = Run("check");
  EXPECT_EQ(r.code, 4) << r.err;
  for (const fs::path& table : tables) {
    EXPECT_THAT(r.out, HasSubstr("problem: table file " + table.string() +
                                 ": Corruption: block checksum mismatch"));
  }
  EXPECT_THAT(r.out, HasSubstr("problem: the scan of the keys stopped"));
  EXPECT_THAT(r.out, HasSubstr("; 3 problems"));
  EXPECT_THAT(r.err, HasSubstr("failed the check: 3 problems"));
}

// Query commands open the store read-only: they work while an ingest holds
// it (RocksDB's lock refuses a second writer) and change no file.
TEST_F(CliTest, QueriesRunBesideAnIngest) {
  IngestMarquez();
  const fs::path fifo = fs::path(dir_.path()) / "later.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The ingest opens the store, then waits for its input.
  CliResult ingest;
  std::thread writer(
      [&] { ingest = Run("ingest -q '" + fifo.string() + "'"); });
  // Until it holds RocksDB's lock on the store (asked without taking it).
  auto held = [&] {
    const int fd = ::open((store_ / "LOCK").c_str(), O_RDWR);
    if (fd < 0) return false;
    struct flock lock = {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    const bool taken =
        ::fcntl(fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK;
    ::close(fd);
    return taken;
  };
  for (int i = 0; i < 200 && !held(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(held());
  EXPECT_EQ(Run("init").code, 4);  // A second writer is refused.
  CliResult r = Run("stats --json");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"artifacts\":{\"total\":13"));
  EXPECT_EQ(Run("lineage food_delivery:public.delivery_7_days --up").code, 0);
  {
    // Once the ingest reads the pipe (an open for writing alone fails
    // until then), one event and the end of the input.
    int fd = -1;
    for (int i = 0; i < 200 && fd < 0; ++i) {
      fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
      if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (fd < 0) fd = ::open(fifo.c_str(), O_RDWR);  // Never blocks.
    ASSERT_GE(fd, 0);
    const std::string line = CompleteEvent(1) + "\n";
    EXPECT_EQ(::write(fd, line.data(), line.size()),
              static_cast<ssize_t>(line.size()));
    ::close(fd);
  }
  writer.join();
  EXPECT_EQ(ingest.code, 0) << ingest.err;
  // Files, sizes and times: a query leaves them all as they were.
  auto files = [&] {
    std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> out;
    for (const auto& e : fs::directory_iterator(store_)) {
      out[e.path().filename().string()] = {e.file_size(), e.last_write_time()};
    }
    return out;
  };
  const auto before = files();
  ASSERT_EQ(Run("stats").code, 0);
  ASSERT_EQ(Run("export --format dot").code, 0);
  EXPECT_EQ(files(), before);
}

TEST_F(CliTest, CheckPassesOnHealthyStoreAndNamesACorruptKey) {
  IngestMarquez();
  CliResult r = Run("check");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("0 problems"));

  // Flip one byte of artifact 1's record behind the store's back.
  const std::string key = codec::NodeKey(NodeKind::kArtifact, 1);
  {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options options;
    ASSERT_TRUE(rocksdb::DB::Open(options, store_.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok());
    value[value.size() / 2] ^= 0x20;
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, value).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  r = Run("check");
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.out, HasSubstr(codec::Hex(key))) << r.out;
  EXPECT_THAT(r.err, HasSubstr("failed the check"));
}

// A node whose record is gone (a damaged store) is an error of lineage,
// not a node of unknown type.
TEST_F(CliTest, LineageThroughANodeWithoutItsRecordIsDataLoss) {
  IngestMarquez();
  const std::string node = "food_delivery:public.popular_orders_day_of_week";
  CliResult r = Run("lineage " + node + " --up --json");
  ASSERT_EQ(r.code, 0) << r.err;
  // The last node the walk reached upstream: an artifact (a source table).
  const std::regex artifact("\"artifact:([0-9]+)\"");
  std::string last;
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), artifact);
       it != std::sregex_iterator(); ++it) {
    last = (*it)[1];
  }
  ASSERT_FALSE(last.empty()) << r.out;
  WriteRawKey(codec::NodeKey(NodeKind::kArtifact, std::stoll(last)),
              std::nullopt);
  for (const std::string& command :
       {"lineage " + node + " --up", "export " + node + " --format json",
        std::string("export --format json"),
        std::string("export --format dot")}) {
    SCOPED_TRACE(command);
    r = Run(command);
    EXPECT_EQ(r.code, 4);
    EXPECT_THAT(r.err,
                HasSubstr("artifact " + last + " has events but no record"));
  }
  // A walk that stops short of it is answered.
  r = Run("lineage " + node + " --up --hops 1");
  EXPECT_EQ(r.code, 0) << r.err;
}

// A whole-store export refuses links to a context whose record is gone, as
// it refuses events of an artifact without its record (above).
TEST_F(CliTest, ExportOfAStoreWithALinkToAMissingContextIsDataLoss) {
  IngestMarquez();
  ASSERT_EQ(Run("export --format json").code, 0);
  WriteRawKey(codec::NodeKey(NodeKind::kContext, 1), std::nullopt);
  CliResult r = Run("export --format json");
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err, HasSubstr("context 1 has attributions but no record"));
  EXPECT_EQ(r.out, "");
}

// impact, path and diff through a node whose record is gone are errors too,
// as lineage is: not a node shown without a type; so is a whole-store
// export, which finds the events of a run by its record.
TEST_F(CliTest, ImpactPathAndDiffThroughANodeWithoutItsRecordAreDataLoss) {
  IngestMarquez();
  const std::string node = "food_delivery:public.popular_orders_day_of_week";
  // Its producing run (one hop up) and a source table (the walk's last
  // artifact), between which every path runs through the run.
  CliResult r = Run("lineage " + node + " --up --hops 1 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("\"execution:([0-9]+)\"")))
      << r.out;
  const std::string run = m[1];
  r = Run("lineage " + node + " --up --json");
  ASSERT_EQ(r.code, 0) << r.err;
  std::string source;
  const std::regex artifact("\"artifact:([0-9]+)\"");
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), artifact);
       it != std::sregex_iterator(); ++it) {
    source = (*it)[1];
  }
  ASSERT_FALSE(source.empty()) << r.out;
  for (const std::string& command :
       {"impact artifact:" + source, "path artifact:" + source + " " + node,
        "diff " + node + " artifact:" + source}) {
    ASSERT_EQ(Run(command).code, 0) << command;
  }
  WriteRawKey(codec::NodeKey(NodeKind::kExecution, std::stoll(run)),
              std::nullopt);
  for (const std::string& command :
       {"impact artifact:" + source, "path artifact:" + source + " " + node,
        "diff " + node + " artifact:" + source,
        "impact artifact:" + source + " --json",
        std::string("export --format json"),
        std::string("export --format dot")}) {
    SCOPED_TRACE(command);
    r = Run(command);
    EXPECT_EQ(r.code, 4);
    EXPECT_THAT(r.err,
                HasSubstr("execution " + run + " has events but no record"));
    EXPECT_EQ(r.out, "");
  }
}

// The demo's store has fingerprints of COMPLETE executions; a head naming
// another execution, or a missing head, is a problem; so is an answer that
// differs from the records it copies, or an output not listed under [42].
TEST_F(CliTest, CheckVerifiesFingerprintHeads) {
  ASSERT_EQ(Run("demo --small").code, 0);
  ASSERT_EQ(Run("check").code, 0);
  auto with_raw_db = [&](auto fn) {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options options;
    ASSERT_TRUE(rocksdb::DB::Open(options, store_.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    fn(db.get());
    ASSERT_TRUE(db->Close().ok());
  };
  auto put = [&](const std::string& key, const std::string& value) {
    with_raw_db([&](rocksdb::DB* db) {
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, value).ok());
    });
  };
  // The first head with an answer that lists an output.
  std::string head_key, head_value;
  int64_t head_id = 0;
  std::optional<codec::HeadAnswer> answer;
  with_raw_db([&](rocksdb::DB* db) {
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(std::string(1, char(codec::Tag::kFingerprintHead)));
         it->Valid() && it->key()[0] == char(codec::Tag::kFingerprintHead);
         it->Next()) {
      head_key = it->key().ToString();
      head_value = it->value().ToString();
      ASSERT_OK(codec::DecodeFingerprintHead(head_key, head_value, &head_id,
                                             &answer));
      if (answer.has_value() && !answer->outputs.empty()) break;
    }
  });
  ASSERT_TRUE(answer.has_value() && !answer->outputs.empty());
  auto expect_problem = [&](const std::string& what) {
    CliResult r = Run("check");
    EXPECT_EQ(r.code, 4);
    EXPECT_THAT(r.out, HasSubstr(what));
  };
  // Another id.
  put(head_key, codec::EncodeFingerprintHead(head_id ^ 0x40));
  expect_problem("fingerprint head " + codec::Hex(head_key));
  // A stale copy of an output's artifact.
  codec::HeadAnswer stale = *answer;
  stale.outputs[0].artifact = answer->execution;
  put(head_key, codec::EncodeFingerprintHead(head_id, &stale));
  expect_problem("its copy of artifact " +
                 std::to_string(answer->outputs[0].artifact_id) + " differs");
  // A missing output.
  stale = *answer;
  stale.outputs.pop_back();
  put(head_key, codec::EncodeFingerprintHead(head_id, &stale));
  expect_problem("output events, the store has");
  // The output's artifact does not list the head.
  put(head_key, head_value);
  ASSERT_EQ(Run("check").code, 0);
  const std::string list_key =
      codec::HeadsByArtifactKey(answer->outputs[0].artifact_id);
  put(list_key, codec::EncodeFingerprintList({"another"}));
  expect_problem("heads-by-artifact entry " + codec::Hex(list_key));
  put(list_key, "\x01");
  expect_problem("corrupt value under key " + codec::Hex(list_key));
  put(list_key, codec::EncodeFingerprintList({"a", "a"}));
  expect_problem("names a fingerprint twice");
  with_raw_db([&](rocksdb::DB* db) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), list_key).ok());
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), head_key).ok());
  });
  expect_problem("has no fingerprint head entry");
  // Unknown (empty) is a valid head.
  put(head_key, "");
  CliResult r = Run("check");
  EXPECT_EQ(r.code, 0) << r.out;
  // A version-1 store: heads are neither required nor trusted (an older
  // build wrote executions without them).
  with_raw_db([&](rocksdb::DB* db) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), head_key,
                        codec::EncodeFingerprintHead(head_id ^ 0x40))
                    .ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(),
                        codec::MetaKey(codec::MetaId::kFormatVersion),
                        codec::EncodeFormatVersion(1))
                    .ok());
  });
  r = Run("check");
  EXPECT_EQ(r.code, 0) << r.out;
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

// The demo records the latest Trainer's fingerprint (code version
// trainer:1.0) and lands a new span, so both questions have answers.
TEST_F(CliTest, CacheLookupAndStaleSteps) {
  CliResult demo = Run("demo --small");
  ASSERT_EQ(demo.code, 0) << demo.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      demo.out, m, std::regex(R"(execution:(\d+) \(Trainer\), 3 inputs)")));
  const std::string trainer = m[1];
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
  } else {
    EXPECT_THAT(r.err, HasSubstr("`dot`"));
  }
}

}  // namespace
}  // namespace lineagedb
