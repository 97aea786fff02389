// Conversions between the public node structs and codec::NodeRow, the one
// form the store works on for all three kinds.
#ifndef LINEAGEDB_STORE_NODE_ROWS_H_
#define LINEAGEDB_STORE_NODE_ROWS_H_

#include <vector>

#include "codec/records.h"
#include "lineagedb/model.h"

namespace lineagedb::store {

inline codec::NodeRow ToRow(const Artifact& a) {
  codec::NodeRow r;
  r.kind = NodeKind::kArtifact;
  r.base = a;
  r.uri = a.uri;
  r.state = static_cast<uint8_t>(a.state);
  return r;
}

inline codec::NodeRow ToRow(const Execution& e) {
  codec::NodeRow r;
  r.kind = NodeKind::kExecution;
  r.base = e;
  r.state = static_cast<uint8_t>(e.last_known_state);
  r.fingerprint = e.fingerprint;
  return r;
}

inline codec::NodeRow ToRow(const Context& c) {
  codec::NodeRow r;
  r.kind = NodeKind::kContext;
  r.base = c;
  return r;
}

template <typename N>
N FromRow(codec::NodeRow&& r);

template <>
inline Artifact FromRow<Artifact>(codec::NodeRow&& r) {
  Artifact a;
  static_cast<NodeBase&>(a) = std::move(r.base);
  a.uri = std::move(r.uri);
  a.state = static_cast<ArtifactState>(r.state);
  return a;
}

template <>
inline Execution FromRow<Execution>(codec::NodeRow&& r) {
  Execution e;
  static_cast<NodeBase&>(e) = std::move(r.base);
  e.last_known_state = static_cast<ExecutionState>(r.state);
  e.fingerprint = std::move(r.fingerprint);
  return e;
}

template <>
inline Context FromRow<Context>(codec::NodeRow&& r) {
  Context c;
  static_cast<NodeBase&>(c) = std::move(r.base);
  return c;
}

template <typename N>
std::vector<codec::NodeRow> ToRows(const std::vector<N>& nodes) {
  std::vector<codec::NodeRow> rows;
  rows.reserve(nodes.size());
  for (const N& n : nodes) rows.push_back(ToRow(n));
  return rows;
}

template <typename N>
std::vector<N> FromRows(std::vector<codec::NodeRow>&& rows) {
  std::vector<N> out;
  out.reserve(rows.size());
  for (auto& r : rows) out.push_back(FromRow<N>(std::move(r)));
  return out;
}

}  // namespace lineagedb::store

#endif  // LINEAGEDB_STORE_NODE_ROWS_H_
