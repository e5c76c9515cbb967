#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/memory_tracker.h"
#include "execution/expression.h"
#include "vector/vector.h"

namespace basin {

class ClientContext;

/// Per-operator counters for EXPLAIN ANALYZE.
struct OperatorProfile {
  std::atomic<int64_t> rows{0};
  std::atomic<int64_t> nanos{0};
};

/// What every operator of a running query can reach: the session, the memory budget, the thread.
struct ExecutionContext {
  ClientContext* client = nullptr;
  MemoryTracker* memory = nullptr;
  bool profile = false;
  int max_threads = 0;  // the session's thread count (SET threads); 0: every worker
  int thread_index = 0;
  /// Morsel number of the chunk being pushed; sinks that keep order (results, inserts) sort by it.
  int64_t batch_index = 0;
  /// Set from another thread to cancel the statement (a client's cancel request); checked between chunks.
  const std::atomic<bool>* interrupted = nullptr;

  /// Throw 57014 when the statement was cancelled.
  void CheckInterrupted() const;
};

struct GlobalSourceState {
  virtual ~GlobalSourceState() = default;
};
struct LocalSourceState {
  virtual ~LocalSourceState() = default;
};
struct GlobalSinkState {
  virtual ~GlobalSinkState() = default;
};
struct LocalSinkState {
  virtual ~LocalSinkState() = default;
};
struct OperatorState {
  virtual ~OperatorState() = default;
};
struct GlobalOperatorState {
  virtual ~GlobalOperatorState() = default;
};

enum class OperatorResult { kNeedMoreInput, kHaveMoreOutput, kFinished };
enum class SinkResult { kNeedMoreInput, kFinished };

/// A node of a physical plan. An operator plays up to three roles in push-based pipelines (DuckDB's model):
/// a source (produces chunks: scans, and sinks once finalized), a streaming operator (chunk in, chunks
/// out: filter, projection, join probe) and a sink (consumes its whole input: aggregate, sort, join build).
/// Pipelines run on several threads; per-thread state lives in the Local* objects, shared state in the
/// Global* objects, which the operator owns for the one execution of its plan.
class PhysicalOperator {
 public:
  PhysicalOperator(std::string name, std::vector<LogicalType> types)
      : name_(std::move(name)), types_(std::move(types)) {}
  virtual ~PhysicalOperator() = default;

  const std::string& name() const { return name_; }
  const std::vector<LogicalType>& types() const { return types_; }
  std::vector<std::unique_ptr<PhysicalOperator>> children;
  int64_t estimated_rows = 0;
  OperatorProfile profile;

  /// Text shown under the name in EXPLAIN (expressions, keys).
  virtual std::string Details() const { return ""; }

  // Source role.
  virtual bool IsSource() const { return false; }
  /// False when the source's order matters (sorted output): its pipeline then runs on one thread.
  virtual bool ParallelSource() const { return false; }
  virtual std::unique_ptr<GlobalSourceState> InitGlobalSource(ExecutionContext& ctx) {
    return std::make_unique<GlobalSourceState>();
  }
  virtual std::unique_ptr<LocalSourceState> InitLocalSource(ExecutionContext& ctx,
                                                            GlobalSourceState& gstate) {
    return std::make_unique<LocalSourceState>();
  }
  /// Fill `out`; an empty chunk means the source is exhausted for this thread. Set ctx.batch_index.
  virtual void GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
                       LocalSourceState& lstate);

  // Streaming role.
  virtual bool IsStreaming() const { return false; }
  virtual std::unique_ptr<OperatorState> InitOperatorState(ExecutionContext& ctx) {
    return std::make_unique<OperatorState>();
  }
  virtual std::unique_ptr<GlobalOperatorState> InitGlobalOperatorState(ExecutionContext& ctx) {
    return std::make_unique<GlobalOperatorState>();
  }
  virtual OperatorResult Execute(ExecutionContext& ctx, DataChunk& input, DataChunk& output,
                                 OperatorState& state, GlobalOperatorState& gstate);
  /// Rows to emit once every thread has pushed all input through (unmatched rows of a FULL join).
  virtual bool HasFinalOutput() const { return false; }
  /// Produce the next chunk of final output; empty when done.
  virtual void FinalOutput(ExecutionContext& ctx, DataChunk& output, GlobalOperatorState& gstate) {}
  /// A pipeline holding this operator must run on one thread (LIMIT keeps first rows in order).
  virtual bool RequiresSerialPipeline() const { return false; }

  // Sink role.
  virtual bool IsSink() const { return false; }
  virtual std::unique_ptr<GlobalSinkState> InitGlobalSink(ExecutionContext& ctx) {
    return std::make_unique<GlobalSinkState>();
  }
  virtual std::unique_ptr<LocalSinkState> InitLocalSink(ExecutionContext& ctx) {
    return std::make_unique<LocalSinkState>();
  }
  virtual SinkResult Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                          LocalSinkState& lstate);
  /// A thread's source moved on to batch `ctx.batch_index` (a new morsel), before its rows reach the sink,
  /// which may then hand out what earlier batches produced (PhysicalStream).
  virtual void BatchStarted(ExecutionContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) {}
  /// Merge a thread's local state into the global one (called once per thread, after its last Sink).
  virtual void Combine(ExecutionContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) {}
  /// Called once when all input has been sunk.
  virtual void Finalize(ExecutionContext& ctx, GlobalSinkState& gstate) {}
  /// False when the sink must see its input on one thread, in order (DISTINCT or ordered aggregates).
  virtual bool ParallelSink() const { return true; }
  /// Which child feeds the sink (1 for a join's build side).
  virtual size_t SinkChildIndex() const { return 0; }

  /// The global sink state, created by the executor before the sink's pipelines run.
  std::unique_ptr<GlobalSinkState> sink_state;

  /// A one-line description plus children, indented, for EXPLAIN.
  std::string ToString(int indent = 0, bool analyze = false) const;

 private:
  std::string name_;
  std::vector<LogicalType> types_;
};

using PhysicalOperatorPtr = std::unique_ptr<PhysicalOperator>;

}  // namespace basin
