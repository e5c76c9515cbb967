#include "cli/args.h"

#include <iostream>

#include "cli/version.h"

namespace basin::cli {
namespace {

constexpr const char* kDefaultDataDir = "./basin-data";

CliArgs UsageError(const std::string& message, const std::string& help_hint) {
  return {CliArgs::Action::kUsageError, UsageText(message, help_hint), {}, {}};
}

}  // namespace

std::string UsageText(const std::string& message, const std::string& help_hint) {
  return "basin: " + message + "\nTry '" + help_hint + "' for more information.\n";
}

bool TakeValue(const std::vector<std::string>& args, size_t* i, const std::string& long_name,
               const std::string& short_name, std::string* value, bool* missing) {
  const std::string& arg = args[*i];
  if (arg.rfind(long_name + "=", 0) == 0) {
    *value = arg.substr(long_name.size() + 1);
    return true;
  }
  if (arg != long_name && (short_name.empty() || arg != short_name)) return false;
  if (*i + 1 >= args.size()) {
    *missing = true;
    return true;
  }
  *value = args[++*i];
  return true;
}

std::optional<int> ParseCommandArgs(const std::vector<std::string>& args, const std::string& help,
                                    const std::string& help_hint, const std::function<void(size_t& i)>& take,
                                    const std::function<void()>& validate) {
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "-h" || args[i] == "--help") {
        std::cout << help;
        return 0;
      }
      take(i);
    }
    if (validate) validate();
  } catch (const CommandError& e) {
    std::cerr << UsageText(e.what(), help_hint);
    return 2;
  }
  return std::nullopt;
}

int RunCommand(const std::string& command, const std::function<int()>& body) {
  try {
    return body();
  } catch (const CommandError& e) {
    std::cerr << "basin " << command << ": " << e.what() << "\n";
    return 1;
  }
}

namespace {

CliArgs ParseSqlArgs(const std::vector<std::string>& args, const char* basin_data_env) {
  CliArgs result{CliArgs::Action::kSql, "", {}, {}};
  SqlOptions& sql = result.sql;
  sql.data_dir = basin_data_env != nullptr && *basin_data_env != '\0' ? basin_data_env : kDefaultDataDir;
  const std::string hint = "basin sql --help";
  for (size_t i = 1; i < args.size(); i++) {
    const std::string& arg = args[i];
    std::string value;
    bool missing = false;
    if (arg == "-h" || arg == "--help") return {CliArgs::Action::kPrint, SqlHelp(), {}, {}};
    if (arg == "--timer") {
      sql.timer = true;
    } else if (TakeValue(args, &i, "--data", "", &value, &missing)) {
      if (missing) return UsageError("option --data needs a directory", hint);
      sql.data_dir = value;
    } else if (TakeValue(args, &i, "--command", "-c", &value, &missing)) {
      if (missing) return UsageError("option " + arg + " needs SQL text", hint);
      if (sql.command || sql.file) return UsageError("give at most one of -c and -f", hint);
      sql.command = value;
    } else if (TakeValue(args, &i, "--file", "-f", &value, &missing)) {
      if (missing) return UsageError("option " + arg + " needs a file name", hint);
      if (sql.command || sql.file) return UsageError("give at most one of -c and -f", hint);
      sql.file = value;
    } else if (TakeValue(args, &i, "--format", "", &value, &missing)) {
      if (missing) return UsageError("option --format needs table, csv or json", hint);
      const auto format = ParseOutputFormat(value);
      if (!format) return UsageError("unknown format '" + value + "' (use table, csv or json)", hint);
      sql.format = *format;
    } else {
      return UsageError((arg.rfind('-', 0) == 0 ? "unknown option '" : "unexpected argument '") + arg + "'",
                        hint);
    }
  }
  return result;
}

}  // namespace

std::string MainHelp() {
  return "Basin: SQL, streams and a lake on one machine.\n"
         "\n"
         "Usage: basin <command> [options]\n"
         "\n"
         "Commands:\n"
         "  sql        Run SQL: a shell on a terminal, else a script (-c, -f or stdin)\n"
         "  server     Serve the data directory: the Kafka protocol (HTTP and PostgreSQL to come)\n"
         "  topic      Create, list, describe and delete topics on a running server\n"
         "  produce    Send lines from stdin to a topic of a running server\n"
         "  consume    Print a topic's records from a running server\n"
         "  dag        List, trigger, backfill, pause workflows; their runs and logs\n"
         "\n"
         "Options:\n"
         "  -h, --help     Show this help\n"
         "  -V, --version  Show the version\n"
         "\n"
         "Run 'basin <command> --help' for a command's options.\n";
}

std::string SqlHelp() {
  return "Usage: basin sql [--data DIR] [-c SQL | -f FILE] [--format table|csv|json] [--timer]\n"
         "\n"
         "Run SQL statements separated by ';'. With neither -c nor -f, start an interactive shell when "
         "stdin\n"
         "is a terminal, else read a script from stdin. A failed statement is reported and the rest still\n"
         "run; the exit status is 1 if any statement failed.\n"
         "\n"
         "Options:\n"
         "  --data DIR        Data directory (default: $BASIN_DATA, else ./basin-data; created if missing);\n"
         "                    tables there are Iceberg tables. --data :memory: keeps them in memory only\n"
         "  -c, --command SQL Run these statements\n"
         "  -f, --file FILE   Run the statements in FILE ('-' for stdin)\n"
         "  --format FORMAT   table (default), csv, or json (one JSON object per statement and line)\n"
         "  --timer           Report each statement's time\n"
         "  -h, --help        Show this help\n";
}

CliArgs ParseArgs(const std::vector<std::string>& args, const char* basin_data_env) {
  if (args.empty()) return {CliArgs::Action::kUsageError, MainHelp(), {}, {}};
  const std::string& first = args[0];
  if (first == "-h" || first == "--help" || first == "help") return {CliArgs::Action::kPrint, MainHelp(), {}, {}};
  if (first == "-V" || first == "--version") {
    return {CliArgs::Action::kPrint, std::string("basin ") + kVersion + "\n", {}, {}};
  }
  if (first == "sql") return ParseSqlArgs(args, basin_data_env);
  if (first == "server" || first == "topic" || first == "produce" || first == "consume" ||
      first == "dag") {
    return {CliArgs::Action::kCommand, "", {}, first};
  }
  return UsageError((first.rfind('-', 0) == 0 ? "unknown option '" : "unknown command '") + first + "'",
                    "basin --help");
}

}  // namespace basin::cli
