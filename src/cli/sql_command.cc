#include "cli/sql_command.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/shell.h"
#include "common/exception.h"
#include "server/basin_server.h"
#include "workflow/engine.h"
#include "sql/parser/parser.h"

namespace basin::cli {
namespace {

// Read statements from a stream and run each as soon as its ';' arrives, so that a pipe feeding the
// CLI slowly (`tail -f log.sql | basin sql`) sees results as it goes rather than at end of input.
void RunStream(std::istream& in, StatementRunner& runner) {
  std::string buffer;
  std::string line;
  while (std::getline(in, line)) {
    buffer += line;
    buffer += '\n';
    if (sql::IsStatementComplete(buffer)) {
      runner.RunScript(buffer);
      buffer.clear();
    }
  }
  runner.RunScript(buffer);
}

}  // namespace

size_t TerminalWidth() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    const long n = std::strtol(columns, nullptr, 10);
    if (n > 0) return static_cast<size_t>(n);
  }
  return 80;
}

StatementRunner::StatementRunner(Connection& connection, PrintOptions options, bool fit_to_terminal,
                                 std::ostream& out, std::ostream& err)
    : connection_(connection), options_(options), fit_to_terminal_(fit_to_terminal), out_(out), err_(err) {}

void StatementRunner::RunScript(std::string_view script) {
  for (const sql::StatementText& piece : sql::SplitStatements(script)) RunStatement(piece.text);
}

void StatementRunner::RunStatement(std::string_view statement) {
  std::unique_ptr<QueryResult> result;
  // Query reports errors as results; this is the last line of defence at the CLI's edge, so that an
  // engine bug fails one statement instead of ending the whole script.
  try {
    result = connection_.Query(statement);
  } catch (const Exception& e) {
    result = QueryResult::Error({e.sqlstate(), e.message(), e.position()});
  } catch (const std::exception& e) {
    result = QueryResult::Error({sqlstate::kInternalError, e.what(), -1});
  }
  if (result->HasError()) any_failed_ = true;
  if (fit_to_terminal_) options_.max_width = TerminalWidth();
  PrintResult(*result, statement, options_, out_, err_);
}

int RunSqlCommand(const SqlOptions& options) {
  // ":memory:" (SQLite's and DuckDB's name) keeps every table in memory, gone at exit.
  const bool in_memory = options.data_dir == kInMemoryDataDir;
  std::error_code ec;
  if (!in_memory) std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    std::cerr << "Error: cannot create data directory " << options.data_dir << ": " << ec.message() << "\n";
    return 1;
  }
  std::string script;
  if (options.file && *options.file != "-") {
    std::ifstream file(*options.file, std::ios::binary);
    if (!file) {
      std::cerr << "Error: cannot open " << *options.file << ": " << std::strerror(errno) << "\n";
      return 1;
    }
    std::ostringstream text;
    text << file.rdbuf();
    script = text.str();
  }

  std::unique_ptr<Database> database;
  try {
    database = std::make_unique<Database>(DatabaseConfig{.data_dir = in_memory ? "" : options.data_dir});
  } catch (const std::exception& e) {
    // A running `basin server` holds the directory: say which, so that the user knows what to stop.
    const std::string owner = server::BasinServer::DescribeOwner(options.data_dir);
    std::cerr << "Error: cannot open the database in " << options.data_dir << ": " << e.what()
              << (owner.empty() ? "" : " (" + owner + ")") << "\n";
    return 1;
  }
  // The workflow history (workflow.dag_runs, ...) reads as it does through the server; DAG files are
  // parsed only when workflow.dags is read.
  std::unique_ptr<workflow::WorkflowEngine> workflows;
  if (!in_memory) {
    workflow::EngineOptions workflow_options;
    workflow_options.dags_dir = (std::filesystem::path(options.data_dir) / "dags").string();
    workflow_options.store_path = (std::filesystem::path(options.data_dir) / "catalog.db").string();
    workflow_options.watch = false;
    workflows = std::make_unique<workflow::WorkflowEngine>(database.get(), std::move(workflow_options));
  }
  Connection connection(*database);
  const bool stdout_tty = isatty(STDOUT_FILENO) != 0;
  PrintOptions print_options{.format = options.format, .timer = options.timer, .max_width = 0};
  StatementRunner runner(connection, print_options, stdout_tty, std::cout, std::cerr);

  if (options.command) {
    runner.RunScript(*options.command);
  } else if (options.file && *options.file != "-") {
    runner.RunScript(script);
  } else if (!options.file && isatty(STDIN_FILENO)) {
    RunShell(runner);
    return 0;  // like psql: mistakes typed into a session do not make the session itself fail
  } else {
    RunStream(std::cin, runner);
  }
  std::cout.flush();
  return runner.any_failed() ? 1 : 0;
}

}  // namespace basin::cli
