// Tests of the log replay's record of write sequences
// (storage/unlisted_tables.h, ReplayedWrites). The check of unlisted tables
// itself is tested through Kv::Open in kv_test.cc.
#include "storage/unlisted_tables.h"

#include <gtest/gtest.h>
#include <rocksdb/write_batch.h>

#include <initializer_list>

#include "codec/keys.h"
#include "codec/records.h"

namespace lineagedb::storage {
namespace {

// Shows `filter` a log record of one write batch with the store's counters
// at sequence `seq`, as replaying the log of a store does.
void Replay(ReplayedWrites* filter, uint64_t seq) {
  codec::Counters counters;
  counters.seq = seq;
  rocksdb::WriteBatch batch;
  batch.Put(codec::MetaKey(codec::MetaId::kCounters),
            codec::EncodeCounters(counters));
  batch.Put("node", "value");
  rocksdb::WriteBatch changed;
  bool batch_changed = false;
  EXPECT_EQ(
      filter->LogRecordFound(7, "000007.log", batch, &changed, &batch_changed),
      rocksdb::WalFilter::WalProcessingOption::kContinueProcessing);
  EXPECT_FALSE(batch_changed);
}

TEST(ReplayedWritesTest, CoversTheSequencesReplayedInAnyOrder) {
  ReplayedWrites filter;
  EXPECT_FALSE(filter.Covers(1, 1));
  EXPECT_TRUE(filter.Covers(4, 3));  // No sequence at all.
  for (uint64_t seq : {5, 7, 6, 9, 9, 12, 11}) Replay(&filter, seq);
  EXPECT_TRUE(filter.Covers(5, 7));
  EXPECT_TRUE(filter.Covers(6, 6));
  EXPECT_TRUE(filter.Covers(11, 12));
  EXPECT_FALSE(filter.Covers(4, 5));
  EXPECT_FALSE(filter.Covers(5, 9));  // 8 is missing.
  EXPECT_FALSE(filter.Covers(8, 8));
  EXPECT_FALSE(filter.Covers(9, 11));  // 10 is missing.
  EXPECT_FALSE(filter.Covers(12, 13));
  Replay(&filter, 10);  // Joins 9 and 11-12.
  EXPECT_TRUE(filter.Covers(9, 12));
  filter.Clear();
  EXPECT_FALSE(filter.Covers(5, 5));
}

// A batch without the counters key (written by no store: a bare key-value
// write) adds no sequence; nor does one whose counters do not decode.
TEST(ReplayedWritesTest, IgnoresBatchesWithoutCounters) {
  ReplayedWrites filter;
  rocksdb::WriteBatch bare;
  bare.Put("node", "value");
  rocksdb::WriteBatch damaged;
  damaged.Put(codec::MetaKey(codec::MetaId::kCounters), "\x01");
  for (const rocksdb::WriteBatch* batch : {&bare, &damaged}) {
    rocksdb::WriteBatch changed;
    bool batch_changed = false;
    EXPECT_EQ(filter.LogRecordFound(7, "000007.log", *batch, &changed,
                                    &batch_changed),
              rocksdb::WalFilter::WalProcessingOption::kContinueProcessing);
  }
  EXPECT_FALSE(filter.Covers(0, 0));
  EXPECT_FALSE(filter.Covers(1, 1));
}

}  // namespace
}  // namespace lineagedb::storage
