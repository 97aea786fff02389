// `lineagedb list`: nodes of one kind, optionally filtered by type, URI,
// context and filter queries (schema/FILTERS.md), a page at a time.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/output.h"
#include "util/absl_view.h"
#include "util/status_macros.h"

namespace lineagedb::cli {
namespace {

class ListCommand : public Command {
 public:
  std::string_view name() const override { return "list"; }
  std::string_view help() const override {
    return "List artifacts, executions or contexts by kind and type, paged";
  }
  void AddOptions(CLI::App* app) override {
    app->add_option("kind", kind_, "artifact, execution or context")
        ->required();
    app->add_option("--type", type_, "Only nodes of this type");
    app->add_option("--type-version", version_, "Type version");
    app->add_option("--name-prefix", name_prefix_,
                    "Only nodes whose names begin with this, byte for byte "
                    "(e.g. 'NAMESPACE:NAME@' for a dataset's versions)");
    app->add_option("--filter", filters_,
                    "A filter query, e.g. \"type = 'Model' AND "
                    "properties.accuracy.double_value > 0.9\" "
                    "(schema/FILTERS.md), or KEY=VALUE: type=NAME (any "
                    "version, as the query; with --type-version that "
                    "version), uri=URI "
                    "(artifacts), context=ID or context=TYPE/NAME (artifacts "
                    "and executions). Repeatable; all must hold (queries are "
                    "joined by AND into one: an alias named in two binds one "
                    "neighbour)")
        ->allow_extra_args(false);  // One value a flag, as --end.
    app->add_option("--limit", limit_, "Nodes per page (1..10000)")
        ->capture_default_str();
    app->add_option("--page-token", page_token_,
                    "Continue from a previous page");
    app->add_flag("--all", all_, "Every page, not just the first");
    app->add_option("--order", order_, "id, create or update")
        ->capture_default_str();
    app->add_flag("--desc", descending_, "Descending order");
  }

  Status Run(const GlobalOptions& global) override {
    ASSIGN_OR_RETURN(NodeKind kind, ParseKind(kind_));
    if (limit_ < 1 || limit_ > 10000) {
      return UsageError("--limit must be in 1..10000");
    }
    const bool type_filter =
        std::any_of(filters_.begin(), filters_.end(), [](const std::string& f) {
          return f.starts_with("type=") && IsShorthand("type", f.substr(5));
        });
    if (!version_.empty() && type_.empty() && !type_filter) {
      return UsageError("--type-version needs a type (--type)");
    }
    ListOptions options;
    options.max_result_size = limit_;
    options.ascending = !descending_;
    options.page_token = page_token_;
    if (order_ == "id") {
      options.order_by = OrderBy::kId;
    } else if (order_ == "create") {
      options.order_by = OrderBy::kCreateTime;
    } else if (order_ == "update") {
      options.order_by = OrderBy::kLastUpdateTime;
    } else {
      return UsageError("--order must be id, create or update");
    }
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                     OpenStore(global, /*create=*/false));
    ASSIGN_OR_RETURN(NodeQuery query, Query(store.get(), kind));
    switch (kind) {
      case NodeKind::kArtifact:
        return Print<Artifact>(store.get(), query, options, global);
      case NodeKind::kExecution:
        return Print<Execution>(store.get(), query, options, global);
      case NodeKind::kContext:
        return Print<Context>(store.get(), query, options, global);
    }
    return absl::OkStatus();
  }

 private:
  // --type, --type-version and the --filter conditions as one query: the
  // KEY=VALUE ones as its fields, the others joined by AND as its filter
  // (so an alias named in two queries is one alias).
  // Errors: UsageError (a malformed condition, one the kind cannot have, or
  // a key given twice), NOT_FOUND (a context that does not exist).
  StatusOr<NodeQuery> Query(Store* store, NodeKind kind) const {
    NodeQuery query;
    query.type_name = type_;
    query.type_version = version_;
    query.name_prefix = name_prefix_;
    bool seen_type = !type_.empty(), seen_uri = false, seen_context = false;
    std::optional<std::string> any_version_type;  // type=NAME, no version.
    std::vector<std::string> queries;
    auto once = [](bool* seen, std::string_view key) -> Status {
      if (*seen) return UsageError(fmt::format("{} is filtered twice", key));
      *seen = true;
      return absl::OkStatus();
    };
    for (const std::string& filter : filters_) {
      if (filter.empty()) return UsageError("--filter '' names no query");
      const size_t eq = filter.find('=');
      const std::string key = filter.substr(0, eq);
      const std::string value =
          eq == std::string::npos ? "" : filter.substr(eq + 1);
      if (!IsShorthand(key, value)) {
        // Each query alone, so that its column counts in its own text and
        // the joined text cannot read otherwise.
        const Status parsed = CheckFilterQuery(kind, filter);
        if (!parsed.ok()) {
          return UsageError(fmt::format("--filter \"{}\": {}", filter,
                                        std::string(parsed.message())));
        }
        queries.push_back(filter);
        continue;
      }
      if (value.empty()) {
        return UsageError(fmt::format("--filter '{}' has no value", filter));
      }
      if (JoinsConditions(value)) {
        return UsageError(fmt::format(
            "--filter '{}': KEY=VALUE takes one value; join conditions in a "
            "query, its values quoted ({} = '...' OR {} = '...')",
            filter, key, key));
      }
      if (key == "type" && version_.empty()) {
        RETURN_IF_ERROR(once(&seen_type, "type"));
        any_version_type = value;
        queries.push_back(TypeQuery(value));
      } else if (key == "type") {
        RETURN_IF_ERROR(once(&seen_type, "type"));
        query.type_name = value;
      } else if (key == "uri") {
        RETURN_IF_ERROR(once(&seen_uri, "uri"));
        if (kind != NodeKind::kArtifact) {
          return UsageError("only artifacts have a uri to filter by");
        }
        query.uri = value;
      } else if (key == "context") {
        RETURN_IF_ERROR(once(&seen_context, "context"));
        if (kind == NodeKind::kContext) {
          return UsageError("contexts cannot be filtered by context");
        }
        ASSIGN_OR_RETURN(query.context_id, ContextId(store, value));
      }
    }
    if (queries.size() == 1) {
      query.filter = queries[0];
    } else if (queries.size() > 1) {
      query.filter = fmt::format("({})", fmt::join(queries, ") AND ("));
      // Each passed alone; joined, they can pass a limit (nesting, aliases)
      // at a column of a text the user never wrote.
      if (Status joined = CheckFilterQuery(kind, query.filter); !joined.ok()) {
        std::string reason(joined.message());
        const size_t colon = reason.find(": ");
        if (reason.starts_with("filter query, column ") &&
            colon != std::string::npos) {
          reason.erase(0, colon + 2);
        }
        return UsageError(fmt::format("--filter: the {} queries together: {}",
                                      queries.size(), reason));
      }
    }
    if (!query.type_name.empty()) {
      RETURN_IF_ERROR(
          CheckTypeExists(store, kind, query.type_name, query.type_version));
    }
    if (any_version_type.has_value()) {
      RETURN_IF_ERROR(CheckTypeNamesExist(store, kind, {*any_version_type}));
    }
    return query;
  }

  // Whether a KEY=VALUE value joins conditions as a query would: AND or
  // OR as a word with a condition after it ("uri=/a OR uri=/b"; not "type=
  // Train and Eval").
  static bool JoinsConditions(std::string_view value) {
    size_t start = 0;
    while (start < value.size()) {
      size_t end = start;
      while (end < value.size() &&
             !std::isspace(static_cast<unsigned char>(value[end]))) {
        ++end;
      }
      const std::string_view word = value.substr(start, end - start);
      if (start > 0 && end < value.size() &&
          (absl::EqualsIgnoreCase(AbslView(word), "AND") ||
           absl::EqualsIgnoreCase(AbslView(word), "OR")) &&
          value.find_first_of("=<>", end) != std::string_view::npos) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  // The filter query `type = 'NAME'`: nodes of every version of the type.
  static std::string TypeQuery(std::string_view name) {
    std::string quoted = "type = '";
    for (char c : name) {
      if (c == '\\' || c == '\'') quoted.push_back('\\');
      quoted.push_back(c);
    }
    return quoted + "'";
  }

  // KEY=VALUE rather than a filter query: a key of type, uri or context and
  // a value that neither starts with a space or quote nor holds a quote
  // (`type='Model'` and `uri= 'x'` are queries).
  static bool IsShorthand(std::string_view key, std::string_view value) {
    return (key == "type" || key == "uri" || key == "context") &&
           (value.empty() ||
            (!std::isspace(static_cast<unsigned char>(value[0])) &&
             value.find_first_of("'\"") == std::string_view::npos));
  }

  // A context given as its id or as TYPE/NAME, where TYPE is the name of a
  // context type of any version and may hold '/' itself. Errors: UsageError
  // (neither form, or several contexts match), NOT_FOUND.
  static StatusOr<int64_t> ContextId(Store* store, const std::string& value) {
    if (value.find('/') == std::string::npos) {
      int64_t id = 0;
      if (!ParseId(value, &id)) {
        return UsageError(fmt::format(
            "context '{}' is neither a positive id nor TYPE/NAME", value));
      }
      ASSIGN_OR_RETURN(std::vector<Context> found,
                       store->GetByIds<Context>({id}));
      if (found.empty()) {
        return absl::NotFoundError(fmt::format("no context {}", id));
      }
      return id;
    }
    ASSIGN_OR_RETURN(std::vector<Type> types,
                     store->ListTypes(NodeKind::kContext));
    std::vector<std::string> matches;
    int64_t id = 0;
    for (const Type& type : types) {
      const std::string prefix = type.name + "/";
      if (value.size() <= prefix.size() || !value.starts_with(prefix)) {
        continue;
      }
      StatusOr<Context> context = store->GetByTypeAndName<Context>(
          type.name, value.substr(prefix.size()), type.version);
      if (absl::IsNotFound(context.status())) continue;
      RETURN_IF_ERROR(context.status());
      id = context->id;
      matches.push_back(fmt::format("context:{}", id));
    }
    if (matches.empty()) {
      return absl::NotFoundError(
          fmt::format("no context '{}' (TYPE/NAME)", value));
    }
    if (matches.size() > 1) {
      return UsageError(fmt::format("context '{}' names {}; give its id", value,
                                    fmt::join(matches, " and ")));
    }
    return id;
  }

  template <typename N>
  Status Print(Store* store, const NodeQuery& query, ListOptions options,
               const GlobalOptions& global) {
    TypeVersions versions;
    RETURN_IF_ERROR(versions.Load(store, N::kKind));
    JsonWriter json;
    if (global.json) json.BeginObject().Key("items").BeginArray();
    std::string next;
    int64_t count = 0;
    do {
      StatusOr<Page<N>> listed = store->List<N>(query, options);
      if (absl::IsInvalidArgument(listed.status()) &&
          (!query.filter.empty() || !page_token_.empty())) {
        // A filter query that binds too many neighbours, or a token of
        // another query or a damaged one: given on the command line, so a
        // usage error.
        const std::string message(listed.status().message());
        return UsageError(fmt::format(
            "{}: {}",
            message.starts_with("filter query") ? "--filter" : "--page-token",
            message));
      }
      ASSIGN_OR_RETURN(Page<N> page, std::move(listed));
      for (const N& node : page.items) {
        if (global.json) {
          WriteNodeJson(node, &json, versions.Of(node.type_id));
        } else {
          std::cout << NodeLine(node, versions.Of(node.type_id)) << "\n";
        }
      }
      count += static_cast<int64_t>(page.items.size());
      next = page.next_page_token;
      options.page_token = next;
    } while (all_ && !next.empty());
    if (global.json) {
      json.EndArray().Key("next_page_token").String(next).EndObject();
      std::cout << json.str() << "\n";
    } else if (!next.empty()) {
      std::cout << fmt::format("(more: --page-token {})\n", next);
    } else if (count == 0) {
      std::cout << fmt::format("(no {}s)\n", NodeKindName(N::kKind));
    }
    return absl::OkStatus();
  }

  std::string kind_;
  std::string type_;
  std::string version_;
  std::string name_prefix_;
  std::vector<std::string> filters_;
  int limit_ = 50;
  std::string page_token_;
  bool all_ = false;
  std::string order_ = "id";
  bool descending_ = false;
};

}  // namespace

std::unique_ptr<Command> NewListCommand() {
  return std::make_unique<ListCommand>();
}

}  // namespace lineagedb::cli
