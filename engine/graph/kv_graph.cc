#include "graph/kv_graph.h"

#include <algorithm>

#include "codec/coding.h"
#include "codec/keys.h"
#include "util/str_cat.h"

namespace lineagedb::graph {

// An artifact's producers are its output events and its consumers its input
// events; an execution's inputs and outputs are its own.
Status KvGraph::Neighbors(VertexId v, Dir d, std::vector<Neighbor>* out) const {
  const bool execution = IsExecution(v);
  const codec::Tag tag =
      execution ? codec::Tag::kEventByExecution : codec::Tag::kEventByArtifact;
  const bool want_inputs = execution == (d == Dir::kUp);
  const codec::Direction event_dir =
      want_inputs ? codec::Direction::kInput : codec::Direction::kOutput;
  const NodeKind other = execution ? NodeKind::kArtifact : NodeKind::kExecution;
  const size_t first = out->size();
  auto it = view_->Scan(codec::EventPrefix(tag, IdOf(v), event_dir));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    codec::ParsedEventKey k;
    if (!codec::ParseEventKey(it->key(), &k)) {
      return absl::DataLossError(
          StrCat("bad event key ", codec::Hex(it->key())));
    }
    out->push_back({MakeVertex(other, k.to), k.type});
  }
  std::sort(out->begin() + first, out->end(),
            [](const Neighbor& a, const Neighbor& b) {
              return std::tie(a.vertex, a.type) < std::tie(b.vertex, b.type);
            });
  return it->status();
}

}  // namespace lineagedb::graph
