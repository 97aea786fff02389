#include "tools/cli/check.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "codec/coding.h"
#include "codec/keys.h"
#include "codec/records.h"
#include "fmt/format.h"
#include "store/store_impl.h"
#include "tools/cli/check_heads.h"
#include "tools/cli/check_model.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

using codec::Hex;
using codec::Tag;

// Index families a node may have entries in.
enum IndexSlot : int {
  kByType = 0,
  kByUpdateTime,
  kByTypeName,
  kByExternalId,
  kByUri,
  kByFingerprint,
  kSlots,
};
constexpr const char* kSlotNames[kSlots] = {"by-type",      "by-update-time",
                                            "by-type-name", "by-external-id",
                                            "by-uri",       "by-fingerprint"};

uint64_t KeyHash(std::string_view key) {
  return std::hash<std::string_view>()(key);
}

// What a node's index entries must look like: the hash of each expected key.
struct NodeEntry {
  int64_t type_id = 0;
  uint64_t key_hash[kSlots] = {};
  uint8_t expected = 0;  // Bit per IndexSlot.
  uint8_t seen = 0;
};

struct TypeEntry {
  NodeKind kind;
  uint64_t name_key_hash = 0;
  uint64_t external_key_hash = 0;  // 0 = none expected.
  bool name_seen = false;
  bool external_seen = false;
  std::map<std::string, PropertyKind> properties;  // As declared.
};

// An edge (from, type, to) in one direction's key order.
using EdgeTuple = std::tuple<int64_t, int, int64_t>;

class Checker {
 public:
  explicit Checker(StoreImpl* impl) : impl_(impl) {}

  StatusOr<CheckReport> Run() {
    // Blocks the scan below never reads (Bloom filters, properties) too.
    RETURN_IF_ERROR(impl_->kv()->VerifyTableFiles(&report_.problems));
    view_ = impl_->kv()->NewReadView();
    CheckMeta(*view_);
    std::unique_ptr<storage::Iterator> it = view_->NewIterator("", "");
    std::string last_key;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++report_.keys;
      last_key.assign(it->key());
      Visit(it->key(), it->value());
    }
    if (absl::IsDataLoss(it->status())) {
      // A damaged block ends the scan; what it did not reach is unchecked,
      // so the checks across keys would report what is only unread.
      Problem(fmt::format(
          "the scan of the keys stopped after key {} ({} keys read; no later "
          "key was checked): {}",
          last_key.empty() ? "(none)" : Hex(last_key), report_.keys,
          std::string(it->status().message())));
      return std::move(report_);
    }
    RETURN_IF_ERROR(it->status());
    Finish();
    return std::move(report_);
  }

 private:
  void Problem(std::string text) {
    report_.problems.push_back(std::move(text));
  }

  void CheckMeta(const storage::ReadView& view) {
    std::string value;
    const std::string version_key =
        codec::MetaKey(codec::MetaId::kFormatVersion);
    if (!view.Get(version_key, &value).ok()) {
      Problem("missing format version key " + Hex(version_key));
    } else if (Status s =
                   codec::DecodeFormatVersion(version_key, value, &version_);
               !s.ok()) {
      Problem(std::string(s.message()));
    }
    const std::string counters_key = codec::MetaKey(codec::MetaId::kCounters);
    if (!view.Get(counters_key, &value).ok()) {
      has_counters_ = false;
    } else if (Status s =
                   codec::DecodeCounters(counters_key, value, &counters_);
               !s.ok()) {
      Problem(std::string(s.message()));
      has_counters_ = false;
    }
  }

  void Visit(std::string_view key, std::string_view value) {
    if (key.empty()) return Problem("an empty key");
    const Tag tag = static_cast<Tag>(static_cast<uint8_t>(key[0]));
    switch (tag) {
      case Tag::kMeta:
        // The two known keys are checked by CheckMeta.
        if (key != codec::MetaKey(codec::MetaId::kFormatVersion) &&
            key != codec::MetaKey(codec::MetaId::kCounters)) {
          Problem("unknown meta key " + Hex(key));
        }
        return;
      case Tag::kType:
        return VisitType(key, value);
      case Tag::kTypeByName:
      case Tag::kTypeByExternalId:
        return VisitTypeIndex(tag, key, value);
      case Tag::kNode:
        return VisitNode(key, value);
      case Tag::kNodeByType:
      case Tag::kNodeByTypeName:
      case Tag::kArtifactByUri:
      case Tag::kNodeByExternalId:
      case Tag::kNodeByUpdateTime:
      case Tag::kExecutionByFingerprint:
        return VisitNodeIndex(tag, key, value);
      case Tag::kEventByArtifact:
      case Tag::kEventByExecution:
        return VisitEvent(tag, key, value);
      case Tag::kAttributionByContext:
      case Tag::kAttributionByArtifact:
      case Tag::kAssociationByContext:
      case Tag::kAssociationByExecution:
      case Tag::kParentByChild:
      case Tag::kChildByParent:
        return VisitPair(tag, key, value);
      case Tag::kContextExecutionByType:
        return VisitContextExecution(key);
      case Tag::kFingerprintHead:
        return VisitFingerprintHead(key, value);
      case Tag::kHeadsByArtifact:
        return VisitHeadsByArtifact(key, value);
    }
    Problem("key of unknown family " + Hex(key));
  }

  void VisitType(std::string_view key, std::string_view value) {
    ++report_.types;
    Type type;
    if (Status s = codec::DecodeType(key, value, &type); !s.ok()) {
      return Problem(std::string(s.message()));
    }
    if (has_counters_ && type.id >= counters_.next_type_id) {
      Problem(fmt::format("type {} is past the type id counter ({}) at key {}",
                          type.id, counters_.next_type_id, Hex(key)));
    }
    TypeEntry entry{type.kind};
    entry.properties = type.properties;
    entry.name_key_hash =
        KeyHash(codec::TypeByNameKey(type.kind, type.name, type.version));
    if (!type.external_id.empty()) {
      entry.external_key_hash =
          KeyHash(codec::TypeByExternalIdKey(type.kind, type.external_id));
    }
    types_[type.id] = entry;
  }

  void VisitTypeIndex(Tag tag, std::string_view key, std::string_view value) {
    ++report_.index_entries;
    int64_t id = 0;
    if (Status s = codec::DecodeId(key, value, &id); !s.ok()) {
      return Problem(std::string(s.message()));
    }
    auto it = types_.find(id);
    const bool by_name = tag == Tag::kTypeByName;
    if (it == types_.end() ||
        (by_name ? it->second.name_key_hash : it->second.external_key_hash) !=
            KeyHash(key)) {
      return Problem(fmt::format(
          "type index entry {} names type {}, which {}", Hex(key), id,
          it == types_.end() ? "does not exist" : "does not match it"));
    }
    (by_name ? it->second.name_seen : it->second.external_seen) = true;
  }

  void VisitNode(std::string_view key, std::string_view value) {
    ++report_.nodes;
    codec::NodeRow row;
    if (Status s = codec::DecodeNode(key, value, &row); !s.ok()) {
      return Problem(std::string(s.message()));
    }
    const int k = static_cast<int>(row.kind) - 1;
    const int64_t id = row.base.id;
    auto type = types_.find(row.base.type_id);
    if (type == types_.end() || type->second.kind != row.kind) {
      Problem(fmt::format("node {} has unknown type {} at key {}", id,
                          row.base.type_id, Hex(key)));
    } else {
      std::vector<std::string> problems;
      CheckDeclaredProperties(id, row.base.type_id, row.base.properties,
                              type->second.properties, &problems);
      for (std::string& p : problems) Problem(std::move(p));
    }
    std::vector<std::string> problems;
    CheckPropertyValues(id, row.base.properties, /*custom=*/false, &problems);
    CheckPropertyValues(id, row.base.custom_properties, /*custom=*/true,
                        &problems);
    for (std::string& p : problems) Problem(std::move(p));
    if (!codec::StateFitsKind(row.state, row.kind)) {
      Problem(fmt::format("node {} has no valid state ({}) at key {}", id,
                          static_cast<int>(row.state), Hex(key)));
    }
    // Nodes of a kind come in id order.
    if (row.base.create_time_ms < last_create_time_[k]) {
      Problem(fmt::format(
          "node {} was created at {} ms, before node {} of its kind ({} ms)",
          id, row.base.create_time_ms, last_id_[k], last_create_time_[k]));
    }
    last_create_time_[k] = row.base.create_time_ms;
    last_id_[k] = id;
    if (has_counters_ && id >= counters_.next_node_id[k]) {
      Problem(fmt::format("node id {} is past its counter ({}) at key {}", id,
                          counters_.next_node_id[k], Hex(key)));
    }
    NodeEntry entry;
    entry.type_id = row.base.type_id;
    auto expect = [&entry](IndexSlot slot, const std::string& index_key) {
      entry.expected |= 1 << slot;
      entry.key_hash[slot] = KeyHash(index_key);
    };
    expect(kByType, codec::NodeByTypeKey(row.kind, row.base.type_id, id));
    expect(kByUpdateTime,
           codec::NodeByUpdateTimeKey(row.kind, row.base.type_id,
                                      row.base.last_update_time_ms, id));
    if (!row.base.name.empty()) {
      expect(kByTypeName, codec::NodeByTypeNameKey(row.kind, row.base.type_id,
                                                   row.base.name));
    }
    if (!row.base.external_id.empty()) {
      expect(kByExternalId,
             codec::NodeByExternalIdKey(row.kind, row.base.external_id));
    }
    if (row.kind == NodeKind::kArtifact && !row.uri.empty()) {
      expect(kByUri, codec::ArtifactByUriKey(row.uri, id));
    }
    if (row.kind == NodeKind::kExecution && !row.fingerprint.empty()) {
      expect(kByFingerprint,
             codec::ExecutionByFingerprintKey(row.fingerprint, id));
      if (static_cast<ExecutionState>(row.state) == ExecutionState::kComplete) {
        Head& head =
            heads_[KeyHash(codec::FingerprintHeadKey(row.fingerprint))];
        head.newest = std::max(head.newest, id);
      }
    }
    nodes_[k][id] = entry;
  }

  // A head names the newest COMPLETE execution of its fingerprint, or is
  // unknown (empty); from format version 2 on every fingerprint with a
  // COMPLETE execution has one (checked in Finish).
  void VisitFingerprintHead(std::string_view key, std::string_view value) {
    ++report_.index_entries;
    int64_t id = 0;
    std::optional<codec::HeadAnswer> answer;
    if (Status s = codec::DecodeFingerprintHead(key, value, &id, &answer);
        !s.ok()) {
      return Problem(std::string(s.message()));
    }
    auto it = heads_.find(KeyHash(key));
    if (it != heads_.end()) it->second.seen = true;
    // Heads in a version-1 store are not kept by every writer: not checked.
    if (id == 0 || version_ < codec::kFingerprintHeadsVersion) return;
    if (answer.has_value()) {
      if (version_ < codec::kHeadAnswersVersion) {
        Problem(
            fmt::format("fingerprint head {} carries an answer in a "
                        "store of format version {}",
                        Hex(key), version_));
      } else {
        CheckHeadAnswer(*view_, key, id, *answer, &report_.problems);
      }
    }
    const int64_t newest = it == heads_.end() ? 0 : it->second.newest;
    if (id != newest) {
      Problem(fmt::format(
          "fingerprint head {} names execution {}; the newest COMPLETE "
          "execution with the fingerprint is {}",
          Hex(key), id, newest == 0 ? "none" : std::to_string(newest)));
    }
  }

  // A [42] entry lists the fingerprints whose heads may list an artifact
  // (stale names are allowed: writes drop them lazily); CheckHeadAnswer
  // checks that every listed output is in its artifact's entry.
  void VisitHeadsByArtifact(std::string_view key, std::string_view value) {
    ++report_.index_entries;
    int64_t id = 0;
    std::vector<std::string> list;
    if (!codec::ParseTrailingId(key, &id) || key.size() != 9) {
      return Problem("bad heads-by-artifact key " + Hex(key));
    }
    if (Status s = codec::DecodeFingerprintList(key, value, &list); !s.ok()) {
      return Problem(std::string(s.message()));
    }
    std::sort(list.begin(), list.end());
    if (list.empty() ||
        std::adjacent_find(list.begin(), list.end()) != list.end()) {
      Problem(
          fmt::format("heads-by-artifact entry {} is empty or names a "
                      "fingerprint twice",
                      Hex(key)));
    }
    if (!NodeExists(NodeKind::kArtifact, id)) {
      Problem(
          fmt::format("heads-by-artifact entry {} names missing artifact {}",
                      Hex(key), id));
    }
  }

  void VisitNodeIndex(Tag tag, std::string_view key, std::string_view value) {
    ++report_.index_entries;
    NodeKind kind = NodeKind::kArtifact;
    IndexSlot slot = kByType;
    int64_t id = 0;
    bool id_in_key = true;
    switch (tag) {
      case Tag::kNodeByType:
        slot = kByType;
        break;
      case Tag::kNodeByUpdateTime:
        slot = kByUpdateTime;
        break;
      case Tag::kNodeByTypeName:
        slot = kByTypeName;
        id_in_key = false;
        break;
      case Tag::kNodeByExternalId:
        slot = kByExternalId;
        id_in_key = false;
        break;
      case Tag::kArtifactByUri:
        slot = kByUri;
        break;
      default:
        slot = kByFingerprint;
        kind = NodeKind::kExecution;
        break;
    }
    if (tag != Tag::kArtifactByUri && tag != Tag::kExecutionByFingerprint) {
      if (!codec::ParseIndexKeyKind(key, &kind)) {
        return Problem("bad kind byte in key " + Hex(key));
      }
    }
    if (id_in_key) {
      if (!codec::ParseTrailingId(key, &id)) {
        return Problem("index key without an id: " + Hex(key));
      }
    } else if (Status s = codec::DecodeId(key, value, &id); !s.ok()) {
      return Problem(std::string(s.message()));
    }
    auto& nodes = nodes_[static_cast<int>(kind) - 1];
    auto it = nodes.find(id);
    if (it == nodes.end()) {
      return Problem(fmt::format("{} index entry {} names missing node {}",
                                 kSlotNames[slot], Hex(key), id));
    }
    NodeEntry& entry = it->second;
    if (!(entry.expected & (1 << slot)) ||
        entry.key_hash[slot] != KeyHash(key)) {
      return Problem(fmt::format("{} index entry {} does not match node {}",
                                 kSlotNames[slot], Hex(key), id));
    }
    entry.seen |= 1 << slot;
  }

  bool NodeExists(NodeKind kind, int64_t id) const {
    return nodes_[static_cast<int>(kind) - 1].contains(id);
  }

  void VisitEvent(Tag tag, std::string_view key, std::string_view value) {
    codec::ParsedEventKey parsed;
    Event event;
    if (!codec::ParseEventKey(key, &parsed)) {
      return Problem("bad event key " + Hex(key));
    }
    if (Status s = codec::DecodeEvent(key, value, &event); !s.ok()) {
      return Problem(std::string(s.message()));
    }
    const bool by_artifact = tag == Tag::kEventByArtifact;
    const int64_t artifact = by_artifact ? parsed.from : parsed.to;
    const int64_t execution = by_artifact ? parsed.to : parsed.from;
    if (by_artifact) {
      ++report_.events;
      event_digest_ +=
          graph::AdjacencyIndex::EdgeHash({artifact, execution, parsed.type});
    }
    if (!NodeExists(NodeKind::kArtifact, artifact) ||
        !NodeExists(NodeKind::kExecution, execution)) {
      Problem(fmt::format("event {} links missing artifact {} or execution {}",
                          Hex(key), artifact, execution));
    }
    const EdgeTuple edge{artifact, static_cast<int>(parsed.type), execution};
    CheckMirror(by_artifact, edge, KeyHash(value), &events_, key, "event");
  }

  // Records `edge` seen in the first direction, or matches it against the
  // first direction (both are scanned in key order, first direction first).
  void CheckMirror(bool first, const EdgeTuple& edge, uint64_t value_hash,
                   std::map<EdgeTuple, uint64_t>* pending, std::string_view key,
                   const char* what) {
    if (first) {
      (*pending)[edge] = value_hash;
      return;
    }
    auto it = pending->find(edge);
    if (it == pending->end()) {
      return Problem(fmt::format("{} {} has no mirror in the other direction",
                                 what, Hex(key)));
    }
    if (it->second != value_hash) {
      Problem(fmt::format("{} {} differs from its mirror", what, Hex(key)));
    }
    pending->erase(it);
  }

  void VisitPair(Tag tag, std::string_view key, std::string_view value) {
    codec::ParsedPairKey parsed;
    if (!codec::ParsePairKey(key, &parsed)) {
      return Problem("bad edge key " + Hex(key));
    }
    int64_t time_ms;
    uint64_t seq;
    if (Status s = codec::DecodeEdge(key, value, &time_ms, &seq); !s.ok()) {
      return Problem(std::string(s.message()));
    }
    // First direction of each family, its ends' kinds, and its pending set.
    bool first = false;
    NodeKind from_kind = NodeKind::kContext, to_kind = NodeKind::kContext;
    int family = 0;
    switch (tag) {
      case Tag::kAttributionByContext:
        first = true;
        [[fallthrough]];
      case Tag::kAttributionByArtifact:
        to_kind = NodeKind::kArtifact;
        family = 0;
        break;
      case Tag::kAssociationByContext:
        first = true;
        [[fallthrough]];
      case Tag::kAssociationByExecution:
        to_kind = NodeKind::kExecution;
        family = 1;
        break;
      case Tag::kParentByChild:
        first = true;
        [[fallthrough]];
      default:
        family = 2;
        break;
    }
    // Normalized as (first-direction from, first-direction to).
    const int64_t a = first ? parsed.from : parsed.to;
    const int64_t b = first ? parsed.to : parsed.from;
    if (first) ++report_.links;
    if (first && family == 1) ExpectContextExecution(a, b);
    if (first && family == 2) parents_[a].push_back(b);
    if (!NodeExists(from_kind, a) || !NodeExists(to_kind, b)) {
      Problem(fmt::format("edge {} links a missing node ({} or {})", Hex(key),
                          a, b));
    }
    CheckMirror(first, EdgeTuple{a, 0, b}, KeyHash(value), &pairs_[family], key,
                "edge");
  }

  // Each association (context, execution) has a by-type entry
  // [38][context][execution's type][execution].
  void ExpectContextExecution(int64_t context, int64_t execution) {
    auto& executions = nodes_[static_cast<int>(NodeKind::kExecution) - 1];
    auto it = executions.find(execution);
    if (it == executions.end()) return;  // Reported as a missing end.
    context_executions_[KeyHash(codec::ContextExecutionByTypeKey(
        context, it->second.type_id, execution))] = {context, execution};
  }

  void VisitContextExecution(std::string_view key) {
    ++report_.index_entries;
    if (context_executions_.erase(KeyHash(key)) == 0) {
      Problem(fmt::format(
          "context-execution-by-type entry {} matches no association",
          Hex(key)));
    }
  }

  void Finish() {
    for (int64_t context : ParentCycles(parents_)) {
      Problem(fmt::format("parent contexts form a cycle through context {}",
                          context));
    }
    for (const auto& [hash, link] : context_executions_) {
      Problem(
          fmt::format("association (context {}, execution {}) has no "
                      "context-execution-by-type entry",
                      link.first, link.second));
    }
    for (const auto& [edge, hash] : events_) {
      Problem(fmt::format(
          "event (artifact {}, execution {}) has no by-execution mirror",
          std::get<0>(edge), std::get<2>(edge)));
    }
    for (const auto& pending : pairs_) {
      for (const auto& [edge, hash] : pending) {
        Problem(fmt::format("edge ({}, {}) has no mirror", std::get<0>(edge),
                            std::get<2>(edge)));
      }
    }
    for (const auto& [id, t] : types_) {
      if (!t.name_seen) {
        Problem(fmt::format("type {} has no by-name index entry", id));
      }
      if (t.external_key_hash != 0 && !t.external_seen) {
        Problem(fmt::format("type {} has no by-external-id entry", id));
      }
    }
    for (int k = 0; k < 3; ++k) {
      for (const auto& [id, entry] : nodes_[k]) {
        const uint8_t missing = entry.expected & ~entry.seen;
        for (int slot = 0; slot < kSlots; ++slot) {
          if (missing & (1 << slot)) {
            Problem(fmt::format("{} {} has no {} index entry",
                                k == 0   ? "artifact"
                                : k == 1 ? "execution"
                                         : "context",
                                id, kSlotNames[slot]));
          }
        }
      }
    }
    if (version_ >= codec::kFingerprintHeadsVersion) {
      for (const auto& [hash, head] : heads_) {
        if (head.seen) continue;
        Problem(
            fmt::format("COMPLETE execution {} has no fingerprint head entry",
                        head.newest));
      }
    }
    if (std::shared_ptr<graph::AdjacencyIndex> index = impl_->graph_index()) {
      const uint64_t edges = index->edges();
      if (edges != static_cast<uint64_t>(report_.events)) {
        Problem(fmt::format("lineage index holds {} edges, the store {}", edges,
                            report_.events));
      } else if (index->EdgeDigest(graph::Dir::kUp) != event_digest_ ||
                 index->EdgeDigest(graph::Dir::kDown) != event_digest_) {
        Problem(
            "lineage index holds other edges than the store's events (its "
            "snapshot lineagedb-graph.idx is not this store's: delete it, and "
            "the next open rebuilds the index)");
      } else if (!index->ComponentsMatchEdges()) {
        Problem(
            "lineage index's components are not those of its edges (its "
            "snapshot lineagedb-graph.idx is damaged: delete it, and the next "
            "open rebuilds the index)");
      }
    }
  }

  StoreImpl* impl_;
  std::unique_ptr<storage::ReadView> view_;
  CheckReport report_;
  codec::Counters counters_;
  bool has_counters_ = true;
  uint32_t version_ = 0;
  std::map<int64_t, TypeEntry> types_;
  std::unordered_map<int64_t, NodeEntry> nodes_[3];
  std::map<EdgeTuple, uint64_t> events_;
  // AdjacencyIndex::EdgeHash summed over the by-artifact event keys.
  uint64_t event_digest_ = 0;
  std::map<EdgeTuple, uint64_t> pairs_[3];
  // Child context -> its parents, from the [36] keys.
  std::map<int64_t, std::vector<int64_t>> parents_;
  // Per kind, the create time and id of the node visited last.
  int64_t last_create_time_[3] = {};
  int64_t last_id_[3] = {};
  // Expected [38] keys (by hash) -> (context, execution).
  std::unordered_map<uint64_t, std::pair<int64_t, int64_t>> context_executions_;
  // By the hash of the head key each fingerprint with a COMPLETE execution
  // must have.
  struct Head {
    int64_t newest = 0;  // The newest COMPLETE execution.
    bool seen = false;
  };
  std::unordered_map<uint64_t, Head> heads_;
};

}  // namespace

StatusOr<CheckReport> CheckStore(Store* store) {
  return Checker(store->impl()).Run();
}

}  // namespace lineagedb::cli
