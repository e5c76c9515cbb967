#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "execution/physical_operator.h"

namespace basin {

/// Keeps the rows for which a predicate is TRUE.
class PhysicalFilter : public PhysicalOperator {
 public:
  PhysicalFilter(std::vector<LogicalType> types, ExprPtr predicate)
      : PhysicalOperator("FILTER", std::move(types)), predicate_(std::move(predicate)) {}
  bool IsStreaming() const override { return true; }
  OperatorResult Execute(ExecutionContext& ctx, DataChunk& input, DataChunk& output, OperatorState& state,
                         GlobalOperatorState& gstate) override;
  std::string Details() const override { return predicate_->ToString(); }

 private:
  ExprPtr predicate_;
};

/// Computes one output column per expression.
class PhysicalProjection : public PhysicalOperator {
 public:
  PhysicalProjection(std::vector<LogicalType> types, std::vector<ExprPtr> expressions)
      : PhysicalOperator("PROJECTION", std::move(types)), expressions_(std::move(expressions)) {}
  bool IsStreaming() const override { return true; }
  OperatorResult Execute(ExecutionContext& ctx, DataChunk& input, DataChunk& output, OperatorState& state,
                         GlobalOperatorState& gstate) override;
  std::string Details() const override;

 private:
  std::vector<ExprPtr> expressions_;
};

/// LIMIT/OFFSET over its input in arrival order (its pipeline runs on one thread).
class PhysicalLimit : public PhysicalOperator {
 public:
  PhysicalLimit(std::vector<LogicalType> types, int64_t limit, int64_t offset)
      : PhysicalOperator("LIMIT", std::move(types)), limit_(limit), offset_(offset) {}
  bool IsStreaming() const override { return true; }
  bool RequiresSerialPipeline() const override { return true; }
  std::unique_ptr<GlobalOperatorState> InitGlobalOperatorState(ExecutionContext& ctx) override;
  OperatorResult Execute(ExecutionContext& ctx, DataChunk& input, DataChunk& output, OperatorState& state,
                         GlobalOperatorState& gstate) override;
  std::string Details() const override;

 private:
  int64_t limit_;  // -1: none
  int64_t offset_;
};

/// Keeps the first row of each distinct key (DISTINCT ON), on input already sorted by the key.
class PhysicalDistinctOn : public PhysicalOperator {
 public:
  PhysicalDistinctOn(std::vector<LogicalType> types, std::vector<ExprPtr> keys)
      : PhysicalOperator("DISTINCT_ON", std::move(types)), keys_(std::move(keys)) {}
  bool IsStreaming() const override { return true; }
  bool RequiresSerialPipeline() const override { return true; }
  std::unique_ptr<GlobalOperatorState> InitGlobalOperatorState(ExecutionContext& ctx) override;
  OperatorResult Execute(ExecutionContext& ctx, DataChunk& input, DataChunk& output, OperatorState& state,
                         GlobalOperatorState& gstate) override;

 private:
  std::vector<ExprPtr> keys_;
};

/// A table function once per input row, with arguments computed from the row: generate_series(start, stop
/// [, step]) and range (whose stop is exclusive) over integers, unnest(list), _pg_expandarray(list). Each
/// input row comes out once per value the function gives, with the value as a last column (_pg_expandarray:
/// the element and its 1-based position as the last two).
class PhysicalTableFunction : public PhysicalOperator {
 public:
  PhysicalTableFunction(std::vector<LogicalType> types, std::string function, std::vector<ExprPtr> arguments)
      : PhysicalOperator("TABLE_FUNCTION", std::move(types)),
        function_(std::move(function)),
        arguments_(std::move(arguments)) {}
  bool IsStreaming() const override { return true; }
  std::unique_ptr<OperatorState> InitOperatorState(ExecutionContext& ctx) override;
  OperatorResult Execute(ExecutionContext& ctx, DataChunk& input, DataChunk& output, OperatorState& state,
                         GlobalOperatorState& gstate) override;
  std::string Details() const override { return function_; }

 private:
  std::string function_;
  std::vector<ExprPtr> arguments_;
};

/// Materialises its input in arrival order (by morsel), for query results and CTEs.
class PhysicalCollect : public PhysicalOperator {
 public:
  explicit PhysicalCollect(std::vector<LogicalType> types) : PhysicalOperator("COLLECT", std::move(types)) {}
  bool IsSink() const override { return true; }
  std::unique_ptr<GlobalSinkState> InitGlobalSink(ExecutionContext& ctx) override;
  std::unique_ptr<LocalSinkState> InitLocalSink(ExecutionContext& ctx) override;
  SinkResult Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                  LocalSinkState& lstate) override;
  void Combine(ExecutionContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) override;
  void Finalize(ExecutionContext& ctx, GlobalSinkState& gstate) override;

  /// The collected chunks, in order, after Finalize.
  std::vector<std::unique_ptr<DataChunk>> TakeChunks();
};

/// Hands a query's rows to a consumer as they are produced, in the order PhysicalCollect would give them
/// (by batch), one chunk at a time and never two at once: a chunk goes out once no thread can still
/// produce rows of an earlier batch. Batches claim morsels in increasing order, so that is every batch
/// below the lowest one a running thread is on. Producers wait while the consumer works (backpressure);
/// a consumer returning false ends the query early, without error.
class PhysicalStream : public PhysicalOperator {
 public:
  using Consumer = std::function<bool(const DataChunk&)>;
  PhysicalStream(std::vector<LogicalType> types, Consumer consumer)
      : PhysicalOperator("STREAM", std::move(types)), consumer_(std::move(consumer)) {}
  bool IsSink() const override { return true; }
  std::unique_ptr<GlobalSinkState> InitGlobalSink(ExecutionContext& ctx) override;
  std::unique_ptr<LocalSinkState> InitLocalSink(ExecutionContext& ctx) override;
  void BatchStarted(ExecutionContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) override;
  SinkResult Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                  LocalSinkState& lstate) override;
  void Combine(ExecutionContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) override;
  void Finalize(ExecutionContext& ctx, GlobalSinkState& gstate) override;

  /// Rows handed to the consumer.
  int64_t rows() const;

 private:
  Consumer consumer_;
};

}  // namespace basin
