// The [41] fingerprint heads and, from format version 3, the answers they
// carry with the [42] lists that find them (schema/FORMAT.md): every write
// that changes what a cache lookup of a fingerprint returns rewrites its
// head in the same batch.
#include <algorithm>

#include "codec/coding.h"
#include "codec/keys.h"
#include "store/store_impl.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb {

using codec::HeadAnswer;
using codec::HeadOutput;
using codec::NodeRow;

namespace {

// The fingerprint of `row` if it is a COMPLETE execution, else empty.
std::string_view CompleteFingerprint(const NodeRow& row) {
  if (row.kind != NodeKind::kExecution ||
      static_cast<ExecutionState>(row.state) != ExecutionState::kComplete) {
    return {};
  }
  return row.fingerprint;
}

// A head as `wc` sees it: its id (0 unknown, -1 no head) and its answer.
struct Head {
  int64_t id = -1;
  std::optional<HeadAnswer> answer;
};

StatusOr<Head> ReadHead(WriteContext& wc, const std::string& key,
                        bool with_answer) {
  Head head;
  std::string value;
  Status s = wc.Get(key, &value);
  if (absl::IsNotFound(s)) return head;
  RETURN_IF_ERROR(s);
  RETURN_IF_ERROR(codec::DecodeFingerprintHead(
      key, value, &head.id, with_answer ? &head.answer : nullptr));
  return head;
}

// The [42] list of artifact `id` as `wc` sees it (empty when absent).
StatusOr<std::vector<std::string>> ReadList(WriteContext& wc, int64_t id) {
  const std::string key = codec::HeadsByArtifactKey(id);
  std::vector<std::string> list;
  std::string value;
  if (wc.IsNew(NodeKind::kArtifact, id)) {
    // Nothing committed can list an artifact this batch inserted.
    if (wc.GetPending(key, &value).value_or(false)) {
      RETURN_IF_ERROR(codec::DecodeFingerprintList(key, value, &list));
    }
    return list;
  }
  Status s = wc.Get(key, &value);
  if (absl::IsNotFound(s)) return list;
  RETURN_IF_ERROR(s);
  RETURN_IF_ERROR(codec::DecodeFingerprintList(key, value, &list));
  return list;
}

// Adds `fingerprint` to the [42] list of artifact `id`.
Status AddToList(WriteContext& wc, int64_t id, std::string_view fingerprint) {
  ASSIGN_OR_RETURN(std::vector<std::string> list, ReadList(wc, id));
  if (std::find(list.begin(), list.end(), fingerprint) != list.end()) {
    return absl::OkStatus();
  }
  list.emplace_back(fingerprint);
  wc.Put(codec::HeadsByArtifactKey(id), codec::EncodeFingerprintList(list));
  return absl::OkStatus();
}

// Puts `output` in [31] key order, over the one with its event type and
// artifact if there is one; true if it is new.
bool UpsertOutput(HeadAnswer* answer, HeadOutput output) {
  auto order = [](const HeadOutput& o) {
    return std::make_pair(o.type, o.artifact_id);
  };
  auto pos = std::lower_bound(
      answer->outputs.begin(), answer->outputs.end(), output,
      [&](const auto& a, const auto& b) { return order(a) < order(b); });
  if (pos != answer->outputs.end() && order(*pos) == order(output)) {
    *pos = std::move(output);
    return false;
  }
  answer->outputs.insert(pos, std::move(output));
  return true;
}

// `output` with its artifact's record as `wc` sees it.
Status FillArtifact(WriteContext& wc, HeadOutput* output) {
  return wc.Get(codec::NodeKey(NodeKind::kArtifact, output->artifact_id),
                &output->artifact);
}

// A head keeps its answer up to this many outputs or bytes; past them it
// names its execution only, and lookups read the records (each new output
// would otherwise rewrite a value that grows with every output).
constexpr size_t kMaxAnswerOutputs = 64;
constexpr size_t kMaxAnswerBytes = 16 << 10;

bool Fits(const HeadAnswer& answer) {
  if (answer.outputs.size() > kMaxAnswerOutputs) return false;
  size_t bytes = answer.execution.size();
  for (const HeadOutput& o : answer.outputs) {
    bytes += o.event.size() + o.artifact.size();
  }
  return bytes <= kMaxAnswerBytes;
}

// Writes head `key` naming `id`, with `answer` if it fits.
void PutHead(WriteContext& wc, const std::string& key, int64_t id,
             const HeadAnswer& answer) {
  wc.Put(key,
         codec::EncodeFingerprintHead(id, Fits(answer) ? &answer : nullptr));
}

}  // namespace

StatusOr<std::optional<HeadAnswer>> StoreImpl::AnswerOf(
    WriteContext& wc, int64_t id, std::string_view record) {
  // The committed output events are a scan of the storage, which does not
  // hold a batch still being written in the background. The events this
  // batch stages join at its commit (StageHeadOutputs).
  if (wc.has_detached()) return std::nullopt;
  HeadAnswer answer;
  answer.execution = record;
  auto view = kv_->NewReadView();
  auto it = view->Scan(codec::EventPrefix(codec::Tag::kEventByExecution, id,
                                          codec::Direction::kOutput));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    codec::ParsedEventKey key;
    if (!codec::ParseEventKey(it->key(), &key)) {
      return absl::DataLossError(
          StrCat("bad event key ", codec::Hex(it->key())));
    }
    answer.outputs.push_back(
        {key.to, key.type, std::string(it->value()), std::string()});
  }
  RETURN_IF_ERROR(it->status());
  for (HeadOutput& o : answer.outputs) RETURN_IF_ERROR(FillArtifact(wc, &o));
  return answer;
}

Status StoreImpl::StageFingerprintHead(WriteContext& wc, const NodeRow* stored,
                                       const NodeRow& merged,
                                       std::string_view record) {
  const std::string_view now = CompleteFingerprint(merged);
  const std::string_view was =
      stored == nullptr ? std::string_view() : CompleteFingerprint(*stored);
  const int64_t id = merged.base.id;
  const bool answers = has_head_answers();
  if (now == was) {
    if (now.empty() || !answers) return absl::OkStatus();
    // Still COMPLETE with the same fingerprint: if it is the head, its
    // answer holds the new record.
    const std::string key = codec::FingerprintHeadKey(now);
    ASSIGN_OR_RETURN(Head head, ReadHead(wc, key, /*with_answer=*/true));
    if (head.id == id && head.answer.has_value()) {
      head.answer->execution = record;
      PutHead(wc, key, id, *head.answer);
    }
    return absl::OkStatus();
  }
  if (!was.empty()) {
    // This execution stops counting for `was`: a head naming it becomes
    // unknown (finding the next newest would take a scan).
    const std::string key = codec::FingerprintHeadKey(was);
    ASSIGN_OR_RETURN(const Head head, ReadHead(wc, key, false));
    if (head.id == id) wc.Put(key, codec::EncodeFingerprintHead(0));
  }
  if (now.empty()) return absl::OkStatus();
  const std::string key = codec::FingerprintHeadKey(now);
  // A new execution has the highest id of all. An older one becomes the
  // head only over no head or an older one; an unknown head stays unknown.
  int64_t head = -1;
  if (stored != nullptr) {
    ASSIGN_OR_RETURN(const Head h, ReadHead(wc, key, false));
    head = h.id;
  }
  if (!(head < 0 || (head > 0 && head < id))) return absl::OkStatus();
  if (!answers) {
    wc.Put(key, codec::EncodeFingerprintHead(id));
    return absl::OkStatus();
  }
  if (stored == nullptr) {
    // Inserted now: no output events yet (StageHeadOutputs adds them).
    HeadAnswer answer;
    answer.execution = record;
    PutHead(wc, key, id, answer);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::optional<HeadAnswer> answer, AnswerOf(wc, id, record));
  if (!answer.has_value() || !Fits(*answer)) {
    wc.Put(key, codec::EncodeFingerprintHead(id));
    return absl::OkStatus();
  }
  PutHead(wc, key, id, *answer);
  for (const HeadOutput& o : answer->outputs) {
    RETURN_IF_ERROR(AddToList(wc, o.artifact_id, now));
  }
  return absl::OkStatus();
}

Status StoreImpl::StageHeadOutputs(WriteContext& wc) {
  if (!has_head_answers()) return absl::OkStatus();
  std::vector<store::StagedEvent> outputs;
  for (const store::StagedEvent& e : wc.staged_events()) {
    if (codec::DirectionOf(e.type) == codec::Direction::kOutput) {
      outputs.push_back(e);
    }
  }
  std::stable_sort(outputs.begin(), outputs.end(),
                   [](const auto& a, const auto& b) {
                     return a.execution_id < b.execution_id;
                   });
  for (auto group = outputs.begin(); group != outputs.end();) {
    const int64_t id = group->execution_id;
    auto end = std::find_if(group, outputs.end(), [&](const auto& e) {
      return e.execution_id != id;
    });
    const std::string exec_key = codec::NodeKey(NodeKind::kExecution, id);
    std::string value;
    RETURN_IF_ERROR(wc.Get(exec_key, &value));
    NodeRow exec;
    RETURN_IF_ERROR(codec::DecodeNode(exec_key, value, &exec));
    const std::string_view fingerprint = CompleteFingerprint(exec);
    std::optional<Head> head;
    std::string key;
    if (!fingerprint.empty()) {
      key = codec::FingerprintHeadKey(fingerprint);
      ASSIGN_OR_RETURN(head, ReadHead(wc, key, /*with_answer=*/true));
    }
    if (head.has_value() && head->id == id && head->answer.has_value()) {
      std::vector<int64_t> added;
      for (auto e = group; e != end; ++e) {
        HeadOutput o{e->artifact_id, e->type, std::string(), std::string()};
        RETURN_IF_ERROR(wc.Get(codec::EventKey(codec::Tag::kEventByArtifact,
                                               e->artifact_id, e->type, id),
                               &o.event));
        RETURN_IF_ERROR(FillArtifact(wc, &o));
        if (UpsertOutput(&*head->answer, std::move(o))) {
          added.push_back(e->artifact_id);
        }
      }
      PutHead(wc, key, id, *head->answer);
      if (Fits(*head->answer)) {
        for (int64_t a : added) RETURN_IF_ERROR(AddToList(wc, a, fingerprint));
      }
    }
    group = end;
  }
  return absl::OkStatus();
}

Status StoreImpl::StageHeadArtifact(WriteContext& wc, int64_t id,
                                    std::string_view record) {
  if (!has_head_answers()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<std::string> list, ReadList(wc, id));
  if (list.empty()) return absl::OkStatus();
  std::vector<std::string> kept;
  for (std::string& fingerprint : list) {
    const std::string key = codec::FingerprintHeadKey(fingerprint);
    ASSIGN_OR_RETURN(Head head, ReadHead(wc, key, /*with_answer=*/true));
    bool listed = false;
    if (head.answer.has_value()) {
      for (HeadOutput& o : head.answer->outputs) {
        if (o.artifact_id != id) continue;
        o.artifact = record;
        listed = true;
      }
    }
    if (!listed) continue;  // The head moved on: drop it from the list.
    PutHead(wc, key, head.id, *head.answer);
    kept.push_back(std::move(fingerprint));
  }
  if (kept.size() != list.size()) {
    const std::string key = codec::HeadsByArtifactKey(id);
    if (kept.empty()) {
      wc.Delete(key);
    } else {
      wc.Put(key, codec::EncodeFingerprintList(kept));
    }
  }
  return absl::OkStatus();
}

}  // namespace lineagedb
