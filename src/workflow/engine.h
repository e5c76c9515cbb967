#pragma once

// The workflow engine: loads DAG files from a folder (watched with inotify, so an edit applies within a
// second; a broken file is reported with its line and leaves the other DAGs alone), creates runs (on
// schedules with catch-up, on a table's new snapshot whoever wrote it, on manual triggers with parameters,
// over a backfill's date range), and executes them: a task starts as soon as its upstream tasks allow
// (trigger rules all_success, all_done, one_failed), within the DAG's and the pools' concurrency, retried
// with exponential backoff, each attempt bounded by its timeout. Every transition is written to the
// RunStore before it takes effect, so a killed server resumes: attempts that were running are retried (or
// failed when out of retries), finished tasks are not run again.
//
// Threads: one scheduling thread reacts to events (a task finished, a timer, a file changed, an API call)
// and owns the state under mutex_; `workers` threads run task attempts; one watcher thread reads inotify
// and polls the data triggers' tables. API calls may come from any thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "workflow/dag.h"
#include "workflow/run_store.h"
#include "workflow/sla_notifier.h"
#include "workflow/template.h"

namespace basin {
class Database;
class Counter;
template <class M>
class MetricFamily;
}  // namespace basin

namespace basin::workflow {

struct EngineOptions {
  std::string dags_dir;                      ///< "" : no folder (DAGs only through PutDag)
  std::string store_path;                    ///< the catalog database, or ":memory:"
  int workers = 32;                          ///< task attempts running at once, all DAGs together
  bool watch = true;                         ///< follow the folder with inotify
  std::chrono::milliseconds data_poll{200};  ///< how often data triggers look at their tables
  /// For the scheduler's clock in tests; default the system clock.
  std::function<TimePoint()> now;
  /// Called on a worker thread as an attempt starts (`started`) and ends, with the steady clock's time:
  /// for measuring hand-offs (bench/workflow). Must be quick.
  std::function<void(int64_t run_id, const std::string& task, bool started,
                     std::chrono::steady_clock::time_point)>
      on_attempt;
};

/// A DAG as the API lists it.
struct DagInfo {
  std::shared_ptr<const Dag> dag;
  bool paused = false;
  std::optional<TimePoint> next_run;  ///< when its schedule fires next
};

/// A file that could not be loaded.
struct DagFileError {
  std::string file;
  int line = 0;
  std::string message;  ///< "file:line: why"
};

struct RunDetail {
  RunRow run;
  std::vector<TaskRow> tasks;  ///< in the DAG's order when it is known
};

class WorkflowEngine {
 public:
  /// `database` (may be null: sql, copy and table waits then fail) must outlive the engine.
  WorkflowEngine(Database* database, EngineOptions options);
  /// Stop()s the engine.
  ~WorkflowEngine();
  WorkflowEngine(const WorkflowEngine&) = delete;
  WorkflowEngine& operator=(const WorkflowEngine&) = delete;

  /// Load the folder (once): the DAGs and the files' errors are then listed, runs can be read, DAGs
  /// paused, without running anything.
  void Load();
  /// Load, recover unfinished runs and start the threads.
  void Start();
  /// Stop taking work; running attempts are cancelled (a killed shell group, an interrupted statement)
  /// and recorded as interrupted, to be retried at the next start. Idempotent.
  void Stop();

  std::vector<DagInfo> Dags();
  std::optional<DagInfo> GetDag(const std::string& name);
  std::vector<DagFileError> Errors();
  /// Check `yaml` and write it to the folder as NAME.yaml (or keep it in memory without a folder); it is
  /// loaded at once. Throws DagError.
  std::shared_ptr<const Dag> PutDag(const std::string& yaml);

  /// Start a run now. `params` override the DAG's; `logical_date` defaults to now. Throws
  /// std::invalid_argument for an unknown DAG.
  int64_t Trigger(const std::string& dag, const std::map<std::string, std::string>& params,
                  std::optional<TimePoint> logical_date = std::nullopt,
                  const std::string& run_type = "manual");
  /// One run per schedule interval starting in [from, to] (daily intervals for a DAG without a schedule).
  std::vector<int64_t> Backfill(const std::string& dag, TimePoint from, TimePoint to);
  void Pause(const std::string& dag, bool paused);
  /// Set `task` of `run_id` and every task after it back to waiting, so they run again. Throws
  /// std::invalid_argument for an unknown run or task, or one of them still running.
  void Clear(int64_t run_id, const std::string& task);

  std::optional<RunDetail> GetRun(int64_t run_id);
  RunStore& store() { return *store_; }
  /// Wait until the run has finished or the deadline passed; its state then.
  std::string WaitRun(int64_t run_id, std::chrono::steady_clock::time_point deadline);

 private:
  struct RunState {
    RunRow row;
    std::shared_ptr<const Dag> dag;
    std::vector<TaskRow> tasks;  // by the DAG's task index
    int running = 0;
  };
  struct DagEntry {
    std::shared_ptr<const Dag> dag;
    DagStateRow state;
    int running_tasks = 0;
    /// When its schedule fires next (from state.last_interval_end_ms), kept so that scheduling, which runs
    /// at every task's end, does not evaluate every DAG's cron.
    std::optional<TimePoint> next_fire;
  };

  TimePoint Now() const;
  void Post(std::function<void()> event);
  void Loop();
  void WorkerLoop();
  void WatchLoop();

  // Under mutex_:
  void LoadFile(const std::string& path);
  void UnloadFile(const std::string& path);
  void AddDag(std::shared_ptr<const Dag> dag);
  void Recover();
  DagEntry* FindEntry(const std::string& name);
  TemplateVars Vars(const RunState& run, int task) const;
  int64_t CreateRun(const std::shared_ptr<const Dag>& dag, const std::string& run_type, TimePoint logical,
                    TimePoint interval_start, TimePoint interval_end,
                    const std::map<std::string, std::string>& params);
  RunState* LoadRun(int64_t run_id);
  void CreateScheduledRuns();
  /// Start every task that may start; finish runs that are done. Returns when the next timer is due.
  std::optional<TimePoint> Schedule();
  void Dispatch(RunState& run, int task);
  struct Work;
  void Finished(const Work& work, bool ok, std::string output, std::string log, int64_t start_ms);
  /// Put a dispatched attempt that never started back as it was (at Stop).
  void Undispatch(const Work& work);
  void FinishRun(RunState& run);
  int PoolSize(const std::string& pool) const;

  Database* database_;
  EngineOptions options_;
  std::unique_ptr<RunStore> store_;

  std::mutex mutex_;
  std::condition_variable wake_;      // the scheduling thread
  std::condition_variable run_done_;  // WaitRun
  std::deque<std::function<void()>> events_;
  bool stopping_ = false;
  bool started_ = false;
  bool loaded_ = false;
  std::map<std::string, DagEntry> dags_;          // by name
  std::map<std::string, std::string> file_dags_;  // file -> DAG name
  std::map<std::string, DagFileError> errors_;    // by file
  std::map<int64_t, RunState> runs_;              // unfinished runs
  std::map<std::string, int> pools_used_;

  struct Work {
    int64_t run_id;
    int task;
    int try_number;
    std::shared_ptr<const Dag> dag;
    TemplateVars vars;
    std::chrono::milliseconds timeout;
  };
  std::mutex work_mutex_;
  std::condition_variable work_ready_;
  std::deque<Work> work_;
  std::atomic<bool> cancel_{false};

  MetricFamily<Counter>& attempts_metric_;    // basin_workflow_task_attempts_total{dag, state}
  MetricFamily<Counter>& runs_metric_;        // basin_workflow_runs_total{dag, state}
  MetricFamily<Counter>& sla_misses_metric_;  // basin_workflow_sla_misses_total{dag}

  std::unique_ptr<SlaNotifier> sla_notifier_;  // made by the loop at the first SLA miss to notify
  std::vector<std::thread> workers_;
  std::thread loop_thread_;
  std::thread watch_thread_;
  int inotify_fd_ = -1;
};

}  // namespace basin::workflow
