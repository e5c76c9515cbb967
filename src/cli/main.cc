// The `basin` binary: parses the command line and dispatches to a command.
#include <malloc.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/sql_command.h"

int main(int argc, char** argv) {
  // Query buffers (vectors, pages, hash tables) are allocated and freed all the time in sizes glibc would
  // map and unmap one by one: keep them in the heap instead, so freed memory is reused without page faults.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  using basin::cli::CliArgs;
  const std::vector<std::string> args(argv + 1, argv + argc);
  const CliArgs parsed = basin::cli::ParseArgs(args, std::getenv("BASIN_DATA"));
  switch (parsed.action) {
    case CliArgs::Action::kPrint:
      std::cout << parsed.text;
      return 0;
    case CliArgs::Action::kUsageError:
      std::cerr << parsed.text;
      return 2;
    case CliArgs::Action::kSql:
      return basin::cli::RunSqlCommand(parsed.sql);
    case CliArgs::Action::kCommand: {
      const std::vector<std::string> rest(args.begin() + 1, args.end());
      if (parsed.command == "server") return basin::cli::RunServerCommand(rest);
      if (parsed.command == "topic") return basin::cli::RunTopicCommand(rest);
      if (parsed.command == "dag") return basin::cli::RunDagCommand(rest);
      if (parsed.command == "produce") return basin::cli::RunProduceCommand(rest);
      return basin::cli::RunConsumeCommand(rest);
    }
  }
  return 2;
}
