// `lineagedb init`: creates an empty store.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "fmt/format.h"
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
    // A folder with a database but no store in it (its creation cut short)
    // is made a store here, so it did not exist before.
    std::error_code ec;
    const bool existed =
        std::filesystem::exists(std::filesystem::path(global.store) / "CURRENT",
                                ec) &&
        OpenStore(global, /*create=*/false).ok();
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/true));
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
