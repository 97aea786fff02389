// Tests of the real binary on damaged stores: `check` and its problems,
// damaged logs, tables and CURRENT files, records gone from under their
// edges. Every command fails with a clear error or reports the damage.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <xxhash.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "codec/coding.h"
#include "codec/keys.h"
#include "codec/records.h"
#include "graph/adjacency_index.h"
#include "storage/kv.h"
#include "store/store_impl.h"
#include "tests/cli/cli_fixture.h"

namespace lineagedb::cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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

// `init` killed after RocksDB made its files but before the store's format
// version was written: commands name the store as not made yet and point to
// `init`, which finishes it (and says it created it).
TEST_F(CliTest, AStoreWhoseInitWasCutOffIsFinishedByInit) {
  const fs::path folder = fs::path(dir_.path()) / "half";
  ASSERT_TRUE(storage::Kv::Open(Options(), folder.string()).ok());
  const std::string store = "--store '" + folder.string() + "' ";
  CliResult r = RunRaw(store + "stats");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("lineagedb init --store"));
  r = RunRaw(store + "init");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("created store"));
  EXPECT_EQ(RunRaw(store + "check").code, 0);
  r = RunRaw(store + "init");
  EXPECT_THAT(r.out, HasSubstr("already exists"));

  // Cut between the creation's MANIFEST-000001 and its CURRENT: no table
  // or log, so nothing to lose.
  const fs::path early = fs::path(dir_.path()) / "early";
  fs::create_directory(early);
  for (const char* name : {"MANIFEST-000001", "IDENTITY", "000001.dbtmp"}) {
    std::ofstream(early / name) << "partial";
  }
  r = RunRaw("--store '" + early.string() + "' init");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(RunRaw("--store '" + early.string() + "' check").code, 0);

  // A store without its counters is damaged, not unmade.
  {
    auto kv = storage::Kv::Open(Options(), folder.string());
    ASSERT_TRUE(kv.ok()) << kv.status();
    storage::WriteBatch batch;
    batch.Delete(codec::MetaKey(codec::MetaId::kCounters));
    ASSERT_TRUE((*kv)->Write(&batch, /*sync=*/false).ok());
  }
  for (const std::string cmd : {"init", "stats"}) {
    r = RunRaw(store + cmd);
    EXPECT_EQ(r.code, 4) << cmd;
    EXPECT_THAT(r.err, HasSubstr("no counters")) << cmd;
    EXPECT_THAT(r.err, Not(HasSubstr("lineagedb init"))) << cmd;
  }

  // Another program's RocksDB database is not adopted.
  const fs::path other = fs::path(dir_.path()) / "other";
  {
    auto kv = storage::Kv::Open(Options(), other.string());
    ASSERT_TRUE(kv.ok()) << kv.status();
    storage::WriteBatch batch;
    batch.Put("user:1", "someone else's value");
    ASSERT_TRUE((*kv)->Write(&batch, /*sync=*/false).ok());
  }
  for (const std::string cmd : {"init", "stats"}) {
    r = RunRaw("--store '" + other.string() + "' " + cmd);
    EXPECT_EQ(r.code, 4) << cmd;
    EXPECT_THAT(r.err, HasSubstr("not a lineagedb store")) << cmd;
  }
  auto kv = storage::Kv::Open(Options(), other.string());
  ASSERT_TRUE(kv.ok()) << kv.status();
  std::vector<std::string> keys;
  auto it = (*kv)->NewReadView()->NewIterator("", "");
  for (it->SeekToFirst(); it->Valid(); it->Next()) keys.emplace_back(it->key());
  EXPECT_THAT(keys, ::testing::ElementsAre("user:1"));
}

// An event key the lineage index cannot hold (execution id 0) leaves the
// store usable: it opens, a walk that reaches the key fails naming it, and
// check names it (exit 4).
TEST_F(CliTest, CheckNamesAnEventKeyTheIndexCannotHold) {
  IngestMarquez();
  const std::string bad_key =
      codec::EventKey(codec::Tag::kEventByArtifact, 1, EventType::kInput, 0);
  WriteRawKey(bad_key, "");
  fs::remove(store_ / "lineagedb-graph.idx");
  EXPECT_EQ(Run("stats").code, 0);
  // A walk that reaches it fails on it; it invents no execution 0.
  CliResult r = Run("lineage artifact:1 --down");
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err, HasSubstr("bad event key " + codec::Hex(bad_key)));
  r = Run("check");
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.out, HasSubstr("bad event key " + codec::Hex(bad_key)));
}

// Keys holding an id past INT64_MAX (or 0) are DATA_LOSS where they are
// read, not skipped: export used to leave such a link out and exit 0, and
// stale read an id it never parsed.
TEST_F(CliTest, KeysWithIdsPastInt64AreDataLossInExportAndStale) {
  ASSERT_EQ(
      IngestNative(
          {R"({"artifact_type": {"name": "Data"}})",
           R"({"execution_type": {"name": "Gen"}})",
           R"({"context_type": {"name": "pipeline"}})",
           R"({"execution": {"type": "Gen", "state": "COMPLETE"}, "events": [{"type": "OUTPUT", "path": ["out", 0], "artifact": {"type": "Data", "uri": "/d1"}}], "contexts": [{"type": "pipeline", "name": "p"}]})"})
          .code,
      0);
  ASSERT_EQ(Run("stale --context 1 --artifact 1").code, 0);
  ASSERT_EQ(Run("export --format json").code, 0);
  std::string past = codec::PairKey(codec::Tag::kAttributionByContext, 1, 1);
  past.replace(past.size() - 8, 8, std::string("\x80\0\0\0\0\0\0\x09", 8));
  WriteRawKey(past, codec::EncodeEdge(1, 1));
  CliResult r = Run("export --format json");
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err, HasSubstr("bad edge key " + codec::Hex(past)));
  WriteRawKey(past, std::nullopt);
  // The pipeline's executions of type 2 (Gen), newest last: a damaged one
  // sorts last and is read first.
  std::string latest = codec::ContextExecutionByTypePrefix(1, 2);
  latest += std::string("\x80\0\0\0\0\0\0\x09", 8);
  WriteRawKey(latest, "");
  r = Run("stale --context 1 --artifact 1");
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err, HasSubstr("bad index key " + codec::Hex(latest)));
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
  const std::string last = LastArtifactUpstream(node);
  ASSERT_FALSE(last.empty());
  WriteRawKey(codec::NodeKey(NodeKind::kArtifact, std::stoll(last)),
              std::nullopt);
  for (const std::string& command :
       {"lineage " + node + " --up", "export " + node + " --format json",
        std::string("export --format json"),
        std::string("export --format dot")}) {
    SCOPED_TRACE(command);
    const CliResult r = Run(command);
    EXPECT_EQ(r.code, 4);
    EXPECT_THAT(r.err,
                HasSubstr("artifact " + last + " has events but no record"));
  }
  // A walk that stops short of it is answered.
  const CliResult r = Run("lineage " + node + " --up --hops 1");
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
  const std::string source = LastArtifactUpstream(node);
  ASSERT_FALSE(source.empty());
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

// Records that decode but break the model's rules, which every write
// enforces: check names each (helper-71).
TEST_F(CliTest, CheckFindsRecordsThatBreakTheModelsRules) {
  ASSERT_EQ(Run("demo --small").code, 0);
  ASSERT_EQ(Run("check").code, 0);
  auto read = [&](const std::string& key) {
    rocksdb::DB* raw = nullptr;
    EXPECT_TRUE(
        rocksdb::DB::Open(rocksdb::Options(), store_.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string value;
    EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok());
    EXPECT_TRUE(db->Close().ok());
    return value;
  };
  auto expect_problem = [&](const std::string& text) {
    const CliResult r = Run("check");
    EXPECT_EQ(r.code, 4);
    EXPECT_THAT(r.out, HasSubstr(text)) << r.out;
  };
  // An undeclared property.
  const std::string first = codec::NodeKey(NodeKind::kArtifact, 1);
  const std::string first_value = read(first);
  codec::NodeRow row;
  ASSERT_OK(codec::DecodeNode(first, first_value, &row));
  row.base.properties["zz"] = Value(int64_t{1});
  WriteRawKey(first, codec::EncodeNode(row));
  expect_problem("node 1 has property 'zz', which its type");
  WriteRawKey(first, first_value);
  // Values no write stores (helper-80): a struct that does not parse, a
  // value of no kind, a state byte of no state. Export must not paste the
  // struct into its JSON either.
  ASSERT_OK(codec::DecodeNode(first, first_value, &row));
  row.base.custom_properties["facet.x"] = Value(StructValue{"{not json"});
  WriteRawKey(first, codec::EncodeNode(row));
  expect_problem("node 1 has custom property 'facet.x' holding a struct that");
  CliResult exported = Run("--json get artifact 1");
  ASSERT_EQ(exported.code, 0) << exported.err;
  EXPECT_THAT(exported.out, HasSubstr(R"("facet.x":"{not json")"));
  ASSERT_OK(codec::DecodeNode(first, first_value, &row));
  row.base.custom_properties["u"] = Value();
  WriteRawKey(first, codec::EncodeNode(row));
  expect_problem("node 1 has custom property 'u' without a value");
  ASSERT_OK(codec::DecodeNode(first, first_value, &row));
  row.state = 99;
  WriteRawKey(first, codec::EncodeNode(row));
  expect_problem("node 1 has no valid state (99)");
  WriteRawKey(first, first_value);
  // Keys of no family member: an unknown meta key, an empty key.
  WriteRawKey(codec::MetaKey(codec::MetaId::kCounters) + "x", "");
  expect_problem("unknown meta key 0102" + codec::Hex("x"));
  WriteRawKey(codec::MetaKey(codec::MetaId::kCounters) + "x", std::nullopt);
  WriteRawKey("", "");
  expect_problem("problem: an empty key");
  WriteRawKey("", std::nullopt);
  // A create time before the previous node's.
  const std::string second = codec::NodeKey(NodeKind::kArtifact, 2);
  const std::string second_value = read(second);
  ASSERT_OK(codec::DecodeNode(second, second_value, &row));
  row.base.create_time_ms = 1;
  WriteRawKey(second, codec::EncodeNode(row));
  expect_problem("node 2 was created at 1 ms, before node 1");
  WriteRawKey(second, second_value);
  ASSERT_EQ(Run("check").code, 0);
  // Contexts 1 and 2 each other's parent, both directions of each written.
  const std::string edge = codec::EncodeEdge(1, 1);
  for (const auto& [child, parent] : {std::pair{1, 2}, std::pair{2, 1}}) {
    WriteRawKey(codec::PairKey(codec::Tag::kParentByChild, child, parent),
                edge);
    WriteRawKey(codec::PairKey(codec::Tag::kChildByParent, parent, child),
                edge);
  }
  expect_problem("parent contexts form a cycle through context 1");
}

}  // namespace
}  // namespace lineagedb::cli_test
