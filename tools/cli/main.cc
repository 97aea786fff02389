// lineagedb: the command-line tool. Every subcommand lives in the
// lineagedb_cli library (tool.h); this is only its entry point.
#include "tools/cli/tool.h"

int main(int argc, char** argv) { return lineagedb::cli::RunTool(argc, argv); }
