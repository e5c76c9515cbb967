#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
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
    kCommand,     ///< run `command` (server, topic, produce, consume) with the arguments after its name
  };
  Action action = Action::kUsageError;
  std::string text;
  SqlOptions sql;
  std::string command;
};

/// Parse argv without its program name. `basin_data_env` is $BASIN_DATA (nullptr when unset); it is a
/// parameter so that tests need not touch the environment.
CliArgs ParseArgs(const std::vector<std::string>& args, const char* basin_data_env);

/// Match `--name VALUE`, `--name=VALUE` or `SHORT VALUE` at args[*i]. On a match, store the value, advance *i
/// past it and return true; *missing is set when the value is absent.
bool TakeValue(const std::vector<std::string>& args, size_t* i, const std::string& long_name,
               const std::string& short_name, std::string* value, bool* missing);

/// The text of a usage error: "basin: MESSAGE" and where to find help.
std::string UsageText(const std::string& message, const std::string& help_hint);

/// A failure the user can act on: a usage error (exit status 2) while the command line is read, a failure
/// (status 1) once the command runs.
class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Read a command's arguments: -h/--help prints `help` to stdout; any other argument goes to `take(i)`,
/// which consumes args[i] (and a value after it, advancing i) or throws CommandError; then `validate`
/// checks the whole. Returns nullopt when the command should run, else the status to exit with (0 after
/// the help, 2 after printing a usage error that points at `help_hint`).
std::optional<int> ParseCommandArgs(const std::vector<std::string>& args, const std::string& help,
                                    const std::string& help_hint, const std::function<void(size_t& i)>& take,
                                    const std::function<void()>& validate = nullptr);
/// Run a command's body; a CommandError it throws is printed as "basin COMMAND: message", status 1.
int RunCommand(const std::string& command, const std::function<int()>& body);

/// Text of `basin --help` and of `basin sql --help`.
std::string MainHelp();
std::string SqlHelp();

}  // namespace basin::cli
