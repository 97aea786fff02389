// NativeJsonIngester: parses each document into items (step_json.h), puts
// the types, resolves the steps' type names and labels, and adds the steps
// to a BulkWriter.
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "lineagedb/bulk_writer.h"
#include "lineagedb/native_json.h"
#include "native/step_json.h"
#include "util/json_document.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

namespace {

using native::Item;
using native::Label;
using native::Step;

// Errors that refuse one item; any other error ends the ingester.
bool IsItemError(const Status& s) {
  return absl::IsInvalidArgument(s) || absl::IsAlreadyExists(s) ||
         absl::IsNotFound(s) || absl::IsOutOfRange(s);
}

struct IndexedItem {
  int64_t index = 0;
  Item item;
};

class Ingester final : public NativeJsonIngester {
 public:
  Ingester(Store* store, const NativeJsonOptions& options)
      : store_(store), options_(options) {}
  ~Ingester() override { Finish().IgnoreError(); }

  Status IngestDocument(std::string_view document,
                        std::string_view source) override;
  Status Finish() override;
  const NativeJsonSummary& summary() const override { return summary_; }

 private:
  // Applies one item: an item error rejects it (and in strict mode is
  // returned as INVALID_ARGUMENT); another error ends the ingester.
  Status Apply(IndexedItem& item, std::string_view source);
  Status Reject(std::string_view source, int64_t index, std::string reason);
  Status PutType(const Type& type);
  Status AddStep(Step& step);
  // Sets `node`'s type_id from its type name, and makes INT values of
  // declared DOUBLE properties doubles.
  Status ResolveType(NodeKind kind, std::string_view path, NodeBase* node);
  StatusOr<const Type*> FindType(NodeKind kind, const std::string& name);

  Store* const store_;
  const NativeJsonOptions options_;
  util::JsonDocumentReader reader_;
  std::unique_ptr<BulkWriter> writer_;  // Opened by the first step.
  Status error_;
  NativeJsonSummary summary_;
  std::map<std::pair<NodeKind, std::string>, Type> types_;
  // The store ids of the labels the input declared, by kind.
  absl::flat_hash_map<Label, int64_t> executions_;
  absl::flat_hash_map<Label, int64_t> artifacts_;
  // A context label's declaration: what a reference to it adds.
  absl::flat_hash_map<Label, Context> contexts_;
};

StatusOr<const Type*> Ingester::FindType(NodeKind kind,
                                         const std::string& name) {
  auto it = types_.find({kind, name});
  if (it == types_.end()) {
    ASSIGN_OR_RETURN(Type type, store_->GetType(kind, name));
    it = types_.emplace(std::make_pair(kind, name), std::move(type)).first;
  }
  return &it->second;
}

Status Ingester::ResolveType(NodeKind kind, std::string_view path,
                             NodeBase* node) {
  StatusOr<const Type*> type = FindType(kind, node->type);
  if (absl::IsNotFound(type.status())) {
    return absl::NotFoundError(StrCat(path, ".type: no ", NodeKindName(kind),
                                      " type named '", node->type, "'"));
  }
  RETURN_IF_ERROR(type.status());
  node->type_id = (*type)->id;
  for (auto& [name, value] : node->properties) {
    auto declared = (*type)->properties.find(name);
    if (declared != (*type)->properties.end() &&
        declared->second == PropertyKind::kDouble &&
        value.kind() == PropertyKind::kInt) {
      value = static_cast<double>(value.int_value());
    }
  }
  return absl::OkStatus();
}

Status Ingester::PutType(const Type& type) {
  // A BulkWriter is the store's only writer: commit and close it first.
  if (writer_ != nullptr) {
    Status s = writer_->Close();
    writer_.reset();
    if (!s.ok()) {
      error_ = s;
      return s;
    }
  }
  ASSIGN_OR_RETURN(const int64_t id, store_->PutType(type));
  Type stored = type;
  stored.id = id;
  types_[{type.kind, type.name}] = std::move(stored);
  ++summary_.types;
  return absl::OkStatus();
}

Status Ingester::AddStep(Step& step) {
  if (step.label != 0 && executions_.contains(step.label)) {
    return absl::InvalidArgumentError(
        StrCat("execution.id ", step.label, " is declared twice"));
  }
  RETURN_IF_ERROR(
      ResolveType(NodeKind::kExecution, "execution", &step.execution));
  std::vector<ArtifactAndEvent> pairs(step.artifacts.size());
  for (size_t i = 0; i < step.artifacts.size(); ++i) {
    native::StepArtifact& a = step.artifacts[i];
    const std::string path = StrCat("events[", i, "]");
    pairs[i].event = std::move(a.event);
    if (!a.artifact.has_value()) {
      auto bound = artifacts_.find(a.label);
      pairs[i].event->artifact_id =
          bound != artifacts_.end() ? bound->second : a.label;
      continue;
    }
    if (a.label != 0 && artifacts_.contains(a.label)) {
      return absl::InvalidArgumentError(
          StrCat(path, ".artifact_id ", a.label, " is declared twice"));
    }
    RETURN_IF_ERROR(
        ResolveType(NodeKind::kArtifact, path + ".artifact", &*a.artifact));
    pairs[i].artifact = std::move(*a.artifact);
  }
  std::vector<Context> contexts(step.contexts.size());
  for (size_t i = 0; i < step.contexts.size(); ++i) {
    native::StepContext& c = step.contexts[i];
    const std::string path = StrCat("contexts[", i, "]");
    auto bound = contexts_.find(c.label);
    if (!c.context.has_value()) {
      if (bound != contexts_.end()) {
        contexts[i] = bound->second;
        continue;
      }
      // A stored context: reused by its type and name.
      ASSIGN_OR_RETURN(std::vector<Context> stored,
                       store_->GetByIds<Context>({c.label}));
      if (stored.empty()) {
        return absl::InvalidArgumentError(
            StrCat(path, ".id: no context with id ", c.label));
      }
      contexts[i].type_id = stored[0].type_id;
      contexts[i].name = stored[0].name;
      continue;
    }
    RETURN_IF_ERROR(ResolveType(NodeKind::kContext, path, &*c.context));
    if (bound != contexts_.end() &&
        (bound->second.type_id != c.context->type_id ||
         bound->second.name != c.context->name)) {
      return absl::InvalidArgumentError(StrCat(
          path, ".id ", c.label, " is declared twice, as another context"));
    }
    contexts[i] = std::move(*c.context);
  }
  if (writer_ == nullptr) {
    BulkWriterOptions bulk;
    bulk.batch_bytes = options_.batch_bytes;
    bulk.put_options.reuse_context_if_already_exist = true;
    ASSIGN_OR_RETURN(writer_, NewBulkWriter(store_, bulk));
  }
  const int64_t events_before = writer_->stats().events;
  ASSIGN_OR_RETURN(const PutExecutionResult result,
                   writer_->Add(step.execution, pairs, contexts));
  if (step.label != 0) executions_[step.label] = result.execution_id;
  for (size_t i = 0; i < step.artifacts.size(); ++i) {
    if (!pairs[i].artifact.has_value()) continue;
    ++summary_.artifacts;
    const Label label = step.artifacts[i].label;
    if (label != 0) artifacts_[label] = result.artifact_ids[i];
  }
  for (size_t i = 0; i < step.contexts.size(); ++i) {
    const Label label = step.contexts[i].label;
    if (label != 0 && !contexts_.contains(label)) {
      Context declared;
      declared.type_id = contexts[i].type_id;
      declared.name = contexts[i].name;
      contexts_[label] = std::move(declared);
    }
  }
  ++summary_.executions;
  summary_.events += writer_->stats().events - events_before;
  return absl::OkStatus();
}

Status Ingester::Reject(std::string_view source, int64_t index,
                        std::string reason) {
  ++summary_.rejected;
  summary_.rejections.push_back(
      RejectedEvent{std::string(source), index, reason});
  if (!options_.strict) return absl::OkStatus();
  return absl::InvalidArgumentError(StrCat(source, ":", index, ": ", reason));
}

Status Ingester::Apply(IndexedItem& item, std::string_view source) {
  Status s = std::holds_alternative<Type>(item.item)
                 ? PutType(std::get<Type>(item.item))
                 : AddStep(std::get<Step>(item.item));
  if (s.ok()) return s;
  if (!error_.ok()) return error_;
  if (!IsItemError(s)) {
    error_ = s;
    return s;
  }
  return Reject(source, item.index, std::string(s.message()));
}

Status Ingester::IngestDocument(std::string_view document,
                                std::string_view source) {
  RETURN_IF_ERROR(error_);
  std::vector<IndexedItem> items;
  std::vector<RejectedEvent> bad;
  reader_.Read(
      document,
      [&](const simdjson::dom::element& e, int64_t index) {
        IndexedItem& item = items.emplace_back();
        item.index = index;
        Status s = native::ParseItem(e, &item.item);
        if (!s.ok()) {
          items.pop_back();
          bad.push_back({std::string(source), index, std::string(s.message())});
        }
      },
      [&](int64_t index, std::string reason) {
        bad.push_back({std::string(source), index, std::move(reason)});
      });
  // In strict mode nothing of a document with a malformed item is applied.
  for (RejectedEvent& r : bad) {
    RETURN_IF_ERROR(Reject(r.source, r.index, std::move(r.reason)));
  }
  for (IndexedItem& item : items) RETURN_IF_ERROR(Apply(item, source));
  return absl::OkStatus();
}

Status Ingester::Finish() {
  RETURN_IF_ERROR(error_);
  if (writer_ == nullptr) return absl::OkStatus();
  Status s = writer_->Close();
  writer_.reset();
  if (!s.ok()) error_ = s;
  return s;
}

}  // namespace

StatusOr<std::unique_ptr<NativeJsonIngester>> NewNativeJsonIngester(
    Store* store, const NativeJsonOptions& options) {
  return std::unique_ptr<NativeJsonIngester>(new Ingester(store, options));
}

}  // namespace lineagedb
