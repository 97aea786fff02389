// Helpers shared by the subcommands: opening the store and naming nodes on
// the command line.
#ifndef LINEAGEDB_TOOLS_CLI_COMMON_H_
#define LINEAGEDB_TOOLS_CLI_COMMON_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lineagedb/lineage.h"
#include "lineagedb/lineagedb.h"
#include "lineagedb/native_json.h"
#include "lineagedb/openlineage.h"
#include "tools/cli/tool.h"

namespace lineagedb::cli {

// The artifact type of OpenLineage datasets and the execution type of its
// runs (schema/OPENLINEAGE.md); datasets are named "namespace:name".
inline constexpr std::string_view kDatasetType = "openlineage.Dataset";
inline constexpr std::string_view kJobType = "openlineage.Job";

// Opens the store of `global`: for writing if `create` (the commands that
// write), else read-only (Options::read_only: beside a writer, on a
// read-only file system), unless --salvage-log asks for the repair, which
// writes. With create false a missing store is NOT_FOUND with a hint to
// run `lineagedb init`. `mmap_reads` as in Options.
StatusOr<std::unique_ptr<Store>> OpenStore(const GlobalOptions& global,
                                           bool create, bool mmap_reads = true);

// "artifact", "execution", "context" (also plural or a/e/c). UsageError
// otherwise.
StatusOr<NodeKind> ParseKind(std::string_view text);

// True with *id if `text` is a positive decimal 64-bit integer and nothing
// else.
bool ParseId(std::string_view text, int64_t* id);

// Makes count `option` refuse a negative number (which an unsigned option
// would otherwise take wrapped around) with a plain message. Returns it.
CLI::Option* NotNegative(CLI::Option* option);

// Makes `option` a --hops limit: a count, or -1 for no limit; anything
// below -1 is a usage error at parse time. Returns it.
CLI::Option* HopLimit(CLI::Option* option);

// LineageQuery::max_hops for a HopLimit value (which the query, as MLMD's,
// takes only as a count): -1 is the largest count.
int LineageMaxHops(int hops);

// Adds the option `name` (positional, or "--flag") taking a node id into
// *id: text that ParseId refuses (not a number, 0, negative, past int64) is
// a usage error at parse time, not clamped.
CLI::Option* AddIdOption(CLI::App* app, const std::string& name, int64_t* id,
                         const std::string& help);

// A node on the command line: "artifact:ID", "execution:ID", a dataset
// name "NAMESPACE:NAME" (the one artifact of any type with that name, an
// OpenLineage dataset's too; failing that, the dataset's version stored
// last, with a note on stderr when it has several,
// "NAMESPACE:NAME@VERSION" naming one), or the name of an artifact of any
// type (a name without a colon is only that). The
// id forms come first: "artifact:7" is artifact 7 if there is one, else the
// dataset of that name (namespace "artifact").
// Errors: NOT_FOUND (no such node), UsageError (a context, an empty spec,
// an id that is no positive integer and no name, or a name that several
// artifact types have).
StatusOr<NodeRef> ResolveNode(Store* store, std::string_view spec);

// OK if the store has a `kind` type named `name` with `version`. Errors:
// NOT_FOUND naming the versions the name has, if it has others.
Status CheckTypeExists(Store* store, NodeKind kind, const std::string& name,
                       const std::string& version);

// OK if the store has a `kind` type (of any version) of each name in
// `names`. Errors: NOT_FOUND naming the first unknown name (a misspelt
// filter would otherwise read as "nothing matches").
Status CheckTypeNamesExist(Store* store, NodeKind kind,
                           const std::vector<std::string>& names);

// The versions of a store's versioned types by type id (type ids are one
// sequence across kinds), for output that shows them beside type names.
class TypeVersions {
 public:
  // Adds the versioned types of `kind`.
  Status Load(Store* store, NodeKind kind);
  // Adds `type` if it has a version.
  void Add(const Type& type);
  // "" for a type without a version or not loaded.
  std::string_view Of(int64_t type_id) const;

 private:
  std::map<int64_t, std::string> versions_;
};

// The name output shows for a node: its name, or for an OpenLineage run
// (which has none) its job's, "namespace/name" as the job's context is
// named.
std::string ShownName(const NodeBase& node);

// "artifact:7".
std::string RefText(NodeRef ref);

// The output format of a command with a --format option (`option`, whose
// value is `format`): "json" for --json. UsageError for --json with another
// format given.
StatusOr<std::string> OutputFormat(const GlobalOptions& global,
                                   const CLI::Option* option,
                                   const std::string& format);

// Whether `path` can be an input ("-", or anything but a folder that
// exists), without opening it. Errors: NOT_FOUND, UsageError (a folder).
Status CheckInput(const std::string& path);

// "ingested N events: R runs, J jobs, D datasets, E new edges, X rejected".
std::string SummaryText(const OpenLineageSummary& s);
// "ingested N executions: T types, A artifacts, E events, X rejected".
std::string SummaryText(const NativeJsonSummary& s);

// Closes a FILE* (for std::unique_ptr).
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// An input read in blocks: a regular file, or stdin for "-"; once, or
// twice (ReadAgainLater, Rewind).
class InputStream {
 public:
  // `path` is "-" for stdin, a regular file, or a pipe or device read as a
  // stream. Errors: NOT_FOUND (no such file), UsageError (a directory),
  // INTERNAL (cannot open it; the message says why).
  static StatusOr<std::unique_ptr<InputStream>> Open(const std::string& path);
  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  // Appends up to `max` bytes to *out; returns how many, 0 at the end.
  // Errors: INTERNAL (a read error, or the copy ReadAgainLater keeps cannot
  // be written).
  StatusOr<size_t> Read(size_t max, std::string* out);
  // Call before the first Read to read the input again after Rewind(). A
  // regular file (stdin too) is read again from its open descriptor, so
  // that a file renamed, deleted or replaced meanwhile is still read as it
  // was; a pipe or device is copied to a TemporaryFile as it is read.
  // Errors: as TemporaryFile.
  Status ReadAgainLater();
  // Reads again from where the input started, up to as many bytes as were
  // read so far (bytes appended meanwhile are not read).
  // Errors: INTERNAL (the input cannot be read from its start again).
  Status Rewind();
  // The size of a regular file; 0 for stdin or when unknown.
  size_t size_hint() const { return size_hint_; }

 private:
  InputStream(std::FILE* file, std::string name, size_t size_hint, bool owned)
      : file_(file),
        name_(std::move(name)),
        size_hint_(size_hint),
        owned_(owned) {}

  std::FILE* file_;
  const std::string name_;  // "<stdin>" for stdin.
  const size_t size_hint_;
  bool owned_;               // file_ is closed with the stream (not stdin).
  FilePtr copy_;             // A pipe's bytes, with ReadAgainLater.
  long start_ = 0;           // The offset of a regular file's start.
  size_t read_ = 0;          // Bytes read since the start.
  size_t limit_ = SIZE_MAX;  // After Rewind: the bytes read before.
};

// Makes a new empty file $TMPDIR/lineagedb-<stem>-XXXXXX (/tmp if TMPDIR is
// unset or empty), open for reading and writing: returns its descriptor
// and sets *path to its name. Errors: INTERNAL (the message names the
// folder and why).
StatusOr<int> MakeTemporaryFile(std::string_view stem, std::string* path);

// A MakeTemporaryFile already unlinked: its space is freed when it is
// closed, however the process ends. Errors: as MakeTemporaryFile.
StatusOr<FilePtr> TemporaryFile();

// Raises this process's soft limit of open descriptors, up to its hard
// limit, to leave room for `files` more (ingest --strict keeps every input
// open until it is ingested). Past the hard limit an open fails as before.
void MakeRoomForOpenFiles(size_t files);

// The whole content of `path`, or of stdin for "-".
// Errors: as InputStream.
StatusOr<std::string> ReadInput(const std::string& path);

// Writes `text` to `path`, or to stdout when `path` is empty.
// Errors: INTERNAL.
Status WriteOutput(const std::string& path, std::string_view text);

// Seconds since some fixed point, for rates.
double NowSeconds();

}  // namespace lineagedb::cli

#endif  // LINEAGEDB_TOOLS_CLI_COMMON_H_
