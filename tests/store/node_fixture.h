// The fixture of the node conformance tests (DOMAIN.md section 1, "Nodes"),
// typed over artifacts, executions and contexts, with its helpers.
#ifndef LINEAGEDB_TESTS_STORE_NODE_FIXTURE_H_
#define LINEAGEDB_TESTS_STORE_NODE_FIXTURE_H_

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "tests/test_util.h"

namespace lineagedb::node_testing {

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline void Print(std::ostream& out, std::monostate) { out << "unset"; }
inline void Print(std::ostream& out, const StructValue& v) {
  out << "json:" << v.json;
}
inline void Print(std::ostream& out, const ProtoValue& v) {
  out << "proto:" << v.type_url << "/" << v.bytes.size() << "B";
}
inline void Print(std::ostream& out, const std::string& v) {
  out << "'" << v << "'";
}
template <typename T>
inline void Print(std::ostream& out, const T& v) {
  out << v;
}

inline std::string Describe(const PropertyMap& m) {
  std::ostringstream out;
  for (const auto& [key, v] : m) {
    out << key << "=";
    std::visit([&out](const auto& x) { Print(out, x); }, v.storage());
    out << "; ";
  }
  return out.str();
}

// Sets the fields only one kind has, from `i` (every state for i in 0..6).
template <typename N>
void SetKindFields(N& n, int i) {
  if constexpr (std::is_same_v<N, Artifact>) {
    n.uri = "s3://bucket/item-" + std::to_string(i);
    n.state = static_cast<ArtifactState>(i % 7);
  } else if constexpr (std::is_same_v<N, Execution>) {
    n.last_known_state = static_cast<ExecutionState>(i % 7);
  }
}

template <typename N>
class NodeTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    Type t;
    t.kind = N::kKind;
    t.name = "T";
    t.properties = {{"p1", PropertyKind::kInt}, {"p2", PropertyKind::kString}};
    ASSERT_OK_AND_ASSIGN(type_id_, store_->PutType(t));
    t.name = "U";
    t.properties = {{"p1", PropertyKind::kDouble}};
    ASSERT_OK_AND_ASSIGN(other_type_id_, store_->PutType(t));
  }

  N Make(const std::string& name, int64_t type_id = 0) const {
    N n;
    n.type_id = type_id != 0 ? type_id : type_id_;
    n.name = name;
    return n;
  }

  StatusOr<std::vector<int64_t>> Put(const std::vector<N>& nodes,
                                     const PutNodesOptions& options = {}) {
    return store_->Put(nodes, options);
  }

  StatusOr<int64_t> PutOne(const N& node, const PutNodesOptions& options = {}) {
    auto ids = store_->Put(std::vector<N>{node}, options);
    if (!ids.ok()) return ids.status();
    if (ids->size() != 1) return absl::InternalError("not one id");
    return (*ids)[0];
  }

  // The stored node `id`, or NOT_FOUND.
  StatusOr<N> Get(int64_t id) {
    auto got = store_->GetByIds<N>({id});
    if (!got.ok()) return got.status();
    if (got->size() != 1) return absl::NotFoundError("no node");
    return (*got)[0];
  }

  StatusOr<std::vector<N>> GetMany(const std::vector<int64_t>& ids) {
    return store_->GetByIds<N>(ids);
  }
  StatusOr<std::vector<N>> ByExt(const std::vector<std::string>& ids) {
    return store_->GetByExternalIds<N>(ids);
  }
  StatusOr<N> ByName(std::string_view type, std::string_view name,
                     std::string_view version = "") {
    return store_->GetByTypeAndName<N>(type, name, version);
  }
  StatusOr<int64_t> AddType(const std::string& name,
                            std::map<std::string, PropertyKind> properties,
                            const std::string& version = "") {
    Type t;
    t.kind = N::kKind;
    t.name = name;
    t.version = version;
    t.properties = std::move(properties);
    return store_->PutType(t);
  }

  // Every stored node of the kind.
  std::vector<N> All() {
    ListOptions options;
    options.max_result_size = 10000;
    auto page = store_->List<N>({}, options);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->items : std::vector<N>{};
  }

  // Expects `got` to be `want` except for the fields the store sets.
  static void ExpectSameNode(const N& got, N want,
                             const std::string& type_name = "T") {
    want.type = type_name;
    want.create_time_ms = got.create_time_ms;
    want.last_update_time_ms = got.last_update_time_ms;
    EXPECT_EQ(got, want) << "got properties " << Describe(got.properties)
                         << " custom " << Describe(got.custom_properties)
                         << "\nwant properties " << Describe(want.properties)
                         << " custom " << Describe(want.custom_properties)
                         << "\ngot name '" << got.name << "' type '" << got.type
                         << "' ext '" << got.external_id << "'";
  }

  int64_t type_id_ = 0;
  int64_t other_type_id_ = 0;
};
using NodeKinds = ::testing::Types<Artifact, Execution, Context>;

}  // namespace lineagedb::node_testing

#endif  // LINEAGEDB_TESTS_STORE_NODE_FIXTURE_H_
