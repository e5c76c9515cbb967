#pragma once

// The workflow history as SQL relations (catalog/provided_tables.h): workflow.dags, workflow.dag_runs and
// workflow.task_attempts, made from the engine and its RunStore each time a statement reads them.

namespace basin {
class ProvidedTables;
}

namespace basin::workflow {

class WorkflowEngine;

/// Provide the relations over `engine` until UnregisterSystemTables; `engine` must outlive that.
void RegisterSystemTables(WorkflowEngine& engine, ProvidedTables& tables);
void UnregisterSystemTables(ProvidedTables& tables);

}  // namespace basin::workflow
