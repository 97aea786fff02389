#include "store/result_cache.h"

#include <algorithm>

#include "codec/keys.h"
#include "util/absl_view.h"

namespace lineagedb::store {

namespace {

constexpr size_t kIdBytes = 8;

}  // namespace

ResultCache::ResultCache(size_t capacity) : capacity_(capacity) {}

uint64_t ResultCache::Ticket() const {
  std::lock_guard lock(mu_);
  return generation_;
}

std::shared_ptr<const void> ResultCache::Find(std::string_view key) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(AbslView(key));
  return it == entries_.end() ? nullptr : it->second.value;
}

void ResultCache::Insert(uint64_t ticket, std::string key,
                         std::shared_ptr<const void> value,
                         std::vector<std::string> dependencies) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mu_);
  if (ticket != generation_ || publishing_) return;
  EraseLocked(key);
  while (entries_.size() >= capacity_ && !fifo_.empty()) {
    auto [oldest, serial] = std::move(fifo_.front());
    fifo_.pop_front();
    auto it = entries_.find(oldest);
    if (it != entries_.end() && it->second.serial == serial) {
      EraseLocked(oldest);
    }
  }
  const uint64_t serial = next_serial_++;
  for (const std::string& token : dependencies) {
    dependents_[token].push_back(key);
  }
  fifo_.emplace_back(key, serial);
  entries_[std::move(key)] =
      Entry{std::move(value), std::move(dependencies), serial};
  // Entries erased by invalidation leave their FIFO slots behind; keep the
  // queue within a small multiple of the entries.
  if (fifo_.size() > 2 * capacity_ + 16) {
    std::deque<std::pair<std::string, uint64_t>> live;
    for (auto& slot : fifo_) {
      auto it = entries_.find(slot.first);
      if (it != entries_.end() && it->second.serial == slot.second) {
        live.push_back(std::move(slot));
      }
    }
    fifo_.swap(live);
  }
}

void ResultCache::EraseLocked(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  for (const std::string& token : it->second.dependencies) {
    auto d = dependents_.find(token);
    if (d == dependents_.end()) continue;
    auto& keys = d->second;
    keys.erase(std::remove(keys.begin(), keys.end(), key), keys.end());
    if (keys.empty()) dependents_.erase(d);
  }
  entries_.erase(it);
}

void ResultCache::Invalidate(const storage::WriteBatch& batch) {
  std::lock_guard lock(mu_);
  ++generation_;
  if (entries_.empty()) return;
  batch.ForEachKey([this](std::string_view key) {
    std::string_view token = DependencyOf(key);
    if (token.empty()) return;
    auto d = dependents_.find(AbslView(token));
    if (d == dependents_.end()) return;
    // EraseLocked edits this list: take it first.
    std::vector<std::string> keys = std::move(d->second);
    dependents_.erase(d);
    for (const std::string& k : keys) EraseLocked(k);
  });
}

void ResultCache::BeginPublish() {
  std::lock_guard lock(mu_);
  publishing_ = true;
  ++generation_;
}

void ResultCache::EndPublish() {
  std::lock_guard lock(mu_);
  publishing_ = false;
  ++generation_;
}

size_t ResultCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

std::string_view ResultCache::DependencyOf(std::string_view key) {
  if (key.empty()) return {};
  switch (static_cast<codec::Tag>(key[0])) {
    case codec::Tag::kNode:
      return key;
    case codec::Tag::kEventByExecution:
      return key.size() > 1 + kIdBytes ? key.substr(0, 1 + kIdBytes)
                                       : std::string_view();
    case codec::Tag::kExecutionByFingerprint:
      return key.size() > 1 + kIdBytes ? key.substr(0, key.size() - kIdBytes)
                                       : std::string_view();
    case codec::Tag::kFingerprintHead:
      return key;
    default:
      return {};
  }
}

std::string ResultCache::NodeToken(NodeKind kind, int64_t id) {
  return codec::NodeKey(kind, id);
}

std::string ResultCache::ExecutionEventsToken(int64_t execution_id) {
  return codec::EventPrefix(codec::Tag::kEventByExecution, execution_id);
}

std::string ResultCache::FingerprintToken(std::string_view fingerprint) {
  return codec::ExecutionByFingerprintPrefix(fingerprint);
}

std::string ResultCache::FingerprintHeadToken(std::string_view fingerprint) {
  return codec::FingerprintHeadKey(fingerprint);
}

}  // namespace lineagedb::store
