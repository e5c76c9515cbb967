#pragma once

#include "cli/sql_command.h"

namespace basin::cli {

/// Run the interactive shell on the terminal until `.quit`, `\q` or end of input: libedit line editing,
/// history in ~/.basin_history, statements continued over lines until their ';', and meta commands
/// (`.help` lists them).
void RunShell(StatementRunner& runner);

}  // namespace basin::cli
