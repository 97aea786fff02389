// Tests of RocksDB's informational log as lineagedb writes it
// (storage/info_log.h), and of a store on a full disk.
#include "storage/info_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "storage/kv.h"
#include "tests/test_util.h"

namespace lineagedb::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(InfoLogTest, LinesOfTheLevelAndAboveAreAppended) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/LOG";
  std::ofstream(path) << "earlier\n";
  auto log = NewInfoLog(path, rocksdb::InfoLogLevel::WARN_LEVEL);
  rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, log, "quiet %d", 1);
  rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, log, "loud %d", 2);
  rocksdb::Log(rocksdb::InfoLogLevel::ERROR_LEVEL, log, "%s", "louder");
  const std::string text = Read(path);
  EXPECT_THAT(text, ::testing::StartsWith("earlier\n"));
  EXPECT_THAT(text, Not(HasSubstr("quiet")));
  EXPECT_THAT(text, ::testing::MatchesRegex(
                        "earlier\n"
                        "[0-9/]+-[0-9:]+ UTC \\[WARN\\] loud 2\n"
                        "[0-9/]+-[0-9:]+ UTC \\[ERROR\\] louder\n"));
}

TEST(InfoLogTest, AFilePastOneMebibyteIsMovedAside) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/LOG";
  std::ofstream(path) << std::string((1 << 20) + 1, 'x');
  auto log = NewInfoLog(path, rocksdb::InfoLogLevel::WARN_LEVEL);
  rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, log, "fresh");
  EXPECT_EQ(std::filesystem::file_size(path + ".old"), (1u << 20) + 1);
  EXPECT_THAT(Read(path), ::testing::EndsWith("[WARN] fresh\n"));
}

// A line that cannot be written (no folder yet) is dropped, and the next
// one tries again; a format's own newline is not doubled.
TEST(InfoLogTest, ALineThatCannotBeWrittenIsDroppedAndTheNextTried) {
  testing::TempDir dir;
  const std::string folder = dir.path() + "/later";
  auto log = NewInfoLog(folder + "/LOG", rocksdb::InfoLogLevel::WARN_LEVEL);
  rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, log, "lost");
  ASSERT_FALSE(std::filesystem::exists(folder));
  std::filesystem::create_directory(folder);
  rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, log, "kept\n");
  EXPECT_THAT(Read(folder + "/LOG"),
              ::testing::MatchesRegex("[0-9/]+-[0-9:]+ UTC \\[WARN\\] kept\n"));
}

// A store on a file system that fills up: each write fails with the
// device's error (the CLI's exit 4), the process goes on, and the store
// opens again with what was written before. Needs a tmpfs mount (root
// with CAP_SYS_ADMIN); skipped where that is refused.
TEST(InfoLogTest, AFullDiskFailsWritesWithoutAborting) {
  testing::SmallFileSystem small("2m");
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here";
  const std::string path = small.path() + "/kv";
  {
    Options options;
    options.create_if_missing = true;
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Kv> kv, Kv::Open(options, path));
    const std::string value(64 << 10, 'v');
    Status failed;
    int i = 0;
    for (; i < 100 && failed.ok(); ++i) {
      WriteBatch batch;
      batch.Put("key" + std::to_string(i), value);
      failed = kv->Write(&batch, /*sync=*/false);
    }
    ASSERT_FALSE(failed.ok()) << "2 MiB took " << i << " writes of 64 KiB";
    EXPECT_THAT(failed.message(), HasSubstr("No space left on device"));
    // Later writes fail too (RocksDB stops writing after such an error).
    WriteBatch batch;
    batch.Put("after", "v");
    EXPECT_FALSE(kv->Write(&batch, /*sync=*/false).ok());
  }
}

}  // namespace
}  // namespace lineagedb::storage
