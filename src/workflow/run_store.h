#pragma once

// The history of workflows in the catalog database (DATA/catalog.db, beside the catalog's own tables):
// every run (basin_dag_runs), the current state of each task of a run (basin_task_instances), every
// attempt of a task with its start, end, state, log and output (basin_task_attempts), and per DAG its
// paused flag and how far its schedule and data trigger got (basin_dag_state). Each write is one SQLite
// transaction (WAL), so a killed server finds on restart what had started and what had finished.
// Thread-safe.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace basin::workflow {

struct RunRow {
  int64_t run_id = 0;
  std::string dag;
  std::string run_type;  ///< scheduled, manual, backfill, data
  std::string state;     ///< queued, running, success, failed
  std::string params;    ///< a JSON object of strings
  int64_t logical_ms = 0, interval_start_ms = 0, interval_end_ms = 0;
  int64_t created_ms = 0, start_ms = 0, end_ms = 0;
  bool sla_missed = false;
};

struct TaskRow {
  int64_t run_id = 0;
  std::string task;
  std::string state;   ///< none, running, up_for_retry, success, failed, upstream_failed, skipped
  int try_number = 0;  ///< attempts made (the running one included)
  int64_t start_ms = 0, end_ms = 0, next_try_ms = 0;
  std::string output;
};

struct AttemptRow {
  int64_t run_id = 0;
  std::string task;
  int try_number = 0;
  std::string state;  ///< running, success, failed
  int64_t start_ms = 0, end_ms = 0;
  std::string log, output;
};

struct DagStateRow {
  std::string dag;
  bool paused = false;
  int64_t last_interval_end_ms = 0;  ///< 0: never scheduled
  std::string last_snapshot;         ///< the data trigger's table snapshot last seen
};

class RunStore {
 public:
  /// Open (creating the tables) `path`, or ":memory:". Throws IOError naming the file.
  explicit RunStore(const std::string& path);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  /// Insert `run` (its run_id is assigned) and a task row in state none for each of `tasks`; returns the id.
  int64_t CreateRun(RunRow& run, const std::vector<std::string>& tasks);
  void UpdateRun(const RunRow& run);
  void UpdateTask(const TaskRow& task);
  void SaveAttempt(const AttemptRow& attempt);
  /// The process group a shell attempt runs in (0: none), so that a restarted server can end what a killed
  /// one left running.
  void SetAttemptPid(int64_t run_id, const std::string& task, int try_number, int64_t pid);
  int64_t AttemptPid(int64_t run_id, const std::string& task, int try_number);
  /// A task's row, and the removal of an attempt that never started.
  void UndoAttempt(const TaskRow& task, int try_number);
  /// A task's row and its attempt's, in one transaction.
  void UpdateTaskAndAttempt(const TaskRow& task, const AttemptRow& attempt);

  std::optional<RunRow> Run(int64_t run_id);
  /// The newest `limit` runs of `dag` (every DAG when empty), newest first.
  std::vector<RunRow> Runs(const std::string& dag, int limit);
  std::vector<RunRow> UnfinishedRuns();
  std::vector<TaskRow> Tasks(int64_t run_id);
  /// Attempts of a run (of one task when `task` is not empty), oldest first.
  std::vector<AttemptRow> Attempts(int64_t run_id, const std::string& task = "");
  /// Every task attempt, newest first, at most `limit` (SQL's system table).
  std::vector<AttemptRow> RecentAttempts(int limit);

  DagStateRow DagState(const std::string& dag);
  void SaveDagState(const DagStateRow& state);

 private:
  using Rows = std::vector<std::vector<std::optional<std::string>>>;  // SqliteRows
  void Exec(const std::string& sql, const std::vector<std::string>& params = {}, Rows* rows = nullptr);
  void ExecLocked(const std::string& sql, const std::vector<std::string>& params, Rows* rows);

  std::string path_;
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace basin::workflow
