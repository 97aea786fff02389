// `lineagedb stats`: node counts by kind and type, edge counts, disk size
// and the memory of the lineage index.
#include <CLI/CLI.hpp>
#include <iostream>

#include "codec/keys.h"
#include "fmt/format.h"
#include "store/store_impl.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

StatusOr<int64_t> CountPrefix(const storage::ReadView& view,
                              std::string_view prefix) {
  int64_t n = 0;
  std::unique_ptr<storage::Iterator> it = view.Scan(prefix);
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  RETURN_IF_ERROR(it->status());
  return n;
}

struct TypeCount {
  Type type;
  int64_t count = 0;
};

struct KindCount {
  NodeKind kind;
  int64_t total = 0;
  std::vector<TypeCount> types;
};

std::string HumanBytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < (1u << 20)) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  if (bytes < (1u << 30)) return fmt::format("{:.1f} MiB", bytes / 1048576.0);
  return fmt::format("{:.2f} GiB", bytes / 1073741824.0);
}

class StatsCommand : public Command {
 public:
  std::string_view name() const override { return "stats"; }
  std::string_view help() const override {
    return "Counts by kind and type, edges, disk size, index memory";
  }
  void AddOptions(CLI::App* app) override {}

  Status Run(const GlobalOptions& global) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false));
    StoreImpl* impl = store->impl();
    std::unique_ptr<storage::ReadView> view = impl->kv()->NewReadView();
    std::vector<KindCount> kinds;
    for (NodeKind kind :
         {NodeKind::kArtifact, NodeKind::kExecution, NodeKind::kContext}) {
      KindCount kc{kind};
      ASSIGN_OR_RETURN(std::vector<Type> types, store->ListTypes(kind));
      for (Type& type : types) {
        ASSIGN_OR_RETURN(int64_t n, CountPrefix(*view, codec::NodeByTypePrefix(
                                                           kind, type.id)));
        kc.types.push_back({std::move(type), n});
        kc.total += n;
      }
      kinds.push_back(std::move(kc));
    }
    struct EdgeCount {
      const char* name;
      codec::Tag tag;
      int64_t count = 0;
    };
    EdgeCount edges[] = {
        {"events", codec::Tag::kEventByArtifact},
        {"attributions", codec::Tag::kAttributionByContext},
        {"associations", codec::Tag::kAssociationByContext},
        {"parent_contexts", codec::Tag::kParentByChild},
    };
    for (EdgeCount& e : edges) {
      ASSIGN_OR_RETURN(e.count, CountPrefix(*view, codec::TagPrefix(e.tag)));
    }
    const uint64_t disk = impl->kv()->DiskBytes();
    std::shared_ptr<graph::AdjacencyIndex> index = impl->graph_index();
    const uint64_t index_bytes = index ? index->memory_bytes() : 0;

    if (global.json) {
      JsonWriter json;
      json.BeginObject().Key("store").String(global.store);
      json.Key("disk_bytes").Int(static_cast<int64_t>(disk));
      json.Key("index_memory_bytes").Int(static_cast<int64_t>(index_bytes));
      for (const KindCount& kc : kinds) {
        json.Key(fmt::format("{}s", NodeKindName(kc.kind))).BeginObject();
        json.Key("total").Int(kc.total);
        // A list, not an object keyed by name: types of one name differ
        // by version.
        json.Key("types").BeginArray();
        for (const TypeCount& t : kc.types) {
          json.BeginObject().Key("id").Int(t.type.id);
          json.Key("name").String(t.type.name);
          if (!t.type.version.empty()) {
            json.Key("version").String(t.type.version);
          }
          json.Key("count").Int(t.count).EndObject();
        }
        json.EndArray().EndObject();
      }
      for (const EdgeCount& e : edges) json.Key(e.name).Int(e.count);
      json.EndObject();
      std::cout << json.str() << "\n";
      return absl::OkStatus();
    }
    std::cout << fmt::format("store {}\n", global.store);
    std::cout << fmt::format("  disk size      {}\n", HumanBytes(disk));
    std::cout << fmt::format("  lineage index  {}{}\n", HumanBytes(index_bytes),
                             index ? "" : " (off)");
    for (const KindCount& kc : kinds) {
      std::cout << fmt::format("{}s: {}\n", NodeKindName(kc.kind), kc.total);
      for (const TypeCount& t : kc.types) {
        std::string label = Printable(t.type.name);
        if (!t.type.version.empty()) {
          label += fmt::format(" (version {})", Printable(t.type.version));
        }
        std::cout << fmt::format("  {:<28} {:>10}\n", label, t.count);
      }
    }
    std::cout << "edges:\n";
    for (const EdgeCount& e : edges) {
      std::cout << fmt::format("  {:<28} {:>10}\n", e.name, e.count);
    }
    return absl::OkStatus();
  }
};

}  // namespace

std::unique_ptr<Command> NewStatsCommand() {
  return std::make_unique<StatsCommand>();
}

}  // namespace lineagedb::cli
