// The execution fingerprint: XXH3-128 over a canonical encoding of the cache
// key (schema/FORMAT.md, "Execution fingerprints"). FROZEN: a change here
// changes every stored fingerprint; tests pin known values.
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "codec/coding.h"
#include "lineagedb/caching.h"
#include "util/str_cat.h"

namespace lineagedb {

namespace {

constexpr std::string_view kDomain = "lineagedb.fingerprint.v1";

void PutValue(std::string* out, const Value& v) {
  out->push_back(static_cast<char>(v.kind()));
  switch (v.kind()) {
    case PropertyKind::kInt:
      codec::PutI64(out, v.int_value());
      break;
    case PropertyKind::kDouble: {
      double d = v.double_value();
      if (d == 0) d = 0;  // -0.0 == 0.0
      if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
      codec::PutU64(out, std::bit_cast<uint64_t>(d));
      break;
    }
    case PropertyKind::kString:
      codec::PutString(out, v.string_value());
      break;
    case PropertyKind::kBool:
      out->push_back(v.bool_value() ? 1 : 0);
      break;
    case PropertyKind::kStruct:
      codec::PutString(out, v.struct_value().json);
      break;
    case PropertyKind::kProto:
      codec::PutString(out, v.proto_value().type_url);
      codec::PutString(out, v.proto_value().bytes);
      break;
    case PropertyKind::kUnknown:
      break;
  }
}

}  // namespace

StatusOr<std::string> Fingerprint(const CacheKey& key) {
  if (key.execution_type_id <= 0) {
    return absl::InvalidArgumentError("a cache key needs an execution type");
  }
  std::vector<std::pair<std::string, std::string>> inputs;
  for (const CacheKeyInput& in : key.inputs) {
    if (in.slot.empty()) {
      return absl::InvalidArgumentError("a cache key input needs a slot");
    }
    if (in.content_identity.empty() && in.artifact_id <= 0) {
      return absl::InvalidArgumentError(StrCat(
          "cache key input '", in.slot, "' has neither id nor identity"));
    }
    inputs.emplace_back(in.slot, in.content_identity.empty()
                                     ? StrCat("id:", in.artifact_id)
                                     : StrCat("content:", in.content_identity));
  }
  std::sort(inputs.begin(), inputs.end());
  std::string bytes;
  codec::PutString(&bytes, kDomain);
  codec::PutI64(&bytes, key.execution_type_id);
  codec::PutU32(&bytes, static_cast<uint32_t>(inputs.size()));
  for (const auto& [slot, identity] : inputs) {
    codec::PutString(&bytes, slot);
    codec::PutString(&bytes, identity);
  }
  codec::PutU32(&bytes, static_cast<uint32_t>(key.parameters.size()));
  for (const auto& [name, value] : key.parameters) {
    if (value.kind() == PropertyKind::kUnknown) {
      return absl::InvalidArgumentError(
          StrCat("cache key parameter '", name, "' has no value"));
    }
    codec::PutString(&bytes, name);
    PutValue(&bytes, value);
  }
  codec::PutString(&bytes, key.code_version);
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  std::string raw;
  codec::PutU64(&raw, h.high64);
  codec::PutU64(&raw, h.low64);
  return codec::Hex(raw);
}

}  // namespace lineagedb
