// `lineagedb init`: creates an empty store.
#include <CLI/CLI.hpp>
#include <iostream>

#include "absl/strings/match.h"
#include "fmt/format.h"
#include "store/store_impl.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

class InitCommand : public Command {
 public:
  std::string_view name() const override { return "init"; }
  std::string_view help() const override {
    return "Create an empty store in --store DIR (no-op if one exists)";
  }
  void AddOptions(CLI::App* app) override {}

  Status Run(const GlobalOptions& global) override {
    StatusOr<std::unique_ptr<Store>> store = OpenStore(global, /*create=*/true);
    // A store whose LOCK file cannot be opened to write (a read-only file
    // system) exists if it opens read-only.
    if (store.status().code() == absl::StatusCode::kInternal &&
        absl::StrContains(store.status().message(),
                          "cannot open the store's LOCK file to write") &&
        !global.salvage_log &&
        OpenStore(global, /*create=*/false, /*mmap_reads=*/false).ok()) {
      return Report(global, /*existed=*/true);
    }
    RETURN_IF_ERROR(store.status());
    // Also a folder whose creation was cut short, finished here.
    return Report(global, !(*store)->impl()->created());
  }

 private:
  static Status Report(const GlobalOptions& global, bool existed) {
    if (global.json) {
      JsonWriter json;
      json.BeginObject().Key("store").String(global.store);
      json.Key("created").Bool(!existed).EndObject();
      std::cout << json.str() << "\n";
    } else if (existed) {
      std::cout << fmt::format("store {} already exists\n", global.store);
    } else {
      std::cout << fmt::format("created store {}\n", global.store);
    }
    return absl::OkStatus();
  }
};

}  // namespace

std::unique_ptr<Command> NewInitCommand() {
  return std::make_unique<InitCommand>();
}

}  // namespace lineagedb::cli
