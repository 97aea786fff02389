// `lineagedb cache lookup` and `lineagedb stale`: the caching questions of
// lineagedb/caching.h from the command line.
#include <CLI/CLI.hpp>
#include <iostream>

#include "fmt/format.h"
#include "lineagedb/caching.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/demo_pipeline.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

class CacheCommand : public Command {
 public:
  std::string_view name() const override { return "cache"; }
  std::string_view help() const override {
    return "cache lookup: the newest usable COMPLETE execution with a "
           "fingerprint (given, or computed from --execution's type, inputs "
           "by their path's key, properties and custom properties)";
  }
  void AddOptions(CLI::App* app) override {
    app->add_option("action", action_, "lookup")->required();
    app->add_option("--fingerprint", fingerprint_,
                    "As stored (computed ones are 32 hex digits)");
    AddIdOption(app, "--execution", &execution_,
                "Compute the fingerprint of this execution id");
    code_version_option_ =
        app->add_option("--code-version", code_version_,
                        "Code version in the computed fingerprint");
  }

  Status Run(const GlobalOptions& global) override {
    if (action_ != "lookup") {
      return UsageError(fmt::format("unknown cache action '{}'", action_));
    }
    if (fingerprint_.empty() == (execution_ == 0)) {
      return UsageError("give exactly one of --fingerprint and --execution");
    }
    if (execution_ == 0 && code_version_option_->count() > 0) {
      return UsageError(
          "--code-version goes with --execution: a given fingerprint already "
          "has its code version");
    }
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false));
    std::string stored;  // --execution's own fingerprint.
    if (execution_ != 0) {
      ASSIGN_OR_RETURN(std::vector<Execution> e,
                       store->GetByIds<Execution>({execution_}));
      if (e.empty()) {
        return absl::NotFoundError(fmt::format("no execution {}", execution_));
      }
      ASSIGN_OR_RETURN(CacheKey key,
                       CacheKeyOf(store.get(), e[0], code_version_));
      ASSIGN_OR_RETURN(fingerprint_, Fingerprint(key));
      stored = e[0].fingerprint;
    }
    StatusOr<CachedExecution> found =
        FindCachedExecution(store.get(), fingerprint_);
    if (absl::IsNotFound(found.status()) && !stored.empty() &&
        stored != fingerprint_) {
      // Say why the execution itself is not the answer.
      return absl::NotFoundError(fmt::format(
          "{}; execution {} was recorded with fingerprint {}: the computed "
          "one differs (its code version, --code-version '{}', or the keys "
          "of its inputs and parameters)",
          std::string(found.status().message()), execution_, Printable(stored),
          Printable(code_version_)));
    }
    ASSIGN_OR_RETURN(CachedExecution hit, std::move(found));
    if (global.json) {
      JsonWriter json;
      json.BeginObject().Key("fingerprint").String(fingerprint_);
      json.Key("execution").Int(hit.execution.id);
      json.Key("outputs").BeginObject();
      for (const auto& [slot, artifacts] : hit.outputs) {
        json.Key(slot).BeginArray();
        for (const Artifact& a : artifacts) json.Int(a.id);
        json.EndArray();
      }
      json.EndObject().EndObject();
      std::cout << json.str() << "\n";
      return absl::OkStatus();
    }
    std::cout << fmt::format("cache hit for {}: execution:{} ({})\n",
                             Printable(fingerprint_), hit.execution.id,
                             Printable(hit.execution.type));
    for (const auto& [slot, artifacts] : hit.outputs) {
      for (const Artifact& a : artifacts) {
        std::cout << fmt::format("  {} -> artifact:{} {}\n", Printable(slot),
                                 a.id, Printable(a.uri));
      }
    }
    return absl::OkStatus();
  }

 private:
  std::string action_;
  std::string fingerprint_;
  int64_t execution_ = 0;
  std::string code_version_;
  CLI::Option* code_version_option_ = nullptr;
};

class StaleCommand : public Command {
 public:
  std::string_view name() const override { return "stale"; }
  std::string_view help() const override {
    return "Steps of a pipeline made stale by a new artifact, in the order to "
           "re-run them";
  }
  void AddOptions(CLI::App* app) override {
    AddIdOption(app, "--context", &context_, "Pipeline context id")->required();
    AddIdOption(app, "--artifact", &artifact_, "The newly arrived artifact id")
        ->required();
  }

  Status Run(const GlobalOptions& global) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false));
    StatusOr<StaleSteps> found =
        GetStaleSteps(store.get(), context_, artifact_);
    if (absl::IsFailedPrecondition(found.status())) {
      // No usable new data: the input's fault, not the storage's.
      return absl::InvalidArgumentError(found.status().message());
    }
    ASSIGN_OR_RETURN(StaleSteps steps, std::move(found));
    if (global.json) {
      JsonWriter json;
      json.BeginObject();
      for (const auto& [key, list] : {std::pair{"stale", &steps.stale},
                                      std::pair{"valid", &steps.valid}}) {
        json.Key(key).BeginArray();
        for (const PipelineStep& s : *list) {
          json.BeginObject().Key("type").String(s.execution_type);
          json.Key("latest_execution").Int(s.latest_execution_id);
          json.Key("latest_state")
              .String(ExecutionStateName(s.latest_state))
              .EndObject();
        }
        json.EndArray();
      }
      json.EndObject();
      std::cout << json.str() << "\n";
      return absl::OkStatus();
    }
    auto names = [](const std::vector<PipelineStep>& list) {
      if (list.empty()) return std::string("(none)");
      std::string out;
      for (const PipelineStep& s : list) {
        if (!out.empty()) out += " ";
        out += fmt::format("{}(execution:{})", Printable(s.execution_type),
                           s.latest_execution_id);
        // A step that never succeeded is judged by its latest run.
        if (s.latest_state != ExecutionState::kComplete &&
            s.latest_state != ExecutionState::kCached) {
          out += fmt::format("[{}]", ExecutionStateName(s.latest_state));
        }
      }
      return out;
    };
    std::cout << "stale: " << names(steps.stale) << "\n"
              << "valid: " << names(steps.valid) << "\n";
    return absl::OkStatus();
  }

 private:
  int64_t context_ = 0;
  int64_t artifact_ = 0;
};

}  // namespace

std::unique_ptr<Command> NewCacheCommand() {
  return std::make_unique<CacheCommand>();
}
std::unique_ptr<Command> NewStaleCommand() {
  return std::make_unique<StaleCommand>();
}

}  // namespace lineagedb::cli
