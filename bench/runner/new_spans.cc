// AddNewSpans: the "new data arrived" writes that the stale-step queries ask
// about, made identically in lineagedb and in the SQLite baseline.
#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bench/runner/queries.h"
#include "util/status_macros.h"

namespace lineagedb::bench {

namespace {

// lineagedb's type `name` of `kind`, and the baseline's id for it.
struct BoundType {
  Type type;
  int64_t sqlite_id = 0;
};

StatusOr<BoundType> Bind(Store* store, baseline::MlmdSqlite* db, NodeKind kind,
                         const char* name) {
  BoundType b;
  ASSIGN_OR_RETURN(b.type, store->GetType(kind, name));
  if (db != nullptr) {
    Type copy = b.type;
    copy.id = 0;
    ASSIGN_OR_RETURN(b.sqlite_id, db->PutType(copy));
  }
  return b;
}

// The uri of the new span in pipeline context `id` is kSpanUri + id.
constexpr char kSpanUri[] = "/tfx/new-span/";

}  // namespace

Status AddNewSpans(Store* store, baseline::MlmdSqlite* db,
                   GraphCatalog* catalog, int count) {
  catalog->new_spans.clear();
  if (catalog->pipelines.empty() || count < 1) return absl::OkStatus();
  ASSIGN_OR_RETURN(BoundType example_gen,
                   Bind(store, db, NodeKind::kExecution, "ExampleGen"));
  ASSIGN_OR_RETURN(BoundType examples,
                   Bind(store, db, NodeKind::kArtifact, "Examples"));
  ASSIGN_OR_RETURN(BoundType pipeline,
                   Bind(store, db, NodeKind::kContext, "pipeline"));
  const size_t n = std::min(catalog->pipelines.size(), size_t(count));
  // Spread over the pipelines: every (size / n)-th one.
  const size_t stride = catalog->pipelines.size() / n;
  for (size_t i = 0; i < n; ++i) {
    const int64_t context_id = catalog->pipelines[i * stride];
    ASSIGN_OR_RETURN(std::vector<Context> contexts,
                     store->GetByIds<Context>({context_id}));
    if (contexts.empty()) {
      return absl::InternalError(absl::StrCat("no pipeline ", context_id));
    }
    Execution e;
    e.type_id = example_gen.type.id;
    e.last_known_state = ExecutionState::kComplete;
    e.properties = {{"input_base", "gs://data/new-span"},
                    {"span", int64_t{1000000}}};
    Artifact a;
    a.type_id = examples.type.id;
    a.state = ArtifactState::kLive;
    a.uri = absl::StrCat(kSpanUri, context_id);
    Event out;
    out.type = EventType::kOutput;
    out.path = {PathStep{std::string("examples")}, PathStep{int64_t{0}}};
    Context c;
    c.type_id = pipeline.type.id;
    c.name = contexts[0].name;
    PutExecutionOptions options;
    options.reuse_context_if_already_exist = true;
    ASSIGN_OR_RETURN(PutExecutionResult r,
                     store->PutExecution(e, {{a, out}}, {c}, options));
    if (r.context_ids != std::vector<int64_t>{context_id}) {
      return absl::InternalError("the new span did not reuse its pipeline");
    }
    if (db != nullptr) {
      e.type_id = example_gen.sqlite_id;
      a.type_id = examples.sqlite_id;
      c.type_id = pipeline.sqlite_id;
      ASSIGN_OR_RETURN(baseline::ExecutionWrite w,
                       db->PutExecution(e, {{a, out}}, {c}));
      if (w.execution_id != r.execution_id ||
          w.artifact_ids != r.artifact_ids || w.context_ids != r.context_ids) {
        return absl::InternalError(
            "the new span got different ids in lineagedb and SQLite");
      }
    }
    catalog->new_spans.emplace_back(context_id, r.artifact_ids[0]);
  }
  return absl::OkStatus();
}

Status RecoverNewSpans(Store* store, GraphCatalog* catalog, int count) {
  catalog->new_spans.clear();
  if (catalog->pipelines.empty() || count < 1) return absl::OkStatus();
  const size_t n = std::min(catalog->pipelines.size(), size_t(count));
  std::vector<int64_t> ids;
  for (size_t i = 1; i <= n; ++i) ids.push_back(catalog->artifacts() + i);
  ASSIGN_OR_RETURN(std::vector<Artifact> spans, store->GetByIds<Artifact>(ids));
  for (size_t i = 0; i < n; ++i) {
    int64_t context_id = 0;
    if (i >= spans.size() || spans[i].id != ids[i] ||
        spans[i].uri.rfind(kSpanUri, 0) != 0 ||
        !absl::SimpleAtoi(spans[i].uri.substr(sizeof(kSpanUri) - 1),
                          &context_id)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "artifact ", ids[i], " of the kept store is not new span ", i + 1,
          " of ", n, " (a store of another scenario, seed or pipelines?)"));
    }
    catalog->new_spans.emplace_back(context_id, ids[i]);
  }
  return absl::OkStatus();
}

}  // namespace lineagedb::bench
