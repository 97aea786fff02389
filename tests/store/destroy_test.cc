// Store::Destroy: deletes a store's files under its lock, keeps the folder
// and every file that is not the store's, and refuses a store in use, a
// file, a folder of other files and another program's database, leaving
// them as they were.
#include <rocksdb/comparator.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "storage/kv.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

namespace fs = std::filesystem;

class DestroyTest : public testing::StoreTest {
 protected:
  // The names in `dir`.
  static std::set<std::string> Names(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) {
      names.insert(e.path().filename().string());
    }
    return names;
  }

  static void Touch(const fs::path& file) { std::ofstream(file) << "mine"; }

  // Stores one artifact and closes the store, with its lineage index
  // snapshot written.
  void FillAndClose() {
    ASSERT_OK_AND_ASSIGN(testing::NodeTypes types,
                         testing::PutNodeTypes(store_.get()));
    Artifact a;
    a.type_id = types.artifact;
    a.uri = "s3://kept";
    ASSERT_OK(store_->Put(std::vector<Artifact>{a}).status());
    store_.reset();
  }
};

TEST_F(DestroyTest, DeletesTheStoreAndKeepsTheFolderAndOtherFiles) {
  FillAndClose();
  ASSERT_TRUE(fs::exists(fs::path(store_path()) / "lineagedb-graph.idx"));
  // Not the store's, whatever their names look like.
  const std::set<std::string> mine = {"notes.txt",  "000123",
                                      "7.sst.orig", "CURRENT.bak",
                                      "LOG.txt",    "LOG.old.notes"};
  for (const std::string& name : mine) Touch(fs::path(store_path()) / name);
  ASSERT_OK(Store::Destroy(store_path()));
  EXPECT_EQ(Names(store_path()), mine);
  Options open_only;
  open_only.create_if_missing = false;
  EXPECT_CODE(Store::Open(open_only, store_path()).status(), kNotFound);
  // A new store in the same folder starts empty.
  Reopen();
  ASSERT_OK_AND_ASSIGN(Page<Artifact> page, store_->List<Artifact>({}, {}));
  EXPECT_TRUE(page.items.empty());
}

TEST_F(DestroyTest, AbsentPathAndEmptyFolderAreNothingToDo) {
  EXPECT_OK(Store::Destroy(dir_.path() + "/absent"));
  EXPECT_FALSE(fs::exists(dir_.path() + "/absent"));
  fs::create_directory(dir_.path() + "/empty");
  EXPECT_OK(Store::Destroy(dir_.path() + "/empty"));
  EXPECT_TRUE(fs::is_empty(dir_.path() + "/empty"));
  EXPECT_CODE(Store::Destroy(""), kInvalidArgument);
}

TEST_F(DestroyTest, StoreOpenInThisProcessIsLeftAsItWas) {
  FillAndClose();
  Reopen();
  const testing::Dump before = DumpStore();
  const std::set<std::string> names = Names(store_path());
  // Under another spelling of its path too.
  for (const std::string& path :
       {store_path(), dir_.path() + "/./store/",
        dir_.path() + "/../" + fs::path(dir_.path()).filename().string() +
            "/store"}) {
    const Status s = Store::Destroy(path);
    EXPECT_CODE(s, kFailedPrecondition) << path;
    EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("open")) << path;
  }
  EXPECT_EQ(Names(store_path()), names);
  EXPECT_EQ(DumpStore(), before);
}

TEST_F(DestroyTest, RefusesWhatIsNoStore) {
  store_.reset();
  ASSERT_OK(Store::Destroy(store_path()));
  // A file.
  const fs::path file = fs::path(dir_.path()) / "file";
  Touch(file);
  EXPECT_CODE(Store::Destroy(file.string()), kFailedPrecondition);
  EXPECT_TRUE(fs::exists(file));
  // A folder of someone's files.
  const fs::path folder = fs::path(dir_.path()) / "folder";
  fs::create_directory(folder);
  Touch(folder / "CURRENT.txt");
  Touch(folder / "12.sst.bak");
  EXPECT_CODE(Store::Destroy(folder.string()), kFailedPrecondition);
  EXPECT_EQ(Names(folder),
            (std::set<std::string>{"12.sst.bak", "CURRENT.txt"}));
  // Another program's RocksDB database.
  const fs::path other = fs::path(dir_.path()) / "other";
  {
    ASSERT_OK_AND_ASSIGN(auto kv, storage::Kv::Open(Options(), other.string()));
    storage::WriteBatch batch;
    batch.Put("user:1", "someone else's value");
    ASSERT_OK(kv->Write(&batch, /*sync=*/false));
  }
  const std::set<std::string> names = Names(other);
  const Status s = Store::Destroy(other.string());
  EXPECT_CODE(s, kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()),
              ::testing::HasSubstr("not a lineagedb store"));
  EXPECT_EQ(Names(other), names);
}

TEST_F(DestroyTest, DamagedStoreOrFilesLikeOneAreLeftAlone) {
  FillAndClose();
  // CURRENT lost: the store no longer opens (DATA_LOSS), and may be
  // someone else's files.
  fs::remove(fs::path(store_path()) / "CURRENT");
  EXPECT_CODE(Store::Open(options_, store_path()).status(), kDataLoss);
  std::set<std::string> names = Names(store_path());
  EXPECT_CODE(Store::Destroy(store_path()), kFailedPrecondition);
  EXPECT_EQ(Names(store_path()), names);
  // Someone's logs named like a store's.
  const fs::path logs = fs::path(dir_.path()) / "logs";
  fs::create_directory(logs);
  for (const char* name : {"1.log", "2.log", "notes.txt"}) Touch(logs / name);
  names = Names(logs);
  EXPECT_CODE(Store::Destroy(logs.string()), kFailedPrecondition);
  EXPECT_EQ(Names(logs), names);
}

TEST_F(DestroyTest, CreationCutShortIsDestroyed) {
  store_.reset();
  ASSERT_OK(Store::Destroy(store_path()));
  // What RocksDB writes before CURRENT.
  for (const char* name : {"IDENTITY", "LOG", "MANIFEST-000001", "LOCK"}) {
    Touch(fs::path(store_path()) / name);
  }
  ASSERT_OK(Store::Destroy(store_path()));
  EXPECT_TRUE(fs::is_empty(store_path()));
}

// A folder named like a table is not removed (a removal that would fail
// midway), and the store around it is.
TEST_F(DestroyTest, AFolderIsNeverTheStores) {
  FillAndClose();
  fs::create_directory(fs::path(store_path()) / "000005.sst");
  Touch(fs::path(store_path()) / "000005.sst" / "inside");
  ASSERT_OK(Store::Destroy(store_path()));
  EXPECT_EQ(Names(store_path()), std::set<std::string>{"000005.sst"});
  EXPECT_TRUE(fs::exists(fs::path(store_path()) / "000005.sst" / "inside"));
}

TEST_F(DestroyTest, DestroyThatStoppedMidwayIsFinished) {
  FillAndClose();
  Touch(fs::path(store_path()) / "notes.txt");
  // What a destroy leaves when a removal fails after its first step.
  fs::rename(fs::path(store_path()) / "CURRENT",
             fs::path(store_path()) / "DESTROYING");
  const Status open = Store::Open(options_, store_path()).status();
  EXPECT_CODE(open, kDataLoss);
  EXPECT_THAT(std::string(open.message()), ::testing::HasSubstr("destroy"));
  ASSERT_OK(Store::Destroy(store_path()));
  EXPECT_EQ(Names(store_path()), std::set<std::string>{"notes.txt"});
}

// Orders keys backwards: a comparator no store uses.
class BackwardComparator : public rocksdb::Comparator {
 public:
  const char* Name() const override { return "lineagedb.test.Backward"; }
  int Compare(const rocksdb::Slice& a, const rocksdb::Slice& b) const override {
    return -a.compare(b);
  }
  void FindShortestSeparator(std::string*,
                             const rocksdb::Slice&) const override {}
  void FindShortSuccessor(std::string*) const override {}
};

TEST_F(DestroyTest, OtherProgramsDatabasesAreLeftAlone) {
  store_.reset();
  // Its data in a column family of its own, the default one empty.
  const fs::path families = fs::path(dir_.path()) / "families";
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, families.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::ColumnFamilyHandle* data = nullptr;
    ASSERT_TRUE(
        db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "data", &data)
            .ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), data, "k", "precious").ok());
    ASSERT_TRUE(db->DestroyColumnFamilyHandle(data).ok());
  }
  // Keys in an order of its own.
  const fs::path backward = fs::path(dir_.path()) / "backward";
  BackwardComparator comparator;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.comparator = &comparator;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, backward.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "k", "precious").ok());
  }
  for (const fs::path& folder : {families, backward}) {
    const std::set<std::string> names = Names(folder);
    EXPECT_CODE(Store::Destroy(folder.string()), kFailedPrecondition) << folder;
    EXPECT_EQ(Names(folder), names) << folder;
  }
}

}  // namespace
}  // namespace lineagedb
