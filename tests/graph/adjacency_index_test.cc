#include "graph/adjacency_index.h"

#include <sys/stat.h>
#include <xxhash.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "lineagedb/lineage.h"
#include "store/store_impl.h"
#include "tests/test_util.h"

namespace lineagedb::graph {
namespace {

using ::lineagedb::testing::TempDir;

VertexId A(int64_t id) { return MakeVertex(NodeKind::kArtifact, id); }
VertexId X(int64_t id) { return MakeVertex(NodeKind::kExecution, id); }

// The neighbours of `v`; NeighborVertices must list the same vertices.
std::vector<Neighbor> Of(const Graph& g, VertexId v, Dir d) {
  std::vector<Neighbor> out;
  EXPECT_TRUE(g.Neighbors(v, d, &out).ok());
  std::vector<VertexId> vertices = {A(424242)};  // Appended to, not cleared.
  EXPECT_TRUE(g.NeighborVertices(v, d, &vertices).ok());
  std::vector<VertexId> want = {A(424242)};
  for (const Neighbor& n : out) want.push_back(n.vertex);
  EXPECT_EQ(vertices, want);
  return out;
}

// An index with no stored events, grown through Add().
std::unique_ptr<AdjacencyIndex> EmptyIndex(const TempDir& dir) {
  Options o;
  auto kv = std::move(storage::Kv::Open(o, dir.path() + "/kv")).value();
  auto view = kv->NewReadView();
  return std::move(AdjacencyIndex::Build(*view)).value();
}

TEST(AdjacencyIndexTest, AddKeepsBothDirectionsSorted) {
  TempDir dir;
  auto index = EmptyIndex(dir);
  ASSERT_OK(index->Add({{5, 1, EventType::kInput},
                        {2, 1, EventType::kInput},
                        {7, 1, EventType::kOutput},
                        {2, 3, EventType::kOutput}}));
  EXPECT_EQ(Of(*index, X(1), Dir::kUp),
            (std::vector<Neighbor>{{A(2), EventType::kInput},
                                   {A(5), EventType::kInput}}));
  EXPECT_EQ(Of(*index, X(1), Dir::kDown),
            (std::vector<Neighbor>{{A(7), EventType::kOutput}}));
  EXPECT_EQ(Of(*index, A(2), Dir::kUp),
            (std::vector<Neighbor>{{X(3), EventType::kOutput}}));
  EXPECT_EQ(Of(*index, A(2), Dir::kDown),
            (std::vector<Neighbor>{{X(1), EventType::kInput}}));
  EXPECT_TRUE(Of(*index, A(99), Dir::kUp).empty());
  EXPECT_EQ(index->edges(), 4u);
}

// The largest vertices (ids up to INT64_MAX; execution INT64_MAX is vertex
// 2^64 - 1) have no row and no edges, and no read strays past the arrays.
TEST(AdjacencyIndexTest, TheLargestIdsHaveNoEdges) {
  TempDir dir;
  auto index = EmptyIndex(dir);
  std::vector<EdgeTriple> edges;
  for (int64_t i = 1; i <= 70000; ++i) {  // Past the first merge: rows.
    edges.push_back({i, 1, EventType::kInput});
  }
  ASSERT_OK(index->Add(edges));
  ASSERT_OK(index->Add({{5, 2, EventType::kInput}}));  // And a delta.
  for (const VertexId v : {X(INT64_MAX), A(INT64_MAX), X(INT64_MAX / 2)}) {
    for (const Dir d : {Dir::kUp, Dir::kDown}) {
      EXPECT_TRUE(Of(*index, v, d).empty()) << v;
      index->PrefetchVertex(v, d);
      index->PrefetchRow(v, d);
    }
    EXPECT_FALSE(index->MayConnect(v, X(1)));
  }
}

// A handle that is the last owner of a dropped index unlocks it before it
// frees it (the sanitizer build sees a use after free otherwise), whether
// assigned over or destroyed.
TEST(AdjacencyIndexTest, AGraphHandleUnlocksBeforeItFreesTheIndex) {
  TempDir dir;
  for (int assign = 0; assign < 2; ++assign) {
    auto h = std::make_unique<StoreImpl::GraphHandle>();
    h->index = EmptyIndex(dir);
    h->lock = h->index->LockShared();
    if (assign == 1) {
      *h = StoreImpl::GraphHandle();
      EXPECT_EQ(h->index, nullptr);
      EXPECT_FALSE(h->lock.owns_lock());
    }
    h.reset();
  }
}

TEST(AdjacencyIndexTest, MergingTheDeltaKeepsEveryEdge) {
  TempDir dir;
  auto index = EmptyIndex(dir);
  std::vector<EdgeTriple> edges;
  for (int64_t i = 1; i <= 70000; ++i) {  // Past the first merge.
    edges.push_back({i, (i % 100) + 1, EventType::kInput});
  }
  ASSERT_OK(index->Add(edges));
  ASSERT_OK(index->Add({{1, 1, EventType::kOutput}}));
  EXPECT_EQ(index->edges(), 70001u);
  // Prefetch hints on built rows: in range, the last slot, past the end.
  // They read offsets (bounds checked by the sanitizer build) and never
  // dereference what they prefetch; the rows read after are unchanged.
  for (VertexId v :
       {A(1), X(1), A(70000), X(100), A(70001), VertexId{1} << 40}) {
    for (Dir d : {Dir::kUp, Dir::kDown}) {
      index->PrefetchVertex(v, d);
      index->PrefetchRow(v, d);
    }
  }
  EXPECT_EQ(Of(*index, X(1), Dir::kUp).size(), 700u);
  // A delta edge of a vertex with built rows lands in order among them.
  ASSERT_OK(index->Add({{150, 1, EventType::kDeclaredInput}}));
  const std::vector<Neighbor> up = Of(*index, X(1), Dir::kUp);
  ASSERT_EQ(up.size(), 701u);
  EXPECT_EQ(up[1], (Neighbor{A(150), EventType::kDeclaredInput}));
  EXPECT_EQ(Of(*index, A(1), Dir::kUp),
            (std::vector<Neighbor>{{X(1), EventType::kOutput}}));
  // 5 bytes per edge per direction, 13 per vertex slot (offsets in both
  // directions, component parent and rank), within a quarter of slack.
  const uint64_t slots = 2 * 70000 + 2;
  EXPECT_LT(index->memory_bytes(), (70001u * 2 * 5 + slots * 12) * 5 / 4);
}

// Two chains, a1 -> x1 -> a2 and a3 -> x2 -> a4, then joined by a4 -> x3
// -> a1 added later; a5 has no edge.
TEST(AdjacencyIndexTest, ComponentsFollowEveryAddedEdge) {
  TempDir dir;
  auto index = EmptyIndex(dir);
  ASSERT_OK(index->Add({{1, 1, EventType::kInput},
                        {2, 1, EventType::kOutput},
                        {3, 2, EventType::kInput},
                        {4, 2, EventType::kOutput}}));
  // Against the flow of data too: weak connection.
  EXPECT_TRUE(index->MayConnect(A(2), A(1)));
  EXPECT_TRUE(index->MayConnect(X(1), A(2)));
  EXPECT_TRUE(index->MayConnect(A(4), A(3)));
  EXPECT_FALSE(index->MayConnect(A(1), A(3)));
  EXPECT_FALSE(index->MayConnect(X(2), X(1)));
  EXPECT_FALSE(index->MayConnect(A(5), A(1)));
  EXPECT_TRUE(index->MayConnect(A(5), A(5)));
  EXPECT_FALSE(index->MayConnect(A(5), A(6)));  // Past every slot.
  EXPECT_FALSE(index->MayConnect(A(1), uint64_t{1} << 40));
  ASSERT_OK(index->Add({{4, 3, EventType::kInput}}));
  EXPECT_FALSE(index->MayConnect(X(3), A(1)));
  ASSERT_OK(index->Add({{1, 3, EventType::kOutput}}));
  for (VertexId v : {A(1), A(2), A(3), A(4), X(1), X(2), X(3)}) {
    EXPECT_TRUE(index->MayConnect(v, A(3))) << v;
  }
  EXPECT_FALSE(index->MayConnect(A(5), A(3)));
}

// One execution joining many components, newest first (the order that
// chains roots when they are linked by index alone), then each with more.
TEST(AdjacencyIndexTest, ComponentsJoinedByOneExecution) {
  TempDir dir;
  auto index = EmptyIndex(dir);
  constexpr int64_t kParts = 3000;
  std::vector<EdgeTriple> edges;
  for (int64_t i = 1; i <= kParts; ++i) {  // a(2i-1) -> x(i) -> a(2i).
    edges.push_back({2 * i - 1, i, EventType::kInput});
    edges.push_back({2 * i, i, EventType::kOutput});
  }
  ASSERT_OK(index->Add(edges));
  EXPECT_FALSE(index->MayConnect(A(1), A(3)));
  edges.clear();
  for (int64_t i = kParts; i >= 1; --i) {
    edges.push_back({2 * i, kParts + 1, EventType::kInput});
  }
  ASSERT_OK(index->Add(edges));
  for (int64_t i = 1; i <= kParts; i += 7) {
    EXPECT_TRUE(index->MayConnect(A(2 * i - 1), X(kParts + 1))) << i;
    EXPECT_TRUE(index->MayConnect(X(i), A(1))) << i;
  }
  EXPECT_FALSE(index->MayConnect(A(2 * kParts + 1), A(1)));
}

// Random edges among 100K vertex slots (small components, then a giant one),
// checked against a model after each batch, through the delta's merge
// (past 65,536 edges) and a snapshot round trip.
TEST(AdjacencyIndexTest, ComponentsMatchAModelThroughMergesAndSnapshots) {
  TempDir dir;
  auto index = EmptyIndex(dir);
  constexpr int64_t kIds = 50000;
  // The model: each vertex's component id and each component's members.
  std::vector<VertexId> component(2 * kIds + 2);
  std::vector<std::vector<VertexId>> members(component.size());
  for (VertexId v = 0; v < component.size(); ++v) {
    component[v] = v;
    members[v] = {v};
  }
  uint64_t state = 12345;
  auto next = [&](int64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return 1 + static_cast<int64_t>((state >> 33) % static_cast<uint64_t>(n));
  };
  auto vertex = [&] { return next(2) == 1 ? A(next(kIds)) : X(next(kIds)); };
  auto check = [&](const AdjacencyIndex& g, const std::string& when) {
    int joined = 0;
    for (int i = 0; i < 4000; ++i) {
      const VertexId a = vertex();
      const auto& same = members[component[a]];
      // Half the pairs from one component, so that both answers occur.
      const VertexId b = i % 2 ? same[next(same.size()) - 1] : vertex();
      joined += component[a] == component[b] && a != b;
      ASSERT_EQ(g.MayConnect(a, b), component[a] == component[b])
          << when << ": " << a << " " << b;
    }
    EXPECT_GT(joined, 100) << when;
    EXPECT_TRUE(g.ComponentsMatchEdges()) << when;
  };
  // `n` random edges, applied to the model.
  auto random_edges = [&](int n) {
    std::vector<EdgeTriple> edges;
    for (int i = 0; i < n; ++i) {
      const EdgeTriple e{next(kIds), next(kIds),
                         next(2) == 1 ? EventType::kInput : EventType::kOutput};
      edges.push_back(e);
      VertexId big = component[A(e.artifact_id)];
      VertexId small = component[X(e.execution_id)];
      if (big == small) continue;
      if (members[big].size() < members[small].size()) std::swap(big, small);
      for (VertexId v : members[small]) component[v] = big;
      members[big].insert(members[big].end(), members[small].begin(),
                          members[small].end());
      members[small].clear();
    }
    return edges;
  };
  for (int batch = 0; batch < 10; ++batch) {
    ASSERT_OK(index->Add(random_edges(7000)));
    check(*index, "batch " + std::to_string(batch));
  }
  const std::string path = dir.path() + "/g.idx";
  ASSERT_OK(index->Save(path, {"store", 7}));
  ASSERT_OK_AND_ASSIGN(auto loaded, AdjacencyIndex::Load(path, {"store", 7}));
  check(*loaded, "loaded");
  for (int batch = 0; batch < 3; ++batch) {  // A loaded index grows too.
    ASSERT_OK(loaded->Add(random_edges(3000)));
    check(*loaded, "loaded, batch " + std::to_string(batch));
  }
  EXPECT_GT(index->memory_bytes(), 2 * kIds * sizeof(uint32_t));
}

// A snapshot that does not fit on the disk is an error that leaves neither
// its temporary file (which would keep the disk full) nor a change to the
// snapshot saved before. Needs a tmpfs mount; skipped where refused.
TEST(AdjacencyIndexTest, SaveOnAFullDiskKeepsTheLastSnapshot) {
  testing::SmallFileSystem small("1m");
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here";
  TempDir dir;
  auto index = EmptyIndex(dir);
  ASSERT_OK(index->Add({{1, 1, EventType::kInput}}));
  const std::string path = small.path() + "/g.idx";
  ASSERT_OK(index->Save(path, {"store", 1}));
  // About 200K edges: some 2 MiB of snapshot.
  std::vector<EdgeTriple> edges;
  for (int64_t i = 2; i < 200000; ++i) {
    edges.push_back({i, i / 2, EventType::kOutput});
  }
  ASSERT_OK(index->Add(edges));
  const Status s = index->Save(path, {"store", 2});
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("No space left"));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  // The first snapshot, which knows only the first edge.
  ASSERT_OK_AND_ASSIGN(auto loaded, AdjacencyIndex::Load(path, {"store", 1}));
  EXPECT_EQ(Of(*loaded, A(1), Dir::kDown), Of(*index, A(1), Dir::kDown));
  EXPECT_TRUE(Of(*loaded, X(1), Dir::kDown).empty());
  EXPECT_EQ(Of(*index, X(1), Dir::kDown).size(), 2u);
}

TEST(AdjacencyIndexTest, SnapshotRoundTripAndRefusals) {
  TempDir dir;
  auto index = EmptyIndex(dir);
  ASSERT_OK(
      index->Add({{1, 1, EventType::kInput}, {2, 1, EventType::kOutput}}));
  const std::string path = dir.path() + "/g.idx";
  const AdjacencyIndex::Stamp stamp{"store-a", 42};
  ASSERT_OK(index->Save(path, stamp));
  ASSERT_OK_AND_ASSIGN(auto loaded, AdjacencyIndex::Load(path, stamp));
  for (VertexId v : {A(1), A(2), X(1)}) {
    for (Dir d : {Dir::kUp, Dir::kDown}) {
      EXPECT_EQ(Of(*loaded, v, d), Of(*index, v, d));
    }
  }
  EXPECT_CODE(AdjacencyIndex::Load(path, {"store-a", 43}), kNotFound);
  // Another store's, at the same sequence.
  EXPECT_CODE(AdjacencyIndex::Load(path, {"store-b", 42}), kNotFound);
  EXPECT_CODE(AdjacencyIndex::Load(dir.path() + "/none", stamp), kNotFound);
  std::string bytes;
  {
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  for (size_t i : {size_t{0}, size_t{9}, bytes.size() / 2, bytes.size() - 1}) {
    std::string bad = bytes;
    bad[i] ^= 1;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bad;
    EXPECT_CODE(AdjacencyIndex::Load(path, stamp), kDataLoss) << "byte " << i;
  }
  // Changes that keep the checksum right (it is recomputed) are refused by
  // the structural checks. Layout: magic, seq, identity (24 bytes); up: 2
  // counts, offsets[6] (vertices 0..4), targets[2], types[2]; down: the
  // same; slots count, parent[5]; checksum. Slots: A(1)=2 and X(1)=3
  // joined under 2, A(2)=4 joined too.
  auto rewrite = [&](size_t at, std::string_view with) {
    std::string bad = bytes;
    bad.replace(at, with.size(), with);
    const uint64_t sum = XXH64(bad.data(), bad.size() - 8, 0);
    std::memcpy(bad.data() + bad.size() - 8, &sum, 8);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bad;
  };
  auto u32 = [](const uint32_t& v) {
    return std::string_view(reinterpret_cast<const char*>(&v), 4);
  };
  rewrite(0, bytes.substr(0, 8));  // Itself: accepted.
  EXPECT_OK(AdjacencyIndex::Load(path, stamp).status());
  for (const char* older : {"1", "2"}) {  // Earlier formats' magic.
    rewrite(7, older);
    EXPECT_CODE(AdjacencyIndex::Load(path, stamp), kDataLoss) << older;
  }
  const size_t parent0 = bytes.size() - 8 - 5 * sizeof(uint32_t);
  for (uint32_t bad_parent : {3u, 99u}) {  // parent[3] is 2; 99 is past.
    rewrite(parent0, u32(bad_parent));
    EXPECT_CODE(AdjacencyIndex::Load(path, stamp), kDataLoss) << bad_parent;
  }
  // A flat forest that is not the edges' components loads (its bytes are
  // as saved), but check finds it: A(2) split off would deny that A(2)
  // connects to X(1); slot 1 joined to slot 2 is a component of no edge.
  EXPECT_TRUE(index->ComponentsMatchEdges());
  rewrite(0, bytes.substr(0, 8));  // The snapshot as saved.
  ASSERT_OK_AND_ASSIGN(loaded, AdjacencyIndex::Load(path, stamp));
  EXPECT_TRUE(loaded->ComponentsMatchEdges());
  const std::string split =
      std::string(u32(2)) + std::string(u32(2)) + std::string(u32(4));
  rewrite(parent0 + 2 * sizeof(uint32_t), split);
  ASSERT_OK_AND_ASSIGN(loaded, AdjacencyIndex::Load(path, stamp));
  EXPECT_FALSE(loaded->MayConnect(A(2), X(1)));
  EXPECT_FALSE(loaded->ComponentsMatchEdges());
  uint32_t root;  // Of slot 2, the component of every edge.
  std::memcpy(&root, bytes.data() + parent0 + 2 * sizeof(uint32_t), 4);
  rewrite(parent0 + sizeof(uint32_t), u32(root));
  ASSERT_OK_AND_ASSIGN(loaded, AdjacencyIndex::Load(path, stamp));
  EXPECT_FALSE(loaded->ComponentsMatchEdges());
  // The first direction's first target (X(1) -> A(1) upstream, i.e. 2),
  // past the vertices.
  const size_t target0 = 24 + 16 + 6 * sizeof(uint32_t);
  ASSERT_EQ(bytes.substr(target0, 4), u32(2));
  rewrite(target0, u32(5));
  EXPECT_CODE(AdjacencyIndex::Load(path, stamp), kDataLoss);
  // Another vertex (4): loaded, but the directions' digests tell.
  rewrite(target0, u32(4));
  ASSERT_OK_AND_ASSIGN(loaded, AdjacencyIndex::Load(path, stamp));
  EXPECT_NE(loaded->EdgeDigest(Dir::kUp), loaded->EdgeDigest(Dir::kDown));
  EXPECT_EQ(index->EdgeDigest(Dir::kUp), index->EdgeDigest(Dir::kDown));
  EXPECT_EQ(index->EdgeDigest(Dir::kUp),
            AdjacencyIndex::EdgeHash({1, 1, EventType::kInput}) +
                AdjacencyIndex::EdgeHash({2, 1, EventType::kOutput}));
}

// A snapshot that declares more entries than a 32-bit index has (in a sparse
// file large enough to hold them) is refused before anything is allocated.
TEST(AdjacencyIndexTest, ASnapshotDeclaringHugeArraysIsRefused) {
  TempDir dir;
  auto index = EmptyIndex(dir);
  ASSERT_OK(index->Add({{1, 1, EventType::kInput}}));
  const std::string path = dir.path() + "/g.idx";
  const AdjacencyIndex::Stamp stamp{"store-a", 1};
  ASSERT_OK(index->Save(path, stamp));
  {
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    const uint64_t offsets = uint64_t{1} << 33;
    f.seekp(24);
    f.write(reinterpret_cast<const char*>(&offsets), 8);
  }
  std::error_code ec;
  std::filesystem::resize_file(path, uint64_t{1} << 36, ec);  // Sparse.
  if (ec) GTEST_SKIP() << "no sparse file here: " << ec.message();
  const Status s = AdjacencyIndex::Load(path, stamp).status();
  EXPECT_CODE(s, kDataLoss);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("bad sizes"));
}

// A FIFO (or any file that is not a regular one) is no snapshot: opening it
// would wait for a writer.
TEST(AdjacencyIndexTest, AFifoIsNoSnapshot) {
  TempDir dir;
  const std::string path = dir.path() + "/g.idx";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  EXPECT_CODE(AdjacencyIndex::Load(path, {"store-a", 1}), kNotFound);
  EXPECT_CODE(AdjacencyIndex::Load(dir.path(), {"store-a", 1}), kNotFound);
}

class IndexSnapshotStoreTest : public lineagedb::testing::StoreTest {};

// Close saves the index; open loads it and keeps it until the first write,
// so a session that only reads leaves it as it was; a store written after
// its snapshot rebuilds the index instead of trusting it.
TEST_F(IndexSnapshotStoreTest, ReopenUsesTheSnapshotOnlyWhenCurrent) {
  Type at{.kind = NodeKind::kArtifact, .name = "A"};
  Type et{.kind = NodeKind::kExecution, .name = "E"};
  ASSERT_OK_AND_ASSIGN(int64_t ta, store_->PutType(at));
  ASSERT_OK_AND_ASSIGN(int64_t te, store_->PutType(et));
  auto step = [&](int64_t input) {
    Execution e;
    e.type_id = te;
    Artifact out;
    out.type_id = ta;
    std::vector<ArtifactAndEvent> pairs;
    if (input != 0) {
      Event in;
      in.artifact_id = input;
      in.type = EventType::kInput;
      pairs.push_back({std::nullopt, in});
    }
    Event o;
    o.type = EventType::kOutput;
    pairs.push_back({out, o});
    auto r = store_->PutExecution(e, pairs, {});
    EXPECT_TRUE(r.ok()) << r.status();
    return r->artifact_ids.back();
  };
  int64_t last = step(0);
  for (int i = 0; i < 5; ++i) last = step(last);
  const std::string snapshot = store_path() + "/lineagedb-graph.idx";
  store_.reset();
  ASSERT_TRUE(std::filesystem::exists(snapshot));
  const auto saved_at = std::filesystem::last_write_time(snapshot);
  Reopen();
  AncestryQuery q;
  q.start = {NodeKind::kArtifact, last};
  ASSERT_OK_AND_ASSIGN(auto up, GetAncestry(store_.get(), q));
  EXPECT_EQ(up.size(), 11u);
  store_.reset();  // A read-only session: the snapshot is not written again.
  ASSERT_TRUE(std::filesystem::exists(snapshot));
  EXPECT_EQ(std::filesystem::last_write_time(snapshot), saved_at);
  // A stale snapshot (the store moved on without a clean close) is refused.
  std::filesystem::copy_file(snapshot, dir_.path() + "/old.idx");
  Reopen();
  last = step(last);
  EXPECT_FALSE(std::filesystem::exists(snapshot));  // Retired by the write.
  store_.reset();
  std::filesystem::copy_file(dir_.path() + "/old.idx", snapshot,
                             std::filesystem::copy_options::overwrite_existing);
  Reopen();
  q.start = {NodeKind::kArtifact, last};
  ASSERT_OK_AND_ASSIGN(up, GetAncestry(store_.get(), q));
  EXPECT_EQ(up.size(), 13u);
}

// Two stores at one sequence: the snapshot of one, copied into the other,
// is refused there (the index is rebuilt from the events) and kept where it
// belongs.
TEST_F(IndexSnapshotStoreTest, AnotherStoresSnapshotIsRefused) {
  const std::string other_path = dir_.path() + "/other";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> other,
                       Store::Open(options_, other_path));
  // The same writes into both, but only this store chains its steps.
  auto steps = [](Store* store, bool chain) {
    Type at{.kind = NodeKind::kArtifact, .name = "A"};
    Type et{.kind = NodeKind::kExecution, .name = "E"};
    const int64_t ta = store->PutType(at).value();
    const int64_t te = store->PutType(et).value();
    int64_t last = 0;
    for (int i = 0; i < 6; ++i) {
      Execution e;
      e.type_id = te;
      Artifact out;
      out.type_id = ta;
      std::vector<ArtifactAndEvent> pairs;
      Event in;
      in.artifact_id = last;
      in.type = EventType::kInput;
      if (chain && last != 0) pairs.push_back({std::nullopt, in});
      Event o;
      o.type = EventType::kOutput;
      pairs.push_back({out, o});
      last = store->PutExecution(e, pairs, {}).value().artifact_ids.back();
    }
    return last;
  };
  const int64_t last = steps(store_.get(), true);
  steps(other.get(), false);
  ASSERT_EQ(store_->impl()->IndexStamp().seq, other->impl()->IndexStamp().seq);
  store_.reset();
  other.reset();
  const std::string snapshot = "/lineagedb-graph.idx";
  std::filesystem::copy_file(other_path + snapshot, store_path() + snapshot,
                             std::filesystem::copy_options::overwrite_existing);
  Reopen();
  AncestryQuery q;
  q.start = {NodeKind::kArtifact, last};
  ASSERT_OK_AND_ASSIGN(auto up, GetAncestry(store_.get(), q));
  EXPECT_EQ(up.size(), 11u);
  store_.reset();
  ASSERT_OK_AND_ASSIGN(other, Store::Open(options_, other_path));
  ASSERT_OK_AND_ASSIGN(up, GetAncestry(other.get(), q));
  EXPECT_EQ(up.size(), 1u);
}

// An index built from the stored events (no snapshot) knows the components.
TEST_F(IndexSnapshotStoreTest, BuiltIndexKnowsTheComponents) {
  Type at{.kind = NodeKind::kArtifact, .name = "A"};
  Type et{.kind = NodeKind::kExecution, .name = "E"};
  ASSERT_OK_AND_ASSIGN(int64_t ta, store_->PutType(at));
  ASSERT_OK_AND_ASSIGN(int64_t te, store_->PutType(et));
  // Two chains: a1 -> x1 -> a2 -> x2 -> a3 and a4 -> x3 -> a5.
  std::vector<int64_t> ids;
  for (int64_t input : {int64_t{0}, int64_t{-1}, int64_t{0}}) {
    Execution e;
    e.type_id = te;
    std::vector<ArtifactAndEvent> pairs;
    Artifact a;
    a.type_id = ta;
    Event in{.type = EventType::kInput};
    if (input == 0) {
      pairs.push_back({a, in});
    } else {
      in.artifact_id = ids.back();
      pairs.push_back({std::nullopt, in});
    }
    pairs.push_back({a, Event{.type = EventType::kOutput}});
    ASSERT_OK_AND_ASSIGN(PutExecutionResult r,
                         store_->PutExecution(e, pairs, {}));
    if (input == 0) ids.push_back(r.artifact_ids.front());
    ids.push_back(r.artifact_ids.back());
  }
  store_.reset();
  std::filesystem::remove(store_path() + "/lineagedb-graph.idx");
  Reopen();
  ASSERT_EQ(ids.size(), 5u) << ::testing::PrintToString(ids);
  auto index = store_->impl()->graph_index();
  ASSERT_NE(index, nullptr);
  EXPECT_TRUE(index->MayConnect(A(ids[0]), A(ids[2])));
  EXPECT_TRUE(index->MayConnect(X(2), A(ids[0])));
  EXPECT_FALSE(index->MayConnect(A(ids[0]), A(ids[3])));
  EXPECT_TRUE(index->MayConnect(A(ids[4]), X(3)));
  EXPECT_FALSE(index->MayConnect(X(3), X(1)));
  const NodeRef a1{NodeKind::kArtifact, ids[0]};
  const NodeRef a3{NodeKind::kArtifact, ids[2]};
  const NodeRef a4{NodeKind::kArtifact, ids[3]};
  for (auto [from, to, want] :
       {std::tuple{a1, a3, true}, std::tuple{a3, a1, false},
        std::tuple{a1, a4, false}}) {
    ASSERT_OK_AND_ASSIGN(bool up, IsUpstream(store_.get(), from, to));
    EXPECT_EQ(up, want) << from.id << " -> " << to.id;
  }
}

}  // namespace
}  // namespace lineagedb::graph
