// A wide lineage DAG with power-law fan-in and fan-out, long chains and hub
// artifacts, in bounded memory. See DagOptions (generator.h).
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/gen/generator.h"

namespace lineagedb::gen {
namespace {

enum DagTypeIndex : size_t { kData, kTask, kBatch };
constexpr const char* kDagTypeNames[] = {"Data", "Task", "dag_batch"};

class DagGenerator final : public Generator {
 public:
  explicit DagGenerator(const DagOptions& options)
      : options_(options),
        rng_(options.seed),
        fan_in_(options.max_fan_in, options.zipf_exponent),
        fan_out_(options.max_fan_out, options.zipf_exponent),
        recency_(options.window, options.zipf_exponent) {
    InitTypeIds();
    hubs_.reserve(static_cast<size_t>(options.max_hubs));
  }

  std::vector<Type> Types() const override {
    Type data;
    data.kind = NodeKind::kArtifact;
    data.name = kDagTypeNames[kData];
    data.base_type = BaseType::kDataset;
    data.properties = {{"bytes", PropertyKind::kInt}};
    Type task;
    task.kind = NodeKind::kExecution;
    task.name = kDagTypeNames[kTask];
    task.base_type = BaseType::kProcess;
    task.properties = {{"fan_in", PropertyKind::kInt}};
    Type batch;
    batch.kind = NodeKind::kContext;
    batch.name = kDagTypeNames[kBatch];
    return {data, task, batch};
  }

  bool Next(GenStep* step) override {
    if (stats_.nodes() >= options_.target_nodes) return false;
    BeginStep(step, kTask, kDagTypeNames[kTask], ExecutionState::kComplete);
    const int64_t block =
        (step->execution_id - 1) / options_.executions_per_context;
    if (block != block_) {
      block_ = block;
      context_id_ = 0;
    }
    AddContext(step, kBatch, kDagTypeNames[kBatch],
               absl::StrCat("batch-", block), &context_id_);

    const int64_t newest = next_artifact_id_ - 1;  // 0 = no artifact yet.
    int64_t outputs = 1;
    if (newest == 0 || rng_.Chance(options_.source_probability)) {
      outputs = fan_out_.Sample(rng_, options_.max_fan_out);
    } else if (rng_.Chance(options_.chain_probability)) {
      AddReference(step, EventType::kInput, newest, "in");
    } else {
      PickInputs(step, newest);
      outputs = fan_out_.Sample(rng_, options_.max_fan_out);
    }
    step->execution.properties = {
        {"fan_in", static_cast<int64_t>(step->pairs.size())}};
    for (int64_t i = 0; i < outputs; ++i) {
      int64_t id = 0;
      Artifact* a =
          AddOutput(step, kData, kDagTypeNames[kData], "out", &id, /*index=*/i);
      a->uri = absl::StrCat("/dag/", id);
      a->properties = {{"bytes", static_cast<int64_t>(rng_.Below(1 << 30))}};
      MaybePromote(id);
    }
    return true;
  }

  size_t retained_ids() const override {
    // The window is the id range (newest - window, newest]: ids are dense,
    // so it needs no storage, but it is what later steps may reference.
    const int64_t window = std::min(options_.window, next_artifact_id_ - 1);
    return static_cast<size_t>(window) + hubs_.size();
  }

 private:
  // k ~ Zipf distinct inputs: recent artifacts by Zipf rank, or hubs.
  void PickInputs(GenStep* step, int64_t newest) {
    const int64_t k = fan_in_.Sample(rng_, options_.max_fan_in);
    const int64_t n = std::min(options_.window, newest);
    chosen_.clear();
    for (int64_t attempt = 0;
         attempt < 2 * k && static_cast<int64_t>(chosen_.size()) < k;
         ++attempt) {
      int64_t id;
      if (!hubs_.empty() && rng_.Chance(options_.hub_probability)) {
        id = hubs_[rng_.Below(hubs_.size())];
      } else {
        id = newest - (recency_.Sample(rng_, n) - 1);
      }
      if (std::find(chosen_.begin(), chosen_.end(), id) != chosen_.end()) {
        continue;
      }
      chosen_.push_back(id);
      AddReference(step, EventType::kInput, id, "in",
                   static_cast<int64_t>(chosen_.size()) - 1);
    }
  }

  void MaybePromote(int64_t id) {
    if (!rng_.Chance(options_.hub_promote_probability)) return;
    if (static_cast<int64_t>(hubs_.size()) < options_.max_hubs) {
      hubs_.push_back(id);
    } else {
      hubs_[rng_.Below(hubs_.size())] = id;
    }
  }

  const DagOptions options_;
  Rng rng_;
  const ZipfSampler fan_in_;
  const ZipfSampler fan_out_;
  const ZipfSampler recency_;  // Rank 1 = the newest artifact.
  std::vector<int64_t> hubs_;
  std::vector<int64_t> chosen_;  // Inputs of the current step.
  int64_t block_ = -1;
  int64_t context_id_ = 0;
};

}  // namespace

StatusOr<std::unique_ptr<Generator>> NewDagGenerator(
    const DagOptions& options) {
  const auto prob_ok = [](double p) { return p >= 0 && p <= 1; };
  if (options.target_nodes < 1 || options.window < 1 || options.max_hubs < 1 ||
      options.max_fan_in < 1 || options.max_fan_out < 1 ||
      options.executions_per_context < 1) {
    return absl::InvalidArgumentError(
        "DagOptions: target_nodes, window, max_hubs, max_fan_in, "
        "max_fan_out and executions_per_context must be >= 1");
  }
  if (!prob_ok(options.chain_probability) ||
      !prob_ok(options.hub_probability) ||
      !prob_ok(options.hub_promote_probability) ||
      !prob_ok(options.source_probability)) {
    return absl::InvalidArgumentError(
        "DagOptions: probabilities must be in [0, 1]");
  }
  if (!(options.zipf_exponent > 0)) {
    return absl::InvalidArgumentError("DagOptions: zipf_exponent must be > 0");
  }
  return std::make_unique<DagGenerator>(options);
}

}  // namespace lineagedb::gen
