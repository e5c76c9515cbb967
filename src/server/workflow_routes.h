#pragma once

// The workflow routes: DAGs (list, create from YAML, pause, unpause, backfill), runs (trigger with params,
// list, one run with each task's state), a task's attempts with their logs, and clearing a task.

namespace basin::http {
class Router;
}
namespace basin::workflow {
class WorkflowEngine;
}

namespace basin::server {

/// Add the /api/v1/dags routes over `engine`, which must outlive the server.
void AddWorkflowRoutes(http::Router& router, workflow::WorkflowEngine& engine);

}  // namespace basin::server
