#pragma once

#include <memory>
#include <string>
#include <vector>

#include "execution/physical_operator.h"

namespace basin {

/// Computes window functions (ranking, lag/lead, frame values, aggregates over frames) over its whole input.
/// Sinks every input row together with the sort keys of each distinct (PARTITION BY, ORDER BY) spec;
/// Finalize sorts once per spec and fills one result column per window expression. The source then emits
/// the input columns followed by the window columns, in the order of the last sorting spec (as PostgreSQL
/// does), so it runs on one thread. Sinking is parallel: each thread materialises into its own local state.
class PhysicalWindow : public PhysicalOperator {
 public:
  /// `types`: the child's columns then one per window; `windows`: kWindow expressions over the child's
  /// columns (kReference).
  PhysicalWindow(std::vector<LogicalType> types, std::vector<ExprPtr> windows);

  bool IsSink() const override { return true; }
  bool IsSource() const override { return true; }
  bool ParallelSource() const override { return false; }
  std::unique_ptr<GlobalSinkState> InitGlobalSink(ExecutionContext& ctx) override;
  std::unique_ptr<LocalSinkState> InitLocalSink(ExecutionContext& ctx) override;
  SinkResult Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                  LocalSinkState& lstate) override;
  void Combine(ExecutionContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) override;
  void Finalize(ExecutionContext& ctx, GlobalSinkState& gstate) override;
  std::unique_ptr<GlobalSourceState> InitGlobalSource(ExecutionContext& ctx) override;
  void GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
               LocalSourceState& lstate) override;
  std::string Details() const override;

 private:
  /// Window expressions that share one PARTITION BY / ORDER BY, hence one sort.
  struct SpecGroup {
    const Expr* spec;             // the first window of the group: its partition_by and order_by
    std::vector<size_t> windows;  // indexes into windows_
    size_t first_key = 0;         // its key columns: partitions, then orders, from here on
  };

  std::vector<ExprPtr> windows_;
  std::vector<SpecGroup> groups_;
  /// Every group's key expressions, evaluated while sinking (in parallel) into the collection's keys.
  std::vector<const Expr*> keys_;
};

}  // namespace basin
