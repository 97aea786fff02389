// Lineage graphs as text, JSON, DOT and SVG (output.h).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "fmt/format.h"
#include "tools/cli/common.h"
#include "tools/cli/output.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

// Type name and name of each returned node, by ref.
struct NodeNames {
  std::map<NodeRef, const NodeBase*> nodes;
  explicit NodeNames(const LineageGraph& graph) {
    for (const Artifact& a : graph.artifacts) {
      nodes[{NodeKind::kArtifact, a.id}] = &a;
    }
    for (const Execution& e : graph.executions) {
      nodes[{NodeKind::kExecution, e.id}] = &e;
    }
  }
  const NodeBase* Find(NodeRef ref) const {
    auto it = nodes.find(ref);
    return it == nodes.end() ? nullptr : it->second;
  }
};

// `text` inside a DOT quoted string. A control character (a NUL would end
// graphviz's input, a newline break the line) is shown as \xNN.
std::string DotEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      out += fmt::format("\\\\x{:02X}", u);
      continue;
    }
    if (c == '&') {  // Graphviz reads "&amp;", "&lt;" as entities.
      out += "&amp;";
      continue;
    }
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// `text` cut to at most `max` bytes with "...", never inside a UTF-8
// character (continuation bytes are 10xxxxxx).
std::string Shorten(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t end = max - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return std::string(text.substr(0, end)) + "...";
}

std::string DotId(NodeRef ref) {
  return fmt::format("{}{}", ref.kind == NodeKind::kArtifact ? 'a' : 'e',
                     ref.id);
}

std::string ShellQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

}  // namespace

std::string GraphText(const LineageGraph& graph,
                      const std::vector<NodeRef>& start) {
  const NodeNames names(graph);
  std::string out = fmt::format(
      "{} nodes, {} events{}\n", graph.nodes.size(), graph.events.size(),
      graph.partial ? " (partial: the rest with --cursor " + graph.cursor + ")"
                    : "");
  out += "nodes:\n";
  for (const NodeRef& ref : graph.nodes) {
    const bool is_start =
        std::find(start.begin(), start.end(), ref) != start.end();
    const NodeBase* node = names.Find(ref);
    out += fmt::format("  {} {:<16} {:<20} {}\n", is_start ? '*' : ' ',
                       RefText(ref), node ? Printable(node->type) : "",
                       node ? Printable(ShownName(*node)) : "");
  }
  out += "events (data flow):\n";
  for (const Event& e : graph.events) {
    const NodeRef a{NodeKind::kArtifact, e.artifact_id};
    const NodeRef x{NodeKind::kExecution, e.execution_id};
    const NodeBase* an = names.Find(a);
    const NodeBase* xn = names.Find(x);
    // An end without a record here is a node of an earlier page.
    const std::string a_text = fmt::format(
        "{} ({})", RefText(a), an ? Printable(an->type) : "on an earlier page");
    const std::string x_text = fmt::format(
        "{} ({})", RefText(x), xn ? Printable(xn->type) : "on an earlier page");
    if (IsInputEvent(e.type)) {
      out += fmt::format("    {} -> {}  [{}]\n", a_text, x_text,
                         EventTypeName(e.type));
    } else {
      out += fmt::format("    {} -> {}  [{}]\n", x_text, a_text,
                         EventTypeName(e.type));
    }
  }
  return out;
}

std::string GraphJson(const LineageGraph& graph) {
  JsonWriter json;
  json.BeginObject();
  json.Key("nodes").BeginArray();
  for (const NodeRef& ref : graph.nodes) json.String(RefText(ref));
  json.EndArray();
  TypeVersions versions;
  for (const Type& t : graph.types) versions.Add(t);
  json.Key("artifacts").BeginArray();
  for (const Artifact& a : graph.artifacts) {
    WriteNodeJson(a, &json, versions.Of(a.type_id));
  }
  json.EndArray();
  json.Key("executions").BeginArray();
  for (const Execution& e : graph.executions) {
    WriteNodeJson(e, &json, versions.Of(e.type_id));
  }
  json.EndArray();
  json.Key("contexts").BeginArray();
  for (const Context& c : graph.contexts) {
    WriteNodeJson(c, &json, versions.Of(c.type_id));
  }
  json.EndArray();
  json.Key("types").BeginArray();
  for (const Type& t : graph.types) WriteTypeJson(t, &json);
  json.EndArray();
  json.Key("events").BeginArray();
  for (const Event& e : graph.events) WriteEventJson(e, &json);
  json.EndArray();
  // As the whole store's export has them.
  json.Key("attributions").BeginArray();
  for (const Attribution& a : graph.attributions) {
    json.BeginObject().Key("context_id").Int(a.context_id);
    json.Key("artifact_id").Int(a.artifact_id).EndObject();
  }
  json.EndArray();
  json.Key("associations").BeginArray();
  for (const Association& a : graph.associations) {
    json.BeginObject().Key("context_id").Int(a.context_id);
    json.Key("execution_id").Int(a.execution_id).EndObject();
  }
  json.EndArray();
  json.Key("partial").Bool(graph.partial);
  // Empty unless partial; `lineage --cursor` continues from it.
  json.Key("cursor").String(graph.cursor);
  json.EndObject();
  return json.str() + "\n";
}

std::string GraphDot(const LineageGraph& graph,
                     const std::vector<NodeRef>& start) {
  const NodeNames names(graph);
  std::string out = graph.partial ? "// partial: the rest with --cursor " +
                                        graph.cursor + "\n"
                                  : "";
  out +=
      "digraph lineage {\n"
      "  rankdir=LR;\n"
      "  node [fontname=\"Helvetica\", fontsize=10];\n"
      "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\"];\n";
  if (graph.partial) {
    // Drawn under the graph, so that an SVG of a cut lineage says so too.
    out += fmt::format(
        "  label=\"partial: the rest with --cursor {}\";\n"
        "  labelloc=b;\n  fontname=\"Helvetica\";\n  fontsize=10;\n",
        DotEscape(graph.cursor));
  }
  for (const NodeRef& ref : graph.nodes) {
    const NodeBase* node = names.Find(ref);
    std::string label = node ? DotEscape(node->type) : "";
    label += "\\n" + RefText(ref);
    if (const std::string name = node ? ShownName(*node) : ""; !name.empty()) {
      label += "\\n" + DotEscape(Shorten(name, 40));
    }
    const bool is_start =
        std::find(start.begin(), start.end(), ref) != start.end();
    const bool artifact = ref.kind == NodeKind::kArtifact;
    out += fmt::format(
        "  {} [shape={}, style=\"{}filled\", fillcolor=\"{}\", "
        "penwidth={}, label=\"{}\"];\n",
        DotId(ref), artifact ? "box" : "ellipse", artifact ? "rounded," : "",
        artifact ? "#dbe9f6" : "#fde2c4", is_start ? 3 : 1, label);
  }
  // A later page's event may end at a node of an earlier page: drawn as
  // an outline, not as a bare ellipse of graphviz's own.
  std::set<std::pair<NodeKind, int64_t>> drawn;
  for (const NodeRef& ref : graph.nodes) drawn.insert({ref.kind, ref.id});
  auto declare = [&](NodeRef ref) {
    if (!drawn.insert({ref.kind, ref.id}).second) return;
    out += fmt::format(
        "  {} [shape={}, style=dashed, label=\"{}\\n(on another page)\"];\n",
        DotId(ref), ref.kind == NodeKind::kArtifact ? "box" : "ellipse",
        RefText(ref));
  };
  for (const Event& e : graph.events) {
    declare({NodeKind::kArtifact, e.artifact_id});
    declare({NodeKind::kExecution, e.execution_id});
  }
  for (const Event& e : graph.events) {
    const std::string a = DotId({NodeKind::kArtifact, e.artifact_id});
    const std::string x = DotId({NodeKind::kExecution, e.execution_id});
    if (IsInputEvent(e.type)) {
      out += fmt::format("  {} -> {};\n", a, x);
    } else {
      out += fmt::format("  {} -> {};\n", x, a);
    }
  }
  out += "}\n";
  return out;
}

bool HaveDot() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::error_code ec;
    const std::filesystem::path candidate = std::filesystem::path(dir) / "dot";
    if (std::filesystem::is_regular_file(candidate, ec)) return true;
  }
  return false;
}

namespace {

// "exited with status 1", "was killed by signal 9 (Killed)".
std::string WaitText(int status) {
  if (WIFEXITED(status)) {
    return fmt::format("exited with status {}", WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    return fmt::format("was killed by signal {} ({})", WTERMSIG(status),
                       strsignal(WTERMSIG(status)));
  }
  return fmt::format("ended with wait status {}", status);
}

// What dot wrote to its standard error, on one line.
std::string DotMessages(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  for (std::string part; std::getline(in, part);) {
    const size_t first = part.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const size_t last = part.find_last_not_of(" \t\r");
    if (!line.empty()) line += "; ";
    line.append(part, first, last - first + 1);
  }
  return line;
}

}  // namespace

Status CheckSvgSize(const LineageGraph& graph) {
  const size_t nodes = std::max(
      graph.nodes.size(), graph.artifacts.size() + graph.executions.size());
  if (nodes <= kMaxSvgNodes) return absl::OkStatus();
  return UsageError(fmt::format(
      "{} nodes are too many to draw as SVG (graphviz takes minutes past {}): "
      "draw the lineage of one node with --hops, or write --format dot and "
      "run dot yourself",
      nodes, kMaxSvgNodes));
}

Status DotToSvg(std::string_view dot, const std::string& path) {
  if (!HaveDot()) {
    return absl::FailedPreconditionError(
        "SVG needs the graphviz `dot` program, which is not installed "
        "(apt-get install graphviz); use --format dot instead");
  }
  // For standard output dot writes a temporary file that is copied here,
  // so that output the reader does not take (a closed pipe, a full disk)
  // is this tool's storage error, not dot's failure. dot's own messages go
  // to another, so that its failure is one line of this tool's.
  const bool to_stdout = path.empty() || path == "-";
  std::string target = path, errors;
  if (to_stdout) {
    ASSIGN_OR_RETURN(const int fd, MakeTemporaryFile("svg", &target));
    close(fd);
  }
  if (StatusOr<int> fd = MakeTemporaryFile("dot-errors", &errors); fd.ok()) {
    close(*fd);
  } else {
    errors.clear();
  }
  auto remove_temporaries = [&] {
    std::error_code ignored;
    if (to_stdout) std::filesystem::remove(target, ignored);
    if (!errors.empty()) std::filesystem::remove(errors, ignored);
  };
  // `exec`: the status is dot's own, not a shell's. The path is attached to
  // -o, so that one starting with '-' is not taken for an option. Without a
  // temporary file for its messages, dot writes them where it would.
  const std::string command =
      "exec dot -Tsvg -o" + ShellQuote(target) +
      (errors.empty() ? "" : " 2>" + ShellQuote(errors));
  FILE* pipe = popen(command.c_str(), "w");
  if (pipe == nullptr) {
    remove_temporaries();
    return absl::InternalError("cannot run the `dot` program");
  }
  // dot may end without reading all of its input: the write then fails
  // (EPIPE) instead of killing this process.
  struct sigaction ignore = {}, previous = {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  const size_t written = std::fwrite(dot.data(), 1, dot.size(), pipe);
  const int status = pclose(pipe);
  sigaction(SIGPIPE, &previous, nullptr);
  Status s;
  std::string svg;
  if (written != dot.size() || status != 0) {
    const std::string said = DotMessages(errors);
    s = absl::InternalError(
        fmt::format("the `dot` program failed: it {}{}",
                    status == -1 ? "could not be waited for" : WaitText(status),
                    said.empty() ? "" : ": " + said));
  } else {
    // A success's warnings, as dot wrote them.
    if (std::ifstream warnings(errors, std::ios::binary);
        warnings.peek() != std::ifstream::traits_type::eof()) {
      std::cerr << warnings.rdbuf();
    }
    if (to_stdout) {
      std::ifstream in(target, std::ios::binary);
      svg.assign(std::istreambuf_iterator<char>(in), {});
      if (in.bad()) s = absl::InternalError("cannot read dot's output");
    }
  }
  remove_temporaries();
  if (s.ok() && to_stdout) std::cout << svg;
  return s;
}

}  // namespace lineagedb::cli
