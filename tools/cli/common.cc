#include "tools/cli/common.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>

#include "fmt/format.h"
#include "openlineage/mapping.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {

bool ParseId(std::string_view text, int64_t* id) {
  if (text.empty()) return false;
  int64_t value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
    return false;
  }
  *id = value;
  return true;
}

CLI::Option* AddIdOption(CLI::App* app, const std::string& name, int64_t* id,
                         const std::string& help) {
  return app->add_option_function<std::string>(
      name,
      [id, name](const std::string& text) {
        if (!ParseId(text, id)) {
          throw CLI::ValidationError(
              name, fmt::format("'{}' is no positive 64-bit id", text));
        }
      },
      help);
}

StatusOr<std::unique_ptr<Store>> OpenStore(const GlobalOptions& global,
                                           bool create, bool mmap_reads) {
  Options options;
  options.create_if_missing = create;
  options.mmap_reads = mmap_reads;
  options.salvage_log = global.salvage_log;
  options.read_only = !create && !global.salvage_log;
  // Store::Open refuses a folder without CURRENT before RocksDB touches it
  // (no LOCK or LOG file left behind in someone else's folder): NOT_FOUND,
  // or DATA_LOSS if the folder has the files of a store that lost it.
  std::error_code ec;
  const bool no_current = !std::filesystem::exists(
      std::filesystem::path(global.store) / "CURRENT", ec);
  StatusOr<std::unique_ptr<Store>> store = Store::Open(options, global.store);
  if (no_current && !create && absl::IsNotFound(store.status())) {
    return absl::NotFoundError(fmt::format(
        "no store at {} (create one with `lineagedb init --store {}`)",
        global.store, global.store));
  }
  if (!store.ok()) {
    // A damaged log: the way past it, and its price. A store whose creation
    // did not finish: the way to finish it.
    const bool log = store.status().GetPayload(kDamagedLogPayload).has_value();
    std::string hint;
    if (log) {
      hint =
          " (if its write-ahead log is damaged, --salvage-log opens it without "
          "the damaged writes)";
    } else if (absl::IsNotFound(store.status()) && !create) {
      hint =
          fmt::format("; `lineagedb init --store {}` makes it", global.store);
    }
    return Status(store.status().code(),
                  fmt::format("cannot open store {}: {}{}", global.store,
                              std::string(store.status().message()), hint));
  }
  return store;
}

StatusOr<NodeKind> ParseKind(std::string_view text) {
  if (text == "artifact" || text == "artifacts" || text == "a") {
    return NodeKind::kArtifact;
  }
  if (text == "execution" || text == "executions" || text == "e") {
    return NodeKind::kExecution;
  }
  if (text == "context" || text == "contexts" || text == "c") {
    return NodeKind::kContext;
  }
  return UsageError(fmt::format(
      "unknown kind '{}' (expected artifact, execution or context)", text));
}

Status CheckTypeExists(Store* store, NodeKind kind, const std::string& name,
                       const std::string& version) {
  StatusOr<Type> type = store->GetType(kind, name, version);
  if (!absl::IsNotFound(type.status())) return type.status();
  ASSIGN_OR_RETURN(std::vector<Type> types, store->ListTypes(kind));
  std::vector<std::string> versions;
  for (const Type& t : types) {
    if (t.name != name) continue;
    versions.push_back(t.version.empty() ? "(none)" : t.version);
  }
  if (versions.empty()) {
    return absl::NotFoundError(
        fmt::format("no {} type '{}'", NodeKindName(kind), name));
  }
  // Raw: PrintError makes the whole message printable once.
  return absl::NotFoundError(
      fmt::format("no {} type '{}' {}; its versions (--type-version): {}",
                  NodeKindName(kind), name,
                  version.empty() ? std::string("without a version")
                                  : fmt::format("with version '{}'", version),
                  fmt::join(versions, ", ")));
}

Status CheckTypeNamesExist(Store* store, NodeKind kind,
                           const std::vector<std::string>& names) {
  if (names.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<Type> types, store->ListTypes(kind));
  for (const std::string& name : names) {
    if (std::none_of(types.begin(), types.end(),
                     [&](const Type& t) { return t.name == name; })) {
      return absl::NotFoundError(
          fmt::format("no {} type '{}'", NodeKindName(kind), name));
    }
  }
  return absl::OkStatus();
}

Status TypeVersions::Load(Store* store, NodeKind kind) {
  ASSIGN_OR_RETURN(std::vector<Type> types, store->ListTypes(kind));
  for (const Type& t : types) Add(t);
  return absl::OkStatus();
}

void TypeVersions::Add(const Type& type) {
  if (!type.version.empty()) versions_[type.id] = type.version;
}

std::string_view TypeVersions::Of(int64_t type_id) const {
  auto it = versions_.find(type_id);
  return it == versions_.end() ? std::string_view() : it->second;
}

std::string ShownName(const NodeBase& node) {
  if (!node.name.empty() || node.type != openlineage::kJobType) {
    return node.name;
  }
  const std::string* ns = openlineage::TextProperty(
      node.properties, openlineage::kPropJobNamespace);
  const std::string* job =
      openlineage::TextProperty(node.properties, openlineage::kPropJobName);
  return ns && job ? *ns + "/" + *job : "";
}

std::string RefText(NodeRef ref) {
  return fmt::format("{}:{}", NodeKindName(ref.kind), ref.id);
}

CLI::Option* NotNegative(CLI::Option* option) {
  return option->check(CLI::Validator(
      [](std::string& text) -> std::string {
        const size_t first = text.find_first_not_of(" \t");
        return first != std::string::npos && text[first] == '-'
                   ? "must not be negative"
                   : "";
      },
      "", "NotNegative"));
}

CLI::Option* HopLimit(CLI::Option* option) {
  return option->check(CLI::Validator(
      [](std::string& text) -> std::string {
        // Text that is no int is left to the option's own conversion.
        const size_t first = text.find_first_not_of(" \t");
        if (first == std::string::npos) return "";
        int hops = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data() + first, end, hops);
        return ec == std::errc() && hops < -1 ? "must be >= 0, or -1 (no limit)"
                                              : "";
      },
      "", "HopLimit"));
}

int LineageMaxHops(int hops) {
  return hops < 0 ? std::numeric_limits<int>::max() : hops;
}

StatusOr<std::string> OutputFormat(const GlobalOptions& global,
                                   const CLI::Option* option,
                                   const std::string& format) {
  if (!global.json) return format;
  if (option->count() > 0 && format != "json") {
    return UsageError(fmt::format("--json and --format {} conflict", format));
  }
  return std::string("json");
}

namespace {

// The versions of the OpenLineage dataset `spec` (its "namespace:name";
// versions are named "namespace:name@version"): how many, and the one
// stored last (highest id).
struct DatasetVersions {
  int count = 0;
  int64_t newest = 0;
  std::string newest_version;
};

// Reads the dataset artifacts named `spec`@..., page by page, through the
// name index.
StatusOr<DatasetVersions> FindDatasetVersions(Store* store,
                                              std::string_view spec) {
  NodeQuery query;
  query.type_name = std::string(kDatasetType);
  // A version's name is "NAMESPACE:NAME@VERSION" (the properties below
  // tell a name holding '@' itself apart).
  query.name_prefix = std::string(spec) + "@";
  ListOptions options;
  options.max_result_size = 1000;
  DatasetVersions found;
  do {
    StatusOr<Page<Artifact>> page = store->List<Artifact>(query, options);
    if (absl::IsNotFound(page.status())) return found;  // No such type.
    RETURN_IF_ERROR(page.status());
    for (const Artifact& a : page->items) {
      const std::string* ns =
          openlineage::TextProperty(a.properties, openlineage::kPropNamespace);
      const std::string* name =
          openlineage::TextProperty(a.properties, openlineage::kPropName);
      const std::string* version =
          openlineage::TextProperty(a.properties, openlineage::kPropVersion);
      if (ns == nullptr || name == nullptr || version == nullptr ||
          spec.size() != ns->size() + 1 + name->size() ||
          !spec.starts_with(*ns) || spec[ns->size()] != ':' ||
          !spec.ends_with(*name)) {
        continue;
      }
      ++found.count;
      if (a.id > found.newest) {
        found.newest = a.id;
        found.newest_version = *version;
      }
    }
    options.page_token = std::move(page->next_page_token);
  } while (!options.page_token.empty());
  return found;
}

// Whether node `ref` is stored.
StatusOr<bool> Exists(Store* store, NodeRef ref) {
  if (ref.kind == NodeKind::kArtifact) {
    ASSIGN_OR_RETURN(std::vector<Artifact> nodes,
                     store->GetByIds<Artifact>({ref.id}));
    return !nodes.empty();
  }
  ASSIGN_OR_RETURN(std::vector<Execution> nodes,
                   store->GetByIds<Execution>({ref.id}));
  return !nodes.empty();
}

// The one artifact of any type and version (an OpenLineage dataset's
// too) named `name`; nullopt if none. Errors: a usage error when artifacts
// of several types have the name.
StatusOr<std::optional<int64_t>> ArtifactNamed(Store* store,
                                               std::string_view name) {
  ASSIGN_OR_RETURN(std::vector<Type> types,
                   store->ListTypes(NodeKind::kArtifact));
  std::vector<Artifact> named;
  for (const Type& type : types) {
    StatusOr<Artifact> a =
        store->GetByTypeAndName<Artifact>(type.name, name, type.version);
    if (a.ok()) {
      named.push_back(*std::move(a));
    } else if (a.status().code() != absl::StatusCode::kNotFound) {
      return a.status();
    }
  }
  if (named.size() > 1) {
    return UsageError(
        fmt::format("'{}' names {} artifacts of different types or type "
                    "versions (artifact:{}, artifact:{}{}); give one by id",
                    name, named.size(), named[0].id, named[1].id,
                    named.size() > 2 ? ", ..." : ""));
  }
  if (named.empty()) return std::optional<int64_t>();
  return named[0].id;
}

}  // namespace

StatusOr<NodeRef> ResolveNode(Store* store, std::string_view spec) {
  if (spec.empty()) {
    return UsageError(
        "a node is artifact:ID, execution:ID, NAMESPACE:NAME[@VERSION] or an "
        "artifact's name, not empty");
  }
  // Without one, only an artifact's name (MLMD's names need no colon).
  const size_t colon = spec.find(':');
  const bool has_head =
      colon != std::string_view::npos && colon != 0 && colon + 1 != spec.size();
  const std::string_view head = has_head ? spec.substr(0, colon) : "";
  const std::string_view tail = has_head ? spec.substr(colon + 1) : "";
  const bool by_id = head == "artifact" || head == "execution";
  int64_t id = 0;
  const bool is_id = by_id && ParseId(tail, &id);
  if (is_id) {
    const NodeRef ref{
        head == "artifact" ? NodeKind::kArtifact : NodeKind::kExecution, id};
    ASSIGN_OR_RETURN(const bool exists, Exists(store, ref));
    if (exists) return ref;
    // No such node: maybe a name ("artifact:9", a dataset in namespace
    // "artifact"), looked up below.
  }
  ASSIGN_OR_RETURN(const std::optional<int64_t> named,
                   ArtifactNamed(store, spec));
  if (named.has_value()) return NodeRef{NodeKind::kArtifact, *named};
  // "artifact:abc", "artifact:-1", "artifact:99999999999999999999": neither
  // an id nor a name.
  if (by_id && !is_id) {
    return UsageError(fmt::format(
        "bad id '{}' in '{}' (expected a positive integer)", tail, spec));
  }
  if (!has_head) {
    return absl::NotFoundError(fmt::format(
        "no artifact named '{}' (a node is artifact:ID, execution:ID, "
        "NAMESPACE:NAME[@VERSION] or an artifact's name)",
        spec));
  }
  ASSIGN_OR_RETURN(const DatasetVersions versions,
                   FindDatasetVersions(store, spec));
  if (versions.count > 1) {
    // A "no" about the one version must not read as one about them all.
    std::cerr << fmt::format(
        "lineagedb: note: '{}' has {} versions; using the one stored last, "
        "artifact:{} (version '{}')\n",
        Printable(spec), versions.count, versions.newest,
        Printable(versions.newest_version));
  }
  if (versions.newest != 0) {
    return NodeRef{NodeKind::kArtifact, versions.newest};
  }
  if (is_id) return absl::NotFoundError(fmt::format("no {} {}", head, id));
  // "context:ID" (a dataset in namespace "context" was looked up first).
  if (head == "context" && ParseId(tail, &id)) {
    return UsageError(
        "lineage connects artifacts and executions, not contexts");
  }
  return absl::NotFoundError(
      fmt::format("no dataset or artifact named '{}'", spec));
}

namespace {

// CheckInput for `path`, whose status() gave `status` and `ec`.
Status CheckInputStatus(const std::string& path,
                        const std::filesystem::file_status& status,
                        const std::error_code& ec) {
  if (status.type() == std::filesystem::file_type::not_found) {
    return absl::NotFoundError(fmt::format("no such file: {}", path));
  }
  if (ec) {  // E.g. a folder on the way that cannot be searched.
    return absl::InternalError(
        fmt::format("cannot open {}: {}", path, ec.message()));
  }
  if (std::filesystem::is_directory(status)) {
    return UsageError(fmt::format("{} is a directory, not a file", path));
  }
  return absl::OkStatus();
}

}  // namespace

std::string SummaryText(const OpenLineageSummary& s) {
  return fmt::format(
      "ingested {} events: {} runs, {} jobs, {} datasets, {} new edges, {} "
      "rejected",
      s.events, s.runs, s.jobs, s.datasets, s.edges, s.rejected);
}

std::string SummaryText(const NativeJsonSummary& s) {
  return fmt::format(
      "ingested {} executions: {} types, {} artifacts, {} events, {} "
      "rejected",
      s.executions, s.types, s.artifacts, s.events, s.rejected);
}

Status CheckInput(const std::string& path) {
  if (path == "-") return absl::OkStatus();
  // Pipes and devices are read as streams (`<(zcat x.gz)`, a FIFO).
  std::error_code ec;
  return CheckInputStatus(path, std::filesystem::status(path, ec), ec);
}

StatusOr<std::unique_ptr<InputStream>> InputStream::Open(
    const std::string& path) {
  if (path == "-") {
    return std::unique_ptr<InputStream>(
        new InputStream(stdin, "<stdin>", 0, /*owned=*/false));
  }
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  RETURN_IF_ERROR(CheckInputStatus(path, status, ec));
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::InternalError(
        fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  }
  size_t size = 0;
  if (std::filesystem::is_regular_file(status)) {
    size = static_cast<size_t>(std::filesystem::file_size(path, ec));
    if (ec) size = 0;
  }
  return std::unique_ptr<InputStream>(
      new InputStream(file, path, size, /*owned=*/true));
}

InputStream::~InputStream() {
  if (owned_) std::fclose(file_);
}

Status InputStream::ReadAgainLater() {
  struct stat st;
  if (fstat(fileno(file_), &st) == 0 && S_ISREG(st.st_mode)) {
    start_ = std::ftell(file_);
    if (start_ >= 0) return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(copy_, TemporaryFile());
  return absl::OkStatus();
}

Status InputStream::Rewind() {
  if (copy_ != nullptr) {
    if (owned_) std::fclose(file_);
    owned_ = false;
    file_ = copy_.get();  // Read from here on; closed by copy_.
    start_ = 0;
    if (std::fflush(file_) != 0) {
      return absl::InternalError(
          fmt::format("cannot keep a copy of {} to read again: {}", name_,
                      std::strerror(errno)));
    }
  }
  if (std::fseek(file_, start_, SEEK_SET) != 0) {
    return absl::InternalError(
        fmt::format("cannot read {} again: {}", name_, std::strerror(errno)));
  }
  limit_ = read_;
  read_ = 0;
  return absl::OkStatus();
}

StatusOr<size_t> InputStream::Read(size_t max, std::string* out) {
  max = std::min(max, limit_ - read_);
  const size_t old = out->size();
  out->resize(old + max);
  const size_t n = std::fread(out->data() + old, 1, max, file_);
  out->resize(old + n);
  if (n < max && std::ferror(file_) != 0) {
    return absl::InternalError(fmt::format("cannot read {}", name_));
  }
  read_ += n;
  std::FILE* const copy = file_ == copy_.get() ? nullptr : copy_.get();
  if (copy != nullptr && n > 0 &&
      std::fwrite(out->data() + old, 1, n, copy) != n) {
    return absl::InternalError(
        fmt::format("cannot keep a copy of {} to read again: {}", name_,
                    std::strerror(errno)));
  }
  return n;
}

StatusOr<int> MakeTemporaryFile(std::string_view stem, std::string* path) {
  const char* env = std::getenv("TMPDIR");
  const std::string dir = env != nullptr && *env != '\0' ? env : "/tmp";
  *path = fmt::format("{}/lineagedb-{}-XXXXXX", dir, stem);
  const int fd = mkstemp(path->data());
  if (fd < 0) {
    return absl::InternalError(fmt::format(
        "cannot make a temporary file in {}: {}", dir, std::strerror(errno)));
  }
  return fd;
}

StatusOr<FilePtr> TemporaryFile() {
  std::string path;
  ASSIGN_OR_RETURN(const int fd, MakeTemporaryFile("input", &path));
  unlink(path.c_str());
  std::FILE* file = fdopen(fd, "w+b");
  if (file == nullptr) {
    const int error = errno;
    close(fd);
    return absl::InternalError(
        fmt::format("cannot open a temporary file: {}", std::strerror(error)));
  }
  return FilePtr(file);
}

void MakeRoomForOpenFiles(size_t files) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  // Room for the store's own files too (RocksDB keeps its tables open).
  const rlim_t wanted = static_cast<rlim_t>(files) + 1024;
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY
                       ? wanted
                       : std::min(limit.rlim_max, wanted);
  setrlimit(RLIMIT_NOFILE, &limit);
}

StatusOr<std::string> ReadInput(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<InputStream> in, InputStream::Open(path));
  // A regular file is read in one call of its size; a stream in blocks
  // that grow with it.
  std::string text;
  text.reserve(in->size_hint() + 1);
  for (;;) {
    const size_t block = std::max<size_t>(
        {size_t{1} << 20, text.size(), text.capacity() - text.size()});
    ASSIGN_OR_RETURN(const size_t n, in->Read(block, &text));
    if (n < block) return text;  // fread reads short only at the end.
  }
}

Status WriteOutput(const std::string& path, std::string_view text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    return absl::OkStatus();
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::InternalError(fmt::format("cannot write {}", path));
  return absl::OkStatus();
}

double NowSeconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace lineagedb::cli
