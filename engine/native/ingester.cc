// NativeJsonIngester: parses each document into items (step_json.h), puts
// the types, resolves the steps' type names and labels, and adds the steps
// to a BulkWriter.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "lineagedb/bulk_writer.h"
#include "lineagedb/native_json.h"
#include "native/step_json.h"
#include "util/input_error.h"
#include "util/json_document.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

namespace {

using native::Item;
using native::Label;
using native::Step;

// One item of a document in document order: parsed, or why it is not.
struct IndexedItem {
  int64_t index = 0;
  Item item;
  std::optional<std::string> malformed;
  native::DeclaredLabels labels;
};

// A context as a step names it when it is already known: by type and name,
// which PutExecution (reuse_context_if_already_exist) finds again.
Context ContextByName(const Context& c) {
  Context out;
  out.type_id = c.type_id;
  out.name = c.name;
  return out;
}

class NativeJsonIngesterImpl final : public NativeJsonIngester {
 public:
  NativeJsonIngesterImpl(Store* store, const NativeJsonOptions& options)
      : store_(store), options_(options) {}
  ~NativeJsonIngesterImpl() override { Finish().IgnoreError(); }

  Status IngestDocument(std::string_view document,
                        std::string_view source) override;
  Status CheckDocument(std::string_view document,
                       std::string_view source) override;
  Status Finish() override;
  const NativeJsonSummary& summary() const override { return summary_; }

 private:
  // What a step becomes: PutExecution's arguments.
  struct Request {
    std::vector<ArtifactAndEvent> pairs;
    std::vector<Context> contexts;
  };

  // Applies one item: an item error rejects it (and in strict mode is
  // returned as INVALID_ARGUMENT); another error ends the ingester.
  Status Apply(IndexedItem& item, std::string_view source);
  // The items of `document`, parsed; those that do not parse are marked
  // malformed.
  std::vector<IndexedItem> ParseDocument(std::string_view document);
  // Counts a rejection in the summary and returns it as INVALID_ARGUMENT.
  Status Rejection(std::string_view source, int64_t index, std::string reason);
  // A Rejection, returned in strict mode only.
  Status Reject(std::string_view source, int64_t index, std::string reason);
  // Notes the labels a rejected item declared and no earlier item bound: a
  // later reference to one is refused, not taken for a stored node's id,
  // and so is a later declaration of one (the label is declared twice).
  void Lose(const native::DeclaredLabels& labels);
  Status PutType(const Type& type);
  Status AddStep(Step& step);
  Status ResolveArtifacts(Step& step, Request* request);
  Status ResolveContexts(Step& step, Request* request);
  // Binds the step's labels to the ids `result` gave its nodes.
  void Bind(const Step& step, const Request& request,
            const PutExecutionResult& result);
  // Sets `node`'s type_id from its type name and version, and makes INT
  // values of declared DOUBLE properties doubles.
  Status ResolveType(NodeKind kind, const std::string& version,
                     std::string_view path, NodeBase* node);
  StatusOr<const Type*> FindType(NodeKind kind, const std::string& name,
                                 const std::string& version);

  Store* const store_;
  const NativeJsonOptions options_;
  util::JsonDocumentReader reader_;
  // Open from a step until the next type item or Finish().
  std::unique_ptr<BulkWriter> writer_;
  Status error_;
  NativeJsonSummary summary_;
  std::map<std::tuple<NodeKind, std::string, std::string>, Type> types_;
  // The store ids of the labels the input declared, by kind.
  absl::flat_hash_map<Label, int64_t> executions_;
  absl::flat_hash_map<Label, int64_t> artifacts_;
  // Contexts by label, and by the store id of every context a step named,
  // as a later reference adds them (the writer's pending batch is not
  // readable through the store).
  absl::flat_hash_map<Label, Context> contexts_;
  absl::flat_hash_map<int64_t, Context> context_ids_;
  // Labels declared only by rejected items (Lose()).
  absl::flat_hash_set<Label> lost_executions_;
  absl::flat_hash_set<Label> lost_artifacts_;
  absl::flat_hash_set<Label> lost_contexts_;
};

StatusOr<const Type*> NativeJsonIngesterImpl::FindType(
    NodeKind kind, const std::string& name, const std::string& version) {
  auto key = std::make_tuple(kind, name, version);
  auto it = types_.find(key);
  if (it == types_.end()) {
    ASSIGN_OR_RETURN(Type type, store_->GetType(kind, name, version));
    it = types_.emplace(std::move(key), std::move(type)).first;
  }
  return &it->second;
}

Status NativeJsonIngesterImpl::ResolveType(NodeKind kind,
                                           const std::string& version,
                                           std::string_view path,
                                           NodeBase* node) {
  StatusOr<const Type*> type = FindType(kind, node->type, version);
  if (absl::IsNotFound(type.status())) {
    return absl::NotFoundError(StrCat(
        path, ".type: no ", NodeKindName(kind), " type named '", node->type,
        "'", version.empty() ? "" : StrCat(" with version '", version, "'")));
  }
  RETURN_IF_ERROR(type.status());
  node->type_id = (*type)->id;
  // The store checks these too; here the reason names the field.
  for (auto& [name, value] : node->properties) {
    const std::string at = StrCat(path, ".properties.", name);
    auto declared = (*type)->properties.find(name);
    if (declared == (*type)->properties.end()) {
      return absl::InvalidArgumentError(
          StrCat(at, ": type '", node->type, "' declares no property '", name,
                 "' (use custom_properties for undeclared ones)"));
    }
    if (declared->second == PropertyKind::kDouble &&
        value.kind() == PropertyKind::kInt) {
      value = static_cast<double>(value.int_value());
    }
    if (value.kind() != declared->second) {
      return absl::InvalidArgumentError(StrCat(
          at, " is ", PropertyKindName(value.kind()), "; type '", node->type,
          "' declares it ", PropertyKindName(declared->second)));
    }
  }
  return absl::OkStatus();
}

Status NativeJsonIngesterImpl::PutType(const Type& type) {
  // A BulkWriter is the store's only writer: commit and close it first.
  if (writer_ != nullptr) {
    Status s = writer_->Close();
    writer_.reset();
    if (!s.ok()) {
      error_ = s;
      return s;
    }
  }
  RETURN_IF_ERROR(store_->PutType(type, options_.type_options).status());
  // As stored: evolved, it may keep properties the item omits.
  ASSIGN_OR_RETURN(Type stored,
                   store_->GetType(type.kind, type.name, type.version));
  types_[std::make_tuple(type.kind, type.name, type.version)] =
      std::move(stored);
  ++summary_.types;
  return absl::OkStatus();
}

Status NativeJsonIngesterImpl::ResolveArtifacts(Step& step, Request* request) {
  absl::flat_hash_set<Label> declared;  // In this step.
  // The events naming an artifact by id: their index by (the artifact's
  // store id, type), however the input named it.
  absl::flat_hash_map<std::pair<int64_t, EventType>, size_t> named;
  request->pairs.resize(step.artifacts.size());
  for (size_t i = 0; i < step.artifacts.size(); ++i) {
    native::StepArtifact& a = step.artifacts[i];
    const std::string path = StrCat("events[", i, "]");
    ArtifactAndEvent& pair = request->pairs[i];
    pair.event = std::move(a.event);
    if (!a.artifact.has_value()) {
      auto bound = artifacts_.find(a.label);
      if (bound == artifacts_.end() && lost_artifacts_.contains(a.label)) {
        return absl::InvalidArgumentError(
            StrCat(path, ".artifact_id ", a.label,
                   " names the artifact of a rejected item"));
      }
      pair.event->artifact_id =
          bound != artifacts_.end() ? bound->second : a.label;
      if (auto [it, added] =
              named.try_emplace({pair.event->artifact_id, pair.event->type}, i);
          !added) {
        return absl::InvalidArgumentError(
            StrCat(path, " repeats events[", it->second,
                   "] (the same type, and artifact_id ", a.label,
                   " names the same artifact as its artifact_id ",
                   step.artifacts[it->second].label, ")"));
      }
      continue;
    }
    if (a.label != 0 && lost_artifacts_.contains(a.label)) {
      return absl::InvalidArgumentError(StrCat(path, ".artifact_id ", a.label,
                                               " is declared twice (first by "
                                               "a rejected item)"));
    }
    if (a.label != 0 &&
        (artifacts_.contains(a.label) || !declared.insert(a.label).second)) {
      return absl::InvalidArgumentError(
          StrCat(path, ".artifact_id ", a.label, " is declared twice"));
    }
    RETURN_IF_ERROR(ResolveType(NodeKind::kArtifact, a.type_version,
                                path + ".artifact", &*a.artifact));
    pair.artifact = std::move(*a.artifact);
  }
  // PutExecution cannot name an artifact it inserts by id.
  for (size_t i = 0; i < step.artifacts.size(); ++i) {
    if (!request->pairs[i].artifact.has_value() &&
        declared.contains(step.artifacts[i].label)) {
      return absl::InvalidArgumentError(
          StrCat("events[", i, "].artifact_id ", step.artifacts[i].label,
                 " names an artifact this step declares"));
    }
  }
  return absl::OkStatus();
}

Status NativeJsonIngesterImpl::ResolveContexts(Step& step, Request* request) {
  // The labels this step declares: one named by id in the same step would
  // otherwise be taken for a stored context's id (PutExecution cannot
  // refer to a context it inserts), as for artifacts.
  absl::flat_hash_set<Label> in_step;
  for (size_t i = 0; i < step.contexts.size(); ++i) {
    const native::StepContext& c = step.contexts[i];
    if (!c.context.has_value() || c.label == 0) continue;
    const std::string path = StrCat("contexts[", i, "].id ", c.label);
    if (lost_contexts_.contains(c.label)) {
      return absl::InvalidArgumentError(
          StrCat(path, " is declared twice (first by a rejected item)"));
    }
    if (!in_step.insert(c.label).second) {
      return absl::InvalidArgumentError(StrCat(path, " is declared twice"));
    }
  }
  request->contexts.resize(step.contexts.size());
  for (size_t i = 0; i < step.contexts.size(); ++i) {
    native::StepContext& c = step.contexts[i];
    const std::string path = StrCat("contexts[", i, "]");
    Context& out = request->contexts[i];
    if (!c.context.has_value()) {
      if (in_step.contains(c.label)) {
        return absl::InvalidArgumentError(StrCat(
            path, ".id ", c.label, " names a context this step declares"));
      }
      if (auto it = contexts_.find(c.label); it != contexts_.end()) {
        out = it->second;
      } else if (lost_contexts_.contains(c.label)) {
        return absl::InvalidArgumentError(StrCat(
            path, ".id ", c.label, " names the context of a rejected item"));
      } else if (auto id = context_ids_.find(c.label);
                 id != context_ids_.end()) {
        out = id->second;
      } else {
        ASSIGN_OR_RETURN(std::vector<Context> stored,
                         store_->GetByIds<Context>({c.label}));
        if (stored.empty()) {
          return absl::InvalidArgumentError(
              StrCat(path, ".id: no context with id ", c.label));
        }
        out = ContextByName(stored[0]);
      }
      continue;
    }
    RETURN_IF_ERROR(
        ResolveType(NodeKind::kContext, c.type_version, path, &*c.context));
    if (auto earlier = contexts_.find(c.label);
        c.label != 0 && earlier != contexts_.end() &&
        (earlier->second.type_id != c.context->type_id ||
         earlier->second.name != c.context->name)) {
      return absl::InvalidArgumentError(StrCat(
          path, ".id ", c.label, " is declared twice, as another context"));
    }
    out = std::move(*c.context);
  }
  return absl::OkStatus();
}

void NativeJsonIngesterImpl::Bind(const Step& step, const Request& request,
                                  const PutExecutionResult& result) {
  if (step.label != 0) executions_[step.label] = result.execution_id;
  for (size_t i = 0; i < step.artifacts.size(); ++i) {
    if (!request.pairs[i].artifact.has_value()) continue;
    ++summary_.artifacts;
    const Label label = step.artifacts[i].label;
    if (label != 0) artifacts_[label] = result.artifact_ids[i];
  }
  for (size_t i = 0; i < step.contexts.size(); ++i) {
    const Context named = ContextByName(request.contexts[i]);
    const Label label = step.contexts[i].label;
    if (step.contexts[i].context.has_value() && label != 0) {
      contexts_.try_emplace(label, named);
    }
    context_ids_.try_emplace(result.context_ids[i], named);
  }
}

Status NativeJsonIngesterImpl::AddStep(Step& step) {
  if (step.label != 0 && executions_.contains(step.label)) {
    return absl::InvalidArgumentError(
        StrCat("execution.id ", step.label, " is declared twice"));
  }
  if (step.label != 0 && lost_executions_.contains(step.label)) {
    return absl::InvalidArgumentError(
        StrCat("execution.id ", step.label,
               " is declared twice (first by a rejected item)"));
  }
  RETURN_IF_ERROR(ResolveType(NodeKind::kExecution, step.type_version,
                              "execution", &step.execution));
  Request request;
  RETURN_IF_ERROR(ResolveArtifacts(step, &request));
  RETURN_IF_ERROR(ResolveContexts(step, &request));
  if (writer_ == nullptr) {
    BulkWriterOptions bulk;
    bulk.batch_bytes = options_.batch_bytes;
    bulk.put_options.reuse_context_if_already_exist = true;
    ASSIGN_OR_RETURN(writer_, NewBulkWriter(store_, bulk));
  }
  const int64_t events_before = writer_->stats().events;
  StatusOr<PutExecutionResult> result =
      writer_->Add(step.execution, request.pairs, request.contexts);
  if (!result.ok()) {
    // A failed commit (returned by whichever Add waits for it) ends the
    // ingester, whatever its code.
    if (!writer_->status().ok()) error_ = writer_->status();
    return result.status();
  }
  Bind(step, request, *result);
  ++summary_.executions;
  summary_.events += writer_->stats().events - events_before;
  return absl::OkStatus();
}

Status NativeJsonIngesterImpl::Rejection(std::string_view source, int64_t index,
                                         std::string reason) {
  ++summary_.rejected;
  summary_.rejections.push_back(
      RejectedEvent{std::string(source), index, reason});
  return absl::InvalidArgumentError(StrCat(source, ":", index, ": ", reason));
}

Status NativeJsonIngesterImpl::Reject(std::string_view source, int64_t index,
                                      std::string reason) {
  Status s = Rejection(source, index, std::move(reason));
  return options_.strict ? s : absl::OkStatus();
}

void NativeJsonIngesterImpl::Lose(const native::DeclaredLabels& labels) {
  for (Label label : labels.executions) {
    if (!executions_.contains(label)) lost_executions_.insert(label);
  }
  for (Label label : labels.artifacts) {
    if (!artifacts_.contains(label)) lost_artifacts_.insert(label);
  }
  for (Label label : labels.contexts) {
    if (!contexts_.contains(label)) lost_contexts_.insert(label);
  }
}

Status NativeJsonIngesterImpl::Apply(IndexedItem& item,
                                     std::string_view source) {
  if (item.malformed.has_value()) {
    Lose(item.labels);
    return Reject(source, item.index, std::move(*item.malformed));
  }
  Status s = std::holds_alternative<Type>(item.item)
                 ? PutType(std::get<Type>(item.item))
                 : AddStep(std::get<Step>(item.item));
  if (s.ok()) return s;
  if (!error_.ok()) return error_;
  if (!IsInputError(s)) {
    error_ = s;
    return s;
  }
  Lose(item.labels);
  return Reject(source, item.index, std::string(s.message()));
}

std::vector<IndexedItem> NativeJsonIngesterImpl::ParseDocument(
    std::string_view document) {
  std::vector<IndexedItem> items;
  reader_.Read(
      document,
      [&](const simdjson::dom::element& e, int64_t index) {
        IndexedItem& item = items.emplace_back();
        item.index = index;
        item.labels = native::FindDeclaredLabels(e);
        Status s = native::ParseItem(e, &item.item);
        if (!s.ok()) item.malformed = std::string(s.message());
      },
      [&](int64_t index, std::string_view text, std::string reason) {
        IndexedItem& item = items.emplace_back();
        item.index = index;
        // JSON simdjson's DOM refuses (a number past its range, nesting
        // past its depth) still declares labels.
        item.labels = native::FindDeclaredLabelsInText(text);
        item.malformed = std::move(reason);
      });
  return items;
}

Status NativeJsonIngesterImpl::IngestDocument(std::string_view document,
                                              std::string_view source) {
  RETURN_IF_ERROR(error_);
  std::vector<IndexedItem> items = ParseDocument(document);
  // In strict mode nothing of a document with a malformed item is applied.
  if (options_.strict) {
    for (IndexedItem& item : items) {
      if (item.malformed.has_value()) return Apply(item, source);
    }
  }
  for (IndexedItem& item : items) RETURN_IF_ERROR(Apply(item, source));
  return absl::OkStatus();
}

Status NativeJsonIngesterImpl::CheckDocument(std::string_view document,
                                             std::string_view source) {
  RETURN_IF_ERROR(error_);
  for (IndexedItem& item : ParseDocument(document)) {
    if (item.malformed.has_value()) {
      return Rejection(source, item.index, std::move(*item.malformed));
    }
  }
  return absl::OkStatus();
}

Status NativeJsonIngesterImpl::Finish() {
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
  return std::unique_ptr<NativeJsonIngester>(
      new NativeJsonIngesterImpl(store, options));
}

}  // namespace lineagedb
