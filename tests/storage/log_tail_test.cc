// Tests of the write-ahead log tail check (storage/log_tail.h) on logs that
// RocksDB wrote.
#include "storage/log_tail.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_util.h"

namespace lineagedb::storage {
namespace {

// A log RocksDB writes for `values` (one write each), read while the
// database is open: every record is in the log's one partial block.
class LogTailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.path(), &raw).ok());
    db_.reset(raw);
    for (int i = 0; i < 20; ++i) {
      const std::string value(40 + 17 * i, static_cast<char>('a' + i));
      ASSERT_TRUE(
          db_->Put(rocksdb::WriteOptions(), "key" + std::to_string(i), value)
              .ok());
    }
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      if (e.path().extension() == ".log") log_path_ = e.path();
    }
    ASSERT_FALSE(log_path_.empty());
    std::ifstream in(log_path_, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    log_ = bytes.str();
    ASSERT_LT(log_.size(), kLogBlockBytes);
  }

  // The offsets of the log's records.
  std::vector<size_t> RecordOffsets() const {
    std::vector<size_t> out;
    for (size_t at = 0; at + 7 <= log_.size();) {
      out.push_back(at);
      at += 7 + (static_cast<uint8_t>(log_[at + 4]) |
                 static_cast<size_t>(static_cast<uint8_t>(log_[at + 5])) << 8);
    }
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<rocksdb::DB> db_;
  std::filesystem::path log_path_;
  std::string log_;
};

TEST_F(LogTailTest, AWholeLogIsNotDamaged) {
  ASSERT_GE(RecordOffsets().size(), 20u);
  EXPECT_EQ(SilentlyDroppedRecord(log_, ""), -1);
  EXPECT_EQ(SilentlyDroppedRecord("", ""), -1);
  // Preallocated space after the records.
  EXPECT_EQ(SilentlyDroppedRecord(log_ + std::string(4096, '\0'), ""), -1);
}

// A crash may leave any prefix of the last write: none reads as damage.
TEST_F(LogTailTest, NoLogCutShortReadsAsDamaged) {
  for (size_t size = 0; size <= log_.size(); ++size) {
    ASSERT_EQ(SilentlyDroppedRecord(std::string_view(log_).substr(0, size), ""),
              -1)
        << "cut at " << size;
  }
}

// A write cut short whose value holds the bytes of whole records (a stored
// log, a blob) is still a write cut short (helper-73).
TEST_F(LogTailTest, ACutWriteHoldingWholeRecordsIsNotDamage) {
  ASSERT_TRUE(
      db_->Put(rocksdb::WriteOptions(), "copy", log_ + log_ + "tail").ok());
  std::ifstream in(log_path_, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string log = bytes.str();
  ASSERT_LT(log.size(), kLogBlockBytes);
  for (size_t size = log_.size(); size <= log.size(); ++size) {
    ASSERT_EQ(SilentlyDroppedRecord(std::string_view(log).substr(0, size), ""),
              -1)
        << "cut at " << size;
  }
}

// A length that runs past the end: damage, the last record's too (its
// checksum holds for the bytes up to the end).
TEST_F(LogTailTest, AWholeRecordWithALengthPastTheEndIsDamage) {
  for (size_t at : RecordOffsets()) {
    std::string damaged = log_;
    damaged[at + 5] ^= 0x41;  // The length's high byte.
    EXPECT_EQ(SilentlyDroppedRecord(damaged, ""), static_cast<int64_t>(at));
  }
}

// A type byte with bit 2 set reads as a recycled log's record, which ends
// the replay wherever it is: damage.
TEST_F(LogTailTest, AWholeRecordOfARecyclableTypeIsDamage) {
  for (size_t at : RecordOffsets()) {
    std::string damaged = log_;
    damaged[at + 6] ^= 0x04;
    EXPECT_EQ(SilentlyDroppedRecord(damaged, ""), static_cast<int64_t>(at));
  }
}

TEST_F(LogTailTest, CheckLogTailsNamesTheLogAndTheRecord) {
  db_.reset();  // Closing flushes the log into a table; write it back.
  EXPECT_TRUE(CheckLogTails(dir_.path()).ok());
  const std::filesystem::path copy =
      std::filesystem::path(dir_.path()) / "000999.log";
  std::string damaged(kLogBlockBytes, 'x');  // A full block first.
  damaged += log_;
  damaged[kLogBlockBytes + RecordOffsets()[3] + 5] ^= 0x41;
  std::ofstream(copy, std::ios::binary) << damaged;
  const Status s = CheckLogTails(dir_.path());
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_TRUE(s.GetPayload(kDamagedLogPayload).has_value());
  EXPECT_NE(s.message().find("000999.log"), std::string_view::npos) << s;
  EXPECT_NE(
      s.message().find(std::to_string(kLogBlockBytes + RecordOffsets()[3])),
      std::string_view::npos)
      << s;
  // Files that are not logs are not read.
  std::filesystem::rename(copy,
                          std::filesystem::path(dir_.path()) / "notes.log");
  EXPECT_TRUE(CheckLogTails(dir_.path()).ok());
  EXPECT_TRUE(CheckLogTails(dir_.path() + "/missing").ok());
}

// A log of several blocks: a recyclable type in its first block is found,
// and cutting it anywhere in its last block is not damage.
TEST_F(LogTailTest, CheckLogTailsWalksEveryBlock) {
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), "big" + std::to_string(i),
                         std::string(1000 + i, 'v'))
                    .ok());
  }
  std::string log;
  {
    std::ifstream in(log_path_, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    log = bytes.str();
  }
  ASSERT_GT(log.size(), 3 * kLogBlockBytes);
  db_.reset();
  testing::TempDir other;
  const std::filesystem::path copy =
      std::filesystem::path(other.path()) / "000007.log";
  auto check = [&](const std::string& bytes) {
    std::ofstream(copy, std::ios::binary | std::ios::trunc) << bytes;
    return CheckLogTails(other.path());
  };
  EXPECT_TRUE(check(log).ok());
  const size_t last_block = log.size() / kLogBlockBytes * kLogBlockBytes;
  for (size_t size = last_block; size < log.size(); size += 97) {
    ASSERT_TRUE(check(log.substr(0, size)).ok()) << "cut at " << size;
  }
  std::string damaged = log;
  const size_t at = RecordOffsets()[5];  // The first block is this fixture's.
  damaged[at + 6] ^= 0x04;
  const Status s = check(damaged);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_NE(s.message().find("record at byte " + std::to_string(at)),
            std::string_view::npos)
      << s;
}

}  // namespace
}  // namespace lineagedb::storage
