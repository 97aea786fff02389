// AdjacencyIndex snapshots: Save and Load (adjacency_index.h has the layout).
#include <xxhash.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "graph/adjacency_index.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::graph {

namespace {

constexpr char kMagic[8] = {'L', 'D', 'B', 'G', 'I', 'D', 'X', '1'};

template <typename T>
void Append(std::string* out, const T& v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

template <typename T>
void AppendVector(std::string* out, const std::vector<T>& v) {
  if (v.empty()) return;  // data() may be null.
  out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// A bounds-checked reader over the snapshot bytes.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  bool Read(T* v) {
    if (in_.size() < sizeof(T)) return false;
    std::memcpy(v, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return true;
  }
  template <typename T>
  bool ReadVector(uint64_t n, std::vector<T>* v) {
    if (n > in_.size() / sizeof(T)) return false;
    v->resize(n);
    if (n == 0) return true;  // memcpy of a null data() is undefined.
    std::memcpy(v->data(), in_.data(), n * sizeof(T));
    in_.remove_prefix(n * sizeof(T));
    return true;
  }
  size_t remaining() const { return in_.size(); }

 private:
  std::string_view in_;
};

}  // namespace

Status AdjacencyIndex::Save(const std::string& path, uint64_t seq) {
  std::unique_lock lock(mu_);
  if (delta_edges_ > 0) MergeDelta();
  std::string out(kMagic, sizeof(kMagic));
  Append(&out, seq);
  for (const Csr& csr : csr_) {
    Append(&out, static_cast<uint64_t>(csr.offsets.size()));
    Append(&out, static_cast<uint64_t>(csr.targets.size()));
    AppendVector(&out, csr.offsets);
    AppendVector(&out, csr.targets);
    AppendVector(&out, csr.types);
  }
  Append(&out, static_cast<uint64_t>(XXH64(out.data(), out.size(), 0)));
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    if (!f.good()) {
      return absl::InternalError(StrCat("cannot write ", tmp));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    return absl::InternalError(
        StrCat("cannot rename ", tmp, ": ", ec.message()));
  }
  return absl::OkStatus();
}

StatusOr<std::unique_ptr<AdjacencyIndex>> AdjacencyIndex::Load(
    const std::string& path, uint64_t seq) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f.good()) return absl::NotFoundError(StrCat("no index snapshot ", path));
  std::string bytes(static_cast<size_t>(f.tellg()), '\0');
  f.seekg(0);
  f.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f.good()) return absl::DataLossError(StrCat("cannot read ", path));
  auto corrupt = [&](std::string_view why) {
    return absl::DataLossError(StrCat("index snapshot ", path, ": ", why));
  };
  if (bytes.size() < sizeof(kMagic) + 16 ||
      std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return corrupt("not a snapshot");
  }
  uint64_t stored_sum;
  std::memcpy(&stored_sum, bytes.data() + bytes.size() - 8, 8);
  if (stored_sum != XXH64(bytes.data(), bytes.size() - 8, 0)) {
    return corrupt("checksum mismatch");
  }
  Reader r(std::string_view(bytes).substr(sizeof(kMagic),
                                          bytes.size() - sizeof(kMagic) - 8));
  uint64_t snapshot_seq;
  r.Read(&snapshot_seq);
  if (snapshot_seq != seq) {
    return absl::NotFoundError(
        StrCat("index snapshot of sequence ", snapshot_seq, ", not ", seq));
  }
  auto index = std::unique_ptr<AdjacencyIndex>(new AdjacencyIndex());
  for (Csr& csr : index->csr_) {
    uint64_t offsets, targets;
    if (!r.Read(&offsets) || !r.Read(&targets) || offsets == 0 ||
        !r.ReadVector(offsets, &csr.offsets) ||
        !r.ReadVector(targets, &csr.targets) ||
        !r.ReadVector(targets, &csr.types)) {
      return corrupt("truncated");
    }
    if (csr.offsets.back() != targets) return corrupt("bad offsets");
    for (size_t v = 0; v + 1 < csr.offsets.size(); ++v) {
      if (csr.offsets[v] > csr.offsets[v + 1]) return corrupt("bad offsets");
    }
  }
  if (r.remaining() != 0) return corrupt("trailing bytes");
  return index;
}

}  // namespace lineagedb::graph
