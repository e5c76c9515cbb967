#include "workflow/engine.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cctz/civil_time.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "catalog/catalog.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "main/database.h"
#include "workflow/system_tables.h"
#include "workflow/task_kinds.h"

namespace basin::workflow {

namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

int64_t Ms(TimePoint t) {
  return t.time_since_epoch().count();
}
TimePoint FromMs(int64_t ms) {
  return TimePoint(std::chrono::milliseconds(ms));
}

bool Terminal(const std::string& state) {
  return state == "success" || state == "failed" || state == "upstream_failed" || state == "skipped";
}

bool IsDagFile(const fs::path& path) {
  const std::string ext = path.extension().string();
  return (ext == ".yaml" || ext == ".yml") && !path.filename().string().starts_with(".");
}

TaskRow Waiting(int64_t run_id, const std::string& task) {
  TaskRow row;
  row.run_id = run_id;
  row.task = task;
  row.state = "none";
  return row;
}

/// How many catch-up runs one pass creates at most (the next pass goes on).
constexpr int kMaxRunsPerPass = 1000;

}  // namespace

WorkflowEngine::WorkflowEngine(Database* database, EngineOptions options)
    : database_(database),
      options_(std::move(options)),
      store_(std::make_unique<RunStore>(options_.store_path.empty() ? ":memory:" : options_.store_path)),
      attempts_metric_(DefaultMetrics().AddCounter("basin_workflow_task_attempts_total",
                                                   "Workflow task attempts finished, by state",
                                                   {"dag", "state"})),
      runs_metric_(DefaultMetrics().AddCounter("basin_workflow_runs_total",
                                               "Workflow runs finished, by state", {"dag", "state"})),
      sla_misses_metric_(DefaultMetrics().AddCounter(
          "basin_workflow_sla_misses_total", "Workflow runs that went past their DAG's sla", {"dag"})) {
  if (database_) RegisterSystemTables(*this, database_->catalog().provided_tables());
}

WorkflowEngine::~WorkflowEngine() {
  if (database_) UnregisterSystemTables(database_->catalog().provided_tables());
  Stop();
  if (inotify_fd_ >= 0) ::close(inotify_fd_);  // loaded, never started
}

TimePoint WorkflowEngine::Now() const {
  if (options_.now) return options_.now();
  return std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
}

void WorkflowEngine::Load() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (loaded_) return;
  loaded_ = true;
  if (!options_.dags_dir.empty()) {
    fs::create_directories(options_.dags_dir);
    if (options_.watch) {
      inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
      if (inotify_fd_ >= 0 &&
          ::inotify_add_watch(inotify_fd_, options_.dags_dir.c_str(),
                              IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE) < 0) {
        ::close(inotify_fd_);
        inotify_fd_ = -1;
      }
      if (inotify_fd_ < 0)
        LogLine(LogLevel::kWarning, "workflow: cannot watch " + options_.dags_dir + " (inotify)");
    }
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(options_.dags_dir)) {
      if (entry.is_regular_file() && IsDagFile(entry.path())) files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) LoadFile(file);
  }
}

void WorkflowEngine::Start() {
  Load();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (started_) return;
    started_ = true;
    Recover();
  }
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { WorkerLoop(); });
  loop_thread_ = std::thread([this] { Loop(); });
  watch_thread_ = std::thread([this] { WatchLoop(); });
}

void WorkflowEngine::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  cancel_ = true;
  wake_.notify_all();
  { std::lock_guard<std::mutex> lock(work_mutex_); }
  work_ready_.notify_all();
  if (loop_thread_.joinable()) loop_thread_.join();
  if (watch_thread_.joinable()) watch_thread_.join();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  std::deque<Work> left;
  {
    std::lock_guard<std::mutex> lock(work_mutex_);
    left.swap(work_);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Work& work : left) Undispatch(work);
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  inotify_fd_ = -1;
  run_done_.notify_all();
  if (sla_notifier_) sla_notifier_->Stop();
}

// ---- DAG files ----

void WorkflowEngine::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    UnloadFile(path);
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::shared_ptr<const Dag> dag;
  try {
    dag = ParseDag(text.str(), path);
    for (const auto& [file, name] : file_dags_) {
      if (name == dag->name && file != path) {
        throw DagError(path, 1, "DAG \"" + name + "\" is defined already in " + file);
      }
    }
  } catch (const DagError& e) {
    if (!errors_.count(path) || errors_[path].message != e.what()) {
      LogLine(LogLevel::kWarning, std::string("workflow: ") + e.what());
    }
    errors_[path] = DagFileError{path, e.line(), e.what()};
    return;  // a DAG the file held before keeps its last good definition
  }
  errors_.erase(path);
  if (const auto old = file_dags_.find(path); old != file_dags_.end() && old->second != dag->name) {
    dags_.erase(old->second);
  }
  file_dags_[path] = dag->name;
  AddDag(std::move(dag));
}

void WorkflowEngine::UnloadFile(const std::string& path) {
  errors_.erase(path);
  const auto found = file_dags_.find(path);
  if (found == file_dags_.end()) return;
  dags_.erase(found->second);  // its unfinished runs go on with the definition they hold
  LogLine(LogLevel::kInfo, "workflow: removed DAG " + found->second + " (" + path + " is gone)");
  file_dags_.erase(found);
}

void WorkflowEngine::AddDag(std::shared_ptr<const Dag> dag) {
  auto [it, added] = dags_.try_emplace(dag->name);
  DagEntry& entry = it->second;
  if (added) entry.state = store_->DagState(dag->name);
  entry.dag = std::move(dag);
  const Dag& d = *entry.dag;
  if (d.schedule && entry.state.last_interval_end_ms == 0) {
    // The first interval starts at the schedule's first time at or after start_date, else at its last
    // time before now (that interval's run comes when it ends).
    const TimePoint first = d.start_date
                                ? d.schedule->Next(*d.start_date - std::chrono::milliseconds(1), d.zone)
                                : d.schedule->Previous(Now(), d.zone);
    entry.state.last_interval_end_ms = Ms(first);
    store_->SaveDagState(entry.state);
  }
  entry.next_fire.reset();
  if (d.schedule) entry.next_fire = d.schedule->Next(FromMs(entry.state.last_interval_end_ms), d.zone);
  wake_.notify_all();
}

WorkflowEngine::DagEntry* WorkflowEngine::FindEntry(const std::string& name) {
  const auto found = dags_.find(name);
  return found == dags_.end() ? nullptr : &found->second;
}

std::shared_ptr<const Dag> WorkflowEngine::PutDag(const std::string& yaml) {
  std::shared_ptr<const Dag> dag = ParseDag(yaml, "");
  std::lock_guard<std::mutex> lock(mutex_);
  if (options_.dags_dir.empty()) {
    AddDag(dag);
    return dag;
  }
  const fs::path path = fs::path(options_.dags_dir) / (dag->name + ".yaml");
  for (const auto& [file, name] : file_dags_) {
    if (name == dag->name && file != path.string()) {
      throw DagError("", 0, "DAG \"" + name + "\" is defined already in " + file);
    }
  }
  const fs::path temporary = fs::path(options_.dags_dir) / ("." + dag->name + ".yaml.tmp");
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << yaml;
    if (!out.flush()) throw DagError(path.string(), 0, "cannot write the file");
  }
  fs::rename(temporary, path);
  LoadFile(path.string());
  if (const auto error = errors_.find(path.string()); error != errors_.end()) {
    throw DagError(path.string(), error->second.line, error->second.message);
  }
  return dags_.at(dag->name).dag;
}

std::vector<DagInfo> WorkflowEngine::Dags() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<DagInfo> out;
  for (const auto& [name, entry] : dags_) {
    DagInfo info{entry.dag, entry.state.paused, std::nullopt};
    if (entry.dag->schedule)
      info.next_run = entry.dag->schedule->Next(FromMs(entry.state.last_interval_end_ms), entry.dag->zone);
    out.push_back(std::move(info));
  }
  return out;
}

std::optional<DagInfo> WorkflowEngine::GetDag(const std::string& name) {
  for (DagInfo& info : Dags()) {
    if (info.dag->name == name) return info;
  }
  return std::nullopt;
}

std::vector<DagFileError> WorkflowEngine::Errors() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<DagFileError> out;
  for (const auto& [file, error] : errors_) out.push_back(error);
  return out;
}

// ---- runs ----

int64_t WorkflowEngine::CreateRun(const std::shared_ptr<const Dag>& dag, const std::string& run_type,
                                  TimePoint logical, TimePoint interval_start, TimePoint interval_end,
                                  const std::map<std::string, std::string>& params) {
  std::map<std::string, std::string> merged = dag->params;
  for (const auto& [k, v] : params) merged[k] = v;
  RunRow row;
  row.dag = dag->name;
  row.run_type = run_type;
  row.state = "queued";
  row.params = nlohmann::json(merged).dump();
  row.logical_ms = Ms(logical);
  row.interval_start_ms = Ms(interval_start);
  row.interval_end_ms = Ms(interval_end);
  row.created_ms = Ms(Now());
  std::vector<std::string> names;
  for (const TaskSpec& t : dag->tasks) names.push_back(t.id);
  store_->CreateRun(row, names);
  RunState& run = runs_[row.run_id];
  run.row = row;
  run.dag = dag;
  for (const std::string& name : names) run.tasks.push_back(Waiting(row.run_id, name));
  wake_.notify_all();
  return row.run_id;
}

WorkflowEngine::RunState* WorkflowEngine::LoadRun(int64_t run_id) {
  if (const auto found = runs_.find(run_id); found != runs_.end()) return &found->second;
  const std::optional<RunRow> row = store_->Run(run_id);
  if (!row) return nullptr;
  const DagEntry* entry = FindEntry(row->dag);
  if (!entry) return nullptr;
  RunState run;
  run.row = *row;
  run.dag = entry->dag;
  std::map<std::string, TaskRow> saved;
  for (TaskRow& t : store_->Tasks(run_id)) saved[t.task] = std::move(t);
  for (const TaskSpec& spec : run.dag->tasks) {
    const auto found = saved.find(spec.id);
    run.tasks.push_back(found != saved.end() ? found->second : Waiting(run_id, spec.id));
  }
  return &(runs_[run_id] = std::move(run));
}

void WorkflowEngine::Recover() {
  const int64_t now = Ms(Now());
  for (const RunRow& row : store_->UnfinishedRuns()) {
    RunState* run = LoadRun(row.run_id);
    if (!run) {
      RunRow gone = row;
      gone.state = "failed";
      gone.end_ms = now;
      store_->UpdateRun(gone);
      LogLine(LogLevel::kWarning, "workflow: run " + std::to_string(row.run_id) + " of " + row.dag +
                                      " failed: its DAG is no longer defined");
      continue;
    }
    for (size_t i = 0; i < run->tasks.size(); ++i) {
      TaskRow& t = run->tasks[i];
      if (t.state != "running") continue;
      const TaskSpec& spec = run->dag->tasks[i];
      // What the killed server's shell left running goes with it.
      if (KillOrphanedShell(store_->AttemptPid(t.run_id, t.task, t.try_number))) {
        LogLine(LogLevel::kInfo,
                "workflow: killed the process group a stopped server left for " + row.dag + "." + t.task);
      }
      AttemptRow attempt{t.run_id, t.task, t.try_number, "failed", t.start_ms, now, "", ""};
      for (const AttemptRow& a : store_->Attempts(t.run_id, t.task)) {
        if (a.try_number == t.try_number) attempt.log = a.log;
      }
      attempt.log += "[basin] the server stopped while this attempt ran\n";
      t.end_ms = now;
      if (t.try_number <= spec.retries) {
        t.state = "up_for_retry";
        t.next_try_ms = now;
      } else {
        t.state = "failed";
      }
      store_->UpdateTaskAndAttempt(t, attempt);
      LogLine(LogLevel::kInfo, "workflow: " + row.dag + " run " + std::to_string(row.run_id) + " task " +
                                   t.task + " was running when the server stopped: " + t.state);
    }
  }
}

void WorkflowEngine::CreateScheduledRuns() {
  const TimePoint now = Now();
  for (auto& [name, entry] : dags_) {
    const Dag& dag = *entry.dag;
    if (!entry.next_fire || *entry.next_fire > now || entry.state.paused) continue;
    TimePoint end = FromMs(entry.state.last_interval_end_ms);
    TimePoint next = *entry.next_fire;
    if (!dag.catchup) {
      // Only the latest complete interval.
      next = dag.schedule->Previous(now, dag.zone);
      end = std::max(end, dag.schedule->Previous(next - std::chrono::milliseconds(1), dag.zone));
    }
    for (int made = 0; next <= now && made < kMaxRunsPerPass; ++made) {
      CreateRun(entry.dag, "scheduled", end, end, next, {});
      end = next;
      next = dag.schedule->Next(end, dag.zone);
    }
    entry.state.last_interval_end_ms = Ms(end);
    entry.next_fire = next;
    store_->SaveDagState(entry.state);
  }
}

int WorkflowEngine::PoolSize(const std::string& pool) const {
  int size = 0;
  for (const auto& [name, entry] : dags_) {
    const auto found = entry.dag->pools.find(pool);
    if (found != entry.dag->pools.end()) size = size == 0 ? found->second : std::min(size, found->second);
  }
  return size == 0 ? 1 : size;  // an undeclared pool has one slot
}

std::optional<TimePoint> WorkflowEngine::Schedule() {
  const TimePoint now = Now();
  CreateScheduledRuns();
  std::optional<TimePoint> timer;
  auto at = [&timer](TimePoint t) {
    if (!timer || t < *timer) timer = t;
  };
  for (const auto& [name, entry] : dags_) {
    if (entry.next_fire && !entry.state.paused) at(*entry.next_fire);
  }
  std::map<std::string, int> running_runs;
  for (const auto& [id, run] : runs_) {
    if (run.row.state == "running") ++running_runs[run.row.dag];
  }
  std::vector<int64_t> finished;
  for (auto& [id, run] : runs_) {
    DagEntry* entry = FindEntry(run.row.dag);
    if (entry && entry->state.paused) continue;
    const Dag& dag = *run.dag;
    if (run.row.state == "queued") {
      if (running_runs[run.row.dag] >= dag.max_active_runs) continue;
      ++running_runs[run.row.dag];
      run.row.state = "running";
      run.row.start_ms = Ms(now);
      store_->UpdateRun(run.row);
    }
    bool all_done = true;
    for (size_t i = 0; i < run.tasks.size(); ++i) {
      TaskRow& t = run.tasks[i];
      if (Terminal(t.state)) continue;
      all_done = false;
      if (t.state == "running") continue;
      if (t.state == "up_for_retry" && t.next_try_ms > Ms(now)) {
        at(FromMs(t.next_try_ms));
        continue;
      }
      size_t done = 0, succeeded = 0, failed = 0, skipped = 0;
      for (int j : dag.upstream[i]) {
        const std::string& s = run.tasks[j].state;
        done += Terminal(s);
        succeeded += s == "success";
        failed += s == "failed" || s == "upstream_failed";
        skipped += s == "skipped";
      }
      const size_t n = dag.upstream[i].size();
      std::string verdict;  // "run", or the state it ends in without running
      switch (dag.tasks[i].trigger) {
        case TriggerRule::kAllSuccess:
          if (failed > 0)
            verdict = "upstream_failed";
          else if (done == n && skipped > 0)
            verdict = "skipped";
          else if (succeeded == n)
            verdict = "run";
          break;
        case TriggerRule::kAllDone:
          if (done == n) verdict = "run";
          break;
        case TriggerRule::kOneFailed:
          if (failed > 0)
            verdict = "run";
          else if (done == n)
            verdict = "skipped";
          break;
      }
      if (verdict.empty()) continue;
      if (verdict != "run") {
        t.state = verdict;
        t.end_ms = Ms(now);
        store_->UpdateTask(t);
        continue;
      }
      const std::string& pool = dag.tasks[i].pool;
      if (entry && entry->running_tasks >= dag.max_active_tasks) continue;
      if (!pool.empty() && pools_used_[pool] >= PoolSize(pool)) continue;
      Dispatch(run, static_cast<int>(i));
    }
    if (all_done && run.running == 0) {
      FinishRun(run);
      finished.push_back(id);
      continue;
    }
    if (dag.sla.count() > 0 && run.row.state == "running" && !run.row.sla_missed) {
      const TimePoint due = FromMs(run.row.start_ms) + dag.sla;
      if (due <= now) {
        run.row.sla_missed = true;
        store_->UpdateRun(run.row);
        sla_misses_metric_.Labels({dag.name}).Inc();
        LogLine(LogLevel::kWarning, "workflow: SLA missed: " + dag.name + " run " + std::to_string(id) +
                                        " has been running longer than its sla");
        if (!dag.sla_notify.empty()) {
          if (!sla_notifier_) sla_notifier_ = std::make_unique<SlaNotifier>();  // its thread when first needed
          sla_notifier_->Notify(dag.sla_notify, nlohmann::json{{"event", "sla_miss"},
                                                              {"dag", dag.name},
                                                              {"run_id", id},
                                                              {"logical_date_ms", run.row.logical_ms},
                                                              {"started_ms", run.row.start_ms},
                                                              {"sla_seconds", dag.sla.count() / 1000.0}}
                                                    .dump());
        }
      } else {
        at(due);
      }
    }
  }
  for (int64_t id : finished) runs_.erase(id);
  if (!finished.empty()) run_done_.notify_all();
  return timer;
}

TemplateVars WorkflowEngine::Vars(const RunState& run, int task) const {
  const Dag& dag = *run.dag;
  const TimePoint logical = FromMs(run.row.logical_ms);
  TemplateVars vars;
  vars["ds"] = cctz::format("%Y-%m-%d", logical, dag.zone);
  vars["ds_nodash"] = cctz::format("%Y%m%d", logical, dag.zone);
  vars["ts"] = vars["logical_date"] = FormatTime(logical, dag.zone);
  vars["data_interval_start"] = FormatTime(FromMs(run.row.interval_start_ms), dag.zone);
  vars["data_interval_end"] = FormatTime(FromMs(run.row.interval_end_ms), dag.zone);
  vars["run_id"] = std::to_string(run.row.run_id);
  vars["dag"] = dag.name;
  vars["task"] = dag.tasks[task].id;
  const nlohmann::json params = nlohmann::json::parse(run.row.params, nullptr, false);
  if (params.is_object()) {
    for (const auto& [k, v] : params.items())
      vars["params." + k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  for (const TaskRow& t : run.tasks) {
    if (t.state == "success") vars["outputs." + t.task] = t.output;
  }
  return vars;
}

void WorkflowEngine::Dispatch(RunState& run, int task) {
  TaskRow& t = run.tasks[task];
  const int64_t now = Ms(Now());
  t.state = "running";
  t.try_number += 1;
  t.start_ms = now;
  t.end_ms = 0;
  t.next_try_ms = 0;
  store_->UpdateTaskAndAttempt(t, AttemptRow{t.run_id, t.task, t.try_number, "running", now, 0, "", ""});
  ++run.running;
  if (DagEntry* entry = FindEntry(run.row.dag)) ++entry->running_tasks;
  const TaskSpec& spec = run.dag->tasks[task];
  if (!spec.pool.empty()) ++pools_used_[spec.pool];
  Work work{run.row.run_id, task, t.try_number, run.dag, Vars(run, task), spec.timeout};
  {
    std::lock_guard<std::mutex> lock(work_mutex_);
    work_.push_back(std::move(work));
  }
  work_ready_.notify_one();
}

void WorkflowEngine::Undispatch(const Work& work) {
  const auto found = runs_.find(work.run_id);
  if (found == runs_.end()) return;
  TaskRow& t = found->second.tasks[work.task];
  t.try_number -= 1;
  t.state = t.try_number > 0 ? "up_for_retry" : "none";
  t.start_ms = 0;
  store_->UndoAttempt(t, work.try_number);
}

void WorkflowEngine::Finished(const Work& work, bool ok, std::string output, std::string log,
                              int64_t start_ms) {
  const auto found = runs_.find(work.run_id);
  if (found == runs_.end()) return;
  RunState& run = found->second;
  TaskRow& t = run.tasks[work.task];
  const TaskSpec& spec = run.dag->tasks[work.task];
  const int64_t now = Ms(Now());
  --run.running;
  if (DagEntry* entry = FindEntry(run.row.dag)) --entry->running_tasks;
  if (!spec.pool.empty()) --pools_used_[spec.pool];
  AttemptRow attempt{t.run_id, t.task, work.try_number, ok ? "success" : "failed",
                     start_ms, now,    std::move(log),  output};
  if (stopping_ && !ok) {
    // Cut short by Stop: the task stays running in the store and the next start retries it.
    attempt.state = "running";
    store_->SaveAttempt(attempt);
    return;
  }
  attempts_metric_.Labels({run.row.dag, attempt.state}).Inc();
  t.end_ms = now;
  if (ok) {
    t.state = "success";
    t.output = std::move(output);
  } else if (t.try_number <= spec.retries) {
    t.state = "up_for_retry";
    auto delay = spec.retry_delay;
    for (int i = 1; i < t.try_number && delay < spec.max_retry_delay; ++i) delay *= 2;
    t.next_try_ms = now + std::min(delay, spec.max_retry_delay).count();
  } else {
    t.state = "failed";
  }
  store_->UpdateTaskAndAttempt(t, attempt);
}

void WorkflowEngine::FinishRun(RunState& run) {
  bool failed = false;
  for (size_t i = 0; i < run.tasks.size(); ++i) {
    const std::string& s = run.tasks[i].state;
    // As Airflow: a run fails when one of its last tasks did not succeed.
    if (run.dag->downstream[i].empty() && (s == "failed" || s == "upstream_failed")) failed = true;
  }
  run.row.state = failed ? "failed" : "success";
  run.row.end_ms = Ms(Now());
  store_->UpdateRun(run.row);
  runs_metric_.Labels({run.row.dag, run.row.state}).Inc();
}

// ---- API ----

int64_t WorkflowEngine::Trigger(const std::string& name, const std::map<std::string, std::string>& params,
                                std::optional<TimePoint> logical_date, const std::string& run_type) {
  std::lock_guard<std::mutex> lock(mutex_);
  DagEntry* entry = FindEntry(name);
  if (!entry) throw std::invalid_argument("no DAG named \"" + name + "\"");
  const TimePoint logical = logical_date.value_or(Now());
  const int64_t id = CreateRun(entry->dag, run_type, logical, logical, logical, params);
  if (!stopping_ && started_) Schedule();
  return id;
}

std::vector<int64_t> WorkflowEngine::Backfill(const std::string& name, TimePoint from, TimePoint to) {
  std::lock_guard<std::mutex> lock(mutex_);
  DagEntry* entry = FindEntry(name);
  if (!entry) throw std::invalid_argument("no DAG named \"" + name + "\"");
  if (to < from) throw std::invalid_argument("the backfill's end comes before its start");
  const Dag& dag = *entry->dag;
  std::vector<int64_t> ids;
  TimePoint start = dag.schedule ? dag.schedule->Next(from - std::chrono::milliseconds(1), dag.zone) : from;
  while (start <= to) {
    if (ids.size() >= 10'000) throw std::invalid_argument("a backfill makes at most 10000 runs");
    TimePoint end;
    if (dag.schedule) {
      end = dag.schedule->Next(start, dag.zone);
    } else {
      const cctz::civil_day day =
          cctz::civil_day(cctz::convert(std::chrono::time_point_cast<std::chrono::seconds>(start), dag.zone));
      start = cctz::convert(cctz::civil_second(day), dag.zone);
      end = cctz::convert(cctz::civil_second(day + 1), dag.zone);
    }
    ids.push_back(CreateRun(entry->dag, "backfill", start, start, end, {}));
    start = end;
  }
  if (!stopping_ && started_) Schedule();
  return ids;
}

void WorkflowEngine::Pause(const std::string& name, bool paused) {
  std::lock_guard<std::mutex> lock(mutex_);
  DagEntry* entry = FindEntry(name);
  if (!entry) throw std::invalid_argument("no DAG named \"" + name + "\"");
  entry->state.paused = paused;
  store_->SaveDagState(entry->state);
  wake_.notify_all();
}

void WorkflowEngine::Clear(int64_t run_id, const std::string& task) {
  std::lock_guard<std::mutex> lock(mutex_);
  RunState* run = LoadRun(run_id);
  if (!run) throw std::invalid_argument("no run " + std::to_string(run_id) + " of a DAG that is loaded");
  const int first = run->dag->TaskIndex(task);
  if (first < 0)
    throw std::invalid_argument("run " + std::to_string(run_id) + " has no task \"" + task + "\"");
  std::set<int> cleared;
  std::vector<int> stack{first};
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    if (!cleared.insert(i).second) continue;
    for (int j : run->dag->downstream[i]) stack.push_back(j);
  }
  for (int i : cleared) {
    if (run->tasks[i].state == "running") {
      throw std::invalid_argument("task \"" + run->tasks[i].task +
                                  "\" is running; clear it when it has finished");
    }
  }
  for (int i : cleared) {
    TaskRow& t = run->tasks[i];
    t.state = "none";
    t.start_ms = t.end_ms = t.next_try_ms = 0;
    t.output.clear();
    store_->UpdateTask(t);
  }
  run->row.state = run->row.start_ms > 0 ? "running" : "queued";
  run->row.end_ms = 0;
  store_->UpdateRun(run->row);
  if (!stopping_ && started_) Schedule();
}

std::optional<RunDetail> WorkflowEngine::GetRun(int64_t run_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (const auto found = runs_.find(run_id); found != runs_.end()) {
    return RunDetail{found->second.row, found->second.tasks};
  }
  const std::optional<RunRow> row = store_->Run(run_id);
  if (!row) return std::nullopt;
  RunDetail detail{*row, store_->Tasks(run_id)};
  if (const DagEntry* entry = FindEntry(row->dag)) {
    // The DAG's order, for people reading it.
    std::stable_sort(detail.tasks.begin(), detail.tasks.end(), [&](const TaskRow& a, const TaskRow& b) {
      return entry->dag->TaskIndex(a.task) < entry->dag->TaskIndex(b.task);
    });
  }
  return detail;
}

std::string WorkflowEngine::WaitRun(int64_t run_id, SteadyClock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  run_done_.wait_until(lock, deadline, [&] { return !runs_.count(run_id) || stopping_; });
  if (const auto found = runs_.find(run_id); found != runs_.end()) return found->second.row.state;
  const std::optional<RunRow> row = store_->Run(run_id);
  return row ? row->state : "";
}

// ---- threads ----

void WorkflowEngine::Post(std::function<void()> event) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(std::move(event));
  }
  wake_.notify_all();
}

void WorkflowEngine::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    while (!events_.empty()) {
      auto event = std::move(events_.front());
      events_.pop_front();
      try {
        event();
      } catch (const std::exception& e) {
        LogLine(LogLevel::kWarning, std::string("workflow: ") + e.what());
      }
    }
    std::optional<TimePoint> timer;
    try {
      timer = Schedule();
    } catch (const std::exception& e) {
      LogLine(LogLevel::kWarning, std::string("workflow: scheduling failed: ") + e.what());
      timer = Now() + std::chrono::seconds(1);
    }
    if (!events_.empty() || stopping_) continue;
    if (timer) {
      const auto wait = std::max<std::chrono::milliseconds>(*timer - Now(), std::chrono::milliseconds(0));
      // A long wait is cut so that a changed wall clock is noticed.
      wake_.wait_for(lock, std::min<std::chrono::milliseconds>(wait + std::chrono::milliseconds(1),
                                                               std::chrono::seconds(5)));
    } else {
      wake_.wait_for(lock, std::chrono::seconds(5));
    }
  }
}

void WorkflowEngine::WorkerLoop() {
  while (true) {
    Work work;
    {
      std::unique_lock<std::mutex> lock(work_mutex_);
      work_ready_.wait(lock, [&] { return cancel_ || !work_.empty(); });
      if (cancel_) return;  // what is queued goes back to its earlier state in Stop
      work = std::move(work_.front());
      work_.pop_front();
    }
    const TaskSpec& spec = work.dag->tasks[work.task];
    const auto started = SteadyClock::now();
    if (options_.on_attempt) options_.on_attempt(work.run_id, spec.id, true, started);
    const int64_t start_ms = Ms(Now());
    TaskOutcome outcome;
    try {
      TaskInput input;
      input.kind = spec.kind;
      for (const auto& [k, v] : spec.args) input.args[k] = RenderTemplate(v, work.vars);
      for (const auto& [k, v] : spec.env) input.env[k] = RenderTemplate(v, work.vars);
      input.deadline = started + work.timeout;
      input.cancel = &cancel_;
      input.database = database_;
      input.on_spawn = [this, &work, &spec](int64_t pgid) {
        store_->SetAttemptPid(work.run_id, spec.id, work.try_number, pgid);
      };
      outcome = RunTaskKind(input);
    } catch (const std::exception& e) {
      outcome = TaskOutcome{false, "", e.what()};
    }
    if (options_.on_attempt) options_.on_attempt(work.run_id, spec.id, false, SteadyClock::now());
    std::lock_guard<std::mutex> lock(mutex_);
    try {
      Finished(work, outcome.ok, std::move(outcome.output), std::move(outcome.log), start_ms);
      // Start what this unblocks now, on this thread: the hand-off costs no thread switch.
      if (!stopping_) Schedule();
    } catch (const std::exception& e) {
      LogLine(LogLevel::kWarning, std::string("workflow: ") + e.what());
    }
    wake_.notify_all();
  }
}

void WorkflowEngine::WatchLoop() {
  auto next_poll = SteadyClock::now();
  std::map<std::string, std::string> poll_errors;  // table -> last error logged
  while (!cancel_) {
    if (inotify_fd_ >= 0) {
      pollfd p{inotify_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) {
        alignas(inotify_event) char buffer[16384];
        std::set<std::string> changed, removed;
        ssize_t n;
        while ((n = ::read(inotify_fd_, buffer, sizeof(buffer))) > 0) {
          for (char* at = buffer; at < buffer + n;) {
            const auto* event = reinterpret_cast<const inotify_event*>(at);
            at += sizeof(inotify_event) + event->len;
            if (event->len == 0) continue;
            const fs::path path = fs::path(options_.dags_dir) / event->name;
            if (!IsDagFile(path)) continue;
            if (event->mask & (IN_DELETE | IN_MOVED_FROM)) {
              removed.insert(path.string());
              changed.erase(path.string());
            } else if (event->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
              changed.insert(path.string());
              removed.erase(path.string());
            }
          }
        }
        if (!changed.empty() || !removed.empty()) {
          Post([this, changed, removed] {
            for (const std::string& file : removed) UnloadFile(file);
            for (const std::string& file : changed) LoadFile(file);
          });
        }
      }
    } else {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(50));
    }
    if (SteadyClock::now() < next_poll || !database_) continue;
    next_poll = SteadyClock::now() + options_.data_poll;
    std::map<std::string, std::string> tables;  // dag -> table
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& [name, entry] : dags_) {
        if (!entry.dag->on_table.empty() && !entry.state.paused) tables[name] = entry.dag->on_table;
      }
    }
    for (const auto& [dag, table] : tables) {
      std::string snapshot;
      try {
        snapshot = LatestSnapshot(*database_, table);
        poll_errors.erase(table);
      } catch (const std::exception& e) {
        if (poll_errors[table] != e.what()) {
          LogLine(LogLevel::kWarning, "workflow: " + dag + " watches " + table + ": " + e.what());
        }
        poll_errors[table] = e.what();
        continue;
      }
      if (snapshot.empty()) snapshot = "none";
      Post([this, dag, snapshot] {
        DagEntry* entry = FindEntry(dag);
        if (!entry || entry->state.last_snapshot == snapshot) return;
        const bool first = entry->state.last_snapshot.empty();
        entry->state.last_snapshot = snapshot;
        store_->SaveDagState(entry->state);
        if (first) return;  // the table as the DAG first sees it is no news
        const TimePoint now = Now();
        CreateRun(entry->dag, "data", now, now, now, {{"snapshot_id", snapshot}});
      });
    }
  }
}

}  // namespace basin::workflow
