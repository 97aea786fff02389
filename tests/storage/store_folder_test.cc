// Tests of the folder checks made before RocksDB opens a store or a destroy
// removes one (storage/store_folder.h).
#include "storage/store_folder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/test_util.h"

namespace lineagedb::storage {
namespace {

void Touch(const std::filesystem::path& file, const std::string& text = "") {
  std::ofstream(file) << text;
}

TEST(StoreFolderTest, DatabaseFilesAreTheNamesRocksDbWrites) {
  for (const char* name :
       {"CURRENT", "IDENTITY", "LOG", "LOG.old.1700000000000000",
        "MANIFEST-000005", "OPTIONS-000007", "OPTIONS-000007.dbtmp",
        "000012.sst", "000012.ldb", "000013.log", "000014.blob", "000015.dbtmp",
        "bulk-3.sst.tmp"}) {
    EXPECT_TRUE(IsDatabaseFile(name)) << name;
  }
  for (const char* name :
       {"LOCK", "DESTROYING", "LOG.old", "LOG.old.archive", "MANIFEST-",
        "MANIFEST-5a", "OPTIONS", "12a.sst", ".sst", "000012.sst.bak",
        "000012.txt", "notes.log", "bulk-3.sst", "readme", "000015"}) {
    EXPECT_FALSE(IsDatabaseFile(name)) << name;
  }
}

TEST(StoreFolderTest, OnlyFilesWhoseLossLosesDataHoldADatabase) {
  testing::TempDir dir;
  const std::filesystem::path root(dir.path());
  // What a creation cut short leaves, and files that lose nothing.
  Touch(root / "MANIFEST-000001");
  Touch(root / "LOG");
  Touch(root / "OPTIONS-000003");
  Touch(root / "IDENTITY");
  std::filesystem::create_directory(root / "000009.sst");  // No table.
  EXPECT_FALSE(HoldsDatabaseFiles(root));
  for (const char* name :
       {"MANIFEST-000004", "000010.sst", "000011.log", "000012.blob"}) {
    Touch(root / name);
    EXPECT_TRUE(HoldsDatabaseFiles(root)) << name;
    std::filesystem::remove(root / name);
  }
}

TEST(StoreFolderTest, DatabasePathIsOneSpellingPerFolder) {
  testing::TempDir dir;
  const std::string store = dir.path() + "/store";
  std::filesystem::create_directory(store);
  std::filesystem::create_directory_symlink(store, dir.path() + "/link");
  const std::string canonical = DatabasePath(store);
  EXPECT_EQ(DatabasePath(store + "/"), canonical);
  EXPECT_EQ(DatabasePath(dir.path() + "/./store/../store"), canonical);
  EXPECT_EQ(DatabasePath(dir.path() + "/link"), canonical);
  // A folder not made yet: absolute, without a trailing separator.
  EXPECT_EQ(DatabasePath(dir.path() + "/later/"),
            DatabasePath(dir.path()) + "/later");
}

TEST(StoreFolderTest, BulkFilesLeftByACrashAreRemovedAndNothingElse) {
  testing::TempDir dir;
  const std::filesystem::path root(dir.path());
  const std::string bulk = BulkFilePath(dir.path(), 7);
  EXPECT_EQ(bulk, dir.path() + "/bulk-7.sst.tmp");
  Touch(bulk);
  Touch(root / "000012.sst");
  Touch(root / "bulk-notes.txt");
  RemoveBulkFiles(dir.path());
  EXPECT_FALSE(std::filesystem::exists(bulk));
  EXPECT_TRUE(std::filesystem::exists(root / "000012.sst"));
  EXPECT_TRUE(std::filesystem::exists(root / "bulk-notes.txt"));
}

TEST(StoreFolderTest, CheckFolderTellsDamageFromAbsence) {
  testing::TempDir dir;
  const std::filesystem::path root(dir.path());
  Options create;
  create.create_if_missing = true;
  Options open_only;
  open_only.create_if_missing = false;
  bool has_current = true;
  const std::string db = DatabasePath(dir.path());

  EXPECT_TRUE(CheckFolder(create, dir.path(), db, &has_current).ok());
  EXPECT_FALSE(has_current);
  EXPECT_EQ(CheckFolder(open_only, dir.path(), db, &has_current).code(),
            absl::StatusCode::kNotFound);
  const std::string missing = dir.path() + "/a/b";
  const Status above =
      CheckFolder(create, missing, DatabasePath(missing), &has_current);
  EXPECT_EQ(above.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(above.message().find("the folder " + DatabasePath(dir.path()) +
                                 "/a does not exist"),
            std::string::npos)
      << above;

  Touch(root / "000011.log");  // A log without CURRENT: data to lose.
  EXPECT_EQ(CheckFolder(create, dir.path(), db, &has_current).code(),
            absl::StatusCode::kDataLoss);
  Touch(root / "CURRENT", "MANIFEST-000004");  // No newline.
  const Status damaged = CheckFolder(create, dir.path(), db, &has_current);
  EXPECT_EQ(damaged.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(damaged.message().find("does not name a MANIFEST"),
            std::string::npos)
      << damaged;
  Touch(root / "CURRENT", "MANIFEST-000004\n");
  EXPECT_TRUE(CheckFolder(create, dir.path(), db, &has_current).ok());
  EXPECT_TRUE(has_current);
  Options exclusive = create;
  exclusive.error_if_exists = true;
  EXPECT_EQ(CheckFolder(exclusive, dir.path(), db, &has_current).code(),
            absl::StatusCode::kAlreadyExists);

  std::filesystem::rename(root / "CURRENT", root / kDestroyingFile);
  const Status cut = CheckFolder(create, dir.path(), db, &has_current);
  EXPECT_EQ(cut.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(cut.message().find("destroy it again"), std::string::npos) << cut;
}

}  // namespace
}  // namespace lineagedb::storage
