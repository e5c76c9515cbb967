#pragma once

#include <map>
#include <memory>
#include <vector>

#include "common/task_scheduler.h"
#include "execution/physical_operator.h"

namespace basin {

/// A chain from a source through streaming operators into a sink; runs on one or more threads.
struct Pipeline {
  PhysicalOperator* source = nullptr;
  std::vector<PhysicalOperator*> operators;
  PhysicalOperator* sink = nullptr;
  std::vector<Pipeline*> dependencies;  // must complete first
  std::vector<Pipeline*> dependents;
  bool done = false;
};

/// Splits a physical plan into pipelines at its sinks and runs them in dependency order, each across the
/// scheduler's threads (morsel-driven: threads claim source morsels until none are left).
class Executor {
 public:
  Executor(ExecutionContext context, TaskScheduler& scheduler) : context_(context), scheduler_(scheduler) {}

  /// Run `root`, pushing its output into `result_sink` (a sink that is not part of the plan).
  void Execute(PhysicalOperator& root, PhysicalOperator& result_sink);

 private:
  Pipeline* NewPipeline();
  void Build(PhysicalOperator* op, Pipeline* pipeline);
  void InitSinks(PhysicalOperator* op);
  void RunPipeline(Pipeline& pipeline);

  ExecutionContext context_;
  TaskScheduler& scheduler_;
  std::vector<std::unique_ptr<Pipeline>> pipelines_;
};

}  // namespace basin
