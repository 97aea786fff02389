// The [41] fingerprint heads (format versions 2 and 3): under random
// inserts, state changes, fingerprint changes, output deletions, outputs
// added later, record updates of executions and outputs, and executions
// completed by a later write (plain or through a BulkWriter), written one
// at a time and several in one call, every head names the newest COMPLETE
// execution of its fingerprint (or is unknown), and FindCachedExecution
// agrees with a model down to the records it returns (which a version-3
// head carries); stores of format versions 1 and 2 are still answered.
#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "codec/keys.h"
#include "codec/records.h"
#include "lineagedb/bulk_writer.h"
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
    std::vector<int64_t> outputs;  // In path index order.
    int64_t rev = 0;               // Custom property "rev"; 0: none.
  };

  static Artifact NewOutput(int64_t type_id) {
    Artifact a;
    a.type_id = type_id;
    a.state = ArtifactState::kLive;
    return a;
  }
  static Event OutputEvent(size_t index) {
    Event out;
    out.type = EventType::kOutput;
    out.path = {PathStep{std::string("out")},
                PathStep{static_cast<int64_t>(index)}};
    return out;
  }

  void Insert(const std::string& fp, ExecutionState state) {
    Execution e;
    e.type_id = step_type_;
    e.fingerprint = fp;
    e.last_known_state = state;
    ASSERT_OK_AND_ASSIGN(
        auto r,
        store_->PutExecution(
            e, {testing::Pair(NewOutput(out_type_), OutputEvent(0))}, {}));
    executions_[r.execution_id] = {fp, state, {r.artifact_ids[0]}};
    live_[r.artifact_ids[0]] = true;
  }

  // A further output of execution `id`, by its own write.
  void AddOutput(int64_t id) {
    ASSERT_OK_AND_ASSIGN(auto ids,
                         store_->Put<Artifact>({NewOutput(out_type_)}));
    ModelExecution& m = executions_.at(id);
    Event out = OutputEvent(m.outputs.size());
    out.artifact_id = ids[0];
    out.execution_id = id;
    ASSERT_OK(store_->PutEvents({out}));
    m.outputs.push_back(ids[0]);
    live_[ids[0]] = true;
  }

  // A new value of custom property "rev" of execution `id` or artifact `id`.
  template <typename N>
  void Bump(int64_t id, int64_t rev) {
    ASSERT_OK_AND_ASSIGN(auto rows, store_->GetByIds<N>({id}));
    rows[0].custom_properties["rev"] = Value(rev);
    ASSERT_OK(store_->Put<N>(rows).status());
  }

  // MLMD's publishing order: an execution is written RUNNING, then COMPLETE
  // with its output in a second write (with `early_output`, a first output
  // comes with the RUNNING write); with `bulk`, both through one BulkWriter
  // that commits each in the background.
  void CompleteLater(const std::string& fp, bool bulk, bool early_output) {
    Execution e;
    e.type_id = step_type_;
    e.fingerprint = fp;
    e.last_known_state = ExecutionState::kRunning;
    std::unique_ptr<BulkWriter> writer;
    if (bulk) {
      BulkWriterOptions options;
      options.batch_bytes = 1;
      ASSERT_OK_AND_ASSIGN(writer, NewBulkWriter(store_.get(), options));
    }
    auto put = [&](const Execution& x, std::vector<ArtifactAndEvent> pairs) {
      return bulk ? writer->Add(x, pairs, {})
                  : store_->PutExecution(x, pairs, {});
    };
    std::vector<int64_t> outputs;
    std::vector<ArtifactAndEvent> pairs;
    if (early_output) {
      pairs.push_back(testing::Pair(NewOutput(out_type_), OutputEvent(0)));
    }
    ASSERT_OK_AND_ASSIGN(auto first, put(e, pairs));
    outputs = first.artifact_ids;
    e.id = first.execution_id;
    e.last_known_state = ExecutionState::kComplete;
    ASSERT_OK_AND_ASSIGN(auto second,
                         put(e, {testing::Pair(NewOutput(out_type_),
                                               OutputEvent(outputs.size()))}));
    if (bulk) ASSERT_OK(writer->Close());
    outputs.push_back(second.artifact_ids[0]);
    for (int64_t a : outputs) live_[a] = true;
    executions_[e.id] = {fp, ExecutionState::kComplete, outputs};
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
  // and the newest whose outputs are all usable.
  int64_t NewestComplete(const std::string& fp, bool usable) const {
    for (auto it = executions_.rbegin(); it != executions_.rend(); ++it) {
      const ModelExecution& e = it->second;
      if (e.fingerprint != fp || e.state != ExecutionState::kComplete) {
        continue;
      }
      if (!usable || std::all_of(e.outputs.begin(), e.outputs.end(),
                                 [&](int64_t a) { return live_.at(a); })) {
        return it->first;
      }
    }
    return 0;
  }

  // The model's "rev" of a node as `custom_properties` must show it.
  static void ExpectRev(const PropertyMap& custom_properties, int64_t rev) {
    auto it = custom_properties.find("rev");
    if (rev == 0) {
      EXPECT_EQ(it, custom_properties.end());
    } else {
      ASSERT_NE(it, custom_properties.end());
      EXPECT_EQ(it->second, Value(rev));
    }
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
        std::optional<codec::HeadAnswer> answer;
        ASSERT_OK(codec::DecodeFingerprintHead(key, value, &head, &answer));
        answers_seen_ += answer.has_value();
        EXPECT_TRUE(!answer.has_value() || store_->impl()->has_head_answers());
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
        const ModelExecution& m = executions_.at(want);
        EXPECT_EQ(got->execution.last_known_state, ExecutionState::kComplete);
        ExpectRev(got->execution.custom_properties, m.rev);
        const std::vector<Artifact>& outs = got->outputs.at("out");
        ASSERT_EQ(outs.size(), m.outputs.size());
        for (size_t i = 0; i < outs.size(); ++i) {
          EXPECT_EQ(outs[i].id, m.outputs[i]);
          EXPECT_EQ(outs[i].state, ArtifactState::kLive);
          ExpectRev(outs[i].custom_properties, artifact_rev_[outs[i].id]);
        }
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
    auto random_output = [&] {
      const auto& outputs = executions_.at(random_id()).outputs;
      return outputs[pick(outputs.size())];
    };
    for (int step = 0; step < steps; ++step) {
      const size_t op = executions_.empty() ? 0 : pick(9);
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
      } else if (op == 4) {
        ASSERT_NO_FATAL_FAILURE(SetOutputLive(random_output(), pick(3) != 0));
      } else if (op == 5) {
        ASSERT_NO_FATAL_FAILURE(AddOutput(random_id()));
      } else if (op == 6) {
        const int64_t id = random_id();
        ASSERT_NO_FATAL_FAILURE(Bump<Execution>(id, ++next_rev_));
        executions_[id].rev = next_rev_;
      } else if (op == 7) {
        const int64_t id = random_output();
        ASSERT_NO_FATAL_FAILURE(Bump<Artifact>(id, ++next_rev_));
        artifact_rev_[id] = next_rev_;
      } else {
        ASSERT_NO_FATAL_FAILURE(
            CompleteLater(kFingerprints[pick(3)], pick(2) == 0, pick(2) == 0));
      }
      ASSERT_NO_FATAL_FAILURE(ExpectAgreement("step " + std::to_string(step)));
    }
  }

  int64_t out_type_ = 0, step_type_ = 0;
  std::map<int64_t, ModelExecution> executions_;  // By id.
  std::map<int64_t, bool> live_;                  // Output -> LIVE.
  std::map<int64_t, int64_t> artifact_rev_;       // Output -> "rev".
  int64_t next_rev_ = 0;
  int unknown_heads_seen_ = 0;
  int answers_seen_ = 0;
};

TEST_F(FingerprintHeadTest, RandomWritesKeepHeadsAndLookupsExact) {
  ASSERT_NO_FATAL_FAILURE(RunRandomWrites(/*seed=*/7, /*steps=*/400));
  // The walk went through demotions of heads, not only the easy case, and
  // lookups were answered from heads' answers.
  EXPECT_GT(unknown_heads_seen_, 0);
  EXPECT_GT(answers_seen_, 0);
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
  int64_t head = 0;
  ASSERT_OK(codec::DecodeFingerprintHead(codec::FingerprintHeadKey("fp-a"),
                                         value, &head));
  EXPECT_EQ(head, executions_.rbegin()->first);
}

// Cache hits recorded after each of three COMPLETE executions (more than a
// batch of candidates each): lookups past an unusable or unknown head find
// the newest usable one, kept answers dropped by each change.
TEST_F(FingerprintHeadTest, LookupsPastManyRecordedHitsFindTheNewestUsable) {
  std::vector<int64_t> complete;
  for (int hits : {150, 150, 70}) {
    ASSERT_NO_FATAL_FAILURE(Insert("fp-a", ExecutionState::kComplete));
    complete.push_back(executions_.rbegin()->first);
    for (int i = 0; i < hits; ++i) {
      CacheHit hit;
      hit.cached_execution_id = complete.back();
      hit.execution.type_id = step_type_;
      ASSERT_OK(RecordCacheHit(store_.get(), hit).status());
    }
  }
  auto found = [&]() -> int64_t {
    auto hit = FindCachedExecution(store_.get(), "fp-a");
    return hit.ok() ? hit->execution.id : 0;
  };
  auto output = [&](int i) { return executions_.at(complete[i]).outputs[0]; };
  EXPECT_EQ(found(), complete[2]);
  ASSERT_NO_FATAL_FAILURE(SetOutputLive(output(2), false));
  EXPECT_EQ(found(), complete[1]);
  ASSERT_NO_FATAL_FAILURE(SetOutputLive(output(1), false));
  EXPECT_EQ(found(), complete[0]);
  ASSERT_NO_FATAL_FAILURE(SetOutputLive(output(2), true));
  EXPECT_EQ(found(), complete[2]);
  // The head leaves COMPLETE: unknown, every execution a candidate.
  ASSERT_NO_FATAL_FAILURE(
      Update({complete[2]}, {ExecutionState::kFailed}, {"-"}));
  EXPECT_EQ(found(), complete[0]);
  ASSERT_NO_FATAL_FAILURE(SetOutputLive(output(1), true));
  EXPECT_EQ(found(), complete[1]);
  ASSERT_NO_FATAL_FAILURE(SetOutputLive(output(0), false));
  ASSERT_NO_FATAL_FAILURE(SetOutputLive(output(1), false));
  EXPECT_EQ(found(), 0);
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

// An answer past 64 outputs or 16 KiB, grown by any write, leaves a head
// naming its execution only; lookups read the records then.
TEST_F(FingerprintHeadTest, AnswersPastTheCapLeaveIdOnlyHeads) {
  auto answer_of = [&](const std::string& fp) {
    auto view = store_->impl()->kv()->NewReadView();
    std::string value;
    int64_t id = 0;
    std::optional<codec::HeadAnswer> answer;
    const std::string key = codec::FingerprintHeadKey(fp);
    EXPECT_OK(view->Get(key, &value));
    EXPECT_OK(codec::DecodeFingerprintHead(key, value, &id, &answer));
    return answer;
  };
  ASSERT_NO_FATAL_FAILURE(Insert("fp-a", ExecutionState::kComplete));
  const int64_t a = executions_.begin()->first;
  ASSERT_TRUE(answer_of("fp-a").has_value());
  // An output's record grows past the cap.
  ASSERT_OK_AND_ASSIGN(auto outs,
                       store_->GetByIds<Artifact>({executions_[a].outputs[0]}));
  outs[0].custom_properties["blob"] = Value(std::string(20000, 'x'));
  ASSERT_OK(store_->Put<Artifact>(outs).status());
  EXPECT_FALSE(answer_of("fp-a").has_value());
  ASSERT_OK_AND_ASSIGN(CachedExecution hit,
                       FindCachedExecution(store_.get(), "fp-a"));
  EXPECT_EQ(hit.execution.id, a);
  EXPECT_EQ(hit.outputs.at("out").at(0).custom_properties.at("blob"),
            outs[0].custom_properties.at("blob"));
  // Outputs added one write at a time: the answer holds them all until one
  // of the caps is passed, at 65 outputs at most.
  ASSERT_NO_FATAL_FAILURE(Insert("fp-b", ExecutionState::kComplete));
  const int64_t b = executions_.rbegin()->first;
  while (answer_of("fp-b").has_value()) {
    EXPECT_EQ(answer_of("fp-b")->outputs.size(), executions_[b].outputs.size());
    ASSERT_LE(executions_[b].outputs.size(), 64u);
    ASSERT_NO_FATAL_FAILURE(AddOutput(b));
  }
  EXPECT_GT(executions_[b].outputs.size(), 32u);
  ASSERT_NO_FATAL_FAILURE(ExpectAgreement("past the cap"));
}

// A store of format version 2 has heads without answers: this build keeps
// its heads that way (an older build, which would not keep answers, may
// still write it) and answers by reading the records.
TEST_F(FingerprintHeadTest, VersionTwoStoreKeepsHeadsWithoutAnswers) {
  ASSERT_NO_FATAL_FAILURE(Insert("fp-a", ExecutionState::kComplete));
  {
    storage::WriteBatch batch;
    batch.Put(codec::FingerprintHeadKey("fp-a"),
              codec::EncodeFingerprintHead(executions_.begin()->first));
    batch.Put(codec::MetaKey(codec::MetaId::kFormatVersion),
              codec::EncodeFormatVersion(2));
    ASSERT_OK(store_->impl()->kv()->Write(&batch, /*sync=*/true));
  }
  Reopen();
  EXPECT_TRUE(store_->impl()->has_fingerprint_heads());
  EXPECT_FALSE(store_->impl()->has_head_answers());
  ASSERT_NO_FATAL_FAILURE(RunRandomWrites(/*seed=*/5, /*steps=*/150));
  EXPECT_EQ(answers_seen_, 0);
  Reopen();
  EXPECT_FALSE(store_->impl()->has_head_answers());
}

TEST_F(FingerprintHeadTest, NewStoreHasHeadsWithAnswers) {
  EXPECT_TRUE(store_->impl()->has_fingerprint_heads());
  EXPECT_TRUE(store_->impl()->has_head_answers());
}

}  // namespace
}  // namespace lineagedb
