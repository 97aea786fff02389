// Tests of the key-value layer's bulk load (storage/kv.h, IngestSorted).
#include "storage/kv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table_properties.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "codec/keys.h"
#include "codec/records.h"
#include "storage/unlisted_tables.h"
#include "tests/test_util.h"
#include "util/str_cat.h"

namespace lineagedb::storage {
namespace {

class KvTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    kv_.reset();
    Options options;
    options.create_if_missing = true;
    ASSERT_OK_AND_ASSIGN(kv_, Kv::Open(options, dir_.path() + "/kv"));
  }

  // Files of the store's folder whose name ends in `suffix`.
  int FilesEndingIn(const std::string& suffix) {
    int n = 0;
    for (const auto& e :
         std::filesystem::directory_iterator(dir_.path() + "/kv")) {
      const std::string name = e.path().filename().string();
      n +=
          name.size() >= suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    }
    return n;
  }

  void Put(const std::string& key, const std::string& value) {
    WriteBatch batch;
    batch.Put(key, value);
    ASSERT_OK(kv_->Write(&batch, /*sync=*/false));
  }

  // Every key and value, in key order.
  std::vector<std::pair<std::string, std::string>> All() {
    std::vector<std::pair<std::string, std::string>> all;
    auto view = kv_->NewReadView();
    auto it = view->NewIterator("", "\xff\xff\xff\xff");
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      all.emplace_back(std::string(it->key()), std::string(it->value()));
    }
    EXPECT_OK(it->status());
    return all;
  }

  // Cuts 20 bytes off the MANIFEST of the closed store, whose newest table
  // holds sequence 2; both opens refuse, keeping the tables. Then takes the
  // way out the message names (the table moved out of the folder) and
  // opens the store.
  void CutRefuseAndMoveAway();
  // Writes "a" and "b" (sequences 1 and 2) into a table file each, then "c"
  // (sequence 3) to the log only.
  void TwoTablesAndALoggedWrite();

  testing::TempDir dir_;
  std::unique_ptr<Kv> kv_;
};

using Entries = std::vector<std::pair<std::string, std::string>>;

// Writes and point reads count nothing into RocksDB's perf context (its
// thread-local counts cost a fifth of a bulk writer's CPU), and leave the
// calling thread's perf level as they found it.
TEST_F(KvTest, WritesAndReadsLeaveThePerfContextAlone) {
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  for (int i = 0; i < 100; ++i) Put("key" + std::to_string(i), "value");
  auto view = kv_->NewReadView();
  std::string value;
  ASSERT_OK(view->Get("key7", &value));
  std::vector<std::string> values;
  std::vector<bool> found;
  ASSERT_OK(view->MultiGet({"key8", "key9"}, &values, &found));
  EXPECT_EQ(rocksdb::GetPerfLevel(), rocksdb::PerfLevel::kEnableCount);
  EXPECT_EQ(rocksdb::get_perf_context()->user_key_comparison_count, 0u);
  EXPECT_EQ(rocksdb::get_perf_context()->get_from_memtable_count, 0u);
  // Counting is on: the same read from RocksDB itself counts.
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir_.path() + "/raw", &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "key7", "value").ok());
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), "key7", &value).ok());
  EXPECT_EQ(rocksdb::get_perf_context()->get_from_memtable_count, 1u);
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
}

// The store's counters at sequence `seq`, encoded.
std::string CountersAt(uint64_t seq) {
  codec::Counters counters;
  counters.seq = seq;
  return codec::EncodeCounters(counters);
}

// Writes `key` with the store's counters at sequence `seq`, as every write
// batch of the store does, to the log.
void PutCounted(Kv* kv, const std::string& key, uint64_t seq) {
  WriteBatch batch;
  batch.Put(key, "value");
  batch.Put(codec::MetaKey(codec::MetaId::kCounters), CountersAt(seq));
  ASSERT_OK(kv->Write(&batch, /*sync=*/true));
}

// PutCounted, then a flush of it into a table file.
void PutAndFlush(Kv* kv, const std::string& key, uint64_t seq) {
  PutCounted(kv, key, seq);
  ASSERT_OK(kv->Flush());
}

// The store's files (but its LOG) with their sizes.
std::map<std::string, uintmax_t> StoreFiles(const std::string& path) {
  std::map<std::string, uintmax_t> files;
  for (const auto& e : std::filesystem::directory_iterator(path)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with("LOG")) files[name] = e.file_size();
  }
  return files;
}

// Both opens of the store at `path` fail with DATA_LOSS naming the table
// of sequence `seq`, and leave every file as it was: twice, since what a
// refused open changed would decide the next.
void ExpectBothOpensRefuse(const std::string& path, int seq) {
  const std::map<std::string, uintmax_t> before = StoreFiles(path);
  for (const bool read_only : {true, false, true, false}) {
    SCOPED_TRACE(read_only ? "read-only" : "writable");
    Options options;
    options.read_only = read_only;
    auto kv = Kv::Open(options, path);
    ASSERT_EQ(kv.status().code(), absl::StatusCode::kDataLoss) << kv.status();
    EXPECT_THAT(
        std::string(kv.status().message()),
        ::testing::HasSubstr(StrCat("holds writes up to sequence ", seq, " ")));
    EXPECT_EQ(StoreFiles(path), before);
  }
}

// Cuts the last `bytes` bytes off the MANIFEST of the database at `path`.
void CutManifest(const std::string& path, int bytes) {
  std::filesystem::path manifest;
  for (const auto& e : std::filesystem::directory_iterator(path)) {
    if (e.path().filename().string().starts_with("MANIFEST-")) {
      manifest = e.path();
    }
  }
  ASSERT_FALSE(manifest.empty());
  std::filesystem::resize_file(manifest,
                               std::filesystem::file_size(manifest) - bytes);
}

// Two writes flushed into two table files, the second at sequence 2, and
// the store closed: its folder.
std::string TwoTablesClosed(std::unique_ptr<Kv>* kv, const std::string& dir) {
  PutAndFlush(kv->get(), "a", 1);
  PutAndFlush(kv->get(), "b", 2);
  kv->reset();
  return dir + "/kv";
}

void KvTest::TwoTablesAndALoggedWrite() {
  PutAndFlush(kv_.get(), "a", 1);
  PutAndFlush(kv_.get(), "b", 2);
  PutCounted(kv_.get(), "c", 3);
}

void KvTest::CutRefuseAndMoveAway() {
  const std::string path = dir_.path() + "/kv";
  const std::set<std::string> tables = TableFiles(path);
  ASSERT_FALSE(tables.empty());
  CutManifest(path, 20);
  ExpectBothOpensRefuse(path, 2);
  std::filesystem::rename(std::filesystem::path(path) / *tables.rbegin(),
                          dir_.path() + "/moved.sst");
  Open();
}

// A MANIFEST whose last record is cut off (damage, not a crash: the table
// it listed was written whole and its log retired) makes RocksDB recover
// the version before it, and a writable open would delete the table. Both
// opens refuse instead, and the table stays.
TEST_F(KvTest, ATableACutManifestNoLongerListsIsDataLoss) {
  TwoTablesClosed(&kv_, dir_.path());
  CutRefuseAndMoveAway();
  std::string value;
  EXPECT_OK(kv_->NewReadView()->Get("a", &value));
  EXPECT_EQ(kv_->NewReadView()->Get("b", &value).code(),
            absl::StatusCode::kNotFound);
}

// The same damage after later writes: the table the cut MANIFEST no longer
// lists (sequence 2) has had its log retired, and the log RocksDB replays
// holds sequence 3 only. The store's last write is past the table's, yet
// the table's writes are nowhere else: still DATA_LOSS, the table kept.
TEST_F(KvTest, ACutManifestIsDataLossThoughTheLogHoldsLaterWrites) {
  TwoTablesAndALoggedWrite();
  kv_.reset();  // Sequence 3 stays in the log.
  CutRefuseAndMoveAway();
  std::string value;
  EXPECT_OK(kv_->NewReadView()->Get("a", &value));
  EXPECT_OK(kv_->NewReadView()->Get("c", &value));
  EXPECT_EQ(kv_->NewReadView()->Get("b", &value).code(),
            absl::StatusCode::kNotFound);
}

// A flush cut short by a crash before its MANIFEST record: its table holds
// writes past the listed tables' (sequence 3), and the log it came from
// holds them too. No damage: a writable open removes the table, and the
// write is read back from the log.
TEST_F(KvTest, AnUnlistedTableOfWritesTheLogHoldsIsRemoved) {
  TwoTablesAndALoggedWrite();
  kv_.reset();
  const std::filesystem::path table =
      std::filesystem::path(dir_.path()) / "kv" / "000900.sst";
  const rocksdb::Options options;
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions{}, options);
  ASSERT_TRUE(writer.Open(table.string()).ok());
  ASSERT_TRUE(
      writer.Put(codec::MetaKey(codec::MetaId::kCounters), CountersAt(3)).ok());
  ASSERT_TRUE(writer.Put("c", "value").ok());
  ASSERT_TRUE(writer.Finish().ok());
  Open();
  EXPECT_FALSE(std::filesystem::exists(table));
  std::string value;
  EXPECT_OK(kv_->NewReadView()->Get("c", &value));
}

// A table file no version lists whose writes the store has (what a crash in
// the middle of a flush or a compaction leaves) is no damage: a writable
// open removes it, as RocksDB would, and a read-only one leaves it.
TEST_F(KvTest, AnUnlistedTableOfOldWritesIsRemoved) {
  const std::string path = TwoTablesClosed(&kv_, dir_.path());
  const std::set<std::string> tables = TableFiles(path);
  ASSERT_FALSE(tables.empty());
  std::filesystem::copy_file(std::filesystem::path(path) / *tables.begin(),
                             std::filesystem::path(path) / "000900.sst");
  Options read_only;
  read_only.read_only = true;
  ASSERT_OK(Kv::Open(read_only, path).status());
  EXPECT_TRUE(
      std::filesystem::exists(std::filesystem::path(path) / "000900.sst"));
  Open();
  EXPECT_FALSE(
      std::filesystem::exists(std::filesystem::path(path) / "000900.sst"));
  std::string value;
  EXPECT_OK(kv_->NewReadView()->Get("b", &value));
}

// A damaged Bloom filter block does not fail a scan (RocksDB reads the
// data blocks without it), so only a check of every block finds it.
TEST_F(KvTest, VerifyTableFilesFindsADamagedFilterBlock) {
  for (int i = 0; i < 2000; ++i) {
    std::string key(9, '\0');  // A tag and an 8-byte id, then a suffix.
    key[0] = '\x20';
    key[8] = static_cast<char>(i % 256);
    key.append(std::to_string(i));
    Put(key, std::string(100, 'v'));
  }
  ASSERT_OK(kv_->Flush());
  std::vector<std::string> damaged;
  ASSERT_OK(kv_->VerifyTableFiles(&damaged));
  EXPECT_THAT(damaged, ::testing::IsEmpty());
  const Entries before = All();
  kv_.reset();
  // The filter block follows the data blocks.
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(rocksdb::Options(),
                                           dir_.path() + "/kv", &raw)
                  .ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::TablePropertiesCollection tables;
  ASSERT_TRUE(db->GetPropertiesOfAllTables(&tables).ok());
  db.reset();
  ASSERT_EQ(tables.size(), 1u);
  const auto& [file, props] = *tables.begin();
  ASSERT_GT(props->filter_size, 16u);
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(
        static_cast<std::streamoff>(props->data_size + props->filter_size / 2));
    f.put('\x5a').put('\xa5');
  }
  Open();
  EXPECT_EQ(All(), before);
  ASSERT_OK(kv_->VerifyTableFiles(&damaged));
  EXPECT_THAT(damaged, ::testing::ElementsAre(::testing::AllOf(
                           ::testing::HasSubstr(file),
                           ::testing::HasSubstr("checksum mismatch"))));
}

TEST_F(KvTest, IngestSortedPutsOverwritesAndErases) {
  Put("b", "old b");
  Put("d", "d");
  ASSERT_OK(kv_->IngestSorted(
      {{"a", "a"}, {"b", "new b"}, {"c", "c"}, {"d", "", /*erase=*/true}}));
  EXPECT_EQ(All(), (Entries{{"a", "a"}, {"b", "new b"}, {"c", "c"}}));
  // Later writes go over it, through the memtable as usual.
  Put("a", "a2");
  EXPECT_EQ(All(), (Entries{{"a", "a2"}, {"b", "new b"}, {"c", "c"}}));
  Open();
  EXPECT_EQ(All(), (Entries{{"a", "a2"}, {"b", "new b"}, {"c", "c"}}));
  EXPECT_EQ(FilesEndingIn(".tmp"), 0);
}

TEST_F(KvTest, IngestSortedRefusesUnorderedOrNoEntriesAndChangesNothing) {
  Put("k", "v");
  const Entries before = All();
  EXPECT_CODE(kv_->IngestSorted({}), kInvalidArgument);
  Status s = kv_->IngestSorted({{"a", "1"}, {"c", "2"}, {"b", "3"}});
  EXPECT_CODE(s, kInvalidArgument);
  EXPECT_NE(s.message().find("entry 2"), std::string::npos) << s.message();
  EXPECT_CODE(kv_->IngestSorted({{"a", "1"}, {"a", "2"}}), kInvalidArgument);
  EXPECT_EQ(All(), before);
  EXPECT_EQ(FilesEndingIn(".tmp"), 0);
}

TEST_F(KvTest, OpenRemovesABulkFileACrashLeft) {
  std::ofstream(dir_.path() + "/kv/bulk-3.sst.tmp") << "half a table";
  std::ofstream(dir_.path() + "/kv/notes.tmp") << "not ours";
  Open();
  EXPECT_EQ(FilesEndingIn(".sst.tmp"), 0);
  EXPECT_EQ(FilesEndingIn("notes.tmp"), 1);
}

}  // namespace
}  // namespace lineagedb::storage
