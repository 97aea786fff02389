// Constructors of the subcommands, one per file cmd_<name>.cc.
#ifndef LINEAGEDB_TOOLS_CLI_COMMANDS_H_
#define LINEAGEDB_TOOLS_CLI_COMMANDS_H_

#include <memory>

#include "tools/cli/tool.h"

namespace lineagedb::cli {

std::unique_ptr<Command> NewInitCommand();
std::unique_ptr<Command> NewStatsCommand();
std::unique_ptr<Command> NewCheckCommand();
std::unique_ptr<Command> NewIngestCommand();
std::unique_ptr<Command> NewGetCommand();
std::unique_ptr<Command> NewListCommand();
std::unique_ptr<Command> NewLineageCommand();
std::unique_ptr<Command> NewPathCommand();
std::unique_ptr<Command> NewCacheCommand();
std::unique_ptr<Command> NewStaleCommand();
std::unique_ptr<Command> NewImpactCommand();
std::unique_ptr<Command> NewDiffCommand();
std::unique_ptr<Command> NewExportCommand();
std::unique_ptr<Command> NewDemoCommand();

}  // namespace lineagedb::cli

#endif  // LINEAGEDB_TOOLS_CLI_COMMANDS_H_
