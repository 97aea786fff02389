#include "tools/cli/tool.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/strings/cord.h"
#include "fmt/format.h"
#include "tools/cli/output.h"

namespace lineagedb::cli {
namespace {

constexpr char kUsagePayload[] = "lineagedb.cli/usage";

// `text` on one line: line breaks become spaces, other control characters
// \xNN (Printable), so that an error quoting input cannot move the cursor.
std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return Printable(out);
}

}  // namespace

Status UsageError(std::string_view message) {
  Status status = absl::InvalidArgumentError(std::string(message));
  status.SetPayload(kUsagePayload, absl::Cord("1"));
  return status;
}

int ExitCodeOf(const Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kInvalidArgument:
      if (status.GetPayload(kUsagePayload).has_value()) return kExitUsage;
      return kExitInvalidData;
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:  // A cursor the store has moved past.
      return kExitInvalidData;
    default:
      return kExitStorage;
  }
}

void PrintError(const Status& status) {
  std::fflush(stdout);
  std::cerr << "lineagedb: error: " << OneLine(std::string(status.message()))
            << std::endl;
}

int RunTool(int argc, char** argv) {
  CLI::App app{
      "lineagedb: an embedded ML-metadata and lineage store.\n"
      "Exit codes: 0 ok, 1 not found, 2 usage error, 3 invalid data, "
      "4 storage error.",
      "lineagedb"};
  GlobalOptions global;
  CLI::Option* store_option =
      app.add_option("--store", global.store, "Store folder")
          ->capture_default_str();
  app.add_flag("--json", global.json, "Machine-readable (JSON) output");
  app.add_flag("--salvage-log", global.salvage_log,
               "Open a store whose write-ahead log is damaged, dropping the "
               "damaged record and every later one (after a power loss)");
  app.require_subcommand(1);
  app.fallthrough();

  std::vector<std::unique_ptr<Command>> commands = AllCommands();
  Command* selected = nullptr;
  for (const std::unique_ptr<Command>& command : commands) {
    CLI::App* sub = app.add_subcommand(std::string(command->name()),
                                       std::string(command->help()));
    command->AddOptions(sub);
    sub->callback([&selected, cmd = command.get()] { selected = cmd; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 says "a subcommand is required" of a misspelt one.
    const std::vector<std::string> rest = app.remaining();
    // And of an unknown option before any command.
    if (app.get_subcommands().empty() && !rest.empty()) {
      const bool option = rest[0].starts_with("-");
      PrintError(
          UsageError(fmt::format("unknown {} '{}' (see --help)",
                                 option ? "option" : "command", rest[0])));
      return kExitUsage;
    }
    PrintError(UsageError(std::string(e.what()) + " (see --help)"));
    return kExitUsage;
  }
  global.store_given = store_option->count() > 0;
  if (global.store.empty()) {
    PrintError(UsageError("--store needs a folder, not an empty path"));
    return kExitUsage;
  }
  if (selected == nullptr) {
    PrintError(UsageError("no subcommand given (see --help)"));
    return kExitUsage;
  }
  Status status = selected->Run(global);
  // Output that did not reach its reader (a full disk, a closed pipe with
  // SIGPIPE ignored) is a storage error, not a success.
  std::cout.flush();
  if (status.ok() &&
      (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout))) {
    status = absl::UnavailableError("cannot write standard output");
  }
  if (!status.ok()) {
    PrintError(status);
    return ExitCodeOf(status);
  }
  return kExitOk;
}

}  // namespace lineagedb::cli
