#include "bench/runner/workload.h"

#include <algorithm>
#include <charconv>

#include "absl/strings/str_cat.h"
#include "lineagedb/caching.h"

namespace lineagedb::bench {

const std::vector<std::string>& NamedScenarios() {
  static const auto* kNames = new std::vector<std::string>{
      "tfx-10k", "tfx-100k", "tfx-1m", "tfx-10m", "dag-100k", "dag-1m"};
  return *kNames;
}

std::string ShapeName(Shape shape) {
  return shape == Shape::kTfx ? "tfx" : "dag";
}

StatusOr<Scenario> ParseScenario(std::string_view name) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown scenario '", std::string(name),
                     "': expected <tfx|dag>-<count>[k|m], e.g. tfx-1m"));
  };
  const size_t dash = name.find('-');
  if (dash == std::string_view::npos) return bad();
  Scenario s;
  s.name = std::string(name);
  const std::string_view shape = name.substr(0, dash);
  if (shape == "tfx") {
    s.shape = Shape::kTfx;
  } else if (shape == "dag") {
    s.shape = Shape::kDag;
  } else {
    return bad();
  }
  std::string_view size = name.substr(dash + 1);
  int64_t scale = 1;
  if (!size.empty() && (size.back() == 'k' || size.back() == 'K')) {
    scale = 1000;
    size.remove_suffix(1);
  } else if (!size.empty() && (size.back() == 'm' || size.back() == 'M')) {
    scale = 1000000;
    size.remove_suffix(1);
  }
  int64_t count = 0;
  auto [end, ec] =
      std::from_chars(size.data(), size.data() + size.size(), count);
  if (ec != std::errc() || end != size.data() + size.size() || count < 1) {
    return bad();
  }
  if (count > kMaxTargetNodes / scale) {
    return absl::InvalidArgumentError(absl::StrCat(
        "scenario '", std::string(name), "' is too large: at most ",
        kMaxTargetNodes / 1000000, "m nodes"));
  }
  s.target_nodes = count * scale;
  if (s.target_nodes < 100) return bad();
  return s;
}

int64_t FingerprintSample(int64_t target_nodes) {
  return std::clamp<int64_t>((target_nodes + 49999) / 50000, 1,
                             kFingerprintSample);
}

std::string ArtifactName(int64_t id) { return absl::StrCat("artifact-", id); }

StatusOr<std::unique_ptr<gen::Generator>> NewScenarioGenerator(
    const Scenario& scenario, uint64_t seed) {
  if (scenario.shape == Shape::kTfx) {
    gen::TfxOptions options;
    // By default about 10K nodes per pipeline, at least 10 pipelines (the
    // generator's guidance: 10 pipelines for 10K nodes, 1,000 for 10M).
    options.pipelines =
        scenario.pipelines > 0
            ? scenario.pipelines
            : std::max<int64_t>(10, scenario.target_nodes / 10000);
    options.seed = seed;
    options.runs_per_pipeline =
        gen::TfxRunsForTargetNodes(options, scenario.target_nodes);
    return gen::NewTfxGenerator(options);
  }
  gen::DagOptions options;
  options.target_nodes = scenario.target_nodes;
  options.seed = seed;
  return gen::NewDagGenerator(options);
}

NamingGenerator::NamingGenerator(std::unique_ptr<gen::Generator> inner,
                                 Shape shape, GraphCatalog* catalog)
    : inner_(std::move(inner)), catalog_(catalog) {
  InitTypeIds();  // Sized like Types(), so that BindTypeIds accepts the ids.
  if (catalog_ != nullptr) {
    const int64_t sample = catalog_->fingerprint_sample;  // The caller's.
    *catalog_ = GraphCatalog{};
    catalog_->fingerprint_sample = sample;
    catalog_->dataset_type = shape == Shape::kTfx ? "Examples" : "Data";
  }
  model_type_ = shape == Shape::kTfx ? "Model" : "Data";
}

int64_t NamingGenerator::ExecutionTypeNumber(const std::string& type) {
  if (execution_types_.empty()) {
    for (const Type& t : inner_->Types()) {
      if (t.kind == NodeKind::kExecution) execution_types_.push_back(t.name);
    }
  }
  auto it = std::find(execution_types_.begin(), execution_types_.end(), type);
  return 1 + (it - execution_types_.begin());
}

uint8_t NamingGenerator::TypeIndex(const std::string& type) {
  auto& types = catalog_->artifact_types;
  auto it = std::find(types.begin(), types.end(), type);
  if (it != types.end()) return static_cast<uint8_t>(it - types.begin());
  types.push_back(type);
  return static_cast<uint8_t>(types.size() - 1);
}

namespace {

// The fingerprint of a step, as a caching orchestrator would compute it.
// The type is named by `type_number`, the same in every store (type ids are
// not).
std::string StepFingerprint(const gen::GenStep& step, int64_t type_number) {
  CacheKey key;
  key.execution_type_id = type_number;
  key.parameters = step.execution.properties;
  key.code_version = "v1";
  for (size_t i = 0; i < step.pairs.size(); ++i) {
    const auto& event = step.pairs[i].event;
    if (!event.has_value() || event->type != EventType::kInput) continue;
    CacheKeyInput& in = key.inputs.emplace_back();
    in.artifact_id = step.artifact_ids[i];
    for (const PathStep& p : event->path) {
      if (const auto* slot = std::get_if<std::string>(&p.step)) {
        in.slot = *slot;
        break;
      }
    }
  }
  StatusOr<std::string> fp = Fingerprint(key);
  return fp.ok() ? *std::move(fp) : std::string();
}

}  // namespace

namespace {

// SplitMix64's finalizer: ids to well-spread bits.
uint64_t SampleHash(int64_t id) {
  uint64_t x = static_cast<uint64_t>(id);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

bool NamingGenerator::Next(gen::GenStep* step) {
  if (!inner_->Next(step)) return false;
  step->execution.fingerprint =
      StepFingerprint(*step, ExecutionTypeNumber(step->execution.type));
  if (catalog_ != nullptr) {
    if (step->execution.last_known_state == ExecutionState::kComplete &&
        SampleHash(step->execution_id) %
                static_cast<uint64_t>(catalog_->fingerprint_sample) ==
            0 &&
        !step->execution.fingerprint.empty()) {
      catalog_->fingerprints.push_back(step->execution.fingerprint);
    }
    for (size_t i = 0; i < step->contexts.size(); ++i) {
      const int64_t id = step->context_ids[i];
      if (step->contexts[i].type == "pipeline" &&
          (catalog_->pipelines.empty() || catalog_->pipelines.back() < id)) {
        catalog_->pipelines.push_back(id);
      }
    }
  }
  for (size_t i = 0; i < step->pairs.size(); ++i) {
    if (!step->pairs[i].artifact.has_value()) continue;
    Artifact& artifact = *step->pairs[i].artifact;
    const int64_t id = step->artifact_ids[i];
    artifact.name = ArtifactName(id);
    if (catalog_ == nullptr) continue;
    catalog_->artifact_type.push_back(TypeIndex(artifact.type));
    if (artifact.type == model_type_) catalog_->models.push_back(id);
    if (artifact.type == catalog_->dataset_type) {
      catalog_->datasets.push_back(id);
    }
  }
  return true;
}

}  // namespace lineagedb::bench
