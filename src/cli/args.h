#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/result_printer.h"

namespace basin::cli {

/// `--data :memory:`: no data directory, every table in memory.
inline constexpr const char* kInMemoryDataDir = ":memory:";

/// Options of `basin sql`.
struct SqlOptions {
  std::string data_dir;                ///< --data, else $BASIN_DATA, else ./basin-data; or kInMemoryDataDir
  std::optional<std::string> command;  ///< -c SQL
  std::optional<std::string> file;     ///< -f FILE ("-" is stdin)
  OutputFormat format = OutputFormat::kTable;
  bool timer = false;
};

/// What the command line asks for.
struct CliArgs {
  enum class Action {
    kPrint,       ///< print `text` to stdout and exit 0 (help, version)
    kUsageError,  ///< print `text` to stderr and exit 2
    kSql,         ///< run `basin sql` with `sql`
  };
  Action action = Action::kUsageError;
  std::string text;
  SqlOptions sql;
};

/// Parse argv without its program name. `basin_data_env` is $BASIN_DATA (nullptr when unset); it is a
/// parameter so that tests need not touch the environment.
CliArgs ParseArgs(const std::vector<std::string>& args, const char* basin_data_env);

/// Text of `basin --help` and of `basin sql --help`.
std::string MainHelp();
std::string SqlHelp();

}  // namespace basin::cli
