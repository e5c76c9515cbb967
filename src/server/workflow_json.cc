#include "server/workflow_json.h"

namespace basin::server {

namespace {

using Json = nlohmann::json;
using workflow::TimePoint;

std::string IsoTime(int64_t ms) {
  if (ms == 0) return "";
  return workflow::FormatTime(TimePoint(std::chrono::milliseconds(ms)), cctz::utc_time_zone());
}

Json RunJson(const workflow::RunRow& run) {
  return {{"run_id", run.run_id},
          {"dag", run.dag},
          {"run_type", run.run_type},
          {"state", run.state},
          {"params", Json::parse(run.params, nullptr, false)},
          {"logical_date", IsoTime(run.logical_ms)},
          {"data_interval_start", IsoTime(run.interval_start_ms)},
          {"data_interval_end", IsoTime(run.interval_end_ms)},
          {"start", IsoTime(run.start_ms)},
          {"end", IsoTime(run.end_ms)},
          {"sla_missed", run.sla_missed}};
}

}  // namespace

Json DagJson(const workflow::DagInfo& info, bool with_source) {
  const workflow::Dag& dag = *info.dag;
  Json tasks = Json::array();
  for (const workflow::TaskSpec& t : dag.tasks) {
    const char* rule = t.trigger == workflow::TriggerRule::kAllSuccess ? "all_success"
                       : t.trigger == workflow::TriggerRule::kAllDone  ? "all_done"
                                                                       : "one_failed";
    tasks.push_back({{"id", t.id},
                     {"kind", t.kind},
                     {"depends_on", t.depends_on},
                     {"trigger", rule},
                     {"retries", t.retries},
                     {"pool", t.pool}});
  }
  Json json = {
      {"name", dag.name},
      {"file", dag.file},
      {"schedule", dag.schedule ? Json(dag.schedule->text()) : Json(nullptr)},
      {"on_table", dag.on_table.empty() ? Json(nullptr) : Json(dag.on_table)},
      {"timezone", dag.timezone},
      {"paused", info.paused},
      {"params", dag.params},
      {"next_run", info.next_run ? Json(workflow::FormatTime(*info.next_run, dag.zone)) : Json(nullptr)},
      {"tasks", std::move(tasks)}};
  if (with_source) json["source"] = dag.source;
  return json;
}

Json DagListJson(workflow::WorkflowEngine& engine) {
  Json dags = Json::array(), errors = Json::array();
  for (const workflow::DagInfo& info : engine.Dags()) dags.push_back(DagJson(info, false));
  for (const workflow::DagFileError& e : engine.Errors()) {
    errors.push_back({{"file", e.file}, {"line", e.line}, {"message", e.message}});
  }
  return {{"dags", std::move(dags)}, {"errors", std::move(errors)}};
}

Json RunListJson(workflow::WorkflowEngine& engine, const std::string& dag, int limit) {
  Json runs = Json::array();
  for (const workflow::RunRow& run : engine.store().Runs(dag, limit)) {
    Json json = RunJson(run);
    Json tasks = Json::object();
    for (const workflow::TaskRow& t : engine.store().Tasks(run.run_id)) tasks[t.task] = t.state;
    json["task_states"] = std::move(tasks);
    runs.push_back(std::move(json));
  }
  return {{"runs", std::move(runs)}};
}

Json RunDetailJson(const workflow::RunDetail& run) {
  Json json = RunJson(run.run);
  Json tasks = Json::array();
  for (const workflow::TaskRow& t : run.tasks) {
    tasks.push_back({{"task", t.task},
                     {"state", t.state},
                     {"try_number", t.try_number},
                     {"start", IsoTime(t.start_ms)},
                     {"end", IsoTime(t.end_ms)},
                     {"output", t.output}});
  }
  json["tasks"] = std::move(tasks);
  return json;
}

Json TaskLogsJson(workflow::WorkflowEngine& engine, int64_t run_id, const std::string& task) {
  Json attempts = Json::array();
  for (const workflow::AttemptRow& a : engine.store().Attempts(run_id, task)) {
    attempts.push_back({{"task", a.task},
                        {"try_number", a.try_number},
                        {"state", a.state},
                        {"start", IsoTime(a.start_ms)},
                        {"end", IsoTime(a.end_ms)},
                        {"log", a.log},
                        {"output", a.output}});
  }
  return {{"task", task}, {"attempts", std::move(attempts)}};
}

}  // namespace basin::server
