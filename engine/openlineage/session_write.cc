// Session's writes: the coalesced runs and datasets through one BulkWriter,
// and the forgetting of written nodes that bounds its memory; see session.h.
#include <xxhash.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "openlineage/mapping.h"
#include "openlineage/session.h"
#include "util/input_error.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::openlineage {

namespace {

// The key of a forgotten run or dataset name in Session's forgotten maps.
uint64_t NameFingerprint(std::string_view name) {
  return XXH3_64bits(name.data(), name.size());
}

}  // namespace

bool Session::Forgotten(const absl::flat_hash_map<uint64_t, bool>& forgotten,
                        std::string_view key, bool* seen) {
  if (forgotten.empty()) return false;
  auto it = forgotten.find(NameFingerprint(key));
  if (it == forgotten.end()) return false;
  *seen = it->second;
  return true;
}

// ---- Writes ----

namespace {

// A writer started by at least this many pending events takes
// OpenLineageOptions::write_buffer_bytes; smaller ones keep the store's
// memtable size, since raising it and restoring it rewrite RocksDB's
// options file (a few milliseconds an ingest of a few events would feel).
constexpr int64_t kLargeWrite = 4096;

}  // namespace

Status Session::EnsureWriter() {
  if (writer_ != nullptr) return absl::OkStatus();
  BulkWriterOptions options;
  options.batch_bytes = options_.batch_bytes;
  if (pending_events_ >= kLargeWrite) {
    options.write_buffer_bytes = options_.write_buffer_bytes;
  }
  options.put_options.reuse_context_if_already_exist = true;
  options.put_options.reuse_artifact_if_already_exist_by_external_id = true;
  ASSIGN_OR_RETURN(writer_, NewBulkWriter(store_, options));
  return absl::OkStatus();
}

Status Session::WriteRun(RunEntry* run) {
  RETURN_IF_ERROR(EnsureWriter());
  const uint64_t stamp = ++write_count_;
  pairs_.clear();
  pair_sources_.clear();
  // A changed dataset goes in full (moved out of its entry for the call)
  // with its first pair; otherwise it is reused by external id.
  for (const NewEdge& edge : run->new_edges) {
    DatasetEntry* d = edge.dataset;
    ArtifactAndEvent& pair = pairs_.emplace_back();
    pair.event = EdgeEvent(edge.type, edge.index, edge.time_ms);
    const bool full = d->dirty && d->given != stamp;
    if (full) {
      d->given = stamp;
      pair.artifact = std::move(d->node);
    } else if (d->node.id == 0 || d->by_external_id) {
      Artifact& reuse = pair.artifact.emplace();
      reuse.type_id = d->node.type_id;
      reuse.external_id = DatasetExternalId(*d->key);
    } else {
      pair.event->artifact_id = d->node.id;
    }
    pair_sources_.emplace_back(d, full);
  }
  for (DatasetEntry* d : run->named) {
    if (!d->dirty || d->given == stamp) continue;
    d->given = stamp;
    pairs_.push_back(ArtifactAndEvent{std::move(d->node), std::nullopt});
    pair_sources_.emplace_back(d, true);
  }
  JobEntry* job = run->job;
  const bool job_full = job->dirty;
  if (job_full) {
    contexts_[0] = std::move(job->node);
  } else {
    contexts_[0] = Context();
    contexts_[0].type_id = job->node.type_id;
    contexts_[0].name = *job->key;
  }
  // A node the session has never written (id 0) was looked up when it was
  // first named and is free; the writer need not look again (NewNodes).
  known_new_.execution = run->exec.id == 0;
  known_new_.artifacts.clear();
  for (size_t i = 0; i < pairs_.size(); ++i) {
    known_new_.artifacts.push_back(pair_sources_[i].second &&
                                   pairs_[i].artifact->id == 0);
  }
  StatusOr<PutExecutionResult> result =
      AddNewNodes(writer_.get(), run->exec, pairs_, contexts_, known_new_);
  for (size_t i = 0; i < pairs_.size(); ++i) {
    auto [d, full] = pair_sources_[i];
    if (full) d->node = *std::move(pairs_[i].artifact);
  }
  if (job_full) job->node = std::move(contexts_[0]);
  if (!result.ok()) {
    if (!IsInputError(result.status())) return result.status();
    // The session checked what the store checks; a refusal means the store
    // changed under it.
    return absl::FailedPreconditionError(
        StrCat("the store refused the writes of run ", run->exec.external_id,
               ": ", std::string(result.status().message())));
  }
  run->exec.id = result->execution_id;
  for (size_t i = 0; i < pairs_.size(); ++i) {
    auto [d, full] = pair_sources_[i];
    if (result->artifact_ids[i] != 0) d->node.id = result->artifact_ids[i];
    if (full) d->dirty = false;
  }
  job->node.id = result->context_ids[0];
  job->dirty = false;
  run->changed = false;
  run->queued = false;
  run->new_edges.clear();
  run->named.clear();
  return absl::OkStatus();
}

Status Session::WritePending() {
  for (RunEntry* run : pending_runs_) {
    if (run->queued) RETURN_IF_ERROR(WriteRun(run));
  }
  pending_runs_.clear();
  pending_events_ = 0;
  return absl::OkStatus();
}

Status Session::ForgetWritten() {
  // A forgotten node is read back from the store: all of it must be there.
  if (writer_ != nullptr) RETURN_IF_ERROR(writer_->Flush());
  const uint64_t current = generation_++;
  for (auto it = runs_.begin(); it != runs_.end();) {
    const RunEntry& run = it->second;
    if (run.used == current || run.queued || run.changed) {
      ++it;
      continue;
    }
    // A run with no id is one only a strict check looked up: there is
    // nothing of it to read back.
    if (run.exec.id != 0) {
      forgotten_runs_[NameFingerprint(it->first)] = run.seen;
    }
    EraseRun(it++);
  }
  for (auto it = datasets_.begin(); it != datasets_.end();) {
    const DatasetEntry& d = it->second;
    if (d.used == current || d.dirty || d.run_events > 0) {
      ++it;
      continue;
    }
    if (d.node.id != 0) {
      forgotten_datasets_[NameFingerprint(it->first)] = d.seen;
    }
    datasets_.erase(it++);
  }
  return absl::OkStatus();
}

namespace {

// The changed nodes of `entries`, by name, and their entries.
template <typename N, typename Map>
std::vector<N> DirtyNodes(Map& entries,
                          std::vector<typename Map::mapped_type*>* dirty) {
  for (auto& [name, entry] : entries) {
    if (entry.dirty) dirty->push_back(&entry);
  }
  std::sort(dirty->begin(), dirty->end(),
            [](const auto* a, const auto* b) { return *a->key < *b->key; });
  std::vector<N> nodes;
  for (const auto* entry : *dirty) nodes.push_back(entry->node);
  return nodes;
}

// Puts the changed nodes of `entries` in one write.
template <typename N, typename Map>
Status PutDirty(Store* store, Map& entries) {
  std::vector<typename Map::mapped_type*> dirty;
  const std::vector<N> nodes = DirtyNodes<N>(entries, &dirty);
  if (nodes.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, store->Put(nodes));
  for (size_t i = 0; i < ids.size(); ++i) {
    dirty[i]->node.id = ids[i];
    dirty[i]->dirty = false;
  }
  return absl::OkStatus();
}

}  // namespace

Status Session::WriteDirtyNodes() {
  RETURN_IF_ERROR(PutDirty<Context>(store_, jobs_));
  return PutDirty<Artifact>(store_, datasets_);
}

Status Session::WriteParents() {
  if (parents_.empty()) return absl::OkStatus();
  std::vector<ParentContext> edges;
  for (const auto& [child, parent] : parents_) {
    if (child->node.id != 0 && parent->node.id != 0) {
      edges.push_back(ParentContext{child->node.id, parent->node.id});
    }
  }
  std::vector<int64_t> child_ids;
  for (const ParentContext& e : edges) child_ids.push_back(e.child_id);
  ASSIGN_OR_RETURN(auto existing, store_->GetParentContexts(child_ids));
  std::erase_if(edges, [&](const ParentContext& e) {
    auto it = existing.find(e.child_id);
    if (it == existing.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const Context& c) { return c.id == e.parent_id; });
  });
  if (!edges.empty()) {
    Status s = store_->PutParentContexts(edges);
    if (!s.ok() && !IsInputError(s)) return s;
    if (!s.ok()) {
      // One edge would close a cycle: write them one by one, in the order
      // events named them (as separate ingests would), and skip the ones
      // that are refused.
      for (const ParentContext& e : edges) {
        Status one = store_->PutParentContexts({e});
        if (!one.ok() && !IsInputError(one)) return one;
      }
    }
  }
  parents_.clear();
  parents_named_.clear();
  return absl::OkStatus();
}

Status Session::Finish() {
  RETURN_IF_ERROR(WritePending());
  if (writer_ != nullptr) {
    const Status s = writer_->Close();
    writer_.reset();
    RETURN_IF_ERROR(s);
  }
  RETURN_IF_ERROR(WriteDirtyNodes());
  return WriteParents();
}

}  // namespace lineagedb::openlineage
