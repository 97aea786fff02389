// Shared test helpers: status assertions and a fixture owning a fresh store
// in a temporary folder.
#ifndef LINEAGEDB_TESTS_TEST_UTIL_H_
#define LINEAGEDB_TESTS_TEST_UTIL_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "lineagedb/lineage.h"
#include "lineagedb/lineagedb.h"

#define ASSERT_OK(expr)                            \
  do {                                             \
    const ::absl::Status ldb_s_ = (expr);          \
    ASSERT_TRUE(ldb_s_.ok()) << ldb_s_.ToString(); \
  } while (0)

#define EXPECT_OK(expr)                            \
  do {                                             \
    const ::absl::Status ldb_s_ = (expr);          \
    EXPECT_TRUE(ldb_s_.ok()) << ldb_s_.ToString(); \
  } while (0)

// `lhs = value of expr`, asserting that it is OK.
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(LDB_TEST_CONCAT_(sor_, __LINE__), lhs, expr)
#define LDB_TEST_CONCAT_INNER_(a, b) a##b
#define LDB_TEST_CONCAT_(a, b) LDB_TEST_CONCAT_INNER_(a, b)
#define ASSERT_OK_AND_ASSIGN_IMPL_(var, lhs, expr)  \
  auto var = (expr);                                \
  ASSERT_TRUE(var.ok()) << var.status().ToString(); \
  lhs = std::move(var).value()

// EXPECT_CODE / ASSERT_CODE_IS take a Status or a StatusOr.
#define EXPECT_CODE(expr, code_name)                     \
  EXPECT_EQ(::absl::StatusCode::code_name,               \
            ::lineagedb::testing::StatusOf(expr).code()) \
      << "expected " #code_name ", got "                 \
      << ::lineagedb::testing::StatusOf(expr).ToString()

#define ASSERT_CODE_IS(expr, code_name)                  \
  ASSERT_EQ(::absl::StatusCode::code_name,               \
            ::lineagedb::testing::StatusOf(expr).code()) \
      << "expected " #code_name ", got "                 \
      << ::lineagedb::testing::StatusOf(expr).ToString()

namespace lineagedb::testing {

inline const absl::Status& StatusOf(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

// A folder under the system temp dir, removed with its contents on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A file system mounted in a fresh folder, unmounted when this goes out of
// scope. Mounting needs root with CAP_SYS_ADMIN; where it is refused,
// mounted() is false (skip the test).
class TempMount {
 public:
  ~TempMount();
  TempMount(const TempMount&) = delete;
  TempMount& operator=(const TempMount&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& path() const { return path_; }

 protected:
  // The mount point: `name` in the fresh folder, made here.
  explicit TempMount(const std::string& name);
  TempDir dir_;  // Removed after the unmount.
  const std::string path_;
  bool mounted_ = false;  // Set by the subclass once mounted.
};

// A tmpfs of `size` (mount's form: "2m"): a file system that fills up.
class SmallFileSystem : public TempMount {
 public:
  explicit SmallFileSystem(const std::string& size);
};

// A read-only view of the folder `source`: a bind mount of it, remounted
// read-only.
class ReadOnlyBind : public TempMount {
 public:
  explicit ReadOnlyBind(const std::string& source);
};

// Ids of `nodes` (anything with an `id`), in order.
template <typename N>
std::vector<int64_t> IdsOf(const std::vector<N>& nodes) {
  std::vector<int64_t> ids;
  for (const N& n : nodes) ids.push_back(n.id);
  return ids;
}

// The ids of `nodes` in a list's order: by `by` (ties by id), ascending or
// descending.
template <typename N>
std::vector<int64_t> IdsInListOrder(std::vector<N> nodes, OrderBy by,
                                    bool ascending) {
  auto key = [by](const N& n) {
    int64_t k = by == OrderBy::kCreateTime       ? n.create_time_ms
                : by == OrderBy::kLastUpdateTime ? n.last_update_time_ms
                                                 : n.id;
    return std::make_tuple(k, n.id);
  };
  std::sort(nodes.begin(), nodes.end(),
            [&](const N& a, const N& b) { return key(a) < key(b); });
  if (!ascending) std::reverse(nodes.begin(), nodes.end());
  return IdsOf(nodes);
}

inline ArtifactAndEvent Pair(std::optional<Artifact> artifact,
                             std::optional<Event> event) {
  ArtifactAndEvent p;
  p.artifact = std::move(artifact);
  p.event = std::move(event);
  return p;
}

// An event of `type` between the given ends (0: filled in by the write),
// at time 1000 ms.
inline Event Ev(EventType type, int64_t artifact_id = 0,
                int64_t execution_id = 0) {
  Event e;
  e.artifact_id = artifact_id;
  e.execution_id = execution_id;
  e.type = type;
  e.time_ms = 1000;
  return e;
}

// One type of each node kind, for fixtures that need no more.
struct NodeTypeNames {
  std::string artifact = "A";
  std::string execution = "E";
  std::string context = "C";
  std::map<std::string, PropertyKind> artifact_properties;
};
struct NodeTypes {
  int64_t artifact = 0;
  int64_t execution = 0;
  int64_t context = 0;
};
StatusOr<NodeTypes> PutNodeTypes(Store* store, const NodeTypeNames& names = {});

// The ids of every node `query` lists with `options`, following page
// tokens; every page but the last must be full.
template <typename N>
std::vector<int64_t> ListAllIds(Store* store, const NodeQuery& query,
                                ListOptions options) {
  std::vector<int64_t> ids;
  for (int guard = 0; guard < 1000; ++guard) {
    auto page = store->List<N>(query, options);
    EXPECT_TRUE(page.ok()) << query.filter << ": " << page.status().ToString();
    if (!page.ok()) return ids;
    for (const N& n : page->items) ids.push_back(n.id);
    if (page->next_page_token.empty()) return ids;
    EXPECT_EQ(page->items.size(), static_cast<size_t>(options.max_result_size))
        << query.filter << ": a page before the last is not full";
    options.page_token = page->next_page_token;
  }
  ADD_FAILURE() << "paging does not end";
  return ids;
}

// Node references for lineage queries: artifact `id`, execution `id`.
inline NodeRef A(int64_t id) { return {NodeKind::kArtifact, id}; }
inline NodeRef X(int64_t id) { return {NodeKind::kExecution, id}; }
// The ids of the nodes of `kind` among `nodes`, sorted.
std::vector<int64_t> IdsOfKind(const std::vector<NodeRef>& nodes,
                               NodeKind kind);

// Sleeps `ms` milliseconds: the store's times then differ.
inline void SleepMs(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// List options of one page of `size` in the given order, resuming at
// `token`.
inline ListOptions Paging(int size, OrderBy by = OrderBy::kId,
                          bool ascending = true, std::string token = "") {
  ListOptions options;
  options.max_result_size = size;
  options.order_by = by;
  options.ascending = ascending;
  options.page_token = std::move(token);
  return options;
}

inline NodeQuery OfContext(int64_t context_id) {
  NodeQuery q;
  q.context_id = context_id;
  return q;
}

// Every key and value of a store, in key order.
using Dump = std::map<std::string, std::string>;

// A fixture with an open store in a fresh folder; Reopen() closes and opens
// it again.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void Reopen();
  // Every key and value of store_, read through the internal key-value
  // layer: two equal dumps mean the store is byte-for-byte the same.
  Dump DumpStore();
  std::string store_path() const { return dir_.path() + "/store"; }

  TempDir dir_;
  Options options_;
  std::unique_ptr<Store> store_;
};

}  // namespace lineagedb::testing

#endif  // LINEAGEDB_TESTS_TEST_UTIL_H_
