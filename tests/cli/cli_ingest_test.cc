// Tests of `lineagedb ingest` through the real binary: OpenLineage and native
// input as one document, an array or NDJSON read in blocks, --strict, and
// what a failed ingest leaves.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/cli_fixture.h"

namespace lineagedb::cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(CliTest, IngestMarquezSummary) {
  CliResult r = Run("ingest '" + MarquezFile() + "'");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("13 runs, 13 jobs, 13 datasets, 27 new edges, "
                               "0 rejected"));
  r = Run("stats --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"executions\":{\"total\":13"));
  EXPECT_THAT(r.out, HasSubstr("\"events\":27"));

  // Ingesting the same events again adds nothing.
  r = Run("ingest --json '" + MarquezFile() + "'");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"edges\":0"));
  r = Run("ingest '" + MarquezFile() + "'");
  EXPECT_THAT(r.out, HasSubstr("13 datasets, 0 new edges, 0 rejected"));
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
  EXPECT_THAT(r.out, HasSubstr("13 runs, 13 jobs, 13 datasets, 27 new edges"));
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

// --native --strict checks every input before it ingests any: an item that
// is not valid native JSON in the second input (here stdin) stores nothing
// of the first; good inputs all go in.
TEST_F(CliTest, IngestNativeStrictChecksEveryInputFirst) {
  const fs::path types =
      WriteNdjson("types.ndjson", {R"({"execution_type": {"name": "Train"}})",
                                   R"({"execution": {"type": "Train"}})"});
  const fs::path bad = WriteNdjson(
      "bad.ndjson", {R"({"execution": {"type": "Train"}})",
                     R"({"execution": {"type": "Train", "state": "DONE"}})"});
  const fs::path good =
      WriteNdjson("good.ndjson", {R"({"execution": {"type": "Train"}})"});
  const std::string args = "--store '" + store_.string() +
                           "' ingest -q --native --strict '" + types.string() +
                           "' -";
  CliResult r = RunRaw(args, "", bad.string());
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("<stdin>:2: execution.state has an unknown "
                               "value 'DONE'"));
  EXPECT_FALSE(fs::exists(store_));
  // A pipe is copied in $TMPDIR to be read again (a file on stdin is not).
  const fs::path fifo = fs::path(dir_.path()) / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  r = RunRaw(args,
             "cat '" + good.string() + "' >'" + fifo.string() +
                 "' & TMPDIR=/nonexistent ",
             fifo.string());
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err,
              HasSubstr("cannot make a temporary file in /nonexistent: "));
  EXPECT_FALSE(fs::exists(store_));
  r = RunRaw(args, "", good.string());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ingested 2 executions: 1 types"));
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

// --strict reads OpenLineage input in blocks too, twice, stdin and a pipe
// from a temporary copy: 64 MiB of NDJSON goes in within 1 GB of address
// space (read whole, it failed with bad_alloc), and a bad event at its end
// stores nothing and is named at its line.
TEST_F(CliTest, StrictReadsLargeInputInBlocksTwice) {
  const fs::path input = fs::path(dir_.path()) / "large.ndjson";
  const fs::path fifo = fs::path(dir_.path()) / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string limit = "ulimit -v 1000000; ";
  const std::string feed_fifo =
      "cat '" + input.string() + "' >'" + fifo.string() + "' & " + limit;
  constexpr size_t kBlanks = size_t{64} << 20;
  for (const bool bad_end : {false, true}) {
    {
      std::ofstream out(input, std::ios::binary | std::ios::trunc);
      out << CompleteEvent(1) << "\n"
          << std::string(kBlanks, '\n') << CompleteEvent(2) << "\n"
          << CompleteEvent(3) << "\n";
      if (bad_end) out << "{\"eventType\": \"START\", not JSON}\n";
    }
    const std::string bad_line = std::to_string(kBlanks + 4);
    const std::string store = "--store '" + store_.string() + "' ";
    for (const std::string how : {"file", "stdin", "pipe"}) {
      SCOPED_TRACE(how + (bad_end ? ", bad end" : ""));
      fs::remove_all(store_);
      CliResult r =
          how == "file"
              ? RunRaw(store + "ingest -q --strict '" + input.string() + "'",
                       limit)
          : how == "stdin"
              ? RunRaw(store + "ingest -q --strict -", limit, input.string())
              : RunRaw(store + "ingest -q --strict '" + fifo.string() + "'",
                       feed_fifo);
      if (bad_end) {
        EXPECT_EQ(r.code, 3) << r.err;
        EXPECT_THAT(r.err, HasSubstr(":" + bad_line + ": malformed JSON"));
        EXPECT_FALSE(fs::exists(store_));
        continue;
      }
      EXPECT_EQ(r.code, 0) << r.err;
      EXPECT_THAT(r.out, HasSubstr("ingested 3 events: 3 runs"));
      for (int i = 1; i <= 3; ++i) {
        EXPECT_EQ(Run("get artifact --type openlineage.Dataset --name ns:out" +
                      std::to_string(i))
                      .code,
                  0)
            << i;
      }
    }
  }
}

// --strict ingests each input as its checks read it: a line appended to a
// file, or the file replaced, after it was checked is not read (here while
// the check waits for the second input, a FIFO).
TEST_F(CliTest, StrictIngestsInputsAsTheyWereChecked) {
  const fs::path fifo = fs::path(dir_.path()) / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const fs::path last = WriteNdjson("last.ndjson", {CompleteEvent(3)});
  const std::string bad = "{\"eventType\": \"START\", not JSON}";
  for (const std::string change : {"append", "replace"}) {
    SCOPED_TRACE(change);
    fs::remove_all(store_);
    const fs::path first =
        WriteNdjson("first.ndjson", {CompleteEvent(1), CompleteEvent(2)});
    const std::string f = "'" + first.string() + "'";
    // The FIFO opens once the first input is checked; then the change.
    const std::string edit =
        change == "append"
            ? "echo '" + bad + "' >>" + f
            : "mv " + f + " " + f + ".old; echo '" + bad + "' >" + f;
    const CliResult r =
        RunRaw("--store '" + store_.string() + "' ingest -q --strict " + f +
                   " '" + fifo.string() + "'",
               "(exec 3>'" + fifo.string() + "'; " + edit + "; cat '" +
                   last.string() + "' >&3) & ");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("ingested 3 events: 3 runs"));
  }
}

// --strict keeps every input open until it is ingested: more inputs than
// the soft limit of open files go in (it is raised up to the hard limit).
TEST_F(CliTest, StrictIngestsMoreInputsThanTheSoftLimitOfOpenFiles) {
  const fs::path folder = fs::path(dir_.path()) / "many";
  fs::create_directories(folder);
  for (int i = 0; i < 300; ++i) {
    char id[16], name[16];
    std::snprintf(id, sizeof id, "%012d", i);
    std::snprintf(name, sizeof name, "e%03d.json", i);
    std::string event = CompleteEvent(1);
    event.replace(event.find("000000000001"), 12, id);
    std::ofstream(folder / name) << event;
  }
  const CliResult r =
      RunRaw("--store '" + store_.string() + "' ingest -q --strict '" +
                 folder.string() + "'/*.json",
             "ulimit -S -n 128; ");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ingested 300 events: 300 runs"));
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
  CliResult r = Run("ingest --native '" + more.string() + "'");
  EXPECT_EQ(r.code, 3);
  // The refusal names the option, not the library's type options.
  EXPECT_THAT(r.err, HasSubstr("without property 'p'; --evolve-types adds it"));
  r = Run("ingest --native --strict '" + more.string() + "'");
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("--evolve-types adds it"));
  r = Run("ingest --native --evolve-types '" + more.string() + "'");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Run("ingest --evolve-types '" + more.string() + "'").code, 2);
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
  CliResult second = Run("init");  // A second writer is refused.
  EXPECT_EQ(second.code, 4);
  EXPECT_THAT(second.err,
              HasSubstr("another process has the store open for writing"));
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

// A JSON array is read item by item, in blocks: 64 MiB of it goes in within
// 1 GB of address space (read whole, it failed with bad_alloc), and an item
// over several lines is one value.
TEST_F(CliTest, AJsonArrayIsReadItemByItem) {
  std::string second = CompleteEvent(2);
  second.insert(second.find(",\"job\""), "\n");
  const fs::path input = fs::path(dir_.path()) / "large_array.json";
  {
    std::ofstream out(input, std::ios::binary);
    out << "[" << CompleteEvent(1) << std::string(size_t{64} << 20, ' ')
        << ",\n"
        << second << ",\n"
        << CompleteEvent(3) << "]\n";
  }
  const CliResult r = RunRaw(
      "--store '" + store_.string() + "' ingest -q '" + input.string() + "'",
      "ulimit -v 1000000; ");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ingested 3 events: 3 runs"));
}

// A damaged array: its good items go in, each bad one (a malformed item, a
// missing one, the damaged end) is one rejection at its place, counted in
// the summary.
TEST_F(CliTest, ADamagedJsonArrayKeepsItsGoodItems) {
  const fs::path input =
      WriteNdjson("damaged_array.json",
                  {"[" + CompleteEvent(1) + ",", "{\"eventType\": oops},", ",",
                   CompleteEvent(2) + ",", CompleteEvent(3).substr(0, 40)});
  const CliResult r = Run("ingest -q '" + input.string() + "'");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ingested 2 events: 2 runs, 2 jobs, 2 datasets, "
                               "2 new edges, 3 rejected"));
  EXPECT_THAT(r.err, HasSubstr("damaged_array.json:2: malformed JSON"));
  EXPECT_THAT(r.err, HasSubstr("damaged_array.json:3: malformed JSON: an "
                               "array item is missing"));
  EXPECT_THAT(r.err, HasSubstr("damaged_array.json:5: malformed JSON: the "
                               "input ends in this item"));
  EXPECT_THAT(r.err, HasSubstr("3 events were rejected"));
  // A producer that stopped before the array's ']': every event it wrote
  // goes in.
  const fs::path unclosed = WriteNdjson(
      "unclosed.json", {"[" + CompleteEvent(4) + ",", CompleteEvent(5)});
  const CliResult cut = Run("ingest -q '" + unclosed.string() + "'");
  EXPECT_EQ(cut.code, 3) << cut.err;
  EXPECT_THAT(cut.out, HasSubstr("ingested 2 events: 2 runs"));
  EXPECT_THAT(cut.err, HasSubstr("unclosed.json:3: malformed JSON: the input "
                                 "ends before the array's ']'"));
}

}  // namespace
}  // namespace lineagedb::cli_test
