// ResultCache (store/result_cache.h) on its own, then through its user,
// FindCachedExecution: a cached answer never outlives a write that changes
// what it was read from. ResultCacheConcurrencyTest runs under
// ThreadSanitizer in CI with the ConcurrencyTest suite.
#include "store/result_cache.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "codec/keys.h"
#include "lineagedb/bulk_writer.h"
#include "lineagedb/caching.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::lineagedb::testing::Pair;
using store::ResultCache;

std::shared_ptr<const void> Value(int v) { return std::make_shared<int>(v); }

int ValueOf(const std::shared_ptr<const void>& p) {
  return *std::static_pointer_cast<const int>(p);
}

// A batch putting `keys` (or deleting them with `del`).
std::unique_ptr<storage::WriteBatch> Batch(std::vector<std::string> keys,
                                           bool del = false) {
  auto b = std::make_unique<storage::WriteBatch>();
  for (const std::string& k : keys) {
    if (del) {
      b->Delete(k);
    } else {
      b->Put(k, "v");
    }
  }
  return b;
}

TEST(ResultCacheTest, DependencyOfEachKeyFamily) {
  const std::string node = codec::NodeKey(NodeKind::kArtifact, 7);
  EXPECT_EQ(ResultCache::DependencyOf(node),
            ResultCache::NodeToken(NodeKind::kArtifact, 7));
  EXPECT_EQ(ResultCache::DependencyOf(codec::EventKey(
                codec::Tag::kEventByExecution, 9, EventType::kOutput, 3)),
            ResultCache::ExecutionEventsToken(9));
  EXPECT_EQ(
      ResultCache::DependencyOf(codec::ExecutionByFingerprintKey("abc", 12)),
      ResultCache::FingerprintToken("abc"));
  // Families no result depends on, and bytes too short to be a key.
  EXPECT_EQ(ResultCache::DependencyOf(codec::EventKey(
                codec::Tag::kEventByArtifact, 3, EventType::kOutput, 9)),
            "");
  EXPECT_EQ(ResultCache::DependencyOf(
                codec::NodeByTypeKey(NodeKind::kArtifact, 1, 7)),
            "");
  EXPECT_EQ(ResultCache::DependencyOf(""), "");
  EXPECT_EQ(ResultCache::DependencyOf(std::string(1, '\x31')), "");
}

TEST(ResultCacheTest, AWriteErasesExactlyTheResultsReadFromItsKeys) {
  ResultCache cache(100);
  const std::string a7 = ResultCache::NodeToken(NodeKind::kArtifact, 7);
  const std::string e9 = ResultCache::ExecutionEventsToken(9);
  const std::string fp = ResultCache::FingerprintToken("abc");
  cache.Insert(cache.Ticket(), "r1", Value(1), {a7});
  cache.Insert(cache.Ticket(), "r2", Value(2), {e9, fp});
  cache.Insert(cache.Ticket(), "r3", Value(3), {a7, fp});
  ASSERT_EQ(cache.size(), 3u);
  EXPECT_EQ(ValueOf(cache.Find("r2")), 2);

  // Keys of other families, or of other nodes, erase nothing.
  cache.Invalidate(*Batch({codec::NodeKey(NodeKind::kArtifact, 8),
                           codec::NodeKey(NodeKind::kExecution, 7),
                           codec::NodeByTypeKey(NodeKind::kArtifact, 1, 7)}));
  EXPECT_EQ(cache.size(), 3u);

  // A new event of execution 9 erases r2 only.
  cache.Invalidate(*Batch({codec::EventKey(codec::Tag::kEventByExecution, 9,
                                           EventType::kOutput, 4)}));
  EXPECT_EQ(cache.Find("r2"), nullptr);
  EXPECT_EQ(cache.size(), 2u);

  // Deleting artifact 7 erases r1 and r3.
  cache.Invalidate(*Batch({codec::NodeKey(NodeKind::kArtifact, 7)}, true));
  EXPECT_EQ(cache.Find("r1"), nullptr);
  EXPECT_EQ(cache.Find("r3"), nullptr);
  EXPECT_EQ(cache.size(), 0u);

  // A new execution with the fingerprint.
  cache.Insert(cache.Ticket(), "r4", Value(4), {fp});
  cache.Invalidate(*Batch({codec::ExecutionByFingerprintKey("abc", 99)}));
  EXPECT_EQ(cache.Find("r4"), nullptr);
}

TEST(ResultCacheTest, AResultComputedAcrossAWriteIsDropped) {
  ResultCache cache(100);
  const std::string a7 = ResultCache::NodeToken(NodeKind::kArtifact, 7);
  uint64_t ticket = cache.Ticket();
  // Any write, even one the result does not depend on by its tokens: the
  // cache cannot tell which writes the result's view saw.
  cache.Invalidate(*Batch({codec::NodeKey(NodeKind::kContext, 1)}));
  cache.Insert(ticket, "r", Value(1), {a7});
  EXPECT_EQ(cache.Find("r"), nullptr);

  // Across a publication, or within one even with a ticket taken inside it
  // (the result may have read the batch's records with the index from
  // before it).
  ticket = cache.Ticket();
  cache.BeginPublish();
  cache.Insert(ticket, "r", Value(1), {a7});
  EXPECT_EQ(cache.Find("r"), nullptr);
  ticket = cache.Ticket();
  cache.Insert(ticket, "r", Value(1), {a7});
  EXPECT_EQ(cache.Find("r"), nullptr);
  cache.EndPublish();
  cache.Insert(ticket, "r", Value(1), {a7});
  EXPECT_EQ(cache.Find("r"), nullptr);

  ticket = cache.Ticket();
  cache.Insert(ticket, "r", Value(1), {a7});
  EXPECT_EQ(ValueOf(cache.Find("r")), 1);
}

TEST(ResultCacheTest, BoundedOldestFirstAndReinsertReplaces) {
  ResultCache cache(3);
  const std::string t = ResultCache::NodeToken(NodeKind::kArtifact, 1);
  for (int i = 0; i < 5; ++i) {
    cache.Insert(cache.Ticket(), "r" + std::to_string(i), Value(i), {t});
  }
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.Find("r0"), nullptr);
  EXPECT_EQ(cache.Find("r1"), nullptr);
  EXPECT_EQ(ValueOf(cache.Find("r4")), 4);
  cache.Insert(cache.Ticket(), "r4", Value(40), {t});
  EXPECT_EQ(ValueOf(cache.Find("r4")), 40);
  EXPECT_EQ(cache.size(), 3u);
  // Many insertions of a few keys keep the bookkeeping bounded and right.
  for (int i = 0; i < 1000; ++i) {
    cache.Insert(cache.Ticket(), absl::StrCat("k", i % 4), Value(i), {t});
  }
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(ValueOf(cache.Find("k3")), 999);
  EXPECT_EQ(cache.Find("k0"), nullptr);
  cache.Invalidate(*Batch({codec::NodeKey(NodeKind::kArtifact, 1)}));
  EXPECT_EQ(cache.size(), 0u);

  ResultCache off(0);
  off.Insert(off.Ticket(), "r", Value(1), {t});
  EXPECT_EQ(off.Find("r"), nullptr);
}

// FindCachedExecution answers after each kind of write that changes them,
// with the cache on and off.
class CachedAnswerTest : public testing::StoreTest,
                         public ::testing::WithParamInterface<uint64_t> {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    options_.result_cache_entries = GetParam();
    Reopen();
    Type t{.kind = NodeKind::kArtifact, .name = "Model"};
    ASSERT_OK_AND_ASSIGN(model_type_, store_->PutType(t));
    t = Type{.kind = NodeKind::kExecution, .name = "Trainer"};
    ASSERT_OK_AND_ASSIGN(trainer_type_, store_->PutType(t));
  }

  Execution Trainer(ExecutionState state = ExecutionState::kComplete) {
    Execution e;
    e.type_id = trainer_type_;
    e.last_known_state = state;
    e.fingerprint = kFp;
    return e;
  }

  ArtifactAndEvent Output(const std::string& slot) {
    Artifact a;
    a.type_id = model_type_;
    a.uri = "gs://models/" + slot + std::to_string(++outputs_);
    Event out;
    out.type = EventType::kOutput;
    out.path = {{slot}, {int64_t{0}}};
    return Pair(a, out);
  }

  // The id of the execution FindCachedExecution returns, or 0 if NOT_FOUND.
  int64_t Lookup() {
    auto r = FindCachedExecution(store_.get(), kFp);
    if (absl::IsNotFound(r.status())) return 0;
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->execution.id : -1;
  }

  static constexpr char kFp[] = "0123456789abcdef0123456789abcdef";
  int64_t model_type_ = 0;
  int64_t trainer_type_ = 0;
  int outputs_ = 0;
};

TEST_P(CachedAnswerTest, FollowsEveryWriteThatChangesTheAnswer) {
  EXPECT_EQ(Lookup(), 0);
  // A RUNNING execution is no answer; its completion is.
  ASSERT_OK_AND_ASSIGN(auto first,
                       store_->PutExecution(Trainer(ExecutionState::kRunning),
                                            {Output("model")}, {}));
  EXPECT_EQ(Lookup(), 0);
  Execution done = Trainer();
  done.id = first.execution_id;
  ASSERT_OK(store_->Put<Execution>({done}).status());
  EXPECT_EQ(Lookup(), first.execution_id);

  // A newer COMPLETE execution replaces it.
  ASSERT_OK_AND_ASSIGN(auto second,
                       store_->PutExecution(Trainer(), {Output("model")}, {}));
  EXPECT_EQ(Lookup(), second.execution_id);

  // An output added to it later is in the answer.
  ArtifactAndEvent metrics = Output("metrics");
  Execution again = Trainer();
  again.id = second.execution_id;
  ASSERT_OK(store_->PutExecution(again, {metrics}, {}).status());
  ASSERT_OK_AND_ASSIGN(CachedExecution hit,
                       FindCachedExecution(store_.get(), kFp));
  ASSERT_EQ(hit.outputs.count("metrics"), 1u);

  // An output's record changes: the answer carries the new record.
  Artifact model = hit.outputs.at("model").at(0);
  model.uri = "gs://models/moved";
  ASSERT_OK(store_->Put<Artifact>({model}).status());
  ASSERT_OK_AND_ASSIGN(hit, FindCachedExecution(store_.get(), kFp));
  EXPECT_EQ(hit.outputs.at("model").at(0).uri, "gs://models/moved");

  // The output is deleted: the older execution is the answer again.
  model.state = ArtifactState::kDeleted;
  ASSERT_OK(store_->Put<Artifact>({model}).status());
  EXPECT_EQ(Lookup(), first.execution_id);
  // And it fails: nothing is usable.
  Execution failed = Trainer(ExecutionState::kFailed);
  failed.id = first.execution_id;
  ASSERT_OK(store_->Put<Execution>({failed}).status());
  EXPECT_EQ(Lookup(), 0);

  // Through the bulk writer.
  ASSERT_OK_AND_ASSIGN(auto writer, NewBulkWriter(store_.get()));
  ASSERT_OK_AND_ASSIGN(auto bulk,
                       writer->Add(Trainer(), {Output("model")}, {}));
  ASSERT_OK(writer->Close());
  EXPECT_EQ(Lookup(), bulk.execution_id);
}

TEST_P(CachedAnswerTest, ARepeatedLookupReturnsAnEqualAnswer) {
  ASSERT_OK_AND_ASSIGN(auto put,
                       store_->PutExecution(Trainer(), {Output("model")}, {}));
  ASSERT_OK_AND_ASSIGN(CachedExecution a,
                       FindCachedExecution(store_.get(), kFp));
  ASSERT_OK_AND_ASSIGN(CachedExecution b,
                       FindCachedExecution(store_.get(), kFp));
  EXPECT_EQ(a.execution.id, put.execution_id);
  EXPECT_EQ(a.execution.fingerprint, b.execution.fingerprint);
  EXPECT_EQ(a.execution.type, "Trainer");
  EXPECT_EQ(b.execution.type, "Trainer");
  ASSERT_EQ(b.outputs.at("model").size(), 1u);
  EXPECT_EQ(a.outputs.at("model")[0].id, b.outputs.at("model")[0].id);
  EXPECT_EQ(a.outputs.at("model")[0].uri, b.outputs.at("model")[0].uri);
  EXPECT_EQ(b.outputs.at("model")[0].type, "Model");
}

INSTANTIATE_TEST_SUITE_P(CacheOnAndOff, CachedAnswerTest,
                         ::testing::Values(uint64_t{16384}, uint64_t{0}));

// A writer adds COMPLETE executions with one fingerprint while readers look
// it up: no reader ever gets an execution older than the newest one whose
// write had returned before its lookup began.
class ResultCacheConcurrencyTest : public CachedAnswerTest {};

TEST_P(ResultCacheConcurrencyTest, LookupsNeverLagAReturnedWrite) {
  constexpr int kWrites = 200;
  constexpr int kReaders = 3;
  std::atomic<int64_t> acknowledged{0};
  std::atomic<bool> done{false};
  std::atomic<int> stale{0};
  std::atomic<int> lookups{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        const int64_t floor = acknowledged.load();
        auto hit = FindCachedExecution(store_.get(), kFp);
        const int64_t got = hit.ok() ? hit->execution.id : 0;
        if (got < floor) stale.fetch_add(1);
        lookups.fetch_add(1);
      }
    });
  }
  for (int i = 0; i < kWrites; ++i) {
    auto put = store_->PutExecution(Trainer(), {Output("model")}, {});
    EXPECT_TRUE(put.ok()) << put.status();
    if (!put.ok()) break;  // The readers must be joined first.
    acknowledged.store(put->execution_id);
  }
  done.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(stale.load(), 0);
  EXPECT_GT(lookups.load(), 0);
  EXPECT_EQ(Lookup(), acknowledged.load());
}

// Outputs added to the cached execution by later writes, while readers
// look it up: once PutEvents returns, a lookup lists every output. A lookup
// between a commit and the index update used to keep the index's older
// output list in the cache for good.
TEST_P(ResultCacheConcurrencyTest, LookupsSeeOutputsAddedAfterTheExecution) {
  constexpr int kWrites = 300;
  ASSERT_OK_AND_ASSIGN(PutExecutionResult first,
                       store_->PutExecution(Trainer(), {Output("model")}, {}));
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) FindCachedExecution(store_.get(), kFp).IgnoreError();
    });
  }
  size_t want = 1;
  int lagging = 0;
  for (int i = 0; i < kWrites && lagging == 0; ++i) {
    ArtifactAndEvent out = Output("model");
    auto ids = store_->Put<Artifact>({*out.artifact});
    EXPECT_TRUE(ids.ok()) << ids.status();
    if (!ids.ok()) break;
    out.event->artifact_id = (*ids)[0];
    out.event->execution_id = first.execution_id;
    out.event->path = {{std::string("model")}, {int64_t{i + 1}}};
    Status s = store_->PutEvents({*out.event});
    EXPECT_TRUE(s.ok()) << s;
    if (!s.ok()) break;
    ++want;
    auto hit = FindCachedExecution(store_.get(), kFp);
    EXPECT_TRUE(hit.ok()) << hit.status();
    if (!hit.ok()) break;
    if (hit->outputs["model"].size() != want) ++lagging;
  }
  done.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(lagging, 0);
  ASSERT_OK_AND_ASSIGN(CachedExecution hit,
                       FindCachedExecution(store_.get(), kFp));
  EXPECT_EQ(hit.outputs["model"].size(), want);
}

INSTANTIATE_TEST_SUITE_P(CacheOn, ResultCacheConcurrencyTest,
                         ::testing::Values(uint64_t{16384}));

}  // namespace
}  // namespace lineagedb
