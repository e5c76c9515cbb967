#include "workflow/run_store.h"

#include <sqlite3.h>

#include "catalog/sqlite_exec.h"
#include "common/exception.h"

namespace basin::workflow {

namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS basin_dag_runs (
  run_id INTEGER PRIMARY KEY AUTOINCREMENT, dag TEXT NOT NULL, run_type TEXT NOT NULL, state TEXT NOT NULL,
  params TEXT NOT NULL, logical_ms INTEGER, interval_start_ms INTEGER, interval_end_ms INTEGER,
  created_ms INTEGER, start_ms INTEGER, end_ms INTEGER, sla_missed INTEGER DEFAULT 0);
CREATE INDEX IF NOT EXISTS basin_dag_runs_by_dag ON basin_dag_runs (dag, run_id);
CREATE TABLE IF NOT EXISTS basin_task_instances (
  run_id INTEGER NOT NULL, task TEXT NOT NULL, state TEXT NOT NULL, try_number INTEGER NOT NULL,
  start_ms INTEGER, end_ms INTEGER, next_try_ms INTEGER, output TEXT, PRIMARY KEY (run_id, task));
CREATE TABLE IF NOT EXISTS basin_task_attempts (
  run_id INTEGER NOT NULL, task TEXT NOT NULL, try_number INTEGER NOT NULL, state TEXT NOT NULL,
  start_ms INTEGER, end_ms INTEGER, log TEXT, output TEXT, pid INTEGER, PRIMARY KEY (run_id, task, try_number));
CREATE TABLE IF NOT EXISTS basin_dag_state (
  dag TEXT PRIMARY KEY, paused INTEGER NOT NULL, last_interval_end_ms INTEGER, last_snapshot TEXT);
)";

constexpr const char* kRunColumns =
    "run_id, dag, run_type, state, params, logical_ms, interval_start_ms, interval_end_ms, created_ms, "
    "start_ms, "
    "end_ms, sla_missed";
constexpr const char* kTaskColumns = "run_id, task, state, try_number, start_ms, end_ms, next_try_ms, output";
constexpr const char* kAttemptColumns = "run_id, task, try_number, state, start_ms, end_ms, log, output";

int64_t Int(const std::optional<std::string>& v) {
  return v ? std::stoll(*v) : 0;
}
std::string Text(const std::optional<std::string>& v) {
  return v ? *v : "";
}
std::string S(int64_t v) {
  return std::to_string(v);
}

RunRow ToRun(const std::vector<std::optional<std::string>>& r) {
  return RunRow{Int(r[0]), Text(r[1]), Text(r[2]), Text(r[3]), Text(r[4]), Int(r[5]),
                Int(r[6]), Int(r[7]),  Int(r[8]),  Int(r[9]),  Int(r[10]), Int(r[11]) != 0};
}
TaskRow ToTask(const std::vector<std::optional<std::string>>& r) {
  return TaskRow{Int(r[0]), Text(r[1]), Text(r[2]), static_cast<int>(Int(r[3])),
                 Int(r[4]), Int(r[5]),  Int(r[6]),  Text(r[7])};
}
AttemptRow ToAttempt(const std::vector<std::optional<std::string>>& r) {
  return AttemptRow{Int(r[0]),  Text(r[1]), static_cast<int>(Int(r[2])), Text(r[3]), Int(r[4]), Int(r[5]),
                    Text(r[6]), Text(r[7])};
}

}  // namespace

RunStore::RunStore(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw IOError("cannot open the workflow history in " + path + ": " + message);
  }
  sqlite3_busy_timeout(db_, 5000);
  char* error = nullptr;
  // WAL, as the catalog opens the same file; NORMAL: a commit survives a killed process (not a power cut).
  const std::string setup = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") + kSchema;
  if (sqlite3_exec(db_, setup.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    sqlite3_close(db_);
    db_ = nullptr;
    throw IOError("cannot create the workflow tables in " + path + ": " + message);
  }
}

RunStore::~RunStore() {
  sqlite3_close(db_);
}

void RunStore::Exec(const std::string& sql, const std::vector<std::string>& params, Rows* rows) {
  std::lock_guard<std::mutex> lock(mutex_);
  ExecLocked(sql, params, rows);
}

void RunStore::ExecLocked(const std::string& sql, const std::vector<std::string>& params, Rows* rows) {
  SqliteExec(db_, "workflow history (" + path_ + ")", sql, params, rows);
}

int64_t RunStore::CreateRun(RunRow& run, const std::vector<std::string>& tasks) {
  std::lock_guard<std::mutex> lock(mutex_);
  ExecLocked("BEGIN IMMEDIATE", {}, nullptr);
  try {
    ExecLocked(std::string("INSERT INTO basin_dag_runs (") + kRunColumns +
                   ") VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {run.dag, run.run_type, run.state, run.params, S(run.logical_ms), S(run.interval_start_ms),
                S(run.interval_end_ms), S(run.created_ms), S(run.start_ms), S(run.end_ms), S(run.sla_missed)},
               nullptr);
    run.run_id = sqlite3_last_insert_rowid(db_);
    for (const std::string& task : tasks) {
      ExecLocked("INSERT INTO basin_task_instances (" + std::string(kTaskColumns) +
                     ") VALUES (?, ?, 'none', 0, 0, 0, 0, '')",
                 {S(run.run_id), task}, nullptr);
    }
    ExecLocked("COMMIT", {}, nullptr);
  } catch (...) {
    ExecLocked("ROLLBACK", {}, nullptr);
    throw;
  }
  return run.run_id;
}

void RunStore::UpdateRun(const RunRow& run) {
  Exec("UPDATE basin_dag_runs SET state = ?, start_ms = ?, end_ms = ?, sla_missed = ? WHERE run_id = ?",
       {run.state, S(run.start_ms), S(run.end_ms), S(run.sla_missed), S(run.run_id)});
}

void RunStore::UpdateTask(const TaskRow& t) {
  Exec("INSERT OR REPLACE INTO basin_task_instances (" + std::string(kTaskColumns) +
           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
       {S(t.run_id), t.task, t.state, S(t.try_number), S(t.start_ms), S(t.end_ms), S(t.next_try_ms),
        t.output});
}

void RunStore::SaveAttempt(const AttemptRow& a) {
  Exec("INSERT OR REPLACE INTO basin_task_attempts (" + std::string(kAttemptColumns) +
           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
       {S(a.run_id), a.task, S(a.try_number), a.state, S(a.start_ms), S(a.end_ms), a.log, a.output});
}

void RunStore::SetAttemptPid(int64_t run_id, const std::string& task, int try_number, int64_t pid) {
  Exec("UPDATE basin_task_attempts SET pid = ? WHERE run_id = ? AND task = ? AND try_number = ?",
       {S(pid), S(run_id), task, S(try_number)});
}

int64_t RunStore::AttemptPid(int64_t run_id, const std::string& task, int try_number) {
  Rows rows;
  Exec("SELECT pid FROM basin_task_attempts WHERE run_id = ? AND task = ? AND try_number = ?",
       {S(run_id), task, S(try_number)}, &rows);
  return rows.empty() ? 0 : Int(rows[0][0]);
}

void RunStore::UndoAttempt(const TaskRow& t, int try_number) {
  UpdateTask(t);
  Exec("DELETE FROM basin_task_attempts WHERE run_id = ? AND task = ? AND try_number = ?",
       {S(t.run_id), t.task, S(try_number)});
}

void RunStore::UpdateTaskAndAttempt(const TaskRow& t, const AttemptRow& a) {
  std::lock_guard<std::mutex> lock(mutex_);
  ExecLocked("BEGIN IMMEDIATE", {}, nullptr);
  try {
    ExecLocked("INSERT OR REPLACE INTO basin_task_instances (" + std::string(kTaskColumns) +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               {S(t.run_id), t.task, t.state, S(t.try_number), S(t.start_ms), S(t.end_ms), S(t.next_try_ms),
                t.output},
               nullptr);
    ExecLocked("INSERT OR REPLACE INTO basin_task_attempts (" + std::string(kAttemptColumns) +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               {S(a.run_id), a.task, S(a.try_number), a.state, S(a.start_ms), S(a.end_ms), a.log, a.output},
               nullptr);
    ExecLocked("COMMIT", {}, nullptr);
  } catch (...) {
    ExecLocked("ROLLBACK", {}, nullptr);
    throw;
  }
}

std::optional<RunRow> RunStore::Run(int64_t run_id) {
  Rows rows;
  Exec(std::string("SELECT ") + kRunColumns + " FROM basin_dag_runs WHERE run_id = ?", {S(run_id)}, &rows);
  if (rows.empty()) return std::nullopt;
  return ToRun(rows[0]);
}

std::vector<RunRow> RunStore::Runs(const std::string& dag, int limit) {
  Rows rows;
  Exec(std::string("SELECT ") + kRunColumns +
           " FROM basin_dag_runs WHERE ? = '' OR dag = ? ORDER BY run_id DESC LIMIT ?",
       {dag, dag, S(limit)}, &rows);
  std::vector<RunRow> out;
  for (const auto& r : rows) out.push_back(ToRun(r));
  return out;
}

std::vector<RunRow> RunStore::UnfinishedRuns() {
  Rows rows;
  Exec(std::string("SELECT ") + kRunColumns +
           " FROM basin_dag_runs WHERE state IN ('queued', 'running') ORDER BY run_id",
       {}, &rows);
  std::vector<RunRow> out;
  for (const auto& r : rows) out.push_back(ToRun(r));
  return out;
}

std::vector<TaskRow> RunStore::Tasks(int64_t run_id) {
  Rows rows;
  Exec(std::string("SELECT ") + kTaskColumns + " FROM basin_task_instances WHERE run_id = ?", {S(run_id)},
       &rows);
  std::vector<TaskRow> out;
  for (const auto& r : rows) out.push_back(ToTask(r));
  return out;
}

std::vector<AttemptRow> RunStore::Attempts(int64_t run_id, const std::string& task) {
  Rows rows;
  Exec(
      std::string("SELECT ") + kAttemptColumns +
          " FROM basin_task_attempts WHERE run_id = ? AND (? = '' OR task = ?) ORDER BY start_ms, try_number",
      {S(run_id), task, task}, &rows);
  std::vector<AttemptRow> out;
  for (const auto& r : rows) out.push_back(ToAttempt(r));
  return out;
}

std::vector<AttemptRow> RunStore::RecentAttempts(int limit) {
  Rows rows;
  Exec(std::string("SELECT ") + kAttemptColumns +
           " FROM basin_task_attempts ORDER BY run_id DESC, start_ms DESC LIMIT ?",
       {S(limit)}, &rows);
  std::vector<AttemptRow> out;
  for (const auto& r : rows) out.push_back(ToAttempt(r));
  return out;
}

DagStateRow RunStore::DagState(const std::string& dag) {
  Rows rows;
  Exec("SELECT dag, paused, last_interval_end_ms, last_snapshot FROM basin_dag_state WHERE dag = ?", {dag},
       &rows);
  if (rows.empty()) {
    DagStateRow fresh;
    fresh.dag = dag;
    return fresh;
  }
  return DagStateRow{Text(rows[0][0]), Int(rows[0][1]) != 0, Int(rows[0][2]), Text(rows[0][3])};
}

void RunStore::SaveDagState(const DagStateRow& s) {
  Exec(
      "INSERT OR REPLACE INTO basin_dag_state (dag, paused, last_interval_end_ms, last_snapshot) VALUES (?, "
      "?, ?, ?)",
      {s.dag, S(s.paused), S(s.last_interval_end_ms), s.last_snapshot});
}

}  // namespace basin::workflow
