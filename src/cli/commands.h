#pragma once

// The commands beside `basin sql`, each in its own *_command.cc.

#include <string>
#include <vector>

namespace basin::cli {

/// Run `basin server` with the arguments after "server"; return the exit status (0 after a clean stop on
/// SIGTERM or SIGINT, 1 when the server cannot start, 2 for a usage error).
int RunServerCommand(const std::vector<std::string>& args);

/// Run `basin topic`, `basin produce`, `basin consume` with the arguments after the command's name; return
/// the exit status (0, 1 for a failure the message explains, 2 for a usage error).
int RunTopicCommand(const std::vector<std::string>& args);
int RunProduceCommand(const std::vector<std::string>& args);
int RunConsumeCommand(const std::vector<std::string>& args);

/// Run `basin dag` (list, trigger, backfill, runs, logs, pause, unpause, clear) against the server that holds
/// the data directory (over HTTP) or, with none, the directory itself.
int RunDagCommand(const std::vector<std::string>& args);

}  // namespace basin::cli
