// Every key lineagedb writes is built and parsed here, and nowhere else.
// schema/FORMAT.md describes the same layouts in prose.
//
// A key is a tag byte followed by fields in the order-preserving encodings
// of coding.h (u64 big-endian, i64 sign-flipped big-endian, strings escaped
// and terminated). Iterating a key family is iterating its logical order.
//
// Tag bytes and field orders are FROZEN: DO NOT CHANGE a tag's number or
// layout; add new families with new tags.
#ifndef LINEAGEDB_CODEC_KEYS_H_
#define LINEAGEDB_CODEC_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lineagedb/model.h"

namespace lineagedb::codec {

enum class Tag : uint8_t {
  kMeta = 0x01,              // [01][meta id u8]
  kType = 0x10,              // [10][type id]                 -> TypeRecord
  kTypeByName = 0x11,        // [11][kind][name][version]     -> type id
  kTypeByExternalId = 0x12,  // [12][kind][external id]       -> type id
  kNode = 0x20,              // [20][kind][id]                -> NodeRecord
  kNodeByType = 0x21,        // [21][kind][type id][id]       -> ""
  kNodeByTypeName = 0x22,    // [22][kind][type id][name]     -> id
  kArtifactByUri = 0x23,     // [23][uri][id]                 -> ""
  kNodeByExternalId = 0x24,  // [24][kind][external id]       -> id
  kNodeByUpdateTime = 0x25,  // [25][kind][type id][time i64][id] -> ""
  kEventByArtifact =
      0x30,  // [30][artifact][dir][type][execution] -> EventRecord
  kEventByExecution =
      0x31,  // [31][execution][dir][type][artifact] -> EventRecord
  kAttributionByContext = 0x32,    // [32][context][artifact]   -> EdgeRecord
  kAttributionByArtifact = 0x33,   // [33][artifact][context]   -> EdgeRecord
  kAssociationByContext = 0x34,    // [34][context][execution]  -> EdgeRecord
  kAssociationByExecution = 0x35,  // [35][execution][context]  -> EdgeRecord
  kParentByChild = 0x36,           // [36][child][parent]       -> EdgeRecord
  kChildByParent = 0x37,           // [37][parent][child]       -> EdgeRecord
  kContextExecutionByType = 0x38,  // [38][context][type id][execution] -> ""
  kExecutionByFingerprint = 0x40,  // [40][fingerprint][execution]     -> ""
  kFingerprintHead = 0x41,         // [41][fingerprint] -> newest COMPLETE
  kHeadsByArtifact =
      0x42,  // [42][artifact] -> fingerprints whose head lists it
  // 0x43-0x4f are reserved for further cache indexes.
};

// Ids of the [01] meta keys. FROZEN.
enum class MetaId : uint8_t {
  kFormatVersion = 1,  // -> u32 format version
  kCounters = 2,       // -> Counters (records.h)
};

// Event direction byte of the event keys: inputs sort before outputs.
enum class Direction : uint8_t { kInput = 0, kOutput = 1 };
Direction DirectionOf(EventType type);

std::string MetaKey(MetaId id);
// Prefix of every key of the family `tag`.
std::string TagPrefix(Tag tag);

std::string TypeKey(int64_t type_id);
std::string TypeByNameKey(NodeKind kind, std::string_view name,
                          std::string_view version);
std::string TypeByExternalIdKey(NodeKind kind, std::string_view external_id);
// Prefix of all type records.
std::string TypePrefix();

std::string NodeKey(NodeKind kind, int64_t id);
// Prefix of all node records of `kind`.
std::string NodePrefix(NodeKind kind);
std::string NodeByTypeKey(NodeKind kind, int64_t type_id, int64_t id);
std::string NodeByTypePrefix(NodeKind kind, int64_t type_id);
std::string NodeByTypeNameKey(NodeKind kind, int64_t type_id,
                              std::string_view name);
// Prefix of the NodeByTypeNameKeys of the names that begin with
// `name_prefix` (bytes, case-sensitive).
std::string NodeByTypeNamePrefix(NodeKind kind, int64_t type_id,
                                 std::string_view name_prefix);
std::string ArtifactByUriKey(std::string_view uri, int64_t id);
std::string ArtifactByUriPrefix(std::string_view uri);
std::string NodeByExternalIdKey(NodeKind kind, std::string_view external_id);
std::string NodeByUpdateTimeKey(NodeKind kind, int64_t type_id, int64_t time_ms,
                                int64_t id);
std::string NodeByUpdateTimePrefix(NodeKind kind, int64_t type_id);

// Events: `from` is the artifact for kEventByArtifact and the execution for
// kEventByExecution; `to` is the other end.
std::string EventKey(Tag tag, int64_t from, EventType type, int64_t to);
// All events of node `from`.
std::string EventPrefix(Tag tag, int64_t from);
// Events of node `from` in one direction.
std::string EventPrefix(Tag tag, int64_t from, Direction dir);

// Attribution, association and parent-context keys: [tag][from][to].
std::string PairKey(Tag tag, int64_t from, int64_t to);
std::string PairPrefix(Tag tag, int64_t from);

// Executions of a context by type: [38][context][type id][execution].
std::string ContextExecutionByTypeKey(int64_t context_id, int64_t type_id,
                                      int64_t execution_id);
std::string ContextExecutionByTypePrefix(int64_t context_id);
std::string ContextExecutionByTypePrefix(int64_t context_id, int64_t type_id);
// Executions by fingerprint: [40][fingerprint][execution].
std::string ExecutionByFingerprintKey(std::string_view fingerprint,
                                      int64_t execution_id);
std::string ExecutionByFingerprintPrefix(std::string_view fingerprint);
// The newest COMPLETE execution of a fingerprint: [41][fingerprint], value
// empty (unknown), or records.h's EncodeFingerprintHead: its id, with or
// without the lookup's answer (FORMAT.md, format versions 2 and 3).
std::string FingerprintHeadKey(std::string_view fingerprint);
// The fingerprints whose [41] head answer lists artifact `id` as an output:
// [42][artifact] (format version 3).
std::string HeadsByArtifactKey(int64_t artifact_id);

// Smallest key greater than every key starting with `prefix`; empty if
// there is none (prefix all 0xff).
std::string PrefixEnd(std::string_view prefix);

// `prefix` followed by the largest id: SeekForPrev to it lands on the
// highest-id key of a family keyed by prefix + id, and stays within the
// prefix (which lets the storage use its prefix filters; SeekToLast on the
// prefix's range cannot).
std::string MaxIdKey(std::string_view prefix);

// Parsed forms. Each Parse* returns false if `key` is not of its family.
struct ParsedNodeKey {
  NodeKind kind;
  int64_t id;
};
bool ParseNodeKey(std::string_view key, ParsedNodeKey* out);
bool ParseTypeKey(std::string_view key, int64_t* type_id);

// The Parse* functions below return false for a key whose ids are not all
// positive int64s (0, or past INT64_MAX).
struct ParsedEventKey {
  Tag tag;
  int64_t from;
  EventType type;
  int64_t to;
};
bool ParseEventKey(std::string_view key, ParsedEventKey* out);

struct ParsedPairKey {
  Tag tag;
  int64_t from;
  int64_t to;
};
bool ParsePairKey(std::string_view key, ParsedPairKey* out);

// The trailing id of index keys that end in one (kNodeByType,
// kArtifactByUri, kNodeByUpdateTime); false if `key` is shorter than 9 bytes
// or the id is not positive.
bool ParseTrailingId(std::string_view key, int64_t* id);

// The kind of a node index key ([tag][kind]..., the tags kNodeByType,
// kNodeByTypeName, kNodeByExternalId and kNodeByUpdateTime); false if the
// key is shorter or its second byte is not a kind.
bool ParseIndexKeyKind(std::string_view key, NodeKind* kind);

// The fingerprint of a [41] head key; false if `key` is not one (another
// tag, a malformed string, or bytes after it).
bool ParseFingerprintHeadKey(std::string_view key, std::string* fingerprint);

struct ParsedUpdateTimeKey {
  NodeKind kind;
  int64_t type_id;
  int64_t time_ms;
  int64_t id;
};
bool ParseUpdateTimeKey(std::string_view key, ParsedUpdateTimeKey* out);

}  // namespace lineagedb::codec

#endif  // LINEAGEDB_CODEC_KEYS_H_
