#include "tests/test_util.h"

#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>

#include "store/store_impl.h"

namespace lineagedb::testing {

StatusOr<NodeTypes> PutNodeTypes(Store* store, const NodeTypeNames& names) {
  NodeTypes ids;
  Type t{.kind = NodeKind::kArtifact,
         .name = names.artifact,
         .properties = names.artifact_properties};
  auto artifact = store->PutType(t);
  if (!artifact.ok()) return artifact.status();
  ids.artifact = *artifact;
  t = Type{.kind = NodeKind::kExecution, .name = names.execution};
  auto execution = store->PutType(t);
  if (!execution.ok()) return execution.status();
  ids.execution = *execution;
  t = Type{.kind = NodeKind::kContext, .name = names.context};
  auto context = store->PutType(t);
  if (!context.ok()) return context.status();
  ids.context = *context;
  return ids;
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  const char* base = std::getenv("TEST_TMPDIR");
  std::filesystem::path root = base != nullptr
                                   ? std::filesystem::path(base)
                                   : std::filesystem::temp_directory_path();
  path_ = (root / ("lineagedb_test_" + std::to_string(::getpid()) + "_" +
                   std::to_string(counter++)))
              .string();
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

TempMount::TempMount(const std::string& name)
    : path_(dir_.path() + "/" + name) {
  std::filesystem::create_directory(path_);
}

TempMount::~TempMount() {
  if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
}

SmallFileSystem::SmallFileSystem(const std::string& size) : TempMount("small") {
  mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0,
                     ("size=" + size).c_str()) == 0;
}

ReadOnlyBind::ReadOnlyBind(const std::string& source) : TempMount("read-only") {
  if (::mount(source.c_str(), path_.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    return;
  }
  mounted_ = ::mount(nullptr, path_.c_str(), nullptr,
                     MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0;
  if (!mounted_) ::umount2(path_.c_str(), MNT_DETACH);
}

void StoreTest::SetUp() {
  auto store = Store::Open(options_, store_path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(store).value();
}

Dump StoreTest::DumpStore() {
  Dump out;
  auto view = store_->impl()->kv()->NewReadView();
  auto it = view->NewIterator("", "");
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.emplace(std::string(it->key()), std::string(it->value()));
  }
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return out;
}

void StoreTest::Reopen() {
  store_.reset();
  auto store = Store::Open(options_, store_path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(store).value();
}

std::vector<int64_t> IdsOfKind(const std::vector<NodeRef>& nodes,
                               NodeKind kind) {
  std::vector<int64_t> ids;
  for (const NodeRef& n : nodes) {
    if (n.kind == kind) ids.push_back(n.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace lineagedb::testing
