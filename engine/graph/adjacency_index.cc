#include "graph/adjacency_index.h"

#include <algorithm>
#include <utility>

#include "codec/coding.h"
#include "codec/keys.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::graph {

namespace {

// The largest vertex, 2 * kMaxId + 1, stays below UINT32_MAX, so that a
// vertex count (largest vertex + 1) fits the 32-bit arrays.
constexpr int64_t kMaxId = (int64_t{1} << 31) - 2;

// Merge the delta when it holds this many edges or a quarter of the arrays.
constexpr uint64_t kMinMergeEdges = 1 << 16;

struct DirectedEdges {
  VertexId down_from, down_to;  // The edge in the direction of data flow.
};

// Inputs flow from the artifact into the execution; outputs the other way.
DirectedEdges Direct(const EdgeTriple& e) {
  const VertexId a = MakeVertex(NodeKind::kArtifact, e.artifact_id);
  const VertexId x = MakeVertex(NodeKind::kExecution, e.execution_id);
  return IsInputEvent(e.type) ? DirectedEdges{a, x} : DirectedEdges{x, a};
}

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer.
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The hash of the edge from `down_from` to `down_to` (in the direction of
// data flow, vertex indexes below 2^32) of event type `type`.
uint64_t DownEdgeHash(uint64_t down_from, uint64_t down_to, uint8_t type) {
  return Mix(Mix((down_from << 32) | down_to) + type);
}

Status CheckIds(const EdgeTriple& e) {
  if (e.artifact_id < 1 || e.artifact_id > kMaxId || e.execution_id < 1 ||
      e.execution_id > kMaxId) {
    return absl::FailedPreconditionError(
        StrCat("event (", e.artifact_id, ", ", e.execution_id,
               ") has an id past the graph index's limit of ", kMaxId));
  }
  return absl::OkStatus();
}

// Whether a CSR's `offsets` (vertices + 1 of them) have a row for `v`.
// (`v + 1 < size` would wrap at the largest vertex, 2^64 - 1: execution id
// INT64_MAX.)
bool HasRow(const HugeVector<uint32_t>& offsets, VertexId v) {
  return !offsets.empty() && v < offsets.size() - 1;
}

}  // namespace

AdjacencyIndex::Csr AdjacencyIndex::BuildCsr(std::vector<Entry>* entries,
                                             uint32_t vertices) {
  Csr csr;
  csr.offsets.assign(static_cast<size_t>(vertices) + 1, 0);
  for (const Entry& e : *entries) ++csr.offsets[e.from + 1];
  for (size_t v = 0; v < vertices; ++v) csr.offsets[v + 1] += csr.offsets[v];
  // Rows sorted by (target, type), packed as one 64-bit key each.
  std::vector<uint64_t> packed(entries->size());
  std::vector<uint32_t> fill(csr.offsets.begin(), csr.offsets.end() - 1);
  for (const Entry& e : *entries) {
    packed[fill[e.from]++] = (static_cast<uint64_t>(e.to) << 8) | e.type;
  }
  entries->clear();
  entries->shrink_to_fit();
  for (size_t v = 0; v < vertices; ++v) {
    std::sort(packed.begin() + csr.offsets[v],
              packed.begin() + csr.offsets[v + 1]);
  }
  csr.targets.resize(packed.size());
  csr.types.resize(packed.size());
  for (size_t i = 0; i < packed.size(); ++i) {
    csr.targets[i] = static_cast<uint32_t>(packed[i] >> 8);
    csr.types[i] = static_cast<uint8_t>(packed[i] & 0xff);
  }
  return csr;
}

StatusOr<std::unique_ptr<AdjacencyIndex>> AdjacencyIndex::Build(
    const storage::ReadView& view) {
  std::vector<Entry> entries[2];
  uint64_t max_vertex = 0;
  auto it = view.Scan(codec::TagPrefix(codec::Tag::kEventByArtifact));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    codec::ParsedEventKey k;
    if (!codec::ParseEventKey(it->key(), &k)) {
      return absl::DataLossError(
          StrCat("bad event key ", codec::Hex(it->key())));
    }
    EdgeTriple e{k.from, k.to, k.type};
    RETURN_IF_ERROR(CheckIds(e));
    DirectedEdges d = Direct(e);
    const uint8_t type = static_cast<uint8_t>(e.type);
    entries[static_cast<int>(Dir::kDown)].push_back(
        {static_cast<uint32_t>(d.down_from), static_cast<uint32_t>(d.down_to),
         type});
    entries[static_cast<int>(Dir::kUp)].push_back(
        {static_cast<uint32_t>(d.down_to), static_cast<uint32_t>(d.down_from),
         type});
    max_vertex = std::max({max_vertex, d.down_from, d.down_to});
  }
  RETURN_IF_ERROR(it->status());
  auto index = std::unique_ptr<AdjacencyIndex>(new AdjacencyIndex());
  const uint32_t vertices = static_cast<uint32_t>(max_vertex + 1);
  for (int d = 0; d < 2; ++d) {
    index->csr_[d] = BuildCsr(&entries[d], vertices);
  }
  const Csr& down = index->csr_[static_cast<int>(Dir::kDown)];
  for (uint32_t v = 0; v + 1 < down.offsets.size(); ++v) {
    for (uint32_t i = down.offsets[v]; i < down.offsets[v + 1]; ++i) {
      index->Union(v, down.targets[i]);
    }
  }
  index->FlattenComponents();
  return index;
}

uint32_t AdjacencyIndex::Root(uint32_t v) const {
  if (v >= parent_.size()) return v;
  while (parent_[v] != v) v = parent_[v];
  return v;
}

void AdjacencyIndex::Union(uint32_t a, uint32_t b) {
  const size_t slots = static_cast<size_t>(std::max(a, b)) + 1;
  if (slots > parent_.size()) {
    size_t v = parent_.size();
    parent_.resize(slots);
    rank_.resize(slots, 0);
    for (; v < slots; ++v) parent_[v] = static_cast<uint32_t>(v);
  }
  auto find = [&](uint32_t v) {
    uint32_t root = Root(v);
    while (parent_[v] != root) v = std::exchange(parent_[v], root);
    return root;
  };
  uint32_t ra = find(a), rb = find(b);
  if (ra == rb) return;
  if (rank_[ra] < rank_[rb]) std::swap(ra, rb);
  parent_[rb] = ra;
  if (rank_[ra] == rank_[rb]) ++rank_[ra];
}

void AdjacencyIndex::FlattenComponents() {
  for (size_t v = 0; v < parent_.size(); ++v) {
    parent_[v] = Root(static_cast<uint32_t>(v));
  }
  rank_.assign(parent_.size(), 1);
}

bool AdjacencyIndex::MayConnect(VertexId a, VertexId b) const {
  if (a > UINT32_MAX || b > UINT32_MAX) return a == b;
  return Root(static_cast<uint32_t>(a)) == Root(static_cast<uint32_t>(b));
}

bool AdjacencyIndex::ComponentsMatchEdges() const {
  std::shared_lock lock(mu_);
  const Csr& down = csr_[static_cast<int>(Dir::kDown)];
  size_t slots = std::max<size_t>(parent_.size(), down.offsets.size());
  for (const auto& [from, row] : delta_[static_cast<int>(Dir::kDown)]) {
    slots = std::max<size_t>(slots, size_t{from} + 1);
    for (const Neighbor& n : row) {
      slots = std::max<size_t>(slots, static_cast<size_t>(n.vertex) + 1);
    }
  }
  // The components of the edges, by union-find with path halving.
  std::vector<uint32_t> fresh(slots);
  for (size_t v = 0; v < slots; ++v) fresh[v] = static_cast<uint32_t>(v);
  auto find = [&fresh](uint32_t v) {
    while (fresh[v] != v) v = fresh[v] = fresh[fresh[v]];
    return v;
  };
  auto unite = [&](uint32_t a, uint32_t b) { fresh[find(a)] = find(b); };
  for (uint32_t v = 0; v + 1 < down.offsets.size(); ++v) {
    for (uint32_t i = down.offsets[v]; i < down.offsets[v + 1]; ++i) {
      unite(v, down.targets[i]);
    }
  }
  for (const auto& [from, row] : delta_[static_cast<int>(Dir::kDown)]) {
    for (const Neighbor& n : row) unite(from, static_cast<uint32_t>(n.vertex));
  }
  // The two partitions are equal iff their roots pair up one to one.
  constexpr uint32_t kNone = UINT32_MAX;
  std::vector<uint32_t> fresh_of(slots, kNone), stored_of(slots, kNone);
  for (size_t i = 0; i < slots; ++i) {
    const uint32_t v = static_cast<uint32_t>(i);
    const uint32_t a = Root(v), b = find(v);
    if (a >= slots) return false;
    if (fresh_of[a] == kNone && stored_of[b] == kNone) {
      fresh_of[a] = b;
      stored_of[b] = a;
    } else if (fresh_of[a] != b || stored_of[b] != a) {
      return false;
    }
  }
  return true;
}

Status AdjacencyIndex::Add(const std::vector<EdgeTriple>& edges) {
  for (const EdgeTriple& e : edges) RETURN_IF_ERROR(CheckIds(e));
  std::unique_lock lock(mu_);
  for (const EdgeTriple& e : edges) {
    DirectedEdges d = Direct(e);
    auto insert = [&](Dir dir, VertexId from, VertexId to) {
      auto& row = delta_[static_cast<int>(dir)][static_cast<uint32_t>(from)];
      Neighbor n{to, e.type};
      auto pos = std::lower_bound(
          row.begin(), row.end(), n, [](const Neighbor& a, const Neighbor& b) {
            return std::tie(a.vertex, a.type) < std::tie(b.vertex, b.type);
          });
      row.insert(pos, n);
    };
    insert(Dir::kDown, d.down_from, d.down_to);
    insert(Dir::kUp, d.down_to, d.down_from);
    Union(static_cast<uint32_t>(d.down_from), static_cast<uint32_t>(d.down_to));
    ++delta_edges_;
  }
  if (delta_edges_ >=
      std::max<uint64_t>(kMinMergeEdges, csr_[0].targets.size() / 4)) {
    MergeDelta();
  }
  return absl::OkStatus();
}

void AdjacencyIndex::MergeDelta() {
  for (int d = 0; d < 2; ++d) {
    Csr& csr = csr_[d];
    std::vector<Entry> entries;
    entries.reserve(csr.targets.size() + delta_edges_);
    uint64_t max_vertex = csr.offsets.size() - 1;
    for (uint32_t v = 0; v + 1 < csr.offsets.size(); ++v) {
      for (uint32_t i = csr.offsets[v]; i < csr.offsets[v + 1]; ++i) {
        entries.push_back({v, csr.targets[i], csr.types[i]});
      }
    }
    for (const auto& [from, row] : delta_[d]) {
      max_vertex = std::max<uint64_t>(max_vertex, from + 1);
      for (const Neighbor& n : row) {
        entries.push_back({from, static_cast<uint32_t>(n.vertex),
                           static_cast<uint8_t>(n.type)});
        max_vertex = std::max<uint64_t>(max_vertex, n.vertex + 1);
      }
    }
    csr = BuildCsr(&entries, static_cast<uint32_t>(max_vertex));
    delta_[d].clear();
  }
  delta_edges_ = 0;
  FlattenComponents();
}

Status AdjacencyIndex::Neighbors(VertexId v, Dir d,
                                 std::vector<Neighbor>* out) const {
  const Csr& csr = csr_[static_cast<int>(d)];
  const size_t first = out->size();
  if (HasRow(csr.offsets, v)) {
    for (uint32_t i = csr.offsets[v]; i < csr.offsets[v + 1]; ++i) {
      out->push_back({csr.targets[i], static_cast<EventType>(csr.types[i])});
    }
  }
  const auto& delta = delta_[static_cast<int>(d)];
  if (!delta.empty() && v <= UINT32_MAX) {
    auto it = delta.find(static_cast<uint32_t>(v));
    if (it != delta.end()) {
      const size_t middle = out->size();
      out->insert(out->end(), it->second.begin(), it->second.end());
      std::inplace_merge(out->begin() + first, out->begin() + middle,
                         out->end(), [](const Neighbor& a, const Neighbor& b) {
                           return std::tie(a.vertex, a.type) <
                                  std::tie(b.vertex, b.type);
                         });
    }
  }
  return absl::OkStatus();
}

Status AdjacencyIndex::NeighborVertices(VertexId v, Dir d,
                                        std::vector<VertexId>* out) const {
  const Csr& csr = csr_[static_cast<int>(d)];
  const size_t first = out->size();
  if (HasRow(csr.offsets, v)) {
    out->insert(out->end(), csr.targets.begin() + csr.offsets[v],
                csr.targets.begin() + csr.offsets[v + 1]);
  }
  const auto& delta = delta_[static_cast<int>(d)];
  if (!delta.empty() && v <= UINT32_MAX) {
    auto it = delta.find(static_cast<uint32_t>(v));
    if (it != delta.end()) {
      const size_t middle = out->size();
      for (const Neighbor& n : it->second) out->push_back(n.vertex);
      std::inplace_merge(out->begin() + first, out->begin() + middle,
                         out->end());
    }
  }
  return absl::OkStatus();
}

void AdjacencyIndex::PrefetchVertex(VertexId v, Dir d) const {
  const Csr& csr = csr_[static_cast<int>(d)];
  if (HasRow(csr.offsets, v)) __builtin_prefetch(&csr.offsets[v]);
}

void AdjacencyIndex::PrefetchRow(VertexId v, Dir d) const {
  const Csr& csr = csr_[static_cast<int>(d)];
  if (HasRow(csr.offsets, v)) {
    __builtin_prefetch(csr.targets.data() + csr.offsets[v]);
  }
}

uint64_t AdjacencyIndex::EdgeHash(const EdgeTriple& e) {
  const DirectedEdges d = Direct(e);
  return DownEdgeHash(d.down_from, d.down_to, static_cast<uint8_t>(e.type));
}

uint64_t AdjacencyIndex::EdgeDigest(Dir d) const {
  std::shared_lock lock(mu_);
  const bool down = d == Dir::kDown;
  auto hash = [down](uint64_t from, uint64_t to, uint8_t type) {
    return down ? DownEdgeHash(from, to, type) : DownEdgeHash(to, from, type);
  };
  uint64_t sum = 0;
  const Csr& csr = csr_[static_cast<int>(d)];
  for (uint32_t v = 0; v + 1 < csr.offsets.size(); ++v) {
    for (uint32_t i = csr.offsets[v]; i < csr.offsets[v + 1]; ++i) {
      sum += hash(v, csr.targets[i], csr.types[i]);
    }
  }
  for (const auto& [from, row] : delta_[static_cast<int>(d)]) {
    for (const Neighbor& n : row) {
      sum += hash(from, n.vertex, static_cast<uint8_t>(n.type));
    }
  }
  return sum;
}

uint64_t AdjacencyIndex::edges() const {
  std::shared_lock lock(mu_);
  return csr_[0].targets.size() + delta_edges_;
}

uint64_t AdjacencyIndex::memory_bytes() const {
  std::shared_lock lock(mu_);
  uint64_t bytes = parent_.capacity() * sizeof(uint32_t) + rank_.capacity();
  for (int d = 0; d < 2; ++d) {
    bytes += csr_[d].offsets.capacity() * sizeof(uint32_t) +
             csr_[d].targets.capacity() * sizeof(uint32_t) +
             csr_[d].types.capacity();
    for (const auto& [v, row] : delta_[d]) {
      bytes += sizeof(v) + sizeof(row) + row.capacity() * sizeof(Neighbor);
    }
  }
  return bytes;
}

}  // namespace lineagedb::graph
