// Rendering shared by the subcommands: a small JSON writer, nodes and
// values as text and JSON, and lineage graphs as text, JSON, graphviz DOT
// and (through the `dot` program) SVG.
#ifndef LINEAGEDB_TOOLS_CLI_OUTPUT_H_
#define LINEAGEDB_TOOLS_CLI_OUTPUT_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lineagedb/lineage.h"
#include "lineagedb/lineagedb.h"

namespace lineagedb::cli {

// Appends compact JSON to a string. The caller pairs Begin*/End* calls and
// calls Key() before every value inside an object.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  // A finite number, whole ones with ".0" (so that they read back as
  // doubles); NaN and infinities as null.
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Inserts already valid JSON text as one value.
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }

 private:
  void Separate();
  std::string out_;
  bool need_comma_ = false;
};

// `text` as a quoted JSON string.
std::string JsonQuote(std::string_view text);

// Stored text as text output shows it: a control character (a newline
// would break a line of its own, an escape sequence drive the terminal) is
// written \xNN, a C1 control in UTF-8 \xC2\xNN, and a backslash \\ (so that
// a name holding the text "\x0A" does not read as one holding a newline).
std::string Printable(std::string_view text);

// A property value for humans: numbers (a whole DOUBLE with ".0"),
// strings as they are, structs as their JSON, protos as their type URL.
std::string ValueText(const Value& value);
// A property value as native JSON takes it in (schema/NATIVE_JSON.md): a
// proto as {"type_url": ..., "hex": ...}.
void WriteValueJson(const Value& value, JsonWriter* json);

// Full records as JSON objects. A non-empty `type_version` (the version of
// the node's type, which reads do not fill in) is shown beside the type's
// name, here and in the text forms below.
void WriteNodeJson(const Artifact& node, JsonWriter* json,
                   std::string_view type_version = {});
void WriteNodeJson(const Execution& node, JsonWriter* json,
                   std::string_view type_version = {});
void WriteNodeJson(const Context& node, JsonWriter* json,
                   std::string_view type_version = {});
void WriteEventJson(const Event& event, JsonWriter* json);
void WriteTypeJson(const Type& type, JsonWriter* json);

// Full records as indented text, one field a line.
std::string NodeDetailText(const Artifact& node,
                           std::string_view type_version = {});
std::string NodeDetailText(const Execution& node,
                           std::string_view type_version = {});
std::string NodeDetailText(const Context& node,
                           std::string_view type_version = {});

// One line: "artifact:7  Model  name  uri"; a versioned type is shown as
// "Model (version v2)".
std::string NodeLine(const Artifact& node, std::string_view type_version = {});
std::string NodeLine(const Execution& node, std::string_view type_version = {});
std::string NodeLine(const Context& node, std::string_view type_version = {});

// A lineage graph (nodes fetched) in each output format. `start` nodes are
// marked in text and drawn bold in DOT.
std::string GraphText(const LineageGraph& graph,
                      const std::vector<NodeRef>& start);
std::string GraphJson(const LineageGraph& graph);
std::string GraphDot(const LineageGraph& graph,
                     const std::vector<NodeRef>& start);

// The most nodes `--format svg` draws: graphviz's layout time grows fast
// with size (measured: 1,274 nodes 0.4 s, 4,344 nodes 8 s, 9,412 nodes
// 67 s).
inline constexpr size_t kMaxSvgNodes = 5000;
// OK if `graph` is small enough to draw as SVG. Errors: UsageError naming
// its size and the ways to draw less, or to render the DOT text oneself.
Status CheckSvgSize(const LineageGraph& graph);

// True if the graphviz `dot` program is on PATH.
bool HaveDot();
// Renders `dot` text to SVG with the `dot` program, into `path` (stdout when
// empty or "-": written by this process, so that a reader that stops early
// is a failure to write standard output, not dot's). Errors:
// FAILED_PRECONDITION (dot is not installed), INTERNAL (dot failed: the
// message says how it ended).
Status DotToSvg(std::string_view dot, const std::string& path);

}  // namespace lineagedb::cli

#endif  // LINEAGEDB_TOOLS_CLI_OUTPUT_H_
