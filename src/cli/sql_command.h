#pragma once

#include <ostream>
#include <string_view>

#include "cli/args.h"
#include "cli/result_printer.h"
#include "main/database.h"

namespace basin::cli {

/// Runs statements on one connection and prints each outcome as it comes. Remembers whether any statement
/// failed, which decides the exit status. Owned by one thread (the CLI's); borrows the connection.
class StatementRunner {
 public:
  /// `fit_to_terminal`: size tables to the terminal's width at each statement (stdout is a terminal).
  StatementRunner(Connection& connection, PrintOptions options, bool fit_to_terminal, std::ostream& out,
                  std::ostream& err);

  /// Run every statement of `script` (split at top-level ';'), each error reported, the rest still run.
  void RunScript(std::string_view script);

  bool any_failed() const { return any_failed_; }
  PrintOptions& options() { return options_; }

 private:
  void RunStatement(std::string_view statement);

  Connection& connection_;
  PrintOptions options_;
  bool fit_to_terminal_;
  std::ostream& out_;
  std::ostream& err_;
  bool any_failed_ = false;
};

/// Return the terminal's width in columns (stdout's window, else $COLUMNS, else 80).
size_t TerminalWidth();

/// Run `basin sql` and return the process exit status: 0, or 1 if opening the database or any statement
/// failed.
int RunSqlCommand(const SqlOptions& options);

}  // namespace basin::cli
