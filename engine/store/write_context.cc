#include "store/write_context.h"

#include <algorithm>
#include <chrono>

#include "codec/keys.h"

namespace lineagedb::store {

namespace {
absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

WriteContext::WriteContext(storage::Kv* kv, const codec::Counters& counters,
                           int64_t now_ms)
    : kv_(kv), view_(kv->NewReadView()), counters_(counters), now_ms_(now_ms) {
  ++counters_.seq;
}

Status WriteContext::Get(std::string_view key, std::string* value) {
  if (auto it = overlay_.find(AbslView(key)); it != overlay_.end()) {
    if (!it->second.has_value()) return absl::NotFoundError("deleted");
    *value = *it->second;
    return absl::OkStatus();
  }
  return view_->Get(key, value);
}

StatusOr<bool> WriteContext::Exists(std::string_view key) {
  std::string ignored;
  Status s = Get(key, &ignored);
  if (s.ok()) return true;
  if (absl::IsNotFound(s)) return false;
  return s;
}

void WriteContext::Put(std::string_view key, std::string_view value) {
  batch_.Put(key, value);
  overlay_[AbslView(key)] = std::string(value);
}

void WriteContext::Delete(std::string_view key) {
  batch_.Delete(key);
  overlay_[AbslView(key)] = std::nullopt;
}

int64_t WriteContext::NextNodeId(NodeKind kind) {
  return counters_.next_node_id[static_cast<int>(kind) - 1]++;
}

int64_t WriteContext::NextTypeId() { return counters_.next_type_id++; }

int64_t WriteContext::CreateTime(NodeKind kind) {
  int64_t& last = counters_.last_create_ms[static_cast<int>(kind) - 1];
  last = std::max(last, now_ms_);
  return last;
}

Status WriteContext::Commit(bool sync) {
  batch_.Put(codec::MetaKey(codec::MetaId::kCounters),
             codec::EncodeCounters(counters_));
  return kv_->Write(&batch_, sync);
}

}  // namespace lineagedb::store
