#include "workflow/system_tables.h"

#include "catalog/provided_tables.h"
#include "workflow/engine.h"

namespace basin::workflow {

namespace {

constexpr const char* kSchema = "workflow";
/// The newest runs and attempts the relations hold.
constexpr int kMaxRows = 100'000;

Value Text(const std::string& text) {
  return Value::Varchar(text);
}
Value Time(int64_t ms) {
  return ms == 0 ? Value::Null(TypeId::kTimestampTz) : Value::TimestampTz(ms * 1000);
}

MetadataRows Dags(WorkflowEngine& engine) {
  engine.Load();  // the folder is read at the first look when nothing started the engine
  MetadataRows out;
  out.names = {"name", "file", "schedule", "on_table", "timezone", "paused", "tasks", "next_run"};
  out.types = {TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar,
               TypeId::kVarchar, TypeId::kBoolean, TypeId::kInteger, TypeId::kTimestampTz};
  for (const DagInfo& info : engine.Dags()) {
    const Dag& dag = *info.dag;
    out.rows.push_back({Text(dag.name), Text(dag.file),
                        dag.schedule ? Text(dag.schedule->text()) : Value::Null(TypeId::kVarchar),
                        dag.on_table.empty() ? Value::Null(TypeId::kVarchar) : Text(dag.on_table),
                        Text(dag.timezone), Value::Boolean(info.paused),
                        Value::Integer(static_cast<int32_t>(dag.tasks.size())),
                        info.next_run ? Time(info.next_run->time_since_epoch().count()) : Time(0)});
  }
  return out;
}

MetadataRows Runs(WorkflowEngine& engine) {
  MetadataRows out;
  out.names = {"run_id",
               "dag",
               "run_type",
               "state",
               "logical_date",
               "data_interval_start",
               "data_interval_end",
               "start_time",
               "end_time",
               "params",
               "sla_missed"};
  out.types = {TypeId::kBigInt,      TypeId::kVarchar,     TypeId::kVarchar,     TypeId::kVarchar,
               TypeId::kTimestampTz, TypeId::kTimestampTz, TypeId::kTimestampTz, TypeId::kTimestampTz,
               TypeId::kTimestampTz, TypeId::kVarchar,     TypeId::kBoolean};
  for (const RunRow& r : engine.store().Runs("", kMaxRows)) {
    out.rows.push_back({Value::BigInt(r.run_id), Text(r.dag), Text(r.run_type), Text(r.state),
                        Time(r.logical_ms), Time(r.interval_start_ms), Time(r.interval_end_ms),
                        Time(r.start_ms), Time(r.end_ms), Text(r.params), Value::Boolean(r.sla_missed)});
  }
  return out;
}

MetadataRows Attempts(WorkflowEngine& engine) {
  MetadataRows out;
  out.names = {"run_id", "dag", "task", "try_number", "state", "start_time", "end_time", "output", "log"};
  out.types = {TypeId::kBigInt,      TypeId::kVarchar, TypeId::kVarchar,
               TypeId::kInteger,     TypeId::kVarchar, TypeId::kTimestampTz,
               TypeId::kTimestampTz, TypeId::kVarchar, TypeId::kVarchar};
  std::map<int64_t, std::string> dags;
  for (const RunRow& r : engine.store().Runs("", kMaxRows)) dags[r.run_id] = r.dag;
  for (const AttemptRow& a : engine.store().RecentAttempts(kMaxRows)) {
    out.rows.push_back({Value::BigInt(a.run_id), Text(dags[a.run_id]), Text(a.task),
                        Value::Integer(a.try_number), Text(a.state), Time(a.start_ms), Time(a.end_ms),
                        Text(a.output), Text(a.log)});
  }
  return out;
}

}  // namespace

void RegisterSystemTables(WorkflowEngine& engine, ProvidedTables& tables) {
  tables.Register(kSchema, "dags", [&engine] { return Dags(engine); });
  tables.Register(kSchema, "dag_runs", [&engine] { return Runs(engine); });
  tables.Register(kSchema, "task_attempts", [&engine] { return Attempts(engine); });
}

void UnregisterSystemTables(ProvidedTables& tables) {
  for (const char* name : {"dags", "dag_runs", "task_attempts"}) tables.Unregister(kSchema, name);
}

}  // namespace basin::workflow
