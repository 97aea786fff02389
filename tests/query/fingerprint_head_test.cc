// The [41] fingerprint heads (format version 2): under random inserts, state
// changes, fingerprint changes and output deletions, written one at a time
// and several in one call, every head names the newest COMPLETE execution
// of its fingerprint (or is unknown), and FindCachedExecution agrees with a
// model; stores of format version 1, which have no heads, are still
// answered by scanning.
#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "codec/keys.h"
#include "codec/records.h"
#include "lineagedb/caching.h"
#include "storage/kv.h"
#include "store/store_impl.h"
#include "tests/test_util.h"

namespace lineagedb {
namespace {

using ::lineagedb::testing::StoreTest;

const std::vector<std::string> kFingerprints = {"fp-a", "fp-b", "fp-c"};

class FingerprintHeadTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    Type out{.kind = NodeKind::kArtifact, .name = "Out"};
    ASSERT_OK_AND_ASSIGN(out_type_, store_->PutType(out));
    Type step{.kind = NodeKind::kExecution, .name = "Step"};
    ASSERT_OK_AND_ASSIGN(step_type_, store_->PutType(step));
  }

  struct ModelExecution {
    std::string fingerprint;
    ExecutionState state = ExecutionState::kUnknown;
    int64_t output = 0;
  };

  void Insert(const std::string& fp, ExecutionState state) {
    Execution e;
    e.type_id = step_type_;
    e.fingerprint = fp;
    e.last_known_state = state;
    Artifact a;
    a.type_id = out_type_;
    a.state = ArtifactState::kLive;
    Event out;
    out.type = EventType::kOutput;
    out.path = {PathStep{std::string("out")}, PathStep{int64_t{0}}};
    ASSERT_OK_AND_ASSIGN(auto r,
                         store_->PutExecution(e, {testing::Pair(a, out)}, {}));
    executions_[r.execution_id] = {fp, state, r.artifact_ids[0]};
    live_[r.artifact_ids[0]] = true;
  }

  // Updates executions `ids` in one call: each gets `states[i]`, and
  // `fingerprints[i]` unless it is "-".
  void Update(const std::vector<int64_t>& ids,
              const std::vector<ExecutionState>& states,
              const std::vector<std::string>& fingerprints) {
    std::vector<Execution> rows;
    for (size_t i = 0; i < ids.size(); ++i) {
      Execution e;
      e.id = ids[i];
      e.last_known_state = states[i];
      e.fingerprint = fingerprints[i] == "-" ? "" : fingerprints[i];
      rows.push_back(e);
    }
    PutNodesOptions mask;
    mask.update_mask = {"last_known_state", "fingerprint"};
    // "-": the mask cannot name the fingerprint for some rows only, so the
    // stored one is given again.
    for (size_t i = 0; i < ids.size(); ++i) {
      if (fingerprints[i] == "-") {
        rows[i].fingerprint = executions_[ids[i]].fingerprint;
      }
    }
    ASSERT_OK(store_->Put<Execution>(rows, mask).status());
    for (size_t i = 0; i < ids.size(); ++i) {
      executions_[ids[i]].state = states[i];
      executions_[ids[i]].fingerprint = rows[i].fingerprint;
    }
  }

  void SetOutputLive(int64_t artifact_id, bool live) {
    ASSERT_OK_AND_ASSIGN(auto a, store_->GetByIds<Artifact>({artifact_id}));
    a[0].state = live ? ArtifactState::kLive : ArtifactState::kDeleted;
    ASSERT_OK(store_->Put<Artifact>(a).status());
    live_[artifact_id] = live;
  }

  // The model's answers: the newest COMPLETE execution of `fp` (0: none),
  // and the newest whose output is usable.
  int64_t NewestComplete(const std::string& fp, bool usable) const {
    for (auto it = executions_.rbegin(); it != executions_.rend(); ++it) {
      const ModelExecution& e = it->second;
      if (e.fingerprint == fp && e.state == ExecutionState::kComplete &&
          (!usable || live_.at(e.output))) {
        return it->first;
      }
    }
    return 0;
  }

  // Every head names the newest COMPLETE execution or is unknown; a
  // fingerprint with a COMPLETE execution has one; lookups agree.
  void ExpectAgreement(const std::string& where) {
    SCOPED_TRACE(where);
    auto view = store_->impl()->kv()->NewReadView();
    for (const std::string& fp : kFingerprints) {
      SCOPED_TRACE(fp);
      const std::string key = codec::FingerprintHeadKey(fp);
      std::string value;
      Status s = view->Get(key, &value);
      const int64_t newest = NewestComplete(fp, /*usable=*/false);
      if (absl::IsNotFound(s)) {
        EXPECT_EQ(newest, 0) << "no head, but a COMPLETE execution";
      } else {
        ASSERT_OK(s);
        int64_t head = 0;
        ASSERT_OK(codec::DecodeFingerprintHead(key, value, &head));
        if (head != 0) {
          EXPECT_EQ(head, newest);
        } else {
          ++unknown_heads_seen_;
        }
      }
      const int64_t want = NewestComplete(fp, /*usable=*/true);
      auto got = FindCachedExecution(store_.get(), fp);
      if (want == 0) {
        EXPECT_CODE(got.status(), kNotFound);
      } else {
        ASSERT_OK(got.status());
        EXPECT_EQ(got->execution.id, want);
        EXPECT_EQ(got->outputs.at("out").at(0).id, executions_.at(want).output);
      }
    }
  }

  void RunRandomWrites(uint32_t seed, int steps) {
    std::mt19937 rng(seed);
    auto pick = [&](size_t n) {
      return std::uniform_int_distribution<size_t>(0, n - 1)(rng);
    };
    const std::vector<ExecutionState> states = {
        ExecutionState::kComplete, ExecutionState::kComplete,
        ExecutionState::kRunning, ExecutionState::kFailed,
        ExecutionState::kCached};
    auto random_id = [&] {
      auto it = executions_.begin();
      std::advance(it, pick(executions_.size()));
      return it->first;
    };
    for (int step = 0; step < steps; ++step) {
      const size_t op = executions_.empty() ? 0 : pick(5);
      if (op <= 1) {
        ASSERT_NO_FATAL_FAILURE(
            Insert(kFingerprints[pick(3)], states[pick(states.size())]));
      } else if (op == 2) {  // Several executions in one write.
        std::vector<int64_t> ids;
        std::vector<ExecutionState> new_states;
        std::vector<std::string> fps;
        for (size_t n = 1 + pick(3); n > 0; --n) {
          const int64_t id = random_id();
          if (std::find(ids.begin(), ids.end(), id) != ids.end()) continue;
          ids.push_back(id);
          new_states.push_back(states[pick(states.size())]);
          fps.push_back(pick(4) == 0 ? kFingerprints[pick(3)] : "-");
        }
        ASSERT_NO_FATAL_FAILURE(Update(ids, new_states, fps));
      } else if (op == 3) {
        ASSERT_NO_FATAL_FAILURE(
            Update({random_id()}, {states[pick(states.size())]}, {"-"}));
      } else {
        const int64_t output = executions_.at(random_id()).output;
        ASSERT_NO_FATAL_FAILURE(SetOutputLive(output, pick(3) != 0));
      }
      ASSERT_NO_FATAL_FAILURE(ExpectAgreement("step " + std::to_string(step)));
    }
  }

  int64_t out_type_ = 0, step_type_ = 0;
  std::map<int64_t, ModelExecution> executions_;  // By id.
  std::map<int64_t, bool> live_;                  // Output -> LIVE.
  int unknown_heads_seen_ = 0;
};

TEST_F(FingerprintHeadTest, RandomWritesKeepHeadsAndLookupsExact) {
  ASSERT_NO_FATAL_FAILURE(RunRandomWrites(/*seed=*/7, /*steps=*/400));
  // The walk went through demotions of heads, not only the easy case.
  EXPECT_GT(unknown_heads_seen_, 0);
}

// Without the result cache a lookup keeps no dependencies (a path of its
// own); with the adjacency index it reads the outputs by the index's edges.
TEST_F(FingerprintHeadTest, RandomWritesWithoutResultCache) {
  options_.result_cache_entries = 0;
  Reopen();
  ASSERT_NO_FATAL_FAILURE(RunRandomWrites(/*seed=*/13, /*steps=*/300));
}

TEST_F(FingerprintHeadTest, RandomWritesWithoutResultCacheOrIndex) {
  options_.result_cache_entries = 0;
  options_.use_graph_index = false;
  Reopen();
  ASSERT_NO_FATAL_FAILURE(RunRandomWrites(/*seed=*/11, /*steps=*/300));
}

TEST_F(FingerprintHeadTest, DemotedHeadFallsBackToTheOlderComplete) {
  ASSERT_NO_FATAL_FAILURE(Insert("fp-a", ExecutionState::kComplete));
  ASSERT_NO_FATAL_FAILURE(Insert("fp-a", ExecutionState::kComplete));
  const int64_t older = executions_.begin()->first;
  const int64_t newer = executions_.rbegin()->first;
  ASSERT_NO_FATAL_FAILURE(ExpectAgreement("two COMPLETE"));
  ASSERT_NO_FATAL_FAILURE(Update({newer}, {ExecutionState::kFailed}, {"-"}));
  ASSERT_OK_AND_ASSIGN(CachedExecution hit,
                       FindCachedExecution(store_.get(), "fp-a"));
  EXPECT_EQ(hit.execution.id, older);
  // Back to COMPLETE: an unknown head stays unknown, lookups still exact.
  ASSERT_NO_FATAL_FAILURE(Update({newer}, {ExecutionState::kComplete}, {"-"}));
  ASSERT_OK_AND_ASSIGN(hit, FindCachedExecution(store_.get(), "fp-a"));
  EXPECT_EQ(hit.execution.id, newer);
  // A new COMPLETE execution names itself the head again.
  ASSERT_NO_FATAL_FAILURE(Insert("fp-a", ExecutionState::kComplete));
  auto view = store_->impl()->kv()->NewReadView();
  std::string value;
  ASSERT_OK(view->Get(codec::FingerprintHeadKey("fp-a"), &value));
  EXPECT_EQ(value, codec::EncodeFingerprintHead(executions_.rbegin()->first));
}

// A store of format version 1 has no heads: lookups scan [40], and writes
// by this build keep working (heads written by them are not trusted).
TEST_F(FingerprintHeadTest, VersionOneStoreWithoutHeadsIsAnsweredByScans) {
  ASSERT_NO_FATAL_FAILURE(Insert("fp-a", ExecutionState::kComplete));
  ASSERT_NO_FATAL_FAILURE(Insert("fp-b", ExecutionState::kComplete));
  {
    storage::WriteBatch batch;
    for (const std::string& fp : kFingerprints) {
      batch.Delete(codec::FingerprintHeadKey(fp));
    }
    batch.Put(codec::MetaKey(codec::MetaId::kFormatVersion),
              codec::EncodeFormatVersion(1));
    ASSERT_OK(store_->impl()->kv()->Write(&batch, /*sync=*/true));
  }
  Reopen();
  EXPECT_FALSE(store_->impl()->has_fingerprint_heads());
  for (const std::string fp : {"fp-a", "fp-b"}) {
    const int64_t want = NewestComplete(fp, /*usable=*/true);
    ASSERT_OK_AND_ASSIGN(CachedExecution hit,
                         FindCachedExecution(store_.get(), fp));
    EXPECT_EQ(hit.execution.id, want);
  }
  ASSERT_NO_FATAL_FAILURE(Insert("fp-a", ExecutionState::kComplete));
  ASSERT_OK_AND_ASSIGN(CachedExecution hit,
                       FindCachedExecution(store_.get(), "fp-a"));
  EXPECT_EQ(hit.execution.id, executions_.rbegin()->first);
  EXPECT_CODE(FindCachedExecution(store_.get(), "fp-c").status(), kNotFound);
  // The version stays 1: this build does not upgrade a store in place.
  Reopen();
  EXPECT_FALSE(store_->impl()->has_fingerprint_heads());
}

TEST_F(FingerprintHeadTest, NewStoreHasHeads) {
  EXPECT_TRUE(store_->impl()->has_fingerprint_heads());
}

}  // namespace
}  // namespace lineagedb
