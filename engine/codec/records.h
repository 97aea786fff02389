// Values stored under the keys of keys.h: FlatBuffers tables of
// schema/lineagedb.fbs, framed as
//
//   +--------------------------+----------------------------+
//   | FlatBuffers buffer bytes | XXH32(buffer, seed) u32 BE |
//   +--------------------------+----------------------------+
//
// so that any changed byte is detected. Index values holding an id are the
// id as u64 big-endian (8 bytes); index values holding nothing are empty.
// Every Decode* returns DATA_LOSS naming the key (hex) when the bytes fail
// the checksum, the FlatBuffers verifier or a range check, and never reads
// out of bounds.
#ifndef LINEAGEDB_CODEC_RECORDS_H_
#define LINEAGEDB_CODEC_RECORDS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lineagedb/model.h"
#include "lineagedb/status.h"

namespace lineagedb::codec {

// The on-disk format version this build writes into new stores. It reads
// and writes every version from 1 up (FORMAT.md, "Format versions"); stores
// of a higher version are refused on open.
inline constexpr uint32_t kFormatVersion = 2;
// The first version whose stores keep a [41] fingerprint head for every
// fingerprint with a COMPLETE execution.
inline constexpr uint32_t kFingerprintHeadsVersion = 2;

// A node of any kind as stored. `base.type` is not stored.
struct NodeRow {
  NodeKind kind = NodeKind::kArtifact;
  NodeBase base;
  std::string uri;          // Artifacts only.
  std::string fingerprint;  // Executions only.
  uint8_t state = 0;        // ArtifactState or ExecutionState.
  uint64_t create_seq = 0;
  uint64_t update_seq = 0;
};

// Store-wide counters, persisted under MetaKey(kCounters) in every write
// batch that changes them. Ids are never reused: a batch that uses an id
// also persists the counter past it.
struct Counters {
  uint64_t seq = 0;  // Sequence of the last committed write call.
  int64_t next_type_id = 1;
  int64_t next_node_id[3] = {1, 1, 1};    // Indexed by kind - 1.
  int64_t last_create_ms[3] = {0, 0, 0};  // Indexed by kind - 1.
};

std::string EncodeType(const Type& type, int64_t create_time_ms, uint64_t seq);
// `type_id` comes from the key.
Status DecodeType(std::string_view key, std::string_view value, Type* out);

std::string EncodeNode(const NodeRow& row);
// kind and id come from the key.
Status DecodeNode(std::string_view key, std::string_view value, NodeRow* out);
// The type id of a node record: its frame, checksum, table and kind are
// checked as DecodeNode checks them (DATA_LOSS), but its properties are not
// decoded, so a bad property is found by DecodeNode, not here.
Status DecodeNodeTypeId(std::string_view key, std::string_view value,
                        int64_t* type_id);

// The ends and type of an event are in its key; the value holds the rest.
std::string EncodeEvent(const Event& event, uint64_t seq);
Status DecodeEvent(std::string_view key, std::string_view value, Event* out);

std::string EncodeEdge(int64_t create_time_ms, uint64_t seq);
Status DecodeEdge(std::string_view key, std::string_view value,
                  int64_t* create_time_ms, uint64_t* seq);

std::string EncodeId(int64_t id);
Status DecodeId(std::string_view key, std::string_view value, int64_t* id);

// The value of a [41] fingerprint head: EncodeId(id), or empty when the
// newest COMPLETE execution is unknown (`id` 0).
std::string EncodeFingerprintHead(int64_t id);
// Errors: DATA_LOSS (neither empty nor a valid id).
Status DecodeFingerprintHead(std::string_view key, std::string_view value,
                             int64_t* id);

std::string EncodeCounters(const Counters& c);
Status DecodeCounters(std::string_view key, std::string_view value,
                      Counters* out);

std::string EncodeFormatVersion(uint32_t version);
Status DecodeFormatVersion(std::string_view key, std::string_view value,
                           uint32_t* version);

}  // namespace lineagedb::codec

#endif  // LINEAGEDB_CODEC_RECORDS_H_
