// List calls: ordered, filtered, paged scans over the node indexes.
//
// Order by id and by create time are the same order, because the store keeps
// create time non-decreasing in id; they scan an index whose keys end in the
// node id. Order by last update time scans the per-type update-time index,
// merging the types of the kind when no type is given; with a uri or context
// filter, or nodes a filter query names, the (small) candidate set is read
// and sorted instead.
//
// A filter query is tested on each candidate; its top-level conjuncts
// narrow the candidates (store/filter_plan.h): the nodes it names by id,
// name or external id, else one context's links, else one URI's artifacts,
// else one type's nodes.
//
// A page token is web-safe base64 of
//   [u8 version=1][u64 query hash][i64 last time][u64 last id]
// where the query hash covers kind, filters and order, so a token of
// another query is refused.
#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "codec/coding.h"
#include "codec/keys.h"
#include "codec/records.h"
#include "filter/parser.h"
#include "store/edge_reads.h"
#include "store/filter_plan.h"
#include "store/filter_subject.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

using codec::NodeRow;

namespace {

constexpr int kMaxPageSize = 10000;
// 2: the hash covers the position too (1 checked the query only).
constexpr uint8_t kTokenVersion = 2;
// Records read at once by a list.
constexpr size_t kMaxChunk = 4096;
// The most nodes a name prefix lists in update-time order by reading and
// sorting them all on each page; past it the update-time index is read.
constexpr size_t kMaxNamesSortedByTime = 4096;

struct Position {
  int64_t time = 0;  // Last update time; 0 for id-like orders.
  int64_t id = 0;
};

uint64_t QueryHash(NodeKind kind, const NodeQuery& q, const ListOptions& o) {
  std::string s;
  s.push_back(static_cast<char>(kind));
  codec::PutString(&s, q.type_name);
  codec::PutString(&s, q.type_version);
  s.push_back(q.uri.has_value() ? 1 : 0);
  codec::PutString(&s, q.uri.value_or(""));
  codec::PutI64(&s, q.context_id);
  codec::PutString(&s, q.filter);
  if (!q.name_prefix.empty()) codec::PutString(&s, q.name_prefix);
  s.push_back(static_cast<char>(o.order_by));
  s.push_back(o.ascending ? 1 : 0);
  return XXH64(s.data(), s.size(), 0);
}

// A token: its version, a check, the position. The check is the
// position's hash seeded with the query's (QueryHash): a token of another
// query, or one with a changed byte, is told apart.
std::string PositionBytes(const Position& p) {
  std::string out;
  codec::PutI64(&out, p.time);
  codec::PutU64(&out, static_cast<uint64_t>(p.id));
  return out;
}

uint64_t TokenCheck(uint64_t hash, const std::string& position) {
  return XXH64(position.data(), position.size(), hash);
}

std::string EncodeToken(uint64_t hash, const Position& p) {
  const std::string position = PositionBytes(p);
  std::string raw;
  raw.push_back(static_cast<char>(kTokenVersion));
  codec::PutU64(&raw, TokenCheck(hash, position));
  raw += position;
  return absl::WebSafeBase64Escape(raw);
}

StatusOr<Position> DecodeToken(std::string_view token, uint64_t hash) {
  std::string raw;
  auto bad = [](std::string_view why) {
    return absl::InvalidArgumentError(StrCat("bad page token: ", why));
  };
  if (!absl::WebSafeBase64Unescape(
          absl::string_view(token.data(), token.size()), &raw) ||
      raw.size() != 25 || static_cast<uint8_t>(raw[0]) != kTokenVersion) {
    return bad("not a lineagedb page token");
  }
  std::string_view in(raw);
  in.remove_prefix(1);
  uint64_t check, id;
  Position p;
  codec::GetU64(&in, &check);
  codec::GetI64(&in, &p.time);
  codec::GetU64(&in, &id);
  p.id = static_cast<int64_t>(id);
  if (check != TokenCheck(hash, PositionBytes(p))) {
    return bad(
        "it belongs to another query (filters or order differ) or was "
        "changed");
  }
  return p;
}

// Candidate positions in query order.
class PositionStream {
 public:
  virtual ~PositionStream() = default;
  // The current position, or nullopt at the end.
  virtual std::optional<Position> Peek() const = 0;
  virtual void Advance() = 0;
  virtual Status status() const = 0;
};

// Positions in query order from one index whose keys are
// prefix [+ i64 time] + u64 id, starting strictly after `after`.
class IndexStream : public PositionStream {
 public:
  IndexStream(const storage::ReadView& view, std::string prefix, bool timed,
              bool ascending, const std::optional<Position>& after)
      : prefix_(std::move(prefix)), timed_(timed), ascending_(ascending) {
    it_ = view.Scan(prefix_);
    if (!after.has_value()) {
      ascending_ ? it_->SeekToFirst() : it_->SeekToLast();
      return;
    }
    std::string target = prefix_;
    if (timed_) codec::PutI64(&target, after->time);
    codec::PutU64(&target, static_cast<uint64_t>(after->id));
    if (ascending_) {
      it_->Seek(target);
      if (it_->Valid() && it_->key() == target) it_->Next();
    } else {
      it_->SeekForPrev(target);
      if (it_->Valid() && it_->key() == target) it_->Prev();
    }
  }

  // Ends the stream, with DATA_LOSS as its status, at a key that is not
  // prefix [+ time] + id with a positive id: a damaged key would otherwise
  // sort as a position it is not, and paging could repeat a page forever.
  std::optional<Position> Peek() const override {
    if (!error_.ok() || !it_->Valid()) return std::nullopt;
    std::string_view rest = it_->key().substr(prefix_.size());
    Position p;
    uint64_t id = 0;
    const bool parsed = (!timed_ || codec::GetI64(&rest, &p.time)) &&
                        codec::GetU64(&rest, &id) && rest.empty() && id > 0 &&
                        id <= static_cast<uint64_t>(INT64_MAX);
    if (!parsed) {
      error_ =
          absl::DataLossError(StrCat("bad index key ", codec::Hex(it_->key())));
      return std::nullopt;
    }
    p.id = static_cast<int64_t>(id);
    return p;
  }
  void Advance() override { ascending_ ? it_->Next() : it_->Prev(); }
  Status status() const override {
    return error_.ok() ? it_->status() : error_;
  }

 private:
  std::string prefix_;
  bool timed_;
  bool ascending_;
  std::unique_ptr<storage::Iterator> it_;
  mutable Status error_;
};

// Id positions (time 0) of ascending `ids` in query order, starting
// strictly after `after`'s id.
class IdListStream : public PositionStream {
 public:
  IdListStream(std::vector<int64_t> ids, bool ascending,
               const std::optional<Position>& after)
      : ids_(std::move(ids)), ascending_(ascending) {
    if (!ascending_) std::reverse(ids_.begin(), ids_.end());
    if (!after.has_value()) return;
    while (next_ < ids_.size() &&
           (ascending_ ? ids_[next_] <= after->id : ids_[next_] >= after->id)) {
      ++next_;
    }
  }

  std::optional<Position> Peek() const override {
    if (next_ == ids_.size()) return std::nullopt;
    return Position{0, ids_[next_]};
  }
  void Advance() override { ++next_; }
  Status status() const override { return absl::OkStatus(); }

 private:
  std::vector<int64_t> ids_;
  bool ascending_;
  size_t next_ = 0;
};

// Merges PositionStreams by (time, id) in query order.
class MergedStream {
 public:
  explicit MergedStream(bool ascending) : ascending_(ascending) {}
  void Add(std::unique_ptr<PositionStream> s) {
    streams_.push_back(std::move(s));
  }

  bool Next(Position* out) {
    PositionStream* best = nullptr;
    Position best_pos;
    for (auto& s : streams_) {
      std::optional<Position> p = s->Peek();
      if (!p.has_value()) continue;
      bool before =
          std::tie(p->time, p->id) < std::tie(best_pos.time, best_pos.id);
      if (best == nullptr || (ascending_ ? before : !before)) {
        best = s.get();
        best_pos = *p;
      }
    }
    if (best == nullptr) return false;
    best->Advance();
    *out = best_pos;
    return true;
  }

  Status status() const {
    for (const auto& s : streams_) RETURN_IF_ERROR(s->status());
    return absl::OkStatus();
  }

 private:
  bool ascending_;
  std::vector<std::unique_ptr<PositionStream>> streams_;
};

StatusOr<std::vector<NodeRow>> ReadRowsInOrder(
    const storage::ReadView& view, NodeKind kind,
    const std::vector<Position>& positions) {
  std::vector<int64_t> ids;
  ids.reserve(positions.size());
  for (const Position& p : positions) ids.push_back(p.id);
  return store::ReadNodeRows(view, kind, ids, "an index");
}

// INVALID_ARGUMENT for a list request no store can answer.
Status CheckListRequest(NodeKind kind, const NodeQuery& query,
                        const ListOptions& options) {
  if (options.max_result_size < 1 || options.max_result_size > kMaxPageSize) {
    return absl::InvalidArgumentError(StrCat("max_result_size must be in [1, ",
                                             kMaxPageSize, "], not ",
                                             options.max_result_size));
  }
  if (options.order_by != OrderBy::kId &&
      options.order_by != OrderBy::kCreateTime &&
      options.order_by != OrderBy::kLastUpdateTime) {
    return absl::InvalidArgumentError(
        StrCat("no order_by ", static_cast<int>(options.order_by)));
  }
  if (query.type_name.empty() && !query.type_version.empty()) {
    return absl::InvalidArgumentError(
        "a type_version filters nodes only with its type_name");
  }
  if (query.uri.has_value() && kind != NodeKind::kArtifact) {
    return absl::InvalidArgumentError("only artifacts can be listed by uri");
  }
  if (query.uri.has_value() && query.uri->empty()) {
    return absl::InvalidArgumentError(
        "an empty uri lists nothing: artifacts without a URI are not indexed "
        "by it (leave uri unset to list every artifact)");
  }
  if (query.context_id < 0) {
    return absl::InvalidArgumentError(
        StrCat("bad context_id ", query.context_id, " (0 lists any)"));
  }
  if (query.context_id != 0 && kind == NodeKind::kContext) {
    return absl::InvalidArgumentError(
        "contexts cannot be listed by context; use GetChildContexts");
  }
  return absl::OkStatus();
}

// The id-ordered source of a list's candidates that needs the fewest
// filters: a context's links, a URI's artifacts, a type's nodes, or all.
std::string IdSource(NodeKind kind, const NodeQuery& query, int64_t type_id) {
  if (query.context_id != 0) {
    return codec::PairPrefix(kind == NodeKind::kArtifact
                                 ? codec::Tag::kAttributionByContext
                                 : codec::Tag::kAssociationByContext,
                             query.context_id);
  }
  if (query.uri.has_value()) return codec::ArtifactByUriPrefix(*query.uri);
  if (type_id != 0) return codec::NodeByTypePrefix(kind, type_id);
  return codec::NodePrefix(kind);
}

// Adds to `stream` the id-ordered candidates of a list of `query` (with
// the fields its filter implies) after `after`: `type_ids` (several types
// a filter names, when no type, context or URI narrows the list) each
// read from their index, else the IdSource.
void AddIdSources(const storage::ReadView& view, NodeKind kind,
                  const NodeQuery& query, int64_t type_id,
                  const std::vector<int64_t>& type_ids, bool asc,
                  const std::optional<Position>& after, MergedStream* stream) {
  if (type_id != 0 || type_ids.empty() || query.context_id != 0 ||
      query.uri.has_value()) {
    stream->Add(std::make_unique<IndexStream>(
        view, IdSource(kind, query, type_id), /*timed=*/false, asc, after));
    return;
  }
  for (int64_t t : type_ids) {
    stream->Add(std::make_unique<IndexStream>(
        view, codec::NodeByTypePrefix(kind, t), /*timed=*/false, asc, after));
  }
}

// The ids ending the keys under `id_prefix` (an index whose keys are
// prefix + u64 id), ascending.
StatusOr<std::vector<int64_t>> IdsUnder(const storage::ReadView& view,
                                        const std::string& id_prefix) {
  IndexStream stream(view, id_prefix, /*timed=*/false, /*ascending=*/true,
                     std::nullopt);
  std::vector<int64_t> ids;
  for (auto p = stream.Peek(); p.has_value();
       stream.Advance(), p = stream.Peek()) {
    ids.push_back(p->id);
  }
  RETURN_IF_ERROR(stream.status());
  return ids;
}

// The ids of the nodes of `kind` of type `type_id` (0: of any of `types`)
// whose names begin with `prefix`, ascending. Errors: the view's; DATA_LOSS
// (an index entry that does not decode).
StatusOr<std::vector<int64_t>> IdsNamed(const storage::ReadView& view,
                                        NodeKind kind, int64_t type_id,
                                        const std::vector<Type>& types,
                                        std::string_view prefix) {
  std::vector<int64_t> ids;
  for (const Type& t : types) {
    if (type_id != 0 && t.id != type_id) continue;
    std::unique_ptr<storage::Iterator> it =
        view.Scan(codec::NodeByTypeNamePrefix(kind, t.id, prefix));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ids.emplace_back();
      RETURN_IF_ERROR(codec::DecodeId(it->key(), it->value(), &ids.back()));
    }
    RETURN_IF_ERROR(it->status());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// A small candidate set (a context's, a URI's or a filter's named nodes)
// in update-time order: reads them all and sorts by (last_update_time, id);
// appends to `out` those `keep` takes, after `after`, up to `want` in all.
template <typename Keep>
Status ListByTimeFromIds(const storage::ReadView& view, NodeKind kind,
                         const std::vector<int64_t>& ids, const Keep& keep,
                         const std::optional<Position>& after, bool asc,
                         size_t want, std::vector<NodeRow>* out) {
  ASSIGN_OR_RETURN(std::vector<NodeRow> rows,
                   store::ReadNodeRows(view, kind, ids, "an index"));
  auto less = [asc](const NodeRow& a, const NodeRow& b) {
    auto ka = std::tie(a.base.last_update_time_ms, a.base.id);
    auto kb = std::tie(b.base.last_update_time_ms, b.base.id);
    return asc ? ka < kb : kb < ka;
  };
  std::sort(rows.begin(), rows.end(), less);
  for (NodeRow& row : rows) {
    if (out->size() == want) break;
    if (after.has_value()) {
      auto k = std::tie(row.base.last_update_time_ms, row.base.id);
      auto a = std::tie(after->time, after->id);
      if (asc ? !(a < k) : !(k < a)) continue;
    }
    ASSIGN_OR_RETURN(bool kept, keep(row));
    if (kept) out->push_back(std::move(row));
  }
  return absl::OkStatus();
}

// Appends to `out` the nodes of `stream`'s positions that `keep` takes,
// reading their records a chunk at a time, up to `want` in all. A chunk is
// what is still wanted, but at least twice the chunk before (at most
// kMaxChunk), so that a selective filter reads few chunks and a page whose
// first chunk fills it reads no record past it.
template <typename Keep>
Status ListFromStream(const storage::ReadView& view, NodeKind kind,
                      MergedStream& stream, const Keep& keep, size_t want,
                      std::vector<NodeRow>* out) {
  std::vector<Position> chunk;
  size_t floor = 1;
  while (out->size() < want) {
    chunk.clear();
    const size_t size =
        std::max(std::min(want - out->size(), kMaxChunk), floor);
    floor = std::min(kMaxChunk, size * 2);
    Position p;
    while (chunk.size() < size && stream.Next(&p)) chunk.push_back(p);
    if (chunk.empty()) break;
    ASSIGN_OR_RETURN(std::vector<NodeRow> rows,
                     ReadRowsInOrder(view, kind, chunk));
    for (NodeRow& row : rows) {
      if (out->size() == want) break;
      ASSIGN_OR_RETURN(bool kept, keep(row));
      if (kept) out->push_back(std::move(row));
    }
  }
  return stream.status();
}

}  // namespace

StatusOr<Page<NodeRow>> StoreImpl::ListNodes(NodeKind kind,
                                             const NodeQuery& query,
                                             const ListOptions& options) {
  RETURN_IF_ERROR(CheckListRequest(kind, query, options));
  const uint64_t hash = QueryHash(kind, query, options);
  std::optional<Position> after;
  if (!options.page_token.empty()) {
    ASSIGN_OR_RETURN(after, DecodeToken(options.page_token, hash));
  }
  std::optional<filter::Query> parsed;
  if (!query.filter.empty()) {
    ASSIGN_OR_RETURN(parsed, filter::Parse(kind, query.filter));
  }
  auto view = kv_->NewReadView();
  // The query with the fields the filter implies.
  NodeQuery plan = query;
  // The nodes the filter names (by id, name or external id), if it does.
  std::optional<std::vector<int64_t>> named;
  int64_t type_id = 0;
  std::vector<int64_t> type_ids;  // Several a filter names, ascending.
  if (!query.type_name.empty()) {
    type_id = CachedTypeId(kind, query.type_name, query.type_version);
    if (type_id == 0) return Page<NodeRow>{};
  }
  if (parsed.has_value()) {
    ASSIGN_OR_RETURN(std::vector<Type> types, ListTypes(kind));
    ASSIGN_OR_RETURN(std::vector<Type> context_types,
                     ListTypes(NodeKind::kContext));
    ASSIGN_OR_RETURN(store::FilterPlan implied,
                     store::PlanFilter(*parsed, types, context_types, *view));
    if (implied.none) return Page<NodeRow>{};
    if (type_id == 0) type_id = implied.type_id;
    if (type_id == 0) type_ids = std::move(implied.type_ids);
    if (plan.context_id == 0) plan.context_id = implied.context_id;
    if (!plan.uri.has_value()) plan.uri = std::move(implied.uri);
    // A NodeQuery's own context is kept by reading its links only.
    if (query.context_id == 0) named = std::move(implied.ids);
  }
  if (!query.name_prefix.empty() && query.context_id == 0) {
    ASSIGN_OR_RETURN(std::vector<Type> types, ListTypes(kind));
    ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                     IdsNamed(*view, kind, type_id, types, query.name_prefix));
    if (named.has_value()) {
      std::vector<int64_t> both;
      std::set_intersection(named->begin(), named->end(), ids.begin(),
                            ids.end(), std::back_inserter(both));
      named = std::move(both);
    } else if (options.order_by != OrderBy::kLastUpdateTime ||
               ids.size() <= kMaxNamesSortedByTime) {
      named = std::move(ids);
    }
    // Else many names in update-time order: every page would read and sort
    // them all, so the update-time index is read instead, `keep` testing
    // each name.
  }
  const bool by_time = options.order_by == OrderBy::kLastUpdateTime;
  const bool asc = options.ascending;
  const size_t want = static_cast<size_t>(options.max_result_size) + 1;

  const std::string id_prefix = IdSource(kind, plan, type_id);
  store::StoreSubject subject(this, *view);
  auto keep = [&](const NodeRow& row) -> StatusOr<bool> {
    if ((type_id != 0 && row.base.type_id != type_id) ||
        (!type_ids.empty() &&
         !std::binary_search(type_ids.begin(), type_ids.end(),
                             row.base.type_id)) ||
        (query.uri.has_value() && row.uri != *query.uri) ||
        !row.base.name.starts_with(query.name_prefix)) {
      return false;
    }
    if (!parsed.has_value()) return true;
    return subject.Matches(*parsed, row);
  };
  std::vector<NodeRow> out;

  if (by_time &&
      (named.has_value() || plan.context_id != 0 || plan.uri.has_value())) {
    std::vector<int64_t> ids;
    if (named.has_value()) {
      ids = std::move(*named);
    } else {
      ASSIGN_OR_RETURN(ids, IdsUnder(*view, id_prefix));
    }
    RETURN_IF_ERROR(
        ListByTimeFromIds(*view, kind, ids, keep, after, asc, want, &out));
  } else {
    MergedStream stream(asc);
    if (by_time) {
      std::vector<int64_t> timed = type_ids;
      if (type_id != 0) {
        timed = {type_id};
      } else if (timed.empty()) {
        ASSIGN_OR_RETURN(std::vector<Type> types, ListTypes(kind));
        for (const Type& t : types) timed.push_back(t.id);
      }
      for (int64_t t : timed) {
        stream.Add(std::make_unique<IndexStream>(
            *view, codec::NodeByUpdateTimePrefix(kind, t), /*timed=*/true, asc,
            after));
      }
    } else {
      std::optional<Position> after_id = after;
      if (after_id.has_value()) after_id->time = 0;
      if (named.has_value()) {
        stream.Add(
            std::make_unique<IdListStream>(std::move(*named), asc, after_id));
      } else {
        AddIdSources(*view, kind, plan, type_id, type_ids, asc, after_id,
                     &stream);
      }
    }
    RETURN_IF_ERROR(ListFromStream(*view, kind, stream, keep, want, &out));
  }

  Page<NodeRow> page;
  if (out.size() == want) {
    out.pop_back();
    const NodeRow& last = out.back();
    page.next_page_token = EncodeToken(
        hash,
        Position{by_time ? last.base.last_update_time_ms : 0, last.base.id});
  }
  FillTypeNames(&out);
  page.items = std::move(out);
  return page;
}

Status CheckFilterQuery(NodeKind kind, std::string_view filter) {
  if (filter.empty()) return absl::OkStatus();  // NodeQuery: empty = all.
  return filter::Parse(kind, filter).status();
}

StatusOr<std::vector<int64_t>> StoreImpl::FilterNodeIds(NodeKind kind,
                                                        std::string_view text) {
  ASSIGN_OR_RETURN(filter::Query parsed, filter::Parse(kind, text));
  ASSIGN_OR_RETURN(std::vector<Type> types, ListTypes(kind));
  ASSIGN_OR_RETURN(std::vector<Type> context_types,
                   ListTypes(NodeKind::kContext));
  auto view = kv_->NewReadView();
  ASSIGN_OR_RETURN(store::FilterPlan implied,
                   store::PlanFilter(parsed, types, context_types, *view));
  if (implied.none) return std::vector<int64_t>{};
  NodeQuery plan;
  plan.context_id = implied.context_id;
  plan.uri = std::move(implied.uri);
  store::StoreSubject subject(this, *view);
  std::vector<int64_t> ids;
  // Takes the ids of the matches and keeps no record.
  auto keep = [&](const NodeRow& row) -> StatusOr<bool> {
    ASSIGN_OR_RETURN(bool match, subject.Matches(parsed, row));
    if (match) ids.push_back(row.base.id);
    return false;
  };
  MergedStream stream(/*ascending=*/true);
  if (implied.ids.has_value()) {
    stream.Add(std::make_unique<IdListStream>(std::move(*implied.ids),
                                              /*ascending=*/true,
                                              std::nullopt));
  } else {
    AddIdSources(*view, kind, plan, implied.type_id, implied.type_ids,
                 /*asc=*/true, std::nullopt, &stream);
  }
  std::vector<NodeRow> none;
  RETURN_IF_ERROR(ListFromStream(*view, kind, stream, keep, SIZE_MAX, &none));
  return ids;
}

}  // namespace lineagedb
