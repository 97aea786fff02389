// `lineagedb check`: full integrity verification (check.h). Prints every
// problem and exits 4 (storage error) if there is any.
#include <CLI/CLI.hpp>
#include <iostream>

#include "fmt/format.h"
#include "tools/cli/check.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

class CheckCommand : public Command {
 public:
  std::string_view name() const override { return "check"; }
  std::string_view help() const override {
    return "Verify every value, index entry and edge; exit 4 on problems";
  }
  void AddOptions(CLI::App* app) override {
    NotNegative(app->add_option("--max-problems", max_problems_,
                                "Print at most this many problems"))
        ->capture_default_str();
  }

  Status Run(const GlobalOptions& global) override {
    // Without memory maps, so that an I/O error is a problem reported (exit
    // 4), not a SIGBUS.
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false, /*mmap_reads=*/false));
    const double start = NowSeconds();
    ASSIGN_OR_RETURN(CheckReport report, CheckStore(store.get()));
    const double seconds = NowSeconds() - start;
    const size_t shown = std::min(report.problems.size(), max_problems_);
    if (global.json) {
      JsonWriter json;
      json.BeginObject().Key("ok").Bool(report.problems.empty());
      json.Key("keys").Int(report.keys).Key("types").Int(report.types);
      json.Key("nodes").Int(report.nodes);
      json.Key("index_entries").Int(report.index_entries);
      json.Key("events").Int(report.events).Key("links").Int(report.links);
      json.Key("problem_count")
          .Int(static_cast<int64_t>(report.problems.size()));
      json.Key("problems").BeginArray();
      for (size_t i = 0; i < shown; ++i) json.String(report.problems[i]);
      json.EndArray().EndObject();
      std::cout << json.str() << "\n";
    } else {
      for (size_t i = 0; i < shown; ++i) {
        std::cout << "problem: " << report.problems[i] << "\n";
      }
      if (shown < report.problems.size()) {
        std::cout << fmt::format("... and {} more problems\n",
                                 report.problems.size() - shown);
      }
      std::cout << fmt::format(
          "checked {} keys in {:.2f} s: {} types, {} nodes, {} index entries, "
          "{} events, {} context links; {} problem{}\n",
          report.keys, seconds, report.types, report.nodes,
          report.index_entries, report.events, report.links,
          report.problems.size(), report.problems.size() == 1 ? "" : "s");
    }
    if (!report.problems.empty()) {
      return absl::DataLossError(fmt::format(
          "store {} failed the check: {} problem{}", global.store,
          report.problems.size(), report.problems.size() == 1 ? "" : "s"));
    }
    return absl::OkStatus();
  }

 private:
  size_t max_problems_ = 1000;
};

}  // namespace

std::unique_ptr<Command> NewCheckCommand() {
  return std::make_unique<CheckCommand>();
}

}  // namespace lineagedb::cli
