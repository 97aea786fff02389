#include "graph/adjacency_index.h"

#include <filesystem>
#include <fstream>

#include "lineagedb/lineage.h"
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
  EXPECT_EQ(Of(*index, X(1), Dir::kUp).size(), 700u);
  // A delta edge of a vertex with built rows lands in order among them.
  ASSERT_OK(index->Add({{150, 1, EventType::kDeclaredInput}}));
  const std::vector<Neighbor> up = Of(*index, X(1), Dir::kUp);
  ASSERT_EQ(up.size(), 701u);
  EXPECT_EQ(up[1], (Neighbor{A(150), EventType::kDeclaredInput}));
  EXPECT_EQ(Of(*index, A(1), Dir::kUp),
            (std::vector<Neighbor>{{X(1), EventType::kOutput}}));
  EXPECT_LT(index->memory_bytes(), 70001u * 2 * 16);
}

TEST(AdjacencyIndexTest, SnapshotRoundTripAndRefusals) {
  TempDir dir;
  auto index = EmptyIndex(dir);
  ASSERT_OK(
      index->Add({{1, 1, EventType::kInput}, {2, 1, EventType::kOutput}}));
  const std::string path = dir.path() + "/g.idx";
  ASSERT_OK(index->Save(path, 42));
  ASSERT_OK_AND_ASSIGN(auto loaded, AdjacencyIndex::Load(path, 42));
  for (VertexId v : {A(1), A(2), X(1)}) {
    for (Dir d : {Dir::kUp, Dir::kDown}) {
      EXPECT_EQ(Of(*loaded, v, d), Of(*index, v, d));
    }
  }
  EXPECT_CODE(AdjacencyIndex::Load(path, 43), kNotFound);
  EXPECT_CODE(AdjacencyIndex::Load(dir.path() + "/none", 42), kNotFound);
  std::string bytes;
  {
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  for (size_t i : {size_t{0}, size_t{9}, bytes.size() / 2, bytes.size() - 1}) {
    std::string bad = bytes;
    bad[i] ^= 1;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bad;
    EXPECT_CODE(AdjacencyIndex::Load(path, 42), kDataLoss) << "byte " << i;
  }
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

}  // namespace
}  // namespace lineagedb::graph
