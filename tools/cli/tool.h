// The lineagedb command-line tool as a library: a Command per subcommand
// (name, help, options, run) and RunTool, which parses the command line,
// runs one command and maps its Status to the tool's exit code.
//
// Exit codes (part of the tool's contract; DO NOT CHANGE):
//   0 ok, 1 not found, 2 usage error, 3 invalid data, 4 storage error.
// Errors go to stderr as one line: "lineagedb: error: <message>".
#ifndef LINEAGEDB_TOOLS_CLI_TOOL_H_
#define LINEAGEDB_TOOLS_CLI_TOOL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lineagedb/status.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace lineagedb::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitNotFound = 1,
  kExitUsage = 2,
  kExitInvalidData = 3,
  kExitStorage = 4,
};

// NOT_FOUND -> 1; INVALID_ARGUMENT, OUT_OF_RANGE, ALREADY_EXISTS -> 3 (2 for
// a UsageError); everything else -> 4.
int ExitCodeOf(const Status& status);

// An INVALID_ARGUMENT status that ExitCodeOf maps to the usage code 2: the
// command line, not the data, is wrong.
Status UsageError(std::string_view message);

// Options every subcommand takes (before or after the subcommand's name).
struct GlobalOptions {
  // Default: ./lineagedb-store
  std::string store = "./lineagedb-store";
  // True if --store was given (commands with their own default use it).
  bool store_given = false;
  // Machine-readable output.
  // Default: false
  bool json = false;
  // Options::salvage_log.
  // Default: false
  bool salvage_log = false;
};

class Command {
 public:
  virtual ~Command() = default;
  virtual std::string_view name() const = 0;
  // One line for the subcommand list and its --help.
  virtual std::string_view help() const = 0;
  // Declares the subcommand's arguments on `app`, binding them to members.
  virtual void AddOptions(CLI::App* app) = 0;
  // Runs with the parsed arguments; output goes to stdout. A non-OK status
  // is printed on stderr and becomes the exit code.
  virtual Status Run(const GlobalOptions& global) = 0;
};

// Every subcommand, in the order --help lists them.
std::vector<std::unique_ptr<Command>> AllCommands();

// Runs the tool; returns the process exit code.
int RunTool(int argc, char** argv);

// Prints `status` as one line on stderr.
void PrintError(const Status& status);

}  // namespace lineagedb::cli

#endif  // LINEAGEDB_TOOLS_CLI_TOOL_H_
