#include "tools/cli/commands.h"

#include <vector>

namespace lineagedb::cli {

std::vector<std::unique_ptr<Command>> AllCommands() {
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(NewInitCommand());
  commands.push_back(NewStatsCommand());
  commands.push_back(NewCheckCommand());
  commands.push_back(NewIngestCommand());
  commands.push_back(NewGetCommand());
  commands.push_back(NewListCommand());
  commands.push_back(NewLineageCommand());
  commands.push_back(NewPathCommand());
  commands.push_back(NewImpactCommand());
  commands.push_back(NewDiffCommand());
  commands.push_back(NewExportCommand());
  commands.push_back(NewCacheCommand());
  commands.push_back(NewStaleCommand());
  commands.push_back(NewDemoCommand());
  return commands;
}

}  // namespace lineagedb::cli
