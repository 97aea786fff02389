#include "tools/cli/check_heads.h"

#include <algorithm>

#include "codec/coding.h"
#include "codec/keys.h"
#include "fmt/format.h"

namespace lineagedb::cli {

namespace {

// Whether `value` under `key` in `view` equals `expected`.
bool Matches(const storage::ReadView& view, const std::string& key,
             std::string_view expected) {
  std::string value;
  return view.Get(key, &value).ok() && value == expected;
}

}  // namespace

void CheckHeadAnswer(const storage::ReadView& view, std::string_view key,
                     int64_t id, const codec::HeadAnswer& answer,
                     std::vector<std::string>* problems) {
  auto problem = [&](std::string_view what) {
    problems->push_back(fmt::format("fingerprint head {} (execution {}): {}",
                                    codec::Hex(key), id, what));
  };
  if (!Matches(view, codec::NodeKey(NodeKind::kExecution, id),
               answer.execution)) {
    problem("its copy of the execution's record differs from the record");
  }
  std::vector<codec::HeadOutput> outputs;
  auto it = view.Scan(codec::EventPrefix(codec::Tag::kEventByExecution, id,
                                         codec::Direction::kOutput));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    codec::ParsedEventKey parsed;
    if (!codec::ParseEventKey(it->key(), &parsed)) continue;  // Reported.
    outputs.push_back({parsed.to, parsed.type, std::string(it->value()), ""});
  }
  if (!it->status().ok()) {
    return problem(fmt::format("scan of its output events failed: {}",
                               it->status().ToString()));
  }
  const bool same_events =
      std::equal(outputs.begin(), outputs.end(), answer.outputs.begin(),
                 answer.outputs.end(), [](const auto& a, const auto& b) {
                   return a.artifact_id == b.artifact_id && a.type == b.type &&
                          a.event == b.event;
                 });
  if (!same_events) {
    problem(
        fmt::format("it lists {} output events, the store has {} (or "
                    "they differ)",
                    answer.outputs.size(), outputs.size()));
  }
  std::string fingerprint;
  if (!codec::ParseFingerprintHeadKey(key, &fingerprint)) return;
  for (const codec::HeadOutput& o : answer.outputs) {
    if (!Matches(view, codec::NodeKey(NodeKind::kArtifact, o.artifact_id),
                 o.artifact)) {
      problem(fmt::format("its copy of artifact {} differs from the record",
                          o.artifact_id));
    }
    const std::string list_key = codec::HeadsByArtifactKey(o.artifact_id);
    std::string value;
    std::vector<std::string> list;
    if (!view.Get(list_key, &value).ok() ||
        !codec::DecodeFingerprintList(list_key, value, &list).ok() ||
        std::find(list.begin(), list.end(), fingerprint) == list.end()) {
      problem(fmt::format("the heads-by-artifact entry {} does not list it",
                          codec::Hex(list_key)));
    }
  }
}

}  // namespace lineagedb::cli
