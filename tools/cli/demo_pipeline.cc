#include "tools/cli/demo_pipeline.h"

#include <fmt/format.h>

#include <iostream>

#include "lineagedb/caching.h"
#include "util/status_macros.h"

namespace lineagedb::cli {

namespace {

void Heading(int n, std::string_view title) {
  std::cout << fmt::format("\n== {}. {} ==\n", n, title);
}

StatusOr<Execution> Latest(Store* store, std::string_view type) {
  NodeQuery query;
  query.type_name = std::string(type);
  ListOptions options;
  options.max_result_size = 1;
  options.ascending = false;
  ASSIGN_OR_RETURN(Page<Execution> page,
                   store->List<Execution>(query, options));
  if (page.items.empty()) {
    return absl::NotFoundError(fmt::format("no {} execution", type));
  }
  return page.items[0];
}

std::string SlotOf(const Event& e) {
  for (const PathStep& s : e.path) {
    if (const auto* key = std::get_if<std::string>(&s.step)) return *key;
  }
  return "";
}

}  // namespace

StatusOr<CacheKey> CacheKeyOf(Store* store, const Execution& e,
                              std::string_view code_version) {
  CacheKey key;
  key.execution_type_id = e.type_id;
  ASSIGN_OR_RETURN(std::vector<Event> events,
                   store->GetEventsByExecutionIds({e.id}));
  for (const Event& ev : events) {
    if (!IsInputEvent(ev.type)) continue;
    const std::string slot = SlotOf(ev);
    key.inputs.push_back(
        {slot.empty() ? kUnkeyedSlot : slot, ev.artifact_id, ""});
  }
  for (const auto& [name, value] : e.properties) {
    key.parameters[kPropertyParameterPrefix + name] = value;
  }
  for (const auto& [name, value] : e.custom_properties) {
    // An orchestrator's own bookkeeping (TFX's __execution_result__, a
    // per-run __stateful_working_dir_index__) is not a parameter.
    if (name.size() > 4 && name.starts_with("__") && name.ends_with("__")) {
      continue;
    }
    key.parameters[kCustomParameterPrefix + name] = value;
  }
  key.code_version = std::string(code_version);
  return key;
}

StatusOr<int64_t> DemoCacheHit(Store* store, int n) {
  Heading(n, "Would re-running the latest Trainer be a cache hit?");
  ASSIGN_OR_RETURN(Execution trainer, Latest(store, "Trainer"));
  ASSIGN_OR_RETURN(CacheKey key,
                   CacheKeyOf(store, trainer, kDemoTrainerVersion));
  ASSIGN_OR_RETURN(std::string fingerprint, Fingerprint(key));
  // Record the fingerprint as the orchestrator would have when it ran.
  trainer.fingerprint = fingerprint;
  PutNodesOptions mask;
  mask.update_mask = {"fingerprint"};
  RETURN_IF_ERROR(store->Put<Execution>({trainer}, mask).status());
  std::cout << fmt::format(
      "execution:{} (Trainer, code version {}), {} inputs, fingerprint {}\n",
      trainer.id, kDemoTrainerVersion, key.inputs.size(), fingerprint);
  ASSIGN_OR_RETURN(CachedExecution hit,
                   FindCachedExecution(store, fingerprint));
  std::cout << fmt::format(
      "same inputs and parameters: cache HIT, reuse "
      "execution:{}'s outputs:",
      hit.execution.id);
  for (const auto& [slot, artifacts] : hit.outputs) {
    for (const Artifact& a : artifacts) {
      std::cout << fmt::format(" {} -> artifact:{}", slot, a.id);
    }
  }
  std::cout << "\n";
  CacheKey changed = key;
  changed.parameters[std::string(kPropertyParameterPrefix) + "learning_rate"] =
      0.5;
  ASSIGN_OR_RETURN(std::string other, Fingerprint(changed));
  auto miss = FindCachedExecution(store, other);
  std::cout << fmt::format(
      "learning_rate changed to 0.5: {} (fingerprint {})\n",
      miss.ok() ? "cache hit" : "cache MISS, the Trainer must run", other);
  return trainer.id;
}

Status DemoStaleSteps(Store* store, int n) {
  Heading(n, "New data arrives: which steps are stale?");
  ASSIGN_OR_RETURN(Execution gen, Latest(store, "ExampleGen"));
  ASSIGN_OR_RETURN(std::vector<Context> contexts,
                   store->GetContextsOf<Execution>(gen.id));
  const Context* pipeline = nullptr;
  for (const Context& c : contexts) {
    if (c.type == "pipeline") pipeline = &c;
  }
  if (pipeline == nullptr) return absl::NotFoundError("no pipeline context");
  ASSIGN_OR_RETURN(Type examples,
                   store->GetType(NodeKind::kArtifact, "Examples"));
  // A new span lands: ExampleGen runs alone and produces new Examples.
  Execution next;
  next.type_id = gen.type_id;
  next.last_known_state = ExecutionState::kComplete;
  Artifact span;
  span.type_id = examples.id;
  span.uri = fmt::format("gs://{}/examples/new-span", pipeline->name);
  Event out;
  out.type = EventType::kOutput;
  out.path = {PathStep{std::string("examples")}, PathStep{int64_t{0}}};
  Context ctx;
  ctx.type_id = pipeline->type_id;
  ctx.name = pipeline->name;
  PutExecutionOptions reuse;
  reuse.reuse_context_if_already_exist = true;
  ASSIGN_OR_RETURN(PutExecutionResult put,
                   store->PutExecution(next, {{span, out}}, {ctx}, reuse));
  std::cout << fmt::format("new Examples artifact:{} from execution:{} in {}\n",
                           put.artifact_ids[0], put.execution_id,
                           pipeline->name);
  ASSIGN_OR_RETURN(StaleSteps stale,
                   GetStaleSteps(store, pipeline->id, put.artifact_ids[0]));
  std::cout << "stale, in the order to re-run them:";
  for (const PipelineStep& s : stale.stale)
    std::cout << " " << s.execution_type;
  std::cout << "\nstill valid:";
  for (const PipelineStep& s : stale.valid)
    std::cout << " " << s.execution_type;
  std::cout << "\n";
  return absl::OkStatus();
}

}  // namespace lineagedb::cli
