// On-disk robustness: corrupt values, format versions, ids across crashes.
#include <rocksdb/db.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "codec/coding.h"
#include "codec/keys.h"
#include "codec/records.h"
#include "lineagedb/bulk_writer.h"
#include "lineagedb/lineage.h"
#include "storage/kv.h"
#include "store/store_impl.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::lineagedb::testing::StoreTest;

class DurabilityTest : public StoreTest {
 protected:
  int64_t MakeType() {
    Type t;
    t.kind = NodeKind::kArtifact;
    t.name = "Dataset";
    t.properties = {{"span", PropertyKind::kInt}};
    auto id = store_->PutType(t);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(0);
  }

  // Closes the store, runs `fn` on the raw RocksDB, reopens the store.
  template <typename Fn>
  void WithRawDb(Fn fn) {
    store_.reset();
    rocksdb::DB* raw = nullptr;
    rocksdb::Options o;
    ASSERT_TRUE(rocksdb::DB::Open(o, store_path(), &raw).ok());
    fn(raw);
    delete raw;
  }
};

TEST_F(DurabilityTest, FlippedByteInRecordIsDataLossNamingTheKey) {
  int64_t type_id = MakeType();
  Artifact a;
  a.type_id = type_id;
  a.uri = "s3://data/1";
  a.properties["span"] = int64_t{1};
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids, store_->Put<Artifact>({a}));
  const std::string key = codec::NodeKey(NodeKind::kArtifact, ids[0]);
  WithRawDb([&](rocksdb::DB* db) {
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok());
    value[value.size() / 2] ^= 0x01;
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, value).ok());
  });
  Reopen();
  auto got = store_->GetByIds<Artifact>({ids[0]});
  EXPECT_CODE(got.status(), kDataLoss);
  EXPECT_THAT(std::string(got.status().message()),
              ::testing::HasSubstr(codec::Hex(key)));
  auto page = store_->List<Artifact>();
  EXPECT_CODE(page.status(), kDataLoss);
  // An update of the corrupt node fails and changes nothing.
  a.id = ids[0];
  EXPECT_CODE(store_->Put<Artifact>({a}).status(), kDataLoss);
}

// An index key that does not parse (a byte too many, id 0, an id past
// INT64_MAX) is DATA_LOSS naming it: it used to sort as a position it is
// not, and a page of one repeated the same page token forever.
TEST_F(DurabilityTest, ADamagedIndexKeyIsDataLossNotAnEndlessList) {
  const int64_t type_id = MakeType();
  Artifact a;
  a.type_id = type_id;
  ASSERT_OK(store_->Put<Artifact>({a, a, a}).status());
  auto with_id = [](std::string prefix, uint64_t id, std::string tail) {
    codec::PutU64(&prefix, id);
    return prefix + tail;
  };
  std::string timed =
      codec::NodeByUpdateTimePrefix(NodeKind::kArtifact, type_id);
  codec::PutI64(&timed, 1);
  NodeQuery by_type;
  by_type.type_name = "Dataset";
  ListOptions by_update;
  by_update.order_by = OrderBy::kLastUpdateTime;
  const std::string node_prefix = codec::NodePrefix(NodeKind::kArtifact);
  const std::string type_prefix =
      codec::NodeByTypePrefix(NodeKind::kArtifact, type_id);
  struct Case {
    std::string key;
    NodeQuery query;
    ListOptions options;
  };
  for (Case& c :
       std::vector<Case>{{with_id(node_prefix, 1, "\xff"), {}, {}},
                         {with_id(node_prefix, 0, ""), {}, {}},
                         {with_id(node_prefix, uint64_t{1} << 63, ""), {}, {}},
                         {with_id(type_prefix, 1, "\xff"), by_type, {}},
                         {with_id(timed, 2, "\xff"), by_type, by_update}}) {
    SCOPED_TRACE(codec::Hex(c.key));
    WithRawDb([&](rocksdb::DB* db) {
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), c.key, "x").ok());
    });
    // A writable open checks the highest node id against its counter: a
    // key past INT64_MAX is found there first.
    if (c.key == with_id(node_prefix, uint64_t{1} << 63, "")) {
      const Status opened = Store::Open(options_, store_path()).status();
      EXPECT_CODE(opened, kDataLoss);
      EXPECT_THAT(std::string(opened.message()),
                  ::testing::HasSubstr("malformed key " + codec::Hex(c.key)));
    }
    options_.read_only = true;
    Reopen();
    options_.read_only = false;
    c.options.max_result_size = 1;
    Status status;
    for (int page = 0; page < 10 && status.ok(); ++page) {
      auto listed = store_->List<Artifact>(c.query, c.options);
      status = listed.status();
      if (!listed.ok()) break;
      ASSERT_FALSE(listed->next_page_token.empty()) << "ended without error";
      c.options.page_token = listed->next_page_token;
    }
    EXPECT_CODE(status, kDataLoss);
    EXPECT_THAT(std::string(status.message()),
                ::testing::HasSubstr("bad index key " + codec::Hex(c.key)));
    WithRawDb([&](rocksdb::DB* db) {
      ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), c.key).ok());
    });
    Reopen();
  }
}

// Ids run out before a counter reaches what its decoder refuses: the last
// insert is RESOURCE_EXHAUSTED and changes nothing, and the store still
// opens (it used to write id INT64_MAX - 1 and then fail every open).
TEST_F(DurabilityTest, UsedUpIdsAreResourceExhaustedAndTheStoreStillOpens) {
  const int64_t type_id = MakeType();
  const std::string key = codec::MetaKey(codec::MetaId::kCounters);
  WithRawDb([&](rocksdb::DB* db) {
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok());
    codec::Counters counters;
    ASSERT_OK(codec::DecodeCounters(key, value, &counters));
    counters.next_node_id[0] = INT64_MAX - 3;
    counters.next_type_id = INT64_MAX - 2;
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), key, codec::EncodeCounters(counters))
            .ok());
  });
  Reopen();
  Artifact a;
  a.type_id = type_id;
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids, store_->Put<Artifact>({a, a}));
  EXPECT_THAT(ids, ::testing::ElementsAre(INT64_MAX - 3, INT64_MAX - 2));
  ASSERT_OK(
      store_->PutType(Type{.kind = NodeKind::kContext, .name = "c"}).status());
  const auto before = DumpStore();
  Status s = store_->Put<Artifact>({a}).status();
  EXPECT_CODE(s, kResourceExhausted);
  EXPECT_THAT(std::string(s.message()),
              ::testing::HasSubstr("no artifact ids are left"));
  s = store_->PutType(Type{.kind = NodeKind::kContext, .name = "d"}).status();
  EXPECT_CODE(s, kResourceExhausted);
  EXPECT_EQ(DumpStore(), before);
  Reopen();
  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> got,
                       store_->GetByIds<Artifact>({INT64_MAX - 2}));
  EXPECT_EQ(got.size(), 1u);
}

// A name index entry that names another node is DATA_LOSS, not that
// node's answer for this name.
TEST_F(DurabilityTest, ANameIndexEntryNamingAnotherNodeIsDataLoss) {
  const int64_t type_id = MakeType();
  Artifact a, b;
  a.type_id = b.type_id = type_id;
  a.name = "a";
  b.name = "b";
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids, store_->Put<Artifact>({a, b}));
  const std::string key =
      codec::NodeByTypeNameKey(NodeKind::kArtifact, type_id, "a");
  WithRawDb([&](rocksdb::DB* db) {
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), key, codec::EncodeId(ids[1])).ok());
  });
  Reopen();
  const Status s = store_->GetByTypeAndName<Artifact>("Dataset", "a").status();
  EXPECT_CODE(s, kDataLoss);
  EXPECT_THAT(std::string(s.message()),
              ::testing::HasSubstr("index " + codec::Hex(key)));
  ASSERT_OK_AND_ASSIGN(Artifact got,
                       store_->GetByTypeAndName<Artifact>("Dataset", "b"));
  EXPECT_EQ(got.id, ids[1]);
  // The same name, but a node of another type.
  ASSERT_OK_AND_ASSIGN(
      const int64_t other,
      store_->PutType(Type{.kind = NodeKind::kArtifact, .name = "Other"}));
  Artifact c;
  c.type_id = other;
  c.name = "a";
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> more, store_->Put<Artifact>({c}));
  WithRawDb([&](rocksdb::DB* db) {
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), key, codec::EncodeId(more[0])).ok());
  });
  Reopen();
  EXPECT_CODE(store_->GetByTypeAndName<Artifact>("Dataset", "a").status(),
              kDataLoss);
}

// Bytes flipped in a table's data blocks (not values rewritten through
// RocksDB) fail their block checksums: DATA_LOSS, whether the tables are
// read through memory maps or not. The first 16 KiB (the format version
// and types, read by the open) and the tail (filter, index, footer) stay
// intact.
TEST_F(DurabilityTest, FlippedByteInATableIsDataLossMappedOrNot) {
  const int64_t type_id = MakeType();
  std::vector<Artifact> artifacts(2000);
  for (size_t i = 0; i < artifacts.size(); ++i) {
    artifacts[i].type_id = type_id;
    artifacts[i].uri = "s3://data/" + std::to_string(i);
  }
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids,
                       store_->Put<Artifact>(artifacts));
  ASSERT_OK(store_->impl()->kv()->Flush());
  store_.reset();
  std::string table;
  for (const auto& e : std::filesystem::directory_iterator(store_path())) {
    if (e.path().extension() == ".sst" &&
        (table.empty() || e.file_size() > std::filesystem::file_size(table))) {
      table = e.path().string();
    }
  }
  ASSERT_FALSE(table.empty());
  const uint64_t size = std::filesystem::file_size(table);
  ASSERT_GT(size, 64u << 10);
  {
    std::fstream f(table, std::ios::binary | std::ios::in | std::ios::out);
    for (uint64_t at = 16 << 10; at < size * 7 / 10; at += 8 << 10) {
      f.seekg(static_cast<std::streamoff>(at));
      const char c = static_cast<char>(f.get() ^ 0x01);
      f.seekp(static_cast<std::streamoff>(at));
      f.put(c);
    }
  }
  std::vector<int> lost(2);  // Records per mode that fail to read.
  for (bool mapped : {true, false}) {
    SCOPED_TRACE(mapped ? "mapped" : "read");
    Options o = options_;
    o.mmap_reads = mapped;
    ASSERT_OK_AND_ASSIGN(store_, Store::Open(o, store_path()));
    EXPECT_CODE(store_->GetByIds<Artifact>(ids).status(), kDataLoss);
    for (size_t i = 0; i < ids.size(); ++i) {
      auto one = store_->GetByIds<Artifact>({ids[i]});
      if (!one.ok()) {
        EXPECT_CODE(one.status(), kDataLoss);
        ++lost[mapped];
      } else {
        ASSERT_EQ(one->size(), 1u);
        EXPECT_EQ((*one)[0].uri, "s3://data/" + std::to_string(i));
      }
    }
    store_.reset();
  }
  EXPECT_GT(lost[1], 0);
  EXPECT_LT(lost[1], static_cast<int>(ids.size()));  // Intact blocks read.
  EXPECT_EQ(lost[0], lost[1]);
}

// Sessions that write nothing (a CLI command each) leave no growing trail
// of empty write-ahead logs, and retiring them changes no key or value.
TEST_F(DurabilityTest, ReadOnlySessionsLeaveABoundedNumberOfLogs) {
  const int64_t type_id = MakeType();
  Artifact a;
  a.type_id = type_id;
  ASSERT_OK(store_->Put<Artifact>({a}).status());
  const testing::Dump before = DumpStore();
  auto logs = [&] {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(store_path())) {
      n += e.path().extension() == ".log";
    }
    return n;
  };
  int most = 0;
  for (int i = 0; i < 3 * storage::Kv::kMaxIdleLogs; ++i) {
    Reopen();
    most = std::max(most, logs());
  }
  // The open that finds more than kMaxIdleLogs flushes; RocksDB deletes the
  // logs the flush retires in the background, which may lag its return by
  // one open (seen once under ASan on a loaded machine).
  EXPECT_LE(most, storage::Kv::kMaxIdleLogs + 2);
  EXPECT_EQ(DumpStore(), before);
  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> got,
                       store_->GetByIds<Artifact>({1}));
  EXPECT_EQ(got.size(), 1u);
}

TEST_F(DurabilityTest, CorruptTypeRecordFailsOpenWithDataLoss) {
  int64_t type_id = MakeType();
  WithRawDb([&](rocksdb::DB* db) {
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), codec::TypeKey(type_id), "garbage")
            .ok());
  });
  auto reopened = Store::Open(options_, store_path());
  EXPECT_CODE(reopened.status(), kDataLoss);
}

TEST_F(DurabilityTest, NewerFormatIsFailedPreconditionNamingBothVersions) {
  WithRawDb([&](rocksdb::DB* db) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(),
                        codec::MetaKey(codec::MetaId::kFormatVersion),
                        codec::EncodeFormatVersion(codec::kFormatVersion + 6))
                    .ok());
  });
  auto reopened = Store::Open(options_, store_path());
  ASSERT_CODE_IS(reopened.status(), kFailedPrecondition);
  std::string msg(reopened.status().message());
  EXPECT_THAT(msg,
              ::testing::HasSubstr(std::to_string(codec::kFormatVersion + 6)));
  EXPECT_THAT(msg, ::testing::HasSubstr("version " +
                                        std::to_string(codec::kFormatVersion)));
}

TEST_F(DurabilityTest, FormatVersionZeroIsDataLoss) {
  WithRawDb([&](rocksdb::DB* db) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(),
                        codec::MetaKey(codec::MetaId::kFormatVersion),
                        codec::EncodeFormatVersion(0))
                    .ok());
  });
  EXPECT_CODE(Store::Open(options_, store_path()).status(), kDataLoss);
}

// Counters that decode but lag the stored ids (hand-made damage) would have
// a writer hand out a stored id again: a writable open refuses the store,
// naming the id; a read-only one reads it.
TEST_F(DurabilityTest, CountersBehindTheStoredIdsFailAWritableOpen) {
  const int64_t type_id = MakeType();
  Artifact a;
  a.type_id = type_id;
  a.uri = "gs://a";
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids,
                       store_->Put(std::vector<Artifact>{a, a}));
  const int64_t id = ids[0];
  const int64_t second = ids[1];
  const std::string counters_key = codec::MetaKey(codec::MetaId::kCounters);
  auto set_back = [&](auto change) {
    WithRawDb([&](rocksdb::DB* db) {
      std::string value;
      ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), counters_key, &value).ok());
      codec::Counters c;
      ASSERT_OK(codec::DecodeCounters(counters_key, value, &c));
      change(&c);
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), counters_key,
                          codec::EncodeCounters(c))
                      .ok());
    });
  };
  set_back([&](codec::Counters* c) { c->next_node_id[0] = id + 1; });
  auto reopened = Store::Open(options_, store_path());
  ASSERT_CODE_IS(reopened.status(), kDataLoss);
  EXPECT_THAT(reopened.status().message(),
              ::testing::HasSubstr("artifact " + std::to_string(second)));
  Options read_only = options_;
  read_only.read_only = true;
  ASSERT_OK_AND_ASSIGN(auto reader, Store::Open(read_only, store_path()));
  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> read,
                       reader->GetByIds<Artifact>({second}));
  EXPECT_EQ(read.size(), 1u);
  reader.reset();

  set_back([&](codec::Counters* c) {
    c->next_node_id[0] = second + 1;
    c->next_type_id = type_id;
  });
  reopened = Store::Open(options_, store_path());
  ASSERT_CODE_IS(reopened.status(), kDataLoss);
  EXPECT_THAT(reopened.status().message(),
              ::testing::HasSubstr("type " + std::to_string(type_id)));

  set_back([&](codec::Counters* c) { c->next_type_id = type_id + 1; });
  EXPECT_OK(Store::Open(options_, store_path()).status());
}

// Names and sizes of the files in `dir`.
std::map<std::string, uintmax_t> Files(const std::string& dir) {
  std::map<std::string, uintmax_t> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    files[e.path().filename().string()] = e.file_size();
  }
  return files;
}

// RocksDB, asked to create a database where CURRENT is missing, would start
// a new one and delete the old one's tables as obsolete.
TEST_F(DurabilityTest, AStoreThatLostItsCurrentFileIsDataLossAndUntouched) {
  const int64_t type_id = MakeType();
  Artifact a;
  a.type_id = type_id;
  ASSERT_OK(store_->Put<Artifact>({a}).status());
  store_.reset();
  ASSERT_TRUE(std::filesystem::remove(store_path() + "/CURRENT"));
  const auto before = Files(store_path());
  for (const bool read_only : {false, true}) {
    SCOPED_TRACE(read_only ? "read-only" : "read-write");
    Options o = options_;
    o.create_if_missing = !read_only;
    o.read_only = read_only;
    const Status s = Store::Open(o, store_path()).status();
    EXPECT_CODE(s, kDataLoss);
    EXPECT_THAT(s.message(), ::testing::HasSubstr("no CURRENT file"));
    EXPECT_FALSE(s.GetPayload(kDamagedLogPayload).has_value());
    EXPECT_EQ(Files(store_path()), before);
  }
  // An empty or cut CURRENT is damage too, named as such.
  for (const std::string text : {"", "MANIFEST-0000", "garbage\n"}) {
    std::ofstream(store_path() + "/CURRENT", std::ios::trunc) << text;
    const auto with_current = Files(store_path());
    for (const bool read_only : {false, true}) {
      Options o = options_;
      o.read_only = read_only;
      const Status s = Store::Open(o, store_path()).status();
      EXPECT_CODE(s, kDataLoss) << text;
      EXPECT_THAT(s.message(),
                  ::testing::HasSubstr("does not name a MANIFEST"));
      EXPECT_EQ(Files(store_path()), with_current) << text;
    }
  }
}

// An event key the lineage index cannot hold (execution id 0, or one past
// INT64_MAX) does not lock the store: it opens without the index, and a
// lineage walk that reaches the key is DATA_LOSS naming it, not an edge to
// an execution that does not exist (2^63 + 9 used to read as execution 9).
TEST_F(DurabilityTest, AnEventTheIndexCannotHoldLeavesTheStoreOpenable) {
  const int64_t type_id = MakeType();
  Artifact a;
  a.type_id = type_id;
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids, store_->Put<Artifact>({a}));
  for (const uint64_t bad : {uint64_t{0}, (uint64_t{1} << 63) | 9}) {
    const std::string key =
        codec::EventKey(codec::Tag::kEventByArtifact, ids[0], EventType::kInput,
                        static_cast<int64_t>(bad));
    SCOPED_TRACE(codec::Hex(key));
    WithRawDb([&](rocksdb::DB* db) {
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, "").ok());
    });
    // Built from the keys, not loaded from the snapshot saved at the close.
    std::filesystem::remove(store_path() + "/lineagedb-graph.idx");
    ASSERT_OK_AND_ASSIGN(store_, Store::Open(options_, store_path()));
    EXPECT_EQ(store_->impl()->graph_index(), nullptr);
    ASSERT_OK_AND_ASSIGN(std::vector<Artifact> got,
                         store_->GetByIds<Artifact>(ids));
    EXPECT_EQ(got.size(), 1u);
    LineageQuery q;
    q.artifact_ids = {ids[0]};
    q.fetch_nodes = false;
    const Status walked = GetLineageSubgraph(store_.get(), q).status();
    EXPECT_CODE(walked, kDataLoss);
    EXPECT_THAT(std::string(walked.message()),
                ::testing::HasSubstr("bad event key " + codec::Hex(key)));
    WithRawDb([&](rocksdb::DB* db) {
      ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), key).ok());
    });
  }
}

TEST_F(DurabilityTest, SecondOpenOfALockedStoreIsFailedPrecondition) {
  auto second = Store::Open(options_, store_path());
  EXPECT_CODE(second.status(), kFailedPrecondition);
  EXPECT_THAT(std::string(second.status().message()),
              ::testing::HasSubstr("this process has the store open already"));
}

// However its path is spelled: two writers of one folder would give the
// same ids to different records and lose each other's table files.
TEST_F(DurabilityTest, SecondOpenUnderAnotherSpellingIsFailedPrecondition) {
  const std::string link = dir_.path() + "/link";
  std::filesystem::create_directory_symlink(store_path(), link);
  const std::string relative =
      std::filesystem::relative(store_path(), std::filesystem::current_path())
          .string();
  for (const std::string& path :
       {store_path() + "/./", store_path() + "/../store", link, relative}) {
    EXPECT_CODE(Store::Open(options_, path).status(), kFailedPrecondition)
        << path;
  }
  // A reader under another spelling sees the same store.
  ASSERT_OK(
      store_->PutType(Type{.kind = NodeKind::kArtifact, .name = "T"}).status());
  store_.reset();
  Options read_only;
  read_only.read_only = true;
  ASSERT_OK_AND_ASSIGN(auto reader, Store::Open(read_only, link + "/"));
  EXPECT_OK(reader->GetType(NodeKind::kArtifact, "T").status());
}

TEST_F(DurabilityTest, MissingStoreWithoutCreateIsNotFound) {
  Options o;
  o.create_if_missing = false;
  EXPECT_CODE(Store::Open(o, dir_.path() + "/nowhere").status(), kNotFound);
  // RocksDB makes the store's folder, not the ones above it.
  Status s = Store::Open(Options(), dir_.path() + "/a/b/store").status();
  EXPECT_CODE(s, kNotFound);
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("does not exist"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/a"));
}

// error_if_exists holds for a read-only open too.
TEST_F(DurabilityTest, AnExistingStoreWithErrorIfExistsIsAlreadyExists) {
  store_.reset();
  for (bool read_only : {false, true}) {
    Options o;
    o.error_if_exists = true;
    o.read_only = read_only;
    EXPECT_CODE(Store::Open(o, store_path()).status(), kAlreadyExists)
        << read_only;
  }
}

// RocksDB aborts on a memtable smaller than its arena's first block; the
// smallest one Open takes still holds writes that flush many times.
TEST_F(DurabilityTest, ATooSmallWriteBufferIsInvalidArgument) {
  Options o;
  o.write_buffer_bytes = 0;
  EXPECT_CODE(Store::Open(o, dir_.path() + "/tiny").status(), kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/tiny"));
  o.write_buffer_bytes = storage::Kv::kMinWriteBufferBytes;
  ASSERT_OK_AND_ASSIGN(auto store, Store::Open(o, dir_.path() + "/tiny"));
  ASSERT_OK_AND_ASSIGN(
      int64_t type,
      store->PutType(Type{.kind = NodeKind::kArtifact, .name = "T"}));
  std::vector<Artifact> nodes(2000);
  for (size_t i = 0; i < nodes.size(); ++i) {
    nodes[i].type_id = type;
    nodes[i].uri = std::string(100, 'u') + std::to_string(i);
  }
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids, store->Put(nodes));
  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> got,
                       store->GetByIds<Artifact>(ids));
  EXPECT_EQ(got.size(), nodes.size());
}

// A path that cannot be a store is the caller's error, not INTERNAL; a file
// there is left as it was.
TEST_F(DurabilityTest, AnEmptyPathOrAFileIsNoStore) {
  EXPECT_CODE(Store::Open(Options(), "").status(), kInvalidArgument);
  const std::string file = dir_.path() + "/file";
  std::ofstream(file) << "data";
  for (bool create : {true, false}) {
    Options o;
    o.create_if_missing = create;
    Status s = Store::Open(o, file).status();
    EXPECT_CODE(s, kFailedPrecondition);
    EXPECT_THAT(std::string(s.message()),
                ::testing::HasSubstr("is not a folder"));
  }
  EXPECT_CODE(Store::Open(Options(), file + "/sub").status(),
              kFailedPrecondition);
  std::ifstream in(file);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "data");
}

TEST_F(DurabilityTest, IdsAreNeverReusedAfterACrash) {
  int64_t type_id = MakeType();
  store_.reset();
  // A child process writes nodes and dies without closing the store.
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto s = Store::Open(options_, store_path());
    if (!s.ok()) _exit(2);
    Artifact a;
    a.type_id = type_id;
    std::vector<Artifact> batch(10, a);
    auto ids = (*s)->Put<Artifact>(batch);
    _exit(ids.ok() && ids->back() == 10 ? 0 : 3);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  Reopen();
  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> before,
                       store_->GetByIds<Artifact>({1, 5, 10}));
  EXPECT_EQ(before.size(), 3u);
  Artifact a;
  a.type_id = type_id;
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids, store_->Put<Artifact>({a}));
  EXPECT_EQ(ids[0], 11);
}

// Runs `write` on the store at `path` in a child process that then dies
// without closing it: the writes are only in the write-ahead log (a
// closing store moves them to table files).
template <typename Fn>
void WriteAndDie(const Options& options, const std::string& path, Fn write) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto s = Store::Open(options, path);
    _exit(s.ok() && write(s->get()) ? 0 : 3);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
}

// The store's only non-empty write-ahead log.
std::filesystem::path OnlyLog(const std::string& store) {
  std::vector<std::filesystem::path> logs;
  for (const auto& e : std::filesystem::directory_iterator(store)) {
    if (e.path().extension() == ".log" && e.file_size() > 0) {
      logs.push_back(e.path());
    }
  }
  EXPECT_EQ(logs.size(), 1u);
  return logs.empty() ? std::filesystem::path() : logs[0];
}

// Writes artifacts 1, 2 and 3 (URIs s3://data/0, 1, 2) by three writes in a
// process that dies before closing the store; returns the log holding them.
std::filesystem::path PutThreeAndDie(Options options, const std::string& path,
                                     int64_t type_id) {
  WriteAndDie(options, path, [&](Store* store) {
    for (int i = 0; i < 3; ++i) {
      Artifact a;
      a.type_id = type_id;
      a.uri = "s3://data/" + std::to_string(i);
      if (!store->Put<Artifact>({a}).ok()) return false;
    }
    return true;
  });
  return OnlyLog(path);
}

// A damaged byte in the log's last record (a whole record, not a write cut
// short) fails the open instead of silently dropping the write.
TEST_F(DurabilityTest, ADamagedLogRecordFailsTheOpenWithDataLoss) {
  const int64_t type_id = MakeType();
  store_.reset();
  const std::filesystem::path log =
      PutThreeAndDie(options_, store_path(), type_id);
  const uint64_t size = std::filesystem::file_size(log);
  {
    std::fstream f(log, std::ios::binary | std::ios::in | std::ios::out);
    f.seekg(static_cast<std::streamoff>(size - 20));
    const char c = static_cast<char>(f.get() ^ 0x01);
    f.seekp(static_cast<std::streamoff>(size - 20));
    f.put(c);
  }
  const Status damaged = Store::Open(options_, store_path()).status();
  EXPECT_CODE(damaged, kDataLoss);
  EXPECT_TRUE(damaged.GetPayload(kDamagedLogPayload).has_value()) << damaged;
  // Nothing was dropped: the same open fails again.
  EXPECT_CODE(Store::Open(options_, store_path()).status(), kDataLoss);
  // Salvaged: the writes before the damaged record, none after it.
  Options salvage = options_;
  salvage.salvage_log = true;
  ASSERT_OK_AND_ASSIGN(store_, Store::Open(salvage, store_path()));
  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> kept,
                       store_->GetByIds<Artifact>({1, 2, 3}));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[1].uri, "s3://data/1");
  // Then a plain open works: the damaged log is gone.
  Reopen();
}

// A damaged length field that runs past the end of the log reads to RocksDB
// as a last write cut short, and a type byte with bit 2 set as a recycled
// log's record: either ends the replay in silence. The record's checksum
// tells them apart, and the open fails instead of dropping the writes
// (storage/log_tail.h).
TEST_F(DurabilityTest, ADamagedLengthOrTypeFailsTheOpen) {
  // (byte of the second record's header, bits flipped).
  for (const auto& [byte, bits] : {std::pair{5, 0x41}, std::pair{6, 0x04}}) {
    SCOPED_TRACE(byte);
    store_.reset();
    std::filesystem::remove_all(store_path());
    Reopen();
    const int64_t type_id = MakeType();
    store_.reset();
    const std::filesystem::path log =
        PutThreeAndDie(options_, store_path(), type_id);
    std::string bytes;
    {
      std::ifstream in(log, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    // Records: [crc 4][length 2][type 1][payload].
    const size_t second =
        7 + (static_cast<uint8_t>(bytes[4]) |
             static_cast<size_t>(static_cast<uint8_t>(bytes[5])) << 8);
    ASSERT_LT(second + 7, bytes.size());
    bytes[second + byte] ^= static_cast<char>(bits);
    std::ofstream(log, std::ios::binary | std::ios::trunc) << bytes;
    for (const bool read_only : {true, false}) {
      Options options = options_;
      options.read_only = read_only;
      const Status damaged = Store::Open(options, store_path()).status();
      EXPECT_CODE(damaged, kDataLoss);
      EXPECT_TRUE(damaged.GetPayload(kDamagedLogPayload).has_value())
          << damaged;
    }
    // Salvaged: the writes before the damaged record, none after it.
    Options salvage = options_;
    salvage.salvage_log = true;
    ASSERT_OK_AND_ASSIGN(store_, Store::Open(salvage, store_path()));
    ASSERT_OK_AND_ASSIGN(std::vector<Artifact> kept,
                         store_->GetByIds<Artifact>({1, 2, 3}));
    EXPECT_LT(kept.size(), 3u);
    Reopen();
  }
}

// A last write cut short (the process died in it) is dropped; the writes
// before it stay.
TEST_F(DurabilityTest, ALastLogRecordCutShortIsDropped) {
  const int64_t type_id = MakeType();
  store_.reset();
  WriteAndDie(options_, store_path(), [&](Store* store) {
    Artifact a;
    a.type_id = type_id;
    if (!store->Put<Artifact>({a}).ok()) return false;
    return store->Put<Artifact>(std::vector<Artifact>(50, a)).ok();
  });
  const std::filesystem::path log = OnlyLog(store_path());
  const uint64_t size = std::filesystem::file_size(log);
  // The second write's record (50 artifacts, over a kilobyte) loses its
  // last bytes.
  std::filesystem::resize_file(log, size - 10);
  Reopen();
  ASSERT_OK_AND_ASSIGN(std::vector<Artifact> kept,
                       store_->GetByIds<Artifact>({1, 2, 51}));
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].id, 1);
}

// A read-only store reads a store another writer holds open (no lock),
// refuses every write, and changes no file of the folder.
TEST_F(DurabilityTest, AReadOnlyStoreReadsBesideAWriterAndWritesNothing) {
  const int64_t type_id = MakeType();
  Artifact a;
  a.type_id = type_id;
  a.uri = "s3://data/1";
  ASSERT_OK(store_->Put<Artifact>({a}).status());
  // Artifact 1 in a table file, artifact 2 only in the writer's log.
  ASSERT_OK(store_->impl()->kv()->Flush());
  a.uri = "s3://data/2";
  ASSERT_OK(store_->Put<Artifact>({a}).status());
  Options read_only = options_;
  read_only.read_only = true;
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> reader,
                         Store::Open(read_only, store_path()));
    // Twice: a second read of a key must not be answered differently.
    for (int i = 0; i < 2; ++i) {
      ASSERT_OK_AND_ASSIGN(std::vector<Artifact> got,
                           reader->GetByIds<Artifact>({1, 2}));
      ASSERT_EQ(got.size(), 2u);
      EXPECT_EQ(got[0].uri, "s3://data/1");
      EXPECT_EQ(got[1].uri, "s3://data/2");
    }
    EXPECT_CODE(reader->Put<Artifact>({a}).status(), kFailedPrecondition);
    EXPECT_CODE(
        reader->PutType(Type{.kind = NodeKind::kContext, .name = "C"}).status(),
        kFailedPrecondition);
    EXPECT_CODE(NewBulkWriter(reader.get()).status(), kFailedPrecondition);
  }
  store_.reset();
  // Every file's name, size and time, before and after a read-only session.
  auto files = [&] {
    std::map<std::string, std::pair<uintmax_t, std::filesystem::file_time_type>>
        out;
    for (const auto& e : std::filesystem::directory_iterator(store_path())) {
      out[e.path().filename().string()] = {e.file_size(), e.last_write_time()};
    }
    return out;
  };
  const auto before = files();
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> reader,
                         Store::Open(read_only, store_path()));
    ASSERT_OK(reader->List<Artifact>().status());
  }
  EXPECT_EQ(files(), before);
  // A write left in the log by a writer that did not flush (RocksDB's own
  // close): the reader replays it, and still reads the keys of the table
  // files it read while opening (with a row cache, RocksDB 7.8 lost them).
  WithRawDb([&](rocksdb::DB* db) {
    const std::string key = codec::NodeKey(NodeKind::kArtifact, 1);
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, value).ok());
  });
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> reader,
                         Store::Open(read_only, store_path()));
    std::string value;
    EXPECT_OK(reader->impl()->kv()->NewReadView()->Get(
        codec::MetaKey(codec::MetaId::kFormatVersion), &value));
    ASSERT_OK_AND_ASSIGN(std::vector<Artifact> got,
                         reader->GetByIds<Artifact>({1, 2}));
    EXPECT_EQ(got.size(), 2u);
  }
  // No store: NOT_FOUND, and nothing is created.
  const std::string missing = store_path() + "-none";
  EXPECT_CODE(Store::Open(read_only, missing).status(), kNotFound);
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(DurabilityTest, IdsOfAFailedCallAreNotReusedWithinASession) {
  int64_t type_id = MakeType();
  Artifact good, bad;
  good.type_id = type_id;
  bad.type_id = type_id;
  bad.properties["undeclared"] = int64_t{1};
  EXPECT_CODE(store_->Put<Artifact>({good, bad}).status(), kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto page, store_->List<Artifact>());
  EXPECT_TRUE(page.items.empty());
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids, store_->Put<Artifact>({good}));
  EXPECT_EQ(ids[0], 1);  // Nothing was committed, so no id was used.
}

}  // namespace
}  // namespace lineagedb
