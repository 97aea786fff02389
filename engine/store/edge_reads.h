// Edge and node reads through a caller's snapshot, for queries that read
// many.
#ifndef LINEAGEDB_STORE_EDGE_READS_H_
#define LINEAGEDB_STORE_EDGE_READS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "codec/keys.h"
#include "codec/records.h"
#include "storage/kv.h"

namespace lineagedb::store {

// The `to` ends of the pair keys under PairPrefix(tag, from), in id order.
// Errors: DATA_LOSS (a key that does not parse).
StatusOr<std::vector<int64_t>> LinkedIds(const storage::ReadView& view,
                                         codec::Tag tag, int64_t from);
// The records of nodes `ids` of `kind`, in order (type names not filled),
// which an edge or index (`referrer`, for the message) names.
// Errors: DATA_LOSS (one is absent: "<referrer> names node key <hex> that is
// absent"; one does not decode).
StatusOr<std::vector<codec::NodeRow>> ReadNodeRows(
    const storage::ReadView& view, NodeKind kind,
    const std::vector<int64_t>& ids, std::string_view referrer = "an edge");
// Appends the events under EventPrefix(tag, id) to `out`, in key order.
// Errors: DATA_LOSS (one does not decode).
Status ReadEvents(const storage::ReadView& view, codec::Tag tag, int64_t id,
                  std::vector<Event>* out);

}  // namespace lineagedb::store

#endif  // LINEAGEDB_STORE_EDGE_READS_H_
