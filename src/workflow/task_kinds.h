#pragma once

// What each task kind does, given its rendered arguments: sql (a script against Basin's engine, stopping at
// the first failing statement), shell (a command in a subprocess of its own process group, killed with the
// group at the timeout), http (success by status), copy/ingest (files matching a glob into a table, through
// COPY), wait (a sensor: a file appears, a table gets a new snapshot, a topic reaches an offset), noop.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>

namespace basin {
class Database;
}

namespace basin::workflow {

struct TaskInput {
  std::string kind;
  std::map<std::string, std::string> args;  ///< rendered
  std::map<std::string, std::string> env;   ///< rendered (shell)
  std::chrono::steady_clock::time_point deadline;
  /// Set when the attempt must end early (the server stops): kinds check it while they wait.
  const std::atomic<bool>* cancel = nullptr;
  Database* database = nullptr;  ///< null: sql, copy and table/topic waits fail saying so
  /// shell: called with the process group's id once the command started.
  std::function<void(int64_t pgid)> on_spawn;
};

struct TaskOutcome {
  bool ok = false;
  std::string output;  ///< what downstream templates see as outputs.TASK
  std::string log;     ///< what it printed, and why it failed
};

/// Run one attempt on the caller's thread. Never throws: failures are outcomes.
TaskOutcome RunTaskKind(const TaskInput& input);

/// The newest snapshot id of `table` ("schema.table" or "table"), "" when it has none. Throws what the
/// query throws (an unknown table). For data triggers and waits.
std::string LatestSnapshot(Database& database, const std::string& table);

/// Kill process group `pgid` if its leader is still a `/bin/sh -c` (a shell task a killed server left).
/// Returns whether it did.
bool KillOrphanedShell(int64_t pgid);

}  // namespace basin::workflow
