// The store behind the public facade: one implementation for the three node
// kinds, working on codec::NodeRow.
#ifndef LINEAGEDB_STORE_STORE_IMPL_H_
#define LINEAGEDB_STORE_STORE_IMPL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "codec/records.h"
#include "lineagedb/lineagedb.h"
#include "storage/kv.h"
#include "store/write_context.h"

namespace lineagedb {

using store::WriteContext;

class StoreImpl {
 public:
  // Opens the key-value store, checks the format version and loads the
  // counters and the types.
  static StatusOr<std::unique_ptr<StoreImpl>> Open(const Options& options,
                                                   const std::string& path);

  // ---- Types (types.cc) ----
  StatusOr<int64_t> PutType(const Type& type, const PutTypeOptions& options);
  StatusOr<Type> GetType(NodeKind kind, std::string_view name,
                         std::string_view version);
  StatusOr<std::vector<Type>> GetTypesByIds(NodeKind kind,
                                            const std::vector<int64_t>& ids);
  StatusOr<std::vector<Type>> GetTypesByExternalIds(
      NodeKind kind, const std::vector<std::string>& external_ids);
  StatusOr<std::vector<Type>> ListTypes(NodeKind kind);

  // ---- Nodes (nodes.cc, list.cc) ----
  StatusOr<std::vector<int64_t>> PutNodes(std::vector<codec::NodeRow> rows,
                                          const PutNodesOptions& options);
  StatusOr<std::vector<codec::NodeRow>> GetNodes(
      NodeKind kind, const std::vector<int64_t>& ids);
  StatusOr<std::vector<codec::NodeRow>> GetNodesByExternalIds(
      NodeKind kind, const std::vector<std::string>& external_ids);
  StatusOr<codec::NodeRow> GetNodeByTypeAndName(NodeKind kind,
                                                std::string_view type_name,
                                                std::string_view node_name,
                                                std::string_view version);
  StatusOr<Page<codec::NodeRow>> ListNodes(NodeKind kind,
                                           const NodeQuery& query,
                                           const ListOptions& options);

  // ---- Building blocks shared by the write paths ----

  // Validates `row` and stages its insert (id 0) or update in `wc`; sets
  // row->base.id. Errors as Store::Put.
  Status StageNode(WriteContext& wc, codec::NodeRow* row,
                   const PutNodesOptions& options);
  // Reads node `id` of `kind` as of `wc`; NOT_FOUND if absent.
  StatusOr<codec::NodeRow> ReadNode(WriteContext& wc, NodeKind kind,
                                    int64_t id);
  // Id of the node of `kind` with (type_id, name) as of `wc`, or 0.
  StatusOr<int64_t> FindByTypeName(WriteContext& wc, NodeKind kind,
                                   int64_t type_id, std::string_view name);
  // Id of the node of `kind` with `external_id` as of `wc`, or 0.
  StatusOr<int64_t> FindByExternalId(WriteContext& wc, NodeKind kind,
                                     std::string_view external_id);

  // Starts a write call. Hold write_mu() for its whole life.
  WriteContext BeginWrite();
  // Commits `wc` and publishes its counters.
  Status Commit(WriteContext& wc);
  std::mutex& write_mu() { return write_mu_; }

  storage::Kv* kv() { return kv_.get(); }
  const Options& options() const { return options_; }

  // The cached type with this id and kind, or nullptr. Types are few, so all
  // of them are kept in memory.
  std::shared_ptr<const Type> CachedType(NodeKind kind, int64_t type_id);
  // Fills base.type of each row from the type cache.
  void FillTypeNames(std::vector<codec::NodeRow>* rows);
  // Id of the type (kind, name, version), or 0.
  int64_t CachedTypeId(NodeKind kind, std::string_view name,
                       std::string_view version);

 private:
  StoreImpl(Options options, std::unique_ptr<storage::Kv> kv);
  Status LoadMeta(bool* created);
  Status LoadTypes();
  void CacheType(Type type);
  Status StageInsert(WriteContext& wc, codec::NodeRow* row, const Type& type);
  Status StageUpdate(WriteContext& wc, codec::NodeRow* row, const Type& type,
                     const PutNodesOptions& options);
  void StageIndexes(WriteContext& wc, const codec::NodeRow& row, bool put);

  const Options options_;
  std::unique_ptr<storage::Kv> kv_;

  std::mutex write_mu_;       // Serializes write calls.
  codec::Counters counters_;  // Committed counters; guarded by write_mu_.

  mutable std::shared_mutex types_mu_;
  std::map<int64_t, std::shared_ptr<const Type>> types_;  // By id.
  // Type id by codec::TypeByNameKey.
  std::map<std::string, int64_t, std::less<>> type_ids_by_name_;
};

}  // namespace lineagedb

#endif  // LINEAGEDB_STORE_STORE_IMPL_H_
