#pragma once

// The JSON of workflows as the REST API answers it (/api/v1/dags...), which `basin dag` also prints from a
// data directory that no server holds.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "workflow/engine.h"

namespace basin::server {

/// {"dags": [DagJson...], "errors": [{"file", "line", "message"}]}
nlohmann::json DagListJson(workflow::WorkflowEngine& engine);
/// A DAG: name, file, schedule, on_table, timezone, paused, params, next_run, tasks (and source).
nlohmann::json DagJson(const workflow::DagInfo& info, bool with_source);
/// {"runs": [run with "task_states": {task: state}]}, newest first.
nlohmann::json RunListJson(workflow::WorkflowEngine& engine, const std::string& dag, int limit);
/// A run with "tasks": [{task, state, try_number, start, end, output}].
nlohmann::json RunDetailJson(const workflow::RunDetail& run);
/// {"task", "attempts": [{try_number, state, start, end, log, output}]}; every task's when `task` is "".
nlohmann::json TaskLogsJson(workflow::WorkflowEngine& engine, int64_t run_id, const std::string& task);

}  // namespace basin::server
