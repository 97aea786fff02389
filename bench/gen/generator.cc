// Shared machinery of the generators: type ids, step building, samplers.
#include "bench/gen/generator.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace lineagedb::gen {
namespace {

PathStep Key(const char* slot) { return PathStep{std::string(slot)}; }
PathStep Index(int64_t i) { return PathStep{i}; }

}  // namespace

Status Generator::BindTypeIds(const std::vector<int64_t>& ids) {
  if (ids.size() != type_ids_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("BindTypeIds got ",
                                                   ids.size(), " ids for ",
                                                   type_ids_.size(), " types"));
  }
  type_ids_ = ids;
  return absl::OkStatus();
}

void Generator::InitTypeIds() {
  const std::vector<Type> types = Types();
  int64_t next[4] = {0, 0, 0, 0};
  type_ids_.clear();
  for (const Type& t : types) {
    type_ids_.push_back(++next[static_cast<int>(t.kind)]);
  }
}

void Generator::BeginStep(GenStep* step, size_t type_index,
                          const char* type_name, ExecutionState state) {
  step->execution = Execution{};
  step->execution.type_id = type_ids_[type_index];
  step->execution.type = type_name;
  step->execution.last_known_state = state;
  step->pairs.clear();
  step->contexts.clear();
  step->artifact_ids.clear();
  step->context_ids.clear();
  step->execution_id = next_execution_id_++;
  ++stats_.executions;
  if (state == ExecutionState::kCached) ++stats_.cached_executions;
}

void Generator::AddReference(GenStep* step, EventType type, int64_t artifact_id,
                             const char* slot, int64_t index) {
  ArtifactAndEvent& pair = step->pairs.emplace_back();
  Event& event = pair.event.emplace();
  event.artifact_id = artifact_id;
  event.type = type;
  event.path = {Key(slot), Index(index)};
  step->artifact_ids.push_back(artifact_id);
  ++stats_.events;
}

Artifact* Generator::AddOutput(GenStep* step, size_t type_index,
                               const char* type_name, const char* slot,
                               int64_t* id, int64_t index) {
  ArtifactAndEvent& pair = step->pairs.emplace_back();
  Artifact& artifact = pair.artifact.emplace();
  artifact.type_id = type_ids_[type_index];
  artifact.type = type_name;
  artifact.state = ArtifactState::kLive;
  Event& event = pair.event.emplace();
  event.type = EventType::kOutput;
  event.path = {Key(slot), Index(index)};
  *id = next_artifact_id_++;
  step->artifact_ids.push_back(*id);
  ++stats_.artifacts;
  ++stats_.events;
  return &artifact;
}

Context* Generator::AddContext(GenStep* step, size_t type_index,
                               const char* type_name, std::string name,
                               int64_t* id) {
  if (*id == 0) {
    *id = next_context_id_++;
    ++stats_.contexts;
  }
  Context& context = step->contexts.emplace_back();
  context.type_id = type_ids_[type_index];
  context.type = type_name;
  context.name = std::move(name);
  step->context_ids.push_back(*id);
  return &context;
}

ZipfSampler::ZipfSampler(int64_t max_n, double exponent) {
  prefix_.resize(static_cast<size_t>(std::max<int64_t>(max_n, 1)) + 1);
  prefix_[0] = 0;
  for (size_t k = 1; k < prefix_.size(); ++k) {
    prefix_[k] = prefix_[k - 1] + std::pow(static_cast<double>(k), -exponent);
  }
}

int64_t ZipfSampler::Sample(Rng& rng, int64_t n) const {
  const double u = rng.Uniform() * prefix_[static_cast<size_t>(n)];
  // The first k with prefix_[k] > u.
  const auto it =
      std::upper_bound(prefix_.begin() + 1, prefix_.begin() + n + 1, u);
  return std::min<int64_t>(it - prefix_.begin(), n);
}

}  // namespace lineagedb::gen
