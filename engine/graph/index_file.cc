// AdjacencyIndex snapshots: Save and Load (adjacency_index.h has the layout).
#define XXH_STATIC_LINKING_ONLY  // XXH64_state_t on the stack.
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "graph/adjacency_index.h"
#include "util/status_macros.h"
#include "util/str_cat.h"

namespace lineagedb::graph {

namespace {

constexpr char kMagic[8] = {'L', 'D', 'B', 'G', 'I', 'D', 'X', '3'};

template <typename T>
void Append(std::string* out, const T& v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

template <typename T, typename A>
void AppendVector(std::string* out, const std::vector<T, A>& v) {
  if (v.empty()) return;  // data() may be null.
  out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// Reads a snapshot straight into its arrays, hashing the bytes as they
// come (one pass over the file, no intermediate copy), never past `limit`
// bytes of payload.
class Reader {
 public:
  Reader(std::ifstream* f, uint64_t limit) : f_(f), left_(limit) {
    XXH64_reset(&hash_, 0);
  }
  bool ReadBytes(void* out, uint64_t n) {
    if (n > left_) return false;
    if (n == 0) return true;  // out may be a null data().
    if (!f_->read(static_cast<char*>(out), static_cast<std::streamsize>(n))) {
      return false;
    }
    XXH64_update(&hash_, out, n);
    left_ -= n;
    return true;
  }
  template <typename T>
  bool Read(T* v) {
    return ReadBytes(v, sizeof(T));
  }
  // False if the file ends first or the memory cannot be had (a sparse
  // file can declare more than the machine holds): too_large() tells.
  template <typename T, typename A>
  bool ReadVector(uint64_t n, std::vector<T, A>* v) {
    if (n > left_ / sizeof(T)) return false;
    try {
      v->resize(n);
    } catch (const std::bad_alloc&) {
      too_large_ = true;
      return false;
    } catch (const std::length_error&) {
      too_large_ = true;
      return false;
    }
    return ReadBytes(v->data(), n * sizeof(T));
  }
  bool too_large() const { return too_large_; }
  uint64_t remaining() const { return left_; }
  uint64_t digest() const { return XXH64_digest(&hash_); }

 private:
  std::ifstream* f_;
  uint64_t left_;
  bool too_large_ = false;
  XXH64_state_t hash_;
};

uint64_t IdentityHash(const std::string& identity) {
  return XXH64(identity.data(), identity.size(), 0);
}

}  // namespace

Status AdjacencyIndex::Save(const std::string& path, const Stamp& stamp) {
  std::unique_lock lock(mu_);
  // The forest is flat already: Build, Load and MergeDelta flatten it, and
  // only Add, which fills the delta, unites.
  if (delta_edges_ > 0) MergeDelta();
  std::string out(kMagic, sizeof(kMagic));
  Append(&out, stamp.seq);
  Append(&out, IdentityHash(stamp.identity));
  for (const Csr& csr : csr_) {
    Append(&out, static_cast<uint64_t>(csr.offsets.size()));
    Append(&out, static_cast<uint64_t>(csr.targets.size()));
    AppendVector(&out, csr.offsets);
    AppendVector(&out, csr.targets);
    AppendVector(&out, csr.types);
  }
  Append(&out, static_cast<uint64_t>(parent_.size()));
  AppendVector(&out, parent_);
  Append(&out, static_cast<uint64_t>(XXH64(out.data(), out.size(), 0)));
  const std::string tmp = path + ".tmp";
  std::error_code ec;
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    f.close();  // Writes the buffer's tail: a full disk can fail only here.
    if (f.fail()) {
      const int error = errno;
      std::filesystem::remove(tmp, ec);  // Not left to fill the disk.
      return absl::InternalError(
          StrCat("cannot write ", tmp, ": ", std::strerror(error)));
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    const std::string why = ec.message();
    std::filesystem::remove(tmp, ec);
    return absl::InternalError(StrCat("cannot rename ", tmp, ": ", why));
  }
  return absl::OkStatus();
}

StatusOr<std::unique_ptr<AdjacencyIndex>> AdjacencyIndex::Load(
    const std::string& path, const Stamp& stamp) {
  // Not a FIFO, whose open would wait for a writer, nor a device.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::NotFoundError(StrCat("no index snapshot ", path));
  }
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f.good()) return absl::NotFoundError(StrCat("no index snapshot ", path));
  const uint64_t size = static_cast<uint64_t>(f.tellg());
  f.seekg(0);
  auto corrupt = [&](std::string_view why) {
    return absl::DataLossError(StrCat("index snapshot ", path, ": ", why));
  };
  if (size < sizeof(kMagic) + 16) return corrupt("not a snapshot");
  // Everything but the trailing checksum is hashed.
  Reader r(&f, size - 8);
  char magic[sizeof(kMagic)];
  if (!r.ReadBytes(magic, sizeof(magic)) ||
      std::memcmp(magic, kMagic, sizeof(kMagic)) != 0) {
    return corrupt("not a snapshot");
  }
  uint64_t snapshot_seq, identity;
  if (!r.Read(&snapshot_seq) || !r.Read(&identity)) {
    return corrupt("truncated");
  }
  auto index = std::unique_ptr<AdjacencyIndex>(new AdjacencyIndex());
  auto short_or_large = [&] {
    return corrupt(r.too_large() ? "too large to load" : "truncated");
  };
  // Vertex indexes and offsets are 32-bit: larger counts are not an index's.
  constexpr uint64_t k32 = uint64_t{1} << 32;
  for (Csr& csr : index->csr_) {
    uint64_t offsets, targets;
    if (!r.Read(&offsets) || !r.Read(&targets)) return corrupt("truncated");
    if (offsets == 0 || offsets > k32 || targets >= k32) {
      return corrupt("bad sizes");
    }
    if (!r.ReadVector(offsets, &csr.offsets) ||
        !r.ReadVector(targets, &csr.targets) ||
        !r.ReadVector(targets, &csr.types)) {
      return short_or_large();
    }
    if (csr.offsets.back() != targets) return corrupt("bad offsets");
  }
  uint64_t slots;
  if (!r.Read(&slots)) return corrupt("truncated");
  if (slots > k32) return corrupt("bad sizes");
  if (!r.ReadVector(slots, &index->parent_)) {
    return short_or_large();
  }
  if (r.remaining() != 0) return corrupt("trailing bytes");
  uint64_t stored_sum;
  if (!f.read(reinterpret_cast<char*>(&stored_sum), 8)) {
    return corrupt("truncated");
  }
  if (stored_sum != r.digest()) return corrupt("checksum mismatch");
  if (identity != IdentityHash(stamp.identity)) {
    return absl::NotFoundError(
        StrCat("index snapshot ", path, " is another store's"));
  }
  if (snapshot_seq != stamp.seq) {
    return absl::NotFoundError(StrCat("index snapshot of sequence ",
                                      snapshot_seq, ", not ", stamp.seq));
  }
  // Checked only once the bytes are known to be the ones saved: every row
  // within its targets, every target a vertex. (That both directions hold
  // the same edges is `lineagedb check`'s to verify, with EdgeDigest: it
  // would add a third to the open of a large store, for a file whose bytes
  // already passed their checksum.)
  for (const Csr& csr : index->csr_) {
    for (size_t v = 0; v + 1 < csr.offsets.size(); ++v) {
      if (csr.offsets[v] > csr.offsets[v + 1]) return corrupt("bad offsets");
    }
    const uint64_t vertices = csr.offsets.size() - 1;
    for (uint32_t t : csr.targets) {
      if (t >= vertices) return corrupt("a target past the vertices");
    }
  }
  // Saved flat: every entry a root, so that no root search can loop.
  const HugeVector<uint32_t>& parent = index->parent_;
  for (size_t v = 0; v < parent.size(); ++v) {
    if (parent[v] >= parent.size() || parent[parent[v]] != parent[v]) {
      return corrupt("bad components");
    }
  }
  index->rank_.assign(parent.size(), 1);
  return index;
}

}  // namespace lineagedb::graph
