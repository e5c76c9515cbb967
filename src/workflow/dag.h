#pragma once

// A DAG: tasks with dependencies, a schedule (cron in a time zone) or a data trigger (a table's new
// snapshot), parameters and default task arguments; parsed from a YAML file (docs/workflows.md has the
// format). Immutable once parsed, shared between threads through shared_ptr<const Dag>.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "workflow/cron.h"

namespace basin::workflow {

/// A DAG file that cannot be used: where (file and 1-based line; 0 when unknown) and why.
class DagError : public std::runtime_error {
 public:
  DagError(std::string file, int line, const std::string& message)
      : std::runtime_error((file.empty() ? std::string("dag") : file) +
                           (line > 0 ? ":" + std::to_string(line) : "") + ": " + message),
        file_(std::move(file)),
        line_(line) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }

 private:
  std::string file_;
  int line_;
};

/// When a task runs, given its upstream tasks' states (Airflow's names).
enum class TriggerRule { kAllSuccess, kAllDone, kOneFailed };

/// The kinds of task there are; each has its arguments (TaskSpec::args), checked at load.
inline constexpr const char* kTaskKinds[] = {"sql", "shell", "http", "copy", "ingest", "wait", "noop"};

struct TaskSpec {
  std::string id;
  std::string kind;
  std::vector<std::string> depends_on;
  /// The kind's arguments as written (templates unrendered): sql, command, url, from, into, ...
  std::map<std::string, std::string> args;
  std::map<std::string, std::string> env;  ///< shell: extra environment variables
  int retries = 0;
  std::chrono::milliseconds retry_delay{10'000};
  std::chrono::milliseconds max_retry_delay{3'600'000};
  std::chrono::milliseconds timeout{3'600'000};
  TriggerRule trigger = TriggerRule::kAllSuccess;
  std::string pool;  ///< empty: no pool
  int line = 0;      ///< where the task is defined
};

struct Dag {
  std::string name;
  std::string file;    ///< the YAML file it came from ("" when created otherwise)
  std::string source;  ///< the YAML text
  std::optional<Cron> schedule;
  std::string timezone = "UTC";
  cctz::time_zone zone;
  std::string on_table;  ///< data trigger: "schema.table" (or "table"), runs at each new snapshot
  std::optional<TimePoint> start_date;  ///< scheduled intervals start here (default: when first loaded)
  bool catchup = true;                  ///< run every missed interval, or only the latest
  int max_active_runs = 16;
  int max_active_tasks = 16;  ///< tasks of this DAG running at once
  std::chrono::milliseconds sla{
      0};  ///< a run still going this long after it started raises an alert; 0: none
  std::string sla_notify;  ///< http://... POSTed a JSON object at each SLA miss (SlaNotifier); empty: none
  std::map<std::string, std::string> params;
  std::map<std::string, int> pools;  ///< pool sizes this file declares (pools are global by name)
  std::vector<TaskSpec> tasks;       ///< in a topological order (upstream first)

  /// The index of task `id` in tasks, or -1.
  int TaskIndex(const std::string& id) const;
  /// For each task (by index), the indexes of its direct upstream and downstream tasks.
  std::vector<std::vector<int>> upstream, downstream;
};

/// Parse a DAG file's text. `file` names it in errors; a DAG without `name` takes the file's stem. Throws
/// DagError with the line of the fault: YAML syntax, unknown keys or kinds, a missing argument, a
/// dependency on an unknown task, a cycle (naming it: "a -> b -> a"), a bad schedule, time zone or template.
std::shared_ptr<const Dag> ParseDag(const std::string& text, const std::string& file = "");

/// "10s", "500ms", "2m", "1h", "1d" or a number of seconds. Throws std::invalid_argument.
std::chrono::milliseconds ParseDuration(const std::string& text);
/// "2024-01-31", "2024-01-31T03:00", "2024-01-31 03:00:00" (local in `zone`) or with a Z/offset. Throws
/// std::invalid_argument.
TimePoint ParseTime(const std::string& text, const cctz::time_zone& zone);
/// ISO 8601 in `zone` with its offset: "2024-01-31T03:00:00+09:00".
std::string FormatTime(TimePoint t, const cctz::time_zone& zone);

}  // namespace basin::workflow
