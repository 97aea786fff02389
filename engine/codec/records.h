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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lineagedb/model.h"
#include "lineagedb/status.h"

namespace lineagedb::codec {

// The on-disk format version this build writes into new stores. It reads
// and writes every version from 1 up (FORMAT.md, "Format versions"); stores
// of a higher version are refused on open.
inline constexpr uint32_t kFormatVersion = 3;
// The first version whose stores keep a [41] fingerprint head for every
// fingerprint with a COMPLETE execution.
inline constexpr uint32_t kFingerprintHeadsVersion = 2;
// The first version whose [41] heads may carry the cache lookup's answer
// (HeadAnswer), kept current by every write, with the [42] keys that find
// the heads listing an artifact.
inline constexpr uint32_t kHeadAnswersVersion = 3;

// The values a record may hold: a node's state is one of its kind's
// (contexts have none, 0); a type's base type is unset or one of its kind's
// (contexts have none). Writers refuse others; DecodeType refuses such a
// base type, but DecodeNode reads any state byte, so that a store written
// before states were checked still reads; `lineagedb check` reports one.
bool StateFitsKind(uint8_t state, NodeKind kind);
bool BaseTypeFitsKind(BaseType base, NodeKind kind);

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
  // Sequence of the last write call that added events (lineage cursors are
  // stamped with it). Counters written before the field existed decode it
  // as `seq`, which is never smaller.
  uint64_t edges_seq = 0;

  bool operator==(const Counters&) const = default;
};

std::string EncodeType(const Type& type, int64_t create_time_ms, uint64_t seq);
// `type_id` comes from the key; `create_time_ms`, when given, is set to the
// time the type was first stored.
Status DecodeType(std::string_view key, std::string_view value, Type* out,
                  int64_t* create_time_ms = nullptr);

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

// One output of a head execution, as stored: its [31] event value and its
// artifact's [20] record value.
struct HeadOutput {
  int64_t artifact_id = 0;
  EventType type = EventType::kUnknown;
  std::string event;
  std::string artifact;
  bool operator==(const HeadOutput&) const = default;
};
// What a cache lookup returns for a fingerprint, kept in its [41] head
// (format version 3): the head execution's [20] record value and its
// output events in [31] key order (event type, then artifact id).
struct HeadAnswer {
  std::string execution;
  std::vector<HeadOutput> outputs;
  bool operator==(const HeadAnswer&) const = default;
};

// The value of a [41] fingerprint head: empty when the newest COMPLETE
// execution is unknown (`id` 0); EncodeId(id); or, with `answer`, the id
// followed by the answer and a checksum (FORMAT.md).
std::string EncodeFingerprintHead(int64_t id,
                                  const HeadAnswer* answer = nullptr);
// Sets *id (0: unknown) and, if `answer` is not null, *answer (nullopt when
// the head carries none). Errors: DATA_LOSS (not one of the three forms,
// a bad checksum, or an answer for an unknown head).
Status DecodeFingerprintHead(std::string_view key, std::string_view value,
                             int64_t* id,
                             std::optional<HeadAnswer>* answer = nullptr);

// The value of a [42] key: the fingerprints, in no particular order.
std::string EncodeFingerprintList(const std::vector<std::string>& list);
// Errors: DATA_LOSS.
Status DecodeFingerprintList(std::string_view key, std::string_view value,
                             std::vector<std::string>* list);

std::string EncodeCounters(const Counters& c);
Status DecodeCounters(std::string_view key, std::string_view value,
                      Counters* out);

std::string EncodeFormatVersion(uint32_t version);
Status DecodeFormatVersion(std::string_view key, std::string_view value,
                           uint32_t* version);

}  // namespace lineagedb::codec

#endif  // LINEAGEDB_CODEC_RECORDS_H_
